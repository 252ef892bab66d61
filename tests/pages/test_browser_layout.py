"""What a shopper on a phone or a laptop sees, measured in headless Chromium (issue #18).

- First screen: at 390x844 (a phone, emulated as mobile) and at 1366x768 (the commonest laptop)
  the first hero's name, price and Buy button are inside the viewport without scrolling, and on
  the phone the trust strip too.
- Size links: following a size's link shows that size's Buy button, which opens the variant the
  Google feed lists for that SKU; pages carry no script, so this is CSS (:target) only.
- axe-core (https://github.com/dequelabs/axe-core, default rules: WCAG 2.x A/AA and best
  practices) finds no violation on the campaign pages, the market and site indexes and report.html.
"""

from __future__ import annotations

import threading

import pytest

from feedgen.pipeline.serve import Project, make_server
from feedgen.config.paths import ProjectPaths

from ..conftest import AS_OF
from ..helpers import google_items
from .browser import AXE, CHROMIUM, Browser

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium); .ci/run installs it")
needs_axe = pytest.mark.skipif(not AXE.is_file(), reason=f"axe-core is not installed at {AXE} (.ci/run installs it with npm; "
                                                         "the install failed or was skipped)")
SCREENS = [pytest.param(390, 844, True, id="phone-390x844"), pytest.param(1366, 768, False, id="laptop-1366x768")]
FIRST_SCREEN = """(() => {
  const first = document.querySelector('article.product');
  const box = sel => { const e = first.querySelector(sel); const r = e.getBoundingClientRect();
                       return {top: r.top, bottom: r.bottom, width: r.width, shown: e.offsetParent !== null}; };
  return {height: innerHeight, width: innerWidth, scrollWidth: document.documentElement.scrollWidth,
          name: box('h2'), price: box('.price-now'), buy: box('.cta.default'), strip: box('.strip'),
          stripLines: Math.round(first.querySelector('.strip').getBoundingClientRect().height /
                                 parseFloat(getComputedStyle(first.querySelector('.strip')).lineHeight))};
})()"""


@pytest.fixture(scope="module")
def served(built_sample):
    server = make_server(Project(ProjectPaths(data_dir=built_sample.root / "product_data", out=built_sample.out,
                                 locales=built_sample.root / "locales"), as_of=AS_OF), port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield built_sample, f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with Browser(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


def campaign_pages(built):
    return [(market, campaign.slug) for campaign in built.campaigns for market in campaign.markets]


@pytest.mark.parametrize("width, height, mobile", SCREENS)
def test_first_hero_name_price_and_buy_are_in_the_first_screen(served, browser, width, height, mobile) -> None:
    built, base = served
    for market, slug in campaign_pages(built):
        tab = browser.open(f"{base}/pages/{market.lower()}/{slug}.html", width, height, mobile=mobile)
        seen = tab.evaluate(FIRST_SCREEN)
        assert (seen["width"], seen["height"]) == (width, height), (market, slug, seen)
        assert seen["scrollWidth"] <= width, (market, slug, "the page scrolls sideways")
        for part in ("name", "price", "buy"):
            box = seen[part]
            assert box["shown"] and 0 <= box["top"] and box["bottom"] <= height, (market, slug, part, box)
        if mobile:
            assert seen["strip"]["bottom"] <= height and seen["stripLines"] == 1, (market, slug, seen["strip"])


def test_a_size_link_shows_the_buy_button_of_that_variant(served, browser) -> None:
    built, base = served
    feed = google_items(built.out / "google" / "de.xml")
    tab = browser.open(f"{base}/pages/de/winter-boots.html", 390, 844, mobile=True)
    chips = tab.evaluate("[...document.querySelectorAll('#AS-1005 ul.sizes a')].map(a => [a.getAttribute('href'), a.dataset.sku])")
    assert len(chips) >= 5
    default = tab.evaluate("document.querySelector('#AS-1005 .cta.default').href")
    for href, sku in (chips[0], chips[-1]):
        tab.evaluate(f"document.querySelector('#AS-1005 ul.sizes a[data-sku=\"{sku}\"]').click()")
        shown = tab.evaluate("[...document.querySelectorAll('#AS-1005 a.cta')].filter(a => a.offsetParent !== null)"
                             ".map(a => a.href)")
        assert shown == [feed[sku]["link"][0]], (sku, shown)
        assert tab.evaluate("location.hash") == href
    # a link to a size works on its own too (shared, bookmarked, or opened with scripts off)
    sku = chips[1][1]
    tab = browser.open(f"{base}/pages/de/winter-boots.html#buy-{sku}", 390, 844, mobile=True)
    assert tab.evaluate("[...document.querySelectorAll('#AS-1005 a.cta')].filter(a => a.offsetParent).map(a => a.href)") == [
        feed[sku]["link"][0]]
    assert default not in {feed[c[1]]["link"][0] for c in chips[2:]}


@needs_axe
def test_axe_finds_no_violation_on_pages_indexes_and_report(served, browser) -> None:
    built, base = served
    urls = [f"/pages/{market.lower()}/{slug}.html" for market, slug in campaign_pages(built)]
    urls += ["/pages/index.html", "/pages/no/index.html", "/pages/de/index.html", "/report.html"]
    found = {}
    for url in urls:
        for width, height, mobile in ((390, 844, True), (1366, 768, False)) if url == "/report.html" else ((390, 844, True),):
            violations = browser.open(base + url, width, height, mobile=mobile).axe()
            if violations:
                found[f"{url} @{width}"] = violations
    assert not found, found
