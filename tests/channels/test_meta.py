"""Meta catalog CSV feeds: localized layout (main + country + language overrides) and per market.

Specs: Meta catalog "Supported fields – products" (SPECS.md Part A §2.2), "Localized Catalog Setup"
and "Localized Catalog: Supported Fields" (§2.3); language codes from Meta's WooCommerce plugin
(research notes Q1).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from feedgen.channels.meta import MetaChannel
from feedgen.errors import InputError
from feedgen.resolve.offers import SourceTextLocalizer

from ..conftest import GOLDEN, write_catalogue
from ..helpers import assert_golden, build_project, google_items
from .feeds import meta_rows

META_REQUIRED = ("id", "title", "description", "availability", "condition", "price", "link", "image_link", "brand")
LANGUAGE_CODES = {"NO": "no_XX", "SE": "sv_SE", "DK": "da_DK", "FI": "fi_FI", "DE": "de_DE", "NL": "nl_XX"}
PRICE = re.compile(r"\d+\.\d{2} [A-Z]{3}")


def set_layout(project, layout: str) -> None:
    path = project / "product_data" / "markets.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('layout = "localized"', f'layout = "{layout}"'), encoding="utf-8")


def rules(result, channel: str = "meta") -> dict[tuple[str, str, str], str]:
    return {(d.rule_id, d.sku, d.market): d.severity for d in result.diagnostics if d.channel == channel}


@pytest.fixture
def localized(mini_project):
    return build_project(mini_project, channels=["meta"])


@pytest.mark.parametrize("name", ["main.csv", "country-gb.csv", "country-se.csv", "language-sv_SE.csv"])
def test_golden_localized(mini_project, localized, name) -> None:
    assert_golden(mini_project / "output" / "meta" / name, GOLDEN / "meta" / "localized" / name)


@pytest.mark.parametrize("market", ["se", "us"])
def test_golden_per_market(mini_project, market) -> None:
    set_layout(mini_project, "per_market")
    build_project(mini_project, channels=["meta"])
    assert not (mini_project / "output" / "meta" / "main.csv").exists()
    assert_golden(mini_project / "output" / "meta" / f"{market}.csv", GOLDEN / "meta" / "per_market" / f"{market}.csv")


def test_main_feed_has_every_required_field(mini_project, localized) -> None:
    rows = meta_rows(mini_project / "output" / "meta" / "main.csv")
    assert len(rows) == 7
    for row in rows.values():
        for field in META_REQUIRED:
            assert row[field], field
        assert row["availability"] in {"in stock", "out of stock"}  # with a space
        assert PRICE.fullmatch(row["price"]) and row["price"].endswith(" GBP")  # default market GB
        assert row["link"].startswith("https://www.alfasko.co.uk/")
        assert row["status"] == "active"
    # no sale in main: an empty override cell means "no change", so it would leak into every country
    assert "sale_price" not in next(iter(rows.values()))


def test_override_feeds(mini_project, localized) -> None:
    out = mini_project / "output" / "meta"
    for market, country in {"NO": "NO", "SE": "SE", "DK": "DK", "FI": "FI", "DE": "DE", "NL": "NL", "GB": "GB", "US": "US"}.items():
        rows = meta_rows(out / f"country-{market.lower()}.csv")
        assert {row["override"] for row in rows.values()} == {country}  # ISO country: GB, never UK
        for row in rows.values():
            assert PRICE.fullmatch(row["price"]) and row["availability"] in {"in stock", "out of stock"}
            assert set(row) == {"id", "override", "status", "availability", "price", "sale_price",
                                "sale_price_effective_date", "link", "size"}
    written = {path.name for path in out.glob("language-*.csv")}
    assert written == {f"language-{code}.csv" for code in LANGUAGE_CODES.values()}  # no en_XX: main is English
    for code in LANGUAGE_CODES.values():
        rows = meta_rows(out / f"language-{code}.csv")
        assert {row["override"] for row in rows.values()} == {code}
        # price, sale price, availability and status only in country feeds (Meta, localized supported fields)
        assert set(next(iter(rows.values()))) == {"id", "override", "title", "description", "color", "material"}


def test_country_feed_carries_the_market_price_sale_and_size(mini_project, localized) -> None:
    us = meta_rows(mini_project / "output" / "meta" / "country-us.csv")["AS-1005-BLK-38"]
    assert (us["price"], us["sale_price"]) == ("183.95 USD", "135.95 USD")
    assert us["sale_price_effective_date"] == "2026-11-20T00:00-05:00/2026-12-31T23:59-05:00"
    assert us["size"] == "7.5"
    se = meta_rows(mini_project / "output" / "meta" / "country-se.csv")["AS-1005-BLK-38"]
    assert se["size"] == "38" and se["price"].endswith(" SEK")


def test_per_market_layout_is_complete(mini_project) -> None:
    set_layout(mini_project, "per_market")
    result = build_project(mini_project, channels=["meta"])
    out = mini_project / "output" / "meta"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{m}.csv" for m in ("no", "se", "dk", "fi", "de", "nl", "gb", "us"))
    row = meta_rows(out / "us.csv")["AS-1005-BLK-38"]
    for field in META_REQUIRED:
        assert row[field]
    assert (row["price"], row["sale_price"]) == ("183.95 USD", "135.95 USD")
    assert "override" not in row
    assert result.items("meta", "US") == 7


def test_plain_text_limits_and_csv_injection(project) -> None:
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "OK"},
        {"sku": "HTML", "description": "<p>Warm <b>boot</b></p><ul><li>Dry</li><li>Light</li></ul>"},
        {"sku": "FORMULA", "title": '=HYPERLINK("http://evil.example","click")', "color": "-Black"},
        {"sku": "LONG-TITLE", "title": "Warm boot " * 25},
        {"sku": "LONG-DESC", "description": "Warm boot. " * 1000},
        {"sku": "X" * 101},
        {"sku": "NO-SIZE", "size": ""},
    ])
    result = build_project(project, channels=["meta"], market_ids=["GB"])
    path = project / "output" / "meta" / "main.csv"
    rows = meta_rows(path)
    assert rows["HTML"]["description"] == "Warm boot\n• Dry\n• Light"
    assert rows["FORMULA"]["title"] == '=HYPERLINK("http://evil.example","click")'  # restored value is intact …
    raw = path.read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in raw  # … and the file cell is inert
    assert ",'-Black," in raw
    assert len(rows["LONG-TITLE"]["title"]) <= 200 and rows["LONG-TITLE"]["title"].endswith("…")
    assert len(rows["LONG-DESC"]["description"]) <= 9999
    assert "X" * 101 not in rows
    assert rows["NO-SIZE"]["size"] == ""
    read = MetaChannel.read_items(path)  # read back for diff and report: restored, empty cells left out
    assert read["FORMULA"]["title"] == rows["FORMULA"]["title"] and read["FORMULA"]["color"] == "-Black"
    assert "size" not in read["NO-SIZE"] and set(read) == set(rows)
    found = rules(result)
    assert found[("meta.title.formula_like", "FORMULA", "GB")] == "warning"
    assert found[("meta.color.formula_like", "FORMULA", "GB")] == "warning"
    assert found[("meta.title.shortened", "LONG-TITLE", "GB")] == "warning"
    assert found[("meta.description.shortened", "LONG-DESC", "GB")] == "warning"
    assert found[("meta.id.too_long", "X" * 101, "GB")] == "error"
    assert found[("meta.size.missing", "NO-SIZE", "GB")] == "warning"
    assert not any(rule.startswith("google.") for rule, _, _ in found)


def test_build_without_the_default_market(mini_project) -> None:
    out = mini_project / "output" / "meta"
    result = build_project(mini_project, channels=["meta"], market_ids=["SE"])
    assert sorted(p.name for p in out.iterdir()) == ["country-se.csv", "language-sv_SE.csv"]
    assert rules(result)[("meta.main.not_built", "", "GB")] == "warning"  # nothing lists the items yet

    build_project(mini_project, channels=["meta"])
    main = (out / "main.csv").read_bytes()
    result = build_project(mini_project, channels=["meta"], market_ids=["SE"])
    assert (out / "main.csv").read_bytes() == main  # the earlier main feed stays as it was
    assert rules(result)[("meta.main.not_built", "", "GB")] == "info"


class LongColour(SourceTextLocalizer):
    """Source text, except one SKU's colour is too long for Meta in one market."""

    def __init__(self, spoil: dict[str, str]) -> None:
        super().__init__("en")
        self.spoil = spoil  # market -> sku

    def localize(self, items: pd.DataFrame, market):
        items, diagnostics = super().localize(items, market)
        if market.id in self.spoil:
            items.loc[items["sku"] == self.spoil[market.id], "color"] = "C" * 201
        return items, diagnostics


