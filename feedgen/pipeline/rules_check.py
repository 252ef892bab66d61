"""What `feedgen rules check` measures: a dry run of rules.toml on the current catalogue; nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.errors import InputError
from feedgen.resolve.offers import resolve
from feedgen.resolve.rules import RuleSet, RuleStat, evaluate, load_rules


@dataclass
class RuleCheck:
    """The rules file, how many catalogue items it was run on, and per rule, market and channel
    how many items it matched, changed and excluded."""

    ruleset: RuleSet
    items: int
    stats: list[RuleStat]


def check_rules(request: BuildRequest, rules_file: Path | None = None, market_ids: list[str] | None = None,
                channels: list[str] | None = None) -> RuleCheck:
    """Run the rules (default DATA/rules.toml) on every selected market and channel's offers."""
    sources = load_sources(request)
    path = rules_file or request.input_path("rules.toml")
    if not Path(path).exists():
        raise InputError(path, "file not found")
    ruleset = load_rules(path, sources.config)
    markets = sources.config.select(market_ids)
    stats: list[RuleStat] = []
    for market in markets:
        offers = resolve(sources, market).offers
        for channel in market.channels:
            if channels is None or channel in channels:
                stats.extend(evaluate(ruleset, offers, market, channel)[2])
    return RuleCheck(ruleset, len(sources.catalogue.items), stats)
