"""Prices in an export are the shop's prices, and the market they are shelf prices of keeps them exactly.

What the file holds is declared in the mapping file: `[import] currency = "USD"` (the currency of
its prices) and, where several markets share that currency, `prices_market = "US"` (whose shelf
prices they are, tax as that market shows it). A file in the project's base_currency holds base
prices (VAT included at base_vat_rate), like a native catalogue. An export that declares nothing is
read as base prices, and one warning says so with the line to add: a $20 beanie must never become
20 NOK without a word.

A `prices_market` file's prices are turned back into base prices here, so resolve() can derive
every other market from them; that market itself gets the shop's own prices to the cent
(`shop_price`, `shop_sale_price`), never re-rounded: a feed price that differs from the shop's page
is a Merchant Center disapproval (GMC 6098334).
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING

from feedgen.diagnostics import Diagnostic
from feedgen.errors import InputError
from feedgen.config.markets import Market, MarketConfig, Project
from feedgen.load.pricing import HUNDRED, FxTable

if TYPE_CHECKING:  # a type only: the catalogue imports feedgen.load.importers, never the other way round
    from feedgen.load.catalogue import Catalogue

QUANTUM = Decimal("0.0001")
SHOP_PRICES = {"price": "shop_price", "sale_price": "shop_sale_price"}  # the prices_market's own prices, kept


def base_price(shelf: Decimal, project: Project, market: Market, fx: FxTable) -> Decimal:
    """The inverse of pricing.market_price before rounding: shelf -> net -> base currency -> base VAT."""
    with localcontext(prec=28):
        net = shelf * HUNDRED / (HUNDRED + market.vat_rate) if market.prices_include_tax else shelf
        converted = net * fx.rate(market.currency, project.base_currency)
        return (converted * (HUNDRED + project.base_vat_rate) / HUNDRED).quantize(QUANTUM)


def declared_market(catalogue: Catalogue, config: MarketConfig, mapping: Path | str | None) -> str:
    """The market whose shelf prices the file holds ('' = base prices), from [import] currency and
    prices_market; a contradiction or an ambiguity is unusable input naming the key."""
    where = catalogue.mapping or mapping or "mapping.toml"
    market_id, currency = catalogue.prices_market, catalogue.currency
    if market_id and market_id not in config.markets:
        known = ", ".join(config.markets)
        raise InputError(where, f"import.prices_market: {market_id!r} is not one of the markets ({known})")
    if not currency:
        return market_id
    if market_id:
        if config.markets[market_id].currency != currency:
            raise InputError(where, f"import.currency: {currency} is not the currency of prices_market {market_id} "
                             f"({config.markets[market_id].currency})")
        return market_id
    if currency == config.project.base_currency:
        return ""
    selling = [market.id for market in config.markets.values() if market.currency == currency]
    if len(selling) == 1:
        return selling[0]
    if not selling:
        raise InputError(where, f"import.currency: no market in markets.toml sells in {currency} (base_currency is "
                         f"{config.project.base_currency}); the file's prices need a market to be shelf prices of")
    raise InputError(where, f"import.currency: {', '.join(selling)} all sell in {currency}; say whose shelf prices the "
                     f"file holds with prices_market = \"{selling[0]}\" under [import]")


def rebase_prices(catalogue: Catalogue, config: MarketConfig, fx: FxTable, mapping: Path | None) -> None:
    """Turn a `prices_market` catalogue's prices into base prices, in place, keeping the shop's own
    prices for that market; say once when an export's currency was assumed."""
    market_id = declared_market(catalogue, config, mapping)
    catalogue.prices_market = market_id
    project = config.project
    if catalogue.format != "native" and not market_id and not catalogue.currency:
        where = catalogue.mapping or mapping or "the mapping file (product_data/mapping.toml, or --mapping FILE)"
        catalogue.diagnostics.append(Diagnostic(
            "import.currency.assumed", "warning",
            f"the {catalogue.format} export does not say its currency: its prices were read as "
            f"{project.base_currency} (base_currency, VAT included at {project.base_vat_rate:f} %); fix: add "
            f"currency = \"{project.base_currency}\" (or the shop's currency, e.g. \"USD\") under [import] in {where}",
            field="price"))
    if not market_id:
        return
    market = config.markets[market_id]
    items = catalogue.items
    for column, kept in SHOP_PRICES.items():
        items[kept] = items[column]
        distinct = {value: base_price(value, project, market, fx) for value in items[column].dropna().unique()}
        items[column] = items[column].map(lambda value: distinct.get(value) if value is not None else None).astype(object)
