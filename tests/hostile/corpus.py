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

from . import workbooks
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

CASES = Path(__file__).resolve().parent / "cases"
LOCALES_SOURCE = Path(__file__).resolve().parents[2] / "locales"
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
    command: tuple[str, ...] = ("build",)  # another command gets `--data DATA` and the steps' arguments only

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


def write_text(relative: str, text: str) -> Step:
    """Write (or create) a project file with this text."""
    def step(project: Path) -> list[str]:
        (project / relative).write_text(text, encoding="utf-8")
        return []
    return step


def symlink(relative: str, target: str) -> Step:
    """Make project/relative a symbolic link to target ({project} is filled in)."""
    def step(project: Path) -> list[str]:
        path = project / relative
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        path.symlink_to(target.replace("{project}", str(project)))
        return []
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


def workbook_case(make: Callable[[], bytes], error: str, **options) -> Case:
    """An unusable workbook from workbooks.py as the catalogue (--catalogue catalogue.xlsx): exit 2."""
    return Case(f"xlsx_{make.__name__}", (generated("catalogue.xlsx", make, as_option=True),), 2, error, **options)


def long_run_of_a() -> bytes:
    """A description of 5,000 a's and a '!': `^(a+)+$` would backtrack on it for ever in Python's re."""
    return _base_text().replace("Vinterly is the boot we reach for from the first frost until the snow melts.",
                                "a" * 5000 + "!", 1).encode("utf-8")


def latin1_po() -> bytes:
    """A products.po saved as Latin-1 (what an old editor does) while its header says UTF-8."""
    return (LOCALES_SOURCE / "nb" / "LC_MESSAGES" / "products.po").read_text(encoding="utf-8").encode("latin-1", "replace")


MAPPING = """[columns]
sku = "Varenr"
style_id = "Modell"
"""