def test_rejected_items_are_archived_per_country_and_orphans_reported(mini_project) -> None:
    result = build_project(mini_project, channels=["meta"], localizer=LongColour({"SE": "AS-1009-WHT-42", "GB": "AS-1022-BLK-28"}))
    out = mini_project / "output" / "meta"
    se = meta_rows(out / "country-se.csv")
    # rejected for SE: archived there rather than shown with the main feed's GBP price
    assert se["AS-1009-WHT-42"] == {**{k: "" for k in se["AS-1009-WHT-42"]}, "id": "AS-1009-WHT-42", "override": "SE",
                                   "status": "archived"}
    assert "AS-1009-WHT-42" not in meta_rows(out / "language-sv_SE.csv")
    # read back, an archived row withdraws the item from the country: not an item (as the manifest counts)
    read = MetaChannel.read_items(out / "country-se.csv")
    assert "AS-1009-WHT-42" not in read and len(read) == result.items("meta", "SE") == 6
    assert read["AS-1005-BLK-38"]["price"].endswith(" SEK") and "sale_price" in read["AS-1005-BLK-38"]
    assert meta_rows(out / "country-no.csv")["AS-1009-WHT-42"]["status"] == "active"
    # rejected for GB (the main feed) but fine elsewhere: Meta would ignore those overrides
    assert "AS-1022-BLK-28" not in meta_rows(out / "main.csv")
    found = rules(result)
    assert found[("meta.color.too_long", "AS-1009-WHT-42", "SE")] == "error"
    assert found[("meta.override.not_in_main", "AS-1022-BLK-28", "SE")] == "warning"
    assert ("meta.override.not_in_main", "AS-1022-BLK-28", "GB") not in found


