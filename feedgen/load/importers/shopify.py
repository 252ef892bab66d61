"""Shopify's product CSV export -> the native catalogue frame.

Column names follow Shopify's "Using CSV files to import and export products"
(help.shopify.com/en/manual/products/import-export/using-csv). Shopify renamed them in 2025
("Handle" -> "URL handle", "Variant SKU" -> "SKU", "Variant Grams" -> "Weight value (grams)" …);
both sets are read. The file is grouped by handle: the first row of a handle carries the product
fields, later rows leave them blank (variants inherit them), and rows with only an image add
images to the product.
"""

from __future__ import annotations

from decimal import InvalidOperation
from pathlib import Path

import pandas as pd

from feedgen.load.categories import google_taxonomy
from feedgen.columns import map_distinct
from feedgen.load.numbers import parse_decimal
from feedgen.errors import InputError
from feedgen.load.importers.common import (
    AGE_VALUES, ImportLog, eu_size, inherit, normalise_gender, option_kind, plain_text_column, resolve_gender_age,
    slugify,
)
from feedgen.load.importers.detect import header_key
from feedgen.load.importers.settings import ImportSettings

# our key -> Shopify's header names (legacy first, then the 2025 names)
COLUMNS: dict[str, tuple[str, ...]] = {
    "handle": ("Handle", "URL handle"),
    "title": ("Title",),
    "body": ("Body (HTML)", "Description"),
    "vendor": ("Vendor",),
    "product_category": ("Product Category",),
    "type": ("Type",),
    "tags": ("Tags",),
    "published": ("Published", "Published on online store"),
    "status": ("Status",),
    "option1_name": ("Option1 Name",), "option1_value": ("Option1 Value",),
    "option2_name": ("Option2 Name",), "option2_value": ("Option2 Value",),
    "option3_name": ("Option3 Name",), "option3_value": ("Option3 Value",),
    "sku": ("Variant SKU", "SKU"),
    "grams": ("Variant Grams", "Weight value (grams)"),
    "tracker": ("Variant Inventory Tracker", "Inventory tracker"),
    "qty": ("Variant Inventory Qty", "Inventory quantity"),
    "policy": ("Variant Inventory Policy", "Continue selling when out of stock"),
    "price": ("Variant Price", "Price"),
    "compare_at": ("Variant Compare At Price", "Compare-at price"),
    "barcode": ("Variant Barcode", "Barcode"),
    "image_src": ("Image Src", "Product image URL"),
    "image_position": ("Image Position",),
    "variant_image": ("Variant Image", "Variant image URL"),
    "gift_card": ("Gift Card",),
    "seo_description": ("SEO Description",),
    "google_category": ("Google Shopping / Google Product Category",),
    "google_gender": ("Google Shopping / Gender",),
    "google_age_group": ("Google Shopping / Age Group",),
    "google_mpn": ("Google Shopping / MPN", "Google Shopping / Manufacturer part number (MPN)"),
}
REQUIRED = ("handle", "title", "price")
# Product fields: blank on variant rows, inherited from the handle's product row.
PRODUCT_FIELDS = (
    "title", "body", "vendor", "product_category", "type", "tags", "published", "status", "gift_card",
    "seo_description", "google_category", "google_gender", "google_age_group",
    "option1_name", "option2_name", "option3_name",
)
TRUE = frozenset({"true", "yes", "1", "continue"})


