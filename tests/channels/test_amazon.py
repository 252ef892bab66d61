"""Amazon JSON_LISTINGS_FEED: envelope valid against Amazon's schema, SHOES attribute shapes, rules.

Specs: amzn/selling-partner-api-models schemas/feeds/listings-feed-schema-v2.json (fixture copy,
see tests/fixtures/amazon/README.md); attribute shapes from schemas/definitions/Product.json;
SHOES specifics in SPECS.md Part A §3.3 and the research notes Q5-Q8.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest

from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.channels.amazon import channel as amazon
from feedgen.channels.amazon import AmazonChannel, footwear_size_value, split_points
from feedgen.channels.base import Removals, blocked_by_catalogue
from feedgen.errors import InputError
from feedgen.resolve.offers import resolve
from feedgen.publish.stage import Stage

from ..conftest import AS_OF, GOLDEN, copy_sample, write_catalogue
from ..helpers import assert_golden, build_project, google_items
from .feeds import amazon_document, amazon_messages, attribute_errors, feed_errors, meta_rows

MARKETPLACES = {"US": ("ATVPDKIKX0DER", "en_US", "AMAZON_NA"), "GB": ("A1F83G8C2ARO7P", "en_GB", "AMAZON_EU"),
                "DE": ("A1PA6795UKMFR9", "de_DE", "AMAZON_EU"), "NL": ("A1805IZSGTT6HS", "nl_NL", "AMAZON_EU"),
                "SE": ("A2NODRKZP88ZB9", "sv_SE", "AMAZON_EU")}
# Amazon's schema has no marketplace_id on these two (selector fulfillment_channel_code; theme name only)
NO_MARKETPLACE = {"fulfillment_availability", "variation_theme"}
# PRODUCT's definitions of these are US-only (currency enum USD, channels AMAZON_NA/DEFAULT, list_price `value`)
US_ONLY_SHAPES = frozenset({"list_price", "fulfillment_availability"})
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def enable_amazon_everywhere(project) -> None:
    """The sample enables Amazon for DE and US; switch on GB, NL and SE too (their marketplaces are configured)."""
    path = project / "product_data" / "markets.toml"
    text = path.read_text(encoding="utf-8")
    for market in ("SE", "NL", "GB"):
        head, tail = text.split(f"[markets.{market}]", 1)
        tail = tail.replace('channels = ["google", "meta"', 'channels = ["google", "meta", "amazon"', 1)
        text = f"{head}[markets.{market}]{tail}"
    path.write_text(text, encoding="utf-8")


def rules(result) -> dict[tuple[str, str, str], str]:
    return {(d.rule_id, d.sku, d.market): d.severity for d in result.diagnostics if d.channel == "amazon"}


@pytest.fixture(autouse=True)
def placeholder_seller(monkeypatch) -> None:
    """The sample's placeholder seller id, whatever the environment running the tests says."""
    monkeypatch.delenv("FEEDGEN_AMAZON_SELLER_ID", raising=False)


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory):
    """The mini project with its Amazon feeds built (placeholder seller id), once for the tests that only read them."""
    project = copy_sample(tmp_path_factory.mktemp("amazon"), mini=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("FEEDGEN_AMAZON_SELLER_ID", raising=False)
        build_project(project, channels=["amazon"])
    return project


@pytest.mark.parametrize("market", ["de", "us"])
def test_golden_feed(mini_build, market) -> None:
    assert_golden(mini_build / "output" / "amazon" / f"{market}.json", GOLDEN / "amazon" / f"{market}.json")


def test_every_marketplace_feed_is_valid(project) -> None:
    enable_amazon_everywhere(project)
    result = build_project(project, channels=["amazon"])
    assert not [d for d in result.diagnostics if d.channel == "amazon"]
    for market, (marketplace, tag, channel_code) in MARKETPLACES.items():
        document = amazon_document(project / "output" / "amazon" / f"{market.lower()}.json")
        assert feed_errors(document) == []
        assert document["header"] == {"sellerId": "A0FAKESELLER00", "version": "2.0", "issueLocale": "en_US"}
        messages = document["messages"]
        assert [m["messageId"] for m in messages] == list(range(1, len(messages) + 1))
        assert sum(m["attributes"].get("parentage_level", [{}])[0].get("value") == "child" for m in messages) == 593
        for message in messages:
            attributes = message["attributes"]
            skip = frozenset() if market == "US" else US_ONLY_SHAPES
            assert attribute_errors(attributes, skip) == [], message["sku"]
            for name, values in attributes.items():
                for value in values:
                    if name not in NO_MARKETPLACE:
                        assert value["marketplace_id"] == marketplace, (name, market)
                    if "language_tag" in value:
                        assert value["language_tag"] == tag
            if message["requirements"] == "LISTING":
                assert attributes["fulfillment_availability"] == [{"fulfillment_channel_code": channel_code}]  # no quantity
                for text in ("item_name", "brand", "product_description", "bullet_point", "color", "size",
                             "age_range_description", "department"):
                    assert all(v["language_tag"] == tag for v in attributes[text]), text


def test_parent_and_child(mini_build) -> None:
    messages = amazon_messages(mini_build / "output", "us")
    parent = messages["AS-1005"]
    assert (parent["operationType"], parent["productType"], parent["requirements"]) == ("UPDATE", "SHOES", "LISTING_PRODUCT_ONLY")
    assert parent["attributes"]["parentage_level"][0]["value"] == "parent"
    assert parent["attributes"]["variation_theme"] == [{"name": "SIZE/COLOR"}]
    assert not {"purchasable_offer", "list_price", "externally_assigned_product_identifier"} & set(parent["attributes"])

    child = messages["AS-1005-BLK-38"]
    a = child["attributes"]
    assert (child["operationType"], child["productType"], child["requirements"]) == ("UPDATE", "SHOES", "LISTING")
    assert a["externally_assigned_product_identifier"][0] | {} == {"type": "ean", "value": "7094512050021", "marketplace_id": "ATVPDKIKX0DER"}
    assert a["condition_type"][0]["value"] == "new_new"
    assert a["list_price"] == [{"value": Decimal("183.95"), "currency": "USD", "marketplace_id": "ATVPDKIKX0DER"}]  # US: excl. tax
    offer = a["purchasable_offer"][0]
    assert offer["currency"] == "USD" and offer["our_price"] == [{"schedule": [{"value_with_tax": Decimal("183.95")}]}]
    sale = offer["discounted_price"][0]["schedule"][0]
    assert sale == {"value_with_tax": Decimal("135.95"), "start_at": "2026-11-20T00:00:00-05:00", "end_at": "2026-12-31T23:59:59-05:00"}
    assert RFC3339.fullmatch(sale["start_at"]) and datetime.fromisoformat(sale["end_at"])  # RFC 3339 date-time
    assert a["footwear_size"] == [{"marketplace_id": "ATVPDKIKX0DER", "size_system": "us_footwear_size_system", "age_group": "adult",
                                   "gender": "women", "size_class": "numeric", "width": "medium", "size": "numeric_7_point_5"}]
    assert a["target_gender"] == [{"value": "female", "marketplace_id": "ATVPDKIKX0DER"}]
    assert a["age_range_description"][0]["value"] == "Adult" and a["department"][0]["value"] == "Women"
    assert a["child_parent_sku_relationship"] == [{"child_relationship_type": "variation", "parent_sku": "AS-1005",
                                                   "marketplace_id": "ATVPDKIKX0DER"}]
    assert a["supplier_declared_dg_hz_regulation"][0]["value"] == "not_applicable"
    assert a["country_of_origin"][0]["value"] == "RO"
    assert [a[f"other_product_image_locator_{n}"][0]["media_location"][-5:] for n in (1, 2, 3)] == ["2.jpg", "3.jpg", "4.jpg"]
    assert len(a["bullet_point"]) == 5


def test_europe(mini_build) -> None:
    messages = amazon_messages(mini_build / "output", "de")
    a = messages["AS-1005-BLK-38"]["attributes"]
    assert a["list_price"][0] == {"value_with_tax": Decimal("189.95"), "currency": "EUR", "marketplace_id": "A1PA6795UKMFR9"}
    assert a["fulfillment_availability"] == [{"fulfillment_channel_code": "AMAZON_EU"}]
    assert a["footwear_size"][0]["size_system"] == "eu_footwear_size_system" and a["footwear_size"][0]["size"] == "numeric_38"
    assert a["age_range_description"][0] == {"value": "Erwachsener", "language_tag": "de_DE", "marketplace_id": "A1PA6795UKMFR9"}
    kids = messages["AS-1022-BLK-28"]["attributes"]
    assert kids["footwear_size"][0]["age_group"] == "little_kid" and "gender" not in kids["footwear_size"][0]
    assert kids["department"][0]["value"] == "Unisex Kinder"


def test_unisex_adult_sizes_name_the_chart_they_come_from(project) -> None:
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "U-36", "style_id": "U", "gender": "unisex", "size": "36"},  # below the men's chart: women's
        {"sku": "U-42", "style_id": "U", "gender": "unisex", "size": "42"},
    ])
    build_project(project, channels=["amazon"], market_ids=["US"])
    messages = amazon_messages(project / "output", "us")
    assert {k: messages["U-36"]["attributes"]["footwear_size"][0][k] for k in ("gender", "size")} == {"gender": "women", "size": "numeric_6"}
    assert {k: messages["U-42"]["attributes"]["footwear_size"][0][k] for k in ("gender", "size")} == {"gender": "men", "size": "numeric_9"}
    assert messages["U-42"]["attributes"]["target_gender"][0]["value"] == "unisex"


