"""`feedgen prices history SKU`: what the price record (feedgen.resolve.history) holds for one SKU."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from feedgen.cli import options as o
from feedgen.resolve.history_lines import history_lines


@click.group()
def prices() -> None:
    """The price history every published build records in OUT/.feedgen-prices.sqlite."""


@prices.command("history")
@click.argument("sku")
@o.out
@click.option("-m", "--market", help="Only this market.")
@o.as_of("Judge the sale as of this date; default: the last recorded day.")
def history(sku: str, out: Path, market: str | None, as_of: datetime | None) -> None:
    """Show the recorded prices of SKU, and the 30-day lowest price before a running sale."""
    for line in history_lines(out, sku, market, as_of.date() if as_of else None):
        click.echo(line)
