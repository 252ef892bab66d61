"""One real browser: Debian's headless Chromium loads a page from `feedgen serve`.

It checks what a shopper (and Googlebot's renderer) sees: the visible price in the rendered DOM is
the Google feed price, and saves a screenshot under the test's tmp dir for a human to look at.
Chromium is installed by .ci/run (apt-get install chromium); without it the test is skipped.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

import pytest

from feedgen.pages.money import read_price
from feedgen.pipeline.serve import Project, make_server
from feedgen.config.paths import ProjectPaths

from ..conftest import AS_OF
from ..helpers import build_project, google_items
from .pagetools import parse

CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome") if (path := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")


def chromium(*args: str, profile) -> subprocess.CompletedProcess:
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={profile}",
        # everything but the local server fails to resolve: the test never touches the network
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_chromium_renders_the_served_page_with_the_feed_price(mini_project, tmp_path) -> None:
    build_project(mini_project, market_ids=["NO"])
    server = make_server(Project(ProjectPaths(data_dir=mini_project / "product_data", out=mini_project / "output",
                                 locales=mini_project / "locales"), as_of=AS_OF), port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        url = f"http://{host}:{port}/pages/no/winter-boots.html"
        dom = chromium("--dump-dom", url, profile=tmp_path / "profile-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
        screenshot = tmp_path / "no-winter-boots.png"
        shot = chromium(f"--screenshot={screenshot}", "--window-size=1280,2400", "--hide-scrollbars", url,
                        profile=tmp_path / "profile-shot")
        assert shot.returncode == 0, shot.stderr[-2000:]
    finally:
        server.shutdown()
        server.server_close()

    root = parse(dom.stdout)
    [price] = root.xpath('//article[@id="AS-1005"]//data[contains(@class, "price-now")]')
    feed = google_items(mini_project / "output" / "google" / "no.xml")[price.get("data-sku")]
    market = __import__("feedgen.channels", fromlist=["read_markets"]).read_markets(
        mini_project / "product_data" / "markets.toml").markets["NO"]
    assert f"{read_price(price.text_content(), market):.2f} NOK" == feed["sale_price"][0] == "1699.00 NOK"
    assert root.xpath("//h1")[0].text_content() == "Vinterstøvler som holder kulda ute"
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
