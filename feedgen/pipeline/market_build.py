"""One market of a build: resolve it, render its channels and pages, hand back what the build needs.

build.run calls `build_market` once per market, in its own process or in forked workers
(feedgen.pipeline.parallel), and assembles the results in market order; parts an earlier build made from
the same inputs come from feedgen.pipeline.incremental instead. A result carries everything the build
needs afterwards (artifacts, diagnostics, the state each channel's `finish` reads, the hashes of
the files written), so a parallel or incremental build is assembled exactly like a serial one.
"""

from __future__ import annotations

import pickle
import time
from bisect import bisect_right
from pathlib import Path
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

import numpy as np
import pandas as pd

from feedgen.channels import Channel
from feedgen.channels.base import NO_REMOVALS, FeedWriter, blocked_by_catalogue, reported_errors
from feedgen.diagnostics import Diagnostic
from feedgen.resolve.history import PriceBatch, day_prices
from feedgen.pipeline.incremental import RESOLVE, Part
from feedgen.publish.manifest import Manifest
from feedgen.config.markets import Market
from feedgen.resolve.offers import MarketOffers, Sources, localize_session, resolve
from feedgen.pages import LandingPages
from feedgen.publish.stage import Stage
from feedgen.publish.release import removed_skus
from feedgen.resolve.rules import RuleSet, apply_rules
from feedgen.pipeline.parallel import trim_heap
from feedgen.columns import SKU_SEPARATOR, pack_skus
from feedgen.pipeline.slices import SpilledCatalogue

if TYPE_CHECKING:  # build imports this module: the request is only a type here
    from feedgen.pipeline.build import BuildRequest

PAGES = "pages"  # the landing pages' part and stage name
# builds the given markets of a job somewhere else and yields their results in the given order
MarketRunner = Callable[["MarketJob", list[Market], Callable[[str], None]], Iterator["MarketBuild"]]


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


@dataclass
class MarketBuild:
    """A built market: picklable, so a worker process can hand it back."""

    market: str
    parts: dict[str, Part] = field(default_factory=dict)  # resolve, each channel, pages: in build order
    timings: dict[str, float] = field(default_factory=dict)
    written: dict[str, tuple[int, str]] = field(default_factory=dict)  # staged file -> (bytes, sha256)
    reused: set[str] = field(default_factory=set)  # names of parts taken over from the last build
    prices: PriceSpool | None = None  # the day's prices for the history (feedgen.resolve.history); None: reused

    def day_prices(self) -> Iterator[PriceBatch]:
        return iter(self.prices or ())


class PriceSpool:
    """A market's prices of the day, a PriceBatch (JSON text) a slice, until build.run records them in market
    order. Where the build moved its catalogue to disk (`directory`, feedgen.pipeline.slices) they go to a file
    there, so a worker holds nothing per SKU until it hands the market back (a million SKUs' prices are tens
    of MB a market); otherwise they are kept as a few large strings, never a million small objects."""

    def __init__(self, directory: Path | None, market_id: str) -> None:
        self.path = None if directory is None else directory / f"prices-{market_id}.pickles"  # market ids: [A-Z]{2}
        self.chunks: list[PriceBatch] = []
        if self.path is not None:
            self.path.write_bytes(b"")  # a market built again (a restarted worker) starts over

    def add(self, prices: PriceBatch) -> None:
        if self.path is None:
            self.chunks.append(prices)
            return
        with self.path.open("ab") as handle:
            pickle.dump(prices, handle, pickle.HIGHEST_PROTOCOL)

    def __iter__(self) -> Iterator[PriceBatch]:
        yield from self.chunks
        if self.path is None:
            return
        with self.path.open("rb") as handle:
            while handle.peek(1):
                yield pickle.load(handle)  # noqa: S301 - pickled by this build's own worker


