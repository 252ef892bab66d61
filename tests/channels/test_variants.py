"""Variants and every problem of an item (issue #14, defects 1 and 4).

Google shows the variants of an item group as choices that differ in colour, size, material,
pattern, age group or gender (GMC 6324507, item_group_id); two variants equal in all of them are
two identical choices, and Amazon's SIZE/COLOR children likewise. The sample had 13 such groups in
google/us.xml (unisex EU 36 and EU 38 both became US "6"). Each channel's written files are read back
here, per market, and no group may hold two variants with the same attributes.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from ..conftest import write_catalogue
from ..helpers import build_project, google_items
from .feeds import amazon_document

ATTRIBUTES = ("color", "size", "size_system", "gender", "age_group", "material", "pattern")


def repeated(rows: list[tuple]) -> list[tuple]:
    return [key for key, count in Counter(rows).items() if count > 1]


def test_no_google_feed_of_the_sample_repeats_a_variant(built_sample) -> None:
    feeds = sorted((built_sample.root / "output" / "google").glob("*.xml"))
    assert len(feeds) == 8
    for path in feeds:
        items = google_items(path).values()
        keys = [(item["item_group_id"][0], *(tuple(item.get(a, [""])) for a in ATTRIBUTES)) for item in items]
        assert not repeated(keys), (path.name, repeated(keys)[:3])


def test_no_meta_feed_of_the_sample_repeats_a_variant(built_sample) -> None:
    out = built_sample.root / "output" / "meta"
    with (out / "main.csv").open(encoding="utf-8", newline="") as handle:
        main = {row["id"]: row for row in csv.DictReader(handle)}
    countries = sorted(out.glob("country-*.csv"))
    assert len(countries) == 8
    for path in countries:  # a market's sizes are in its country feed, the rest in main
        with path.open(encoding="utf-8", newline="") as handle:
            rows = [row for row in csv.DictReader(handle) if row.get("status", "") != "archived"]
        keys = [(main[r["id"]]["item_group_id"], r["size"] or main[r["id"]]["size"],
                 *(main[r["id"]][a] for a in ("color", "gender", "age_group", "material"))) for r in rows]
        assert not repeated(keys), (path.name, repeated(keys)[:3])


def test_no_amazon_feed_of_the_sample_repeats_a_variant(built_sample) -> None:
    feeds = sorted((built_sample.root / "output" / "amazon").glob("*.json"))
    assert {path.name for path in feeds} == {"de.json", "us.json"}
    for path in feeds:
        keys = []
        for message in amazon_document(path)["messages"]:
            attributes = message.get("attributes", {})
            if "child_parent_sku_relationship" not in attributes:
                continue
            footwear = tuple(sorted((f.get("gender", ""), f["size"]) for f in attributes["footwear_size"]))
            keys.append((attributes["child_parent_sku_relationship"][0]["parent_sku"],
                         attributes["color"][0]["value"], attributes["size"][0]["value"], footwear))
        assert keys and not repeated(keys), (path.name, repeated(keys)[:3])


def test_unisex_sizes_carry_both_scales_in_the_us(built_sample) -> None:
    us = google_items(built_sample.root / "output" / "google" / "us.xml")
    unisex = {sku: item["size"][0] for sku, item in us.items() if item["gender"] == ["unisex"] and item["age_group"] == ["adult"]}
    assert unisex and all(size.startswith(("M ", "W ")) for size in unisex.values())
    amazon = amazon_document(built_sample.root / "output" / "amazon" / "us.json")
    sizes = {m["sku"]: m["attributes"]["footwear_size"] for m in amazon["messages"]
             if m.get("attributes", {}).get("target_gender", [{}])[0].get("value") == "unisex"
             and m["attributes"].get("age_range_description", [{}])[0].get("value") == "Adult" and "footwear_size" in m["attributes"]}
    both = [entries for entries in sizes.values() if len(entries) == 2]
    assert both and all({e["gender"] for e in entries} == {"men", "women"} for entries in both)


def test_two_variants_with_the_same_attributes_are_an_error_naming_both(project) -> None:
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "TWIN-A", "style_id": "TWIN", "size": "40"},
        {"sku": "TWIN-B", "style_id": "TWIN", "size": "40"},  # a copy-paste slip in the shop
        {"sku": "TWIN-C", "style_id": "TWIN", "size": "41"},
    ])
    result = build_project(project, channels=["google", "meta", "amazon"], market_ids=["US"], pages=False)
    found = {(d.rule_id, d.sku): d.message for d in result.diagnostics if d.rule_id.endswith("variant.duplicate")}
    assert set(found) == {(f"{channel}.variant.duplicate", "TWIN-B") for channel in ("google", "meta", "amazon")}
    assert found[("google.variant.duplicate", "TWIN-B")].startswith("TWIN-B and TWIN-A in item group 'TWIN' have the same")
    assert set(google_items(project / "output" / "google" / "us.xml")) == {"TWIN-A", "TWIN-C"}


def test_every_problem_of_an_item_is_reported_in_one_build(project) -> None:
    """Issue #14, defect 4: only the first failing field was reported (an item with a bad GTIN was never
    checked for its colour), so fixing one revealed the next."""
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "OK"},
        {"sku": "MANY", "gtin": "7094512050022", "color": "", "gender": "", "title": "Boot " * 40},
    ])
    result = build_project(project, channels=["google"], market_ids=["US"], pages=False)
    found = {d.rule_id: d for d in result.diagnostics if d.sku == "MANY"}
    assert {"catalogue.gtin.invalid", "google.color.missing", "google.gender.missing"} <= set(found)
    assert "google.title.shortened" not in found  # it is not sent: no warnings about how it would have been sent
    assert found["google.color.missing"].message.startswith("color is required for Apparel & Accessories items in US; fix:")
    assert set(google_items(project / "output" / "google" / "us.xml")) == {"OK"}


def test_an_upstream_error_is_not_repeated_by_the_channel(project) -> None:
    write_catalogue(project / "product_data" / "catalogue.csv", [{"sku": "ODD", "gender": "women"}])
    result = build_project(project, channels=["google"], market_ids=["US"], pages=False)
    rules = [d.rule_id for d in result.diagnostics if d.sku == "ODD" and "gender" in d.rule_id]
    assert rules == ["catalogue.gender.invalid"]


def test_a_non_apparel_item_needs_no_apparel_attributes(project) -> None:
    """Issue #14, defect 2: a plant pot or a sofa was refused in US, GB and DE for lack of colour, gender, age group, size."""
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "SOFA", "google_product_category": "460", "product_type": "Sofas", "color": "", "size": "",
         "gender": "", "age_group": ""},
        {"sku": "SHOE", "color": "", "size": "", "gender": "", "age_group": ""},
    ])
    result = build_project(project, channels=["google", "meta"], market_ids=["US", "GB", "DE"], pages=False)
    for market in ("us", "gb", "de"):
        assert set(google_items(project / "output" / "google" / f"{market}.xml")) == {"SOFA"}
    shoe = {d.rule_id for d in result.diagnostics if d.sku == "SHOE" and d.market == "US" and d.channel == "google"}
    assert shoe == {"google.color.missing", "google.size.missing", "google.gender.missing", "google.age_group.missing"}
    assert not [d for d in result.diagnostics if d.sku == "SOFA" and d.severity == "error"]
    assert not [d for d in result.diagnostics if d.sku == "SOFA" and d.rule_id.startswith("meta.") and "missing" in d.rule_id]
