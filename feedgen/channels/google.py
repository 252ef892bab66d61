"""Google Merchant Center: one RSS 2.0 feed per market (GMC 7052112, 160589).

Attribute names, limits and enums follow the product data specification; see SPECS.md Part A §1.
The feed is streamed element by element with lxml's xmlfile, so memory does not grow with it.
"""

from __future__ import annotations

import copy
from typing import ClassVar

import pandas as pd
from lxml import etree

from feedgen.channels.base import Artifact, RuleCheck
from feedgen.diagnostics import Diagnostic
from feedgen.pricing import format_amount
from feedgen.text import shorten

G = "http://base.google.com/ns/1.0"
# Google requires colour, size, gender and age group for apparel only when targeting these
# countries (GMC 6324487, 6324492, 6324479, 6324463); elsewhere a missing one limits the item.
APPAREL_STRICT_COUNTRIES = frozenset({"BR", "FR", "DE", "JP", "GB", "US"})
MAX_ADDITIONAL_IMAGES = 10


class GoogleChannel:
    name: ClassVar[str] = "google"
    required_fields: ClassVar[tuple[str, ...]] = ("price", "title", "description", "image_link", "brand", "gtin", "style_id")

    def prepare(self, market_offers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]:
        market = market_offers.market
        items = market_offers.offers.loc[~blocked].copy()
        check = RuleCheck(items, self.name, market.id)
        check.missing("price", "google.price.missing")
        check.too_long("sku", 50, "google.id.too_long")
        check.too_long("style_id", 50, "google.item_group_id.too_long")
        check.too_long("brand", 70, "google.brand.too_long")
        check.too_long("mpn", 70, "google.mpn.too_long")
        check.too_long("link", 2000, "google.link.too_long")
        check.too_long("image_link", 2000, "google.image_link.too_long")
        check.flag(~items["link"].str.startswith("https://"), "google.link.not_https", "warning", "link",
                   "link should use https")
        check.flag(items["image_link"].ne("") & ~items["image_link"].str.startswith("https://"),
                   "google.image_link.not_https", "warning", "image_link", "image_link should use https")
        no_identifier = items["gtin"].eq("") & items["mpn"].eq("")
        check.flag(no_identifier, "google.identifier.missing", "warning", "gtin",
                   "no gtin and no mpn: sent with identifier_exists = no, which limits the item")
        strict = market.country in APPAREL_STRICT_COUNTRIES
        for field in ("color", "size", "gender", "age_group"):
            check.missing(field, f"google.{field}.missing", "error" if strict else "warning")
        colours = items["color"].str.split("/")
        check.flag(colours.map(len) > 3, "google.color.too_many", "error", "color", "at most 3 colours separated by /")
        check.flag(colours.map(lambda parts: any(len(p) > 40 for p in parts)), "google.color.too_long", "error",
                   "color", "each colour is at most 40 characters")
        check.too_long("size", 100, "google.size.too_long")
        check.too_long("material", 200, "google.material.too_long")
        check.too_long("product_type", 750, "google.product_type.too_long")

        for field, limit in (("title", 150), ("description", 5000)):
            long = items[field].str.len() > limit
            check.flag(long, f"google.{field}.shortened", "warning", field,
                       f"{field} was longer than {limit} characters and was shortened at a word boundary")
            items.loc[long, field] = items.loc[long, field].map(lambda text, n=limit: shorten(text, n))
        images = items["additional_image_links"].str.split("|")
        check.flag(images.map(len) > MAX_ADDITIONAL_IMAGES, "google.additional_image_link.too_many", "warning",
                   "additional_image_links", f"only the first {MAX_ADDITIONAL_IMAGES} additional images are sent")
        return check.accepted(), check.diagnostics

    def write(self, items: pd.DataFrame, market_offers, stage) -> list[Artifact]:
        market = market_offers.market
        relative = f"google/{market.id.lower()}.xml"
        head, tail = _document_shell(market, stage.brand)
        columns = _attribute_columns(items, market)
        with stage.open(relative) as handle:
            handle.write(head)
            write_items(handle, _item_template(columns), [values for _, values in columns], len(items))
            handle.write(tail)
        return [Artifact(self.name, market.id, relative, len(items))]

    def finish(self, stage) -> list[Artifact]:
        return []


# ----------------------------------------------------------------------------- writing
def _document_shell(market, brand: str) -> tuple[bytes, bytes]:
    """The RSS envelope, serialised by lxml, split where the items go."""
    rss = etree.Element("rss", {"version": "2.0"}, nsmap={"g": G})
    rss.text = "\n"
    channel = etree.SubElement(rss, "channel")
    channel.text = "\n  "
    channel.tail = "\n"
    for tag, text in (
        ("title", f"{brand} – {market.name}"),
        ("link", market.home_url),
        ("description", f"{brand} products for {market.name} ({market.currency}, {market.locale})"),
    ):
        etree.SubElement(channel, tag).text = text
        channel[-1].tail = "\n  "
    channel.append(etree.Comment(_ITEMS_MARK))
    data = etree.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"
    head, tail = data.split(f"<!--{_ITEMS_MARK}-->".encode())
    return head, tail


