"""The pipeline, top to bottom: load -> resolve each market -> render each channel -> publish."""

from __future__ import annotations

import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from functools import partial
from typing import Callable, ContextManager, Iterator

import numpy as np
import pandas as pd

from feedgen.load.catalogue import Catalogue, load_catalogue, stream_catalogue
from feedgen.load.categories import (Categories, CategoryTally, apply_categories, assign_categories,
                                     category_diagnostics, load_categories)
from feedgen.channels import Artifact, CHANNELS, Channel, read_markets
from feedgen.channels.base import RemovedAction
from feedgen.diagnostics import Diagnostic, Diagnostics
from feedgen.errors import InputError
from feedgen.resolve.history import PriceHistory, stage_copy
from feedgen.i18n.localizer import CatalogueLocalizer
from feedgen.load.importers.prices import rebase_prices
from feedgen.publish.lock import OutputLock
from feedgen.publish.manifest import Manifest, input_hashes
from feedgen.pipeline.incremental import STATE, BuildState, Keys, Part, build_keys, reusable_parts
from feedgen.interrupt import Interrupted
from feedgen.pipeline.market_build import (PAGES, MarketBuild, MarketJob, MarketRunner, build_market, part_names,
                                           reused_market, timed)
from feedgen.config.markets import Market, MarketConfig
from feedgen.resolve.offers import Localizer, Sources, slices_market
from feedgen.pages import LandingPages
from feedgen.pipeline.parallel import default_jobs, run_all, trim_heap
from feedgen.pipeline.slices import SLICE_SKUS, SpilledCatalogue, catalogue_slices
from feedgen.config.paths import ProjectPaths
from feedgen.load.pricing import load_fx_rates, load_price_list
from feedgen.files import checkpoint
from feedgen.publish.stage import STAGING, Stage, recover
from feedgen.publish.release import Release, ReleaseOptions, guard_output, prepare
from feedgen.resolve.rules import load_rules
from feedgen.load.sizes import load_size_chart

PACKAGE = Path(__file__).resolve().parents[1]  # the feedgen package


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
    jobs: int | None = None  # markets built in parallel processes; default: the CPUs available
    catalogue_format: str = "auto"  # see feedgen.load.importers.FORMATS
    mapping: Path | None = None  # mapping file for exports; default DATA/mapping.toml when it exists
    incremental: bool = True  # take over outputs whose inputs did not change (feedgen.pipeline.incremental)
    runner: MarketRunner | None = None  # builds the markets elsewhere (feedgen.pipeline.cluster); None: --jobs here
    slice_skus: int | None = SLICE_SKUS  # catalogue rows a market is built in at a time (feedgen.pipeline.slices)

    @property
    def paths(self) -> ProjectPaths:
        """The project's files, with their defaults (feedgen.config.paths: one place for every command)."""
        return ProjectPaths(data_dir=self.data_dir, catalogue=self.catalogue, markets=self.markets,
                            mapping=self.mapping, locales=self.locales_dir, out=self.out)

    def input_path(self, name: str) -> Path:
        return self.paths.input(name)

    def locales_path(self) -> Path:
        return self.paths.locales_dir

    def mapping_path(self) -> Path | None:
        return self.paths.mapping_file


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
    market_builds: list[MarketBuild] = field(default_factory=list)
    reused: set[str] = field(default_factory=set)  # files taken over unchanged from the last build

    @property
    def refused(self) -> bool:
        return self.release is not None and self.release.gate.refused

    def timed(self, stage: str) -> ContextManager[None]:
        return timed(self.timings, stage)

    def items(self, channel: str, market: str) -> int:
        return sum(a.items for a in self.artifacts if a.channel == channel and a.market == market)


def load_sources(request: BuildRequest) -> Sources:
    """Read and check every input; an unusable one raises InputError before anything is built."""
    return _load_sources(request, None)[0]


