"""The `feedgen` command: a thin Click layer over feedgen.build and friends.

It parses options, calls the library, prints, and turns the outcome into an exit code:
0 clean, 1 item errors (with --strict, warnings too), 2 unusable input or configuration,
3 the publish gate refused the build (the previous output is untouched), 4 the system refused a
read or write (disk full, permissions), 70 an internal error (a bug), 130 interrupted (Ctrl-C).
Every error is one line on stderr, `error: WHERE: what`; never a traceback (FEEDGEN_TRACEBACK=1
shows one for a bug report).
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from pathlib import Path

import click

from feedgen import __version__
from feedgen.build import BuildRequest, BuildResult, exit_code, run
from feedgen.diff import diff_dirs, format_text
from feedgen.errors import InputError
from feedgen.gate import GatePolicy
from feedgen.history_commands import prices
from feedgen.importers import FORMATS
from feedgen.interrupt import EXIT_INTERRUPTED, Interrupted, interruptible
from feedgen.junit import write_junit
from feedgen.markets import load_markets
from feedgen.pages.serve import serve_command
from feedgen.release import ReleaseOptions
from feedgen.summary import summary_lines

EXIT_INPUT = 2
EXIT_REFUSED = 3
EXIT_ENVIRONMENT = 4  # an OSError: ENOSPC, EACCES, EIO … (nothing published unless the message says so)
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): an unexpected exception, i.e. a bug in feedgen


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _fail(error: InputError) -> None:
    click.echo(f"error: {error.one_line()}", err=True)
    sys.exit(EXIT_INPUT)


def _fail_environment(error: OSError, where: Path, note: str = "") -> None:
    """An OSError as one line: the file (or `where`, e.g. the output when write(2) names none), the
    reason with its errno name (ENOSPC, EACCES), and what it means for the output."""
    code = errno.errorcode.get(error.errno or 0, "")
    reason = f"{error.strerror or error}{f' ({code})' if code else ''}"
    click.echo(f"error: {error.filename or where}: {reason}{f'; {note}' if note else ''}", err=True)
    sys.exit(EXIT_ENVIRONMENT)


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
        click.option("--junit", type=click.Path(path_type=Path), help="Write the diagnostics as JUnit XML (CI test results)."),
        click.option("--locales", type=click.Path(path_type=Path), help="Translation catalogues; default: locales/ next to DATA, if present."),
        click.option("--require-reviewed", is_flag=True, help="Fail (exit 2) if a market's product text is not fully reviewed."),
        click.option("--strict", is_flag=True, help="Exit 1 on warnings too."),
        click.option("-v", "--verbose", is_flag=True, help="List every diagnostic, not only the summary."),
        click.option("--pages/--no-pages", default=True, show_default=True,
                     help="Render the landing pages of product_data/landing_pages.toml."),
        click.option("--pages-only", is_flag=True, help="Only the landing pages (and their price check), no feeds."),
        click.option("-j", "--jobs", type=click.IntRange(1), help="Markets built in parallel processes; default: the CPU count."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _request(options: dict, out: Path = Path("output")) -> BuildRequest:
    """The BuildRequest described by the shared build options (consumed from `options`)."""
    as_of = options.pop("as_of")
    pages_only = options.pop("pages_only")
    channels = _split(options.pop("channels"))
    return BuildRequest(
        data_dir=options.pop("data_dir"), catalogue=options.pop("catalogue"), markets=options.pop("markets_file"),
        out=out, market_ids=_split(options.pop("market_ids")), channels=[] if pages_only else channels,
        as_of=as_of.date() if as_of else None, locales_dir=options.pop("locales"),
        require_reviewed=options.pop("require_reviewed"), pages=options.pop("pages") or pages_only,
        catalogue_format=options.pop("catalogue_format"), mapping=options.pop("mapping"), jobs=options.pop("jobs"),
    )


def _print_summary(result: BuildResult, verbose: bool) -> None:
    for line in summary_lines(result, verbose):
        click.echo(line)


class _OneLineErrors(click.Group):
    """The last line of defence for "never a traceback": an OSError the code did not turn into an
    InputError (disk full while writing, an unwritable folder) is one `error:` line and exit 4;
    any other unexpected exception is one line naming where it happened and exit 70. A nightly
    job's log then says what broke instead of forty lines of stack."""

    def invoke(self, ctx: click.Context):
        interruptible()
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt as interrupt:  # Ctrl-C: the stage is gone, the lock released (feedgen.interrupt)
            line = interrupt.one_line() if isinstance(interrupt, Interrupted) else "error: interrupted (Ctrl-C)"
            click.echo(line, err=True)
            sys.exit(EXIT_INTERRUPTED)
        except OSError as error:
            if os.environ.get("FEEDGEN_TRACEBACK"):
                raise
            _fail_environment(error, Path("feedgen"))
        except Exception as error:  # noqa: BLE001 - that is the point
            if os.environ.get("FEEDGEN_TRACEBACK"):
                raise
            frame = traceback.extract_tb(error.__traceback__)[-1]
            detail = (str(error).splitlines() or [""])[0][:200]
            click.echo(f"error: internal error {type(error).__name__}: {detail} (at {Path(frame.filename).name}:"
                       f"{frame.lineno}); this is a bug in feedgen: please report it with the output of "
                       "FEEDGEN_TRACEBACK=1", err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedgen")
def main() -> None:
    """Turn one product catalogue into per-market Google, Meta and Amazon feeds."""


@main.command()
@build_options
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Output directory.")
@click.option("--max-drop", type=click.FloatRange(0, 100), default=20, show_default=True,
              help="Refuse to publish if a feed loses more than this percentage of its items since the last build.")
@click.option("--max-errors", type=click.IntRange(0), help="Refuse to publish if there are more error diagnostics.")
@click.option("--force", is_flag=True, help="Publish even if the publish gate objects (with a warning).")
@click.option("--stamp", is_flag=True, help="Add the build time to manifest.json and report.html.")
@click.option("--dry-run", is_flag=True, help="Build to a temporary place and show the diff against the output; publish nothing.")
@click.option("--on-removed", type=click.Choice(["delete", "zero-stock"]), default="delete", show_default=True,
              help="What feeds that track removals (Amazon) send for SKUs gone since the last build.")
@click.option("--full", is_flag=True, help="Build every output again, even those whose inputs did not change since the last build.")
def build(out, max_drop, max_errors, force, stamp, dry_run, on_removed, full, report, junit, strict, verbose, **options) -> None:
    """Build every market's feeds and landing pages, check them, and publish them into the output in one step.

    Outputs whose inputs did not change since the last published build are kept as they are."""
    request = _request(options, out)
    request.on_removed = on_removed.replace("-", "_")
    request.incremental = not full
    _check_targets(report, junit)
    release = ReleaseOptions(gate=GatePolicy(max_drop=max_drop, max_errors=max_errors, force=force), stamp=stamp)
    try:
        result = run(request, dry_run=dry_run, options=release,
                     progress=lambda message: click.echo(f"… {message}", err=True),
                     warn=lambda message: click.echo(f"warning: {message}", err=True))
    except InputError as error:
        _fail(error)
    except OSError as error:  # disk full, permissions: everything was written to a stage that is gone now
        if os.environ.get("FEEDGEN_TRACEBACK"):
            raise
        _fail_environment(error, out, f"nothing was published, {out}/ is unchanged")
    _finish(result, report, junit, strict, verbose)
    _print_release(result, out, dry_run)
    sys.exit(EXIT_REFUSED if result.refused else exit_code(result.diagnostics, strict))


def _print_release(result: BuildResult, out: Path, dry_run: bool) -> None:
    release = result.release
    if release is None:
        return
    if dry_run:
        if release.diff is None:
            click.echo(f"\nnothing published in {out}/ yet: every file above would be new")
        else:
            click.echo("\n" + format_text(release.diff), nl=False)
    elif release.diff is not None:
        added, removed, changed = release.diff.totals()
        click.echo(f"\nsince the last build: {added} added, {removed} removed, {changed} changed item(s); "
                   f"{len(release.diff.price_changes())} price change(s)")
    gate = release.gate
    if gate.refused:
        click.echo("\nerror: publish refused, the previous output is kept:", err=True)
        for problem in gate.problems:
            click.echo(f"  - {problem}", err=True)
        click.echo("  (check the catalogue export; --force publishes anyway)", err=True)
    elif gate.forced:
        click.echo("\nwarning: publishing despite the publish gate (--force):", err=True)
        for problem in gate.problems:
            click.echo(f"  - {problem}", err=True)
    if dry_run:
        click.echo("dry run: nothing was published" + (" (and the gate would refuse it)" if gate.refused else ""))
    elif result.published:
        click.echo(f"published {len(release.manifest.files)} file(s) to {out}/ (report: {out}/report.html)")


@main.command()
@build_options
def validate(report, junit, strict, verbose, **options) -> None:
    """Check the catalogue and markets against every channel's rules without writing feeds."""
    request = _request(options)
    _check_targets(report, junit)
    try:
        result = run(request, publish=False)
    except InputError as error:
        _fail(error)
    _finish(result, report, junit, strict, verbose)
    sys.exit(exit_code(result.diagnostics, strict))


def _check_targets(*paths: Path | None) -> None:
    """--report / --junit naming a directory would fail only after publishing: refuse it first."""
    for path in paths:
        if path is not None and path.is_dir():
            _fail(InputError(path, "is a directory; give a file name"))


def _finish(result: BuildResult, report: Path | None, junit: Path | None, strict: bool, verbose: bool) -> None:
    _print_summary(result, verbose)
    if report:
        result.diagnostics.write_json(report)
    if junit:
        write_junit(junit, result.diagnostics, result.artifacts, result.release.gate if result.release else None, strict)


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


@main.command()
@click.argument("old_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("new_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the full diff as JSON.")
@click.option("--limit", type=click.IntRange(0), default=20, show_default=True, help="Lines per file for each of changed, removed, added (0 = all).")
def diff(old_dir: Path, new_dir: Path, as_json: bool, limit: int) -> None:
    """Show what changes between two builds: items added, removed and changed, per market and channel."""
    result = diff_dirs(old_dir, new_dir)
    click.echo(result.to_json() if as_json else format_text(result, limit), nl=False)


EXIT_UNDELIVERED = 5  # deliver: a destination failed (the others were still delivered)


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=Path("product_data"), show_default=True,
              help="Project folder; its delivery.toml lists the destinations.")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="The published output to deliver (read through its manifest.json).")
