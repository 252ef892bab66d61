"""The `feedgen` command: a thin Click layer over feedgen.build and friends.

It parses options, calls the library, prints, and turns the outcome into an exit code:
0 clean, 1 item errors (with --strict, warnings too), 2 unusable input or configuration.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from feedgen import __version__
from feedgen.build import BuildRequest, BuildResult, exit_code, run, summarize
from feedgen.errors import InputError
from feedgen.importers import FORMATS
from feedgen.markets import load_markets

EXIT_INPUT = 2


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _fail(error: InputError) -> None:
    click.echo(f"error: {error.one_line()}", err=True)
    sys.exit(EXIT_INPUT)


def build_options(function):
    """Options shared by build and validate."""
    options = [
        click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("product_data"),
                     show_default=True, help="Project folder with catalogue.csv, markets.toml, fx_rates.csv, size_chart.csv."),
        click.option("--catalogue", type=click.Path(path_type=Path), help="Catalogue file (.csv, .xlsx, .json); default DATA/catalogue.csv."),
        click.option("--catalogue-format", type=click.Choice(FORMATS), default="auto", show_default=True,
                     help="What the catalogue file is: feedgen's own, a Shopify or WooCommerce product export, or mapped by --mapping."),
        click.option("--mapping", type=click.Path(path_type=Path),
                     help="Mapping file for exports (import settings, [columns] for mapped files); default DATA/mapping.toml if present."),
        click.option("--markets", "markets_file", type=click.Path(path_type=Path), help="markets.toml; default DATA/markets.toml."),
        click.option("-m", "--market", "market_ids", help="Comma-separated market ids (e.g. no,se); default: all."),
        click.option("-c", "--channels", help="Comma-separated channels (google,meta,amazon); default: each market's own."),
        click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Build as of this date (sale windows); default today."),
        click.option("--report", type=click.Path(path_type=Path), help="Write all diagnostics as JSON to this file."),
        click.option("--strict", is_flag=True, help="Exit 1 on warnings too."),
        click.option("-v", "--verbose", is_flag=True, help="List every diagnostic, not only the summary."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _request(data_dir, catalogue, catalogue_format, mapping, markets_file, market_ids, channels, as_of,
             out=Path("output")) -> BuildRequest:
    return BuildRequest(
        data_dir=data_dir, catalogue=catalogue, markets=markets_file, out=out,
        market_ids=_split(market_ids), channels=_split(channels),
        as_of=as_of.date() if as_of else None, catalogue_format=catalogue_format, mapping=mapping,
    )


def _print_summary(result: BuildResult, verbose: bool) -> None:
    rows = summarize(result)
    if rows:
        click.echo(f"\n{'channel':8} {'market':6} {'items':>6}")
        for channel, market, items in rows:
            click.echo(f"{channel:8} {market or '-':6} {items:>6}")
    diagnostics = result.diagnostics
    if verbose:
        for diagnostic in diagnostics:
            click.echo(diagnostic.one_line())
    if len(diagnostics):
        click.echo(f"\n{'severity':8} {'rule':40} {'count':>6}")
        for rule, severity, count in diagnostics.by_rule():
            click.echo(f"{severity:8} {rule:40} {count:>6}")
    click.echo(f"\n{diagnostics.errors} error(s), {diagnostics.warnings} warning(s)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedgen")
def main() -> None:
    """Turn one product catalogue into per-market Google, Meta and Amazon feeds."""


@main.command()
@build_options
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Output directory.")
def build(data_dir, catalogue, catalogue_format, mapping, markets_file, market_ids, channels, as_of, report, strict, verbose,
          out) -> None:
    """Build every market's feeds into the output directory (atomically)."""
    request = _request(data_dir, catalogue, catalogue_format, mapping, markets_file, market_ids, channels, as_of, out)
    try:
        result = run(request, progress=lambda message: click.echo(f"… {message}", err=True))
    except InputError as error:
        _fail(error)
    _finish(result, report, strict, verbose)
    click.echo(f"wrote {len(result.artifacts)} file(s) to {out}/")
    sys.exit(exit_code(result.diagnostics, strict))


@main.command()
@build_options
def validate(data_dir, catalogue, catalogue_format, mapping, markets_file, market_ids, channels, as_of, report, strict,
             verbose) -> None:
    """Check the catalogue and markets against every channel's rules without writing feeds."""
    request = _request(data_dir, catalogue, catalogue_format, mapping, markets_file, market_ids, channels, as_of)
    try:
        result = run(request, publish=False)
    except InputError as error:
        _fail(error)
    _finish(result, report, strict, verbose)
    sys.exit(exit_code(result.diagnostics, strict))


def _finish(result: BuildResult, report: Path | None, strict: bool, verbose: bool) -> None:
    _print_summary(result, verbose)
    if report:
        result.diagnostics.write_json(report)


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("product_data"), show_default=True)
@click.option("--markets", "markets_file", type=click.Path(path_type=Path))
def markets(data_dir: Path, markets_file: Path | None) -> None:
    """Show each market's rules: currency, tax, rounding, sizes, returns, shipping, payments."""
    try:
        config = load_markets(markets_file or data_dir / "markets.toml")
    except InputError as error:
        _fail(error)
    header = f"{'id':3} {'locale':6} {'cur':4} {'VAT':>5} {'incl':5} {'round':7} {'size':4} {'returns':14} {'shipping':22} channels / payments"
    click.echo(header)
    for market in config.markets.values():
        rounding = f"{market.rounding.decimals}d" + (f" *{market.rounding.ending}" if market.rounding.ending else "")
        returns = f"{market.returns.days}d {market.returns.fees.replace('customer_pays_shipping', 'paid')}"
        free = f" free≥{market.shipping.free_over}" if market.shipping.free_over is not None else ""
        shipping = f"{market.shipping.price}{free}"
        click.echo(
            f"{market.id:3} {market.locale:6} {market.currency:4} {market.vat_rate:>4}% "
            f"{'yes' if market.prices_include_tax else 'no':5} {rounding:7} {market.size_system:4} {returns:14} "
            f"{shipping:22} {','.join(market.channels)} / {', '.join(p.name for p in market.payment_methods)}"
        )


# Commands that live with their feature's code, registered here one line each.
from feedgen.rules_commands import rules  # noqa: E402

main.add_command(rules)


if __name__ == "__main__":  # pragma: no cover
    main()
