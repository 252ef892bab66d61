"""The channel interface and the vectorised rule helper the channels share."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Literal, Mapping

import pandas as pd

from feedgen.channels.csvout import CsvFeed, cell
from feedgen.channels.parts import SETTING, FileLimit, PartLimit, WrittenPart
from feedgen.diagnostics import Diagnostic, Severity
from feedgen.files import OutputStage
from feedgen.resolve.fixes import fix
from feedgen.config.markets import ChannelSettings
from feedgen.config.schema import Field, Place, Table

if TYPE_CHECKING:
    from feedgen.config.markets import Market, MarketConfig
    from feedgen.resolve.offers import MarketOffers


@dataclass(frozen=True)
class Artifact:
    """One written file: what it is for and how many items it carries."""

    channel: str
    market: str
    path: str  # relative to the output directory, POSIX separators
    items: int
    part_of: str | None = None  # one of the numbered parts of this feed (feedgen.channels.parts), else None


# What tells two variants of one item group apart (GMC 6324507: colour, size, material, pattern, age
# group, gender; the size system belongs to the size). Two variants equal in all of them are one choice.
VARIANT_ATTRIBUTES = ("color", "size", "size_system", "gender", "age_group", "material", "pattern")

RemovedAction = Literal["delete", "zero_stock"]
KEYS = ("sku", "style_id")  # what every channel's view of an offer keeps


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


NO_REMOVALS = Removals()


class FeedWriter:
    """A market's files of one channel, written a slice of the market at a time (whole styles, in SKU order:
    feedgen.pipeline.slices), so memory follows the slice, not the catalogue. `add` takes a slice's accepted
    items and its view of the market; `close` ends the files (after the withdrawals of `removed`, for
    channels that track removals) and says what was written. Used as a context manager, files still open
    when an error leaves the block are closed and dropped with it."""

    def __init__(self) -> None:
        self.files = ExitStack()

    def add(self, items: pd.DataFrame, market_offers: MarketOffers) -> None:
        raise NotImplementedError

    def close(self, removed: Removals = NO_REMOVALS) -> list[Artifact]:
        raise NotImplementedError

    def __enter__(self) -> FeedWriter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:
            self.files.__exit__(kind, error, trace)


class CsvFeedWriter(FeedWriter):
    """A market's one CSV feed: `cells(items)` gives each slice's columns of text, rows grouped by style."""

    def __init__(self, channel: Channel, market: Market, stage: OutputStage, relative: str, header: tuple[str, ...],
                 cells: Callable[[pd.DataFrame], list[list[str]]]) -> None:
        super().__init__()
        self.channel, self.market, self.cells = channel, market, cells
        self.feed = self.files.enter_context(CsvFeed(stage, relative, header, channel.part_limit()))

    def add(self, items: pd.DataFrame, market_offers: MarketOffers) -> None:
        self.feed.add(self.cells(items), groups=text_list(items["style_id"]))

    def close(self, removed: Removals = NO_REMOVALS) -> list[Artifact]:
        self.files.close()
        return self.channel.artifacts(self.market.id, self.feed.parts())


class Channel:
    """A platform, as a subclass of this class (mkdocs' BasePlugin is the model): `prepare` and `write`
    are what every channel implements; every other hook below is a documented no-op, so the build
    calls them all unconditionally and a channel overrides only what it needs.

    One instance serves one build. A channel's package (`feedgen/channels/<name>/`) holds the class,
    the platform's facts, and the settings it reads from markets.toml; `feedgen.channels.CHANNELS`
    registers it with one line."""

    name: ClassVar[str]
    # Offer fields without which the platform refuses an item: a catalogue error on one of them leaves
    # the SKU out of this channel (reported once, upstream; see blocked_by_catalogue).
    required_fields: ClassVar[tuple[str, ...]] = ()
    # The offer columns (feedgen.load.offer_schema) `prepare` and `write` read: the contract between the
    # resolve stage and this channel; tests/channels/test_offer_schema.py holds each channel to it.
    reads: ClassVar[frozenset[str]] = frozenset()
    # Max characters of localized text fields, shown to translators (feedgen.i18n.sources).
    text_limits: ClassVar[dict[str, int]] = {}
    # True: `write` gets the SKUs gone since the last published build (`removed`), to withdraw them;
    # needs `read_items`.
    track_removals: ClassVar[bool] = False
    # True: the publish gate refuses a build in which one of its files would empty, shrink past the
    # limit or vanish (a truncated catalogue export). False for files whose contents come and go by
    # design (a promotion ends on its date).
    gated: ClassVar[bool] = True
    # A written file read back as {sku: {field: text}} for `feedgen diff`, the build report and removal
    # tracking: the items the file lists (not its withdrawals). A staticmethod; None: cannot be read back.
    read_items: ClassVar[Callable[[Path], dict[str, dict[str, str]]] | None] = None
    # Its sections of markets.toml (`[<name>]`, `markets.XX.<name>`), as schemas the reader applies;
    # what they hold is in config.project.settings[name] and market.settings[name].
    settings: ClassVar[ChannelSettings] = ChannelSettings()
    # Files of the project folder (DATA/) it reads besides the catalogue, e.g. "reviews.csv": listed in
    # the manifest's inputs when present, and so in every incremental key.
    inputs: ClassVar[tuple[str, ...]] = ()
    # The platform's cap on one feed file (facts.py, with its source): a feed over it is written as numbered
    # parts (feedgen.channels.parts). None: the channel's writer does not split by size; otherwise its
    # `[<name>] max_file_bytes` setting may lower the limit (limit_settings), never raise it.
    file_limit: ClassVar[FileLimit | None] = None
    # True: `open` gives a FeedWriter, and the build hands the market to `prepare` and the writer a slice at a
    # time (whole styles, in SKU order), then calls `settle`. False: the build gathers the market's offers
    # (only the `reads` columns) and calls `prepare` and `write` once: for channels whose file is small and
    # whose rows are not the items (reviews, promotions).
    streams: ClassVar[bool] = False

    def __init__(self, config: MarketConfig) -> None:
        self.config = config

    def part_limit(self) -> PartLimit | None:
        """The per-file limit this build holds the channel's files to: the setting, else the platform's."""
        if self.file_limit is None:
            return None
        configured = self.config.project.settings.get(self.name, {}).get(SETTING)
        return PartLimit(configured or self.file_limit.max_bytes, self.config.path, f"[{self.name}] {SETTING}")

    def artifacts(self, market: str, parts: list[WrittenPart]) -> list[Artifact]:
        return [Artifact(self.name, market, part.path, part.items, part.part_of) for part in parts]

    @classmethod
    def cache_key(cls, config: MarketConfig) -> object:
        """What this channel's output depends on besides the market's offers and markets.toml (which
        every key holds), JSON-ready, e.g. a secret-free digest of an environment variable it reads.
        feedgen.pipeline.incremental puts it in every market's key: leave something out and a stale file is
        reused."""
        return None

    def use_inputs(self, paths: Mapping[str, Path], as_of: date) -> None:
        """The project files of `inputs` that exist, by name, before `plan`: read them here, once, in the
        building process (forked market workers share what was read). An unusable file raises InputError.
        `as_of` is the build date (what is dated after it has not happened yet)."""

    def plan(self, markets: list[Market]) -> None:
        """The markets this build gives the channel, before any is built (Meta decides here which
        market writes each language feed, whichever process builds it)."""

    def use_catalogue(self, skus: pd.Series, styles: pd.Series) -> None:
        """The whole catalogue's key columns, before any market is built: for the few checks that span the
        slices a market is built in (feedgen.pipeline.slices), e.g. a style named like a SKU of another slice.
        Keep what is needed, not the columns."""

    def prepare(self, market_offers: MarketOffers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]:
        """The offers the platform would accept, and a diagnostic for every problem of every item.
        `blocked` marks rows with an upstream error on a required field (start rejected, still checked)."""
        raise NotImplementedError

    def write(self, items: pd.DataFrame, market_offers: MarketOffers, stage: OutputStage,
              removed: Removals = NO_REMOVALS) -> list[Artifact]:
        """Stream the accepted `items` into the stage; `removed` is empty unless `track_removals`.
        A streaming channel's whole market is one slice through its writer."""
        with self.open(market_offers.market, stage) as writer:
            writer.add(items, market_offers)
            return writer.close(removed)

    def open(self, market: Market, stage: OutputStage) -> FeedWriter:
        """The writer of a market's files (channels that `streams`)."""
        raise NotImplementedError

    def gather(self, offers: pd.DataFrame) -> pd.DataFrame:
        """What a channel that does not stream keeps of one slice's offers until its market is whole: its
        `reads` columns, copied so that the slice's other columns are freed with it."""
        return offers[[column for column in offers.columns if column in self.reads or column in KEYS]].copy()

    def settle(self, market_id: str) -> list[Diagnostic]:
        """After a market's last slice: what only the whole market tells (e.g. how many distinct values a
        column took over every slice `prepare` saw)."""
        return []

    def finish(self, stage: OutputStage) -> tuple[list[Artifact], list[Diagnostic]]:
        """After every market: files that span markets, and what only the whole build can tell."""
        return [], []

    def export_state(self, market_id: str) -> Any:
        """What `finish` needs from a market, JSON-ready; called in the process that built the market."""
        return None

    def import_state(self, market_id: str, state: Any) -> None:
        """A market's `export_state`, handed back in market order (from a worker or the last build)."""


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


def limit_settings(settings: ChannelSettings, limit: FileLimit | None) -> ChannelSettings:
    """A channel's markets.toml sections plus `[<channel>] max_file_bytes` when it splits by size: a
    person may hold files to less than the platform allows (a proxy's upload cap, smaller parts), never more."""
    if limit is None:
        return settings
    def read(value: object, place: Place, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise place.fail(f"must be a whole number of bytes, at least 1, got {value!r}", key)
        if limit.max_bytes is not None and value > limit.max_bytes:
            raise place.fail(f"{value} is above the platform's limit of {limit.max_bytes} bytes per file "
                             f"({limit.source}); the setting may only lower it", key)
        return value
    field = Field(SETTING, read, None)
    project = settings.project or Table()
    if project.build is not None:  # pragma: no cover - a channel whose table builds an object adds the key itself
        raise TypeError("limit_settings needs a project table without `build`")
    return replace(settings, project=replace(project, fields=(*project.fields, field)))


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


# pandas >= 3 always copies on write: a shallow copy shares the columns until one side writes to one, and then
# copies only that column. pandas 2 (still allowed by pyproject) writes through a shallow copy into the original.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


def working_copy(offers: pd.DataFrame) -> pd.DataFrame:
    """The market's offers for a channel's `prepare` to change (shorten, fill in) without changing what the other
    channels see. A deep copy of every column of a slice cost ~25 ms at 25,000 rows, per channel and slice, though
    a channel writes to a few columns at most; with copy-on-write only those are copied."""
    return offers.copy(deep=not _COPY_ON_WRITE)