class SkuSpool:
    """A market's SKUs in one channel's view, added a slice at a time, for `removed_skus` once every slice is in
    (`sku in spool`). Slices are runs of the catalogue in SKU order (feedgen.pipeline.slices), so each slice's
    lowest and highest SKU say which slice could hold a SKU: only those stay here, each slice's SKUs go to a file
    in the build's slices folder (`directory`; as one string each without it), and a lookup loads one slice's set
    at a time. A worker then holds no SKU of earlier slices while it builds a market, and checking the last
    feed's SKUs at the end never makes a set of a million (issue #19). Should slices ever not come in SKU order,
    it falls back to one set of them all: slower, the same answer."""

    def __init__(self, directory: Path | None, name: str) -> None:
        self.path = None if directory is None else directory / f"skus-{name}.txt"  # name: channel-market, [a-z_A-Z-]
        self.packs: list[str] = []  # without a directory: each slice's SKUs, one string
        self.ends = [0]  # with one: where each slice's UTF-8 bytes end in the file
        self.lows: list[str] = []
        self.highs: list[str] = []
        self.ordered = True
        self._loaded: tuple[int, frozenset[str]] = (-1, frozenset())
        if self.path is not None:
            self.path.write_bytes(b"")  # a market built again (a restarted worker) starts over

    def add(self, skus: list[str]) -> None:
        if not skus:
            return
        low, high = min(skus), max(skus)
        self.ordered = self.ordered and (not self.highs or self.highs[-1] < low)
        self.lows.append(low)
        self.highs.append(high)
        text = pack_skus(skus)
        if self.path is None:
            self.packs.append(text)
            return
        data = text.encode("utf-8", "surrogatepass")
        with self.path.open("ab") as handle:
            handle.write(data)
        self.ends.append(self.ends[-1] + len(data))

    def _slice(self, number: int) -> frozenset[str]:
        if self._loaded[0] != number:
            self._loaded = (-1, frozenset())  # the last slice's set goes before the next is made
            self._loaded = (number, frozenset(self._text(number).split(SKU_SEPARATOR)))
        return self._loaded[1]

    def _text(self, number: int) -> str:
        if self.path is None:
            return self.packs[number]
        with self.path.open("rb") as handle:
            handle.seek(self.ends[number])
            return handle.read(self.ends[number + 1] - self.ends[number]).decode("utf-8", "surrogatepass")

    def __contains__(self, sku: object) -> bool:
        if not isinstance(sku, str) or not self.lows:
            return False
        if not self.ordered:
            if self._loaded[0] != len(self.lows):  # every slice as one set, made once
                self._loaded = (-1, frozenset())
                self._loaded = (len(self.lows), frozenset(
                    each for number in range(len(self.lows)) for each in self._text(number).split(SKU_SEPARATOR)))
            return sku in self._loaded[1]
        number = bisect_right(self.lows, sku) - 1
        return number >= 0 and sku <= self.highs[number] and sku in self._slice(number)


@dataclass
class MarketJob:
    """What a market's build reads; forked workers share it as it was when they forked."""

    request: BuildRequest
    sources: Sources | None  # None when no market needs building (feedgen.pipeline.incremental)
    stage: Stage
    previous: Manifest | None
    rules: RuleSet
    channels: dict[str, Channel]
    plan: dict[str, list[str]]  # market id -> its channels in this build
    pages: LandingPages | None
    reuse: dict[str, dict[str, Part]] = field(default_factory=dict)  # market -> parts to take over
    slices: list[np.ndarray] = field(default_factory=list)  # catalogue rows per slice (feedgen.pipeline.slices)
    spilled: SpilledCatalogue | None = None  # the slices' rows on disk, when the building process let go of them

    def slice_items(self, number: int, rows: np.ndarray | None) -> pd.DataFrame | None:
        """A slice's catalogue rows (None: the whole catalogue)."""
        if rows is None:
            return None
        if self.spilled is not None:
            return self.spilled.read(number, rows)
        assert self.sources is not None
        return self.sources.catalogue.items.iloc[rows]
    history: Path | None = None  # the staged price history (feedgen.resolve.history); None: not recorded

    def keep_history(self, path: Path | None) -> None:
        """Record the day's prices into the staged history at `path`, which the pages read too."""
        self.history = path
        if self.pages is not None:
            self.pages.history = path

    def names(self, market: Market) -> list[str]:
        return part_names(self.plan[market.id], self.pages is not None)

    def fully_reused(self, market: Market) -> bool:
        return all(name in self.reuse.get(market.id, {}) for name in self.names(market))


def part_names(channels: list[str], pages: bool) -> list[str]:
    """The parts of a market, in build order: resolve, its channels, its landing pages."""
    return [RESOLVE, *channels, *([PAGES] if pages else [])]


def reused_market(job: MarketJob, market: Market) -> MarketBuild:
    """A market whose every part the last build made from the same inputs."""
    stored = job.reuse[market.id]
    return MarketBuild(market.id, parts={name: stored[name] for name in job.names(market)},
                       reused=set(job.names(market)))


