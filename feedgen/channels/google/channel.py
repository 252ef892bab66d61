"""Google Merchant Center: one RSS 2.0 feed per market (GMC 7052112, 160589).

Attribute names, limits and enums follow the product data specification; see SPECS.md Part A §1.
Items are serialised by lxml column by column in chunks (see xmlout), so memory does not grow with the feed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar, Mapping

import pandas as pd
from lxml import etree

from feedgen.load.categories import kind_column
from feedgen.channels.base import NO_REMOVALS, Artifact, Channel, FeedWriter, Removals, RuleCheck, working_copy
from feedgen.channels.google_promotions.promotions import CHANNEL as PROMOTIONS, market_promotions, promotion_ids
from feedgen.channels.parts import SplitFile
from feedgen.channels.google.facts import FILE_LIMIT, G, APPAREL_STRICT_COUNTRIES, APPAREL_FIELDS, MAX_ADDITIONAL_IMAGES, CUSTOM_LABEL_LIMIT, CUSTOM_LABEL_VALUES
from feedgen.channels.xmlout import ColumnSerialiser, Field, document_shell
from feedgen.columns import map_distinct
from feedgen.diagnostics import Diagnostic
from feedgen.load.offer_schema import CUSTOM_LABELS, offer_columns
from feedgen.load.pricing import format_amount
from feedgen.pages.campaigns import FILE_NAME as CAMPAIGNS_FILE, Campaign, load_campaigns
from feedgen.text import shorten

CHUNK = 5000  # items serialised at once (their bytes are in memory together)


class GoogleChannel(Channel):
    name: ClassVar[str] = "google"
    required_fields: ClassVar[tuple[str, ...]] = ("price", "title", "description", "image_link", "brand", "gtin", "style_id")
    reads: ClassVar[frozenset[str]] = offer_columns(
        "sku", "style_id", "title", "description", "link", "image_link", "additional_image_links", "availability",
        "price", "sale_price", "sale_effective_date", "brand", "gtin", "mpn", "condition", "google_product_category",
        "product_type", CUSTOM_LABELS, "color", "size", "size_system", "gender", "age_group", "material",
        "shipping_price", "weight_g", "return_policy_label")
    # Max characters of the localized text fields (GMC 6324415 title, 6324468 description, 6324487 color
    # (per colour), 6324410 material); translators see these in the catalogue comments (feedgen.i18n).
    text_limits: ClassVar[dict[str, int]] = {"title": 150, "description": 5000, "color": 40, "material": 200}
    file_limit = FILE_LIMIT
    inputs: ClassVar[tuple[str, ...]] = (CAMPAIGNS_FILE,)  # the campaigns' promotions: promotion_id

    streams = True

    def __init__(self, config) -> None:
        super().__init__(config)
        self.campaigns: list[Campaign] = []
        self.as_of = date.today()
        self._label_values: dict[str, dict[str, set]] = {}  # market -> custom label -> its values so far

    def use_inputs(self, paths: Mapping[str, Path], as_of: date) -> None:
        self.campaigns = load_campaigns(paths[CAMPAIGNS_FILE], self.config) if CAMPAIGNS_FILE in paths else []
        self.as_of = as_of

    def prepare(self, market_offers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]:
        market = market_offers.market
        items = working_copy(market_offers.offers)
        check = RuleCheck(items, self.name, market.id, blocked, market_offers.reported)
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
        kinds = kind_column(items["google_product_category"])
        for field, needed_by in APPAREL_FIELDS.items():
            what = "Clothing and Shoes" if field == "size" else "Apparel & Accessories"
            where = f" in {market.country}" if strict else f" (in {market.country} a missing one limits the item)"
            check.missing(field, f"google.{field}.missing", "error" if strict else "warning",
                          why=f" for {what} items{where}", only=kinds.isin(needed_by))
        colours = map_distinct(items["color"], lambda color: color.split("/"))
        check.flag(colours.map(len) > 3, "google.color.too_many", "error", "color", "at most 3 colours separated by /")
        check.flag(colours.map(lambda parts: any(len(p) > 40 for p in parts)), "google.color.too_long", "error",
                   "color", "each colour is at most 40 characters")
        check.too_long("size", 100, "google.size.too_long")
        check.too_long("material", 200, "google.material.too_long")
        check.too_long("product_type", 750, "google.product_type.too_long")

        for field in ("title", "description"):
            limit = self.text_limits[field]
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
            self._label_values.setdefault(market.id, {}).setdefault(label, set()).update(items[label].dropna().unique())
        image_count = map_distinct(items["additional_image_links"], lambda links: links.count("|") + (links != ""))
        check.flag(image_count > MAX_ADDITIONAL_IMAGES, "google.additional_image_link.too_many", "warning",
                   "additional_image_links", f"only the first {MAX_ADDITIONAL_IMAGES} additional images are sent")
        check.duplicate_variants("google.variant.duplicate")
        return check.accepted(), check.diagnostics

    def settle(self, market_id: str) -> list[Diagnostic]:
        """A custom label with more distinct values over the whole market than Merchant Center uses."""
        diagnostics = []
        for label, values in self._label_values.pop(market_id, {}).items():
            if len(values) > CUSTOM_LABEL_VALUES:
                diagnostics.append(Diagnostic(
                    f"google.{label}.too_many_values", "warning",
                    f"{label} has {len(values)} distinct values; Merchant Center uses at most {CUSTOM_LABEL_VALUES}",
                    market=market_id, channel=self.name, field=label))
        return diagnostics

    def open(self, market, stage) -> FeedWriter:
        return _GoogleFeed(self, market, stage)

    @staticmethod
    def read_items(path: Path) -> dict[str, dict[str, str]]:
        """A written feed back as {id: {attribute: text}} for `feedgen diff`, streamed with iterparse.

        Sub-attributes are dotted (`shipping.price`); a repeated attribute joins its values with `|`."""
        items: dict[str, dict[str, str]] = {}
        for _, element in etree.iterparse(str(path), tag="item", resolve_entities=False, no_network=True,
                                          huge_tree=True):
            fields: dict[str, str] = {}
            for child in element.iterchildren(tag=etree.Element):
                name = etree.QName(child).localname
                if len(child):
                    for part in child.iterchildren(tag=etree.Element):
                        fields[f"{name}.{etree.QName(part).localname}"] = part.text or ""
                else:
                    text = child.text or ""
                    fields[name] = f"{fields[name]}|{text}" if name in fields else text
            items[fields.get("id", "")] = fields
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
        return items


class _GoogleFeed(FeedWriter):
    """One market's feed, a slice at a time: chunks of CHUNK items serialised column by column."""

    def __init__(self, channel: GoogleChannel, market, stage) -> None:
        super().__init__()
        self.channel, self.market = channel, market
        head, tail = _document_shell(market, stage.brand)
        self.serialiser = ColumnSerialiser(G, "g")
        # the promotions Google's promotions feed of this market holds (none where the market has no such feed)
        self.promotions = (market_promotions(channel.campaigns, market, channel.as_of)[0]
                           if PROMOTIONS in market.channels else [])
        self.feed = self.files.enter_context(SplitFile(stage, f"google/{market.id.lower()}.xml", head, tail,
                                                       channel.part_limit()))

    def add(self, items: pd.DataFrame, market_offers) -> None:
        """The slice's attribute texts in one go (pandas costs per call, so a call per chunk cost more than its
        work), then its items serialised and written a chunk at a time."""
        self.feed.new_slice()  # whole styles, none of them in an earlier slice
        if items.empty:
            return
        fields = item_fields(items, self.market, self._promotion_ids(items))
        groups = items["style_id"].tolist()
        for start in range(0, len(items), CHUNK):
            rows = range(start, min(len(items), start + CHUNK))
            self.feed.write_rows(self.serialiser.item_rows(fields, rows), groups[rows.start:rows.stop])

    def _promotion_ids(self, items: pd.DataFrame) -> list[list[str]]:
        """Each item's promotion ids, looked up once per style (the items of a style share one list)."""
        if not self.promotions:
            return []
        styles = items["style_id"].astype(str).tolist()
        distinct = list(dict.fromkeys(styles))
        by_style = dict(zip(distinct, promotion_ids(self.promotions, distinct), strict=True))
        return [by_style[style] for style in styles]

    def close(self, removed: Removals = NO_REMOVALS) -> list[Artifact]:
        self.files.close()
        return self.channel.artifacts(self.market.id, self.feed.parts())


