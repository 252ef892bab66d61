"""Resolve once: the catalogue and one market -> that market's offers.

Everything market-specific is decided here, in one place, and every channel writer and landing
page reads the result. That is what keeps a price identical in the Google feed, the Meta feed,
the Amazon listing and the page: there is only one price to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Protocol
from urllib.parse import quote

import pandas as pd

from feedgen.load.offer_schema import LOCALIZED
from feedgen.load.catalogue import Catalogue
from feedgen.load.categories import kind_column
from feedgen.columns import map_distinct
from feedgen.diagnostics import Diagnostic
from feedgen.config.markets import Market, MarketConfig
from feedgen.load.pricing import MAX_DIGITS, FxTable, convert_column, fits
from feedgen.load.sizes import SIZE_COLUMNS, SizeChart, size_group

LOCALIZED_FIELDS = LOCALIZED  # the localizer's fields, named in the offer schema
CHART_NAMES = {"women": "women's", "men": "men's", "kids": "kids'", "unisex": "men's or women's"}  # for size.unmapped
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]*")  # what urllib.parse.quote(value, safe="") never changes


class Localizer(Protocol):
    """Puts product text into a market's language; see feedgen.i18n for the gettext one."""

    def localize(self, items: pd.DataFrame, market: Market) -> tuple[pd.DataFrame, list[Diagnostic]]:
        """Return items with LOCALIZED_FIELDS in the market's language and a `text_status` column."""

    def localize_product_type(self, offers: pd.DataFrame, market: Market) -> pd.DataFrame:
        """product_type in the market's language; called per channel after rules.toml, whose
        conditions read the source path."""


class LocalizeSession(Protocol):
    """One market localized slice by slice (a localizer's optional `session(market)`): `localize` per slice,
    `finish` once for what only the whole market tells. A localizer without `session` is given the whole
    catalogue in one slice."""

    def localize(self, items: pd.DataFrame) -> tuple[pd.DataFrame, list[Diagnostic]]: ...

    def finish(self) -> list[Diagnostic]: ...


class WholeMarket:
    """The session of a localizer that has none: `localize` as it is, for the one slice it is given."""

    def __init__(self, localizer: Localizer, market: Market) -> None:
        self.localizer, self.market = localizer, market

    def localize(self, items: pd.DataFrame) -> tuple[pd.DataFrame, list[Diagnostic]]:
        return self.localizer.localize(items, self.market)

    def finish(self) -> list[Diagnostic]:
        return []


def localize_session(localizer: Localizer, market: Market) -> LocalizeSession:
    session = getattr(localizer, "session", None)
    return session(market) if session is not None else WholeMarket(localizer, market)


def slices_market(localizer: Localizer) -> bool:
    """Whether the localizer can take a market a slice at a time (it has `session`)."""
    return getattr(localizer, "session", None) is not None


class SourceTextLocalizer:
    """No catalogues: every market gets the source text, and each foreign market says so. It has no
    `session`, so a build gives it each market whole."""

    def __init__(self, source_language: str) -> None:
        self.source_language = source_language

    def localize(self, items: pd.DataFrame, market: Market) -> tuple[pd.DataFrame, list[Diagnostic]]:
        items = items.copy()
        if market.language == self.source_language:
            items["text_status"] = "reviewed"
            return items, []
        items["text_status"] = "source"
        return items, [
            Diagnostic(
                "i18n.untranslated", "warning",
                f"no {market.language} translations loaded: {len(items)} items use the source text",
                market=market.id,
            )
        ]

    def localize_product_type(self, offers: pd.DataFrame, market: Market) -> pd.DataFrame:
        return offers  # the source path, as every other text


@dataclass
class Sources:
    """Everything resolve needs besides the market itself."""

    catalogue: Catalogue
    config: MarketConfig
    fx: FxTable
    sizes: SizeChart
    price_list: pd.DataFrame
    localizer: Localizer
    as_of: date


