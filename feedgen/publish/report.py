"""`report.html`: one self-contained page that says whether a build is ready to launch.

A markets × channels grid of item, error and warning counts; the diagnostics grouped by rule
with example SKUs; the changes against the last published build. No scripts, fonts or images
from elsewhere, so it opens from a CI artifact or a file share as it is. Jinja2 autoescapes
every value, because titles and SKUs are untrusted product text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import Environment, PackageLoader, StrictUndefined

from feedgen.channels import CHANNELS
from feedgen.diagnostics import Diagnostics, empty_reasons
from feedgen.publish.diff import BuildDiff
from feedgen.publish.gate import GateResult
from feedgen.publish.manifest import Manifest
from feedgen.config.markets import Market

REPORT = "report.html"
EXAMPLES = 5
LIST_LIMIT = 100
PRICE_LIMIT = 300


@dataclass
class Cell:
    configured: bool
    errors: int = 0
    warnings: int = 0
    paths: list[tuple[str, int]] = field(default_factory=list)
    reasons: list[tuple[str, int]] = field(default_factory=list)  # for an empty cell: why (rule, items)

    @property
    def items(self) -> int:
        return sum(items for _, items in self.paths)

    @property
    def link(self) -> str:
        """The file to open for this cell: a market's index page if it has one, else its first file."""
        paths = [path for path, _ in self.paths]
        return next((path for path in paths if path.endswith("/index.html")), paths[0] if paths else "")


def _environment() -> Environment:
    return Environment(loader=PackageLoader("feedgen", "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _grid(markets: list[Market], manifest: Manifest, diagnostics: Diagnostics) -> tuple[list[str], list[dict]]:
    channels = [name for name in CHANNELS if any(name in m.channels for m in markets)]
    channels += sorted({e.channel for e in manifest.files.values() if e.channel not in channels and e.market})
    rows = []
    for market in markets:
        cells = {name: Cell(configured=name in market.channels) for name in channels}
        own = Cell(configured=True)
        for path, entry in sorted(manifest.files.items()):
            if entry.market == market.id and entry.channel in cells:
                cells[entry.channel].paths.append((path, entry.items))
        for diagnostic in diagnostics:
            if diagnostic.market != market.id or diagnostic.severity == "info":
                continue
            cell = cells.get(diagnostic.channel, own) if diagnostic.channel else own
            cell.errors += diagnostic.severity == "error"
            cell.warnings += diagnostic.severity == "warning"
        for name, cell in cells.items():
            if cell.configured and not cell.items:
                cell.reasons = empty_reasons(diagnostics, name, market.id)
        rows.append({"market": market, "cells": [cells[name] for name in channels], "own": own})
    return channels, rows


def render_html(*, brand: str, markets: list[Market], manifest: Manifest, diagnostics: Diagnostics,
                diff: BuildDiff | None, gate: GateResult | None, delivery: dict | None = None) -> str:
    """`delivery`: the carried-over delivery.html, {"build": manifest sha256 it reported on, "current":
    whether that is this build} (see feedgen.publish.release), or None: no link."""
    channels, rows = _grid(markets, manifest, diagnostics)
    catalogue = [d for d in diagnostics if not d.market]
    if gate is not None and gate.refused:
        status = "refused"
    elif gate is not None and gate.forced:
        status = "forced"
    elif diagnostics.errors:
        status = "errors"
    else:
        status = "ready"
    return _environment().get_template("report/report.html.j2").render(
        brand=brand, manifest=manifest, channels=channels, rows=rows, rules=diagnostics.groups(EXAMPLES),
        errors=diagnostics.errors, warnings=diagnostics.warnings,
        catalogue_errors=sum(d.severity == "error" for d in catalogue),
        catalogue_warnings=sum(d.severity == "warning" for d in catalogue),
        diff=diff, totals=diff.totals() if diff else (0, 0, 0),
        prices=diff.price_changes()[:PRICE_LIMIT] if diff else [],
        price_count=len(diff.price_changes()) if diff else 0,
        gate=gate, status=status, list_limit=LIST_LIMIT, delivery=delivery,
    )