def build_market(job: MarketJob, market: Market, progress: Callable[[str], None]) -> MarketBuild:
    """Resolve one market and render the channels and pages the last build cannot give, a slice of the
    catalogue at a time (feedgen.pipeline.slices): each slice is resolved, passed through each channel's
    rules and checks, and streamed into its writer, so memory follows the slice, not the catalogue."""
    sources, stage = job.sources, job.stage
    assert sources is not None
    stored = job.reuse.get(market.id, {})
    built = MarketBuild(market.id)
    already = set(stage.written)
    session = localize_session(sources.localizer, market)
    slices: list[np.ndarray | None] = list(job.slices) if len(job.slices) > 1 else [None]  # one: the catalogue
    catalogue_errors = errors_by_field(sources.catalogue.diagnostics)
    resolved: list[Diagnostic] = []
    spool = None if job.spilled is None else job.spilled.directory
    prices = None if job.history is None else PriceSpool(spool, market.id)
    progress(f"resolving {market.id}" + (f" in {len(slices)} slices" if len(slices) > 1 else ""))
    with ExitStack() as writers:
        renders: dict[str, ChannelRender] = {}
        for name in job.plan[market.id]:
            if name in stored:
                built.parts[name] = stored[name]
                built.reused.add(name)
            else:
                progress(f"writing {name} {market.id}")
                renders[name] = writers.enter_context(ChannelRender(job, job.channels[name], market, built.timings))
        pages = HeroRows(job.pages, market) if job.pages is not None and PAGES not in stored else None
        for number, rows in enumerate(slices):
            with timed(built.timings, "resolve"):
                market_offers = resolve(sources, market, job.slice_items(number, rows), session)
            resolved.extend(market_offers.diagnostics)
            if prices is not None:  # recorded by build.run in market order: the same file whatever the workers
                prices.add(day_prices(market_offers.offers, market.currency))
            errors = merge_errors(catalogue_errors, errors_by_field(market_offers.diagnostics))
            reported = reported_errors(errors)
            for render in renders.values():
                render.add(market_offers, errors, reported)
            if pages is not None:
                pages.add(market_offers)
            del market_offers
            trim_heap()  # the slice's memory back to the OS: a worker's footprint follows the slice
        with timed(built.timings, "resolve"):
            resolved.extend(session.finish())  # what the whole market tells; may refuse it (InputError)
        built.parts[RESOLVE] = Part(diagnostics=resolved)
        built.prices = prices
        for name, render in renders.items():
            built.parts[name] = render.close(progress)
    if job.pages is not None:
        if PAGES in stored:
            built.parts[PAGES] = stored[PAGES]
            built.reused.add(PAGES)
        else:
            assert pages is not None
            progress(f"rendering landing pages {market.id}")
            with timed(built.timings, PAGES):
                artifacts, diagnostics = job.pages.write(pages.market_offers(resolved), stage)
            built.parts[PAGES] = Part(artifacts, diagnostics, job.pages.export_state(market.id))
    parts = {name: built.parts[name] for name in job.names(market)}  # in build order: resolve, channels, pages
    built.parts = parts
    built.written = {path: entry for path, entry in stage.written.items() if path not in already}
    return built


