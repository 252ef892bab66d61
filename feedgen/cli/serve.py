"""`feedgen serve`: the landing pages on http://127.0.0.1:PORT/ (feedgen.pipeline.serve)."""

from __future__ import annotations

from pathlib import Path

import click

from feedgen.cli import options as o
from feedgen.errors import InputError, SetupError
from feedgen.pipeline.serve import HOST, Project, make_server
from feedgen.config.paths import ProjectPaths


@click.command("serve")
@o.data
@o.out
@o.locales
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free one).")
@click.option("--review", is_flag=True, help="Render from the project and highlight machine-translated and missing text.")
@o.as_of("Review as of this date (sale windows); default today.")
def serve(data_dir: Path, out: Path, locales: Path | None, port: int, review: bool, as_of) -> None:
    """Serve the landing pages on http://127.0.0.1:PORT/ for a local review."""
    project = Project(ProjectPaths(data_dir=data_dir, out=out, locales=locales), review=review,
                      as_of=as_of.date() if as_of else None)
    if locales is not None and not locales.is_dir():
        raise InputError(locales, "locales folder not found")
    if not review and not (out / "pages").is_dir():
        raise SetupError(f"{out}/pages does not exist: run `feedgen build` first, or use --review")
    try:
        server = make_server(project, port)
    except OSError as error:
        raise SetupError(f"cannot listen on {HOST}:{port}: {error.strerror}") from None
    host, bound = server.server_address[:2]
    click.echo(f"Serving {'review of ' if review else ''}landing pages on http://{host}:{bound}/  (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
