"""`feedgen rules check`: how many items each rule of rules.toml matches, changes or excludes."""

from __future__ import annotations

from pathlib import Path

import click

from feedgen.cli import options as o
from feedgen.resolve.rules import Rule, RuleStat
from feedgen.pipeline.rules_check import check_rules


@click.group()
def rules() -> None:
    """Declarative feed rules (DATA/rules.toml): conditions and actions per market and channel."""


@rules.command("check")
@o.project_options
@click.option("--rules", "rules_file", type=o.PATH, help="Rules file; default DATA/rules.toml.")
@o.market_ids
@o.channels
@o.as_of("Judge sale windows as of this date; default today.")
@click.option("--by-market", is_flag=True, help="One line per rule, market and channel instead of totals per rule.")
def check(rules_file: Path | None, market_ids: str | None, channels: str | None, as_of, by_market: bool, **options) -> None:
    """Show how many items each rule matches and changes or excludes, on the current catalogue."""
    request = o.build_request(o.project_paths(options), options.pop("catalogue_format"),
                              as_of=as_of.date() if as_of else None)
    result = check_rules(request, rules_file, o.split(market_ids), o.split(channels))
    ruleset, stats = result.ruleset, result.stats
    click.echo(f"{len(ruleset.rules)} rule(s) in {ruleset.path}, {result.items} catalogue item(s)\n")
    header = f"{'#':>3} {'line':>4}  {'rule':40} {'market':6} {'channel':8} {'matched':>7} {'changed':>7} {'excluded':>8}"
    click.echo(header if by_market else header.replace(f" {'market':6} {'channel':8}", f" {'feeds':>5}"))
    for rule in ruleset.rules:
        _print_rule(rule, [s for s in stats if s.rule is rule], by_market)
    if not by_market:
        click.echo("\ncounts are summed over the market/channel feeds each rule applies to")
    for rule in ruleset.rules:
        if not any(s.matched for s in stats if s.rule is rule):
            click.echo(f"note: rule {rule.number} {rule.label()} matches no item in the selected markets and channels")


def _print_rule(rule: Rule, own: list[RuleStat], by_market: bool) -> None:
    name = rule.name if len(rule.name) <= 40 else rule.name[:39] + "…"
    if not by_market:
        matched, changed, excluded = (sum(getattr(s, key) for s in own) for key in ("matched", "changed", "excluded"))
        click.echo(f"{rule.number:>3} {rule.line or '':>4}  {name:40} {len(own):>5} {matched:>7} {changed:>7} {excluded:>8}")
        return
    for s in own:
        click.echo(f"{rule.number:>3} {rule.line or '':>4}  {name:40} {s.market:6} {s.channel:8} "
                   f"{s.matched:>7} {s.changed:>7} {s.excluded:>8}")
    if not own:
        click.echo(f"{rule.number:>3} {rule.line or '':>4}  {name:40} {'-':6} {'-':8} {'':>7} {'':>7} {'':>8}")
