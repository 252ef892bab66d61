"""`feedgen build`, `validate`, `markets` and `diff`: the pipeline and what it reads and writes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from feedgen.pipeline.build import BuildRequest, BuildResult, exit_code, run
from feedgen.pipeline.cluster import SCHEDULER_ENV, cluster_runner
from feedgen.pipeline.slices import SLICE_SKUS
from feedgen.cli import options as o
from feedgen.publish.diff import diff_dirs, format_text
from feedgen.errors import EXIT_REFUSED, EnvironmentFailure, InputError
from feedgen.publish.gate import GatePolicy
from feedgen.publish.junit import write_junit

from feedgen.config.paths import ProjectPaths
from feedgen.files import write_text_atomic
from feedgen.publish.release import ReleaseOptions
from feedgen.cli.summary import summary_lines
from feedgen.channels import read_markets


def build_options(function):
    """Options shared by build and validate: the project's files, then what to build and report."""
    return o.project_options(o._apply(function, [
        o.market_ids, o.channels, o.as_of("Build as of this date (sale windows); default today."),
        o.report,
        click.option("--junit", type=o.PATH, help="Write the diagnostics as JUnit XML (CI test results)."),
        click.option("--require-reviewed", is_flag=True, help="Fail (exit 2) if a market's product text is not fully reviewed."),
        click.option("--strict", is_flag=True, help="Exit 1 on warnings too."),
        click.option("-v", "--verbose", is_flag=True, help="List every diagnostic, not only the summary."),
        click.option("--pages/--no-pages", default=True, show_default=True,
                     help="Render the landing pages of product_data/landing_pages.toml."),
        click.option("--pages-only", is_flag=True, help="Only the landing pages (and their price check), no feeds."),
        click.option("-j", "--jobs", type=click.IntRange(1), help="Markets built in parallel processes; default: the CPU count."),
        click.option("--slice-skus", type=click.IntRange(1), default=SLICE_SKUS, show_default=True,
                     help="Catalogue rows a market is built in at a time (whole styles): memory follows this, "
                          "not the catalogue; the output is the same."),
    ]))


def _request(options: dict, out: Path = Path("output")) -> BuildRequest:
    """The BuildRequest described by the shared build options (consumed from `options`)."""
    as_of = options.pop("as_of")
    pages_only = options.pop("pages_only")
    channels = o.split(options.pop("channels"))
    return o.build_request(
        o.project_paths(options, out), options.pop("catalogue_format"), market_ids=o.split(options.pop("market_ids")),
        channels=[] if pages_only else channels, as_of=as_of.date() if as_of else None,
        require_reviewed=options.pop("require_reviewed"), pages=options.pop("pages") or pages_only, jobs=options.pop("jobs"),
        slice_skus=options.pop("slice_skus"),
    )


@click.command()
@build_options
@o.out
@click.option("--max-drop", type=click.FloatRange(0, 100), default=20, show_default=True,
              help="Refuse to publish if a feed loses more than this percentage of its items since the last build.")
@click.option("--max-errors", type=click.IntRange(0), help="Refuse to publish if there are more error diagnostics.")
@click.option("--force", is_flag=True, help="Publish even if the publish gate objects (with a warning).")
@click.option("--stamp", is_flag=True, help="Add the build time to manifest.json and report.html.")
@click.option("--dry-run", is_flag=True, help="Build to a temporary place and show the diff against the output; publish nothing.")
@click.option("--on-removed", type=click.Choice(["delete", "zero-stock"]), default="delete", show_default=True,
              help="What feeds that track removals (Amazon) send for SKUs gone since the last build.")
@click.option("--full", is_flag=True, help="Build every output again, even those whose inputs did not change since the last build.")
@click.option("--scheduler", envvar=SCHEDULER_ENV, metavar="tcp://HOST:PORT",
              help="Build the markets on this Dask cluster; inputs and output on a path every worker mounts. "
                   f"Default: ${SCHEDULER_ENV}, else here (--jobs).")
def build(out, max_drop, max_errors, force, stamp, dry_run, on_removed, full, scheduler, report, junit, strict, verbose,
          **options) -> None:
    """Build every market's feeds and landing pages, check them, and publish them into the output in one step.

    Outputs whose inputs did not change since the last published build are kept as they are."""
    request = _request(options, out)
    request.on_removed = on_removed.replace("-", "_")
    request.incremental = not full
    check_targets(report, junit)
    release = ReleaseOptions(gate=GatePolicy(max_drop=max_drop, max_errors=max_errors, force=force), stamp=stamp)
    try:
        with cluster_runner(scheduler, request) as request.runner:
            result = run(request, dry_run=dry_run, options=release,
                         progress=lambda message: click.echo(f"… {message}", err=True),
                         warn=lambda message: click.echo(f"warning: {message}", err=True))
    except OSError as error:  # disk full, permissions: everything was written to a stage that is gone now
        raise EnvironmentFailure(error, out, f"nothing was published, {out}/ is unchanged") from error
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


@click.command()
@build_options
def validate(report, junit, strict, verbose, **options) -> None:
    """Check the catalogue and markets against every channel's rules without writing feeds."""
    request = _request(options)
    check_targets(report, junit)
    result = run(request, publish=False)
    _finish(result, report, junit, strict, verbose)
    sys.exit(exit_code(result.diagnostics, strict))


def check_targets(*paths: Path | None) -> None:
    """--report / --junit naming a directory would fail only after publishing: refuse it first."""
    for path in paths:
        if path is not None and path.is_dir():
            raise InputError(path, "is a directory; give a file name")


def _finish(result: BuildResult, report: Path | None, junit: Path | None, strict: bool, verbose: bool) -> None:
    for line in summary_lines(result, verbose):
        click.echo(line)
    if report:
        write_text_atomic(report, result.diagnostics.to_json())
    if junit:
        write_junit(junit, result.diagnostics, result.artifacts, result.release.gate if result.release else None, strict)


@click.command()
@o.data
@o.markets
def markets(data_dir: Path, markets_file: Path | None) -> None:
    """Show each market's rules: currency, tax, rounding, sizes, returns, shipping, payments."""
    config = read_markets(ProjectPaths(data_dir=data_dir, markets=markets_file).input("markets.toml"))
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


@click.command()
@click.argument("old_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("new_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the full diff as JSON.")
@click.option("--limit", type=click.IntRange(0), default=20, show_default=True, help="Lines per file for each of changed, removed, added (0 = all).")
def diff(old_dir: Path, new_dir: Path, as_json: bool, limit: int) -> None:
    """Show what changes between two builds: items added, removed and changed, per market and channel."""
    result = diff_dirs(old_dir, new_dir)
    click.echo(result.to_json() if as_json else format_text(result, limit), nl=False)
