"""Catalogue loading: unusable files are one clear InputError; bad rows are diagnostics."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest

from feedgen.load.catalogue import load_catalogue
from feedgen.load.numbers import AmbiguousNumber, parse_decimal
from feedgen.errors import InputError

from .conftest import MINI, SAMPLE_DATA, write_catalogue


def rules(catalogue) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for d in catalogue.diagnostics:
        found.setdefault(d.rule_id, set()).add(d.sku)
    return found


def test_sample_catalogue_is_clean() -> None:
    catalogue = load_catalogue(SAMPLE_DATA / "catalogue.csv")
    assert len(catalogue.items) >= 400
    assert catalogue.items["style_id"].nunique() >= 24
    assert not [d for d in catalogue.diagnostics if d.severity == "error"]
    assert isinstance(catalogue.items.loc[0, "price"], Decimal)


# ---------------------------------------------------------------- unusable files
def test_missing_required_column(tmp_path) -> None:
    frame = pd.read_csv(MINI / "catalogue.csv", dtype=str).drop(columns=["price"])
    frame.to_csv(tmp_path / "c.csv", index=False)
    with pytest.raises(InputError) as caught:
        load_catalogue(tmp_path / "c.csv")
    assert caught.value.one_line() == f"{tmp_path / 'c.csv'}, row 1, column price: required column 'price' is missing"


def test_duplicate_sku_names_row_and_column(tmp_path) -> None:
    path = write_catalogue(tmp_path / "c.csv", [{"sku": "A-1"}, {"sku": "B-1"}, {"sku": "A-1"}])
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    assert "row 4, column sku: duplicate sku 'A-1' (first seen on row 2)" in caught.value.one_line()


@pytest.mark.parametrize("content, message", [(b"", "the file is empty"), (b"  \n", "the file is empty")])
def test_empty_file(tmp_path, content, message) -> None:
    (tmp_path / "c.csv").write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_catalogue(tmp_path / "c.csv")


def test_header_only_file(tmp_path) -> None:
    (tmp_path / "c.csv").write_text((MINI / "catalogue.csv").read_text(encoding="utf-8").splitlines()[0] + "\n")
    with pytest.raises(InputError, match="row 2: no rows"):
        load_catalogue(tmp_path / "c.csv")


def test_non_utf8_file_names_the_row(tmp_path) -> None:
    text = (MINI / "catalogue.csv").read_text(encoding="utf-8").replace("Vinterly", "Vinterl\u00f8")
    (tmp_path / "c.csv").write_bytes(text.encode("latin-1", errors="replace"))
    with pytest.raises(InputError) as caught:
        load_catalogue(tmp_path / "c.csv")
    assert "not UTF-8 (byte 0xf8" in caught.value.one_line()
    assert caught.value.row == 2


def test_missing_file_and_directory(tmp_path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_catalogue(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a directory"):
        load_catalogue(tmp_path)


def test_binary_garbage(tmp_path) -> None:
    (tmp_path / "c.csv").write_bytes(b"sku,price\x00\x01\x02\n")
    with pytest.raises(InputError, match="required column"):  # a NUL is a bad cell, not a bad file; no header here
        load_catalogue(tmp_path / "c.csv")


# ---------------------------------------------------------------- what Nordic users really send
def test_excel_semicolon_bom_crlf_and_decimal_commas(tmp_path) -> None:
    frame = pd.read_csv(MINI / "catalogue.csv", dtype=str, keep_default_na=False)
    frame["price"] = frame["price"].str.replace(".", ",", regex=False)
    frame.loc[0, "price"] = "2 299,00"
    frame.to_csv(tmp_path / "excel.csv", sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    catalogue = load_catalogue(tmp_path / "excel.csv")
    assert list(catalogue.items["price"][:2]) == [Decimal("2299.00"), Decimal("2299.00")]
    assert catalogue.items.loc[0, "sku"] == "AS-1005-BLK-38"  # BOM did not leak into the first column name
    assert not [d for d in catalogue.diagnostics if d.severity == "error"]


def test_xlsx_and_json(tmp_path) -> None:
    frame = pd.read_csv(MINI / "catalogue.csv", dtype=str, keep_default_na=False)
    frame.to_excel(tmp_path / "c.xlsx", index=False)
    (tmp_path / "c.json").write_text(json.dumps(frame.to_dict(orient="records")), encoding="utf-8")
    for name in ("c.xlsx", "c.json"):
        catalogue = load_catalogue(tmp_path / name)
        assert list(catalogue.items["sku"]) == list(frame["sku"])
        assert catalogue.items.loc[0, "price"] == Decimal("2299.00")


@pytest.mark.parametrize(
    "text, expected",
    [("1299.00", "1299.00"), ("1299,00", "1299.00"), ("1 299,50", "1299.50"), ("1.299,50", "1299.50"),
     ("1,299.50", "1299.50"), ("\u00a01\u00a0299", "1299"), ("", None)],
)
def test_parse_decimal(text, expected) -> None:
    assert parse_decimal(text) == (Decimal(expected) if expected else None)


@pytest.mark.parametrize("text", ["abc", "NaN", "inf", "1e5", "12-"])
def test_parse_decimal_rejects(text) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize("text, expected", [("2,499.00", "2499.00"), ("1.299,00", "1299.00"), ("1.299.000", "1299000"),
                                            ("1,299,000", "1299000"), ("0.499", "0.499"), ("12,5", "12.5")])
def test_a_second_separator_or_a_zero_decides_a_three_digit_group(text, expected) -> None:
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["2,499", "1.299", "-1.299", " 2,499 "])
def test_one_separator_before_three_digits_is_ambiguous(text) -> None:
    # Review finding #3: "2,499" (an English export with a thousands comma) was read as 2.499.
    with pytest.raises(AmbiguousNumber):
        parse_decimal(text)


def test_an_ambiguous_price_is_an_error_for_its_sku(tmp_path) -> None:
    path = write_catalogue(tmp_path / "c.csv", [{"sku": "OK-1"}, {"sku": "THOUSANDS", "price": "2,499"},
                                                {"sku": "SALE", "sale_price": "1.299"}])
    catalogue = load_catalogue(path)
    found = {(d.sku, d.rule_id, d.severity) for d in catalogue.diagnostics}
    assert ("THOUSANDS", "catalogue.price.ambiguous", "error") in found
    assert ("SALE", "catalogue.sale_price.ambiguous", "warning") in found
    items = catalogue.items.set_index("sku")
    assert items.loc["THOUSANDS", "price"] is None and items.loc["SALE", "sale_price"] is None


# ---------------------------------------------------------------- bad rows
def test_bad_rows_become_diagnostics_and_the_rest_survives(tmp_path) -> None:
    path = write_catalogue(tmp_path / "c.csv", [
        {"sku": "OK-1"},
        {"sku": "TEXT-PRICE", "price": "ask us"},
        {"sku": "ZERO-PRICE", "price": "0"},
        {"sku": "NEG-PRICE", "price": "-10"},
        {"sku": "BAD-GTIN", "gtin": "7094512050022"},
        {"sku": "COUPON-GTIN", "gtin": "9900000000005"},
        {"sku": "FTP-IMAGE", "image_link": "javascript:alert(1)"},
        {"sku": "ODD-GENDER", "gender": "women"},
        {"sku": "ODD-AGE", "age_group": "teen"},
        {"sku": "SALE-ABOVE", "sale_price": "9999"},
        {"sku": "SALE-BAD-DATE", "sale_start": "31/12/2026"},
        {"sku": "STOCK-TEXT", "stock": "lots"},
        {"sku": "CONTROL", "title": "Boot\x0b with \x07bell"},
        {"sku": "", "title": "no sku"},
    ])
    catalogue = load_catalogue(path)
    found = rules(catalogue)
    assert found["catalogue.price.invalid"] == {"TEXT-PRICE"}
    assert found["catalogue.price.not_positive"] == {"ZERO-PRICE", "NEG-PRICE"}
    assert found["catalogue.gtin.invalid"] == {"BAD-GTIN", "COUPON-GTIN"}
    assert found["catalogue.image_link.invalid"] == {"FTP-IMAGE"}
    assert found["catalogue.gender.invalid"] == {"ODD-GENDER"}
    assert found["catalogue.age_group.invalid"] == {"ODD-AGE"}
    assert found["catalogue.sale_price.not_below_price"] == {"SALE-ABOVE"}
    assert found["catalogue.sale_start.invalid"] == {"SALE-BAD-DATE"}
    assert found["catalogue.stock.invalid"] == {"STOCK-TEXT"}
    assert found["catalogue.title.control_characters"] == {"CONTROL"}
    assert "catalogue.sku.missing" in found
    items = catalogue.items.set_index("sku")
    assert len(items) == 13  # only the row without a SKU is gone
    assert items.loc["TEXT-PRICE", "price"] is None
    assert items.loc["SALE-ABOVE", "sale_price"] is None
    assert items.loc["CONTROL", "title"] == "Boot with bell"
    assert items.loc["STOCK-TEXT", "stock"] == 0
    severities = {d.rule_id: d.severity for d in catalogue.diagnostics}
    assert severities["catalogue.price.invalid"] == "error"
    assert severities["catalogue.sale_price.not_below_price"] == "warning"


def test_counts_and_measures_read_numbers_like_prices_do(tmp_path) -> None:
    # One number reader (feedgen.load.numbers): a thousands group in a count is a thousand, never 1;
    # in a weight it could be 1.2 g or 1200 g, so it is refused like an ambiguous price.
    path = write_catalogue(tmp_path / "c.csv", [
        {"sku": "STOCK-GROUPED", "stock": "1,000"},
        {"sku": "STOCK-DOTTED", "stock": "1.000", "review_count": "2.500", "rating": "4,5"},
        {"sku": "STOCK-SPACED", "stock": "1 200", "weight_g": "950,5"},
        {"sku": "STOCK-EXPONENT", "stock": "1e3"},
        {"sku": "WEIGHT-AMBIGUOUS", "weight_g": "1,200"},
    ])
    catalogue = load_catalogue(path)
    items = catalogue.items.set_index("sku")
    assert items.loc["STOCK-GROUPED", "stock"] == 1000
    assert items.loc["STOCK-DOTTED", "stock"] == 1000 and items.loc["STOCK-DOTTED", "review_count"] == 2500
    assert items.loc["STOCK-DOTTED", "rating"] == 4.5
    assert items.loc["STOCK-SPACED", "stock"] == 1200 and items.loc["STOCK-SPACED", "weight_g"] == 950.5
    found = rules(catalogue)
    assert found["catalogue.stock.invalid"] == {"STOCK-EXPONENT"}
    assert items.loc["STOCK-EXPONENT", "stock"] == 0
    assert found["catalogue.weight_g.invalid"] == {"WEIGHT-AMBIGUOUS"}
    assert pd.isna(items.loc["WEIGHT-AMBIGUOUS", "weight_g"])


def test_html_descriptions_become_plain_text(tmp_path) -> None:
    path = write_catalogue(tmp_path / "c.csv", [
        {"sku": "A", "description": "<p>Warm &amp; dry.</p><ul><li>Wool lining</li><li>Rubber sole</li></ul>"},
    ])
    assert load_catalogue(path).items.loc[0, "description"] == "Warm & dry.\n• Wool lining\n• Rubber sole"


def test_sale_without_any_dates_keeps_none(tmp_path) -> None:
    """No sale dates anywhere in the file: the window stays None (pandas 3 would give NaT) and resolve works."""
    path = write_catalogue(tmp_path / "c.csv", [{"sku": "A", "sale_start": "", "sale_end": ""},
                                                 {"sku": "B", "sale_price": "", "sale_start": "", "sale_end": ""}])
    items = load_catalogue(path).items
    assert list(items["sale_start"]) == [None, None] and list(items["sale_end"]) == [None, None]
    assert items.loc[0, "sale_price"] == Decimal("1699.00")


def test_control_characters_are_removed_from_every_column(tmp_path) -> None:
    path = write_catalogue(tmp_path / "c.csv", [{"sku": "A\x0b-1", "image_link": "https://i.example/a\x01.jpg"}])
    catalogue = load_catalogue(path)
    assert catalogue.items.loc[0, "sku"] == "A-1"
    assert {d.rule_id for d in catalogue.diagnostics} >= {"catalogue.sku.control_characters", "catalogue.image_link.control_characters"}


def test_explicit_handles_are_kept_and_only_the_style_fallback_is_slugified(tmp_path) -> None:
    # Review #11: "støvler-dame" became "st-vler-dame" and "winter_boot" "winter-boot": links that 404.
    from feedgen.resolve.offers import fill_template

    path = write_catalogue(tmp_path / "c.csv", [
        {"sku": "A-1", "handle": "støvler-dame"}, {"sku": "A-2", "handle": "winter_boot"},
        {"sku": "A-3", "handle": "", "style_id": "AS 1005/Blk"},
    ])
    items = load_catalogue(path).items
    assert items["handle"].tolist() == ["støvler-dame", "winter_boot", "as-1005-blk"]
    links = fill_template("https://shop.example/products/{handle}?variant={sku}", items)
    assert links.tolist()[:2] == ["https://shop.example/products/st%C3%B8vler-dame?variant=A-1",
                                  "https://shop.example/products/winter_boot?variant=A-2"]


def test_bad_additional_image_links_are_dropped_with_one_warning_per_sku(tmp_path) -> None:
    # Review #14: a non-http extra image disappeared without a diagnostic.
    good = "https://img.example/a.jpg"
    path = write_catalogue(tmp_path / "c.csv", [
        {"sku": "OK", "additional_image_links": f"{good}| https://img.example/b.jpg"},
        {"sku": "BAD-1", "additional_image_links": f"{good}|javascript:alert(1)|/relative.jpg"},
        {"sku": "BAD-2", "additional_image_links": f"{good}|javascript:alert(1)|/relative.jpg"},
    ])
    catalogue = load_catalogue(path)
    found = [(d.sku, d.severity) for d in catalogue.diagnostics if d.rule_id == "catalogue.additional_image_links.invalid"]
    assert found == [("BAD-1", "warning"), ("BAD-2", "warning")]
    message = next(d.message for d in catalogue.diagnostics if d.sku == "BAD-1")
    assert "'javascript:alert(1)', '/relative.jpg'" in message
    assert catalogue.items["additional_image_links"].tolist() == [f"{good}|https://img.example/b.jpg", good, good]
