"""Golden landing pages: the sample's rendered pages compared byte for byte, as the feeds are.

The set: every market's page of one campaign (winter-boots: the sale, the 30-day reference price
of the markets with `reference_price = "lowest_30_days"`, tax notes, legal links, each locale),
the site index and one market index. `built_sample` builds on a fixed date (conftest.AS_OF) after
a build on BEFORE_SALE recorded the reference prices, so the bytes are stable.
FEEDGEN_UPDATE_GOLDEN=1 rewrites the golden copies (review the diff before committing them).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from ..conftest import GOLDEN

PAGES = GOLDEN / "pages"
CAMPAIGN = "winter-boots"
MARKETS = ("de", "dk", "fi", "gb", "nl", "no", "se", "us")
GOLDEN_PAGES = [f"{market}/{CAMPAIGN}.html" for market in MARKETS] + ["index.html", "de/index.html"]


def page_diff(expected: str, actual: str, name: str, limit: int = 60) -> str:
    """The first `limit` lines of a unified diff: enough to see what changed without flooding the log."""
    lines = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"golden/{name}", f"built/{name}",
                                      lineterm="", n=2))
    shown = lines[:limit] + ([f"… {len(lines) - limit} more diff lines"] if len(lines) > limit else [])
    return "\n".join(shown)


def assert_same_page(actual: Path, name: str) -> None:
    data = actual.read_bytes()
    golden = PAGES / name
    if os.environ.get("FEEDGEN_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(data)
    assert golden.exists(), f"no golden page {golden}; run with FEEDGEN_UPDATE_GOLDEN=1"
    expected = golden.read_bytes()
    if data != expected:
        pytest.fail(f"{actual} differs from {golden} (FEEDGEN_UPDATE_GOLDEN=1 rewrites it if the change is meant):\n"
                    + page_diff(expected.decode("utf-8", "replace"), data.decode("utf-8", "replace"), name),
                    pytrace=False)


@pytest.mark.parametrize("name", GOLDEN_PAGES)
def test_page_matches_golden(built_sample, name: str) -> None:
    assert_same_page(built_sample.out / "pages" / name, name)


def test_golden_set_covers_every_sample_market(built_sample) -> None:
    """A market added to the sample gets a golden page too (or this list is changed on purpose)."""
    built = sorted(p.name for p in (built_sample.out / "pages").iterdir() if p.is_dir())
    assert built == sorted(MARKETS)


def test_golden_set_includes_the_reference_price_rule() -> None:
    """At least one golden page shows the 30-day lowest price (EU Omnibus rule), so its rendering is pinned."""
    shown = [m for m in MARKETS if 'class="reference"' in (PAGES / f"{m}/{CAMPAIGN}.html").read_text(encoding="utf-8")]
    assert shown, "no golden page shows a reference price: pick a campaign/date where one is on sale"


def test_a_changed_page_prints_where_it_differs(tmp_path: Path) -> None:
    expected = "<p>one</p>\n<p>two</p>\n"
    actual = "<p>one</p>\n<p>zwei</p>\n"
    text = page_diff(expected, actual, "x/page.html")
    assert "-<p>two</p>" in text and "+<p>zwei</p>" in text and "golden/x/page.html" in text