# ----------------------------------------------------------------------------- the corpus
M = "product_data/markets.toml"
LP = "product_data/landing_pages.toml"
R = "product_data/rules.toml"
RULE_WHEN = "when = \"product_type contains 'sandals'\""  # rule 2, line 19 of the sample's rules.toml
C = "product_data/categories.toml"
MP = "product_data/mapping.toml"
FX = "product_data/fx_rates.csv"
SC = "product_data/size_chart.csv"
PL = "product_data/prices.csv"
MINI_FX = "date,currency,per_eur\n2026-11-20,NOK,11.0000\n"
NB_MESSAGES = "locales/nb/LC_MESSAGES/messages.po"
NB_PRODUCTS = "locales/nb/LC_MESSAGES/products.po"
NB_OFFER = 'msgstr "Tilbudet gjelder til og med %(date)s"'
NB_TITLE = 'msgstr "Solstreif skinnsneakers til herre"'
OFFER_MSGID = 'msgid "Offer valid until %(date)s"'
# its line in the sample's catalogue (the error must name it; the line moves when strings are added)
OFFER_ROW = (Path(__file__).resolve().parents[2] / NB_MESSAGES).read_text(encoding="utf-8").splitlines().index(
    OFFER_MSGID) + 1

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
    Case("po_messages_syntax", (replace(NB_MESSAGES, OFFER_MSGID, "msgid Offer valid until"),),
         2, f"row {OFFER_ROW}: msgid without a quoted string"),
    # --- an output folder that publishing (a whole-folder swap) would wreck; `-o /` and `-o ~` are
    # tested on feedgen.publish.release.guard_output directly (test_output_guard.py), never with a real build
    Case("output_is_the_data_folder", (argument("-o", "{project}/product_data"),), 2, "holds the input"),
    Case("output_holds_the_inputs", (argument("-o", "{project}"),), 2, "holds the input"),
    Case("output_is_a_file", (argument("-o", "{project}/product_data/rules.toml"),), 2,
         "the output path exists and is not a directory"),
    Case("output_is_a_foreign_folder", (argument("-o", "{project}/locales/nb"),), 2,
         "is not empty and not a feedgen output (it holds 'LC_MESSAGES'"),
    # --- every other input file, one or more ways each (issue #20): exit 2, one line, nothing written
    Case("markets_binary", (write_bytes(M, random_binary),), 2, "markets.toml: not UTF-8"),
    Case("markets_directory", (make_directory(M),), 2, "markets.toml: is a directory"),
    Case("markets_empty", (write_bytes(M, lambda: b""),), 2, "markets.toml"),
    Case("markets_unknown_key", (replace(M, "vat_rate = 25\n", "vat_rate = 25\nvat = 25\n"),), 2, "markets.NO.vat: unknown key"),
    Case("landing_syntax", (replace(LP, 'slug = "winter-boots"', 'slug = "winter-boots'),), 2, "landing_pages.toml, row"),
    Case("landing_binary", (write_bytes(LP, random_binary),), 2, "landing_pages.toml: not UTF-8"),
    Case("landing_hero_styles_text", (replace(LP, 'hero_styles = ["AS-1005", "AS-1006"]', 'hero_styles = "AS-1005"'),), 2,
         "hero_styles must list"),
    Case("rules_lookahead", (replace(R, RULE_WHEN, "when = \"title matches '^(?!Kids)'\""),), 2,
         "rules.toml, row 19: rule 2 (Season: summer).when: bad regular expression '^(?!Kids)': look-ahead", subprocess=True),
    Case("rules_backreference", (replace(R, RULE_WHEN, "when = \"title matches '(\\\\w)\\\\1'\""),), 2,
         r"rules.toml, row 19: rule 2 (Season: summer).when: bad regular expression '(\\w)\\1': backreferences"),
    Case("rules_check_lookahead", (replace(R, RULE_WHEN, "when = \"title matches '^(?!Kids)'\""),), 2,
         "rules.toml, row 19: rule 2 (Season: summer).when: bad regular expression", command=("rules", "check")),
    Case("rules_unknown_field", (replace(R, RULE_WHEN, "when = \"colour == 'red'\""),), 2, "unknown field 'colour'"),
    Case("rules_nested_too_deep", (replace(R, RULE_WHEN, 'when = "' + "not (" * 60 + "on_sale" + ")" * 60 + '"'),), 2,
         "rules.toml, row 19: rule 2 (Season: summer).when: 'not' and parentheses nested more than 50 deep"),
    Case("markets_nested_too_deep", (write_text(M, "x = " + "[" * 5000 + "]" * 5000 + "\n"),), 2,
         "markets.toml, row 1: invalid TOML: arrays or inline tables nested too deeply"),
    Case("landing_nested_too_deep", (write_text(LP, "x = " + "{a=" * 5000 + "1" + "}" * 5000 + "\n"),), 2,
         "landing_pages.toml, row 1: invalid TOML: arrays or inline tables nested too deeply"),
    Case("categories_nested_too_deep", (write_text(C, "[default]\ngoogle = " + "[" * 5000 + "]" * 5000 + "\n"),), 2,
         "categories.toml, row 2: invalid TOML: arrays or inline tables nested too deeply"),
    Case("rules_directory", (make_directory(R),), 2, "rules.toml: is a directory"),
    Case("rules_binary", (write_bytes(R, random_binary),), 2, "rules.toml: not UTF-8"),
    Case("categories_syntax", (write_bytes(C, lambda: b"[default\ngoogle = 187\n"),), 2, "categories.toml, row 1, column 9: invalid TOML"),
    Case("categories_directory", (make_directory(C),), 2, "categories.toml: is a directory"),
    Case("categories_binary", (write_bytes(C, random_binary),), 2, "categories.toml: not UTF-8"),
    Case("categories_wrong_type", (write_bytes(C, lambda: b"[default]\ngoogle = [187]\n"),), 2, "default.google"),
    Case("mapping_syntax", (write_text(MP, "[columns\nsku = 'x'\n"),), 2, "mapping.toml, row 1, column 9: invalid TOML"),
    Case("mapping_directory", (make_directory(MP),), 2, "mapping.toml: is a directory"),
    Case("mapping_binary", (write_bytes(MP, random_binary),), 2, "mapping.toml: not UTF-8"),
    Case("mapping_incomplete", (write_text(MP, MAPPING),), 2, "mapping.toml: [columns] has no gtin, title"),
    Case("fx_binary", (write_bytes(FX, random_binary),), 2, "fx_rates.csv, row 1: not UTF-8"),
    Case("fx_empty", (write_bytes(FX, lambda: b""),), 2, "fx_rates.csv: the file is empty"),
    Case("fx_missing_column", (write_bytes(FX, lambda: b"date,currency,rate\n2026-11-20,NOK,11\n"),), 2,
         "fx_rates.csv, row 1, column per_eur: missing column(s) per_eur"),
    Case("fx_utf16", (write_bytes(FX, lambda: (MINI_FX).encode("utf-16")),), 2, "fx_rates.csv, row 1: contains NUL bytes"),
    Case("fx_currency_missing", (replace(FX, "GBP,0.8750", "XXX,0.8750"),), 2, "GBP"),
    Case("size_chart_binary", (write_bytes(SC, random_binary),), 2, "size_chart.csv, row 1: not UTF-8"),
    Case("size_chart_empty", (write_bytes(SC, lambda: b""),), 2, "size_chart.csv: the file is empty"),
    Case("size_chart_missing_column", (write_bytes(SC, lambda: b"group,eu,uk\nmen,42,8\n"),), 2, "missing column(s) us"),
    Case("price_list_binary", (write_bytes(PL, random_binary),), 2, "prices.csv, row 1: not UTF-8"),
    Case("price_list_missing_column", (write_bytes(PL, lambda: b"market,sku\nNO,AS-1009-WHT-42\n"),), 2, "prices.csv, row 1"),
    Case("price_list_ambiguous", (write_bytes(PL, lambda: b"market,sku,price\nNO,AS-1009-WHT-42,\"2,499\"\n"),), 2,
         "prices.csv, row 2, column price"),
    Case("price_list_unknown_market", (write_bytes(PL, lambda: b"market,sku,price\nXX,AS-1009-WHT-42,100\n"),), 2,
         "prices.csv, row 2, column market"),
    Case("price_list_control_character", (write_bytes(PL, lambda: b"market,sku,price\nNO,AS-1009\x01,100\n"),), 2,
         "prices.csv, row 2, column sku: contains a control character"),
    Case("po_truncated", (write_bytes(NB_PRODUCTS, lambda: (LOCALES_SOURCE / NB_PRODUCTS.removeprefix("locales/"))
                                      .read_bytes()[:5000] + b'msgstr "unterminated'),), 2, "products.po"),
    Case("po_latin1", (write_bytes(NB_PRODUCTS, latin1_po),), 2, "products.po"),
    Case("po_empty", (write_bytes(NB_MESSAGES, lambda: b""),), 0, built=BASE),
    # --- workbooks (the catalogue and mapped imports read .xlsx): never a crash, a hang or all the memory
    workbook_case(workbooks.not_a_zip, "catalogue.xlsx: cannot read .xlsx: not a zip file"),
    workbook_case(workbooks.zip_header_garbage, "catalogue.xlsx: cannot read .xlsx"),
    workbook_case(workbooks.encrypted_ole, "cannot read .xlsx: an encrypted (password-protected) workbook or an old .xls file",
                  subprocess=True),
    workbook_case(workbooks.encrypted_entry, "cannot read .xlsx: the workbook is encrypted"),
    workbook_case(workbooks.no_sheets, "cannot read .xlsx: the workbook has no worksheets"),
    workbook_case(workbooks.truncated_sheet, "cannot read .xlsx: xl/worksheets/sheet1.xml is damaged"),
    workbook_case(workbooks.zip_bomb, "cannot read .xlsx: it unpacks to 300 MiB (xl/worksheets/sheet1.xml: 300 MiB from",
                  subprocess=True),
    workbook_case(workbooks.sparse_grid, "its cells span 1,048,576 rows × 16,384 columns", subprocess=True),
    workbook_case(workbooks.row_beyond_the_grid, "row 99,999,999,999 is beyond Excel's last row"),
    workbook_case(workbooks.overfull_row, "row 1 has more than 16,384 cells"),
    workbook_case(workbooks.string_flood, "xl/sharedStrings.xml: more than 2,000,000 shared strings"),
    Case("xlsx_mapped_zip_bomb", (generated("export.xlsx", workbooks.zip_bomb, as_option=True), write_text(MP, MAPPING)), 2,
         "export.xlsx: cannot read .xlsx: it unpacks to 300 MiB"),
    Case("xlsx_missing_sheet", (generated("export.xlsx", workbooks.good, as_option=True),
                                write_text(MP, '[import]\nsheet = "Products"\n')), 2,
         "export.xlsx: cannot read .xlsx: Worksheet named 'Products' not found"),
    # --- the output folder
    Case("output_is_a_symlink", (symlink("elsewhere", "{project}/output"), argument("-o", "{project}/elsewhere")), 2,
         "is a symbolic link"),
    Case("output_dangling_symlink", (symlink("nowhere", "{project}/no-such-folder"), argument("-o", "{project}/nowhere")), 2,
         "is a symbolic link"),
    Case("output_below_a_file", (argument("-o", "{project}/product_data/rules.toml/output"),), 2,
         "rules.toml is not a directory, so it cannot hold the output folder"),
    # symbolic links planted in the previous output must not lead the build outside it
    Case("output_channel_folder_is_a_symlink", (make_directory("elsewhere"), symlink("output/google", "{project}/elsewhere")),
         0, built=BASE, previous=True),
    Case("output_feed_is_a_symlink_to_an_input", (symlink("output/google/no.xml", "{project}/product_data/markets.toml"),),
         0, built=BASE, previous=True),
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
    # catastrophic patterns for Python's re run in linear time on RE2: the build finishes (the test has a time limit)
    Case("rules_catastrophic_regex", (generated("catalogue.csv", long_run_of_a),
                                      replace(R, RULE_WHEN, "when = \"description matches '^(a+)+$'\"")), 0, built=BASE,
         subprocess=True),
    Case("rules_catastrophic_words", (generated("catalogue.csv", huge_description),
                                      replace(R, RULE_WHEN, "when = \"description matches '(\\\\w+\\\\s?)+$'\"")), 0,
         built=BASE),
    Case("po_product_payloads", (replace(NB_PRODUCTS, NB_TITLE, 'msgstr "=HYPERLINK(1)</script><b onclick=x>\x01"'),),
         0, built=BASE),
]


