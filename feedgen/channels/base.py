"""The channel interface and the vectorised rule helper the channels share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal, Mapping, Protocol

import pandas as pd

from feedgen.channels.csvout import cell
from feedgen.diagnostics import Diagnostic, Severity
from feedgen.fixes import fix

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


# What tells two variants of one item group apart (GMC 6324507: colour, size, material, pattern, age
# group, gender; the size system belongs to the size). Two variants equal in all of them are one choice.
VARIANT_ATTRIBUTES = ("color", "size", "size_system", "gender", "age_group", "material", "pattern")

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
    """Collects diagnostics from boolean masks and remembers which rows an error rejects.

    Every error of an item is reported, not only the first (issue #14: fixing one problem must not
    just reveal the next). Rows `blocked` upstream (a catalogue error on a field the channel needs) start
    rejected and are still checked, so their other problems show in the same build; a (sku, field)
    already `reported` upstream is not reported again, and blocked rows get no warnings (they are not sent)."""

    def __init__(self, items: pd.DataFrame, channel: str, market: str, blocked: pd.Series | None = None,
                 reported: frozenset[tuple[str, str]] = frozenset()) -> None:
        self.items = items
        self.channel = channel
        self.market = market
        self.blocked = pd.Series(False, index=items.index) if blocked is None else blocked.reindex(items.index, fill_value=False)
        self.rejected = self.blocked.copy()
        self.skipped = pd.Series(False, index=items.index)
        self.reported = reported
        self.diagnostics: list[Diagnostic] = []

    def flag(self, mask: pd.Series, rule_id: str, severity: Severity, field: str, message: str) -> None:
        """`message` may use {value} for the offending value."""
        mask = mask & ~self.skipped
        if severity != "error":
            mask = mask & ~self.blocked
        if not mask.any():
            return
        for sku, value in self.items.loc[mask, ["sku", field]].itertuples(index=False):
            if severity == "error" and (sku, field) in self.reported:
                continue
            self.diagnostics.append(
                Diagnostic(rule_id, severity, message.format(value=value), sku=sku,
                           market=self.market, channel=self.channel, field=field)
            )
        if severity == "error":
            self.rejected |= mask

    def skip(self, mask: pd.Series) -> None:
        """Leave these rows out, unchecked from now on: the channel cannot take them at all, so their
        other problems would only be noise."""
        self.rejected |= mask
        self.skipped |= mask

    def too_long(self, field: str, limit: int, rule_id: str, severity: Severity = "error") -> None:
        lengths = self.items[field].astype(str).str.len()
        self.flag(lengths > limit, rule_id, severity, field, f"{field} is longer than {limit} characters")

    def missing(self, field: str, rule_id: str, severity: Severity = "error", why: str = "",
                only: pd.Series | None = None) -> None:
        """Flag rows without `field` (among `only`, where the field is required of some items only)."""
        column = self.items[field]
        empty = column.isna() | column.astype(str).eq("")
        self.flag(empty if only is None else empty & only, rule_id, severity, field,
                  f"{field} is required{why}{fix(field)}")  # the fix hints hold no {braces}

    def duplicate_variants(self, rule_id: str, attributes: tuple[str, ...] = VARIANT_ATTRIBUTES) -> None:
        """An error for each item that repeats every variant attribute of an earlier item (by SKU) of its
        group: the platform would show two identical choices (Google: variants differ in colour, size,
        material, pattern, age group or gender, GMC 6324507). Run it last, over what the other checks accept."""
        names = [name for name in attributes if name in self.items.columns]
        columns = ["style_id", *names]
        live = self.items.loc[~self.rejected, ["sku", *columns]]
        if not live.duplicated(subset=columns).any():  # hashed per column: the usual case costs one pass
            return
        live = live.sort_values("sku", kind="stable")
        first = live.groupby(columns, sort=False, dropna=False)["sku"].transform("first")
        for index in live.index[first.ne(live["sku"])]:
            row = live.loc[index]
            shown = ", ".join(f"{name} {row[name]!r}" for name in names if str(row[name]))
            self.diagnostics.append(Diagnostic(
                rule_id, "error",
                f"{row['sku']} and {first[index]} in item group {row['style_id']!r} have the same variant attributes "
                f"({shown}): a shopper would see two identical choices, so {row['sku']} is left out; fix: give them "
                "different values in the catalogue (a size: check size_chart.csv, two EU sizes give one size here)",
                sku=row["sku"], market=self.market, channel=self.channel, field="size"))
            self.rejected[index] = True

    def accepted(self) -> pd.DataFrame:
        return self.items.loc[~self.rejected]


def reported_errors(errors: dict[str, set[str]]) -> frozenset[tuple[str, str]]:
    """(sku, field) of every upstream error, so a channel does not report the same problem again."""
    return frozenset((sku, field) for field, skus in errors.items() for sku in skus)


def blocked_by_catalogue(items: pd.DataFrame, errors: dict[str, set[str]], fields: tuple[str, ...]) -> pd.Series:
    """Rows whose SKU already has a catalogue error on a field this channel needs (reported once, upstream)."""
    skus = set().union(*(errors.get(field, set()) for field in fields)) if fields else set()
    return items["sku"].isin(skus)


def text_list(values: pd.Series) -> list[str]:
    """A column as a list of cell texts: str as it is, None and NaN empty, numbers as written."""
    return [value if type(value) is str else cell(value) for value in values.tolist()]
