"""One market of a build: resolve it, render its channels and pages, hand back what the build needs.

build.run calls `build_market` once per market, in its own process or in forked workers
(feedgen.pipeline.parallel), and assembles the results in market order; parts an earlier build made from
the same inputs come from feedgen.pipeline.incremental instead. A result carries everything the build
needs afterwards (artifacts, diagnostics, the state each channel's `finish` reads, the hashes of
the files written), so a parallel or incremental build is assembled exactly like a serial one.
"""

from __future__ import annotations

import time
from pathlib import Path
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

from feedgen.channels import Channel
from feedgen.channels.base import NO_REMOVALS, blocked_by_catalogue, reported_errors
from feedgen.diagnostics import Diagnostic
from feedgen.resolve.history import DayPrice, day_prices
from feedgen.pipeline.incremental import RESOLVE, Part
from feedgen.publish.manifest import Manifest
from feedgen.config.markets import Market
from feedgen.resolve.offers import MarketOffers, Sources, resolve
from feedgen.pages import LandingPages
from feedgen.publish.stage import Stage
from feedgen.publish.release import removed_skus
from feedgen.resolve.rules import RuleSet, apply_rules

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
    prices: list[DayPrice] | None = None  # the day's prices for the history (feedgen.resolve.history); None: reused


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
    """Resolve one market and render the channels and pages the last build cannot give."""
    request, sources, stage = job.request, job.sources, job.stage
    assert sources is not None
    stored = job.reuse.get(market.id, {})
    built = MarketBuild(market.id)
    already = set(stage.written)
    progress(f"resolving {market.id}")
    with timed(built.timings, "resolve"):
        market_offers = resolve(sources, market)
    built.parts[RESOLVE] = Part(diagnostics=list(market_offers.diagnostics))
    if job.history is not None:  # recorded by build.run in market order, so the file is the same whatever the workers
        built.prices = day_prices(market_offers.offers, market.currency)
    errors = errors_by_field(sources.catalogue.diagnostics + market_offers.diagnostics)
    reported = reported_errors(errors)
    for name in job.plan[market.id]:
        if name in stored:
            built.parts[name] = stored[name]
            built.reused.add(name)
            continue
        channel = job.channels[name]
        part = built.parts[name] = Part()
        with timed(built.timings, name):
            # rules.toml: this channel's view of the market (labels, templates, exclusions)
            offers, rule_diagnostics = apply_rules(job.rules, market_offers.offers, market, name)
            offers = sources.localizer.localize_product_type(offers, market)  # after the rules, which read the source path
            part.diagnostics.extend(rule_diagnostics)
            excluded = frozenset(market_offers.offers["sku"]) - frozenset(offers["sku"])
            view = MarketOffers(market, offers, market_offers.diagnostics, excluded, reported)
            blocked = blocked_by_catalogue(view.offers, errors, channel.required_fields)
            accepted, diagnostics = channel.prepare(view, blocked)
            part.diagnostics.extend(diagnostics)
            progress(f"writing {name} {market.id} ({len(accepted)} items)")
            removed = NO_REMOVALS
            if channel.track_removals:
                # an item a rule excludes from this channel counts as gone from it
                removed = removed_skus(job.previous, request.out, name, market.id, view.offers["sku"],
                                       request.on_removed, as_of=sources.as_of)
                if removed.skus:
                    progress(f"{name} {market.id}: {len(removed.skus)} SKU(s) gone since the last build ({removed.action})")
            part.artifacts.extend(channel.write(accepted, view, stage, removed=removed))
            part.reusable = not removed.skus  # withdrawals go out once: the next build differs
            part.state = channel.export_state(market.id)
    if job.pages is not None:
        if PAGES in stored:
            built.parts[PAGES] = stored[PAGES]
            built.reused.add(PAGES)
        else:
            progress(f"rendering landing pages {market.id}")
            with timed(built.timings, PAGES):
                artifacts, diagnostics = job.pages.write(market_offers, stage)
            built.parts[PAGES] = Part(artifacts, diagnostics, job.pages.export_state(market.id))
    built.written = {path: entry for path, entry in stage.written.items() if path not in already}
    return built


def errors_by_field(diagnostics: list[Diagnostic]) -> dict[str, set[str]]:
    """field -> SKUs with an error on it, so channels that need the field leave those SKUs out."""
    errors: dict[str, set[str]] = {}
    for diagnostic in diagnostics:
        if diagnostic.severity == "error" and diagnostic.sku:
            errors.setdefault(diagnostic.field, set()).add(diagnostic.sku)
    return errors
