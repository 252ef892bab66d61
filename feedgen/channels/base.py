"""The channel interface and the vectorised rule helper the channels share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal, Mapping, Protocol

import pandas as pd

from feedgen.channels.csvout import cell
from feedgen.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from feedgen.markets import MarketConfig
    from feedgen.offers import MarketOffers
    from feedgen.publish import Stage


@dataclass(frozen=True)
class Artifact:
    """One written file: what it is for and how many items it carries."""

    channel: str
    market: str
    path: str  # relative to the output directory, POSIX separators
    items: int


RemovedAction = Literal["delete", "zero_stock"]


@dataclass(frozen=True)
class Removals:
    """SKUs of a market that were in the last published feed of a channel and are no longer in the
    catalogue, and what to send for them: a delete, or an update to zero availability.

    `previous` holds what that feed said about each of them (the channel's `read_items` fields), so
    a channel can find a removed item's parent or reuse the currency it listed; `as_of` is the build
    date, for channels that date the change."""

    skus: frozenset[str] = frozenset()
    action: RemovedAction = "delete"
    previous: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False, hash=False)
    as_of: date | None = None


class Channel(Protocol):
    """A platform. `prepare` decides which offers the platform would accept and why not;
    `write` streams the accepted ones into the stage; `finish` writes cross-market files and
    reports what only the whole build can tell. One instance serves one build; it gets the
    project's configuration (e.g. Meta's layout and default market, Amazon's seller id).

    Optional hooks (looked up with getattr, so a channel without them still works):
    - `read_items(path) -> dict[sku, dict[field, str]]` (staticmethod): a written file read back,
      for `feedgen diff`, the build report and removal tracking: the items the file lists, so
      leave out delete messages (and anything else that only withdraws an item).
    - `track_removals: ClassVar[bool] = True`: `write` is then called with a keyword argument
      `removed: Removals` (see feedgen.release.removed_skus; needs `read_items`).
    - `plan(markets)`: the markets this build gives the channel, before any is built (Meta decides
      which market writes each language feed).
    - `export_state(market_id) -> JSON-ready` / `import_state(market_id, state)`: what `finish`
      needs from a market, handed back from a worker process or from the last build's state file
      (feedgen.market_build, feedgen.incremental).
    """

    name: ClassVar[str]
    required_fields: ClassVar[tuple[str, ...]]

    def __init__(self, config: MarketConfig) -> None: ...

    def prepare(self, market_offers: MarketOffers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]: ...

    def write(self, items: pd.DataFrame, market_offers: MarketOffers, stage: Stage) -> list[Artifact]: ...

    def finish(self, stage: Stage) -> tuple[list[Artifact], list[Diagnostic]]: ...


class RuleCheck:
    """Collects diagnostics from boolean masks and remembers which rows an error rejects."""

    def __init__(self, items: pd.DataFrame, channel: str, market: str) -> None:
        self.items = items
        self.channel = channel
        self.market = market
        self.rejected = pd.Series(False, index=items.index)
        self.diagnostics: list[Diagnostic] = []

    def flag(self, mask: pd.Series, rule_id: str, severity: Severity, field: str, message: str) -> None:
        """`message` may use {value} for the offending value."""
        mask = mask & ~self.rejected if severity == "error" else mask
        if not mask.any():
            return
        for sku, value in self.items.loc[mask, ["sku", field]].itertuples(index=False):
            self.diagnostics.append(
                Diagnostic(rule_id, severity, message.format(value=value), sku=sku,
                           market=self.market, channel=self.channel, field=field)
            )
        if severity == "error":
            self.rejected |= mask

    def too_long(self, field: str, limit: int, rule_id: str, severity: Severity = "error") -> None:
        lengths = self.items[field].astype(str).str.len()
        self.flag(lengths > limit, rule_id, severity, field, f"{field} is longer than {limit} characters")

    def missing(self, field: str, rule_id: str, severity: Severity = "error") -> None:
        column = self.items[field]
        self.flag(column.isna() | column.astype(str).eq(""), rule_id, severity, field, f"{field} is required")

    def accepted(self) -> pd.DataFrame:
        return self.items.loc[~self.rejected]


def blocked_by_catalogue(items: pd.DataFrame, errors: dict[str, set[str]], fields: tuple[str, ...]) -> pd.Series:
    """Rows whose SKU already has a catalogue error on a field this channel needs (reported once, upstream)."""
    skus = set().union(*(errors.get(field, set()) for field in fields)) if fields else set()
    return items["sku"].isin(skus)


def text_list(values: pd.Series) -> list[str]:
    """A column as a list of cell texts: str as it is, None and NaN empty, numbers as written."""
    return [value if type(value) is str else cell(value) for value in values.tolist()]
