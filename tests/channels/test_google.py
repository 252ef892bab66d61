"""Google Merchant Center RSS feed: structure, golden files, and every diagnostic rule.

Spec: Product data specification (GMC 7052112), RSS format (GMC 160589); see SPECS.md Part A §1.
"""

from __future__ import annotations

import pytest
from lxml import etree

from ..conftest import GOLDEN, copy_sample, write_catalogue
from ..helpers import G, assert_golden, build_project, google_items


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory):
    """The mini project with its Google feeds built, once for the tests that only read them."""
    project = copy_sample(tmp_path_factory.mktemp("google"), mini=True)
    build_project(project, channels=["google"])
    return project


@pytest.mark.parametrize("market", ["no", "us"])
def test_golden_feed(mini_build, market) -> None:
    assert_golden(mini_build / "output" / "google" / f"{market}.xml", GOLDEN / "google" / f"{market}.xml")


def test_every_market_gets_a_well_formed_feed(mini_build) -> None:
    expected_currency = {"no": "NOK", "se": "SEK", "dk": "DKK", "fi": "EUR", "de": "EUR", "nl": "EUR", "gb": "GBP", "us": "USD"}
    for market, currency in expected_currency.items():
        path = mini_build / "output" / "google" / f"{market}.xml"
        raw = path.read_bytes()
        # g namespace declared exactly once, on the root (GMC 160589)
        assert raw.count(b'xmlns:g="http://base.google.com/ns/1.0"') == 1
        root = etree.fromstring(raw)
        assert root.tag == "rss" and root.get("version") == "2.0"
        assert root.nsmap == {"g": "http://base.google.com/ns/1.0"}
        items = google_items(path)
        assert len(items) == 7  # one per SKU
        for fields in items.values():
            for required in ("id", "title", "description", "link", "image_link", "availability", "price", "brand"):
                assert fields.get(required), (market, required)
            amount, code = fields["price"][0].split(" ")
            assert code == currency and amount.count(".") == 1 and len(amount.split(".")[1]) == 2
            assert fields["availability"][0] in {"in_stock", "out_of_stock"}
            assert fields["shipping"][0]["country"] == market.upper()


def test_sale_price_and_effective_date(mini_build) -> None:
    item = google_items(mini_build / "output" / "google" / "us.xml")["AS-1005-BLK-38"]
    assert item["price"] == ["183.95 USD"]
    assert item["sale_price"] == ["135.95 USD"]
    # GMC 6324460: ISO 8601 start/end with a UTC offset
    assert item["sale_price_effective_date"] == ["2026-11-20T00:00-05:00/2026-12-31T23:59-05:00"]
    assert item["size"] == ["7.5"] and item["size_system"] == ["US"]


def test_untrusted_text_is_escaped_by_lxml(project, tmp_path) -> None:
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "X-1", "title": "Boot </g:title><script>alert(1)</script> & \"quotes\"", "description": "Tough & dry ]]> boots"},
    ])
    build_project(project, channels=["google"], market_ids=["NO"])
    raw = (project / "output" / "google" / "no.xml").read_bytes()
    assert b"<script>" not in raw
    item = google_items(project / "output" / "google" / "no.xml")["X-1"]
    assert item["title"] == ["Boot </g:title><script>alert(1)</script> & \"quotes\""]
    assert item["description"] == ["Tough & dry ]]> boots"]


def rules_for(result, sku: str, market: str = "") -> dict[str, str]:
    """Feed rules for one SKU (translation coverage of the made-up test texts is another test's business)."""
    return {d.rule_id: d.severity for d in result.diagnostics
            if d.sku == sku and (not market or d.market == market) and not d.rule_id.startswith("i18n.")}


def test_diagnostic_rules(project) -> None:
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "OK"},
        {"sku": "LONG-TITLE", "title": "Warm boot " * 20},
        {"sku": "LONG-DESC", "description": "Warm boot. " * 600},
        {"sku": "NO-COLOR", "color": ""},
        {"sku": "NO-SIZE", "size": ""},
        {"sku": "FOUR-COLOURS", "color": "Red/Green/Blue/Black"},
        {"sku": "LONG-COLOUR", "color": "A" * 41},
        {"sku": "LONG-BRAND", "brand": "B" * 71},
        {"sku": "NO-IDS", "gtin": "", "mpn": ""},
        {"sku": "HTTP-IMAGE", "image_link": "http://images.alfasko.no/x.jpg"},
        {"sku": "MANY-IMAGES", "additional_image_links": "|".join(f"https://i.example/{n}.jpg" for n in range(12))},
        {"sku": "BAD-GTIN", "gtin": "7094512050022"},
        {"sku": "TEXT-PRICE", "price": "n/a"},
        {"sku": "ID-" + "X" * 60},
    ])
    result = build_project(project, channels=["google"], market_ids=["NO", "US"])
    no = google_items(project / "output" / "google" / "no.xml")
    us = google_items(project / "output" / "google" / "us.xml")

    assert rules_for(result, "LONG-TITLE", "NO") == {"google.title.shortened": "warning"}
    assert len(no["LONG-TITLE"]["title"][0]) <= 150 and no["LONG-TITLE"]["title"][0].endswith("…")
    assert rules_for(result, "LONG-DESC", "NO") == {"google.description.shortened": "warning"}
    assert len(no["LONG-DESC"]["description"][0]) <= 5000
    # colour and size are required for apparel in the US (GMC 6324487, 6324492), recommended in Norway
    assert rules_for(result, "NO-COLOR", "US") == {"google.color.missing": "error"} and "NO-COLOR" not in us
    assert rules_for(result, "NO-COLOR", "NO") == {"google.color.missing": "warning"} and "NO-COLOR" in no
    assert rules_for(result, "NO-SIZE", "US")["google.size.missing"] == "error"
    assert rules_for(result, "FOUR-COLOURS", "NO") == {"google.color.too_many": "error"} and "FOUR-COLOURS" not in no
    assert rules_for(result, "LONG-COLOUR", "NO") == {"google.color.too_long": "error"}
    assert rules_for(result, "LONG-BRAND", "NO") == {"google.brand.too_long": "error"}
    # no GTIN and no MPN: still sent, with identifier_exists = no (GMC 6324478)
    assert rules_for(result, "NO-IDS", "NO") == {"google.identifier.missing": "warning"}
    assert no["NO-IDS"]["identifier_exists"] == ["no"]
    assert rules_for(result, "HTTP-IMAGE", "NO") == {"google.image_link.not_https": "warning"}
    assert len(no["MANY-IMAGES"]["additional_image_link"]) == 10  # GMC 6324370: up to 10
    assert rules_for(result, "MANY-IMAGES", "NO") == {"google.additional_image_link.too_many": "warning"}
    assert rules_for(result, "ID-" + "X" * 60, "NO") == {"google.id.too_long": "error"}
    # catalogue errors are reported once, upstream, and keep the item out of the feed
    assert rules_for(result, "BAD-GTIN") == {"catalogue.gtin.invalid": "error"} and "BAD-GTIN" not in no
    assert rules_for(result, "TEXT-PRICE") == {"catalogue.price.invalid": "error"} and "TEXT-PRICE" not in us
    assert "OK" in no and "OK" in us and not rules_for(result, "OK")
