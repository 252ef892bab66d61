"""The pipeline, top to bottom: load -> resolve each market -> render each channel -> publish."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from feedgen.catalogue import load_catalogue
from feedgen.categories import apply_categories, load_categories
from feedgen.channels import CHANNELS, Artifact, Channel
from feedgen.channels.base import RemovedAction, blocked_by_catalogue
from feedgen.diagnostics import Diagnostic, Diagnostics
from feedgen.errors import InputError
from feedgen.i18n.localizer import CatalogueLocalizer
from feedgen.importers.prices import rebase_prices
from feedgen.lock import OutputLock
from feedgen.manifest import Manifest, input_hashes
from feedgen.markets import Market, load_markets
from feedgen.offers import Localizer, MarketOffers, SourceTextLocalizer, Sources, resolve
from feedgen.pages import LandingPages
from feedgen.pricing import load_fx_rates, load_price_list
from feedgen.publish import Stage, checkpoint, recover
from feedgen.release import Release, ReleaseOptions, prepare, removed_skus
from feedgen.rules import apply_rules, load_rules
from feedgen.sizes import load_size_chart

PACKAGE = Path(__file__).resolve().parent


@dataclass
class BuildRequest:
    """What to build. Paths default to the files of a feedgen project in `data_dir`."""

    data_dir: Path = Path("product_data")
    catalogue: Path | None = None
    markets: Path | None = None
    out: Path = Path("output")
    market_ids: list[str] | None = None
    channels: list[str] | None = None
    as_of: date | None = None
    localizer: Localizer | None = None
    on_removed: RemovedAction = "delete"  # what channels that track removals (Amazon) send: "delete" | "zero_stock"
    locales_dir: Path | None = None  # default: locales/ next to data_dir, used when it exists
    require_reviewed: bool = False  # fail (InputError) when a market's product text is not fully reviewed
    pages: bool = True  # landing pages (feedgen.pages), when the project has landing_pages.toml
    catalogue_format: str = "auto"  # see feedgen.importers.FORMATS
    mapping: Path | None = None  # mapping file for exports; default DATA/mapping.toml when it exists

    def input_path(self, name: str) -> Path:
        explicit = {"catalogue.csv": self.catalogue, "markets.toml": self.markets, "mapping.toml": self.mapping}.get(name)
        return Path(explicit) if explicit else self.data_dir / name

    def locales_path(self) -> Path:
        return Path(self.locales_dir) if self.locales_dir is not None else self.data_dir.parent / "locales"

    def mapping_path(self) -> Path | None:
        path = self.input_path("mapping.toml")
        return path if self.mapping or path.exists() else None


@dataclass
class BuildResult:
    artifacts: list[Artifact] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    markets: list[Market] = field(default_factory=list)
    scope: set[tuple[str, str]] = field(default_factory=set)  # (channel, market) pairs built
    release: Release | None = None  # manifest, diff, gate verdict (build, not validate)
    published: bool = False
    publish_mode: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for benchmarks

    @property
    def refused(self) -> bool:
        return self.release is not None and self.release.gate.refused

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started

    def items(self, channel: str, market: str) -> int:
        return sum(a.items for a in self.artifacts if a.channel == channel and a.market == market)


def load_sources(request: BuildRequest) -> Sources:
    """Read and check every input; an unusable one raises InputError before anything is built."""
    config = load_markets(request.input_path("markets.toml"))
    mapping = request.mapping_path()
    catalogue = load_catalogue(request.input_path("catalogue.csv"), request.catalogue_format, mapping,
                               defaults={"brand": config.project.brand})
    fx = load_fx_rates(request.input_path("fx_rates.csv"), config.project.fx_date)
    rebase_prices(catalogue, config, fx, mapping)
    catalogue.diagnostics.extend(apply_categories(catalogue.items, load_categories(request.input_path("categories.toml"))))
    return Sources(
        catalogue=catalogue,
        config=config,
        fx=fx,
        sizes=load_size_chart(request.input_path("size_chart.csv")),
        price_list=load_price_list(request.input_path("prices.csv"), set(config.markets)),
        localizer=request.localizer or _localizer(request, config.project.source_language),
        as_of=request.as_of or date.today(),
    )


def _localizer(request: BuildRequest, source_language: str) -> Localizer:
    """The gettext catalogues when the project has them (or reviewed text is required), else source text."""
    locales = request.locales_path()
    if request.locales_dir is not None and not locales.is_dir():
        raise InputError(locales, "locales folder not found")
    if locales.is_dir() or request.require_reviewed:
        return CatalogueLocalizer(locales, source_language, require_reviewed=request.require_reviewed)
    return SourceTextLocalizer(source_language)


def _errors_by_field(diagnostics: list[Diagnostic]) -> dict[str, set[str]]:
    """field -> SKUs with an error on it, so channels that need the field leave those SKUs out."""
    errors: dict[str, set[str]] = {}
    for diagnostic in diagnostics:
        if diagnostic.severity == "error" and diagnostic.sku:
            errors.setdefault(diagnostic.field, set()).add(diagnostic.sku)
    return errors


def _channels_for(request: BuildRequest, market: Market) -> list[str]:
    wanted = market.channels if request.channels is None else [c for c in request.channels if c in market.channels]
    return [name for name in wanted if name in CHANNELS]


def input_files(request: BuildRequest, sources: Sources) -> dict[str, Path]:
    """Every input file the build read, keyed for the manifest: relative to the project root (the
    folder holding product_data/), package files (templates, page assets, UI catalogues) as `feedgen:...`."""
    root = request.data_dir.resolve().parent
    paths = [sources.catalogue.path, request.input_path("markets.toml"), sources.fx.path, sources.sizes.path]
    optional = [request.input_path(name) for name in ("prices.csv", "rules.toml", "categories.toml", "landing_pages.toml")]
    optional += [request.mapping_path()] if request.mapping_path() else []
    paths += [path for path in optional if path.is_file()]
    for folder, pattern in ((request.locales_path(), "*.po"), (root / "templates", "*")):
        paths += [p for p in folder.rglob(pattern) if p.is_file()] if folder.is_dir() else []
    files: dict[str, Path] = {}
    for path in paths:
        resolved = path.resolve()
        try:
            files[resolved.relative_to(root).as_posix()] = resolved
        except ValueError:  # an input outside the project: only its absolute path names it
            files[resolved.as_posix()] = resolved
    for path in (p for folder in ("templates", "pages/templates", "pages/static", "locales") for p in (PACKAGE / folder).rglob("*")):
        if path.is_file():
            files[f"feedgen:{path.relative_to(PACKAGE).as_posix()}"] = path
    return files


def run(
    request: BuildRequest,
    *,
    publish: bool = True,
    dry_run: bool = False,
    options: ReleaseOptions | None = None,
    progress: Callable[[str], None] = lambda message: None,
    warn: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build every requested market and channel.

    publish=False (validate): render into a scratch directory and throw it away. Otherwise, under
    the output lock: render into a stage beside the output, add manifest and report, ask the gate,
    and (unless `dry_run` or refused) swap the stage in as the new output in one step."""
    warn = warn or progress
    for name in request.channels or []:
        if name not in CHANNELS:
            raise InputError("--channels", f"unknown channel {name!r} (known: {', '.join(CHANNELS)})")
    if not publish:
        sources = load_sources(request)
        stage = Stage(request.out, sources.config.project.brand, scratch=True)
        try:
            return _render(request, sources, stage, None, progress)
        finally:
            stage.discard()

    with OutputLock(request.out, warn):
        recover(request.out, warn)
        checkpoint("locked")
        previous = Manifest.read(request.out, warn)
        started = time.perf_counter()
        sources = load_sources(request)
        loaded = time.perf_counter() - started
        stage = Stage(request.out, sources.config.project.brand)
        try:
            result = _render(request, sources, stage, previous, progress)
            result.timings["load"] = loaded
            progress("writing manifest and report")
            with result.timed("release"):
                result.release = prepare(
                    stage, artifacts=result.artifacts, diagnostics=result.diagnostics, markets=result.markets,
                    previous=previous, scope=result.scope, full=request.market_ids is None and request.channels is None,
                    inputs=input_hashes(input_files(request, sources)), options=options or ReleaseOptions(),
                )
            if not dry_run and not result.release.gate.refused:
                progress("publishing")
                with result.timed("publish"):
                    result.publish_mode = stage.publish(warn)
                result.published = True
        finally:
            stage.discard()
    return result


