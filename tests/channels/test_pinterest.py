"""Pinterest catalog data sources: `pinterest/<market>.csv`.

Specs: Pinterest API v5 OpenAPI `ItemAttributes`, `CatalogsFormat`, `CatalogsLocale`
(https://github.com/pinterest/api-description/blob/main/v5/openapi.yaml) and
https://help.pinterest.com/en-gb/business/article/before-you-get-started-with-catalogs (required
fields; one data source per country, language and currency); facts in feedgen/channels/pinterest/facts.py.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedgen.pipeline.build import BuildRequest, run
from feedgen.channels.pinterest import PinterestChannel
from feedgen.cli import main
from feedgen.publish.diff import diff_dirs
from feedgen.errors import InputError

from ..conftest import AS_OF, GOLDEN, write_catalogue
from ..deliver.conftest import deliver, manifest_files, write_destinations
from ..helpers import assert_golden, build_project, google_items
from .feeds import meta_rows

# The header as Pinterest names the columns (lower case, underscores: "must be 100% identical").
HEADER = ["id", "title", "description", "link", "image_link", "price", "availability", "item_group_id",
          "additional_image_link", "sale_price", "sale_price_effective_date", "condition", "brand", "gtin", "mpn",
          "google_product_category", "product_type", "color", "size", "size_system", "gender", "age_group",
          "material", "custom_label_0", "custom_label_1", "custom_label_2", "custom_label_3", "custom_label_4"]
REQUIRED = ("id", "title", "description", "link", "image_link", "price", "availability")
ENUMS = {  # ItemAttributes enums
    "availability": {"in stock", "out of stock", "preorder"},
    "condition": {"new", "used", "refurbished"},
    "gender": {"male", "female", "unisex", ""},
    "age_group": {"newborn", "infant", "toddler", "kids", "adult", ""},
    "size_system": {"US", "UK", "EU", "DE", "FR", "JP", "CN", "IT", "BR", "MEX", "AU", ""},
}
PRICE = re.compile(r"(\d+\.\d{2}) ([A-Z]{3})")
WINDOW = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:?\d\d/\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:?\d\d")
MARKETS = {"de": "EUR", "nl": "EUR", "gb": "GBP", "us": "USD"}  # the sample's Pinterest markets


def rules(result) -> dict[tuple[str, str, str], str]:
    return {(d.rule_id, d.sku, d.market): d.severity for d in result.diagnostics if d.channel == "pinterest"}


@pytest.fixture
def built(mini_project):
    return build_project(mini_project, channels=["pinterest"])


@pytest.mark.parametrize("market", ["gb", "us"])
def test_golden(mini_project, built, market) -> None:
    assert_golden(mini_project / "output" / "pinterest" / f"{market}.csv", GOLDEN / "pinterest" / f"{market}.csv")


def test_one_data_source_per_market_that_sells_on_pinterest(mini_project, built) -> None:
    out = mini_project / "output" / "pinterest"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{m}.csv" for m in MARKETS)
    for market in MARKETS:
        assert built.items("pinterest", market.upper()) == 7


@pytest.mark.parametrize("market", sorted(MARKETS))
def test_every_file_follows_the_spec(mini_project, built, market) -> None:
    path = mini_project / "output" / "pinterest" / f"{market}.csv"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")  # UTF-8 without BOM, RFC 4180 lines
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == HEADER
        assert all(len(row) == len(HEADER) for row in reader)
    rows = meta_rows(path)
    sales = 0
    for sku, row in rows.items():
        for field in REQUIRED:
            assert row[field], (sku, field)
        for field, allowed in ENUMS.items():
            assert row[field] in allowed, (sku, field, row[field])
        price = PRICE.fullmatch(row["price"])
        assert price and price[2] == MARKETS[market], row["price"]
        if row["sale_price"]:
            sale = PRICE.fullmatch(row["sale_price"])
            assert sale and sale[2] == MARKETS[market] and Decimal(sale[1]) < Decimal(price[1])
            assert WINDOW.fullmatch(row["sale_price_effective_date"]), row["sale_price_effective_date"]
            sales += 1
        else:
            assert row["sale_price_effective_date"] == ""
        images = row["additional_image_link"].split(",") if row["additional_image_link"] else []
        assert len(images) <= 10 and all(url.startswith("https://") for url in images)
        assert len(row["id"]) <= 127 and len(row["item_group_id"]) <= 127 and len(row["link"]) <= 511
        assert len(row["title"]) <= 500 and len(row["description"]) <= 10000
        assert "<" not in row["description"]
    assert market not in ("de", "us") or sales  # the sample's winter sale runs there on AS_OF


def test_same_offers_as_google(mini_project) -> None:
    """Price, sale, availability, size, texts and item group are Google's, from the same resolved offers."""
    build_project(mini_project, channels=["pinterest", "google"], market_ids=["US", "DE"])
    for market in ("us", "de"):
        google = google_items(mini_project / "output" / "google" / f"{market}.xml")
        rows = meta_rows(mini_project / "output" / "pinterest" / f"{market}.csv")
        assert set(rows) == set(google)
        for sku, row in rows.items():
            item = {name: values[0] for name, values in google[sku].items()}
            assert row["price"] == item["price"] and row["sale_price"] == item.get("sale_price", "")
            assert row["sale_price_effective_date"] == (item.get("sale_price_effective_date") or "")
            assert row["availability"] == item["availability"].replace("_", " ")
            for field in ("title", "size", "size_system", "color", "brand", "gtin", "condition", "link", "image_link"):
                assert row[field] == (item.get(field) or ""), (sku, field)
            assert row["item_group_id"] == item["item_group_id"]