@pytest.mark.parametrize("size, value", [("38", "numeric_38"), ("9.5", "numeric_9_point_5"), ("10,5", "numeric_10_point_5"),
                                         ("7.0", "numeric_7"), ("M", None), ("9.25", None), ("", None)])
def test_footwear_size_value(size, value) -> None:
    assert footwear_size_value(size) == value


def test_split_points() -> None:
    assert split_points([3, 3, 3, 2], 4) == [0, 3, 6, 9]  # whole styles per file
    assert split_points([2, 2, 1], 5) == [0]
    assert split_points([5, 2], 2) == [0, 2, 4, 5]  # a style bigger than a file is split, parent first


def write_de(project, max_messages: int, removed: Removals = Removals()) -> list:
    """The DE feed of the mini catalogue written straight through the channel, with a small message limit."""
    sources = load_sources(BuildRequest(data_dir=project / "product_data", as_of=AS_OF))
    market_offers = resolve(sources, sources.config.markets["DE"])
    channel = AmazonChannel(sources.config, max_messages=max_messages)
    accepted, _ = channel.prepare(market_offers, blocked_by_catalogue(market_offers.offers, {}, channel.required_fields))
    stage = Stage(project / "output", "Alfa Sko")
    try:
        artifacts = channel.write(accepted, market_offers, stage, removed=removed)
        stage.publish()
    finally:
        stage.discard()
    return artifacts


