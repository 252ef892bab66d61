"""The hostile-input corpus: one case per bad input, each with the behaviour it must get.

Every case starts from the sample project (markets, landing pages, translations, rules) with the
3-SKU catalogue `cases/base.csv` and the round FX rates of tests/fixtures/mini, then changes one
thing: it swaps in a catalogue from `cases/`, generates one (binary, 1 MB, NUL bytes: nothing that
big or unprintable is committed), or edits a configuration file. The contract (README "Exit codes
and errors"):

- exit 2: the input cannot be used. One line `error: FILE[, row R][, column C]: message` on
  stderr, no traceback, and nothing written: the previous output and every other file unchanged.
- exit 0/1: the problem is confined to items. Each gets a diagnostic (`rules`), the item is
  skipped (`skipped`) or repaired, everything else is built (`built`), and every output file
  passes tests/hostile/outputs.py.

`built` SKUs must be in every Google feed; `skipped` SKUs in no feed file at all.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

CASES = Path(__file__).resolve().parent / "cases"
Step = Callable[[Path], list[str]]  # changes the project; returns extra CLI arguments

BASE = ("AS-1005-BLK-38", "AS-1009-WHT-42", "AS-1022-BLK-28")
HOSTILE = "AS-1009-WHT-42"  # the row the payload cases poison: on every channel and a landing page
OTHERS = ("AS-1005-BLK-38", "AS-1022-BLK-28")


@dataclass(frozen=True)
class Case:
    name: str
    steps: tuple[Step, ...]
    exit: int
    error: str = ""  # exit 2: a fragment of the one error line
    rules: tuple[str, ...] = ()  # exit 0/1: rule ids that must be reported
    built: tuple[str, ...] = ()  # SKUs every Google feed must list
    skipped: tuple[str, ...] = ()  # SKUs no feed may list
    absent: tuple[str, ...] = ()  # text no output file may contain (e.g. an ignored column's payload)
    subprocess: bool = False  # also run as a real `python -m feedgen.cli` process
    previous: bool = False  # start from a published build of cases/base.csv (always for exit 2)

    def __str__(self) -> str:
        return self.name


# ----------------------------------------------------------------------------- steps
def catalogue(name: str) -> Step:
    """Use cases/<name> as product_data/catalogue.csv."""
    def step(project: Path) -> list[str]:
        shutil.copy(CASES / name, project / "product_data" / "catalogue.csv")
        return []
    step.__name__ = f"catalogue({name})"
    return step


def export(name: str, fmt: str) -> Step:
    """A shop export from cases/, read with --catalogue-format."""
    def step(project: Path) -> list[str]:
        target = project / "product_data" / name
        shutil.copy(CASES / name, target)
        return ["--catalogue", str(target), "--catalogue-format", fmt]
    return step


def generated(name: str, make: Callable[[], bytes], *, as_option: bool = False) -> Step:
    """A catalogue made in code; with as_option it is passed by --catalogue under its own name."""
    def step(project: Path) -> list[str]:
        target = project / "product_data" / (name if as_option else "catalogue.csv")
        target.write_bytes(make())
        return ["--catalogue", str(target)] if as_option else []
    return step


def replace(relative: str, old: str, new: str) -> Step:
    """Edit a project file: `old` must occur in it."""
    def step(project: Path) -> list[str]:
        path = project / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return []
    return step


def damage(relative: str, make: Callable[[bytes], bytes]) -> Step:
    """Damage a file of the previous output (a truncated upload, an edit by hand)."""
    def step(project: Path) -> list[str]:
        path = project / "output" / relative
        path.write_bytes(make(path.read_bytes()))
        return []
    return step


def argument(*args: str) -> Step:
    def step(project: Path) -> list[str]:
        return [a.replace("{project}", str(project)) for a in args]
    return step


def make_directory(relative: str) -> Step:
    def step(project: Path) -> list[str]:
        path = project / relative
        if path.exists():
            path.unlink()
        path.mkdir(parents=True)
        return []
    return step


def write_bytes(relative: str, make: Callable[[], bytes]) -> Step:
    def step(project: Path) -> list[str]:
        (project / relative).write_bytes(make())
        return []
    return step


# ----------------------------------------------------------------------------- generated inputs
def _base_text() -> str:
    return (CASES / "base.csv").read_text(encoding="utf-8")


def random_binary() -> bytes:
    return random.Random(9).randbytes(8192)


def huge_description() -> bytes:
    """A 1 MB description (an export that pasted a whole HTML page into one cell)."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(_base_text())))
    words = ("Waterproof leather sneaker with a stitched cupsole. " * 20000)[:1_000_000]
    rows[1]["description"] = words
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def nul_in_cell() -> bytes:
    """A NUL byte inside one title (a sloppy export tool), the rest of the file is clean text."""
    return _base_text().replace("Solstreif Men's", "Solstreif\x00 Men's", 1).encode("utf-8")


