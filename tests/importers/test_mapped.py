"""Any CSV / XLSX through a mapping file; import settings (defaults, prices_market); format detection."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.load.catalogue import load_catalogue
from feedgen.errors import InputError
from feedgen.load.importers import detect_format
from feedgen.resolve.offers import resolve

from ..conftest import AS_OF, MINI, REPO
from ..test_cli import invoke

FIXTURES = REPO / "tests" / "fixtures"
ERP, MAPPING = FIXTURES / "mapped" / "erp_export.csv", FIXTURES / "mapped" / "mapping.toml"


def test_mapped_erp_export() -> None:
    catalogue = load_catalogue(ERP, "auto", MAPPING, defaults={"brand": "Alfa Sko"})  # [columns] -> mapped
    assert catalogue.format == "mapped" and catalogue.prices_market == "NO"
    items = catalogue.items.set_index("sku")
    boot = items.loc["VL-BLK-38"]
    assert boot["title"] == "Alfa Sko Vinterly vinterstøvler"  # columns joined
    assert boot["description"] == "Varme vinterstøvler med ullsåle."  # strip_html
    assert (boot["color"], boot["gender"], boot["age_group"]) == ("Black", "female", "adult")  # map
    assert boot["price"] == Decimal("2299")  # 1839,20 x 1.25
    assert boot["weight_g"] == 1180.0  # 1,18 kg x 1000
    assert boot["additional_image_links"] == "https://bilder.alfasko.no/vl-2.jpg|https://bilder.alfasko.no/vl-3.jpg"  # split
    assert boot["material"] == "Leather"  # [defaults]
    assert items.loc["TR-RED-28", "color"] == "Red"  # map keys ignore case: "Rød"
    assert not [d for d in catalogue.diagnostics if d.severity != "info"]


def test_xlsx_sheet_constants_and_index(tmp_path) -> None:
    frame = pd.DataFrame({"Art": ["X-1"], "Name": ["Fjord Sandal | Summer 2026"], "Pris": [899.5], "Bilder": ["https://i.example/a.jpg;https://i.example/b.jpg"]})
    path = tmp_path / "products.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"notes": ["not this sheet"]}).to_excel(writer, sheet_name="Info", index=False)
        frame.to_excel(writer, sheet_name="Products", index=False)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('''
[import]
sheet = "Products"
[columns]
sku = "Art"
style_id = "Art"
gtin = { value = "" }
title = { column = "Name", split = "|", index = 0 }
description = { column = "Name" }
color = { value = "Sand" }
size = { value = "39" }
gender = { value = "female" }
age_group = { value = "adult" }
image_link = { column = "Bilder", split = ";", index = 0 }
price = "Pris"
stock = { value = "4" }
''', encoding="utf-8")
    catalogue = load_catalogue(path, "mapped", mapping, defaults={"brand": "Alfa Sko"})
    item = catalogue.items.iloc[0]
    assert (item["title"], item["price"], item["brand"]) == ("Fjord Sandal", Decimal("899.5"), "Alfa Sko")
    assert item["image_link"] == "https://i.example/a.jpg" and item["stock"] == 4


@pytest.mark.parametrize("toml, message, row", [
    ('[columns]\nsku = "Varenr"\ncolour = "Farge"\n', "columns.colour: unknown field 'colour'", 3),
    ('[columns]\nsku = { column = "Varenr", multiply = "lots" }\n', "columns.sku.multiply: must be a number", 2),
    ('[columns]\nsku = { column = "Varenr", value = "x" }\n', "give exactly one of column, columns or value", 2),
    ('[columns]\nsku = { column = "Varenr", upper = true }\n', "unknown key 'upper'", 2),
    ('[columns]\ntitle = { column = "Navn", index = 1 }\n', "index: needs split", 2),
    ('[import]\nsheets = "x"\n', "import.sheets: unknown key", 2),
    ('[defaults]\nprice = "100"\n', "defaults.price: not a field with a default", 2),
    ('[colums]\nsku = "x"\n', "unknown table [colums]", 1),
    ('[columns\nsku = "x"\n', "invalid TOML", 1),
])
def test_bad_mapping_names_file_line_and_why(tmp_path, toml, message, row) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(toml, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_catalogue(ERP, "mapped", mapping)
    assert caught.value.path == str(mapping) and caught.value.row == row
    assert message in caught.value.message


def test_mapping_names_a_column_the_file_lacks(tmp_path) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING.read_text(encoding="utf-8").replace('stock = "Lager"', 'stock = "Lagerbeholdning"'), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_catalogue(ERP, "mapped", mapping)
    assert "columns.stock: no column 'Lagerbeholdning' in erp_export.csv" in caught.value.message
    assert caught.value.row == mapping.read_text(encoding="utf-8").splitlines().index('stock = "Lagerbeholdning"') + 1


def test_mapping_without_required_fields(tmp_path) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\nsku = "Varenr"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"\[columns\] has no style_id, gtin, title"):
        load_catalogue(ERP, "mapped", mapping)


def test_prices_market_turns_shelf_prices_into_base_prices(mini_project) -> None:
    """A US shop's export: USD without tax. The US market gets those prices back; others derive from them."""
    data = mini_project / "product_data"
    frame = pd.read_csv(MINI / "catalogue.csv", dtype=str, keep_default_na=False)
    frame["price"], frame["sale_price"] = "183.95", ""
    frame.to_csv(data / "usd.csv", index=False)
    (data / "mapping.toml").write_text('[import]\nprices_market = "us"\n', encoding="utf-8")
    sources = load_sources(BuildRequest(data_dir=data, catalogue=data / "usd.csv", as_of=AS_OF))  # DATA/mapping.toml found
    assert sources.catalogue.items.loc[0, "price"] == Decimal("2299.3750")  # 183.95 USD x 11.5/1.15 NOK x 1.25 VAT
    us = resolve(sources, sources.config.markets["US"]).offers
    no = resolve(sources, sources.config.markets["NO"]).offers
    assert set(us["price"]) == {Decimal("183.95")}
    assert set(no["price"]) == {Decimal("2299")}  # NOK whole units ending in 9


def test_prices_market_must_be_a_market(mini_project) -> None:
    data = mini_project / "product_data"
    (data / "mapping.toml").write_text('[import]\nprices_market = "XX"\n', encoding="utf-8")
    result = invoke(mini_project, "build", "-c", "google", "--as-of", "2026-11-22")
    assert result.exit_code == 2 and "import.prices_market: 'XX' is not one of the markets" in result.output


@pytest.mark.parametrize("header, expected", [
    ("sku|style_id|gtin|brand|title|description|color|size|gender|age_group|image_link|price|stock", "native"),
    ("Handle|Title|Body (HTML)|Vendor|Type|Tags|Published|Option1 Name|Option1 Value|Variant SKU|Variant Price", "shopify"),
    ("Title|URL handle|Description|Vendor|Product category|Type|SKU|Option1 name|Option1 value|Price", "shopify"),
    ("ID|Type|SKU|GTIN, UPC, EAN, or ISBN|Name|Published|Regular price|Parent", "woocommerce"),
    ("Varenr|Navn|Pris", "native"),  # unknown: the native loader names what is missing
])
def test_detect_format(header, expected) -> None:
    assert detect_format(header.split("|")) == expected
    assert detect_format(header.split("|"), has_column_mapping=True) == "mapped"


def test_unknown_export_gets_a_hint(tmp_path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Varenr,Navn,Pris\nA,B,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="for a shop export use --catalogue-format or a --mapping file"):
        load_catalogue(path)