def test_feed_splits_at_the_message_limit(mini_project) -> None:
    artifacts = write_de(mini_project, 4)
    assert [a.path for a in artifacts] == [f"amazon/de-00{n}.json" for n in (1, 2, 3, 4)]
    assert sum(a.items for a in artifacts) == 7
    for artifact in artifacts:
        document = amazon_document(mini_project / "output" / artifact.path)
        assert feed_errors(document) == [] and len(document["messages"]) <= 4
        assert [m["messageId"] for m in document["messages"]] == list(range(1, len(document["messages"]) + 1))
        parents = {m["sku"] for m in document["messages"] if m["requirements"] == "LISTING_PRODUCT_ONLY"}
        for message in document["messages"]:
            if message["requirements"] == "LISTING":  # each child travels with its parent
                assert message["attributes"]["child_parent_sku_relationship"][0]["parent_sku"] in parents


def test_removal_messages_count_towards_the_split(mini_project) -> None:
    """Styles of 3, 3, 3 and 2 messages plus 3 deletes, at most 4 messages a file: 5 files."""
    removed = Removals(frozenset({"OLD-1", "OLD-2"}), "delete",
                       previous={"OLD-1": {"parent_sku": "OLD"}, "OLD-2": {"parent_sku": "OLD"}})
    artifacts = write_de(mini_project, 4, removed)
    assert [a.path for a in artifacts] == [f"amazon/de-00{n}.json" for n in (1, 2, 3, 4, 5)]
    assert sum(a.items for a in artifacts) == 7  # deletes are not items
    deletes, read = [], {}
    for artifact in artifacts:
        path = mini_project / "output" / artifact.path
        document = amazon_document(path)
        assert feed_errors(document) == [] and 1 <= len(document["messages"]) <= 4
        assert [m["messageId"] for m in document["messages"]] == list(range(1, len(document["messages"]) + 1))
        deletes += [m["sku"] for m in document["messages"] if m["operationType"] == "DELETE"]
        read.update(AmazonChannel.read_items(path))
    assert deletes == ["OLD-1", "OLD-2", "OLD"]  # once each, children before their parent (style OLD is gone)
    assert sorted(read) == ["AS-1005-BLK-38", "AS-1005-BLK-39", "AS-1009-WHT-42", "AS-1009-WHT-43",
                            "AS-1022-BLK-28", "AS-1022-BLK-29", "AS-1026-BRN-40"]  # read back: the items, split or not