def _load_sources(request: BuildRequest, spill_to: tuple[Path, str] | None) -> tuple[Sources, SpilledCatalogue | None]:
    """load_sources. With `spill_to` (a folder and a name prefix) a catalogue that streams
    (feedgen.load.catalogue.stream_catalogue) is read a slice's rows at a time and handed straight to its
    slices' files (feedgen.pipeline.slices) in a new folder there, so this process never holds it whole;
    that folder comes back with the sources (None when the catalogue was read whole)."""
    config = read_markets(request.input_path("markets.toml"))
    mapping = request.mapping_path()
    path, defaults = request.input_path("catalogue.csv"), {"brand": config.project.brand}
    size = _slice_size(request, request.localizer)
    spilled = SpilledCatalogue.create(*spill_to) if spill_to is not None and size else None
    try:
        catalogue = None if spilled is None or size is None else stream_catalogue(
            path, request.catalogue_format, mapping, defaults, directory=spilled.directory, rows=size)
        catalogue = catalogue or load_catalogue(path, request.catalogue_format, mapping, defaults=defaults)
        fx = load_fx_rates(request.input_path("fx_rates.csv"), config.project.fx_date)
        rebase_prices(catalogue, config, fx, mapping)  # a catalogue that streams holds base prices: nothing to do
        categories = load_categories(request.input_path("categories.toml"))
        if catalogue.chunks:
            assert spilled is not None and size is not None
            _distribute(catalogue, categories, catalogue_slices(*_key_columns(catalogue), size), spilled)
        else:
            catalogue.diagnostics.extend(apply_categories(catalogue.items, categories))
        if spilled is not None and not spilled.slices:
            spilled.remove()
            spilled = None
        sources = Sources(
            catalogue=catalogue,
            config=config,
            fx=fx,
            sizes=load_size_chart(request.input_path("size_chart.csv")),
            price_list=load_price_list(request.input_path("prices.csv"), set(config.markets)),
            localizer=request.localizer or _localizer(request, config.project.source_language),
            as_of=request.as_of or date.today(),
        )
    except BaseException:
        if spilled is not None:
            spilled.remove()
        raise
    return sources, spilled


def _distribute(catalogue: Catalogue, categories: Categories, slices: list[np.ndarray],
                spilled: SpilledCatalogue) -> None:
    """A streamed catalogue's chunks, categorised, into its slices' files; or, when it is a single slice, into
    memory as a catalogue read whole. Either way the chunk files go, and the category warnings count over all."""
    tally = CategoryTally()

    def categorised() -> Iterator[pd.DataFrame]:
        for number, chunk in enumerate(catalogue.read_chunks()):
            assign_categories(chunk, categories, tally)
            if number == 0:
                catalogue.items = chunk.iloc[0:0].copy()  # the columns and their types (a view would keep the chunk)
            yield chunk
    if len(slices) > 1:
        spilled.fill(categorised(), slices)
    else:
        catalogue.items = pd.concat(list(categorised()))
        catalogue.items.index = pd.RangeIndex(len(catalogue.items))
        catalogue.packed_keys = []
    for chunk in catalogue.chunks:
        chunk.unlink()
    catalogue.chunks = []
    catalogue.diagnostics.extend(category_diagnostics(tally, categories))


def _key_columns(catalogue: Catalogue) -> tuple[pd.Series, pd.Series]:
    keys = catalogue.keys()
    return keys["sku"], keys["style_id"]


def _slice_size(request: BuildRequest, localizer: Localizer | None) -> int | None:
    """Catalogue rows a market is built in at a time; None: whole (a localizer without a session takes each
    market whole)."""
    return request.slice_skus if localizer is None or slices_market(localizer) else None


def _localizer(request: BuildRequest, source_language: str) -> Localizer:
    """The gettext catalogues; without a locales folder every foreign market has none, and its
    `untranslated` policy (markets.toml) decides what happens to its items."""
    locales = request.locales_path()
    if request.locales_dir is not None and not locales.is_dir():
        raise InputError(locales, "locales folder not found")
    return CatalogueLocalizer(locales, source_language, require_reviewed=request.require_reviewed)


def _channels_for(request: BuildRequest, market: Market) -> list[str]:
    wanted = market.channels if request.channels is None else [c for c in request.channels if c in market.channels]
    return [name for name in wanted if name in CHANNELS]


def _plan(request: BuildRequest, markets: list[Market]) -> dict[str, list[str]]:
    """market id -> the channels this build gives it."""
    return {market.id: _channels_for(request, market) for market in markets}