def test_language_without_a_meta_code_is_a_configuration_error(mini_project) -> None:
    path = mini_project / "product_data" / "markets.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('language = "nb"\nlocale = "nb_NO"', 'language = "is"\nlocale = "is_IS"'), encoding="utf-8")
    with pytest.raises(InputError, match="Meta has no language override code for 'is'"):
        build_project(mini_project, channels=["meta"])
    set_layout(mini_project, "per_market")
    assert build_project(mini_project, channels=["meta"]).items("meta", "NO") == 7


def test_items_a_rule_leaves_out_are_archived_in_that_country(mini_project) -> None:
    """Meta falls back to main.csv (the default market's price and link) for an id missing from a
    country feed, so an item left out for a market must be listed there as archived (review #1)."""
    (mini_project / "product_data" / "rules.toml").write_text(
        '[[rule]]\nname = "No kids on Meta in Norway"\nwhen = "age_group == \'kids\'"\n'
        'markets = ["NO"]\nchannels = ["meta"]\nexclude = true\n', encoding="utf-8")
    build_project(mini_project, channels=["meta"], market_ids=["NO", "GB"])
    rows = meta_rows(mini_project / "output" / "meta" / "country-no.csv")
    assert rows["AS-1022-BLK-28"]["status"] == "archived" and rows["AS-1022-BLK-28"]["price"] == ""
    assert rows["AS-1005-BLK-38"]["status"] == "active"
    gb = meta_rows(mini_project / "output" / "meta" / "country-gb.csv")
    assert gb["AS-1022-BLK-28"]["status"] == "active"  # the rule is scoped to Norway