@dataclass
class MarketOffers:
    market: Market
    offers: pd.DataFrame
    diagnostics: list[Diagnostic]
    excluded: frozenset[str] = frozenset()  # SKUs rules.toml left out of this channel's view of the market
    reported: frozenset[tuple[str, str]] = frozenset()  # (sku, field) of errors reported before the channels


def fill_template(template: str, frame: pd.DataFrame) -> pd.Series:
    """`https://shop/{handle}?variant={sku}` filled per row, values URL-encoded."""
    parts = re.split(r"(\{[a-z_]+\})", template)
    result = pd.Series("", index=frame.index, dtype=object)
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            values = frame[part[1:-1]].astype(str)
            distinct = list(dict.fromkeys(values.tolist()))
            if not _URL_SAFE.fullmatch("".join(distinct)):  # else quote() would return every value as it is
                values = values.map({value: quote(value, safe="") for value in distinct})
            result = result + values
        else:
            result = result + part
    return result


def _sale_window(start: pd.Series, end: pd.Series, market: Market) -> pd.Series:
    """ISO 8601 interval in the market's time zone: from 00:00 on the first day to 23:59 on the last."""
    zone = market.tz

    def stamp(day: date, at: time) -> str:
        return datetime.combine(day, at, tzinfo=zone).isoformat(timespec="minutes")

    pairs = list(zip(start.tolist(), end.tolist()))
    distinct = {
        pair: f"{stamp(pair[0], time(0, 0))}/{stamp(pair[1], time(23, 59))}"
        for pair in dict.fromkeys(pairs)
        if pair[0] is not None and pair[1] is not None
    }
    return pd.Series([distinct.get(pair, "") for pair in pairs], index=start.index, dtype=object)


def _apply_price_list(offers: pd.DataFrame, price_list: pd.DataFrame, market: Market) -> pd.Series:
    """Explicit prices win over conversion: first by SKU, then by style. Returns the mask of overridden rows.

    A row's sale_price replaces the converted sale only where it is filled in: a row that sets just
    the price keeps the catalogue's sale (and its window) in that market."""
    rows = price_list[price_list["market"] == market.id]
    overridden = pd.Series(False, index=offers.index)
    for key in ("style_id", "sku"):  # sku last, so it wins over its style
        keyed = rows[rows[key] != ""].drop_duplicates(key, keep="last").set_index(key)
        if keyed.empty:
            continue
        hit = offers[key].isin(keyed.index)
        offers.loc[hit, "price"] = offers.loc[hit, key].map(keyed["price"])
        sale = offers.loc[hit, key].map(keyed["sale_price"])
        given = sale[sale.notna()]
        offers.loc[given.index, "sale_price"] = given.astype(object)
        overridden |= hit
    return overridden


