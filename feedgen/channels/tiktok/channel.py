"""TikTok catalogs: `tiktok/<market>.csv`, one feed per market, since a TikTok catalog targets one
country in one currency (facts.py has the sources).

The same resolved offers as every other channel: price and sale price in the market's currency
(`1299.00 NOK`), the sale window in the market's time zone, availability, the market's size, the
localized texts, item group = style_id. TikTok keeps one item per `sku_id` and replaces it when the
id comes again; a scheduled feed is the catalog's list, so a SKU that left the catalogue is left out
(no removal tracking). `read_items` reads a file back for `feedgen diff`, the report and the manifest.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pandas as pd

from feedgen.channels.base import (
    CsvFeedWriter, FeedWriter, VARIANT_ATTRIBUTES, Channel, RuleCheck, text_list, working_copy,
)
from feedgen.channels.csvout import needs_neutralising, read_rows
from feedgen.channels.tiktok.facts import (
    FILE_LIMIT, AVAILABILITY, COLUMNS, IMAGE_SUFFIXES, MAX_ADDITIONAL_IMAGES, SHORTENED, TEXT_FIELDS,
)
from feedgen.columns import map_distinct
from feedgen.diagnostics import Diagnostic
from feedgen.load.offer_schema import CUSTOM_LABELS, offer_columns
from feedgen.load.pricing import format_amounts
from feedgen.text import shorten, strip_html

# What TikTok refuses in sku_id and title: control characters (C0, DEL, C1; tab and line breaks too)
# and emoji (the pictographic blocks, dingbats and symbols, variation selector 16, the zero-width joiner).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(" {2,}")
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]")


class TikTokChannel(Channel):
    name: ClassVar[str] = "tiktok"
    streams = True
    required_fields: ClassVar[tuple[str, ...]] = ("price", "title", "description", "image_link", "brand")
    file_limit = FILE_LIMIT
    reads: ClassVar[frozenset[str]] = offer_columns(
        "sku", "style_id", "title", "description", "link", "image_link", "additional_image_links", "availability",
        "condition", "price", "sale_price", "sale_effective_date", "currency", "brand", "gtin", "gtin_valid", "mpn",
        "google_product_category", "product_type", CUSTOM_LABELS, "color", "size", "gender", "age_group", "material")
    text_limits: ClassVar[dict[str, int]] = dict(SHORTENED)

    def prepare(self, market_offers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]:
        market = market_offers.market
        items = working_copy(market_offers.offers)
        items["description"] = map_distinct(items["description"], strip_html)
        check = RuleCheck(items, self.name, market.id, blocked, market_offers.reported)
        self._clean_titles(items, check)
        for field in ("price", "title", "description", "link", "image_link", "brand"):
            check.missing(field, f"tiktok.{field}.missing")
        check.flag(map_distinct(items["sku"].astype(str), lambda text: bool(CONTROL.search(text))),
                   "tiktok.sku_id.control_character", "error", "sku",
                   "sku_id contains a control character (tab, line break …), which TikTok does not allow; fix: "
                   "rename the SKU")
        for field in ("link", "image_link"):
            value = items[field].astype(str)
            check.flag(value.ne("") & ~value.str.match(r"https?://"), f"tiktok.{field}.not_http", "error", field,
                       f"{field} {{value!r}} must start with http:// or https://")
        check.flag(map_distinct(items["image_link"].astype(str), _not_jpeg_or_png), "tiktok.image_link.format",
                   "warning", "image_link", "image_link {value!r} does not end in .jpg, .jpeg or .png; TikTok takes "
                   "JPEG or PNG images only")
        check.flag(map_distinct(items["sku"], needs_neutralising), "tiktok.sku_id.formula_prefix", "error", "sku",
                   "sku_id {value!r} starts with = + - or @; a CSV feed can only carry it with a leading apostrophe, "
                   "which would no longer match the TikTok pixel's content_id or the other channels; rename the SKU")
        check.flag(map_distinct(items["style_id"], needs_neutralising), "tiktok.item_group_id.formula_prefix",
                   "warning", "style_id", "item_group_id {value!r} starts with = + - or @ and is sent as '{value}")
        images = map_distinct(items["additional_image_links"], lambda links: len([u for u in links.split("|") if u]))
        check.flag(images > MAX_ADDITIONAL_IMAGES, "tiktok.additional_image_link.too_many", "warning",
                   "additional_image_links", f"only the first {MAX_ADDITIONAL_IMAGES} additional images are sent")
        for field, limit in SHORTENED.items():
            long = items[field].str.len() > limit
            check.flag(long, f"tiktok.{field}.shortened", "warning", field,
                       f"{field} was longer than {limit} characters and was shortened at a word boundary")
            items.loc[long, field] = items.loc[long, field].map(lambda text, n=limit: shorten(text, n))
        for field in TEXT_FIELDS:
            check.flag(map_distinct(items[field].astype(str), needs_neutralising), f"tiktok.{field}.formula_like",
                       "warning", field, "starts with = + - or @: written with a leading apostrophe so spreadsheets "
                       "do not run it")
        # the feed has no size_system column: two sizes that differ only in it look the same on TikTok
        check.duplicate_variants("tiktok.variant.duplicate", tuple(a for a in VARIANT_ATTRIBUTES if a != "size_system"))
        return check.accepted(), check.diagnostics

    @staticmethod
    def _clean_titles(items: pd.DataFrame, check: RuleCheck) -> None:
        """TikTok refuses titles with control or function characters or emoji: they are taken out
        (a control character becomes a space), with a warning that names the title as it was."""
        cleaned = map_distinct(items["title"].astype(str), clean_title)
        changed = cleaned.ne(items["title"].astype(str))
        check.flag(changed, "tiktok.title.cleaned", "warning", "title",
                   "title {value!r} has emoji, control or invisible formatting characters, which TikTok does not "
                   "allow: they were left out; fix: remove them in the catalogue or its translation")
        items.loc[changed, "title"] = cleaned[changed]

    def open(self, market, stage) -> FeedWriter:
        """Column by column (csvout.CsvFeed): every distinct cell of a slice is escaped once."""
        return CsvFeedWriter(self, market, stage, f"tiktok/{market.id.lower()}.csv", COLUMNS, feed_columns)

    @staticmethod
    def read_items(path: Path) -> dict[str, dict[str, str]]:  # type: ignore[override]  # the base's ClassVar
        """A written feed back as {sku_id: {column: text}}, cells restored, empty cells left out."""
        return read_rows(path, "sku_id")


def clean_title(text: str) -> str:
    """The title without emoji and format characters (Unicode Cf: bidi overrides, zero-width joiners,
    BOM), control characters as spaces, runs of spaces as one."""
    text = EMOJI.sub("", CONTROL.sub(" ", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SPACES.sub(" ", text).strip()


def _not_jpeg_or_png(url: str) -> bool:
    return url != "" and not urlsplit(url).path.lower().endswith(IMAGE_SUFFIXES)


def feed_columns(items: pd.DataFrame) -> list[list[str]]:
    """The cells of a feed, one list per column of COLUMNS."""
    currency = items["currency"].tolist()
    sale = items["sale_price"].notna().tolist()
    images = {value: ",".join([url for url in value.split("|") if url][:MAX_ADDITIONAL_IMAGES])
              for value in dict.fromkeys(items["additional_image_links"].tolist())}
    cells = {
        "sku_id": text_list(items["sku"]),
        "item_group_id": text_list(items["style_id"]),
        "availability": [AVAILABILITY[value] for value in items["availability"].tolist()],
        "price": format_amounts(items["price"], currency),
        "sale_price": format_amounts(items["sale_price"], currency),
        "sale_price_effective_date": [text if on else "" for text, on in
                                      zip(text_list(items["sale_effective_date"]), sale, strict=True)],
        "additional_image_link": [images[value] for value in items["additional_image_links"].tolist()],
        "gtin": [gtin if valid else "" for gtin, valid in
                 zip(text_list(items["gtin"]), items["gtin_valid"].tolist(), strict=True)],
    }
    blank = [""] * len(items)  # rules' custom labels may be absent
    return [cells[column] if column in cells else text_list(items[column]) if column in items else blank
            for column in COLUMNS]

