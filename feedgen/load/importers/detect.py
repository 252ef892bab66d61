"""Which kind of file is this? Decided from the header row alone, before any row is read."""

from __future__ import annotations

from typing import Iterable

from feedgen.load.catalogue_columns import REQUIRED_COLUMNS


def header_key(name: object) -> str:
    """Column names compared without case, BOM or repeated spaces ('Option1 name' == 'Option1 Name')."""
    return " ".join(str(name).replace("\ufeff", "").casefold().split())


def detect_format(columns: Iterable[object], has_column_mapping: bool = False) -> str:
    """'mapped' when a column mapping is given, else 'native', 'shopify' or 'woocommerce'; unknown
    headers fall back to native, whose loader then names the first missing column."""
    keys = {header_key(c) for c in columns}
    if has_column_mapping:  # a mapping file with [columns] says what the file is
        return "mapped"
    if set(REQUIRED_COLUMNS) <= keys:
        return "native"
    # Shopify's product CSV, old and current header names (help.shopify.com, "Using CSV files to
    # import and export products"): Handle/URL handle + Title + a variant price column.
    if ("handle" in keys or "url handle" in keys) and "title" in keys and (
        "variant price" in keys or "body (html)" in keys or ("price" in keys and "option1 name" in keys)
    ):
        return "shopify"
    # WooCommerce's product CSV exporter (WC_Product_CSV_Exporter default columns).
    if {"type", "sku", "name"} <= keys and ("regular price" in keys or "parent" in keys or "attribute 1 name" in keys):
        return "woocommerce"
    return "native"
