"""WooCommerce product CSV export -> catalogue.

Columns: WooCommerce's exporter (WC_Product_CSV_Exporter::get_default_column_names) as documented in
"Product CSV Importer and Exporter" (woocommerce.com/document/product-csv-importer-exporter/);
see tests/fixtures/README.md.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest

from feedgen.load.catalogue import load_catalogue
from feedgen.errors import InputError
from feedgen.load.importers.woocommerce import split_list

from ..conftest import REPO, publish_source_text
from ..helpers import google_items
from ..test_cli import invoke

EXPORT = REPO / "tests" / "fixtures" / "woocommerce" / "wc-product-export.csv"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(EXPORT, defaults={"brand": "Alfa Sko"})


def by_sku(catalogue) -> dict[str, dict]:
    return catalogue.items.set_index("sku").to_dict("index")


def test_detected_and_one_item_per_variation_or_simple_product(catalogue) -> None:
    assert catalogue.format == "woocommerce"
    assert list(catalogue.items["sku"]) == ["VINTERLY-BLK-37", "VINTERLY-BLK-38", "VINTERLY-BLK-39", "BRYGGEN-BRN-40",
                                            "301-28-red", "301-29-red"]


def test_variations_inherit_from_their_parent(catalogue) -> None:
    boot = by_sku(catalogue)["VINTERLY-BLK-38"]
    assert boot["title"] == "Vinterly Women's Winter Boots"  # the parent's name, not "… - 38"
    assert boot["style_id"] == "VINTERLY"
    assert boot["description"] == "Vinterly is the boot we reach for from the first frost.\n• Wool insole\n• Grippy winter sole"
    assert boot["product_type"] == "Shoes > Boots > Winter Boots"  # the deepest of the categories
    assert boot["image_link"].endswith("vinterly-1.jpg") and boot["additional_image_links"].count("|") == 1
    assert (boot["size"], boot["color"], boot["gender"], boot["age_group"]) == ("38", "Black", "female", "adult")
    assert boot["weight_g"] == 1200.0  # Weight (kg) 1.2 from the parent
    assert boot["stock"] == 40  # Stock "parent": managed on the variable product
    assert boot["handle"] == "vinterly-womens-winter-boots"  # WordPress's default slug of the name


def test_prices_sale_window_and_stock(catalogue) -> None:
    items = by_sku(catalogue)
    boot = items["VINTERLY-BLK-37"]
    assert (boot["price"], boot["sale_price"]) == (Decimal("2299"), Decimal("1699"))
    assert (boot["sale_start"], boot["sale_end"]) == (date(2026, 11, 20), date(2026, 12, 31))
    assert items["VINTERLY-BLK-39"]["stock"] == 0  # In stock? 0
    slipper = items["BRYGGEN-BRN-40"]
    assert slipper["price"] == Decimal("699.00")  # "699,00"
    assert slipper["stock"] == 1 and slipper["weight_g"] == 460.0  # unmanaged stock, in stock; "0,46" kg
    assert (slipper["size"], slipper["color"]) == ("40", "Brown")  # Størrelse / Farge


def test_skips_and_guesses_are_diagnosed(catalogue) -> None:
    found: dict[str, set[str]] = {}
    for d in catalogue.diagnostics:
        found.setdefault(d.rule_id, set()).add(d.sku)
    assert found["import.sku.generated"] == {"301-28-red", "301-29-red"}
    assert "LYSNING-39" in found["import.product.skipped"]  # Published -1 (draft)
    assert any("external" in d.message for d in catalogue.diagnostics if d.rule_id == "import.product.skipped")
    kid = by_sku(catalogue)["301-28-red"]
    assert (kid["gender"], kid["age_group"]) == ("unisex", "kids")
    assert "import.handle.from_name" in found
    assert not [d for d in catalogue.diagnostics if d.severity == "error"]


def test_list_cells_keep_escaped_commas() -> None:
    assert split_list(r"Shoes > Boots, Sale\, 30%, ") == ["Shoes > Boots", "Sale, 30%"]


def test_orphan_variation_is_skipped_with_a_warning(tmp_path) -> None:
    path = tmp_path / "wc.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["ID", "Type", "SKU", "Name", "Published", "Regular price", "Parent", "Images", "Tags", "Stock"])
        writer.writerow(["7", "variation", "V-1", "Lost - 40", "1", "999", "GONE", "https://i.example/1.jpg", "", "3"])
        writer.writerow(["8", "simple", "S-1", "Sandal", "1", "599", "", "https://i.example/2.jpg", "women", "3"])
    catalogue = load_catalogue(path, "woocommerce", defaults={"brand": "Alfa Sko"})
    assert list(catalogue.items["sku"]) == ["S-1"]
    orphan = next(d for d in catalogue.diagnostics if d.rule_id == "import.variation.orphan")
    assert orphan.severity == "warning" and "'GONE'" in orphan.message


def test_export_without_regular_price_is_unusable(tmp_path) -> None:
    path = tmp_path / "wc.csv"
    path.write_text("ID,Type,SKU,Name\n1,simple,A,A\n", encoding="utf-8")
    with pytest.raises(InputError, match="WooCommerce export without a 'Regular price' column"):
        load_catalogue(path, "woocommerce")


def test_woocommerce_export_builds_google_feeds(project, tmp_path) -> None:
    publish_source_text(project)  # the shop's own products: no translations in the sample's catalogues
    out = tmp_path / "out"
    result = invoke(project, "build", "--catalogue", str(EXPORT), "-c", "google", "-m", "no,de", "--as-of", "2026-11-22",
                    "-o", str(out))
    assert result.exit_code == 0, result.output
    de = google_items(out / "google" / "de.xml")
    assert sorted(de) == ["301-28-red", "301-29-red", "BRYGGEN-BRN-40", "VINTERLY-BLK-37", "VINTERLY-BLK-38", "VINTERLY-BLK-39"]
    assert de["VINTERLY-BLK-38"]["sale_price_effective_date"] == ["2026-11-20T00:00+01:00/2026-12-31T23:59+01:00"]
    assert de["VINTERLY-BLK-38"]["brand"] == ["Alfa Sko"]
