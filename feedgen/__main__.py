"""`python -m feedgen` and the `feedgen` command."""

from feedgen.cli import main


def run() -> None:
    main()


if __name__ == "__main__":
    run()