class ChannelRender:
    """One channel of one market, fed a slice at a time: rules.toml's view of the slice, the channel's
    checks, and its writer (a channel that `streams`); a channel that does not is given the market's offers
    (its `reads` columns) whole, once every slice is in."""

    def __init__(self, job: MarketJob, channel: Channel, market: Market, timings: dict[str, float]) -> None:
        self.job, self.channel, self.market, self.timings = job, channel, market, timings
        assert job.sources is not None
        self.localizer, self.as_of = job.sources.localizer, job.sources.as_of
        self.part = Part()
        self.items = 0
        # the market's SKUs in this channel's view, for removals; only where the last build published this
        # channel's files for the market: without them nothing can be gone (removed_skus), and a first build
        # would keep every SKU of the market for nothing (issue #19)
        self.skus: SkuSpool | None = None
        if channel.track_removals and job.previous is not None and job.previous.for_pair(channel.name, market.id):
            self.skus = SkuSpool(None if job.spilled is None else job.spilled.directory, f"{channel.name}-{market.id}")
        self.writer: FeedWriter | None = None
        self.gathered: list[tuple[pd.DataFrame, pd.Series]] = []  # a channel that does not stream: its columns
        self.excluded: set[str] = set()
        self.reported: set[tuple[str, str]] = set()

    def __enter__(self) -> ChannelRender:
        if self.channel.streams:
            with timed(self.timings, self.channel.name):
                self.writer = self.channel.open(self.market, self.job.stage).__enter__()
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None and self.writer is not None:
            self.writer.__exit__(kind, error, trace)

    def add(self, market_offers: MarketOffers, errors: dict[str, set[str]],
            reported: frozenset[tuple[str, str]]) -> None:
        channel, market = self.channel, self.market
        with timed(self.timings, channel.name):
            # rules.toml: this channel's view of the market (labels, templates, exclusions)
            offers, rule_diagnostics = apply_rules(self.job.rules, market_offers.offers, market, channel.name)
            offers = self.localizer.localize_product_type(offers, market)  # after the rules, which read the source path
            self.part.diagnostics.extend(rule_diagnostics)
            excluded = excluded_skus(market_offers.offers, offers)
            view = MarketOffers(market, offers, market_offers.diagnostics, excluded, reported)
            blocked = blocked_by_catalogue(view.offers, errors, channel.required_fields)
            if self.skus is not None:
                self.skus.add(view.offers["sku"].tolist())
            if self.writer is None:
                kept = channel.gather(offers)
                self.gathered.append((kept, blocked.loc[kept.index]))
                self.excluded |= excluded
                self.reported |= reported
                return
            accepted, diagnostics = channel.prepare(view, blocked)
            self.part.diagnostics.extend(diagnostics)
            self.writer.add(accepted, view)
            self.items += len(accepted)

    def close(self, progress: Callable[[str], None]) -> Part:
        """The channel's part of the market, once every slice is in."""
        job, channel, market, part = self.job, self.channel, self.market, self.part
        with timed(self.timings, channel.name):
            removed = NO_REMOVALS
            if channel.track_removals:
                # an item a rule excludes from this channel counts as gone from it
                removed = removed_skus(job.previous, job.request.out, channel.name, market.id,
                                       frozenset() if self.skus is None else self.skus, job.request.on_removed,
                                       as_of=self.as_of)
                self.skus = None
                if removed.skus:
                    progress(f"{channel.name} {market.id}: {len(removed.skus)} SKU(s) gone since the last build "
                             f"({removed.action})")
            if self.writer is not None:
                part.artifacts.extend(self.writer.close(removed))
                part.diagnostics.extend(channel.settle(market.id))
            else:
                offers = pd.concat([offers for offers, _ in self.gathered], ignore_index=True)
                blocked = pd.concat([blocked for _, blocked in self.gathered], ignore_index=True)
                self.gathered = []
                view = MarketOffers(market, offers, [], frozenset(self.excluded), frozenset(self.reported))
                accepted, diagnostics = channel.prepare(view, blocked)
                part.diagnostics.extend(diagnostics)
                self.items = len(accepted)
                part.artifacts.extend(channel.write(accepted, view, job.stage, removed=removed))
            part.reusable = not removed.skus  # withdrawals go out once: the next build differs
            part.state = channel.export_state(market.id)
        progress(f"wrote {channel.name} {market.id} ({self.items} items)")
        return part


class HeroRows:
    """The rows of a market's landing pages, gathered slice by slice: a page shows only its campaigns' hero
    styles, so only their rows are kept."""

    def __init__(self, pages: LandingPages, market: Market) -> None:
        self.market = market
        self.heroes = pages.hero_styles(market)
        self.rows: list[pd.DataFrame] = []

    def add(self, market_offers: MarketOffers) -> None:
        offers = market_offers.offers
        self.rows.append(offers[offers["style_id"].isin(self.heroes)])

    def market_offers(self, diagnostics: list[Diagnostic]) -> MarketOffers:
        return MarketOffers(self.market, pd.concat(self.rows, ignore_index=True), diagnostics)


def excluded_skus(offers: pd.DataFrame, view: pd.DataFrame) -> frozenset[str]:
    """The SKUs rules.toml left out of a channel's view (rules only ever take rows away)."""
    if len(view) == len(offers):
        return frozenset()
    return frozenset(offers["sku"].tolist()) - frozenset(view["sku"].tolist())


def merge_errors(first: dict[str, set[str]], second: dict[str, set[str]]) -> dict[str, set[str]]:
    """Two errors_by_field results as one (new sets only where both name a field)."""
    merged = dict(first)
    for name, skus in second.items():
        merged[name] = merged[name] | skus if name in merged else skus
    return merged


def errors_by_field(diagnostics: list[Diagnostic]) -> dict[str, set[str]]:
    """field -> SKUs with an error on it, so channels that need the field leave those SKUs out."""
    errors: dict[str, set[str]] = {}
    for diagnostic in diagnostics:
        if diagnostic.severity == "error" and diagnostic.sku:
            errors.setdefault(diagnostic.field, set()).add(diagnostic.sku)
    return errors