def _render(request: BuildRequest, sources: Sources, stage: Stage, previous: Manifest | None,
            progress: Callable[[str], None]) -> BuildResult:
    rules = load_rules(request.input_path("rules.toml"), sources.config)  # checked before anything is rendered
    markets = sources.config.select(request.market_ids)
    result = BuildResult(markets=markets)
    result.diagnostics.extend(sources.catalogue.diagnostics)
    pages = _landing_pages(request, sources)
    channels: dict[str, Channel] = {}
    for market in markets:
        progress(f"resolving {market.id}")
        with result.timed("resolve"):
            market_offers = resolve(sources, market)
        result.diagnostics.extend(market_offers.diagnostics)
        errors = _errors_by_field(sources.catalogue.diagnostics + market_offers.diagnostics)
        for name in _channels_for(request, market):
            channel = channels.get(name) or channels.setdefault(name, CHANNELS[name](sources.config))
            with result.timed(name):
                # rules.toml: this channel's view of the market (labels, templates, exclusions)
                offers, rule_diagnostics = apply_rules(rules, market_offers.offers, market, name)
                result.diagnostics.extend(rule_diagnostics)
                view = MarketOffers(market, offers, market_offers.diagnostics)
                blocked = blocked_by_catalogue(view.offers, errors, channel.required_fields)
                accepted, diagnostics = channel.prepare(view, blocked)
                result.diagnostics.extend(diagnostics)
                result.scope.add((name, market.id))
                progress(f"writing {name} {market.id} ({len(accepted)} items)")
                if getattr(channel, "track_removals", False):
                    # an item a rule excludes from this channel counts as gone from it
                    removed = removed_skus(previous, request.out, name, market.id, view.offers["sku"],
                                           request.on_removed, as_of=sources.as_of)
                    if removed.skus:
                        progress(f"{name} {market.id}: {len(removed.skus)} SKU(s) gone since the last build ({removed.action})")
                    result.artifacts.extend(channel.write(accepted, view, stage, removed=removed))
                else:
                    result.artifacts.extend(channel.write(accepted, view, stage))
        if pages is not None:
            progress(f"rendering landing pages {market.id}")
            with result.timed("pages"):
                artifacts, diagnostics = pages.write(market_offers, stage)
            result.artifacts.extend(artifacts)
            result.diagnostics.extend(diagnostics)
    for name, channel in channels.items():
        with result.timed(name):
            artifacts, diagnostics = channel.finish(stage)
        result.artifacts.extend(artifacts)
        result.diagnostics.extend(diagnostics)
    if pages is not None:
        with result.timed("pages"):
            result.artifacts.extend(pages.finish(stage))
    return result


def _landing_pages(request: BuildRequest, sources: Sources) -> LandingPages | None:
    """The landing-page stage, or None; its campaigns are checked now, before anything is written."""
    if not request.pages:
        return None
    return LandingPages.from_sources(sources, request.data_dir, request.locales_path())


def summarize(result: BuildResult) -> list[tuple[str, str, int]]:
    """(channel, market or file, items) rows for the end-of-build table.

    Files that belong to one market are summed per market; cross-market files (Meta's main and
    language feeds, the pages index) are listed by name, so no number adds unlike things."""
    rows: dict[tuple[str, str], int] = {}
    for artifact in result.artifacts:
        key = (artifact.channel, artifact.market or artifact.path.rsplit("/", 1)[-1])
        rows[key] = rows.get(key, 0) + artifact.items
    return sorted((channel, where, items) for (channel, where), items in rows.items())


def exit_code(diagnostics: Diagnostics, strict: bool) -> int:
    """0 clean, 1 item errors (with strict, warnings too). Unusable input (2) never gets here."""
    if diagnostics.errors or (strict and diagnostics.warnings):
        return 1
    return 0


__all__ = ["BuildRequest", "BuildResult", "Diagnostic", "exit_code", "load_sources", "run", "summarize"]
