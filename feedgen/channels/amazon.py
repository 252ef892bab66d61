"""Amazon FBA listings as JSON_LISTINGS_FEED documents, one per marketplace; see SPECS.md Part A §3.

Amazon retired XML and flat-file listings feeds on 31 July 2025; the JSON listings feed is the
replacement. The envelope follows Amazon's `listings-feed-schema-v2.json` (amzn/selling-partner-
api-models, schemas/feeds): header {sellerId, version "2.0", issueLocale}, at most 25,000 messages
per document (bigger feeds are split into `<market>-001.json`, `-002.json`, …, never splitting a
style from its parent unless the style alone is too big).

Each style becomes a parent SKU (its style_id; `LISTING_PRODUCT_ONLY`, parentage_level parent,
variation_theme SIZE/COLOR) and each variant a child (`UPDATE`, product type SHOES, `LISTING`).
Attribute shapes follow Amazon's product-type definitions: an array of objects with a
`marketplace_id` selector, and `language_tag` on text. Two attributes have no marketplace_id in
Amazon's schema and get none here: fulfillment_availability (selector fulfillment_channel_code)
and variation_theme. FBA offers name the fulfillment network and no quantity: Amazon counts the
stock in its warehouses.

Prices are read from the resolved offer, never recomputed: our_price is the shelf price,
discounted_price the sale price with its window, list_price the regular price (`value_with_tax`
where the market's prices include tax, `value` where they don't, as in the US).
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime, time
from decimal import Decimal
from typing import ClassVar, Iterator

import pandas as pd

from feedgen.channels.base import Artifact, RuleCheck
from feedgen.diagnostics import Diagnostic
from feedgen.errors import InputError
from feedgen.gtin import gtin_type
from feedgen.markets import MarketConfig
from feedgen.pricing import plain_amount
from feedgen.text import shorten

SELLER_ID_ENV = "FEEDGEN_AMAZON_SELLER_ID"
MAX_MESSAGES_PER_FEED = 25_000  # listings-feed-schema-v2.json messages.maxItems (changelog 6 May 2025)
PRODUCT_TYPE = "SHOES"
VARIATION_THEME = "SIZE/COLOR"  # in the PRODUCT schema's enum; public SHOES builders use it (research Q6, M)
ISSUE_LOCALE = "en_US"  # processing-report language; Amazon falls back to en_US anyway
MAX_SKU = 40  # Seller Central SKU limit (SPECS.md §4)
ITEM_NAME_ADVISED = 200  # SPECS.md §4: ≈200 for shoes, UNVERIFIED; a warning only
MAX_BULLETS, MAX_BULLET = 10, 700  # Product.json bullet_point maxUniqueItems / maxLength
MAX_DESCRIPTION_BYTES = 10_000  # Product.json product_description maxUtf8ByteLength
MAX_OTHER_IMAGES = 8  # other_product_image_locator_1 … _8

# footwear_size (research Q5, M): size_system by the market's size system; size_class numeric;
# size `numeric_<n>` with `_point_5` for halves; width medium; shoe-size gender men / women.
FOOTWEAR_SIZE_SYSTEMS = {"EU": "eu_footwear_size_system", "UK": "uk_footwear_size_system", "US": "us_footwear_size_system"}
SIZE_GENDER = {"women": "women", "men": "men"}  # from the size chart the size was read from
# Shoe-size age group for kids' shoes by EU size: US conventions (toddler up to 10C, little kid
# 10.5C–3Y, big kid 3.5Y–7Y) read through our size chart (EU 27 = US 10, EU 35 = US 3, EU 36 = US 4).
# Evidence M for the spellings (research Q5), L for the bands: check them against the SHOES schema.
KIDS_BANDS = ((Decimal(28), "toddler"), (Decimal(36), "little_kid"))  # below EU 28, below EU 36
KIDS_ABOVE = "big_kid"
AGE_BUCKETS = {"newborn": "infant", "infant": "infant", "toddler": "toddler", "adult": "adult"}

# age_range_description and department are localized enums: the marketplace accepts only its own
# language's values (issue amzn/selling-partner-api-models#5239). Evidence per language_tag:
# en_US  H- for age ranges (a US SHOES rule dump quoted in public code, research Q6), L for departments;
# en_GB, de_DE, nl_NL, sv_SE  L (single public samples or our translation; de_DE "Erwachsener" follows
# the public samples). Confirm each against the marketplace's SHOES schema before going live.
AGE_RANGES = {
    "en_US": {"adult": "Adult", "big_kid": "Big Kid", "little_kid": "Little Kid", "toddler": "Toddler", "infant": "Infant"},
    "en_GB": {"adult": "Adult", "big_kid": "Big Kid", "little_kid": "Little Kid", "toddler": "Toddler", "infant": "Infant"},
    "de_DE": {"adult": "Erwachsener", "big_kid": "Kind", "little_kid": "Kind", "toddler": "Kleinkind", "infant": "Baby"},
    "nl_NL": {"adult": "Volwassenen", "big_kid": "Kind", "little_kid": "Kind", "toddler": "Peuter", "infant": "Baby"},
    "sv_SE": {"adult": "Vuxna", "big_kid": "Barn", "little_kid": "Barn", "toddler": "Småbarn", "infant": "Bebis"},
}
DEPARTMENTS = {  # (gender, adult?) -> text
    "en_US": {("female", True): "Women", ("male", True): "Men", ("unisex", True): "Unisex",
              ("female", False): "Girls", ("male", False): "Boys", ("unisex", False): "Unisex Kids"},
    "en_GB": {("female", True): "Women", ("male", True): "Men", ("unisex", True): "Unisex",
              ("female", False): "Girls", ("male", False): "Boys", ("unisex", False): "Unisex Kids"},
    "de_DE": {("female", True): "Damen", ("male", True): "Herren", ("unisex", True): "Unisex",
              ("female", False): "Mädchen", ("male", False): "Jungen", ("unisex", False): "Unisex Kinder"},
    "nl_NL": {("female", True): "Dames", ("male", True): "Heren", ("unisex", True): "Uniseks",
              ("female", False): "Meisjes", ("male", False): "Jongens", ("unisex", False): "Uniseks kinderen"},
    "sv_SE": {("female", True): "Dam", ("male", True): "Herr", ("unisex", True): "Unisex",
              ("female", False): "Flickor", ("male", False): "Pojkar", ("unisex", False): "Unisex barn"},
}
_NUMERIC_SIZE = re.compile(r"(\d{1,2})(?:[.,](0|5))?")


def footwear_size_value(size: str) -> str | None:
    """`9.5` -> `numeric_9_point_5`, `38` -> `numeric_38`; None for anything else."""
    match = _NUMERIC_SIZE.fullmatch(size.strip())
    if not match:
        return None
    return f"numeric_{int(match[1])}" + ("_point_5" if match[2] == "5" else "")


def footwear_age_group(age_group: str, eu_size: str) -> str:
    if age_group != "kids":
        return AGE_BUCKETS.get(age_group, "adult")
    try:
        eu = Decimal(eu_size.replace(",", "."))
    except ArithmeticError:  # decimal.InvalidOperation
        return "little_kid"
    for limit, bucket in KIDS_BANDS:
        if eu < limit:
            return bucket
    return KIDS_ABOVE


def json_number(value: Decimal, currency: str) -> float:
    """A money Decimal as a JSON number with the currency's digits. The float must print back as
    the same decimal, which holds for any price (< 15 significant digits); checked, not assumed."""
    text = plain_amount(value, currency)
    number = float(text)
    if Decimal(repr(number)) != Decimal(text):  # pragma: no cover - needs a 16-digit price
        raise ValueError(f"{text} cannot be written exactly as a JSON number")
    return number


def split_points(group_sizes: list[int], limit: int) -> list[int]:
    """Message ordinals where a new file starts: whole groups per file, a group split only if it
    alone exceeds the limit."""
    starts, count, position = [0], 0, 0
    for size in group_sizes:
        if count and count + size > limit:
            starts.append(position)
            count = 0
        while count + size > limit:
            position, size = position + (limit - count), size - (limit - count)
            starts.append(position)
            count = 0
        count, position = count + size, position + size
    return starts


class AmazonChannel:
    name: ClassVar[str] = "amazon"
    required_fields: ClassVar[tuple[str, ...]] = (
        "price", "title", "description", "image_link", "brand", "gtin", "style_id", "size", "gender", "age_group")

    def __init__(self, config: MarketConfig, max_messages: int | None = None) -> None:
        self.config = config
        self.seller_id = os.environ.get(SELLER_ID_ENV, "").strip() or config.project.amazon_seller_id.strip()
        if not self.seller_id:
            raise InputError(config.path, f"the amazon channel needs a seller id: set {SELLER_ID_ENV} or "
                             "[amazon] seller_id")
        self.max_messages = max_messages or MAX_MESSAGES_PER_FEED

    # ------------------------------------------------------------------ rules
    def prepare(self, market_offers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]:
        market = market_offers.market
        tag = market.amazon.language_tag
        if tag not in AGE_RANGES or tag not in DEPARTMENTS or market.size_system not in FOOTWEAR_SIZE_SYSTEMS:
            raise InputError(self.config.path, f"markets.{market.id}.amazon.language_tag: feedgen has no Amazon "
                             f"age range / department values for {tag!r} (AGE_RANGES in feedgen/channels/amazon.py)")
        offers = market_offers.offers
        items = offers.loc[~blocked].copy()
        items["country_of_origin"] = items["country_of_origin"].str.upper().replace("UK", "GB")
        check = RuleCheck(items, self.name, market.id)
        check.missing("price", "amazon.price.missing")
        check.flag(items["gtin"].eq(""), "amazon.gtin.missing", "error", "gtin",
                   "no GTIN: Amazon needs an EAN/UPC to list (or a brand's GTIN exemption)")
        check.too_long("sku", MAX_SKU, "amazon.sku.too_long")
        check.too_long("style_id", MAX_SKU, "amazon.parent_sku.too_long")
        check.flag(items["style_id"].isin(set(offers["sku"])), "amazon.parent_sku.collides", "error", "style_id",
                   "style_id {value} is also a variant SKU, so it cannot be the parent SKU")
        check.missing("color", "amazon.color.missing")
        check.flag(~items["country_of_origin"].str.fullmatch(r"[A-Z]{2}"), "amazon.country_of_origin.missing", "error",
                   "country_of_origin", "country_of_origin {value!r} is not an ISO country code; Amazon requires one")
        check.missing("size", "amazon.size.missing")
        check.flag(items["size"].map(footwear_size_value).isna(), "amazon.footwear_size.not_numeric", "error", "size",
                   "size {value!r} is not a whole or half numeric shoe size")
        adult_unisex = items["gender"].eq("unisex") & items["age_group"].eq("adult")
        check.flag(adult_unisex & ~items["size_chart"].isin(list(SIZE_GENDER)), "amazon.footwear_size.gender_unknown",
                   "error", "size", "unisex adult size {value} is in neither the men's nor the women's size chart")
        check.flag(items["title"].str.len() > ITEM_NAME_ADVISED, "amazon.item_name.long", "warning", "title",
                   f"item_name is longer than the {ITEM_NAME_ADVISED} characters Amazon advises for shoes")
        long = items["description"].map(lambda text: len(text.encode("utf-8")) > MAX_DESCRIPTION_BYTES)
        check.flag(long, "amazon.product_description.shortened", "warning", "description",
                   f"product_description was over {MAX_DESCRIPTION_BYTES} bytes and was shortened")
        items.loc[long, "description"] = items.loc[long, "description"].map(_fit_bytes)
        bullets = items["features"].str.split("|").map(lambda parts: [p.strip() for p in parts if p.strip()])
        check.flag(bullets.map(len).eq(0), "amazon.bullet_point.missing", "warning", "features",
                   "no bullet points (features): Amazon shows none and may ask for them")
        check.flag(bullets.map(len) > MAX_BULLETS, "amazon.bullet_point.too_many", "warning", "features",
                   f"only the first {MAX_BULLETS} bullet points are sent")
        check.flag(bullets.map(lambda parts: any(len(p) > MAX_BULLET for p in parts)), "amazon.bullet_point.shortened",
                   "warning", "features", f"bullet points longer than {MAX_BULLET} characters were shortened")
        items["bullets"] = bullets.map(lambda parts: [shorten(p, MAX_BULLET) for p in parts[:MAX_BULLETS]])
        images = items["additional_image_links"].str.split("|").map(lambda urls: [u for u in urls if u])
        check.flag(images.map(len) > MAX_OTHER_IMAGES, "amazon.other_product_image_locator.too_many", "warning",
                   "additional_image_links", f"only the first {MAX_OTHER_IMAGES} additional images are sent")
        open_sale = items["sale_price"].notna() & (items["sale_start"].isna() | items["sale_end"].isna())
        check.flag(open_sale, "amazon.discounted_price.no_window", "warning", "sale_price",
                   "sale without start and end dates: Amazon's discounted_price needs both, so the sale is not sent")
        return check.accepted(), check.diagnostics

    # ------------------------------------------------------------------ files
    def write(self, items: pd.DataFrame, market_offers, stage) -> list[Artifact]:
        market = market_offers.market
        if items.empty:
            return []
        items = items.sort_values(["style_id", "sku"], kind="stable")
        styles = [(style, group) for style, group in items.groupby("style_id", sort=True)]
        starts = split_points([len(group) + 1 for _, group in styles], self.max_messages)
        files = len(starts)
        names = ([f"amazon/{market.id.lower()}.json"] if files == 1
                 else [f"amazon/{market.id.lower()}-{n:03d}.json" for n in range(1, files + 1)])
        header = {"sellerId": self.seller_id, "version": "2.0", "issueLocale": ISSUE_LOCALE}
        messages = self._messages(styles, market)
        artifacts = []
        for index, name in enumerate(names):
            end = starts[index + 1] if index + 1 < files else None
            count = (end - starts[index]) if end is not None else None
            with stage.open(name) as handle:
                handle.write(b'{"header":' + _dumps(header) + b',"messages":[\n')
                children = 0
                for message_id, (is_child, message) in enumerate(_take(messages, count), start=1):
                    message = {"messageId": message_id, **message}
                    handle.write((b",\n" if message_id > 1 else b"") + _dumps(message))
                    children += is_child
                handle.write(b"\n]}\n")
            artifacts.append(Artifact(self.name, market.id, name, children))
        return artifacts

    def finish(self, stage) -> tuple[list[Artifact], list[Diagnostic]]:
        return [], []

    def _messages(self, styles, market) -> Iterator[tuple[bool, dict]]:
        for style, group in styles:
            rows = list(group.itertuples(index=False))
            yield False, self._parent(style, rows[0], market)
            for row in rows:
                yield True, self._child(row, market)

    # ------------------------------------------------------------------ attributes
    def _common(self, row, market) -> dict:
        """Product facts a parent and its children share."""
        mp, tag = market.amazon.marketplace_id, market.amazon.language_tag
        adult = row.age_group == "adult"
        bucket = footwear_age_group(row.age_group, row.eu_size)
        return {
            "item_name": [{"value": row.title, "language_tag": tag, "marketplace_id": mp}],
            "brand": [{"value": row.brand, "language_tag": tag, "marketplace_id": mp}],
            "product_description": [{"value": row.description, "language_tag": tag, "marketplace_id": mp}],
            "bullet_point": [{"value": text, "language_tag": tag, "marketplace_id": mp} for text in row.bullets],
            "target_gender": [{"value": row.gender, "marketplace_id": mp}],
            "age_range_description": [{"value": AGE_RANGES[tag][bucket], "language_tag": tag, "marketplace_id": mp}],
            "department": [{"value": DEPARTMENTS[tag][(row.gender, adult)], "language_tag": tag, "marketplace_id": mp}],
            "country_of_origin": [{"value": row.country_of_origin, "marketplace_id": mp}],
            "supplier_declared_dg_hz_regulation": [{"value": "not_applicable", "marketplace_id": mp}],
            "main_product_image_locator": [{"media_location": row.image_link, "marketplace_id": mp}],
        }

    def _parent(self, style: str, first, market) -> dict:
        attributes = self._common(first, market)
        attributes["parentage_level"] = [{"value": "parent", "marketplace_id": market.amazon.marketplace_id}]
        attributes["variation_theme"] = [{"name": VARIATION_THEME}]
        attributes = {key: value for key, value in attributes.items() if value}
        return {"sku": style, "operationType": "UPDATE", "productType": PRODUCT_TYPE,
                "requirements": "LISTING_PRODUCT_ONLY", "attributes": attributes}

    def _child(self, row, market) -> dict:
        mp, tag, currency = market.amazon.marketplace_id, market.amazon.language_tag, row.currency
        offer: dict = {"marketplace_id": mp, "currency": currency,
                       "our_price": [{"schedule": [{"value_with_tax": json_number(row.price, currency)}]}]}
        if row.sale_price is not None and row.sale_start is not None and row.sale_end is not None:
            zone = market.tz
            offer["discounted_price"] = [{"schedule": [{
                "value_with_tax": json_number(row.sale_price, currency),
                "start_at": datetime.combine(row.sale_start, time(0, 0, 0), tzinfo=zone).isoformat(),
                "end_at": datetime.combine(row.sale_end, time(23, 59, 59), tzinfo=zone).isoformat(),
            }]}]
        list_price_key = "value_with_tax" if market.prices_include_tax else "value"
        footwear = {"marketplace_id": mp, "size_system": FOOTWEAR_SIZE_SYSTEMS[market.size_system],
                    "age_group": footwear_age_group(row.age_group, row.eu_size)}
        if row.age_group == "adult":
            footwear["gender"] = {"female": "women", "male": "men"}.get(row.gender) or SIZE_GENDER[row.size_chart]
        footwear.update(size_class="numeric", width="medium", size=footwear_size_value(row.size))
        common = self._common(row, market)
        attributes = {
            "item_name": common.pop("item_name"),
            "brand": common.pop("brand"),
            "externally_assigned_product_identifier": [{"type": gtin_type(row.gtin), "value": row.gtin, "marketplace_id": mp}],
            "condition_type": [{"value": "new_new", "marketplace_id": mp}],
            "list_price": [{list_price_key: json_number(row.price, currency), "currency": currency, "marketplace_id": mp}],
            "purchasable_offer": [offer],
            "fulfillment_availability": [{"fulfillment_channel_code": market.amazon.fulfillment_channel}],
            "product_description": common.pop("product_description"),
            "bullet_point": common.pop("bullet_point"),
            "color": [{"value": row.color, "language_tag": tag, "marketplace_id": mp}],
            "size": [{"value": row.size, "language_tag": tag, "marketplace_id": mp}],
            "footwear_size": [footwear],
            **{key: common.pop(key) for key in ("target_gender", "age_range_description", "department")},
            "parentage_level": [{"value": "child", "marketplace_id": mp}],
            "child_parent_sku_relationship": [
                {"child_relationship_type": "variation", "parent_sku": row.style_id, "marketplace_id": mp}],
            "main_product_image_locator": common.pop("main_product_image_locator"),
        }
        other = [u for u in row.additional_image_links.split("|") if u][:MAX_OTHER_IMAGES]
        for number, url in enumerate(other, start=1):
            attributes[f"other_product_image_locator_{number}"] = [{"media_location": url, "marketplace_id": mp}]
        attributes.update(common)  # country_of_origin, supplier_declared_dg_hz_regulation
        attributes = {key: value for key, value in attributes.items() if value}
        return {"sku": row.sku, "operationType": "UPDATE", "productType": PRODUCT_TYPE,
                "requirements": "LISTING", "attributes": attributes}


def _dumps(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _take(iterator: Iterator, count: int | None) -> Iterator:
    """The next `count` items (all remaining when None), leaving the rest for the next file."""
    if count is None:
        yield from iterator
        return
    for _ in range(count):
        yield next(iterator)


def _fit_bytes(text: str) -> str:
    """Shorten at a word boundary until the UTF-8 encoding fits Amazon's byte limit."""
    limit = MAX_DESCRIPTION_BYTES
    while len(text.encode("utf-8")) > MAX_DESCRIPTION_BYTES:
        limit -= max(1, (len(text.encode("utf-8")) - MAX_DESCRIPTION_BYTES) // 4)
        text = shorten(text, limit)
    return text