def input_files(request: BuildRequest) -> dict[str, Path]:
    """Every input file the build reads, keyed for the manifest: relative to the project root (the
    folder holding product_data/), package files (templates, page assets, UI catalogues) as
    `feedgen:...`. Known from the request alone, so an unchanged build can be recognised before
    anything is loaded."""
    paths = [request.input_path(name) for name in ("catalogue.csv", "markets.toml", "fx_rates.csv", "size_chart.csv")]
    optional = [request.input_path(name) for name in ("prices.csv", "rules.toml", "categories.toml")]
    optional += [request.input_path("landing_pages.toml")] if request.pages else []
    optional += [request.mapping_path()] if request.mapping_path() else []
    optional += [request.input_path(name) for channel in CHANNELS.values() for name in channel.inputs]
    paths += [path for path in optional if path.is_file()]
    locales = request.locales_path()
    paths += [p for p in locales.rglob("*.po") if p.is_file()] if locales.is_dir() else []
    files = {input_key(request, path): path.resolve() for path in paths}
    for path in (p for folder in ("templates", "pages/templates", "pages/static", "locales") for p in (PACKAGE / folder).rglob("*")):
        if path.is_file():
            files[f"feedgen:{path.relative_to(PACKAGE).as_posix()}"] = path
    return files


def input_key(request: BuildRequest, path: Path) -> str:
    """An input's name in the manifest: relative to the project root, or absolute when outside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(request.data_dir.resolve().parent).as_posix()
    except ValueError:
        return resolved.as_posix()


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
    the output lock: render into a stage beside the output (taking over the outputs whose inputs
    did not change, see feedgen.pipeline.incremental), add manifest and report, ask the gate, and (unless
    `dry_run` or refused) swap the stage in as the new output in one step."""
    warn = warn or progress
    for name in request.channels or []:
        if name not in CHANNELS:
            raise InputError("--channels", f"unknown channel {name!r} (known: {', '.join(CHANNELS)})")
    if not publish:
        sources, spilled = _load_sources(request, _spill_place(request, scratch=True))
        try:
            stage = Stage(request.out, sources.config.project.brand, scratch=True)
            try:
                return _render(request, sources.config, sources, stage, None, progress, spilled=spilled)
            finally:
                stage.discard()
        finally:
            if spilled is not None:
                spilled.remove()

    # an output folder whose swap would destroy inputs or unrelated files is refused first
    guard_output(request.out, [request.data_dir, request.input_path("catalogue.csv"), request.input_path("markets.toml"),
                               request.locales_path()])
    stages: list[Stage] = []  # this build's stage, to tell after a Ctrl-C whether it was published
    try:
        with OutputLock(request.out, warn) as lock:
            return _build_locked(request, lock, stages, dry_run, options, progress, warn)
    except KeyboardInterrupt:  # Ctrl-C: by now the stage is gone and the lock released
        raise Interrupted(any(stage.published for stage in stages), request.out) from None


def _build_locked(request: BuildRequest, lock: OutputLock, stages: list[Stage], dry_run: bool,
                  options: ReleaseOptions | None, progress: Callable[[str], None],
                  warn: Callable[[str], None]) -> BuildResult:
    """run()'s publishing build, under the output lock."""
    recover(request.out, warn)
    checkpoint("locked")
    previous = Manifest.read(request.out, warn)
    started = time.perf_counter()
    config = read_markets(request.input_path("markets.toml"))
    inputs = input_hashes({key: path for key, path in input_files(request).items() if path.is_file()})
    markets = config.select(request.market_ids)
    plan = _plan(request, markets)
    keys = build_keys(config=config, markets=markets, inputs=inputs, as_of=request.as_of or date.today(),
                      options=_output_options(request), markets_file=input_key(request, request.input_path("markets.toml")),
                      channels=CHANNELS)  # all of them: a build of fewer channels keeps what the others wrote
    state = BuildState.read(request.out) if request.incremental and request.localizer is None else None
    reuse = reusable_parts(state, keys, plan, request.pages, previous, request.out)
    everything = state is not None and state.key == keys.build and all(
        set(reuse.get(m.id, {})) >= set(part_names(plan[m.id], request.pages)) for m in markets)
    sources, spilled = (None, None) if everything else _load_sources(request, _spill_place(request))
    loaded = time.perf_counter() - started
    try:
        stage = Stage(request.out, config.project.brand)
    except BaseException:
        if spilled is not None:
            spilled.remove()
        raise
    stages.append(stage)
    try:
        result = _render(request, config, sources, stage, previous, progress, close_fds=(lock.fd,), reuse=reuse,
                         catalogue=state.catalogue if sources is None else None, spilled=spilled)
        result.timings["load"] = loaded
        progress("writing manifest and report")
        with result.timed("release"):
            if request.localizer is None:  # a custom localizer is not among the keys: never reuse its output
                with stage.open(STATE) as handle:  # streamed: the end of a big build does not spike
                    _next_state(state, keys, result, sources).write(handle)
            result.release = prepare(
                stage, artifacts=result.artifacts, diagnostics=result.diagnostics, markets=result.markets,
                previous=previous, scope=result.scope, full=request.market_ids is None and request.channels is None,
                inputs=inputs, options=options or ReleaseOptions(), reused=result.reused,
            )
        if not dry_run and not result.release.gate.refused:
            progress("publishing")
            with result.timed("publish"):
                result.publish_mode = stage.publish(warn)
            result.published = True
    finally:
        stage.discard()
    return result


