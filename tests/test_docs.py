"""README documents every command and every option (as sqlite-utils' and datasette's test_docs do).

A new option without a line in README fails here, so the README a user reads never lags the CLI."""

from __future__ import annotations

from typing import Iterator

import click
import pytest

from feedgen.cli import main

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands(command: click.Command = main, path: tuple[str, ...] = ("feedgen",)) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path), command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))


COMMANDS = dict(commands())
OPTIONS = sorted({(name, option) for name, command in COMMANDS.items() for param in command.params
                  for option in param.opts if option.startswith("--") and option != "--help"})


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"`{name}" in README or f"{name} " in README, f"README never mentions `{name}`"


@pytest.mark.parametrize(("name", "option"), OPTIONS)
def test_every_option_is_in_the_readme(name: str, option: str) -> None:
    assert f"{option}" in README, f"README never mentions {option} of `{name}`"


def test_the_walk_finds_the_commands_a_user_types() -> None:
    """Guards the two tests above against passing on an empty walk."""
    assert {"feedgen build", "feedgen deliver", "feedgen translations extract", "feedgen prices history"} <= set(COMMANDS)
    assert ("feedgen deliver", "--dry-run") in OPTIONS and len(OPTIONS) > 60


def test_every_command_of_the_cli_package_is_registered() -> None:
    """A command written in a feedgen/cli/ module but never added to the group would escape the two
    tests above (and the user): each module's commands are reachable from `feedgen`."""
    import importlib
    import pkgutil

    import feedgen.cli

    reachable = {id(command) for command in COMMANDS.values()}
    modules = [importlib.import_module(f"feedgen.cli.{info.name}") for info in pkgutil.iter_modules(feedgen.cli.__path__)
               if info.name != "__main__"]
    defined = {f"{module.__name__}.{name}": value for module in modules for name, value in vars(module).items()
               if isinstance(value, click.Command) and value.callback.__module__ == module.__name__}
    assert len(modules) >= 7 and len(defined) >= 15
    assert [name for name, command in defined.items() if id(command) not in reachable] == []
