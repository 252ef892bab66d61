"""TikTok catalog feeds: `tiktok/<market>.csv`, one country per catalog.

Specs: https://ads.tiktok.com/help/article/catalog-product-parameters (9 required fields, sku_id,
availability and condition enums, no control characters or emoji),
https://ads.tiktok.com/help/article/create-manage-catalogs (one targeting location and currency per
catalog), https://ads.tiktok.com/help/article/list-of-catalog-product-issues-and-suggested-actions
(http(s) links, JPEG/PNG images); facts and what is unverified in feedgen/channels/tiktok/facts.py.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from feedgen.pipeline.build import BuildRequest, run
from feedgen.channels.tiktok import TikTokChannel
from feedgen.publish.diff import diff_dirs

from ..conftest import AS_OF, GOLDEN, write_catalogue
from ..deliver.conftest import deliver, manifest_files, write_destinations
from ..helpers import assert_golden, build_project, google_items
from .test_cross_channel import csv_rows

HEADER = ["sku_id", "title", "description", "availability", "condition", "price", "link", "image_link", "brand",
          "item_group_id", "sale_price", "sale_price_effective_date", "additional_image_link", "gtin", "mpn",
          "google_product_category", "product_type", "age_group", "gender", "color", "size", "material",
          "custom_label_0", "custom_label_1", "custom_label_2", "custom_label_3", "custom_label_4"]
REQUIRED = HEADER[:9]  # "9 required fields"
ENUMS = {
    "availability": {"in stock", "available for order", "preorder", "out of stock", "discontinued"},
    "condition": {"new", "refurbished", "used"},
}
PRICE = re.compile(r"(\d+\.\d{2}) ([A-Z]{3})")
WINDOW = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:?\d\d/\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:?\d\d")
MARKETS = {"de": "EUR", "gb": "GBP", "us": "USD"}  # the sample's TikTok markets


def rows_of(path: Path) -> dict[str, dict[str, str]]:
    return csv_rows(path, "sku_id")


def rules(result) -> dict[tuple[str, str, str], str]:
    return {(d.rule_id, d.sku, d.market): d.severity for d in result.diagnostics if d.channel == "tiktok"}


@pytest.fixture
def built(mini_project):
    return build_project(mini_project, channels=["tiktok"])


@pytest.mark.parametrize("market", ["gb", "us"])
def test_golden(mini_project, built, market) -> None:
    assert_golden(mini_project / "output" / "tiktok" / f"{market}.csv", GOLDEN / "tiktok" / f"{market}.csv")


def test_one_catalog_feed_per_market(mini_project, built) -> None:
    out = mini_project / "output" / "tiktok"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{m}.csv" for m in MARKETS)
    for market in MARKETS:
        assert built.items("tiktok", market.upper()) == 7


@pytest.mark.parametrize("market", sorted(MARKETS))
def test_every_file_follows_the_spec(mini_project, built, market) -> None:
    path = mini_project / "output" / "tiktok" / f"{market}.csv"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == HEADER
        assert all(len(row) == len(HEADER) for row in reader)
    sales = 0
    for sku, row in rows_of(path).items():
        for field in REQUIRED:
            assert row[field], (sku, field)
        for field, allowed in ENUMS.items():
            assert row[field] in allowed, (sku, field, row[field])
        price = PRICE.fullmatch(row["price"])
        assert price and price[2] == MARKETS[market]
        if row["sale_price"]:
            sale = PRICE.fullmatch(row["sale_price"])
            assert sale and sale[2] == MARKETS[market] and Decimal(sale[1]) < Decimal(price[1])
            assert WINDOW.fullmatch(row["sale_price_effective_date"])
            sales += 1
        else:
            assert row["sale_price_effective_date"] == ""
        assert row["link"].startswith(("http://", "https://")) and row["image_link"].endswith((".jpg", ".png"))
        images = row["additional_image_link"].split(",") if row["additional_image_link"] else []
        assert len(images) <= 10
        assert len(row["title"]) <= 150 and len(row["description"]) <= 5000 and "<" not in row["description"]
    assert market == "gb" or sales


def test_same_offers_as_google(mini_project) -> None:
    build_project(mini_project, channels=["tiktok", "google"], market_ids=["US", "DE"])
    for market in ("us", "de"):
        google = google_items(mini_project / "output" / "google" / f"{market}.xml")
        rows = rows_of(mini_project / "output" / "tiktok" / f"{market}.csv")
        assert set(rows) == set(google)
        for sku, row in rows.items():
            item = {name: values[0] for name, values in google[sku].items()}
            assert row["price"] == item["price"] and row["sale_price"] == item.get("sale_price", "")
            assert row["sale_price_effective_date"] == (item.get("sale_price_effective_date") or "")
            assert row["availability"] == item["availability"].replace("_", " ")
            for field in ("title", "size", "color", "brand", "gtin", "condition", "link", "image_link", "gender"):
                assert row[field] == (item.get(field) or ""), (sku, field)
            assert row["item_group_id"] == item["item_group_id"]


def test_hostile_text_and_bad_rows(project) -> None:
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "OK"},
        {"sku": "HTML", "description": "<p>Warm <b>boot</b></p><ul><li>Dry</li></ul>"},
        {"sku": "FORMULA", "title": '=HYPERLINK("http://evil.example","click")', "color": "+Black"},
        {"sku": "EMOJI", "title": "Warm boot 🔥"},
        {"sku": "TAB", "title": "Warm\tboot", "description": "Line one\nline two"},
        {"sku": "LONG", "title": "Warm boot " * 20, "description": "Warm. " * 1000},
        {"sku": "-1A"},
        {"sku": "WEBP", "image_link": "https://img.example/a.webp"},
        {"sku": "-BAD", "title": "Boot 😀\tnew", "image_link": "https://img.example/a.gif"},
        {"sku": "RTL", "title": "Solstreif \u202eevil\u202c Z\u200dW 👟 𝔘𝔫𝔦"},
    ])
    result = build_project(project, channels=["tiktok"], market_ids=["GB"])
    path = project / "output" / "tiktok" / "gb.csv"
    rows = rows_of(path)
    assert set(rows) == {"OK", "HTML", "FORMULA", "LONG", "WEBP", "EMOJI", "TAB", "RTL"}
    # emoji, control and invisible formatting characters are taken out of titles (a control character
    # becomes a space); other letters, however unusual, stay
    assert (rows["EMOJI"]["title"], rows["TAB"]["title"]) == ("Warm boot", "Warm boot")
    assert rows["RTL"]["title"] == "Solstreif evil ZW 𝔘𝔫𝔦"
    assert rows["TAB"]["description"] == "Line one\nline two"  # descriptions may have line breaks
    assert rows["HTML"]["description"] == "Warm boot\n• Dry"
    assert rows["FORMULA"]["title"] == '=HYPERLINK("http://evil.example","click")'
    raw = path.read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in raw and ",'+Black," in raw
    assert len(rows["LONG"]["title"]) <= 150 and rows["LONG"]["title"].endswith("…")
    assert len(rows["LONG"]["description"]) <= 5000
    found = rules(result)
    assert found[("tiktok.title.cleaned", "EMOJI", "GB")] == "warning"
    assert found[("tiktok.title.cleaned", "TAB", "GB")] == "warning"
    assert found[("tiktok.title.cleaned", "RTL", "GB")] == "warning"
    assert found[("tiktok.sku_id.formula_prefix", "-1A", "GB")] == "error"
    assert found[("tiktok.image_link.format", "WEBP", "GB")] == "warning"
    # every problem of one item, in one build
    assert {rule for rule, sku, _ in found if sku == "-BAD"} >= {
        "tiktok.sku_id.formula_prefix", "tiktok.title.cleaned", "tiktok.image_link.format"}
    assert found[("tiktok.title.shortened", "LONG", "GB")] == "warning"
    assert found[("tiktok.description.shortened", "LONG", "GB")] == "warning"
    assert found[("tiktok.color.formula_like", "FORMULA", "GB")] == "warning"
    assert not any(rule.startswith(("google.", "meta.", "pinterest.")) for rule, _, _ in found)
    read = TikTokChannel.read_items(path)
    assert set(read) == set(rows) and read["FORMULA"]["color"] == "+Black"


def test_a_rule_scoped_to_tiktok_leaves_the_other_channels_alone(mini_project) -> None:
    (mini_project / "product_data" / "rules.toml").write_text(
        '[[rule]]\nname = "No kids on TikTok"\nwhen = "age_group == \'kids\'"\n'
        'channels = ["tiktok"]\nexclude = true\n', encoding="utf-8")
    build_project(mini_project, channels=["tiktok", "google"], market_ids=["GB"])
    rows = rows_of(mini_project / "output" / "tiktok" / "gb.csv")
    google = google_items(mini_project / "output" / "google" / "gb.xml")
    kids = {sku for sku, item in google.items() if item["age_group"] == ["kids"]}
    assert kids and not kids & set(rows) and set(rows) | kids == set(google)


def test_diff_reads_tiktok_files(mini_project) -> None:
    build_project(mini_project, channels=["tiktok"], market_ids=["GB"])
    old = mini_project / "old"
    (mini_project / "output").rename(old)
    path = mini_project / "product_data" / "catalogue.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("AS-1005-BLK-38", "AS-1005-BLK-99"), encoding="utf-8")
    build_project(mini_project, channels=["tiktok"], market_ids=["GB"])
    [tiktok] = [f for f in diff_dirs(old, mini_project / "output").files if f.channel == "tiktok"]
    assert (tiktok.market, tiktok.before, tiktok.after) == ("GB", 7, 7)
    assert tiktok.added == ["AS-1005-BLK-99"] and tiktok.removed == ["AS-1005-BLK-38"]


def test_an_empty_tiktok_feed_is_refused_by_the_gate(mini_project) -> None:
    build_project(mini_project, channels=["tiktok"], market_ids=["GB"])
    before = (mini_project / "output" / "tiktok" / "gb.csv").read_bytes()
    (mini_project / "product_data" / "rules.toml").write_text(
        '[[rule]]\nname = "Nothing on TikTok"\nwhen = "price > 0"\nchannels = ["tiktok"]\nexclude = true\n',
        encoding="utf-8")
    result = build_project(mini_project, channels=["tiktok"], market_ids=["GB"])
    assert result.refused and any("tiktok/gb.csv would be empty" in p for p in result.release.gate.problems)
    assert (mini_project / "output" / "tiktok" / "gb.csv").read_bytes() == before


def test_an_incremental_tiktok_build_equals_a_full_one(mini_project) -> None:
    build_project(mini_project, channels=["tiktok"])
    again = build_project(mini_project, channels=["tiktok"])
    assert {f"tiktok/{m}.csv" for m in MARKETS} <= again.reused
    full = mini_project / "full"
    run(BuildRequest(data_dir=mini_project / "product_data", out=full, as_of=AS_OF, channels=["tiktok"],
                     incremental=False))
    for market in MARKETS:
        name = f"tiktok/{market}.csv"
        assert (mini_project / "output" / name).read_bytes() == (full / name).read_bytes()


def test_a_delivery_destination_for_tiktok_sends_its_files(mini_project, tmp_path) -> None:
    build_project(mini_project, channels=["tiktok", "google"])
    share = tmp_path / "share"
    share.mkdir()
    write_destinations(mini_project, f'[[destination]]\nname = "tt"\nchannel = "tiktok"\nurl = "file://{share}"\n')
    result = deliver(mini_project)
    assert result.exit_code == 0, result.output
    files = manifest_files(mini_project, "tiktok")
    assert sorted(p.name for p in share.iterdir()) == sorted(f"{m}.csv" for m in MARKETS)
    for path in files:
        assert (share / Path(path).name).read_bytes() == (mini_project / "output" / path).read_bytes()
