"""Per-item findings, modelled on Merchant Center's item issues.

A diagnostic never stops a build: it is data that ends up in the summary, the JSON report
and the exit code. `error` means the platform would disapprove the item (we leave it out of
that channel); `warning` means it would be limited; `info` is for the record.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, order=True)
class Diagnostic:
    rule_id: str
    severity: Severity
    message: str
    sku: str = ""
    market: str = ""
    channel: str = ""
    field: str = ""

    def sort_key(self) -> tuple:
        return (SEVERITY_ORDER[self.severity], self.rule_id, self.channel, self.market, self.sku, self.field)

    def one_line(self) -> str:
        scope = "/".join(part for part in (self.channel, self.market, self.sku) if part)
        return f"{self.severity.upper():7} {self.rule_id:32} {scope}: {self.message}"


@dataclass
class RuleGroup:
    """Every diagnostic of one rule and severity as one summary line. A catalogue problem repeats
    per market and channel, so a thousand lines are often one cause: the count, the SKUs and
    markets it touches and a few example SKUs say that in one line, and the first message (with
    where it is) says what is wrong and where to fix it."""

    rule: str
    severity: Severity
    count: int = 0
    first: Diagnostic | None = None  # the first in report order: its message stands for the group
    examples: list[str] = field(default_factory=list)  # up to `limit` distinct SKUs, in report order
    skus: set[str] = field(default_factory=set)
    markets: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)

    @property
    def message(self) -> str:
        return self.first.message if self.first else ""


class Diagnostics:
    """An ordered, de-duplicated collection with the counts a summary needs."""

    def __init__(self, items: Iterable[Diagnostic] = ()) -> None:
        self._items: dict[Diagnostic, None] = dict.fromkeys(items)

    def add(self, diagnostic: Diagnostic) -> None:
        self._items[diagnostic] = None

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self._items[diagnostic] = None

    def __iter__(self):
        return iter(sorted(self._items, key=Diagnostic.sort_key))

    def __len__(self) -> int:
        return len(self._items)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self._items if d.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    def by_rule(self) -> list[tuple[str, Severity, int]]:
        counts = Counter((d.rule_id, d.severity) for d in self._items)
        return sorted(
            ((rule, severity, n) for (rule, severity), n in counts.items()),
            key=lambda row: (SEVERITY_ORDER[row[1]], row[0]),
        )

    def groups(self, examples: int = 3) -> list[RuleGroup]:
        """One RuleGroup per (rule, severity): errors first, then the most frequent."""
        groups: dict[tuple[str, str], RuleGroup] = {}
        for diagnostic in self:
            group = groups.get((diagnostic.rule_id, diagnostic.severity))
            if group is None:
                group = groups[(diagnostic.rule_id, diagnostic.severity)] = RuleGroup(
                    diagnostic.rule_id, diagnostic.severity, first=diagnostic)
            group.count += 1
            if diagnostic.sku and diagnostic.sku not in group.skus:
                group.skus.add(diagnostic.sku)
                if len(group.examples) < examples:
                    group.examples.append(diagnostic.sku)
            if diagnostic.market:
                group.markets.add(diagnostic.market)
            if diagnostic.channel:
                group.channels.add(diagnostic.channel)
        return sorted(groups.values(), key=lambda g: (SEVERITY_ORDER[g.severity], -g.count, g.rule))

    def to_json(self) -> str:
        payload = {
            "summary": {"errors": self.errors, "warnings": self.warnings, "info": self.count("info")},
            "diagnostics": [asdict(d) for d in self],
        }
        return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def empty_reasons(diagnostics: Iterable[Diagnostic], channel: str, market: str, limit: int = 3) -> list[tuple[str, int]]:
    """Why a channel has no items in a market: the rules that left items out of it there (errors,
    and `rules.toml` exclusions), each with the number of SKUs it left out, most first. Catalogue
    errors count too: they keep a SKU out of every channel that needs the field."""
    skus: dict[str, set[str]] = {}
    for d in diagnostics:
        if (d.severity == "error" or d.rule_id == "rules.excluded") and d.sku and d.channel in ("", channel) \
                and d.market in ("", market):  # a diagnostic without a SKU left no item out
            skus.setdefault(d.rule_id, set()).add(d.sku)
    ranked = sorted(((rule, len(found)) for rule, found in skus.items()), key=lambda row: (-row[1], row[0]))
    return ranked[:limit]