def test_hostile_text_and_bad_rows(project) -> None:
    """Each bad item is reported with every problem it has and left out alone; the rest keep their feed."""
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "OK"},
        {"sku": "HTML", "description": "<p>Warm <b>boot</b></p><script>alert(1)</script><ul><li>Dry</li></ul>"},
        {"sku": "FORMULA", "title": '=HYPERLINK("http://evil.example","click")', "color": "@Black"},
        {"sku": "TABS", "title": "Tab\there", "description": "Line one\nline two\r\n\t=cmd"},
        {"sku": "LONG-TITLE", "title": "Warm boot " * 60},
        {"sku": "X" * 128},
        {"sku": "=SUM(A1)"},
        {"sku": "COMMA" * 26, "image_link": "https://img.example/a,b.jpg"},
        {"sku": "MANY", "additional_image_links": "|".join(f"https://img.example/{n}.jpg" for n in range(14))},
    ])
    result = build_project(project, channels=["pinterest"], market_ids=["GB"])
    path = project / "output" / "pinterest" / "gb.csv"
    rows = meta_rows(path)
    assert set(rows) == {"OK", "HTML", "FORMULA", "TABS", "LONG-TITLE", "MANY"}
    # plain text, no markup (strip_html keeps a script's text as text: inert in a CSV cell)
    assert rows["HTML"]["description"] == "Warm boot\nalert(1)• Dry"
    assert rows["FORMULA"]["title"] == '=HYPERLINK("http://evil.example","click")'  # restored value intact …
    raw = path.read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in raw and ",'@Black," in raw  # … the cell inert
    assert rows["TABS"]["title"] == "Tab\there"  # quoted, so a tab or line break cannot split the row
    assert rows["TABS"]["description"] == "Line one\nline two\r\n\t=cmd"
    assert len(rows["LONG-TITLE"]["title"]) <= 500 and rows["LONG-TITLE"]["title"].endswith("…")
    assert len(rows["MANY"]["additional_image_link"].split(",")) == 10
    found = rules(result)
    assert found[("pinterest.id.too_long", "X" * 128, "GB")] == "error"
    assert found[("pinterest.id.formula_prefix", "=SUM(A1)", "GB")] == "error"
    assert found[("pinterest.image_link.unencoded_comma", "COMMA" * 26, "GB")] == "error"
    assert found[("pinterest.id.too_long", "COMMA" * 26, "GB")] == "error"  # every problem of the item
    assert found[("pinterest.title.shortened", "LONG-TITLE", "GB")] == "warning"
    assert found[("pinterest.title.formula_like", "FORMULA", "GB")] == "warning"
    assert found[("pinterest.color.formula_like", "FORMULA", "GB")] == "warning"
    assert found[("pinterest.additional_image_link.too_many", "MANY", "GB")] == "warning"
    assert not any(rule.startswith(("google.", "meta.")) for rule, _, _ in found)
    read = PinterestChannel.read_items(path)  # for diff and the report: restored, empty cells left out
    assert read["FORMULA"]["color"] == "@Black" and set(read) == set(rows)
    assert "custom_label_4" not in read["OK"]


def test_a_locale_pinterest_has_no_code_for_is_a_configuration_error(mini_project) -> None:
    path = mini_project / "product_data" / "markets.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('locale = "en_GB"', 'locale = "en_IE"'), encoding="utf-8")
    with pytest.raises(InputError, match=r"markets\.GB\.locale: Pinterest has no catalog locale for 'en_IE'"):
        build_project(mini_project, channels=["pinterest"], market_ids=["GB"])