def utf16_without_bom() -> bytes:
    """Excel's "Unicode text" without its BOM: every other byte is NUL."""
    return _base_text().encode("utf-16-le")


def xlsx_garbage() -> bytes:
    return random.Random(3).randbytes(2048)


def price_list_too_large() -> bytes:
    """An explicit shelf price (prices.csv) longer than a JSON number carries exactly."""
    return b"market,sku,price\nUS,AS-1009-WHT-42,123456789012345678.99\n"


def not_records_json() -> bytes:
    return b"[1, 2, 3]"


def truncated_json() -> bytes:
    return b'[{"sku": "AS-1'


# ----------------------------------------------------------------------------- the corpus
M = "product_data/markets.toml"
LP = "product_data/landing_pages.toml"
NB_MESSAGES = "locales/nb/LC_MESSAGES/messages.po"
NB_PRODUCTS = "locales/nb/LC_MESSAGES/products.po"
NB_OFFER = 'msgstr "Tilbudet gjelder til og med %(date)s"'
NB_TITLE = 'msgstr "Solstreif skinnsneakers til herre"'

CORPUS: list[Case] = [
    # --- files that cannot be used: exit 2, nothing written
    Case("missing_file", (argument("--catalogue", "{project}/product_data/nope.csv"),), 2, "file not found",
         subprocess=True),
    Case("directory_as_file", (argument("--catalogue", "{project}/product_data"),), 2, "is a directory"),
    Case("empty_file", (catalogue("empty.csv"),), 2, "the file is empty"),
    Case("whitespace_only", (catalogue("whitespace_only.csv"),), 2, "the file is empty"),
    Case("header_only", (catalogue("header_only.csv"),), 2, "no rows"),
    Case("missing_column", (catalogue("missing_column.csv"),), 2, "required column 'price' is missing"),
    Case("renamed_columns", (catalogue("renamed_columns.csv"),), 2, "required column 'sku', 'title' is missing"),
    Case("duplicate_sku", (catalogue("duplicate_sku.csv"),), 2,
         "row 5, column sku: duplicate sku 'AS-1009-WHT-42' (first seen on row 3)"),
    Case("latin1_bytes", (catalogue("latin1.csv"),), 2, "not UTF-8 (byte 0xe5 at offset", subprocess=True),
    Case("random_binary", (generated("catalogue.csv", random_binary),), 2, "not UTF-8", subprocess=True),
    Case("utf16_without_bom", (generated("catalogue.csv", utf16_without_bom),), 2, "UTF-16"),
    Case("unbalanced_quote", (catalogue("unbalanced_quote.csv"),), 2, "malformed CSV"),
    Case("ragged_row", (catalogue("ragged_row.csv"),), 2, "malformed CSV"),
    Case("xlsx_garbage", (generated("catalogue.xlsx", xlsx_garbage, as_option=True),), 2, "cannot read .xlsx"),
    Case("json_not_records", (generated("catalogue.json", not_records_json, as_option=True),), 2, "required column"),
    Case("json_truncated", (generated("catalogue.json", truncated_json, as_option=True),), 2, "cannot read .json"),
    Case("shopify_header_only", (export("shopify_header_only.csv", "shopify"),), 2, "no rows below the header"),
    Case("markets_missing", (argument("--markets", "{project}/product_data/nope.toml"),), 2, "file not found"),
    Case("markets_syntax", (replace(M, 'name = "Norway"', 'name = "Norway'),), 2, "invalid TOML"),
    Case("markets_wrong_type", (replace(M, "vat_rate = 25\n", 'vat_rate = "25"\n'),), 2,
         "markets.NO.vat_rate: must be a number"),
    Case("markets_nan", (replace(M, "vat_rate = 25\n", "vat_rate = nan\n"),), 2,
         "markets.NO.vat_rate: must be a number", subprocess=True),
    Case("markets_inf_shipping", (replace(M, "price = 79,", "price = inf,"),), 2, "markets.NO.shipping.price"),
    Case("markets_fraction_decimals", (replace(M, 'decimals = 0, ending = "9"', 'decimals = 1.5, ending = "9"'),), 2,
         "markets.NO.rounding.decimals: must be a whole number"),
    Case("markets_unknown_placeholder", (replace(M, "produkter/{handle}?variant={sku}", "produkter/{colour}?variant={sku}"),),
         2, "markets.NO.storefront_url: unknown placeholder {colour}", subprocess=True),
    Case("markets_control_character", (replace(M, 'brand = "Alfa Sko"', 'brand = "Alfa\\u0001Sko"'),), 2,
         "project.brand: contains a control character"),
    Case("fx_rate_text", (replace("product_data/fx_rates.csv", "NOK,11.0000", "NOK,eleven"),), 2,
         "rate 'eleven' is not a number"),
    Case("fx_rate_absurd", (replace("product_data/fx_rates.csv", "NOK,11.0000", "NOK,1e30"),), 2,
         "column per_eur: rate 1E+30 is outside"),
    Case("fx_rates_directory", (make_directory("product_data/fx_rates.csv"),), 2, "is a directory"),
    Case("size_chart_directory", (make_directory("product_data/size_chart.csv"),), 2, "is a directory"),
    Case("size_chart_short_row", (replace("product_data/size_chart.csv", "kids,27,9,10", "kids,27"),), 2,
         "row 3: every size column needs a value"),
    Case("size_chart_control_character", (replace("product_data/size_chart.csv", "men,42,8,9", "men,42,8\x01,9"),), 2,
         "size_chart.csv, row 17, column uk: contains a control character"),
    Case("price_list_empty", (write_bytes("product_data/prices.csv", lambda: b""),), 2, "prices.csv: the file is empty"),
    Case("price_list_directory", (make_directory("product_data/prices.csv"),), 2, "is a directory"),
    Case("utf16_with_bom", (generated("catalogue.csv", lambda: _base_text().encode("utf-16")),), 2, "UTF-16"),
    Case("rules_syntax", (replace("product_data/rules.toml", "name = \"Season: winter\"", "name = \"Season: winter"),), 2, "invalid TOML"),
    Case("landing_slug_traversal", (replace(LP, 'slug = "winter-boots"', 'slug = "../../evil"'),), 2,
         "slug must be lower-case letters"),
    Case("rules_control_character", (replace("product_data/rules.toml", 'custom_label_0 = "winter"',
                                             'custom_label_0 = "win\\u0001ter"'),), 2,
         "rule.0.set.custom_label_0: contains a control character"),
    Case("categories_control_character", (write_bytes("product_data/categories.toml", lambda: b'[default]\ngoogle = "187\\u0007"\n'),),
         2, "default.google: contains a control character"),
    Case("landing_control_character", (replace(LP, 'headline = "Leather sneakers for every day in the city"',
                                               'headline = "Leather\\u0001 sneakers"'),), 2,
         "campaigns.1.headline: contains a control character"),
    Case("landing_pages_directory", (make_directory(LP),), 2, "landing_pages.toml: is a directory"),
    Case("previous_amazon_feed_truncated", (damage("amazon/us.json", lambda data: data[: len(data) // 2]),), 2,
         "the published amazon feed cannot be read (JSONDecodeError)"),
    Case("po_syntax", (replace(NB_PRODUCTS, NB_TITLE, 'msgstr "Solstreif skinnsneakers'),), 2, "malformed string"),
    Case("po_directory", (make_directory(NB_PRODUCTS),), 2, "is a directory"),
    Case("po_binary", (write_bytes(NB_MESSAGES, random_binary),), 2, "not UTF-8 text"),
    Case("po_messages_syntax", (replace(NB_MESSAGES, 'msgid "Offer valid until %(date)s"', "msgid Offer valid until"),),
         2, "row 28: msgid without a quoted string"),
    # --- an output folder that publishing (a whole-folder swap) would wreck; `-o /` and `-o ~` are
    # tested on feedgen.release.guard_output directly (test_output_guard.py), never with a real build
    Case("output_is_the_data_folder", (argument("-o", "{project}/product_data"),), 2, "holds the input"),
    Case("output_holds_the_inputs", (argument("-o", "{project}"),), 2, "holds the input"),
    Case("output_is_a_file", (argument("-o", "{project}/product_data/rules.toml"),), 2,
         "the output path exists and is not a directory"),
    Case("output_is_a_foreign_folder", (argument("-o", "{project}/locales/nb"),), 2,
         "is not empty and not a feedgen output (it holds 'LC_MESSAGES'"),
    Case("report_is_a_folder", (argument("--report", "{project}/reports"),), 2, "is a directory; give a file name"),

    # --- problems confined to rows: diagnostics, the rest is built
    Case("extra_columns", (catalogue("extra_columns.csv"),), 0, built=BASE,
         absent=("evil.example", "alert('note')")),
    Case("blank_sku", (catalogue("blank_sku.csv"),), 1, rules=("catalogue.sku.missing",), built=BASE),
    Case("blank_row", (catalogue("blank_row.csv"),), 1, rules=("catalogue.sku.missing",), built=BASE),
    Case("wrong_types", (catalogue("wrong_types.csv"),), 1,
         rules=("catalogue.stock.invalid", "catalogue.weight_g.invalid", "catalogue.rating.invalid",
                "catalogue.review_count.invalid", "catalogue.gender.invalid", "catalogue.age_group.invalid"),
         built=OTHERS),
    Case("prices_not_finite", (catalogue("prices_not_finite.csv"),), 1, rules=("catalogue.price.invalid",
         "catalogue.sale_price.invalid"), built=BASE, skipped=("AS-1005-BLK-39", "AS-1009-WHT-43", "AS-1022-BLK-29",
                                                                "AS-1026-BRN-40"), subprocess=True),
    Case("prices_not_positive", (catalogue("prices_not_positive.csv"),), 1,
         rules=("catalogue.price.not_positive", "catalogue.sale_price.not_positive"), built=BASE,
         skipped=("AS-1005-BLK-39", "AS-1009-WHT-43", "AS-1022-BLK-29")),
    Case("prices_text", (catalogue("prices_text.csv"),), 1, rules=("catalogue.price.invalid",), built=BASE,
         skipped=("AS-1005-BLK-39", "AS-1009-WHT-43", "AS-1022-BLK-29")),
    Case("prices_too_large", (catalogue("prices_too_large.csv"),), 1, rules=("catalogue.price.too_large",),
         built=BASE, skipped=("AS-1009-WHT-43", "AS-1022-BLK-29"), subprocess=True),
    Case("price_list_too_large", (write_bytes("product_data/prices.csv", price_list_too_large),), 1,
         rules=("price.too_large",), built=OTHERS),
    Case("sale_above_price", (catalogue("sale_above_price.csv"),), 0,
         rules=("catalogue.sale_price.not_below_price",), built=BASE),
    Case("bad_sale_dates", (catalogue("bad_sale_dates.csv"),), 0,
         rules=("catalogue.sale_start.invalid", "catalogue.sale_end.invalid", "catalogue.sale_end.before_start"),
         built=BASE),
    Case("invalid_gtins", (catalogue("invalid_gtins.csv"),), 1, rules=("catalogue.gtin.invalid",), built=OTHERS),
    Case("huge_description", (generated("catalogue.csv", huge_description),), 0,
         rules=("google.description.shortened", "meta.description.shortened", "amazon.product_description.shortened"),
         built=BASE),
    Case("control_characters", (catalogue("control_characters.csv"),), 0,
         rules=("catalogue.sku.control_characters", "catalogue.title.control_characters",
                "catalogue.color.control_characters", "catalogue.description.control_characters"), built=BASE),
    Case("nul_in_cell", (generated("catalogue.csv", nul_in_cell),), 0,
         rules=("catalogue.title.control_characters",), built=BASE, subprocess=True),
    Case("unicode_text", (catalogue("unicode_text.csv"),), 0, built=BASE),
    Case("bom_crlf", (catalogue("bom_crlf.csv"),), 0, built=BASE),
    Case("semicolon_decimal_comma", (catalogue("semicolon_decimal_comma.csv"),), 0, built=BASE),
    Case("formula_payloads", (catalogue("formula_payloads.csv"),), 0,
         rules=("meta.title.formula_like", "meta.color.formula_like", "meta.material.formula_like",
                "meta.description.formula_like", "meta.mpn.formula_like", "meta.brand.formula_like"), built=BASE),
    # An SKU a spreadsheet would run: XML and JSON carry it as is; Meta's CSV could only carry it as
    # another id ('=1+1), so Meta leaves it out with an error and every other channel lists it.
    Case("formula_sku", (catalogue("base.csv"), replace("product_data/catalogue.csv", "AS-1009-WHT-42,AS-1009,",
                                                         "=1+1,@AS-1009,")), 1,
         rules=("catalogue.sku.formula_like", "catalogue.style_id.formula_like", "meta.id.formula_prefix",
                "meta.item_group_id.formula_prefix"), built=("=1+1",) + OTHERS),
    Case("html_payloads", (catalogue("html_payloads.csv"),), 0, built=BASE),
    Case("javascript_urls", (catalogue("javascript_urls.csv"),), 1,
         rules=("catalogue.image_link.invalid", "catalogue.additional_image_links.invalid"),
         built=("AS-1005-BLK-38",), skipped=(HOSTILE, "AS-1022-BLK-28"), absent=("javascript:", "data:text/html")),
    Case("path_traversal", (catalogue("path_traversal.csv"),), 0, built=("../../x",) + OTHERS),
    Case("previous_manifest_damaged", (damage("manifest.json", lambda data: b'{"files": [1, 2]}'),), 0, built=BASE,
         previous=True),
    Case("previous_google_feed_truncated", (catalogue("unicode_text.csv"),
                                            damage("google/gb.xml", lambda data: data[: len(data) // 3])),
         0, built=BASE, previous=True),
    Case("numbers_out_of_range", (catalogue("numbers_out_of_range.csv"),), 0,
         rules=("catalogue.stock.invalid", "catalogue.weight_g.invalid", "catalogue.review_count.invalid"), built=BASE),
    Case("shopify_hostile", (export("shopify_hostile.csv", "shopify"),), 1, rules=("catalogue.price.invalid",),
         built=("FJ-BRN-37", "SO-WHT-42"), skipped=("FJ-BRN-36",)),
    Case("woocommerce_hostile", (export("woocommerce_hostile.csv", "woocommerce"),), 1, rules=("catalogue.price.invalid",),
         built=("VINTERLY-BLK-37", "VINTERLY-BLK-38"), skipped=("BRYGGEN-BRN-40",)),
    Case("markets_markup_in_brand", (replace(M, 'brand = "Alfa Sko"', 'brand = "Alfa </script><script>alert(1)</script>"'),),
         0, built=BASE),
    Case("landing_markup", (replace(LP, 'headline = "Leather sneakers for every day in the city"',
                                    'headline = "</script><script>alert(1)</script><img src=x onerror=alert(2)> %(x)s {{ 7*7 }}"'),),
         0, built=BASE),
    Case("po_placeholder_lost", (replace(NB_MESSAGES, NB_OFFER, 'msgstr "Tilbudet gjelder"'),), 0,
         rules=("pages.text.bad_placeholder",), built=BASE),
    Case("po_placeholder_unknown", (replace(NB_MESSAGES, NB_OFFER, 'msgstr "Tilbudet %(evil)s %(date)s 100%"'),), 0,
         rules=("pages.text.bad_placeholder",), built=BASE),
    Case("po_markup", (replace(NB_MESSAGES, NB_OFFER, 'msgstr "<script>alert(1)</script> %(date)s"'),), 0,
         rules=("pages.text.bad_markup",), built=BASE),
    Case("po_product_payloads", (replace(NB_PRODUCTS, NB_TITLE, 'msgstr "=HYPERLINK(1)</script><b onclick=x>\x01"'),),
         0, built=BASE),
]