def test_localized_layout_needs_a_default_market_on_meta(mini_project) -> None:
    """Without the default market's main feed, override feeds list nothing (review #9)."""
    markets = mini_project / "product_data" / "markets.toml"
    text = markets.read_text(encoding="utf-8")
    gb = text.index("[markets.GB]")
    markets.write_text(text[:gb] + text[gb:].replace('channels = ["google", "meta"', 'channels = ["google"', 1),
                       encoding="utf-8")
    with pytest.raises(InputError, match="project.default_market: GB does not sell on Meta"):
        build_project(mini_project, channels=["meta"])
    assert not (mini_project / "output" / "meta").exists()


def test_categories_and_custom_labels_reach_meta(mini_project) -> None:
    (mini_project / "product_data" / "rules.toml").write_text(
        '[[rule]]\nname = "Winter label"\nwhen = "product_type contains \'Winter\'"\nchannels = ["meta"]\n'
        'set = { custom_label_0 = "winter" }\n', encoding="utf-8")
    build_project(mini_project, channels=["meta"], market_ids=["GB"])
    main = meta_rows(mini_project / "output" / "meta" / "main.csv")
    assert main["AS-1005-BLK-38"]["custom_label_0"] == "winter"  # Meta catalog fields: custom_label_0–4
    assert main["AS-1026-BRN-40"]["custom_label_0"] == ""
    assert "fb_product_category" in main["AS-1005-BLK-38"]


def test_formula_like_ids_are_never_rewritten(project) -> None:
    """Meta catalog fields: `id` is the item's content ID; the pixel/CAPI content_ids and every
    override feed's id must equal it exactly (SPECS.md §2.2, §2.3; ≤100 characters, unique). CSV
    neutralising would send `'=A1` for SKU `=A1`, an id that matches nothing, so such an item is
    left out of Meta with an error. Google (XML) carries it unchanged. item_group_id only groups
    the variants inside Meta, which a consistently prefixed value still does: a warning that says so."""
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "=A1", "style_id": "AS-1005", "size": "38"},
        {"sku": "@HOME-1", "style_id": "AS-1005", "size": "39"},
        {"sku": "-5", "style_id": "AS-1005", "size": "40"},  # a plain number: not neutralised, so Meta gets it unchanged
        {"sku": "GROUP-1", "style_id": "-STYLE"},
        {"sku": "OK-1", "style_id": "AS-1005", "size": "41"},
    ])
    result = build_project(project, channels=["meta", "google"], market_ids=["GB", "SE"])
    out = project / "output" / "meta"
    main = meta_rows(out / "main.csv")
    assert set(main) == {"-5", "GROUP-1", "OK-1"}
    for name in ("country-gb.csv", "country-se.csv", "language-sv_SE.csv"):
        rows = meta_rows(out / name)
        assert not {"=A1", "@HOME-1"} & {sku for sku, row in rows.items() if row.get("status", "active") == "active"}
    assert {"=A1", "@HOME-1", "-5", "GROUP-1", "OK-1"} <= set(google_items(project / "output" / "google" / "gb.xml"))
    raw = (out / "main.csv").read_bytes().decode("utf-8")
    assert "\r\n-5," in raw  # the id cell as Google and Amazon send it
    assert main["GROUP-1"]["item_group_id"] == "-STYLE" and ",'-STYLE," in raw  # inert in the file, reported below

    found = rules(result)
    for market in ("GB", "SE"):
        assert found[("meta.id.formula_prefix", "=A1", market)] == "error"
        assert found[("meta.id.formula_prefix", "@HOME-1", market)] == "error"
        assert found[("meta.item_group_id.formula_prefix", "GROUP-1", market)] == "warning"
    assert not any(sku in {"-5", "OK-1"} for _, sku, _ in found)
    assert not any(d.channel == "google" and d.sku in {"=A1", "@HOME-1"} for d in result.diagnostics)
    message = next(d.message for d in result.diagnostics if d.rule_id == "meta.item_group_id.formula_prefix")
    assert "'-STYLE" in message  # says what Meta gets instead
    # the catalogue itself: once per SKU, whatever the channels
    catalogue = {(d.rule_id, d.sku): d.severity for d in result.diagnostics if d.rule_id.startswith("catalogue.")}
    assert catalogue == {("catalogue.sku.formula_like", "=A1"): "warning",
                         ("catalogue.sku.formula_like", "@HOME-1"): "warning",
                         ("catalogue.style_id.formula_like", "GROUP-1"): "warning"}
