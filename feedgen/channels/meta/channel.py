"""Meta (Facebook / Instagram) catalog feeds as CSV; see SPECS.md Part A §2.

Two layouts, chosen by `[meta] layout` in markets.toml:

`localized` (default; what Meta recommends for one brand in many markets, "Localized Catalog
Setup", developers.facebook.com/documentation/ads-commerce/catalog/localized-catalog):
- `meta/main.csv`: the default data, one row per item, from the project's `default_market` in its
  language (the source language in the sample). Meta requires price, availability and link in
  every main item, so they are the default market's. The main feed carries no sale_price: an empty
  cell in an override feed means "no change" (override feeds hold "only the fields you wish to
  change"), so a sale in the main feed would leak into every country that has none of its own.
- `meta/country-<market>.csv`: `override` = the market's ISO country (GB, not UK) with price,
  sale_price, sale_price_effective_date, availability, link, size (its size system) and status.
  Every market with the meta channel gets one, the default market too, so a country's price
  always comes from that country's row and main only serves countries we do not sell in. An item
  rejected for a market gets `status = archived` there instead of falling back to another
  country's price. Price, sale price, availability and status may only be overridden in country
  feeds (Meta, "Localized Catalog: Supported Fields").
- `meta/language-<code>.csv`: `override` = Meta's language code, with title, description, color and
  material; one per language other than the main feed's, written by the first market in it.

If a build does not include the default market (`feedgen build --market se`), main.csv is not
rewritten: the previous one stays in output/ (publishing only replaces files this build wrote) and
a diagnostic says so (`meta.main.not_built`: info when an earlier main.csv exists, else warning).
Writing main from another market instead would silently change the default price for every
country without an override.

`per_market`: `meta/<market>.csv`, a complete feed per market, for accounts with one catalog each.

Cells are RFC 4180 CSV via csvout (formula-like cells neutralised there); ids are never sent
neutralised: an item whose id would need it is left out of Meta (`meta.id.formula_prefix`, see prepare).

No removal tracking (`track_removals`): Meta treats a scheduled feed file as the whole truth and
deletes items missing from it, so leaving a removed SKU out is the delete. `read_items` reads any
of these files back for `feedgen diff` and the report; what a market pays is in its country feed
(localized) or its own feed (per_market).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import ClassVar

import pandas as pd

from feedgen.load.categories import kind_column
from feedgen.channels.base import (
    NO_REMOVALS, Artifact, Channel, FeedWriter, Removals, RuleCheck, text_list, working_copy,
)
from feedgen.channels.csvout import CsvFeed, needs_neutralising, restore
from feedgen.channels.meta.settings import SETTINGS, layout
from feedgen.channels.meta.facts import (
    FILE_LIMIT, APPAREL_FIELDS, AVAILABILITY, COUNTRY_COLUMNS, FULL_COLUMNS, LANGUAGE_COLUMNS, LIMITS, MAIN_COLUMNS,
    MAX_ADDITIONAL_IMAGES, SHORTENED, TEXT_FIELDS, language_code,
)
from feedgen.columns import iter_skus, map_distinct, missing_from, pack_skus
from feedgen.diagnostics import Diagnostic
from feedgen.errors import InputError
from feedgen.config.markets import MarketConfig
from feedgen.load.offer_schema import CUSTOM_LABELS, offer_columns
from feedgen.load.pricing import format_amounts
from feedgen.packs import PackRuns, SkuPack
from feedgen.text import shorten, strip_html

class MetaChannel(Channel):
    name: ClassVar[str] = "meta"
    streams = True
    required_fields: ClassVar[tuple[str, ...]] = ("price", "title", "description", "image_link", "brand", "style_id")
    settings = SETTINGS
    file_limit = FILE_LIMIT
    reads: ClassVar[frozenset[str]] = offer_columns(
        "sku", "style_id", "title", "description", "link", "image_link", "additional_image_links", "availability",
        "condition", "price", "sale_price", "sale_effective_date", "currency", "brand", "gtin", "gtin_valid", "mpn",
        "google_product_category", "fb_product_category", "product_type", CUSTOM_LABELS, "color", "size",
        "size_system", "gender", "age_group", "material")

    def __init__(self, config: MarketConfig) -> None:
        super().__init__(config)
        self.layout = layout(config)
        default = config.markets[config.project.default_market]
        if self.layout == "localized" and "meta" not in default.channels:
            raise InputError(config.path, f"project.default_market: {default.id} does not sell on Meta, but the "
                             "localized Meta layout takes its main feed from the default market; add \"meta\" to "
                             f"markets.{default.id}.channels, choose another default_market, or use [meta] layout = "
                             "\"per_market\"")
        self.main_market = default.id
        self.main_language = default.language
        self._rejected: dict[str, set[str]] = {}  # market -> SKUs our rules rejected there
        # market -> {"ids": SKUs with overrides, "main_ids": SKUs of main.csv (default market only)}, each a
        # SkuPack (sorted, in a file, known here by its digest): what `finish` compares; kept per market so
        # parallel and reused builds hand it over
        self._states: dict[str, dict[str, SkuPack | None]] = {}
        self._language_writers: dict[str, str] | None = None  # language code -> market that writes it
        self._languages: set[str] = set()

    def plan(self, markets: list) -> None:
        """Before any market is built: each language feed is written by the first market of the
        build in that language, whichever process builds it (see feedgen.pipeline.parallel)."""
        self._language_writers = {}
        for market in markets:
            if market.language != self.main_language:
                self._language_writers.setdefault(language_code(market.language), market.id)

    def export_state(self, market_id: str) -> dict | None:
        """What `finish` needs from a market, as JSON-ready data; the market's own process calls this."""
        return self._states.pop(market_id, None)

    def import_state(self, market_id: str, state: dict | None) -> None:
        """Called in market order by the build, with a state from export_state (or a reused build)."""
        if state is not None:
            self._states[market_id] = state

    # ------------------------------------------------------------------ rules
    def prepare(self, market_offers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]:
        market = market_offers.market
        if self.layout == "localized" and market.language != self.main_language and not language_code(market.language):
            raise InputError(self.config.path, f"markets.{market.id}.language: Meta has no language override code for "
                             f"{market.language!r} known to feedgen (see LANGUAGE_OVERRIDES in feedgen/channels/meta/facts.py); "
                             "use [meta] layout = \"per_market\" or add the code")
        items = working_copy(market_offers.offers)
        items["description"] = map_distinct(items["description"], strip_html)  # Meta wants plain text
        check = RuleCheck(items, self.name, market.id, blocked, market_offers.reported)
        check.missing("price", "meta.price.missing")
        check.missing("link", "meta.link.missing")
        for field, limit in LIMITS.items():
            rule = {"sku": "id", "style_id": "item_group_id"}.get(field, field)
            check.too_long(field, limit, f"meta.{rule}.too_long")
        # Identifiers are never rewritten: csvout would write SKU `=A1` as `'=A1`, and Meta reads the
        # cell literally, so the catalog item's id would no longer equal the pixel/CAPI content_ids,
        # the override feeds' ids or the SKU in Google and Amazon. Nothing would flag the mismatch,
        # so the item is left out of Meta (error) until the SKU is renamed. item_group_id only groups
        # variants inside Meta, which the prefixed value (the same for every variant) still does;
        # product_group content_ids and reports lose the match, so a warning names the value sent.
        check.flag(map_distinct(items["sku"], needs_neutralising), "meta.id.formula_prefix", "error", "sku",
                   "id {value!r} starts with = + - or @; a CSV feed can only carry it with a leading apostrophe, "
                   "which would no longer match the pixel/CAPI content_id or the other channels; rename the SKU")
        check.flag(map_distinct(items["style_id"], needs_neutralising), "meta.item_group_id.formula_prefix",
                   "warning", "style_id", "item_group_id {value!r} starts with = + - or @ and is sent as '{value}, "
                   "which differs from the other channels and from product_group content_ids")
        kinds = kind_column(items["google_product_category"])
        for field, needed_by in APPAREL_FIELDS.items():  # required by Shops for apparel and shoes (SPECS.md §2.2)
            check.missing(field, f"meta.{field}.missing", "warning", why=" by Shops for apparel and shoes",
                          only=kinds.isin(needed_by))
        check.flag(~items["link"].str.startswith("https://"), "meta.link.not_https", "warning", "link",
                   "link should use https")
        check.flag(items["image_link"].ne("") & ~items["image_link"].str.startswith("https://"),
                   "meta.image_link.not_https", "warning", "image_link", "image_link should use https")
        images = map_distinct(items["additional_image_links"], lambda links: links.count("|") + 1)  # str.split's length
        check.flag(images > MAX_ADDITIONAL_IMAGES, "meta.additional_image_link.too_many", "warning",
                   "additional_image_links", f"only the first {MAX_ADDITIONAL_IMAGES} additional images are sent")
        for field, limit in SHORTENED.items():
            long = items[field].str.len() > limit
            check.flag(long, f"meta.{field}.shortened", "warning", field,
                       f"{field} was longer than {limit} characters and was shortened at a word boundary")
            items.loc[long, field] = items.loc[long, field].map(lambda text, n=limit: shorten(text, n))
        for field in TEXT_FIELDS:
            check.flag(map_distinct(items[field].astype(str), needs_neutralising), f"meta.{field}.formula_like", "warning", field,
                       "starts with = + - or @: written with a leading apostrophe so spreadsheets do not run it")
        check.duplicate_variants("meta.variant.duplicate")
        # Archived in the country feed, so Meta never falls back to main's (another country's) price:
        # what our checks rejected, what catalogue errors blocked, and what rules left out for Meta here.
        blocked_skus = set(market_offers.offers.loc[blocked, "sku"])
        self._rejected[market.id] = set(items.loc[check.rejected, "sku"]) | blocked_skus | set(market_offers.excluded)
        return check.accepted(), check.diagnostics

    # ------------------------------------------------------------------ files
    def open(self, market, stage) -> FeedWriter:
        """Column by column (csvout.CsvFeed): every distinct cell of a slice is escaped once."""
        return _MetaFeeds(self, market, stage)

    def finish(self, stage) -> tuple[list[Artifact], list[Diagnostic]]:
        if self.layout != "localized":
            return [], []
        main = self._states.get(self.main_market, {}).get("main_ids")
        if main is None:
            kept = any((stage.out_dir / "meta").glob("main*.csv"))  # main.csv, or its parts main-001.csv …
            message = (f"the main feed comes from the default market {self.main_market}, which this build did not include: "
                       + ("the main.csv of an earlier build stays in place" if kept else
                          "there is no main.csv yet, and override feeds alone list nothing; build "
                          f"{self.main_market} too"))
            return [], [Diagnostic("meta.main.not_built", "info" if kept else "warning", message,
                                   market=self.main_market, channel=self.name)]
        diagnostics = []
        main_text = None  # read once, and only if some market differs
        for market_id, state in self._states.items():
            ids = state["ids"]
            if ids == main:
                continue  # the same digest: every SKU the market accepted is in the main feed (the usual case)
            assert ids is not None
            main_text = main.text() if main_text is None else main_text
            for sku in missing_from(ids.skus(), iter_skus(main_text)):  # two sorted packs, compared as read
                diagnostics.append(Diagnostic(
                    "meta.override.not_in_main", "warning",
                    f"accepted for {market_id} but not in the main feed ({self.main_market} rejected it): Meta ignores "
                    "override rows whose id is not in the main feed",
                    sku=sku, market=market_id, channel=self.name, field="id"))
        return [], diagnostics

    @staticmethod
    def read_items(path: Path) -> dict[str, dict[str, str]]:
        """A written feed back as {id: {column: text}}, cells un-neutralised and empty cells left
        out (an empty override cell means "no change"). Rows with status `archived` are left out:
        they withdraw an item from a country rather than list it, as the manifest counts them."""
        items: dict[str, dict[str, str]] = {}
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                fields = {column: restore(value) for column, value in row.items() if column and value}
                if fields.get("status") != "archived":
                    items[fields.get("id", "")] = fields
        return items


