"""`feedgen rules check`: a dry run of rules.toml on the current catalogue; nothing is written."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from feedgen.build import BuildRequest, load_sources
from feedgen.errors import InputError
from feedgen.importers import FORMATS
from feedgen.offers import resolve
from feedgen.rules import RuleStat, evaluate, load_rules


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


@click.group()
def rules() -> None:
    """Declarative feed rules (DATA/rules.toml): conditions and actions per market and channel."""


@rules.command("check")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("product_data"), show_default=True)
@click.option("--rules", "rules_file", type=click.Path(path_type=Path), help="Rules file; default DATA/rules.toml.")
@click.option("--catalogue", type=click.Path(path_type=Path), help="Catalogue file; default DATA/catalogue.csv.")
@click.option("--catalogue-format", type=click.Choice(FORMATS), default="auto", show_default=True)
@click.option("--mapping", type=click.Path(path_type=Path), help="Mapping file for exports.")
@click.option("--markets", "markets_file", type=click.Path(path_type=Path), help="markets.toml; default DATA/markets.toml.")
@click.option("-m", "--market", "market_ids", help="Comma-separated market ids; default: all.")
@click.option("-c", "--channels", help="Comma-separated channels; default: each market's own.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Judge sale windows as of this date.")
@click.option("--by-market", is_flag=True, help="One line per rule, market and channel instead of totals per rule.")
def check(data_dir, rules_file, catalogue, catalogue_format, mapping, markets_file, market_ids, channels, as_of,
          by_market) -> None:
    """Show how many items each rule matches and changes or excludes, on the current catalogue."""
    request = BuildRequest(data_dir=data_dir, catalogue=catalogue, markets=markets_file, catalogue_format=catalogue_format,
                           mapping=mapping, as_of=as_of.date() if as_of else None)
    try:
        sources = load_sources(request)
        path = rules_file or request.input_path("rules.toml")
        if not Path(path).exists():
            raise InputError(path, "file not found")
        ruleset = load_rules(path, sources.config)
        markets = sources.config.select(_split(market_ids))
    except InputError as error:
        click.echo(f"error: {error.one_line()}", err=True)
        sys.exit(2)
    wanted = _split(channels)
    stats: list[RuleStat] = []
    for market in markets:
        offers = resolve(sources, market).offers
        for channel in market.channels:
            if wanted is None or channel in wanted:
                stats.extend(evaluate(ruleset, offers, market, channel)[2])
    click.echo(f"{len(ruleset.rules)} rule(s) in {ruleset.path}, {len(sources.catalogue.items)} catalogue item(s)\n")
    header = f"{'#':>3} {'line':>4}  {'rule':40} {'market':6} {'channel':8} {'matched':>7} {'changed':>7} {'excluded':>8}"
    click.echo(header if by_market else header.replace(f" {'market':6} {'channel':8}", f" {'feeds':>5}"))
    for rule in ruleset.rules:
        own = [s for s in stats if s.rule is rule]
        name = rule.name if len(rule.name) <= 40 else rule.name[:39] + "…"
        if by_market:
            for s in own:
                click.echo(f"{rule.number:>3} {rule.line or '':>4}  {name:40} {s.market:6} {s.channel:8} "
                           f"{s.matched:>7} {s.changed:>7} {s.excluded:>8}")
            if not own:
                click.echo(f"{rule.number:>3} {rule.line or '':>4}  {name:40} {'-':6} {'-':8} {'':>7} {'':>7} {'':>8}")
        else:
            matched, changed, excluded = (sum(getattr(s, key) for s in own) for key in ("matched", "changed", "excluded"))
            click.echo(f"{rule.number:>3} {rule.line or '':>4}  {name:40} {len(own):>5} {matched:>7} {changed:>7} {excluded:>8}")
    idle = [rule for rule in ruleset.rules if not any(s.matched for s in stats if s.rule is rule)]
    if not by_market:
        click.echo("\ncounts are summed over the market/channel feeds each rule applies to")
    for rule in idle:
        click.echo(f"note: rule {rule.number} {rule.label()} matches no item in the selected markets and channels")