def _columns(path: Path, raw: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """Our keys as columns (blank where the export lacks one) and the set of keys the export has."""
    by_key = {header_key(c): c for c in raw.columns}
    frame = pd.DataFrame(index=raw.index)
    present: set[str] = set()
    for key, names in COLUMNS.items():
        source = next((by_key[header_key(n)] for n in names if header_key(n) in by_key), None)
        if source is not None:
            present.add(key)
            frame[key] = raw[source].astype(str).str.strip()
        else:
            frame[key] = ""
    for key in REQUIRED:
        if key not in present:
            spellings = " / ".join(repr(n) for n in COLUMNS[key])
            raise InputError(path, f"Shopify export without a {spellings} column", row=1)
    frame["source_row"] = range(2, len(raw) + 2)
    return frame, present


def _images(frame: pd.DataFrame) -> pd.Series:
    """handle -> product image URLs in Image Position order, each once."""
    rows = frame.loc[frame["image_src"].ne(""), ["handle", "image_position", "image_src", "source_row"]].copy()
    rows["order"] = pd.to_numeric(rows["image_position"], errors="coerce").fillna(float("inf"))
    rows = rows.sort_values(["order", "source_row"], kind="stable").drop_duplicates(["handle", "image_src"])
    return rows.groupby("handle", sort=False)["image_src"].agg(list)


def _prices(frame: pd.DataFrame) -> None:
    """Compare-at above the price means the variant is on sale: compare-at is the regular price."""
    def number(text: str):
        try:
            return parse_decimal(text)
        except (ValueError, InvalidOperation):
            return None

    price = frame["price"].map(number)
    compare = frame["compare_at"].map(number)
    on_sale = pd.Series([p is not None and c is not None and c > p for p, c in zip(price, compare, strict=True)],
                        index=frame.index, dtype=bool)
    frame["sale_price"] = frame["price"].where(on_sale, "")
    frame.loc[on_sale, "price"] = frame.loc[on_sale, "compare_at"]


def _stock(frame: pd.DataFrame, present: set[str], log: ImportLog) -> None:
    """Inventory quantity; variants Shopify sells regardless of stock count as in stock."""
    qty = pd.to_numeric(frame["qty"], errors="coerce")
    qty = qty.where(qty.abs() < 1e15)  # 1e400 is inf: no quantity (the catalogue reports it), never int(inf)
    untracked = frame["tracker"].eq("") if "tracker" in present else pd.Series("qty" not in present, index=frame.index)
    sells_anyway = untracked | frame["policy"].str.casefold().isin(TRUE)
    stock = qty.clip(lower=0)
    assumed = sells_anyway & ~(stock > 0)
    stock[assumed] = 1
    frame["stock"] = stock.map(lambda n: "" if pd.isna(n) else str(int(n)))
    if assumed.any():
        log.add("stock.untracked", "info", f"{int(assumed.sum())} variant(s) are sold whatever their inventory "
                "(not tracked, or 'continue selling'): listed as in stock", field_name="stock")


def _drop_handleless(frame: pd.DataFrame, log: ImportLog) -> pd.DataFrame:
    no_handle = frame["handle"].eq("")
    if no_handle.any():
        rows = ", ".join(map(str, frame.loc[no_handle, "source_row"].head(5)))
        log.add("handle.missing", "warning",
                f"{int(no_handle.sum())} row(s) without a handle were skipped (rows {rows}…)")
        frame = frame.loc[~no_handle]
    return frame


def _sellable(items: pd.DataFrame, log: ImportLog) -> pd.DataFrame:
    """What a feed must not carry: drafts, archived or unpublished products, gift cards."""
    status = items["status"].str.casefold()
    skipped = (
        (status.ne("") & status.ne("active"), "status is {value!r}, not active"),
        (items["published"].str.casefold().eq("false"), "not published on the online store"),
        (items["gift_card"].str.casefold().eq("true"), "a gift card"),
    )
    keep = pd.Series(True, index=items.index)
    for mask, reason in skipped:
        mask = mask & keep
        for sku, handle, value in items.loc[mask, ["sku", "handle", "status"]].itertuples(index=False):
            log.add("product.skipped", "info", f"skipped {handle!r}: " + reason.format(value=value), sku=sku)
        keep &= ~mask
    return items.loc[keep]


OPTION_COLUMNS = (("size", "size"), ("color", "color"), ("material", "material"), ("gender", "option_gender"))


def _options(items: pd.DataFrame, log: ImportLog) -> None:
    """Options -> size / color / material / gender, by the option's name in any language."""
    for column in ("size", "color", "material", "option_gender"):
        items[column] = ""
    unused: dict[str, set[str]] = {}
    for n in (1, 2, 3):
        names, values = items[f"option{n}_name"], items[f"option{n}_value"]
        kinds = names.map({name: option_kind(name) for name in names.unique()})
        for kind, column in OPTION_COLUMNS:
            chosen = kinds.eq(kind) & values.ne("")
            items.loc[chosen, column] = values[chosen]
        other = names.ne("") & kinds.eq("") & ~names.str.casefold().eq("title")
        for handle, name in items.loc[other, ["handle", f"option{n}_name"]].drop_duplicates().itertuples(index=False):
            unused.setdefault(handle, set()).add(name)
    items["size"] = items["size"].map(eu_size)
    for handle, unused_names in sorted(unused.items()):
        log.add("option.unused", "info",
                f"product {handle!r}: option(s) {', '.join(sorted(unused_names))} are not size, colour or material")


def _skus(items: pd.DataFrame, log: ImportLog) -> None:
    """A variant without a SKU gets handle + option values, so its feed id stays stable."""
    blank = items["sku"].eq("")
    options = items[["option1_value", "option2_value", "option3_value"]].agg(" ".join, axis=1)
    items.loc[blank, "sku"] = (items.loc[blank, "handle"] + "-" + options[blank].map(slugify)).str.strip("-")
    log.per_sku("sku.generated", "warning", items.loc[blank, "sku"],
                "variant has no SKU in Shopify: id made from handle and options; set a SKU so it never changes", "sku")


def _identifiers(items: pd.DataFrame, log: ImportLog) -> None:
    items["weight_g"] = items["grams"].where(~items["grams"].isin(["0", "0.0"]), "")
    items["gtin"] = items["barcode"].str.lstrip("'").str.replace(" ", "", regex=False)
    no_barcode = items["gtin"].eq("")
    if no_barcode.any():
        log.add("gtin.missing", "info", f"{int(no_barcode.sum())} variant(s) have no barcode: sent without gtin "
                "(Google: identifier_exists = no unless there is an MPN)", field_name="gtin")
    items["mpn"] = items["google_mpn"]


def _variant_images(items: pd.DataFrame, images: pd.Series) -> None:
    """A variant's own image first; other variants' own images (another colour) are not this variant's."""
    product_images = items["handle"].map(images).map(lambda urls: urls if isinstance(urls, list) else [])
    items["image_link"] = [v or (urls[0] if urls else "")
                           for v, urls in zip(items["variant_image"], product_images, strict=True)]
    variant_images = items.loc[items["variant_image"].ne("")].groupby("handle")["variant_image"].agg(set)
    others = items["handle"].map(variant_images).map(lambda found: found if isinstance(found, set) else set())
    items["additional_image_links"] = [
        "|".join(u for u in urls if u != main and u not in other)
        for main, urls, other in zip(items["image_link"], product_images, others, strict=True)
    ]


def _descriptions(items: pd.DataFrame, log: ImportLog) -> None:
    items["description"] = plain_text_column(items["body"])
    from_seo = items["description"].eq("") & items["seo_description"].ne("")
    items.loc[from_seo, "description"] = plain_text_column(items.loc[from_seo, "seo_description"])
    log.per_sku("description.from_seo", "info", items.loc[from_seo, "sku"],
                "empty Body (HTML): the SEO description is used", "description")


def _categories(items: pd.DataFrame, log: ImportLog) -> None:
    items["brand"] = items["vendor"]
    items["product_type"] = items["type"].where(items["type"].ne(""), items["product_category"])
    items["google_product_category"] = items["google_category"]
    # Shopify's Product Category uses the names of Google's taxonomy (Shopify Standard Product Taxonomy):
    # where it is a Google path, it is the item's Google category (the deepest level both share).
    taxonomy = google_taxonomy()
    from_shop = items["google_product_category"].eq("") & items["product_category"].ne("")
    category = map_distinct(items.loc[from_shop, "product_category"], taxonomy.prefix_id)
    items.loc[category.index[category.ne("")], "google_product_category"] = category[category.ne("")]
    if category.ne("").any():
        log.add("google_product_category.from_product_category", "info", f"{int(category.ne('').sum())} variant(s) "
                "without a Google Shopping / Google Product Category take the Google category their Product Category "
                "names", field_name="google_product_category")
    items["style_id"] = items["handle"]


def _audience(items: pd.DataFrame, log: ImportLog) -> None:
    """Gender and age group from Google's fields, a gender option, then hints in the product's words."""
    items["gender"] = items["google_gender"].map(normalise_gender)
    from_option = items["gender"].eq("") & items["option_gender"].ne("")
    items.loc[from_option, "gender"] = items.loc[from_option, "option_gender"].map(normalise_gender)
    age = items["google_age_group"].str.casefold()
    items["age_group"] = age.where(age.isin(AGE_VALUES), "")
    hints = items["type"] + " " + items["product_category"] + " " + items["tags"] + " " + items["title"]
    resolve_gender_age(items, hints, log)


def _missing_colours(items: pd.DataFrame, log: ImportLog) -> None:
    no_colour: list[str] = [] if "color" in log.defaults else list(items.loc[items["color"].eq(""), "handle"].unique())
    for handle in no_colour:
        log.add("color.missing", "warning", f"product {handle!r} has no colour option (Color, Colour, Farge …)"
                + log.default_hint("color", "Black"), field_name="color")


def import_shopify(path: Path, raw: pd.DataFrame, settings: ImportSettings, log: ImportLog) -> pd.DataFrame:
    """Shopify's product export (one row per variant, product fields on the first row) -> catalogue rows."""
    frame, present = _columns(path, raw)
    frame = _drop_handleless(frame, log)
    for key in PRODUCT_FIELDS:
        frame[key] = inherit(frame[key], frame["handle"])
    images = _images(frame)
    is_variant = frame["sku"].ne("") | frame["price"].ne("") | frame["option1_value"].ne("")
    items = _sellable(frame.loc[is_variant].copy(), log)
    _options(items, log)
    _skus(items, log)
    _prices(items)
    _stock(items, present, log)
    _identifiers(items, log)
    _variant_images(items, images)
    _descriptions(items, log)
    _categories(items, log)
    _audience(items, log)
    _missing_colours(items, log)
    return items
