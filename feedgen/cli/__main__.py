"""`python -m feedgen.cli`: the `feedgen` command (the entry point is feedgen.__main__:run)."""

from feedgen.cli import main

main()
