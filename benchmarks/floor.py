"""The hand-written floor: the same Google items written with plain Python and no framework.

It does what a careful hand-rolled writer must (escape &, <, > in every value; one namespace
declaration) and nothing more. feedgen's lxml writer is measured as a ratio of this floor.
"""

from __future__ import annotations

from typing import BinaryIO

import pandas as pd

from feedgen.load.pricing import format_amount

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _money(values: pd.Series, currency: str) -> list[str]:
    distinct = {value: format_amount(value, currency) for value in values.dropna().unique()}
    return [distinct.get(value, "") if value is not None else "" for value in values]


def write_floor(handle: BinaryIO, items: pd.DataFrame, market) -> None:
    currency = market.currency
    shipping = market.shipping
    ship_fixed = (
        f"<g:country>{market.country}</g:country><g:service>{shipping.service.translate(_ESCAPES)}</g:service>"
    )
    ship_times = (
        f"<g:min_handling_time>{shipping.handling_days[0]}</g:min_handling_time>"
        f"<g:max_handling_time>{shipping.handling_days[1]}</g:max_handling_time>"
        f"<g:min_transit_time>{shipping.transit_days[0]}</g:min_transit_time>"
        f"<g:max_transit_time>{shipping.transit_days[1]}</g:max_transit_time>"
    )
    columns = {name: items[name].fillna("").astype(str).tolist() for name in (
        "sku", "style_id", "title", "description", "link", "image_link", "additional_image_links", "availability",
        "brand", "gtin", "mpn", "condition", "google_product_category", "product_type", "color", "size",
        "size_system", "gender", "age_group", "material", "return_policy_label", "sale_effective_date")}
    prices = _money(items["price"], currency)
    sales = _money(items["sale_price"], currency)
    shipping_prices = _money(items["shipping_price"], currency)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss xmlns:g="http://base.google.com/ns/1.0" version="2.0">\n'
        f"<channel>\n<title>{market.name}</title>\n"
    ]
    plain = ("sku", "style_id", "title", "description", "link", "image_link", "availability", "brand", "gtin", "mpn",
             "condition", "google_product_category", "product_type", "color", "size", "size_system", "gender",
             "age_group", "material", "return_policy_label")
    tags = ("id", "item_group_id", "title", "description", "link", "image_link", "availability", "brand", "gtin",
            "mpn", "condition", "google_product_category", "product_type", "color", "size", "size_system", "gender",
            "age_group", "material", "return_policy_label")
    for row in range(len(items)):
        parts = ["<item>"]
        for column, tag in zip(plain, tags):
            value = columns[column][row]
            if value:
                parts.append(f"<g:{tag}>{value.translate(_ESCAPES)}</g:{tag}>")
        for url in columns["additional_image_links"][row].split("|")[:10]:
            if url:
                parts.append(f"<g:additional_image_link>{url.translate(_ESCAPES)}</g:additional_image_link>")
        parts.append(f"<g:price>{prices[row]}</g:price>")
        if sales[row]:
            parts.append(f"<g:sale_price>{sales[row]}</g:sale_price>"
                         f"<g:sale_price_effective_date>{columns['sale_effective_date'][row]}</g:sale_price_effective_date>")
        parts.append(f"<g:shipping>{ship_fixed}<g:price>{shipping_prices[row]}</g:price>{ship_times}</g:shipping></item>\n")
        out.append("".join(parts))
        if len(out) >= 2000:
            handle.write("".join(out).encode("utf-8"))
            out.clear()
    out.append("</channel>\n</rss>\n")
    handle.write("".join(out).encode("utf-8"))
