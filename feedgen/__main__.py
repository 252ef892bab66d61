"""The `feedgen` command (and `python -m feedgen`).

Kept tiny on purpose: it arms the Ctrl-C handler before the heavy imports (pandas, lxml, Jinja2),
so an interrupt in the first half second is one line and exit 130, not a traceback out of an
import (see feedgen.interrupt)."""

from feedgen.interrupt import exit_at_once


def run() -> None:
    exit_at_once()
    from feedgen.cli import main

    main()


if __name__ == "__main__":
    run()