# The delivery file (DATA/delivery.toml, `feedgen deliver`): one Case each, run by test_corpus.py like
# every other case (time limit, one error line, the published output and everything else unchanged).
def _delivery(text: str) -> Step:
    return write_text("product_data/delivery.toml", text)


def _destination(extra: str = "", *, channel: str = "google", url: str = "file:///nonexistent/share") -> str:
    return f'[[destination]]\nname = "share"\nchannel = "{channel}"\nurl = "{url}"\n{extra}'


def _deliver_case(name: str, steps: tuple[Step, ...], error: str, *, dry_run: bool = True) -> Case:
    """`feedgen deliver [--dry-run]` on the published sample: exit 2, one line, nothing sent or written."""
    options = ("-o", "{project}/output", *(("--dry-run",) if dry_run else ()))
    return Case(name, (*steps, argument(*options)), 2, error, command=("deliver",))


DELIVERY_CASES: list[Case] = [
    _deliver_case("delivery_binary", (write_bytes("product_data/delivery.toml", lambda: b"\xff\xfe[\x00[\x00d\x00"),),
                  "delivery.toml: not UTF-8 text (byte 0)"),
    _deliver_case("delivery_directory", (make_directory("product_data/delivery.toml"),),
                  "delivery.toml: is a directory, expected a delivery file"),
    _deliver_case("delivery_empty", (_delivery(""),),
                  "delivery.toml: no [[destination]] table: nothing to deliver to"),
    _deliver_case("delivery_missing", (),
                  'delivery.toml: file not found: it lists the destinations, one [[destination]] table each '
                  '(name, channel, url); see README "Delivering"'),
    _deliver_case("delivery_syntax", (_delivery("[[destination]\n"),),
                  "delivery.toml, row 1, column 14: invalid TOML: Expected ']]' at the end of an array declaration"),
    _deliver_case("delivery_unknown_key", (_delivery(_destination('colour = "red"\n')),),
                  "delivery.toml, row 5: destination[1].colour: unknown key 'colour' for a file:// destination "
                  "(allowed: channel, google, markets, max_drop, meta, name, remote_name, timeout, url)"),
    _deliver_case("delivery_duplicate_name", (_delivery(_destination() + "\n" + _destination(channel="meta")),),
                  "delivery.toml, row 7: destination[2].name: 'share' is already the name of destination 1: "
                  "names must be unique (receipts and --to use them)"),
    _deliver_case("delivery_unknown_scheme", (_delivery(_destination(url="ftp://127.0.0.1/feeds/")),),
                  "delivery.toml, row 4: destination[1].url: 'ftp://127.0.0.1/feeds/': the scheme must be one of "
                  "sftp://, s3://, file://, sp-api://"),
    _deliver_case("delivery_password_in_url",
                  (_delivery(_destination("check_host_key = false\n", url="sftp://feeds:hunter2@127.0.0.1/in/")),),
                  "delivery.toml, row 4: destination[1].url: holds a password: name an environment variable in "
                  "password_env instead (delivery.toml is committed; secrets live only in the environment)"),
    _deliver_case("delivery_missing_variable",
                  (_delivery(_destination('password_env = "FEEDGEN_HOSTILE_UNSET_PASSWORD"\ncheck_host_key = false\n',
                                          url="sftp://feeds@127.0.0.1/in/")),),
                  "delivery.toml, row 5: destination[1].password_env: the environment variable "
                  "FEEDGEN_HOSTILE_UNSET_PASSWORD is not set or empty", dry_run=False),
    _deliver_case("delivery_missing_known_hosts",
                  (_delivery(_destination('password_env = "FEEDGEN_HOSTILE_PASSWORD"\nknown_hosts = "no_such_known_hosts"\n',
                                          url="sftp://feeds@127.0.0.1/in/")),),
                  "product_data/no_such_known_hosts: no such file"),  # --dry-run checks local files too
    _deliver_case("delivery_remote_name_escapes", (_delivery(_destination('remote_name = "../{name}"\n')),),
                  "delivery.toml, row 5: destination[1].remote_name: gives '../de.xml' for google/de.xml, which has "
                  "an empty, '.' or '..' part"),
    _deliver_case("delivery_unknown_channel", (_delivery(_destination(channel="snapchat")),),
                  "delivery.toml, row 3: destination[1].channel: the published build has no 'snapchat' files "
                  "(it has: amazon, google, google_promotions, google_reviews, meta, pages, pinterest, tiktok)"),
    _deliver_case("delivery_market_not_built", (_delivery(_destination('markets = ["ZZ"]\n')),),
                  "delivery.toml, row 5: destination[1].markets: market(s) ZZ have no 'google' files in the "
                  "published build"),
]
CORPUS += DELIVERY_CASES