def test_read_items_flattens_a_listing_for_diff(mini_build) -> None:
    items = AmazonChannel.read_items(mini_build / "output" / "amazon" / "us.json")
    child = items["AS-1005-BLK-38"]
    # prices as Google and Meta write them, under their names, so diff and report compare them
    assert (child["price"], child["sale_price"], child["list_price"]) == ("183.95 USD", "135.95 USD", "183.95 USD")
    assert child["sale_price_effective_date"] == "2026-11-20T00:00:00-05:00/2026-12-31T23:59:59-05:00"
    assert (child["footwear_size.size"], child["parentage_level"], child["parent_sku"]) == (
        "numeric_7_point_5", "child", "AS-1005")
    assert len(child["bullet_point"].split("|")) == 5 and "marketplace_id" not in str(child)
    assert "AS-1005" not in items and len(items) == 7  # parents sell nothing: items as the manifest counts them


def test_seller_id_from_the_environment(mini_project, monkeypatch) -> None:
    monkeypatch.setenv("FEEDGEN_AMAZON_SELLER_ID", "A1REALSELLER23")
    build_project(mini_project, channels=["amazon"], market_ids=["US"])
    assert amazon_document(mini_project / "output" / "amazon" / "us.json")["header"]["sellerId"] == "A1REALSELLER23"


def test_no_seller_id_is_a_configuration_error(mini_project) -> None:
    path = mini_project / "product_data" / "markets.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('seller_id = "A0FAKESELLER00"', ""), encoding="utf-8")
    with pytest.raises(InputError, match="FEEDGEN_AMAZON_SELLER_ID"):
        build_project(mini_project, channels=["amazon"])
    assert build_project(mini_project, channels=["google"]).published  # other channels don't need it


def test_unknown_language_tag_is_a_configuration_error(mini_project, monkeypatch) -> None:
    monkeypatch.setattr(amazon, "AGE_RANGES", {k: v for k, v in amazon.AGE_RANGES.items() if k != "de_DE"})
    with pytest.raises(InputError, match="'de_DE'"):
        build_project(mini_project, channels=["amazon"], market_ids=["DE"])


def test_a_sku_amazon_cannot_list_is_left_out_of_amazon_only(project) -> None:
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "OK"},
        {"sku": "NO-GTIN", "gtin": ""},
        {"sku": "NO-ORIGIN", "country_of_origin": ""},
        {"sku": "UK-ORIGIN", "country_of_origin": "uk"},
        {"sku": "ALPHA-SIZE", "size": "M"},
        {"sku": "S" * 41},
        {"sku": "NO-FEATURES", "features": ""},
        {"sku": "OPEN-SALE", "sale_price": "999", "sale_start": "", "sale_end": ""},
        {"sku": "MANY-IMAGES", "additional_image_links": "|".join(f"https://img.example/{n}.jpg" for n in range(10))},
    ])
    result = build_project(project, channels=["google", "meta", "amazon"], market_ids=["DE"])
    found = rules(result)
    errors = {sku for (rule, sku, _), severity in found.items() if severity == "error"}
    assert errors == {"NO-GTIN", "NO-ORIGIN", "ALPHA-SIZE", "S" * 41}
    assert found[("amazon.gtin.missing", "NO-GTIN", "DE")] == "error"
    assert found[("amazon.country_of_origin.missing", "NO-ORIGIN", "DE")] == "error"
    assert found[("amazon.footwear_size.not_numeric", "ALPHA-SIZE", "DE")] == "error"
    assert found[("amazon.sku.too_long", "S" * 41, "DE")] == "error"
    assert found[("amazon.bullet_point.missing", "NO-FEATURES", "DE")] == "warning"
    assert found[("amazon.discounted_price.no_window", "OPEN-SALE", "DE")] == "info"
    assert found[("amazon.other_product_image_locator.too_many", "MANY-IMAGES", "DE")] == "warning"

    out = project / "output"
    listed = amazon_messages(out, "de")
    assert not errors & set(listed)
    assert "NO-GTIN" in meta_rows(out / "meta" / "country-de.csv")  # Meta and Google still list it
    assert "NO-GTIN" in google_items(out / "google" / "de.xml")
    a = listed["UK-ORIGIN"]["attributes"]
    assert a["country_of_origin"][0]["value"] == "GB"
    assert "bullet_point" not in listed["NO-FEATURES"]["attributes"]
    offer = listed["OPEN-SALE"]["attributes"]["purchasable_offer"][0]
    # a running sale without dates: Amazon's price is the sale price, the same as Google's (review #2)
    google_sale = google_items(out / "google" / "de.xml")["OPEN-SALE"]["sale_price"][0]
    assert "discounted_price" not in offer
    assert f'{offer["our_price"][0]["schedule"][0]["value_with_tax"]:.2f} EUR' == google_sale
    assert "other_product_image_locator_8" in listed["MANY-IMAGES"]["attributes"]
    assert "other_product_image_locator_9" not in listed["MANY-IMAGES"]["attributes"]
    assert feed_errors(amazon_document(out / "amazon" / "de.json")) == []
