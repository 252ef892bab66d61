"""Shopify product CSV export -> catalogue, and a Shopify export built into Google feeds unedited.

Column names: Shopify Help Center, "Using CSV files to import and export products"
(help.shopify.com/en/manual/products/import-export/using-csv); see tests/fixtures/README.md.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from feedgen.load.catalogue import load_catalogue
from feedgen.errors import InputError

from ..conftest import REPO, publish_source_text
from ..helpers import google_items
from ..test_cli import invoke

EXPORT = REPO / "tests" / "fixtures" / "shopify" / "products_export.csv"
DEFAULTS = {"brand": "Alfa Sko"}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(EXPORT, "shopify", defaults=DEFAULTS)


def by_sku(catalogue) -> dict[str, dict]:
    return catalogue.items.set_index("sku").to_dict("index")


def rules(catalogue) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for d in catalogue.diagnostics:
        found.setdefault(d.rule_id, set()).add(d.sku)
    return found


def test_one_item_per_variant_and_product_fields_inherited(catalogue) -> None:
    items = by_sku(catalogue)
    assert sorted(items) == ["BR-GRY-40", "FJ-BRN-36", "FJ-BRN-37", "FJ-BRN-38", "SO-WHT-42", "SO-WHT-43",
                             "TR-BLK-28", "TR-BLK-29", "TR-RED-28", "TR-RED-29"]
    boot = items["FJ-BRN-38"]  # a variant row: Title, Vendor, Type … blank in the export
    assert boot["title"] == "Fjellvand Women's Hiking Boots"
    assert boot["brand"] == "Alfa Sko"
    assert boot["product_type"] == "Shoes > Boots > Hiking Boots"
    assert boot["google_product_category"] == "187"
    assert (boot["style_id"], boot["handle"]) == ("fjellvand-womens-hiking-boots", "fjellvand-womens-hiking-boots")
    assert (boot["gender"], boot["age_group"]) == ("female", "adult")  # Google Shopping / Gender, Age Group
    assert (boot["size"], boot["color"]) == ("38", "Brown")
    assert boot["weight_g"] == 1080.0  # Variant Grams
    assert boot["stock"] == 0 and items["FJ-BRN-37"]["stock"] == 25
    assert boot["source_row"] == 4


def test_html_body_becomes_plain_text(catalogue) -> None:
    description = by_sku(catalogue)["FJ-BRN-36"]["description"]
    assert description == ("Built for long days on Norway's coastal trails, the Fjellvand pairs full-grain nubuck with a "
                           "waterproof, breathable membrane.\n• Waterproof membrane\n• Rubber lug sole")
    assert by_sku(catalogue)["SO-WHT-42"]["description"].endswith("leather & a stitched cupsole.")  # &amp; decoded


def test_compare_at_price_means_on_sale(catalogue) -> None:
    boot, sneaker = by_sku(catalogue)["FJ-BRN-36"], by_sku(catalogue)["SO-WHT-42"]
    assert (boot["price"], boot["sale_price"]) == (Decimal("2499.00"), Decimal("1999.00"))
    assert (sneaker["price"], sneaker["sale_price"]) == (Decimal("1499.00"), None)


def test_images_by_position_with_image_only_rows(catalogue) -> None:
    boot = by_sku(catalogue)["FJ-BRN-37"]
    base = "https://cdn.shopify.com/s/files/1/0000/0001/products/"
    assert boot["image_link"] == base + "fjellvand-brn-1.jpg"
    assert boot["additional_image_links"].split("|") == [base + f"fjellvand-brn-{n}.jpg" for n in (2, 3, 4)]
    # Variant Image leads; another colour's variant image is not this variant's
    red = by_sku(catalogue)["TR-RED-29"]
    assert red["image_link"] == base + "troll-red-1.jpg" and red["additional_image_links"] == ""


def test_option_names_in_any_case_and_language(catalogue) -> None:
    items = by_sku(catalogue)
    assert (items["SO-WHT-43"]["size"], items["SO-WHT-43"]["color"]) == ("43", "White")  # Størrelse / Farge
    assert (items["TR-RED-28"]["size"], items["TR-RED-28"]["color"]) == ("28", "Red")  # Color first, then Size
    assert items["BR-GRY-40"]["color"] == "Grey"  # Colour


def test_missing_data_is_diagnosed_not_fatal(catalogue) -> None:
    items, found = by_sku(catalogue), rules(catalogue)
    assert items["SO-WHT-43"]["gtin"] == "" and "import.gtin.missing" in found
    assert items["SO-WHT-43"]["stock"] == 1 and "import.stock.untracked" in found  # not tracked: sold anyway
    assert items["SO-WHT-42"]["gender"] == "male" and "SO-WHT-42" in found["import.gender.inferred"]  # tag "herre"
    assert items["BR-GRY-40"]["gender"] == "unisex"
    assert items["TR-BLK-28"]["age_group"] == "kids"
    assert found["import.product.skipped"] == {"LY-SND-39", "GIFT-500"}  # draft, gift card
    assert not [d for d in catalogue.diagnostics if d.severity == "error"]


# Shopify's 2025 header names, same help page (current version): URL handle, Description, SKU, Price …
CURRENT = ["Title", "URL handle", "Description", "Vendor", "Product category", "Type", "Tags", "Published on online store",
           "Status", "SKU", "Barcode", "Option1 name", "Option1 value", "Option2 name", "Option2 value", "Price",
           "Compare-at price", "Inventory tracker", "Inventory quantity", "Continue selling when out of stock",
           "Weight value (grams)", "Product image URL", "Image position", "Variant image URL",
           "Google Shopping / Gender", "Google Shopping / Age group"]


def write_rows(path, header, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def test_current_header_names(tmp_path) -> None:
    path = tmp_path / "products_export_1.csv"
    write_rows(path, CURRENT, [
        ["Nordlys Sneakers", "nordlys", "<p>Light &amp; quick.</p>", "Alfa Sko", "Apparel & Accessories > Shoes", "Sneakers",
         "", "TRUE", "Active", "NL-40", "7094512090027", "Shoe size", "EU 40", "Colour", "Navy", "1299.00", "1499.00",
         "shopify", "5", "FALSE", "800", "https://cdn.example/n1.jpg", "1", "", "Unisex", "Adult"],
        ["", "nordlys", "", "", "", "", "", "", "", "NL-41", "7094512090034", "", "41", "", "Navy", "1299.00", "",
         "shopify", "-2", "TRUE", "820", "", "", "", "", ""],
        ["", "nordlys", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
         "https://cdn.example/n2.jpg", "2", "", "", ""],
    ])
    catalogue = load_catalogue(path, defaults=DEFAULTS)  # auto-detected
    assert catalogue.format == "shopify"
    items = by_sku(catalogue)
    assert (items["NL-40"]["size"], items["NL-40"]["color"], items["NL-40"]["gender"]) == ("40", "Navy", "unisex")
    assert items["NL-40"]["sale_price"] == Decimal("1299.00") and items["NL-41"]["sale_price"] is None
    assert items["NL-41"]["stock"] == 1  # -2 in stock, but "Continue selling when out of stock"
    assert items["NL-41"]["description"] == "Light & quick."
    assert items["NL-41"]["additional_image_links"] == "https://cdn.example/n2.jpg"


def test_variant_without_sku_gets_a_stable_id_and_duplicates_are_skipped(tmp_path) -> None:
    path = tmp_path / "export.csv"
    write_rows(path, ["Handle", "Title", "Vendor", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price", "Image Src",
                      "Variant Inventory Qty", "Google Shopping / Gender"], [
        ["tind-boot", "Tind Boot", "Alfa Sko", "Size", "41", "", "1599", "https://cdn.example/t.jpg", "3", "Male"],
        ["tind-boot", "", "", "", "42", "T-42", "1599", "", "3", ""],
        ["tind-boot", "", "", "", "43", "T-42", "1599", "", "3", ""],
        ["", "Stray", "", "", "", "X", "1", "", "", ""],
    ])
    catalogue = load_catalogue(path, "shopify", defaults=DEFAULTS)
    assert sorted(catalogue.items["sku"]) == ["T-42", "tind-boot-41"]
    found = rules(catalogue)
    assert found["import.sku.generated"] == {"tind-boot-41"}
    assert found["import.sku.duplicate"] == {"T-42"} and "import.handle.missing" in found
    duplicate = next(d for d in catalogue.diagnostics if d.rule_id == "import.sku.duplicate")
    assert duplicate.severity == "error" and "row 4" in duplicate.message


def test_export_without_a_price_column_is_unusable(tmp_path) -> None:
    path = tmp_path / "export.csv"
    write_rows(path, ["Handle", "Title", "Body (HTML)"], [["a", "A", "<p>x</p>"]])
    with pytest.raises(InputError, match="Shopify export without a 'Variant Price' / 'Price' column"):
        load_catalogue(path, "shopify")


def test_shopify_export_builds_google_feeds_with_no_hand_editing(project, tmp_path) -> None:
    publish_source_text(project)  # the shop's own products: no translations in the sample's catalogues
    out = tmp_path / "out"
    result = invoke(project, "build", "--catalogue", str(EXPORT), "--catalogue-format", "shopify", "-c", "google",
                    "--as-of", "2026-11-22", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output
    for market in ("no", "us", "de", "gb"):
        items = google_items(out / "google" / f"{market}.xml")
        assert len(items) == 10, market
    no, us = google_items(out / "google" / "no.xml"), google_items(out / "google" / "us.xml")
    boot = no["FJ-BRN-36"]
    assert boot["price"] == ["2499.00 NOK"] and boot["sale_price"] == ["1999.00 NOK"]
    assert boot["item_group_id"] == ["fjellvand-womens-hiking-boots"]
    assert boot["link"] == ["https://www.alfasko.no/produkter/fjellvand-womens-hiking-boots?variant=FJ-BRN-36"]
    assert len(boot["additional_image_link"]) == 3 and boot["gtin"] == ["7094512010001"]
    # no barcode and no MPN: still listed, with identifier_exists = no (GMC 6324478)
    assert us["SO-WHT-43"]["identifier_exists"] == ["no"] and "gtin" not in us["SO-WHT-43"]
    assert us["SO-WHT-43"]["size"] == ["10"] and us["SO-WHT-43"]["gender"] == ["male"]  # EU 43 men -> US 10
    # product types without a Google category got one from product_data/categories.toml
    assert us["BR-GRY-40"]["google_product_category"] == ["187"]
    assert "LY-SND-39" not in no and "GIFT-500" not in no
    assert "Built for long days" in no["FJ-BRN-36"]["description"][0] and "<" not in no["FJ-BRN-36"]["description"][0]


def test_semicolon_separated_shopify_export_from_a_spreadsheet(tmp_path) -> None:
    text = EXPORT.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\n").writerows(rows)
    assert len(load_catalogue(path, defaults=DEFAULTS).items) == 10
