"""Google Merchant Center: one RSS 2.0 feed per market (GMC 7052112, 160589).

Attribute names, limits and enums follow the product data specification; see SPECS.md Part A §1.
The feed is streamed element by element with lxml's xmlfile, so memory does not grow with it.
"""

from __future__ import annotations

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
CUSTOM_LABELS = tuple(f"custom_label_{n}" for n in range(5))  # set by rules.toml (GMC 6324473)
CUSTOM_LABEL_LIMIT, CUSTOM_LABEL_VALUES = 100, 1000  # characters per value, distinct values per label


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
        for label in CUSTOM_LABELS:
            if label not in items.columns:
                items[label] = ""
            long = items[label].str.len() > CUSTOM_LABEL_LIMIT
            check.flag(long, f"google.{label}.shortened", "warning", label,
                       f"{label} was longer than {CUSTOM_LABEL_LIMIT} characters and was shortened")
            items.loc[long, label] = items.loc[long, label].map(lambda text: shorten(text, CUSTOM_LABEL_LIMIT))
            if items[label].nunique() > CUSTOM_LABEL_VALUES:
                check.diagnostics.append(Diagnostic(
                    f"google.{label}.too_many_values", "warning",
                    f"{label} has {items[label].nunique()} distinct values; Merchant Center uses at most {CUSTOM_LABEL_VALUES}",
                    market=market.id, channel=self.name, field=label))
        images = items["additional_image_links"].str.split("|")
        check.flag(images.map(len) > MAX_ADDITIONAL_IMAGES, "google.additional_image_link.too_many", "warning",
                   "additional_image_links", f"only the first {MAX_ADDITIONAL_IMAGES} additional images are sent")
        return check.accepted(), check.diagnostics

    def write(self, items: pd.DataFrame, market_offers, stage) -> list[Artifact]:
        market = market_offers.market
        relative = f"google/{market.id.lower()}.xml"
        with stage.open(relative) as handle, etree.xmlfile(handle, encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element("rss", {"version": "2.0"}, nsmap={"g": G}):
                xf.write("\n")
                with xf.element("channel"):
                    for tag, text in (
                        ("title", f"{stage.brand} – {market.name}"),
                        ("link", market.home_url),
                        ("description", f"{stage.brand} products for {market.name} ({market.currency}, {market.locale})"),
                    ):
                        xf.write("\n  ")
                        with xf.element(tag):
                            xf.write(text)
                    for item in items.itertuples(index=False):
                        xf.write("\n  ")
                        self._write_item(xf, item, market)
                    xf.write("\n")
                xf.write("\n")
        return [Artifact(self.name, market.id, relative, len(items))]

    def finish(self, stage) -> list[Artifact]:
        return []

    @staticmethod
    def _write_item(xf, item, market) -> None:
        def field(name: str, value) -> None:
            if value is None or value == "" or (isinstance(value, float) and value != value):
                return
            xf.write("\n    ")
            with xf.element(f"{{{G}}}{name}"):
                xf.write(str(value))

        with xf.element("item"):
            field("id", item.sku)
            field("item_group_id", item.style_id)
            field("title", item.title)
            field("description", item.description)
            field("link", item.link)
            field("image_link", item.image_link)
            for url in [u for u in item.additional_image_links.split("|") if u][:MAX_ADDITIONAL_IMAGES]:
                field("additional_image_link", url)
            field("availability", item.availability)
            field("price", format_amount(item.price, item.currency))
            if item.sale_price is not None:
                field("sale_price", format_amount(item.sale_price, item.currency))
                field("sale_price_effective_date", item.sale_effective_date)
            field("brand", item.brand)
            field("gtin", item.gtin)
            field("mpn", item.mpn)
            if not item.gtin and not item.mpn:
                field("identifier_exists", "no")
            field("condition", item.condition)
            field("google_product_category", item.google_product_category)
            field("product_type", item.product_type)
            for label in CUSTOM_LABELS:
                field(label, getattr(item, label))
            field("color", item.color)
            field("size", item.size)
            field("size_system", item.size_system)
            field("gender", item.gender)
            field("age_group", item.age_group)
            field("material", item.material)
            xf.write("\n    ")
            with xf.element(f"{{{G}}}shipping"):
                shipping = market.shipping
                for name, value in (
                    ("country", market.country),
                    ("service", shipping.service),
                    ("price", format_amount(item.shipping_price, item.currency)),
                    ("min_handling_time", shipping.handling_days[0]),
                    ("max_handling_time", shipping.handling_days[1]),
                    ("min_transit_time", shipping.transit_days[0]),
                    ("max_transit_time", shipping.transit_days[1]),
                ):
                    xf.write("\n      ")
                    with xf.element(f"{{{G}}}{name}"):
                        xf.write(str(value))
                xf.write("\n    ")
            if item.weight_g == item.weight_g and item.weight_g:
                field("shipping_weight", f"{int(item.weight_g)} g")
            field("return_policy_label", item.return_policy_label)
            xf.write("\n  ")
