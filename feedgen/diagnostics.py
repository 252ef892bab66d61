"""Per-item findings, modelled on Merchant Center's item issues.

A diagnostic never stops a build: it is data that ends up in the summary, the JSON report
and the exit code. `error` means the platform would disapprove the item (we leave it out of
that channel); `warning` means it would be limited; `info` is for the record.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
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

    def to_json(self) -> str:
        payload = {
            "summary": {"errors": self.errors, "warnings": self.warnings, "info": self.count("info")},
            "diagnostics": [asdict(d) for d in self],
        }
        return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def write_json(self, path: Path) -> None:
        from feedgen.publish import write_text_atomic

        write_text_atomic(path, self.to_json())
