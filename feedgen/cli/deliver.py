"""`feedgen deliver`: send the last published build to the destinations of DATA/delivery.toml."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from feedgen.pipeline.build import exit_code
from feedgen.cli import options as o
from feedgen.cli.build import check_targets
from feedgen.errors import EXIT_REFUSED, EXIT_UNDELIVERED
from feedgen.files import write_text_atomic


@click.command()
@o.data
@o.out
@click.option("--config", type=o.PATH, help="Destination file; default DATA/delivery.toml.")
@click.option("--to", "only", help="Comma-separated destination names; default: all.")
@click.option("--dry-run", is_flag=True, help="Show what would go where, with sizes; offline, no credentials needed.")
@click.option("--force", is_flag=True, help="Send even if the shrink guard objects (an empty or much shorter feed).")
@click.option("--again", is_flag=True, help="Send files the destination already has from an earlier delivery.")
@o.report
@click.option("--status", is_flag=True, help="Show the last delivery per destination and check pending remote jobs.")
def deliver(data_dir: Path, out: Path, config: Path | None, only: str | None, dry_run: bool, force: bool, again: bool,
            report: Path | None, status: bool) -> None:
    """Send the last published build to the destinations in DATA/delivery.toml (SFTP, S3, a folder, Amazon SP-API).

    Exit codes: 0 every destination has the build (or a pending job), 1 the platform reported item errors,
    2 bad configuration, 3 the shrink guard refused a destination, 5 a destination failed."""
    from feedgen.deliver.run import DeliverRequest, deliver as run_delivery, format_summary

    check_targets(report)
    request = DeliverRequest(data_dir=data_dir, out=out, config=config, only=o.split(only), dry_run=dry_run,
                             force=force, again=again, status=status)
    result = run_delivery(request, say=lambda line: click.echo(line, err=line.startswith("…")),
                          warn=lambda line: click.echo(f"warning: {line}", err=True))
    click.echo(format_summary(result))
    if report:
        write_text_atomic(report, result.diagnostics.to_json())
    for row in result.rows:
        if row.outcome == "failed":
            click.echo(f"error: {row.confirmation}", err=True)
    code = EXIT_UNDELIVERED if result.failed else EXIT_REFUSED if result.refused else exit_code(result.diagnostics, False)
    sys.exit(code)
