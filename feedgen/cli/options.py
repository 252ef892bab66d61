"""The options several commands share, each defined once, so `--data` or `--locales` means the
same thing (and says so in the same words) in build, validate, rules check, translations and serve.

The export mapping file is `--catalogue-mapping` everywhere; `--mapping` stays its spelling on the
commands that always had it (build, validate, rules check). `translations extract --mapping` kept
its older meaning, pybabel's babel.cfg, whose own name is `--babel-cfg`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from feedgen.pipeline.build import BuildRequest
from feedgen.load.importers import FORMATS
from feedgen.config.paths import ProjectPaths

F = Callable[..., Any]
PATH = click.Path(path_type=Path)
DATE = click.DateTime(formats=["%Y-%m-%d"])


def split(value: str | None) -> list[str] | None:
    """A comma-separated option value as a list; None (everything) when empty."""
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _apply(function: F, options: list[Callable[[F], F]]) -> F:
    for option in reversed(options):
        function = option(function)
    return function


data = click.option("--data", "data_dir", type=PATH, default=Path("product_data"), show_default=True,
                    help="Project folder with catalogue.csv, markets.toml, fx_rates.csv, size_chart.csv (and the "
                         "optional rules.toml, landing_pages.toml, delivery.toml …).")
catalogue = click.option("--catalogue", type=PATH, help="Catalogue file (.csv, .xlsx, .json); default DATA/catalogue.csv.")
catalogue_format = click.option("--catalogue-format", type=click.Choice(FORMATS), default="auto", show_default=True,
                                help="What the catalogue file is: feedgen's own, a Shopify or WooCommerce product "
                                     "export, or mapped by the mapping file.")
MAPPING_HELP = "Mapping file for exports (import settings, [columns] for mapped files); default DATA/mapping.toml if present."
markets = click.option("--markets", "markets_file", type=PATH, help="markets.toml; default DATA/markets.toml.")
locales = click.option("--locales", type=PATH, help="Translation catalogues; default: locales/ next to DATA, if present.")
out = click.option("-o", "--out", type=PATH, default=Path("output"), show_default=True,
                   help="Output directory (`feedgen build` publishes there).")
market_ids = click.option("-m", "--market", "market_ids", help="Comma-separated market ids (e.g. no,se); default: all.")
channels = click.option("-c", "--channels", help="Comma-separated channels (google,meta,amazon); default: each market's own.")
report = click.option("--report", type=PATH, help="Write the diagnostics as JSON to this file.")


def as_of(help: str) -> Callable[[F], F]:
    """--as-of YYYY-MM-DD; what the date decides differs per command, so each says it."""
    return click.option("--as-of", type=DATE, help=help)


def _project_options(*mapping_names: str) -> Callable[[F], F]:
    mapping = click.option(*mapping_names, "mapping", type=PATH, help=MAPPING_HELP)

    def decorate(function: F) -> F:
        return _apply(function, [data, catalogue, catalogue_format, mapping, markets, locales])
    return decorate


project_options = _project_options("--catalogue-mapping", "--mapping")
"""Where the project's files are: --data, --catalogue, --catalogue-format, --catalogue-mapping
(alias --mapping), --markets, --locales. Read back with `project_paths`."""

project_options_without_mapping_alias = _project_options("--catalogue-mapping")
"""project_options for `translations extract`, whose `--mapping` is babel.cfg (see the module)."""


def project_paths(options: dict, out: Path = Path("output")) -> ProjectPaths:
    """The ProjectPaths described by project_options (consumed from `options`)."""
    return ProjectPaths(data_dir=options.pop("data_dir"), catalogue=options.pop("catalogue"),
                        markets=options.pop("markets_file"), mapping=options.pop("mapping"),
                        locales=options.pop("locales"), out=out)


def build_request(paths: ProjectPaths, catalogue_format: str, **settings: Any) -> BuildRequest:
    """A BuildRequest reading the project at `paths`."""
    return BuildRequest(data_dir=paths.data_dir, catalogue=paths.catalogue, markets=paths.markets, mapping=paths.mapping,
                        locales_dir=paths.locales, out=paths.out, catalogue_format=catalogue_format, **settings)
