"""`feedgen serve`: the built pages and the live review, on 127.0.0.1 with a free port."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from feedgen.pipeline.serve import Project, make_server
from feedgen.config.paths import ProjectPaths

from ..conftest import AS_OF
from ..helpers import build_project
from .test_review import edit_po


@contextmanager
def serving(project: Path, *, review: bool = False, locales: Path | None = None):
    server = make_server(Project(ProjectPaths(data_dir=project / "product_data", out=project / "output",
                                 locales=locales or project / "locales"), review=review, as_of=AS_OF), port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.fixture
def built_mini(mini_project) -> Path:
    build_project(mini_project, market_ids=["NO", "GB"])
    return mini_project


def test_serves_the_built_pages_with_an_index(built_mini) -> None:
    with serving(built_mini) as base:
        status, index = get(base + "/")  # redirected to /pages/index.html
        assert status == 200 and "Markets and campaigns" in index
        assert 'href="no/winter-boots.html"' in index and 'href="gb/city-sneakers.html"' in index
        assert 'href="gb/kids-winter-boots.html"' not in index  # that campaign does not run in GB
        assert '">Build report</a>' in index  # the build's report.html, linked from the index (issue 6)
        status, page = get(base + "/pages/no/winter-boots.html")
        assert status == 200
        assert page == (built_mini / "output" / "pages" / "no" / "winter-boots.html").read_text(encoding="utf-8")
        assert get(base + "/robots.txt")[0] == 200
        for bad in ("/pages/../product_data/markets.toml", "/pages/%2e%2e/%2e%2e/etc/passwd", "/google/no.xml",
                    "/pages/no/missing.html"):
            assert get(base + bad)[0] == 404, bad


def test_index_links_the_build_report_when_there_is_one(built_mini) -> None:
    (built_mini / "output" / "report.html").write_text("<!doctype html><title>report</title>", encoding="utf-8")
    with serving(built_mini) as base:
        index = get(base + "/pages/index.html")[1]
        assert '<a href="../report.html">Build report</a>' in index
        assert get(base + "/report.html") == (200, "<!doctype html><title>report</title>")


def test_review_mode_renders_from_the_project_and_follows_edits(mini_project) -> None:
    edit_po(mini_project, "nb", **{"Buy now": "fuzzy"})
    with serving(mini_project, review=True) as base:  # nothing built: review renders from the project
        status, index = get(base + "/pages/index.html")
        assert status == 200 and "machine" in index and "missing" in index
        status, page = get(base + "/pages/no/kids-winter-boots.html")
        assert status == 200 and '<mark class="review review-fuzzy" title="Buy now">Kjøp nå</mark>' in page
        assert "Review mode" in page
        edit_po(mini_project, "nb", **{"Buy now": "Handle nå"})  # a reviewer fixes the entry ...
        page = get(base + "/pages/no/kids-winter-boots.html")[1]  # ... and reloads
        assert ">Handle nå<" in page and "review-fuzzy" not in page.split("<main", 1)[1].split("</main>")[0]
        assert get(base + "/pages/no/nonexistent.html")[0] == 404
        assert get(base + "/pages/xx/winter-boots.html")[0] == 404


def test_review_mode_shows_an_input_error_instead_of_crashing(mini_project) -> None:
    with serving(mini_project, review=True) as base:
        (mini_project / "product_data" / "landing_pages.toml").write_text("[[campaigns]]\nslug = 'x'\n", encoding="utf-8")
        status, page = get(base + "/pages/no/winter-boots.html")
        assert status == 500 and "missing required key" in page


def test_review_with_another_locales_folder_reads_product_text_from_it_too(mini_project) -> None:
    # Review #13: --locales DIR gave the UI strings from DIR but product text from locales/ beside DATA.
    elsewhere = mini_project / "translations"
    (mini_project / "locales").rename(elsewhere)
    with serving(mini_project, review=True, locales=elsewhere) as base:
        status, page = get(base + "/pages/no/kids-winter-boots.html")
    assert status == 200
    assert "Troll vanntette vintersko til barn" in page
    assert "Troll Kids&#39; Waterproof Winter Boots" not in page and "Troll Kids' Waterproof Winter Boots" not in page


def test_a_missing_locales_folder_is_unusable_input(mini_project) -> None:
    from click.testing import CliRunner

    from feedgen.cli import main

    result = CliRunner().invoke(main, ["serve", "--data", str(mini_project / "product_data"), "--review",
                                                "--locales", str(mini_project / "nowhere"), "--port", "0"])
    assert result.exit_code == 2 and "locales folder not found" in result.output


def request(url: str, **headers: str):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def test_built_pages_are_gzipped_revalidated_and_back_forward_cacheable(built_mini) -> None:
    """RFC 9110 §12.5.3 (Accept-Encoding), RFC 9111 §5.2.2.4 (no-cache: store, but revalidate) and
    §5.2.2.5 (no-store, which keeps a page out of Chrome's back/forward cache: web.dev/articles/bfcache)."""
    import gzip

    built = (built_mini / "output" / "pages" / "no" / "winter-boots.html").read_bytes()
    with serving(built_mini) as base:
        url = base + "/pages/no/winter-boots.html"
        status, headers, body = request(url, **{"Accept-Encoding": "gzip, deflate"})
        assert status == 200 and headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
        assert gzip.decompress(body) == built and len(body) * 3 < len(built)
        assert headers["Cache-Control"] == "no-cache" and headers["ETag"]
        plain = request(url, **{"Accept-Encoding": "gzip;q=0, identity"})
        assert "Content-Encoding" not in plain[1] and plain[2] == built
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers={"If-None-Match": headers["ETag"]}), timeout=30)
            raise AssertionError("expected 304")
        except urllib.error.HTTPError as error:
            assert error.code == 304 and error.read() == b""


def test_review_pages_are_never_stored(mini_project) -> None:
    with serving(mini_project, review=True) as base:
        status, headers, _ = request(base + "/pages/no/winter-boots.html", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Cache-Control"] == "no-store" and "ETag" not in headers
        assert headers["Content-Encoding"] == "gzip"