def _full_columns(items: pd.DataFrame, columns: tuple[str, ...]) -> list[list[str]]:
    """The cells of a main or per-market feed, one list per column of `columns`."""
    sale = items["sale_price"].notna().tolist()
    images = {value: ",".join([url for url in value.split("|") if url][:MAX_ADDITIONAL_IMAGES])
              for value in dict.fromkeys(items["additional_image_links"].tolist())}
    currency = items["currency"].tolist()
    cells = {
        "id": text_list(items["sku"]),
        "availability": [AVAILABILITY[value] for value in items["availability"].tolist()],
        "price": format_amounts(items["price"], currency),
        "sale_price": format_amounts(items["sale_price"], currency),
        "sale_price_effective_date": [text if on else "" for text, on in
                                      zip(text_list(items["sale_effective_date"]), sale)],
        "additional_image_link": [images[value] for value in items["additional_image_links"].tolist()],
        "gtin": [gtin if valid else "" for gtin, valid in zip(text_list(items["gtin"]), items["gtin_valid"].tolist())],
        "item_group_id": text_list(items["style_id"]),
        "status": ["active"] * len(items),
    }
    blank = [""] * len(items)  # optional columns (categories, rules' custom labels) may be absent
    return [cells[column] if column in cells else text_list(items[column]) if column in items else blank
            for column in columns]



