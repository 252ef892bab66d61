"""WooCommerce's product CSV export -> the native catalogue frame.

Columns are those of WooCommerce's exporter (WC_Product_CSV_Exporter::get_default_column_names,
documented in "Product CSV Importer and Exporter", woocommerce.com/document/product-csv-importer-exporter/,
and the wiki's "Product CSV Import Schema"): a "variable" parent row, then its "variation" rows
whose Parent names the parent by SKU or `id:<ID>`; "simple" products are one row each. List
cells (Images, Categories, Tags, attribute values) are comma-separated with `\\,` for a literal
comma; descriptions carry new lines as a literal `\\n`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from feedgen.errors import InputError
from feedgen.columns import map_distinct
from feedgen.load.importers.common import (
    ImportLog, eu_size, normalise_gender, option_kind, plain_text, resolve_gender_age, slugify, wordpress_slug,
)
from feedgen.load.importers.detect import header_key
from feedgen.load.importers.settings import ImportSettings

COLUMNS: dict[str, str] = {
    "id": "ID", "type": "Type", "sku": "SKU", "gtin": "GTIN, UPC, EAN, or ISBN", "name": "Name",
    "published": "Published", "short_description": "Short description", "description": "Description",
    "sale_from": "Date sale price starts", "sale_to": "Date sale price ends", "in_stock": "In stock?",
    "stock": "Stock", "sale_price": "Sale price", "regular_price": "Regular price", "categories": "Categories",
    "tags": "Tags", "images": "Images", "parent": "Parent", "brands": "Brands",
}
REQUIRED = ("type", "name", "regular_price")
WEIGHT_UNITS = {"kg": 1000.0, "g": 1.0, "lbs": 453.59237, "oz": 28.349523125}  # WooCommerce's weight units
_LIST_SPLIT = re.compile(r"(?<!\\),\s*")
_ATTRIBUTE = re.compile(r"^attribute (\d+) (name|value\(s\))$")
_WEIGHT = re.compile(r"^weight \((kg|g|lbs|oz)\)$")
# Inherited from the variable parent when a variation leaves them blank.
INHERITED = ("description", "short_description", "categories", "tags", "images", "brands", "weight", "published")


def split_list(cell: str) -> list[str]:
    return [part.replace("\\,", ",").strip() for part in _LIST_SPLIT.split(cell) if part.strip()]


def _unescape_newlines(text: str) -> str:
    return re.sub(r"\\\\n|\\n", lambda m: "\\n" if m[0] == "\\\\n" else "\n", text)


def _columns(path: Path, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    by_key = {header_key(c): c for c in raw.columns}
    frame = pd.DataFrame(index=raw.index)
    for key, name in COLUMNS.items():
        frame[key] = raw[by_key[header_key(name)]].astype(str).str.strip() if header_key(name) in by_key else ""
    for key in REQUIRED:
        if header_key(COLUMNS[key]) not in by_key:
            raise InputError(path, f"WooCommerce export without a {COLUMNS[key]!r} column", row=1)
    frame["weight"] = ""
    for key, column in by_key.items():
        unit = _WEIGHT.match(key)
        if unit:
            grams = pd.to_numeric(raw[column].astype(str).str.replace(",", ".", regex=False), errors="coerce")
            grams = grams.where(grams.abs() < 1e12)  # inf or absurd: no weight, never int(inf)
            frame["weight"] = (grams * WEIGHT_UNITS[unit[1]]).round().map(lambda g: "" if pd.isna(g) or g <= 0 else str(int(g)))
    attributes = []
    for key, column in by_key.items():
        match = _ATTRIBUTE.match(key)
        if match and match[2] == "name" and f"attribute {match[1]} value(s)" in by_key:
            n = match[1]
            frame[f"attr{n}_name"] = raw[column].astype(str).str.strip()
            frame[f"attr{n}_value"] = raw[by_key[f"attribute {n} value(s)"]].astype(str).str.strip()
            attributes.append((f"attr{n}_name", f"attr{n}_value"))
    frame["source_row"] = range(2, len(raw) + 2)
    frame["kind"] = frame["type"].str.split(",").str[0].str.strip().str.casefold()
    frame["key"] = frame["sku"].where(frame["sku"].ne(""), "id:" + frame["id"])
    return frame, attributes


def _attribute_values(rows: pd.DataFrame, attributes: list[tuple[str, str]]) -> pd.DataFrame:
    """size / color / material / gender from attribute columns; only single values count."""
    found = pd.DataFrame("", index=rows.index, columns=["size", "color", "material", "gender"])
    for name_column, value_column in attributes:
        kinds = rows[name_column].map(option_kind)
        values = rows[value_column].map(split_list)
        single = values.map(len).eq(1)
        for kind in found.columns:
            chosen = kinds.eq(kind) & single & found[kind].eq("")
            found.loc[chosen, kind] = values[chosen].str[0]
    return found


def import_woocommerce(path: Path, raw: pd.DataFrame, settings: ImportSettings, log: ImportLog) -> pd.DataFrame:
    frame, attributes = _columns(path, raw)
    other = ~frame["kind"].isin(["simple", "variable", "variation"])
    for kind, name in frame.loc[other, ["kind", "name"]].itertuples(index=False):
        log.add("product.skipped", "info", f"skipped {name!r}: {kind or 'no'} product type is not a physical item with variants")
    parents = frame.loc[frame["kind"].eq("variable")]
    parent_rows = pd.concat([parents.set_index("key"), parents.assign(key="id:" + parents["id"]).set_index("key")])
    parent_rows = parent_rows[~parent_rows.index.duplicated()]

    variations = frame.loc[frame["kind"].eq("variation")].copy()
    orphan = ~variations["parent"].isin(parent_rows.index)
    for row, parent in variations.loc[orphan, ["source_row", "parent"]].itertuples(index=False):
        log.add("variation.orphan", "warning", f"variation on row {row}: parent {parent!r} is not in the export; skipped")
    variations = variations.loc[~orphan]
    parent = parent_rows.loc[variations["parent"]].set_axis(variations.index)
    for column in INHERITED:
        variations[column] = variations[column].where(variations[column].ne(""), parent[column])
    variations["title"] = parent["name"]
    variations["style_id"] = variations["parent"].str.removeprefix("id:")
    variations["stock"] = variations["stock"].where(variations["stock"].str.casefold().ne("parent"), parent["stock"])
    own = _attribute_values(variations, attributes)
    inherited = _attribute_values(parent, attributes)
    variations[own.columns] = own.where(own.ne(""), inherited)

    simple = frame.loc[frame["kind"].eq("simple")].copy()
    simple["title"] = simple["name"]
    simple["style_id"] = simple["key"].str.removeprefix("id:")
    simple[["size", "color", "material", "gender"]] = _attribute_values(simple, attributes)
    items = pd.concat([simple, variations]).sort_values("source_row", kind="stable")

    blank = items["sku"].eq("")
    options = items[["size", "color"]].agg(" ".join, axis=1).map(slugify)
    items.loc[blank, "sku"] = (items.loc[blank, "style_id"] + "-" + options[blank]).str.strip("-")
    log.per_sku("sku.generated", "warning", items.loc[blank, "sku"],
                "no SKU in WooCommerce: id made from the parent and attributes; set a SKU so it never changes", "sku")
    unpublished = items["published"].ne("") & items["published"].ne("1")
    log.per_sku("product.skipped", "info", items.loc[unpublished, "sku"], "skipped: not published (draft or private)")
    items = items.loc[~unpublished].copy()

    # stock: a number when WooCommerce manages it, else only the In stock? flag
    managed = pd.to_numeric(items["stock"], errors="coerce")
    managed = managed.where(managed.abs() < 1e15)  # 1e400 is inf: no quantity (the catalogue reports it), never int(inf)
    flag = items["in_stock"].str.casefold()
    unmanaged_in_stock = managed.isna() & flag.isin(["1", "backorder"])
    stock = managed.clip(lower=0).where(~flag.eq("0"), 0)
    stock[unmanaged_in_stock] = 1
    items["stock"] = stock.map(lambda n: "" if pd.isna(n) else str(int(n)))
    if unmanaged_in_stock.any():
        log.add("stock.untracked", "info", f"{int(unmanaged_in_stock.sum())} item(s) have no managed stock but are "
                "marked in stock (or on backorder): listed as in stock", field_name="stock")

    items["description"] = map_distinct(items["description"], lambda text: plain_text(_unescape_newlines(text)))
    short = items["description"].eq("") & items["short_description"].ne("")
    items.loc[short, "description"] = map_distinct(items.loc[short, "short_description"],
                                                   lambda text: plain_text(_unescape_newlines(text)))
    images = items["images"].map(split_list)
    items["image_link"] = images.map(lambda urls: urls[0] if urls else "")
    items["additional_image_links"] = images.map(lambda urls: "|".join(urls[1:]))
    categories = items["categories"].map(split_list)
    deepest = categories.map(lambda paths: max(paths, key=lambda p: p.count(">"), default=""))
    items["product_type"] = deepest.map(lambda p: " > ".join(part.strip() for part in p.split(">")))
    items["brand"] = items["brands"].map(lambda cell: (split_list(cell) or [""])[0])
    items["price"] = items["regular_price"]
    for column, source in (("sale_start", "sale_from"), ("sale_end", "sale_to")):
        items[column] = items[source].str.extract(r"^(\d{4}-\d{2}-\d{2})", expand=False).fillna("")
    items["weight_g"] = items["weight"]
    items["size"] = items["size"].map(eu_size)
    items["gender"] = items["gender"].map(normalise_gender)
    items["age_group"] = ""
    items["handle"] = items["title"].map(wordpress_slug)
    items["gtin"] = items["gtin"].str.replace(" ", "", regex=False)
    if len(items):
        log.add("handle.from_name", "info", "WooCommerce exports carry no product slug: links use the product name "
                "slugified as WordPress does by default; check a storefront link", field_name="handle")
    hints = items["categories"] + " " + items["tags"] + " " + items["title"]
    resolve_gender_age(items, hints, log)
    return items
