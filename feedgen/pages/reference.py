"""The 30-day reference price of a landing page's discounts, and the checks that keep its copy honest.

A market whose `[markets.XX.pages] reference_price = "lowest_30_days"` (EU: Directive 98/6/EC
Art. 6a as amended by 2019/2161; Germany: PAngV §11; Norway: prisopplysningsforskriften §9a
"førpris") must show, with an announced reduction, the lowest price charged in the 30 days before
the reduction started. The price record is feedgen.resolve.history; this module reads it for the hero
SKUs that are on sale and says, as diagnostics, where a page's claims cannot be backed:

- pages.reference_price.unknown: no recorded day in the window, so the page claims no reduction;
- pages.reference_price.not_charged: the "before" price (the feed's `price`) was not charged on
  any recorded day of the window: the advertised reduction is from a price nobody paid;
- pages.copy.offer_without_discount: the campaign's offer text announces an offer (sale, % off…)
  but no hero style on the page is discounted.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from feedgen.diagnostics import Diagnostic
from feedgen.resolve.history import Reference, read_history_file
from feedgen.config.markets import Market
from feedgen.pages.check import CHANNEL
from feedgen.pages.money import format_price

# Words of an English source text that announce a price offer (campaign texts are written in the
# source language; translations follow them). A story ("New season colours") matches none.
_OFFER_WORDS = re.compile(r"\b(sale|sales|discount\w*|reduced|reduction|save|saving|deal|deals|offer|bargain|clearance|"
                          r"markdown|off)\b|%|\bprice cut", re.IGNORECASE)


def claims_offer(text: str) -> bool:
    return bool(_OFFER_WORDS.search(text))


def references(history: Path | None, market: Market, offers: pd.DataFrame, as_of: date) -> dict[str, Reference]:
    """The Reference of every SKU in `offers` on sale on `as_of`, in a market with the 30-day rule.

    The sale starts on the catalogue's sale_start or, when the record shows the SKU already on
    sale before that (or there is no sale_start), on the first day of that uninterrupted sale: a
    reduction that deepens step by step keeps the prior price of its first step."""
    if market.page_rules.reference_price != "lowest_30_days":
        return {}
    on_sale = offers[offers["sale_active"].astype(bool) & offers["sale_price"].notna()]
    if on_sale.empty:
        return {}
    db = read_history_file(history)
    try:
        starts: dict[str, date] = {}
        for sku, start in zip(on_sale["sku"], on_sale["sale_start"]):
            declared = start if start is not None and start <= as_of else None
            starts[str(sku)] = (db.sale_started(market.id, str(sku), as_of, declared) if db is not None
                                else declared or as_of)
        if db is None:
            return {sku: Reference(start, None) for sku, start in starts.items()}
        return db.references(market.id, starts, market.currency)
    finally:
        if db is not None:
            db.close()


def _skus(skus: list[str]) -> str:
    shown = sorted(skus)
    return ", ".join(shown[:12]) + (f" and {len(shown) - 12} more" if len(shown) > 12 else "")


def reference_diagnostics(market: Market, slug: str, offers: pd.DataFrame,
                          found: dict[str, Reference]) -> list[Diagnostic]:
    """One warning per problem and page, naming the SKUs (strict builds fail on warnings)."""
    unknown: dict[date, list[str]] = {}
    not_charged: dict[tuple, list[str]] = {}
    prices = dict(zip(offers["sku"].astype(str), offers["price"]))
    for sku, reference in found.items():
        if sku not in prices:
            continue
        if reference.lowest is None:
            unknown.setdefault(reference.sale_start, []).append(sku)
        elif prices[sku] not in reference.charged:
            key = (reference.sale_start, prices[sku], reference.lowest)
            not_charged.setdefault(key, []).append(sku)
    diagnostics = []
    for start, skus in sorted(unknown.items()):
        first, last = Reference(start, None).window
        diagnostics.append(Diagnostic(
            "pages.reference_price.unknown", "warning",
            f"{slug}: no recorded price between {first} and {last} (the 30 days before the sale started on {start}) "
            f"for {_skus(skus)}; the page shows the sale price without claiming a reduction. Builds record prices "
            f"from now on (feedgen prices history SKU)", market=market.id, channel=CHANNEL, field="price"))
    for (start, before, lowest), skus in sorted(not_charged.items()):
        first, last = Reference(start, None).window
        diagnostics.append(Diagnostic(
            "pages.reference_price.not_charged", "warning",
            f"{slug}: the before price {format_price(before, market)} was not charged between {first} and {last} "
            f"(the 30 days before the sale started on {start}; lowest recorded {format_price(lowest, market)}) "
            f"for {_skus(skus)}; the page measures the reduction from the lowest price",
            market=market.id, channel=CHANNEL, field="price"))
    return diagnostics


def copy_diagnostics(market: Market, slug: str, offer_text: str, discounted: bool) -> list[Diagnostic]:
    if discounted or not claims_offer(offer_text):
        return []
    return [Diagnostic("pages.copy.offer_without_discount", "warning",
                       f"{slug}: the offer text {offer_text!r} announces an offer, but no hero style is discounted in "
                       f"this market on this date; the page shows it as a story, with no end date",
                       market=market.id, channel=CHANNEL, field="offer")]