def _document_shell(market, brand: str) -> tuple[bytes, bytes]:
    rss = etree.Element("rss", {"version": "2.0"}, nsmap={"g": G})
    rss.text = "\n"
    channel = etree.SubElement(rss, "channel")
    channel.text, channel.tail = "\n  ", "\n"
    for tag, text in (
        ("title", f"{brand} – {market.name}"),
        ("link", market.home_url),
        ("description", f"{brand} products for {market.name} ({market.currency}, {market.locale})"),
    ):
        etree.SubElement(channel, tag).text = text
        channel[-1].tail = "\n  "
    channel[-1].tail = "\n"
    return document_shell(rss, channel)


def _money(values: pd.Series, currency: str) -> list[str]:
    """Decimal column -> `1299.00 NOK` strings, formatting each distinct amount once."""
    distinct = {value: format_amount(value, currency) for value in values.dropna().unique()}
    return [distinct.get(value, "") if value is not None else "" for value in values]


def item_fields(items: pd.DataFrame, market, promotions: list[list[str]] | None = None) -> list[Field]:
    """Every Google attribute of an item, in feed order, as a column of strings; `promotions`: each item's
    promotion ids (GMC 7050148, up to 10; feedgen.channels.google_promotions)."""
    def text(column: str) -> list[str]:  # fillna("").astype(str), without pandas' per-value round trips
        return [value if type(value) is str else "" if pd.isna(value) else str(value) for value in items[column].tolist()]

    links = items["additional_image_links"].tolist()
    split = {value: (value.split("|", MAX_ADDITIONAL_IMAGES) + [""] * MAX_ADDITIONAL_IMAGES)[:MAX_ADDITIONAL_IMAGES]
             for value in dict.fromkeys(links)}
    images = list(zip(*(split[value] for value in links))) or [()] * MAX_ADDITIONAL_IMAGES
    no_identifier = items["gtin"].eq("") & items["mpn"].eq("")
    grams = items["weight_g"].round().astype("Int64")
    weight = (grams.astype(str) + " g").where(grams.notna() & grams.gt(0), "")
    shipping = market.shipping
    return [
        Field("id", text("sku")),
        Field("item_group_id", text("style_id")),
        Field("title", text("title")),
        Field("description", text("description")),
        Field("link", text("link")),
        Field("image_link", text("image_link")),
        *(Field("additional_image_link", images[n]) for n in range(MAX_ADDITIONAL_IMAGES)),
        Field("availability", text("availability")),
        Field("price", _money(items["price"], market.currency)),
        Field("sale_price", _money(items["sale_price"], market.currency)),
        Field("sale_price_effective_date", items["sale_effective_date"].where(items["sale_price"].notna(), "").tolist()),
        Field("brand", text("brand")),
        Field("gtin", text("gtin")),
        Field("mpn", text("mpn")),
        Field("identifier_exists", no_identifier.map({True: "no", False: ""}).tolist()),
        Field("condition", text("condition")),
        Field("google_product_category", text("google_product_category")),
        Field("product_type", text("product_type")),
        *(Field(label, text(label) if label in items.columns else "") for label in CUSTOM_LABELS),
        Field("color", text("color")),
        Field("size", text("size")),
        Field("size_system", text("size_system")),
        Field("gender", text("gender")),
        Field("age_group", text("age_group")),
        Field("material", text("material")),
        Field("shipping", children=(
            Field("country", market.country),
            Field("service", shipping.service),
            Field("price", _money(items["shipping_price"], market.currency)),
            Field("min_handling_time", str(shipping.handling_days[0])),
            Field("max_handling_time", str(shipping.handling_days[1])),
            Field("min_transit_time", str(shipping.transit_days[0])),
            Field("max_transit_time", str(shipping.transit_days[1])),
        )),
        Field("shipping_weight", weight.tolist()),
        Field("return_policy_label", text("return_policy_label")),
        *(Field("promotion_id", [ids[n] if n < len(ids) else "" for ids in promotions or []])
          for n in range(max((len(ids) for ids in promotions or []), default=0))),
    ]
