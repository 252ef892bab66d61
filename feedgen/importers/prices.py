"""Prices in an export are the shop's prices. By default they are taken as the project's base
prices (markets.toml: base_currency, VAT included at base_vat_rate), like a native catalogue's.

A shop that sells in another currency says so with `[import] prices_market = "US"` in the mapping
file: its prices are that market's shelf prices (currency, tax as the market shows it), and are
turned back into base prices here, so resolve() can derive every other market from them. The
market itself then gets its own prices back, up to its rounding rule.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path

from feedgen.catalogue import Catalogue
from feedgen.errors import InputError
from feedgen.markets import Market, MarketConfig, Project
from feedgen.pricing import HUNDRED, FxTable

QUANTUM = Decimal("0.0001")


def base_price(shelf: Decimal, project: Project, market: Market, fx: FxTable) -> Decimal:
    """The inverse of pricing.market_price before rounding: shelf -> net -> base currency -> base VAT."""
    with localcontext(prec=28):
        net = shelf * HUNDRED / (HUNDRED + market.vat_rate) if market.prices_include_tax else shelf
        converted = net * fx.rate(market.currency, project.base_currency)
        return (converted * (HUNDRED + project.base_vat_rate) / HUNDRED).quantize(QUANTUM)


def rebase_prices(catalogue: Catalogue, config: MarketConfig, fx: FxTable, mapping: Path | None) -> None:
    """Turn a `prices_market` catalogue's prices into base prices, in place."""
    market_id = catalogue.prices_market
    if not market_id:
        return
    if market_id not in config.markets:
        known = ", ".join(config.markets)
        raise InputError(mapping or "mapping", f"import.prices_market: {market_id!r} is not one of the markets ({known})")
    market = config.markets[market_id]
    items = catalogue.items
    for column in ("price", "sale_price"):
        distinct = {value: base_price(value, config.project, market, fx) for value in items[column].dropna().unique()}
        items[column] = items[column].map(lambda value: distinct.get(value) if value is not None else None).astype(object)