@click.option("--config", type=click.Path(path_type=Path), help="Destination file; default DATA/delivery.toml.")
@click.option("--to", "only", help="Comma-separated destination names; default: all.")
@click.option("--dry-run", is_flag=True, help="Show what would go where, with sizes; offline, no credentials needed.")
@click.option("--force", is_flag=True, help="Send even if the shrink guard objects (an empty or much shorter feed).")
@click.option("--again", is_flag=True, help="Send files the destination already has from an earlier delivery.")
@click.option("--report", type=click.Path(path_type=Path), help="Write the delivery diagnostics as JSON to this file.")
@click.option("--status", is_flag=True, help="Show the last delivery per destination and check pending remote jobs.")
def deliver(data_dir, out, config, only, dry_run, force, again, report, status) -> None:
    """Send the last published build to the destinations in DATA/delivery.toml (SFTP, S3, a folder, Amazon SP-API).

    Exit codes: 0 every destination has the build (or a pending job), 1 the platform reported item errors,
    2 bad configuration, 3 the shrink guard refused a destination, 5 a destination failed."""
    from feedgen.deliver.run import DeliverRequest, deliver as run_delivery, format_summary

    _check_targets(report, None)
    request = DeliverRequest(data_dir=data_dir, out=out, config=config, only=_split(only), dry_run=dry_run,
                             force=force, again=again, status=status)
    try:
        result = run_delivery(request, say=lambda line: click.echo(line, err=line.startswith("…")),
                              warn=lambda line: click.echo(f"warning: {line}", err=True))
    except InputError as error:
        _fail(error)
    click.echo(format_summary(result))
    if report:
        result.diagnostics.write_json(report)
    for row in result.rows:
        if row.outcome == "failed":
            click.echo(f"error: {row.confirmation}", err=True)
    code = EXIT_UNDELIVERED if result.failed else EXIT_REFUSED if result.refused else exit_code(result.diagnostics, False)
    sys.exit(code)


# Commands that live with their feature's code, registered here one line each.
from feedgen.i18n.commands import translate, translations  # noqa: E402
from feedgen.rules_commands import rules  # noqa: E402

main.add_command(translate)
main.add_command(translations)
main.add_command(serve_command)
main.add_command(rules)
main.add_command(prices)


if __name__ == "__main__":  # pragma: no cover
    main()
