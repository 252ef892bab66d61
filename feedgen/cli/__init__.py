"""The `feedgen` command: a thin Click layer over feedgen.pipeline.build and friends.

It parses options, calls the library, prints, and turns the outcome into an exit code:
0 clean, 1 item errors (with --strict, warnings too), 2 unusable input or configuration,
3 the publish gate refused the build (the previous output is untouched), 4 the system refused a
read or write (disk full, permissions), 5 a delivery destination failed, 70 an internal error
(a bug), 130 interrupted (Ctrl-C). Every error is one line on stderr, `error: WHERE: what`; never
a traceback (FEEDGEN_TRACEBACK=1 shows one for a bug report).

One module per command family (build, deliver, translations, rules, prices, serve), the options
they share in feedgen.cli.options. Commands raise feedgen.errors.FeedgenError and friends; only
the group's `invoke` below turns an exception into a line and an exit code. Nothing below the CLI
imports this package.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from feedgen import __version__
from feedgen.cli import build as build_commands
from feedgen.cli import deliver as deliver_commands
from feedgen.cli import prices as prices_commands
from feedgen.cli import rules as rules_commands
from feedgen.cli import serve as serve_commands
from feedgen.cli import translations as translation_commands
from feedgen.errors import EXIT_INTERNAL, EnvironmentFailure, FeedgenError
from feedgen.interrupt import EXIT_INTERRUPTED, Interrupted, interruptible


def _fail(line: str, code: int) -> None:
    click.echo(f"error: {line}", err=True)
    sys.exit(code)


def _internal(error: Exception) -> str:
    """A bug as one line: the exception, its first 200 characters and where it was raised."""
    frame = traceback.extract_tb(error.__traceback__)[-1]
    detail = (str(error).splitlines() or [""])[0][:200]
    return (f"internal error {type(error).__name__}: {detail} (at {Path(frame.filename).name}:{frame.lineno}); "
            "this is a bug in feedgen: please report it with the output of FEEDGEN_TRACEBACK=1")


class _OneLineErrors(click.Group):
    """The error boundary, the only place an exception becomes an exit code: a FeedgenError is its
    `one_line()` and `exit_code` (InputError 2, EnvironmentFailure 4 …); an OSError nobody turned
    into one (disk full while writing, an unwritable folder) is exit 4; Ctrl-C is 130; any other
    exception is one line naming where it happened and exit 70. A nightly job's log then says what
    broke instead of forty lines of stack."""

    def invoke(self, ctx: click.Context):
        interruptible()
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt as interrupt:  # Ctrl-C: the stage is gone, the lock released (feedgen.interrupt)
            _fail(interrupt.one_line() if isinstance(interrupt, Interrupted) else "interrupted (Ctrl-C)", EXIT_INTERRUPTED)
        except FeedgenError as error:
            if os.environ.get("FEEDGEN_TRACEBACK") and isinstance(error, EnvironmentFailure):
                raise
            _fail(error.one_line(), error.exit_code)
        except OSError as error:
            if os.environ.get("FEEDGEN_TRACEBACK"):
                raise
            failure = EnvironmentFailure(error, "feedgen")
            _fail(failure.one_line(), failure.exit_code)
        except Exception as error:  # noqa: BLE001 - that is the point
            if os.environ.get("FEEDGEN_TRACEBACK"):
                raise
            _fail(_internal(error), EXIT_INTERNAL)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedgen")
def main() -> None:
    """Turn one product catalogue into per-market Google, Meta and Amazon feeds."""


for _command in (build_commands.build, build_commands.validate, build_commands.markets, build_commands.diff,
                 deliver_commands.deliver, translation_commands.translate, translation_commands.translations,
                 serve_commands.serve, rules_commands.rules, prices_commands.prices):
    main.add_command(_command)
