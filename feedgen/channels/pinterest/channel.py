"""Pinterest catalogs: `pinterest/<market>.csv`, one data source per market (facts.py says why CSV
and why one per market).

Every cell comes from the same resolved offers as Google's and Meta's: price and sale price in the
market's currency (`1299.00 NOK`, format_amount), the sale window in the market's time zone,
availability, the market's size and size system, the localized texts, item group = style_id.

Pinterest replaces a catalog's items with each fetch of the data source, so a SKU that left the
catalogue is deleted by leaving it out: no removal tracking. `read_items` reads a file back for
`feedgen diff`, the report grid and the manifest counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pandas as pd

from feedgen.channels.base import CsvFeedWriter, FeedWriter, Channel, RuleCheck, text_list, working_copy
from feedgen.channels.csvout import needs_neutralising, read_rows
from feedgen.channels.pinterest.facts import (
    FILE_LIMIT, AVAILABILITY, COLUMNS, CUSTOM_LABEL_LIMIT, LIMITS, LOCALES, MAX_ADDITIONAL_IMAGES, SHORTENED,
    TEXT_FIELDS,
)
from feedgen.columns import map_distinct
from feedgen.diagnostics import Diagnostic
from feedgen.errors import InputError
from feedgen.load.offer_schema import CUSTOM_LABELS, offer_columns
from feedgen.load.pricing import format_amounts
from feedgen.text import shorten, strip_html

_RULE_NAMES = {"sku": "id", "style_id": "item_group_id"}  # offer column -> Pinterest column, for rule ids


class PinterestChannel(Channel):
    name: ClassVar[str] = "pinterest"
    streams = True
    required_fields: ClassVar[tuple[str, ...]] = ("price", "title", "description", "image_link")
    file_limit = FILE_LIMIT
    reads: ClassVar[frozenset[str]] = offer_columns(
        "sku", "style_id", "title", "description", "link", "image_link", "additional_image_links", "availability",
        "condition", "price", "sale_price", "sale_effective_date", "currency", "brand", "gtin", "gtin_valid", "mpn",
        "google_product_category", "product_type", CUSTOM_LABELS, "color", "size", "size_system", "gender",
        "age_group", "material")
    # ItemAttributes title 500, description 10000 (facts.py): what translators may use.
    text_limits: ClassVar[dict[str, int]] = {"title": SHORTENED["title"], "description": SHORTENED["description"]}

    # ------------------------------------------------------------------ rules
    def prepare(self, market_offers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]:
        market = market_offers.market
        if market.locale not in LOCALES:
            raise InputError(self.config.path, f"markets.{market.id}.locale: Pinterest has no catalog locale for "
                             f"{market.locale!r} known to feedgen (see LOCALES in "
                             "feedgen/channels/pinterest/facts.py); "
                             f"remove \"pinterest\" from markets.{market.id}.channels or add the locale")
        items = working_copy(market_offers.offers)
        items["description"] = map_distinct(items["description"], strip_html)  # Pinterest wants plain text
        check = RuleCheck(items, self.name, market.id, blocked, market_offers.reported)
        for field in ("price", "title", "description", "link", "image_link"):
            check.missing(field, f"pinterest.{field}.missing")
        for field, limit in LIMITS.items():
            rule = _RULE_NAMES.get(field, field)
            check.too_long(field, limit, f"pinterest.{rule}.too_long")
        for field in ("link", "image_link"):
            value = items[field].astype(str)
            check.flag(value.ne("") & ~value.str.match(r"https?://"), f"pinterest.{field}.not_http", "error", field,
                       f"{field} {{value!r}} must start with http:// or https://")
        check.flag(items["image_link"].str.contains(",", regex=False), "pinterest.image_link.unencoded_comma", "error",
                   "image_link", "image_link {value!r} contains a comma, which Pinterest reads as a list separator; "
                   "encode it as %2C in the catalogue")
        # Ids are never sent with csvout's apostrophe: Pinterest would store `'=A1`, which matches neither the
        # tag's product ids nor the other channels (as for Meta: SKUs like this are renamed, not escaped).
        check.flag(map_distinct(items["sku"], needs_neutralising), "pinterest.id.formula_prefix", "error", "sku",
                   "id {value!r} starts with = + - or @; a CSV feed can only carry it with a leading apostrophe, "
                   "which would no longer match the Pinterest tag or the other channels; rename the SKU")
        check.flag(map_distinct(items["style_id"], needs_neutralising), "pinterest.item_group_id.formula_prefix",
                   "warning", "style_id", "item_group_id {value!r} starts with = + - or @ and is sent as '{value}")
        self._images(items, check)
        for field, limit in {**SHORTENED, **{label: CUSTOM_LABEL_LIMIT for label in CUSTOM_LABELS}}.items():
            if field not in items.columns:
                continue
            long = items[field].astype(str).str.len() > limit
            check.flag(long, f"pinterest.{field}.shortened", "warning", field,
                       f"{field} was longer than {limit} characters and was shortened at a word boundary")
            items.loc[long, field] = items.loc[long, field].map(lambda text, n=limit: shorten(text, n))
        for field in TEXT_FIELDS:
            check.flag(map_distinct(items[field].astype(str), needs_neutralising), f"pinterest.{field}.formula_like",
                       "warning", field, "starts with = + - or @: written with a leading apostrophe so spreadsheets "
                       "do not run it")
        check.duplicate_variants("pinterest.variant.duplicate")
        return check.accepted(), check.diagnostics

    @staticmethod
    def _images(items: pd.DataFrame, check: RuleCheck) -> None:
        """additional_image_links ('|'-separated) -> Pinterest's cell: at most 10 URLs joined by commas.
        A URL with a comma of its own would split in two there, so it is left out (with a warning)."""
        def cell(links: str) -> tuple[str, bool, bool]:
            urls = [url for url in links.split("|") if url]
            usable = [url for url in urls if "," not in url]
            dropped, too_many = len(usable) < len(urls), len(usable) > MAX_ADDITIONAL_IMAGES
            return ",".join(usable[:MAX_ADDITIONAL_IMAGES]), dropped, too_many

        cells = map_distinct(items["additional_image_links"], cell)
        check.flag(cells.str[1].astype(bool), "pinterest.additional_image_link.unencoded_comma", "warning",
                   "additional_image_links", "an additional image URL contains a comma, which Pinterest reads as a "
                   "list separator; it is left out (encode it as %2C in the catalogue)")
        check.flag(cells.str[2].astype(bool), "pinterest.additional_image_link.too_many", "warning",
                   "additional_image_links", f"only the first {MAX_ADDITIONAL_IMAGES} additional images are sent")
        items["additional_image_link"] = cells.str[0]

    # ------------------------------------------------------------------ files
    def open(self, market, stage) -> FeedWriter:
        """Column by column (csvout.CsvFeed): every distinct cell of a slice is escaped once."""
        return CsvFeedWriter(self, market, stage, f"pinterest/{market.id.lower()}.csv", COLUMNS, feed_columns)

    @staticmethod
    def read_items(path: Path) -> dict[str, dict[str, str]]:  # type: ignore[override]  # the base's ClassVar
        """A written feed back as {id: {column: text}}, cells restored, empty cells left out."""
        return read_rows(path, "id")


def feed_columns(items: pd.DataFrame) -> list[list[str]]:
    """The cells of a feed, one list per column of COLUMNS."""
    currency = items["currency"].tolist()
    sale = items["sale_price"].notna().tolist()
    cells = {
        "id": text_list(items["sku"]),
        "item_group_id": text_list(items["style_id"]),
        "availability": [AVAILABILITY[value] for value in items["availability"].tolist()],
        "price": format_amounts(items["price"], currency),
        "sale_price": format_amounts(items["sale_price"], currency),
        "sale_price_effective_date": [text if on else "" for text, on in
                                      zip(text_list(items["sale_effective_date"]), sale, strict=True)],
        "gtin": [gtin if valid else "" for gtin, valid in
                 zip(text_list(items["gtin"]), items["gtin_valid"].tolist(), strict=True)],
    }
    blank = [""] * len(items)  # rules' custom labels may be absent
    return [cells[column] if column in cells else text_list(items[column]) if column in items else blank
            for column in COLUMNS]

