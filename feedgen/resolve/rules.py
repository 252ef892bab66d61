"""Declarative feed rules (product_data/rules.toml), applied per market and channel.

    [[rule]]
    name = "Premium price band"              # shown in diagnostics and `feedgen rules check`
    when = "price >= 2000"                   # the condition language: see feedgen.resolve.rules_expr
    markets = ["NO"]                         # optional scope: market ids …
    channels = ["google", "meta"]            # … and channels
    set = { custom_label_0 = "premium" }     # set a field; "{field}" fills in a value of the item

    [[rule]]
    name = "No out-of-stock kids' sizes on Meta"
    when = "age_group == 'kids' and availability == 'out_of_stock'"
    channels = ["meta"]
    exclude = true

Rules run in file order on the resolved offers of one (market, channel), each seeing the changes
of the ones before; an excluded item leaves that channel only. The whole file is checked when it
is read, before anything is built: a bad rule is an InputError naming the line and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from feedgen.columns import map_distinct
from feedgen.config.schema import Field, Kind, Place, Table, any_value, boolean, in_table, top
from feedgen.config.schema import text as non_empty
from feedgen.diagnostics import Diagnostic
from feedgen.config.markets import Market, MarketConfig
from feedgen.resolve.rules_expr import CUSTOM_LABELS, FIELDS, ExpressionError, Node, column, parse_condition, texts
from feedgen.config.tomlfile import TomlFile, read_toml

SETTABLE = (
    "title", "description", "brand", "color", "material", "product_type", "google_product_category",
    "fb_product_category", *CUSTOM_LABELS,
)
RULE_KEYS = frozenset({"name", "when", "markets", "channels", "exclude", "set", "append"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_LOOSE_ENDS = re.compile(r"^[\s\-–—|,/:;]+|[\s\-–—|,/:;]+$")


@dataclass(frozen=True)
class Template:
    """Text with {field} placeholders, e.g. "{brand} {title} – {color}"."""

    parts: tuple[tuple[bool, str], ...]  # (is_field, text)

    def render(self, frame: pd.DataFrame) -> pd.Series:
        result = pd.Series("", index=frame.index, dtype=object)
        some_empty = pd.Series(False, index=frame.index)
        for is_field, text in self.parts:
            value = map_distinct(texts(column(frame, text)), _plain_number) if is_field else text
            if is_field:
                some_empty |= value.str.strip().eq("")
            result = result + value
        # where a value was empty, no dangling " – " or double space is left behind
        tidy = result[some_empty].str.replace(r"[ \t]{2,}", " ", regex=True).str.replace(_LOOSE_ENDS, "", regex=True)
        result[some_empty] = tidy
        return result


def _plain_number(text: str) -> str:
    return text[:-2] if re.fullmatch(r"-?\d+\.0", text) else text


@dataclass(frozen=True)
class Rule:
    number: int  # 1-based position in the file
    name: str
    line: int | None
    condition: Node | None
    markets: frozenset[str] | None
    channels: frozenset[str] | None
    exclude: bool = False
    set: dict[str, Template] = field(default_factory=dict)
    append: dict[str, Template] = field(default_factory=dict)

    def applies_to(self, market_id: str, channel: str) -> bool:
        return (self.markets is None or market_id in self.markets) and (self.channels is None or channel in self.channels)

    def label(self) -> str:
        return f"{self.name!r} (line {self.line})" if self.line else repr(self.name)


@dataclass(frozen=True)
class RuleSet:
    path: Path | None = None
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class RuleStat:
    """What one rule did on one (market, channel): for `feedgen rules check`."""

    rule: Rule
    market: str
    channel: str
    matched: int
    changed: int
    excluded: int


# ----------------------------------------------------------------------------- loading
def _template(text: Any, place: Place, key: str) -> Template:
    if not isinstance(text, (str, int, float)) or isinstance(text, bool):
        raise place.fail(f"must be text, got {text!r}", key)
    text = str(text)
    parts: list[tuple[bool, str]] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append((False, text[position:match.start()]))
        name = match[1].strip()
        if name not in FIELDS:
            raise place.fail(f"unknown field {{{name}}} in {text!r}", key)
        parts.append((True, name))
        position = match.end()
    parts.append((False, text[position:]))
    if any("{" in t or "}" in t for is_field, t in parts if not is_field):
        raise place.fail(f"unbalanced {{ }} in {text!r}", key)
    return Template(tuple(p for p in parts if p[0] or p[1]))


def _scope(allowed: Callable[[], tuple[str, ...]], normalise: Callable[[str], str]) -> Kind:
    """markets = [...] / channels = [...]: names, normalised, each one known."""
    def read(values: Any, place: Place, key: str) -> frozenset[str]:
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise place.fail("must be a non-empty list of names", key)
        known = allowed()
        for raw in values:
            if normalise(raw) not in known:
                raise place.fail(f"unknown {key[:-1]} {raw!r} (known: {', '.join(known)})", key)
        return frozenset(normalise(v) for v in values)
    return read


def _action(values: Any, place: Place, key: str) -> dict[str, Template]:
    """set = { … } / append = { … }: fields a rule may change, each with a template."""
    if not isinstance(values, dict):  # at the rule's header, as before
        raise replace(place, line=lambda _: place.line(None)).fail(
            "must be a table such as { custom_label_0 = \"sale\" }", key)
    inner = Place(place.toml, f"{place.where}.{key}", place.line)
    result = {}
    for name, text in values.items():
        if name not in SETTABLE:
            raise inner.fail(f"cannot be changed by a rule (can: {', '.join(SETTABLE)})", name)
        result[name] = _template(text, inner, name)
    return result


def _condition(when: Any, place: Place, key: str) -> Node:
    if not isinstance(when, str) or not when.strip():
        raise place.fail("must be a condition such as \"price >= 1000\"", key)
    try:
        return parse_condition(when)
    except ExpressionError as exc:
        shown = when if len(when) <= 120 else when[:117] + "…"  # the error stays one readable line
        raise place.fail(f"{exc} (at character {exc.column} of {shown!r})", key) from None


def _does_something(values: dict[str, Any], place: Place) -> None:
    if not (values["exclude"] or values["set"] or values["append"]):
        raise place.fail("does nothing; give exclude = true, set = { … } or append = { … }")
    if values["exclude"] and (values["set"] or values["append"]):
        raise place.fail("exclude = true with set/append; an excluded item keeps no changes, split the rule")


# A rule's name comes first: later messages name the rule by it ("rule 3 (Sale).when: …").
RULE_NAME = Table(
    tuple(Field(key, non_empty(message="must be non-empty text") if key == "name" else any_value, None)
          for key in sorted(RULE_KEYS)),
    not_table="must be a table [[rule]]", unknown_sorted=True, unknown_named=False,
)


def _rule_body(config: MarketConfig) -> Table:
    return Table(
        (Field("when", _condition, None), Field("exclude", boolean(), False), Field("set", _action, {}),
         Field("append", _action, {}),
         Field("markets", _scope(lambda: tuple(config.markets), lambda v: v.strip().upper()), None),
         Field("channels", _scope(lambda: config.channels, lambda v: v.strip().lower()), None)),
        checks=(_does_something,), closed=False,
    )


def _rule(toml: TomlFile, number: int, data: Any, body: Table) -> Rule:
    at = {"header": "[[rule]]", "nth": number - 1}
    name = RULE_NAME.read(data, in_table(toml, f"rule {number}", **at))["name"] or f"rule {number}"
    values = body.read(data, in_table(toml, f"rule {number} ({name})", **at))
    return Rule(number=number, name=name.strip(), line=toml.line_of(**at), condition=values["when"],
                markets=values["markets"], channels=values["channels"], exclude=values["exclude"],
                set=values["set"], append=values["append"])


def _rules(value: Any, place: Place, key: str) -> list:
    if not isinstance(value, list):
        raise place.fail("rule must be an array of tables: write each one as [[rule]]", key)
    return value


FILE = Table((Field("rule", _rules, []),), unknown="unknown key {key!r}: rules are [[rule]] tables",
             unknown_sorted=True)


def load_rules(path: str | Path, config: MarketConfig) -> RuleSet:
    """rules.toml, checked against the markets and channels; no file means no rules."""
    path = Path(path)
    if not path.exists():
        return RuleSet()
    toml = read_toml(path, "rules.toml")
    body = _rule_body(config)
    raw = FILE.read(toml.data, top(toml))["rule"]
    return RuleSet(path=path, rules=tuple(_rule(toml, n, data, body) for n, data in enumerate(raw, start=1)))


# ----------------------------------------------------------------------------- applying
def evaluate(ruleset: RuleSet, offers: pd.DataFrame, market: Market, channel: str) -> tuple[pd.DataFrame, list[Diagnostic], list[RuleStat]]:
    """Apply the rules in scope for (market, channel); returns the channel's offers, diagnostics, stats."""
    rules = [rule for rule in ruleset.rules if rule.applies_to(market.id, channel)]
    if not rules:
        return offers, [], []
    offers = offers.copy()
    for label in CUSTOM_LABELS:
        if label not in offers.columns:
            offers[label] = ""
    diagnostics: list[Diagnostic] = []
    stats: list[RuleStat] = []
    for rule in rules:
        matched = rule.condition.evaluate(offers) if rule.condition else pd.Series(True, index=offers.index)
        matched = matched.fillna(False).astype(bool)
        changed = pd.Series(False, index=offers.index)
        if rule.exclude:
            for sku in offers.loc[matched, "sku"]:
                diagnostics.append(Diagnostic("rules.excluded", "info", f"left out by rule {rule.label()}",
                                              sku=sku, market=market.id, channel=channel))
            stats.append(RuleStat(rule, market.id, channel, int(matched.sum()), 0, int(matched.sum())))
            offers = offers.loc[~matched]
            continue
        if matched.any():
            subset = offers.loc[matched]
            for name, template in rule.set.items():
                new = template.render(subset)
                changed[matched] |= texts(offers.loc[matched, name]).ne(new)
                offers.loc[matched, name] = new
            for name, template in rule.append.items():
                old, extra = texts(offers.loc[matched, name]), template.render(subset)
                separator = " > " if name == "product_type" else " "
                new = (old + separator + extra).where(old.ne("") & extra.ne(""), old + extra)
                changed[matched] |= old.ne(new)
                offers.loc[matched, name] = new
        stats.append(RuleStat(rule, market.id, channel, int(matched.sum()), int(changed.sum()), 0))
    return offers, diagnostics, stats


def apply_rules(ruleset: RuleSet, offers: pd.DataFrame, market: Market, channel: str) -> tuple[pd.DataFrame, list[Diagnostic]]:
    offers, diagnostics, _ = evaluate(ruleset, offers, market, channel)
    return offers, diagnostics