class _MetaFeeds(FeedWriter):
    """A market's Meta files, a slice at a time: its per-market feed, or (localized layout) main.csv when it
    is the main market, its country override feed and, when it writes its language, the language feed."""

    def __init__(self, channel: MetaChannel, market, stage) -> None:
        super().__init__()
        self.channel, self.market = channel, market
        limit = channel.part_limit()
        self.feeds: list[tuple[str, CsvFeed]] = []  # (market of the artifacts, feed), in the order they are listed
        self.per_market = channel.layout == "per_market"
        self.main: CsvFeed | None = None  # main.csv, or the per-market feed
        self.country: CsvFeed | None = None
        self.language: CsvFeed | None = None
        self.code = ""
        self.stage = stage
        self.ids: PackRuns | None = None  # the accepted SKUs of each slice, sorted, on disk (feedgen.packs)
        self.main_ids: PackRuns | None = None
        if self.per_market:
            self.main = self._feed(market.id, stage, f"meta/{market.id.lower()}.csv", FULL_COLUMNS, limit)
            return
        self.ids = PackRuns(stage.scratch())
        if market.id == channel.main_market:
            self.main = self._feed("", stage, "meta/main.csv", MAIN_COLUMNS, limit)
            self.main_ids = PackRuns(stage.scratch())
        self.country = self._feed(market.id, stage, f"meta/country-{market.id.lower()}.csv", COUNTRY_COLUMNS, limit)
        code = language_code(market.language)
        if channel._language_writers is not None:
            writes_language = channel._language_writers.get(code) == market.id
        else:  # not planned: the first market in the language that gets here
            writes_language = code not in channel._languages
        if market.language != channel.main_language and writes_language:
            channel._languages.add(code)
            self.code = code or ""
            self.language = self._feed("", stage, f"meta/language-{code}.csv", LANGUAGE_COLUMNS, limit)

    def _feed(self, market_id: str, stage, relative: str, header: tuple[str, ...], limit) -> CsvFeed:
        feed = self.files.enter_context(CsvFeed(stage, relative, header, limit))
        self.feeds.append((market_id, feed))
        return feed

    def add(self, items: pd.DataFrame, market_offers) -> None:
        market = self.market
        groups = text_list(items["style_id"])
        if self.per_market:
            assert self.main is not None
            self.main.add(_full_columns(items, FULL_COLUMNS), groups=groups)
            return
        if self.main_ids is not None:
            assert self.main is not None
            self.main.add(_full_columns(items, MAIN_COLUMNS), groups=groups)
            self.main_ids.add(pack_skus(sorted(items["sku"].tolist())))
        rejected = sorted(self.channel._rejected.get(market.id, set()))
        sale = items["sale_price"].notna().tolist()
        accepted = {
            "id": text_list(items["sku"]),
            "override": [market.country] * len(items),
            "status": ["active"] * len(items),
            "availability": [AVAILABILITY[value] for value in items["availability"].tolist()],
            "price": format_amounts(items["price"], items["currency"].tolist()),
            "sale_price": format_amounts(items["sale_price"], items["currency"].tolist()),
            "sale_price_effective_date": [text if on else "" for text, on in
                                          zip(text_list(items["sale_effective_date"]), sale)],
            "link": text_list(items["link"]),
            "size": text_list(items["size"]),
        }
        archived = {"id": rejected, "override": [market.country] * len(rejected),
                    "status": ["archived"] * len(rejected)}
        ids = accepted["id"] + rejected
        order = sorted(range(len(ids)), key=ids.__getitem__)  # one file sorted by id: active and archived
        columns = []
        for column in COUNTRY_COLUMNS:
            values = accepted[column] + archived.get(column, [""] * len(rejected))
            columns.append([values[index] for index in order])
        # an archived row goes with its style where the market still has it (else it is a group of its own)
        style_of = dict(zip(text_list(market_offers.offers["sku"]), text_list(market_offers.offers["style_id"]),
                            strict=True))
        row_groups = groups + [style_of.get(sku, sku) for sku in rejected]
        assert self.country is not None
        self.country.add(columns, groups=[row_groups[index] for index in order],
                         counted=[index < len(items) for index in order])
        assert self.ids is not None
        self.ids.add(pack_skus(sorted(accepted["id"])))
        if self.language is not None:
            self.language.add([
                text_list(items["sku"]), [self.code] * len(items),
                *(text_list(items[field]) for field in ("title", "description", "color", "material")),
            ], groups=groups)

    def close(self, removed: Removals = NO_REMOVALS) -> list[Artifact]:
        self.files.close()
        if not self.per_market:  # the market's SKUs go to files; the building process gets their digests
            assert self.ids is not None
            self.channel._states[self.market.id] = {
                "ids": self.ids.write(), "main_ids": None if self.main_ids is None else self.main_ids.write()}
            self.ids, self.main_ids = None, None
        return [artifact for market_id, feed in self.feeds
                for artifact in self.channel.artifacts(market_id, feed.parts())]