def _output_options(request: BuildRequest) -> dict:
    """Request settings that can change what is written (for feedgen.pipeline.incremental's keys)."""
    return {"on_removed": request.on_removed, "require_reviewed": request.require_reviewed,
            "catalogue_format": request.catalogue_format, "pages": request.pages,
            "locales": str(request.locales_path().resolve())}


def _render(request: BuildRequest, config: MarketConfig, sources: Sources | None, stage: Stage,
            previous: Manifest | None, progress: Callable[[str], None], close_fds: tuple[int, ...] = (),
            reuse: dict[str, dict[str, Part]] | None = None,
            catalogue: list[Diagnostic] | None = None, spilled: SpilledCatalogue | None = None) -> BuildResult:
    """Every market (reused, in this process or in workers), then each channel's finish.
    `sources` is None only when every part is reused; `catalogue` then holds its diagnostics.
    `spilled`: the catalogue's slices, already on disk (_load_sources); removed when done."""
    markets = config.select(request.market_ids)
    result = BuildResult(markets=markets)
    result.diagnostics.extend(sources.catalogue.diagnostics if sources is not None else catalogue or [])
    try:
        job = market_job(request, config, sources, stage, previous, reuse or {}, spilled)
    except BaseException:
        if spilled is not None:
            spilled.remove()
        raise
    history = stage_copy(request.out, stage.root)  # recorded in the stage: published with the feeds, or not at all
    job.keep_history(history)
    channels, pages, plan = job.channels, job.pages, job.plan
    to_build = [market for market in markets if not job.fully_reused(market)]
    try:
        if request.runner is not None:  # on other machines' workers (feedgen.pipeline.cluster)
            built = request.runner(job, to_build, progress)
        else:
            if sources is not None and to_build and len(job.slices) > 1 and job.spilled is None:
                progress(f"writing the catalogue's {len(job.slices)} slices beside the output")
                with result.timed("load"):
                    _spill(job, sources, stage)
            built = run_all(partial(build_market, job), to_build, request.jobs or default_jobs(), progress, close_fds,
                            cost=lambda market: len(plan[market.id]))  # markets with more channels start first
        with closing(built):  # on an exception (Ctrl-C), the workers are stopped before the stage is removed
            for market in markets:
                market_build = next(built) if market in to_build else reused_market(job, market)
                _absorb(result, market_build, job, stage, previous)
                if market_build.prices is not None:  # opened per market: no connection is open while workers fork
                    with result.timed("history"), PriceHistory(history) as record:
                        record.record(market.id, sources.as_of, market_build.day_prices())
                    market_build.prices = None  # recorded: a market's million prices are not kept to the end
                    trim_heap()
    finally:
        if job.spilled is not None:
            job.spilled.remove()
    for name, channel in channels.items():
        with result.timed(name):
            artifacts, diagnostics = channel.finish(stage)
        result.artifacts.extend(artifacts)
        result.diagnostics.extend(diagnostics)
    if pages is not None:
        with result.timed(PAGES):
            result.artifacts.extend(pages.finish(stage))
    return result


def _spill_place(request: BuildRequest, scratch: bool = False) -> tuple[Path, str] | None:
    """Where a catalogue read in chunks is written a slice at a time: beside the stage, named so that a killed
    build's are removed by the next (stage.recover); None where the markets are built elsewhere (a cluster's
    workers read the catalogue themselves)."""
    if request.runner is not None:
        return None
    if scratch:
        return Path(tempfile.gettempdir()), "feedgen-validate-slices-"
    return request.out.parent, f"{STAGING}{request.out.name}.slices-"


