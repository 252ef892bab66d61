"""Removal tracking end to end with the real Amazon channel: SKUs gone from the catalogue since the
last published build are withdrawn in the next Amazon feed, once.

JSON_LISTINGS_FEED v2 (listings-feed-schema-v2.json, SPECS §3.1): a DELETE message carries only
messageId, sku and operationType. `--on-removed zero-stock` ends the offer instead with a PATCH
`merge` of purchasable_offer.end_at (Product.json "Stop Selling Date"; see
feedgen/channels/amazon/removals.py for why not a quantity).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedgen.channels.amazon import AmazonChannel
from .channels.feeds import amazon_document, attribute_errors, feed_errors
from .publishing_helpers import build, edit_catalogue

GONE = ("AS-1001-BRN-36", "AS-1001-BRN-37")  # two sizes of a style that stays
STYLE_GONE = "AS-1026"  # every size of this style goes: its parent SKU goes too
PARENT = "LISTING_PRODUCT_ONLY"


@pytest.fixture(autouse=True)
def placeholder_seller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FEEDGEN_AMAZON_SELLER_ID", raising=False)


def messages(project: Path, market: str) -> list[dict]:
    """The messages of a marketplace's feed, checked against Amazon's feed schema first."""
    document = amazon_document(project / "output" / "amazon" / f"{market}.json")
    assert feed_errors(document) == []
    return document["messages"]


def withdrawn(project: Path, market: str) -> list[tuple[str, str]]:
    return [(m["sku"], m["operationType"]) for m in messages(project, market) if m["operationType"] != "UPDATE"]


def listed(project: Path, market: str, requirements: str = "LISTING") -> set[str]:
    """SKUs the feed lists: children (LISTING) or parents (LISTING_PRODUCT_ONLY)."""
    return {m["sku"] for m in messages(project, market)
            if m["operationType"] == "UPDATE" and m["requirements"] == requirements}


def drop(rows: list[dict[str, str]], skus=(), style: str = "") -> list[dict[str, str]]:
    return [r for r in rows if r["sku"] not in skus and r["style_id"] != style]


def style_skus(project: Path, style: str) -> list[str]:
    return sorted(s for s in listed(project, "us") if s.startswith(f"{style}-"))


def test_removed_skus_and_emptied_parents_are_deleted_exactly_once(small_built: Path) -> None:
    project = small_built
    assert withdrawn(project, "us") == withdrawn(project, "de") == []
    before, parents = listed(project, "us"), listed(project, "us", PARENT)
    style = style_skus(project, STYLE_GONE)
    assert {*GONE, *style} <= before and {STYLE_GONE, "AS-1001"} <= parents

    edit_catalogue(project, lambda rows: drop(rows, GONE, STYLE_GONE))
    result = build(project, "--max-drop", "50")  # a third of the small catalogue goes on purpose
    assert result.exit_code == 0, result.output
    expected = [(sku, "DELETE") for sku in sorted([*GONE, *style])] + [(STYLE_GONE, "DELETE")]  # children, then parents
    for market in ("us", "de"):
        assert withdrawn(project, market) == expected
        deletes = [m for m in messages(project, market) if m["operationType"] == "DELETE"]
        assert all(set(m) == {"messageId", "sku", "operationType"} for m in deletes)
        assert listed(project, market) == before - {*GONE, *style}
        assert listed(project, market, PARENT) == parents - {STYLE_GONE}  # AS-1001 keeps its other children
        # read back, a feed lists the children it updates: deletes are not items (diff, report, next build)
        assert set(AmazonChannel.read_items(project / "output" / "amazon" / f"{market}.json")) == listed(project, market)

    assert build(project).exit_code == 0  # the next build does not repeat them
    assert withdrawn(project, "us") == withdrawn(project, "de") == []


def test_zero_stock_ends_the_offer_and_the_market_filter_defers_other_markets(small_built: Path) -> None:
    project = small_built
    style = style_skus(project, STYLE_GONE)
    de_before = (project / "output" / "amazon" / "de.json").read_bytes()

    edit_catalogue(project, lambda rows: drop(rows, ["AS-1005-BLK-40"], STYLE_GONE))
    result = build(project, "-m", "us", "--on-removed", "zero-stock", "--max-drop", "50")
    assert result.exit_code == 0, result.output
    # children only: a parent has no offer, and keeping it keeps the family for a relisted child
    patches = [m for m in messages(project, "us") if m["operationType"] == "PATCH"]
    assert [m["sku"] for m in patches] == sorted(["AS-1005-BLK-40", *style])
    assert withdrawn(project, "us") == [(m["sku"], "PATCH") for m in patches]
    for message in patches:
        assert set(message) == {"messageId", "sku", "operationType", "productType", "patches"}
        assert message["productType"] == "SHOES"
        (patch,) = message["patches"]
        assert (patch["op"], patch["path"]) == ("merge", "/attributes/purchasable_offer")
        # same selectors as the listed offer, only the end date: midnight of the build date in New York
        assert patch["value"] == [{"marketplace_id": "ATVPDKIKX0DER", "currency": "USD",
                                   "end_at": {"value": "2026-11-22T00:00:00-05:00"}}]
        assert attribute_errors({"purchasable_offer": patch["value"]}) == []  # Product.json's offer shape
    assert (project / "output" / "amazon" / "de.json").read_bytes() == de_before  # not built: nothing sent yet

    assert build(project, "--max-drop", "50").exit_code == 0  # DE's turn, with the default action
    assert withdrawn(project, "de") == [(sku, "DELETE") for sku in sorted(["AS-1005-BLK-40", *style])] + [
        (STYLE_GONE, "DELETE")]
    assert withdrawn(project, "us") == []  # US was told last time


def test_an_item_left_out_for_an_error_is_not_deleted(small_built: Path) -> None:
    project = small_built

    def broken_gtin(rows):
        rows[0]["gtin"] = "7094512010002"  # wrong check digit: the item is left out, not removed
        return rows

    edit_catalogue(project, broken_gtin)
    assert build(project).exit_code == 1
    for market in ("us", "de"):
        assert withdrawn(project, market) == []
        assert "AS-1001-BRN-36" not in listed(project, market)  # Amazon keeps its last listing meanwhile