def test_a_rule_scoped_to_pinterest_leaves_the_other_channels_alone(mini_project) -> None:
    (mini_project / "product_data" / "rules.toml").write_text(
        '[[rule]]\nname = "No kids on Pinterest"\nwhen = "age_group == \'kids\'"\n'
        'channels = ["pinterest"]\nexclude = true\n'
        '[[rule]]\nname = "Pinterest label"\nchannels = ["pinterest"]\nset = { custom_label_4 = "pin" }\n',
        encoding="utf-8")
    build_project(mini_project, channels=["pinterest", "google"], market_ids=["GB"])
    rows = meta_rows(mini_project / "output" / "pinterest" / "gb.csv")
    google = google_items(mini_project / "output" / "google" / "gb.xml")
    assert "AS-1022-BLK-28" not in rows and "AS-1022-BLK-28" in google
    assert {row["custom_label_4"] for row in rows.values()} == {"pin"}
    assert not any("custom_label_4" in item for item in google.values())


def test_diff_reads_pinterest_files(mini_project) -> None:
    build_project(mini_project, channels=["pinterest"], market_ids=["GB"])
    old = mini_project / "old"
    (mini_project / "output").rename(old)
    path = mini_project / "product_data" / "catalogue.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("AS-1005-BLK-38", "AS-1005-BLK-99"), encoding="utf-8")
    build_project(mini_project, channels=["pinterest"], market_ids=["GB"])
    diff = diff_dirs(old, mini_project / "output")
    [pinterest] = [f for f in diff.files if f.channel == "pinterest"]
    assert (pinterest.market, pinterest.before, pinterest.after) == ("GB", 7, 7)
    assert pinterest.added == ["AS-1005-BLK-99"] and pinterest.removed == ["AS-1005-BLK-38"]


def test_an_empty_pinterest_feed_is_refused_by_the_gate(mini_project) -> None:
    build_project(mini_project, channels=["pinterest"], market_ids=["GB"])
    before = (mini_project / "output" / "pinterest" / "gb.csv").read_bytes()
    (mini_project / "product_data" / "rules.toml").write_text(
        '[[rule]]\nname = "Nothing on Pinterest"\nwhen = "price > 0"\nchannels = ["pinterest"]\nexclude = true\n',
        encoding="utf-8")
    result = build_project(mini_project, channels=["pinterest"], market_ids=["GB"])
    assert result.refused and any("pinterest/gb.csv would be empty" in p for p in result.release.gate.problems)
    assert (mini_project / "output" / "pinterest" / "gb.csv").read_bytes() == before


def test_an_incremental_pinterest_build_equals_a_full_one(mini_project) -> None:
    build_project(mini_project, channels=["pinterest"])
    again = build_project(mini_project, channels=["pinterest"])
    assert {f"pinterest/{m}.csv" for m in MARKETS} <= again.reused
    full = mini_project / "full"
    run(BuildRequest(data_dir=mini_project / "product_data", out=full, as_of=AS_OF, channels=["pinterest"],
                     incremental=False))
    for market in MARKETS:
        name = f"pinterest/{market}.csv"
        assert (mini_project / "output" / name).read_bytes() == (full / name).read_bytes()


def test_a_delivery_destination_for_pinterest_sends_its_files(mini_project, tmp_path) -> None:
    """`channel = "pinterest"` in delivery.toml needs nothing Pinterest-specific: a file:// share (a
    web server's folder Pinterest fetches from) gets every pinterest file of the manifest and nothing else."""
    build_project(mini_project, channels=["pinterest", "google"])
    share = tmp_path / "share"
    share.mkdir()
    write_destinations(mini_project, f'[[destination]]\nname = "pins"\nchannel = "pinterest"\nurl = "file://{share}"\n')
    result = deliver(mini_project)
    assert result.exit_code == 0, result.output
    files = manifest_files(mini_project, "pinterest")
    assert sorted(Path(p).name for p in files) == sorted(p.name for p in share.iterdir()) == sorted(f"{m}.csv" for m in MARKETS)
    for path in files:
        assert (share / Path(path).name).read_bytes() == (mini_project / "output" / path).read_bytes()


def test_pinterest_alone_from_the_command_line(mini_project, monkeypatch) -> None:
    """`feedgen build -c pinterest`: only Pinterest's files, and the summary grid gives its nine-letter
    name a column of its own."""
    monkeypatch.chdir(mini_project)
    run_ = CliRunner().invoke(main, ["build", "-c", "pinterest", "--as-of", AS_OF.isoformat()])
    assert run_.exit_code == 0, run_.output
    out = mini_project / "output"
    assert not (out / "google").exists() and not (out / "meta").exists()
    assert sorted(p.name for p in (out / "pinterest").iterdir()) == sorted(f"{m}.csv" for m in MARKETS)
    grid = run_.output.splitlines()
    header = grid.index(next(line for line in grid if line.startswith("items ")))
    assert grid[header].split() == ["items", "pages", "pinterest"]
    assert grid[header + 1].split() == ["NO", "3", "-"] and grid[header + 8].split() == ["US", "2", "7"]
    assert len(grid[header]) == len(grid[header + 8])  # the columns line up