def _spill(job: MarketJob, sources: Sources, stage: Stage) -> None:
    """Move the catalogue's rows to disk, a file per slice, and let go of them here (feedgen.pipeline.slices):
    the workers forked next read a slice at a time instead of copying the whole catalogue as they touch it."""
    place = _spill_place(job.request)
    assert place is not None
    job.spilled = SpilledCatalogue.write(sources.catalogue.items, job.slices, stage.root.parent, place[1])
    sources.catalogue.items = sources.catalogue.items.iloc[0:0].copy()  # a view would keep every row


def market_job(request: BuildRequest, config: MarketConfig, sources: Sources | None, stage: Stage,
               previous: Manifest | None, reuse: dict[str, dict[str, Part]],
               spilled: SpilledCatalogue | None = None) -> MarketJob:
    """What every market's build reads: the rules, the planned channels, the landing pages. Made once
    by the build, and again from the same inputs by each cluster worker (feedgen.pipeline.cluster),
    so a market built anywhere sees the same job. Rules and campaigns are checked here, before
    anything is rendered."""
    rules = load_rules(request.input_path("rules.toml"), config)
    pages = _landing_pages(request, config)
    markets = config.select(request.market_ids)
    plan = _plan(request, markets)
    channels: dict[str, Channel] = {}
    for market in markets:
        for name in plan[market.id]:
            channels.setdefault(name, CHANNELS[name](config))
    for name, channel in channels.items():
        channel.use_inputs({file: path for file in channel.inputs if (path := request.input_path(file)).is_file()},
                           request.as_of or date.today())
        channel.plan([market for market in markets if name in plan[market.id]])
    slices: list[np.ndarray] = []
    if sources is not None:
        skus, styles = _key_columns(sources.catalogue)
        for channel in channels.values():
            channel.use_catalogue(skus, styles)
        # a localizer without a session takes each market whole: one slice (and so nothing written out by _spill)
        size = _slice_size(request, sources.localizer)
        slices = spilled.slices if spilled is not None else catalogue_slices(skus, styles, size)
        del skus, styles
    return MarketJob(request, sources, stage, previous, rules, channels, plan, pages, reuse, slices=slices,
                     spilled=spilled)


def _absorb(result: BuildResult, built: MarketBuild, job: MarketJob, stage: Stage, previous: Manifest | None) -> None:
    """Add one market to the build, in market order, whichever process built it."""
    result.market_builds.append(built)
    for stage_name, seconds in built.timings.items():
        result.timings[stage_name] = result.timings.get(stage_name, 0.0) + seconds
    stage.written.update(built.written)
    for name, part in built.parts.items():
        result.artifacts.extend(part.artifacts)
        result.diagnostics.extend(part.diagnostics)
        receiver = job.channels.get(name) or (job.pages if name == PAGES else None)
        if name in job.channels:
            result.scope.add((name, built.market))
        if receiver is not None:
            receiver.import_state(built.market, part.state)
        if name in built.reused:
            for artifact in part.artifacts:  # carried over from the output with their manifest entries
                entry = previous.files[artifact.path]
                stage.written[artifact.path] = (entry.bytes, entry.sha256)
                result.reused.add(artifact.path)


def _next_state(state: BuildState | None, keys: Keys, result: BuildResult, sources: Sources | None) -> BuildState:
    """This build's state: its markets (with the parts of channels it did not select, when their
    key is unchanged), plus the markets of the last state it did not select."""
    markets = dict(state.markets) if state else {}
    for built in result.market_builds:
        key = keys.markets[built.market]
        kept = markets[built.market][1] if built.market in markets and markets[built.market][0] == key else {}
        markets[built.market] = (key, {**kept, **built.parts})
    catalogue = sources.catalogue.diagnostics if sources is not None else state.catalogue
    return BuildState(key=keys.build, catalogue=list(catalogue), markets=markets)


def _landing_pages(request: BuildRequest, config: MarketConfig) -> LandingPages | None:
    """The landing-page stage, or None; its campaigns are checked now, before anything is written."""
    if not request.pages:
        return None
    return LandingPages.from_config(config, request.as_of or date.today(), request.data_dir, request.locales_path())


def exit_code(diagnostics: Diagnostics, strict: bool) -> int:
    """0 clean, 1 item errors (with strict, warnings too). Unusable input (2) never gets here."""
    if diagnostics.errors or (strict and diagnostics.warnings):
        return 1
    return 0


__all__ = ["BuildRequest", "BuildResult", "Diagnostic", "exit_code", "load_sources", "run"]
