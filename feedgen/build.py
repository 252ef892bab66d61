"""The pipeline, top to bottom: load -> resolve each market -> render each channel -> publish."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from feedgen.catalogue import load_catalogue
from feedgen.categories import apply_categories, load_categories
from feedgen.channels import CHANNELS, Artifact, Channel
from feedgen.channels.base import blocked_by_catalogue
from feedgen.diagnostics import Diagnostic, Diagnostics
from feedgen.errors import InputError
from feedgen.importers.prices import rebase_prices
from feedgen.markets import Market, load_markets
from feedgen.offers import Localizer, MarketOffers, SourceTextLocalizer, Sources, resolve
from feedgen.pricing import load_fx_rates, load_price_list
from feedgen.publish import Stage
from feedgen.rules import apply_rules, load_rules
from feedgen.sizes import load_size_chart


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
    catalogue_format: str = "auto"  # see feedgen.importers.FORMATS
    mapping: Path | None = None  # mapping file for exports; default DATA/mapping.toml when it exists

    def input_path(self, name: str) -> Path:
        explicit = {"catalogue.csv": self.catalogue, "markets.toml": self.markets, "mapping.toml": self.mapping}.get(name)
        return Path(explicit) if explicit else self.data_dir / name

    def mapping_path(self) -> Path | None:
        path = self.input_path("mapping.toml")
        return path if self.mapping or path.exists() else None


@dataclass
class BuildResult:
    artifacts: list[Artifact] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    markets: list[Market] = field(default_factory=list)
    published: bool = False

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
        localizer=request.localizer or SourceTextLocalizer(config.project.source_language),
        as_of=request.as_of or date.today(),
    )


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


def run(
    request: BuildRequest,
    *,
    publish: bool = True,
    progress: Callable[[str], None] = lambda message: None,
) -> BuildResult:
    """Build every requested market and channel; publish the files only if the build completes."""
    for name in request.channels or []:
        if name not in CHANNELS:
            raise InputError("--channels", f"unknown channel {name!r} (known: {', '.join(CHANNELS)})")
    sources = load_sources(request)
    rules = load_rules(request.input_path("rules.toml"), sources.config)  # checked before anything is built
    markets = sources.config.select(request.market_ids)
    result = BuildResult(markets=markets)
    result.diagnostics.extend(sources.catalogue.diagnostics)

    channels: dict[str, Channel] = {}
    stage = Stage(request.out, sources.config.project.brand)
    try:
        for market in markets:
            progress(f"resolving {market.id}")
            market_offers = resolve(sources, market)
            result.diagnostics.extend(market_offers.diagnostics)
            errors = _errors_by_field(sources.catalogue.diagnostics + market_offers.diagnostics)
            for name in _channels_for(request, market):
                channel = channels.setdefault(name, CHANNELS[name]())
                offers, rule_diagnostics = apply_rules(rules, market_offers.offers, market, name)
                result.diagnostics.extend(rule_diagnostics)
                view = MarketOffers(market, offers, market_offers.diagnostics)
                blocked = blocked_by_catalogue(view.offers, errors, channel.required_fields)
                accepted, diagnostics = channel.prepare(view, blocked)
                result.diagnostics.extend(diagnostics)
                progress(f"writing {name} {market.id} ({len(accepted)} items)")
                result.artifacts.extend(channel.write(accepted, view, stage))
        for channel in channels.values():
            result.artifacts.extend(channel.finish(stage))
        if publish:
            stage.publish()
            result.published = True
    finally:
        stage.discard()
    return result


def summarize(result: BuildResult) -> list[tuple[str, str, int]]:
    """(channel, market, items) rows for the end-of-build table."""
    rows = {(a.channel, a.market): 0 for a in result.artifacts}
    for artifact in result.artifacts:
        rows[(artifact.channel, artifact.market)] += artifact.items
    return [(channel, market, items) for (channel, market), items in sorted(rows.items())]


def exit_code(diagnostics: Diagnostics, strict: bool) -> int:
    """0 clean, 1 item errors (with strict, warnings too). Unusable input (2) never gets here."""
    if diagnostics.errors or (strict and diagnostics.warnings):
        return 1
    return 0


__all__ = ["BuildRequest", "BuildResult", "Diagnostic", "exit_code", "load_sources", "run", "summarize"]
