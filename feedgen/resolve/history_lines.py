"""What the price record (feedgen.resolve.history) holds for one SKU, as `feedgen prices history` shows it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from feedgen.errors import InputError
from feedgen.resolve.history import FILE, WINDOW_DAYS, read_history


def history_lines(out: Path, sku: str, market: str | None = None, as_of: date | None = None) -> list[str]:
    """The record of `sku` as text lines: one per run of days with the same prices, then per market
    on sale on `as_of` (default: its last recorded day) the lowest price of the 30 days before."""
    history = read_history(out)
    if history is None:
        raise InputError(out / FILE, "no price history yet: it is written by `feedgen build` (each published build)")
    with history:
        runs = history.runs(sku, market.upper() if market else None)
        if not runs:
            return [f"no price recorded for {sku}" + (f" in {market.upper()}" if market else "")]
        lines = [f"{'market':6}  {'from':10}  {'to':10}  {'price':>10}  {'sale price':>10}  currency"]
        for run in runs:
            sale = "" if run.sale_price is None else str(run.sale_price)
            lines.append(f"{run.market:6}  {run.first_day}  {run.last_day}  {run.price!s:>10}  {sale:>10}  {run.currency}")
        for market_id in dict.fromkeys(run.market for run in runs):
            mine = [run for run in runs if run.market == market_id]
            day = as_of or mine[-1].last_day
            if not any(run.first_day <= day <= run.last_day and run.sale_price is not None for run in mine):
                continue  # not on sale that day (or not recorded)
            start = history.sale_started(market_id, sku, day)
            reference = history.references(market_id, {sku: start}, mine[-1].currency)[sku]
            first, last = reference.window
            lowest = "no day recorded" if reference.lowest is None else f"{reference.lowest} {mine[-1].currency}"
            lines.append(f"{market_id}: on sale on {day} since {start}; lowest price {first} – {last} "
                         f"({reference.days_known} of {WINDOW_DAYS} days recorded): {lowest}")
        return lines