def resolve(sources: Sources, market: Market, items: pd.DataFrame | None = None,
            session: LocalizeSession | None = None) -> MarketOffers:
    """The market's offers, sorted by SKU: of the whole catalogue, or of the catalogue `items` of one slice
    (feedgen.pipeline.slices) localized through the market's `session`, whose `finish` the caller asks
    after the last slice (without a session, the whole-market diagnostics come with the offers)."""
    project = sources.config.project
    items = sources.catalogue.items if items is None else items
    diagnostics: list[Diagnostic] = []
    if session is None:
        offers, localize_diagnostics = sources.localizer.localize(items, market)
    else:
        offers, localize_diagnostics = session.localize(items)
    diagnostics.extend(localize_diagnostics)

    offers["market"] = market.id
    offers["currency"] = market.currency
    offers["language"] = market.language
    offers["price"] = convert_column(offers["price"], project, market, sources.fx)
    offers["sale_price"] = convert_column(offers["sale_price"], project, market, sources.fx)
    kept = [column for column in ("shop_price", "shop_sale_price") if column in offers.columns]
    if sources.catalogue.prices_market == market.id and kept:
        # The file holds this market's shelf prices: they are the shop's own, kept to the cent, not
        # re-rounded by the market's rule (which only shapes the prices derived for other markets).
        offers["price"], offers["sale_price"] = offers["shop_price"], offers["shop_sale_price"]
    offers = offers.drop(columns=kept)
    _apply_price_list(offers, sources.price_list, market)
    # A shelf price longer than a JSON number carries exactly (after FX, or from prices.csv) is no
    # price: an error for the item, which every channel then leaves out, instead of a crash in Amazon's writer.
    too_large = map_distinct(offers["price"], lambda value: value is not None and not fits(value, market.currency))
    for sku in offers.loc[too_large, "sku"]:
        diagnostics.append(Diagnostic("price.too_large", "error", f"the {market.currency} price has more than "
                                      f"{MAX_DIGITS} digits", sku=sku, market=market.id, field="price"))
    offers.loc[too_large, ["price", "sale_price"]] = None

    # A sale that rounding pushed up to the regular price is no sale.
    has_both = offers["sale_price"].notna() & offers["price"].notna()
    not_below = pd.Series(False, index=offers.index)
    not_below[has_both] = offers.loc[has_both, "sale_price"] >= offers.loc[has_both, "price"]
    for sku in offers.loc[not_below, "sku"]:
        diagnostics.append(Diagnostic("price.sale_not_below_price", "warning",
                                      "after conversion and rounding the sale price is not below the price; sale dropped",
                                      sku=sku, market=market.id, field="sale_price"))
    ended = map_distinct(offers["sale_end"], lambda day: day is not None and day < sources.as_of)
    for column in ("sale_price", "sale_start", "sale_end"):
        offers[column] = offers[column].where(~(not_below | ended) & offers[column].notna(), None).astype(object)
    offers["sale_effective_date"] = _sale_window(offers["sale_start"], offers["sale_end"], market)
    starts, ends = offers["sale_start"], offers["sale_end"]
    offers["sale_active"] = offers["sale_price"].notna() & map_distinct(
        starts, lambda day: day is None or day <= sources.as_of
    ) & map_distinct(ends, lambda day: day is None or day >= sources.as_of)

    offers["availability"] = offers["stock"].gt(0).map({True: "in_stock", False: "out_of_stock"})
    offers["eu_size"] = offers["size"]
    # Only shoes are converted: a size is an EU shoe size only when the item's Google category says Shoes.
    shoes = kind_column(offers["google_product_category"]).eq("shoes")
    sizes = sources.sizes.market_sizes(offers["eu_size"], offers["gender"], offers["age_group"], market.size_system, shoes)
    for column in SIZE_COLUMNS:
        offers[column] = sizes[column]
    unmapped = shoes & offers["size"].eq("") & offers["eu_size"].ne("")
    if unmapped.any():
        charts = size_group(offers.loc[unmapped, "gender"], offers.loc[unmapped, "age_group"]).map(CHART_NAMES)
        for sku, size, chart in zip(offers.loc[unmapped, "sku"], offers.loc[unmapped, "eu_size"], charts):
            diagnostics.append(Diagnostic("size.unmapped", "error", f"EU size {size} has no {market.size_system} equivalent "
                                          f"in the size chart; fix: add a row for EU {size} to the {chart} chart in size_chart.csv",
                                          sku=sku, market=market.id, field="size"))

    offers["link"] = fill_template(market.storefront_url, offers)
    offers["condition"] = "new"
    # The price the shopper pays on the build date: the one number the pages, their JSON-LD, the free
    # shipping threshold and the rules' discount_percent all read (the feeds send price and sale apart).
    offers["current_price"] = offers["sale_price"].where(offers["sale_active"], offers["price"]).astype(object)
    current_price = offers["current_price"]
    free_over = market.shipping.free_over
    if free_over is None:
        offers["shipping_price"] = market.shipping.price
    else:
        priced = current_price.notna()
        qualifies = pd.Series(False, index=offers.index)
        qualifies[priced] = current_price[priced] >= free_over
        offers["shipping_price"] = qualifies.map({True: Decimal(0), False: market.shipping.price}).astype(object)
    offers["return_policy_label"] = market.returns.policy_label
    offers = offers.sort_values("sku", kind="stable").reset_index(drop=True)
    return MarketOffers(market=market, offers=offers, diagnostics=diagnostics)
