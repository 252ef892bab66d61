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

Amazon keeps listings a feed stops mentioning, so SKUs gone from the catalogue since the last
published feed are withdrawn in the next one, once (DELETE, or an ended offer): removals.py.
Platform facts (enums, size values, number format) live in facts.py; the message text is
assembled in messages.py.

Prices are read from the resolved offer, never recomputed: our_price is what the shopper pays
today (the sale price of a running sale without dates, as in every other channel, else the shelf
price), discounted_price a sale price with its window, list_price the regular price (`value_with_tax`
where the market's prices include tax, `value` where they don't, as in the US).
"""

from __future__ import annotations

import hashlib
import itertools
from typing import Any, BinaryIO, ClassVar, Iterable, Iterator

import pandas as pd

from feedgen.channels.amazon.facts import (
    AGE_RANGES, DEPARTMENTS, FOOTWEAR_SIZE_SYSTEMS, MAX_MESSAGES_PER_FEED, MAX_OTHER_IMAGES, PRODUCT_TYPE, SIZE_GENDER,
    footwear_size_value,
)
from feedgen.channels.amazon.messages import dumps, listing_messages
from feedgen.channels.amazon.removals import read_items, removal_messages
from feedgen.channels.amazon.settings import SELLER_ID_ENV, SETTINGS, marketplace, seller_id
from feedgen.load.categories import kind_column
from feedgen.channels.base import NO_REMOVALS, Artifact, Channel, FeedWriter, Removals, RuleCheck, working_copy
from feedgen.channels.parts import part_name
from feedgen.columns import SKU_SEPARATOR, map_distinct, pack_skus
from feedgen.diagnostics import Diagnostic
from feedgen.errors import InputError
from feedgen.resolve.fixes import fix
from feedgen.config.markets import MarketConfig
from feedgen.load.offer_schema import offer_columns
from feedgen.text import shorten

ISSUE_LOCALE = "en_US"  # processing-report language; Amazon falls back to en_US anyway
MAX_SKU = 40  # Seller Central SKU limit (SPECS.md §4)
ITEM_NAME_ADVISED = 200  # SPECS.md §4: ≈200 for shoes, UNVERIFIED; a warning only
MAX_BULLETS, MAX_BULLET = 10, 700  # Product.json bullet_point maxUniqueItems / maxLength
MAX_DESCRIPTION_BYTES = 10_000  # Product.json product_description maxUtf8ByteLength


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


class AmazonChannel(Channel):
    name: ClassVar[str] = "amazon"
    required_fields: ClassVar[tuple[str, ...]] = (
        "price", "title", "description", "image_link", "brand", "gtin", "style_id", "size", "gender", "age_group")
    settings = SETTINGS
    reads: ClassVar[frozenset[str]] = offer_columns(
        "sku", "style_id", "title", "description", "features", "brand", "gtin", "image_link", "additional_image_links",
        "color", "material", "size", "eu_size", "size_system", "size_chart", "size_men", "size_women", "gender",
        "age_group", "google_product_category", "country_of_origin", "price", "sale_price", "sale_start", "sale_end",
        "sale_active", "currency")

    def __init__(self, config: MarketConfig, max_messages: int | None = None) -> None:
        super().__init__(config)
        self.seller_id = seller_id(config)
        if not self.seller_id:
            raise InputError(config.path, f"the amazon channel needs a seller id: set {SELLER_ID_ENV} or "
                             "[amazon] seller_id")
        self.max_messages = max_messages or MAX_MESSAGES_PER_FEED
        self.styles_named_like_skus: frozenset[str] | None = None  # from use_catalogue; None: the offers' own SKUs

    def use_catalogue(self, skus: pd.Series, styles: pd.Series) -> None:
        """A parent SKU (the style id) that is also a variant SKU anywhere in the catalogue collides, whichever
        slice of the market the variant is built in (usually none: kept as the few colliding names)."""
        self.styles_named_like_skus = frozenset(set(styles.astype(str)) & set(skus.astype(str)))

    @classmethod
    def cache_key(cls, config: MarketConfig) -> str:
        """Every message names the seller: a digest of the id, so the state file holds no id."""
        return hashlib.sha256(seller_id(config).encode()).hexdigest()

    # ------------------------------------------------------------------ rules
    def prepare(self, market_offers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]:
        market = market_offers.market
        tag = marketplace(market).language_tag
        if tag not in AGE_RANGES or tag not in DEPARTMENTS or market.size_system not in FOOTWEAR_SIZE_SYSTEMS:
            raise InputError(self.config.path, f"markets.{market.id}.amazon.language_tag: feedgen has no Amazon "
                             f"age range / department values for {tag!r} (AGE_RANGES in feedgen/channels/amazon/facts.py)")
        offers = market_offers.offers
        items = working_copy(offers)
        items["country_of_origin"] = items["country_of_origin"].str.upper().replace("UK", "GB")
        check = RuleCheck(items, self.name, market.id, blocked, market_offers.reported)
        check.missing("price", "amazon.price.missing")
        # feedgen lists on Amazon with the SHOES product type only: anything else would be a wrong listing.
        not_shoes = kind_column(items["google_product_category"]).ne("shoes")
        check.flag(not_shoes, "amazon.product_type.unsupported", "error",
                   "google_product_category", "feedgen lists only shoes on Amazon (product type SHOES) and this item's "
                   "google_product_category {value!r} is not Apparel & Accessories > Shoes; fix: if it is a shoe, map its "
                   "product type to 187 under [product_types] in categories.toml, else leave it out of Amazon "
                   "(rules.toml: exclude = true with channels = [\"amazon\"])")
        check.skip(not_shoes)
        check.flag(items["gtin"].eq(""), "amazon.gtin.missing", "error", "gtin",
                   "no GTIN: Amazon needs an EAN/UPC to list (or a brand's GTIN exemption)" + fix("gtin"))
        check.too_long("sku", MAX_SKU, "amazon.sku.too_long")
        check.too_long("style_id", MAX_SKU, "amazon.parent_sku.too_long")
        taken = self.styles_named_like_skus if self.styles_named_like_skus is not None else set(offers["sku"])
        check.flag(items["style_id"].isin(taken), "amazon.parent_sku.collides", "error", "style_id",
                   "style_id {value} is also a variant SKU, so it cannot be the parent SKU")
        check.missing("color", "amazon.color.missing")
        check.missing("gender", "amazon.target_gender.missing", why=" (target_gender)")
        check.missing("age_group", "amazon.age_range_description.missing", why=" (age_range_description)")
        check.flag(~items["country_of_origin"].str.fullmatch(r"[A-Z]{2}"), "amazon.country_of_origin.missing", "error",
                   "country_of_origin", "country_of_origin {value!r} is not an ISO country code; Amazon requires one" + fix("country_of_origin"))
        check.missing("size", "amazon.size.missing")
        adult_unisex = items["gender"].eq("unisex") & items["age_group"].eq("adult")
        numeric = map_distinct(items["size"], footwear_size_value).notna()
        # a unisex adult size is sent once per shoe-size gender: each of those values must be numeric
        unisex_numeric = pd.Series(True, index=items.index)
        for column in ("size_men", "size_women"):
            value = items[column]
            unisex_numeric &= value.eq("") | map_distinct(value, footwear_size_value).notna()
        numeric = numeric.where(~adult_unisex, unisex_numeric)
        check.flag(items["size"].ne("") & ~numeric, "amazon.footwear_size.not_numeric", "error", "size",
                   "size {value!r} is not a whole or half numeric shoe size")
        check.flag(adult_unisex & ~items["size_chart"].isin([*SIZE_GENDER, "unisex"]), "amazon.footwear_size.gender_unknown",
                   "error", "size", "unisex adult size {value} is in neither the men's nor the women's size chart; "
                   "fix: add it to size_chart.csv")
        check.flag(items["title"].str.len() > ITEM_NAME_ADVISED, "amazon.item_name.long", "warning", "title",
                   f"item_name is longer than the {ITEM_NAME_ADVISED} characters Amazon advises for shoes")
        long = map_distinct(items["description"], lambda text: len(text.encode("utf-8")) > MAX_DESCRIPTION_BYTES)
        check.flag(long, "amazon.product_description.shortened", "warning", "description",
                   f"product_description was over {MAX_DESCRIPTION_BYTES} bytes and was shortened")
        items.loc[long, "description"] = items.loc[long, "description"].map(_fit_bytes)
        bullets = map_distinct(items["features"], lambda text: [p.strip() for p in text.split("|") if p.strip()])
        check.flag(bullets.map(len).eq(0), "amazon.bullet_point.missing", "warning", "features",
                   "no bullet points (features): Amazon shows none and may ask for them")
        check.flag(bullets.map(len) > MAX_BULLETS, "amazon.bullet_point.too_many", "warning", "features",
                   f"only the first {MAX_BULLETS} bullet points are sent")
        check.flag(map_distinct(items["features"], lambda text: any(len(p.strip()) > MAX_BULLET for p in text.split("|"))),
                   "amazon.bullet_point.shortened",
                   "warning", "features", f"bullet points longer than {MAX_BULLET} characters were shortened")
        items["bullets"] = map_distinct(items["features"], lambda text: tuple(
            shorten(p.strip(), MAX_BULLET) for p in text.split("|") if p.strip())[:MAX_BULLETS])
        images = map_distinct(items["additional_image_links"], lambda text: sum(1 for url in text.split("|") if url))
        check.flag(images > MAX_OTHER_IMAGES, "amazon.other_product_image_locator.too_many", "warning",
                   "additional_image_links", f"only the first {MAX_OTHER_IMAGES} additional images are sent")
        open_sale = items["sale_price"].notna() & (items["sale_start"].isna() | items["sale_end"].isna())
        check.flag(open_sale & items["sale_active"], "amazon.discounted_price.no_window", "info", "sale_price",
                   "running sale without both dates: sent as our_price (Amazon's discounted_price needs a window)")
        check.flag(open_sale & ~items["sale_active"], "amazon.discounted_price.no_window", "warning", "sale_price",
                   "future sale without an end date: Amazon's discounted_price needs both dates, so it is sent "
                   "once it has started, as our_price")
        check.duplicate_variants("amazon.variant.duplicate")
        return check.accepted(), check.diagnostics

    # ------------------------------------------------------------------ files
    streams = True  # written a slice at a time (_AmazonFeed)
    track_removals: ClassVar[bool] = True  # Amazon keeps a listing the feed no longer mentions
    read_items = staticmethod(read_items)

    def open(self, market, stage) -> FeedWriter:
        return _AmazonFeed(self, market, stage)


class _AmazonFeed(FeedWriter):
    """Parents and children of the accepted items, a slice at a time, then the withdrawals of removed SKUs
    (each its own group for the split, so the 25,000-message limit holds for them too). Files are cut as
    `split_points` cuts (whole styles per file); a feed that needs a second file has its first renamed to
    part 1, and a market with no message gets no file."""

    def __init__(self, channel: AmazonChannel, market, stage) -> None:
        super().__init__()
        self.channel, self.market, self.stage = channel, market, stage
        self.whole = f"amazon/{market.id.lower()}.json"
        header = {"sellerId": channel.seller_id, "version": "2.0", "issueLocale": ISSUE_LOCALE}
        self.head = b'{"header":' + dumps(header).encode("utf-8") + b',"messages":[\n'
        # every style of the market's view, packed a slice at a time (a removed SKU's parent stays if listed)
        self.styles: list[str] = []
        self.names: list[str] = []
        self.children: list[int] = []
        self.count = 0  # messages in the open file
        self._open: tuple[Any, BinaryIO] | None = None  # the file being written: its context and handle
        self.files.callback(self._abandon)

    def add(self, items: pd.DataFrame, market_offers) -> None:
        styles = market_offers.offers["style_id"].astype(str).unique().tolist()
        if styles:
            self.styles.append(pack_skus(styles))
        if items.empty:
            return
        items = items.sort_values(["style_id", "sku"], kind="stable")
        groups = _runs(items["style_id"].tolist())
        self._write([size + 1 for _, size in groups], listing_messages(items, groups, self.market))

    def close(self, removed: Removals = NO_REMOVALS) -> list[Artifact]:
        if removed.skus:
            styles = {style for packed in self.styles for style in packed.split(SKU_SEPARATOR)}
            withdrawals = removal_messages(removed, self.market, PRODUCT_TYPE, styles)
            self._write([1] * len(withdrawals), ((False, dumps(m)[1:]) for m in withdrawals))
        self._end_file()
        self.files.close()
        part_of = None if len(self.names) == 1 else self.whole
        return [Artifact(self.channel.name, self.market.id, name, children, part_of)
                for name, children in zip(self.names, self.children, strict=True)]

    def _write(self, sizes: list[int], messages: Iterator[tuple[bool, str]]) -> None:
        """`sizes`: the messages of each group, in order, as split_points counts them."""
        limit = self.channel.max_messages
        for size in sizes:
            if self._open is None or (self.count and self.count + size > limit):
                self._next_file()
            while self.count + size > limit:  # a group alone over the limit fills this file and goes on
                take = limit - self.count
                self._put(itertools.islice(messages, take))
                size -= take
                self._next_file()
            self._put(itertools.islice(messages, size))

    def _put(self, messages: Iterable[tuple[bool, str]]) -> None:
        texts, children, first = [], 0, self.count + 1
        for message_id, (is_child, body) in enumerate(messages, start=first):
            texts.append(f'{{"messageId":{message_id},{body}')
            children += is_child
        if not texts:
            return
        assert self._open is not None
        handle = self._open[1]
        handle.write((b",\n" if first > 1 else b"") + ",\n".join(texts).encode("utf-8"))
        self.count += len(texts)
        self.children[-1] += children

    def _next_file(self) -> None:
        self._end_file()
        if len(self.names) == 1:  # a second file: the first is part 1
            self.stage.rename(self.whole, part_name(self.whole, 1))
            self.names[0] = part_name(self.whole, 1)
        name = self.whole if not self.names else part_name(self.whole, len(self.names) + 1)
        context = self.stage.open(name)
        handle = context.__enter__()
        handle.write(self.head)
        self._open = (context, handle)
        self.names.append(name)
        self.children.append(0)
        self.count = 0

    def _end_file(self) -> None:
        if self._open is not None:
            context, handle = self._open
            handle.write(b"\n]}\n")
            self._open = None
            context.__exit__(None, None, None)

    def _abandon(self) -> None:
        """After an error: the open file is closed (the stage goes with the failed build)."""
        if self._open is not None:
            context, self._open = self._open[0], None
            context.__exit__(RuntimeError, RuntimeError("abandoned"), None)


def _runs(values: list[str]) -> list[tuple[str, int]]:
    """(value, length) of each run of equal consecutive values: the styles of sorted items."""
    return [(value, len(list(run))) for value, run in itertools.groupby(values)]


def _batched(iterator: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterator)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _fit_bytes(text: str) -> str:
    """Shorten at a word boundary until the UTF-8 encoding fits Amazon's byte limit."""
    limit = MAX_DESCRIPTION_BYTES
    while len(text.encode("utf-8")) > MAX_DESCRIPTION_BYTES:
        limit -= max(1, (len(text.encode("utf-8")) - MAX_DESCRIPTION_BYTES) // 4)
        text = shorten(text, limit)
    return text