_ITEMS_MARK = "items"


def _money(values: pd.Series, currency: str) -> pd.Series:
    """Decimal column -> `1299.00 NOK` strings, formatting each distinct amount once."""
    distinct = {value: format_amount(value, currency) for value in values.dropna().unique()}
    return values.map(lambda value: distinct.get(value, "") if value is not None else "")


def _attribute_columns(items: pd.DataFrame, market) -> list[tuple[str, list[str]]]:
    """Every Google attribute in feed order as a column of strings; '' leaves the attribute out.

    Shipping sub-attributes are named `shipping/<name>`. Preparing whole columns first keeps the
    per-item loop down to copying a template and filling in text.
    """
    def text(column: str) -> list[str]:
        return items[column].fillna("").astype(str).tolist()

    images = items["additional_image_links"].str.split("|", n=MAX_ADDITIONAL_IMAGES, expand=False)
    image_columns = [
        ("additional_image_link", images.map(lambda urls, n=n: urls[n] if len(urls) > n else "").tolist())
        for n in range(MAX_ADDITIONAL_IMAGES)
    ]
    no_identifier = items["gtin"].eq("") & items["mpn"].eq("")
    weight = items["weight_g"].map(lambda grams: f"{int(grams)} g" if grams == grams and grams else "")
    shipping = market.shipping
    rows = len(items)
    return [
        ("id", text("sku")),
        ("item_group_id", text("style_id")),
        ("title", text("title")),
        ("description", text("description")),
        ("link", text("link")),
        ("image_link", text("image_link")),
        *image_columns,
        ("availability", text("availability")),
        ("price", _money(items["price"], market.currency).tolist()),
        ("sale_price", _money(items["sale_price"], market.currency).tolist()),
        ("sale_price_effective_date", items["sale_effective_date"].where(items["sale_price"].notna(), "").tolist()),
        ("brand", text("brand")),
        ("gtin", text("gtin")),
        ("mpn", text("mpn")),
        ("identifier_exists", no_identifier.map({True: "no", False: ""}).tolist()),
        ("condition", text("condition")),
        ("google_product_category", text("google_product_category")),
        ("product_type", text("product_type")),
        ("color", text("color")),
        ("size", text("size")),
        ("size_system", text("size_system")),
        ("gender", text("gender")),
        ("age_group", text("age_group")),
        ("material", text("material")),
        ("shipping/country", [market.country] * rows),
        ("shipping/service", [shipping.service] * rows),
        ("shipping/price", _money(items["shipping_price"], market.currency).tolist()),
        ("shipping/min_handling_time", [str(shipping.handling_days[0])] * rows),
        ("shipping/max_handling_time", [str(shipping.handling_days[1])] * rows),
        ("shipping/min_transit_time", [str(shipping.transit_days[0])] * rows),
        ("shipping/max_transit_time", [str(shipping.transit_days[1])] * rows),
        ("shipping_weight", weight.tolist()),
        ("return_policy_label", text("return_policy_label")),
    ]


def _item_template(columns: list[tuple[str, list[str]]]) -> etree._Element:
    """An <item> with one empty child per attribute (nested for `parent/child`), indented."""
    item = etree.Element("item")
    item.text = "\n    "
    parents: dict[str, etree._Element] = {}
    for name, _ in columns:
        parent_name, _, child_name = name.rpartition("/")
        if parent_name:
            if parent_name not in parents:
                parents[parent_name] = etree.SubElement(item, f"{{{G}}}{parent_name}")
                parents[parent_name].text = "\n      "
                parents[parent_name].tail = "\n    "
            element = etree.SubElement(parents[parent_name], f"{{{G}}}{child_name}")
            element.tail = "\n      "
        else:
            etree.SubElement(item, f"{{{G}}}{child_name}").tail = "\n    "
    for parent in parents.values():
        parent[-1].tail = "\n    "
    item[-1].tail = "\n  "
    item.tail = "\n  "
    return item


def write_items(handle, template: etree._Element, columns: list[list[str]], count: int, chunk: int = 1000) -> None:
    """Stream items: copy the template, fill in each attribute's text, drop the empty ones.

    lxml escapes and serialises every chunk; the chunk's wrapper element (which carries the
    namespace declaration) is cut off, so the g: prefix is declared once, on the root.
    """
    wrapper = etree.Element("channel", nsmap={"g": G})
    opening = len(etree.tostring(wrapper, encoding="utf-8").replace(b"/>", b">"))
    closing = len(b"</channel>")
    for start in range(0, count, chunk):
        wrapper = etree.Element("channel", nsmap={"g": G})
        for row in range(start, min(count, start + chunk)):
            item = copy.deepcopy(template)
            for leaf, column in zip([e for e in item.iter() if e is not item and len(e) == 0], columns):
                value = column[row]
                if value:
                    leaf.text = value
                else:
                    leaf.getparent().remove(leaf)
            wrapper.append(item)
        handle.write(etree.tostring(wrapper, encoding="utf-8")[opening:-closing])
