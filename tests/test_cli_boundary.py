"""The CLI's shape: one error boundary, options defined once, and a library that never reaches up.

feedgen.cli's group is the only place an exception becomes `error: …` and an exit code; these tests
hold the family to its codes, check that no command code lives outside feedgen.cli, and that the
shared project options mean the same thing in every command that takes them.
"""

from __future__ import annotations

import ast
import errno
import pickle
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from feedgen.cli import main
from feedgen.errors import (
    EXIT_ENVIRONMENT,
    EXIT_INPUT,
    EnvironmentFailure,
    FeedgenError,
    InputError,
    SetupError,
)
from feedgen.interrupt import EXIT_INTERRUPTED, Interrupted
from feedgen.config.paths import ProjectPaths

from .conftest import REPO

PACKAGE = REPO / "feedgen"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (also inside functions and TYPE_CHECKING blocks)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


LIBRARY = sorted(p for p in PACKAGE.rglob("*.py")
                 if p.relative_to(PACKAGE).parts[0] != "cli" and p != PACKAGE / "__main__.py")


def test_the_walk_reads_the_library() -> None:
    assert PACKAGE / "pipeline" / "build.py" in LIBRARY and PACKAGE / "cli" / "build.py" not in LIBRARY and len(LIBRARY) > 40


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_library_never_imports_the_cli_nor_click(path: Path) -> None:
    """Commands live in feedgen/cli/ and nowhere else; a library module reaching up would make the
    layers a cycle, and one importing click would be command code outside the boundary."""
    imported = _imports(path)
    assert not {name for name in imported if name == "feedgen.cli" or name.startswith("feedgen.cli.")}
    assert not {name for name in imported if name == "click" or name.startswith("click.")}


@pytest.mark.parametrize(("module", "forbidden"), [
    ("i18n/project.py", "feedgen.pipeline.build"),  # the translation commands' project: below the pipeline
    ("diagnostics.py", "feedgen.publish.stage"),  # diagnostics are data; writing them is the caller's
    ("config/paths.py", "feedgen.pipeline.build"),
])
def test_no_backward_import(module: str, forbidden: str) -> None:
    assert not {name for name in _imports(PACKAGE / module) if name == forbidden or name.startswith(forbidden + ".")}


@pytest.mark.parametrize("path", sorted((PACKAGE / "cli").glob("*.py")), ids=lambda p: p.name)
def test_commands_raise_and_only_the_boundary_prints_errors(path: Path) -> None:
    """No `except InputError: echo; exit 2` by hand: a command raises, the group's invoke prints."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    handlers = [node for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)]
    caught = {ast.unparse(h.type) for h in handlers if h.type is not None}
    if path.name != "__init__.py":
        assert not caught & {"InputError", "FeedgenError", "SetupError", "EnvironmentFailure"}
        assert "SystemExit(" not in source and 'echo(f"error: {error' not in source


def test_a_feedgen_error_is_its_one_line_and_its_exit_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from feedgen.cli import build as commands

    cases = [
        (InputError(tmp_path / "catalogue.csv", "bad", row=3, column="sku"),
         EXIT_INPUT, f"error: {tmp_path / 'catalogue.csv'}, row 3, column sku: bad"),
        (SetupError("DEEPL_API_KEY is not set"), EXIT_INPUT, "error: DEEPL_API_KEY is not set"),
        (EnvironmentFailure(OSError(errno.ENOSPC, "No space left on device"), "output", "nothing was published"),
         EXIT_ENVIRONMENT, "error: output: No space left on device (ENOSPC); nothing was published"),
        (Interrupted(False, Path("output")), EXIT_INTERRUPTED,
         "error: interrupted (Ctrl-C); nothing was published, output/ is unchanged"),
    ]
    for error, code, line in cases:
        def fail(*args: object, error: BaseException = error, **kwargs: object) -> None:
            raise error

        monkeypatch.setattr(commands, "run", fail)
        result = CliRunner().invoke(main, ["validate", "--data", str(tmp_path)])
        assert (result.exit_code, result.stderr.strip()) == (code, line)
        assert error.exit_code == code  # the class says its code; the boundary only reads it


def test_a_disk_full_build_names_the_output_and_that_nothing_was_published(monkeypatch: pytest.MonkeyPatch,
                                                                            tmp_path: Path) -> None:
    from feedgen.cli import build as commands

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.delenv("FEEDGEN_TRACEBACK", raising=False)
    monkeypatch.setattr(commands, "run", full)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--data", str(tmp_path), "-o", str(out)])
    assert result.exit_code == EXIT_ENVIRONMENT
    assert result.stderr.strip() == f"error: {out}: No space left on device (ENOSPC); nothing was published, {out}/ is unchanged"


def test_the_family_crosses_process_boundaries() -> None:
    """Market workers hand errors to the parent by pickling them (feedgen.pipeline.parallel)."""
    for error in (InputError("a.csv", "bad", row=2, column=3), SetupError("no key"),
                  EnvironmentFailure(PermissionError(errno.EACCES, "Permission denied", "x"), "out", "note")):
        copy = pickle.loads(pickle.dumps(error))
        assert (type(copy), copy.one_line(), copy.exit_code) == (type(error), error.one_line(), error.exit_code)
    assert issubclass(InputError, FeedgenError) and not issubclass(Interrupted, Exception)  # Ctrl-C is never swallowed


def test_serve_refuses_an_output_never_built(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--data", str(tmp_path), "-o", str(tmp_path / "out"), "--port", "0"])
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.strip() == f"error: {tmp_path / 'out'}/pages does not exist: run `feedgen build` first, or use --review"


def _option(command: click.Command, name: str) -> click.Option:
    [param] = [p for p in command.params if p.name == name]
    assert isinstance(param, click.Option)
    return param


def _command(*path: str) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


PROJECT_COMMANDS = [("build",), ("validate",), ("rules", "check"), ("translate",), ("translations", "status"),
                    ("translations", "approve"), ("translations", "extract")]


@pytest.mark.parametrize("path", PROJECT_COMMANDS, ids=" ".join)
def test_project_options_are_one_definition(path: tuple[str, ...]) -> None:
    """--data, --catalogue, --catalogue-format, the export mapping, --markets and --locales: the same
    option object (name, type, default, help) in every command that reads the project."""
    reference = _command("build")
    for name in ("data_dir", "catalogue", "catalogue_format", "markets_file", "locales", "mapping"):
        mine, theirs = _option(_command(*path), name), _option(reference, name)
        assert (mine.help, mine.default, type(mine.type)) == (theirs.help, theirs.default, type(theirs.type))
        assert "--catalogue-mapping" in mine.opts if name == "mapping" else mine.opts == theirs.opts


def test_mapping_is_the_export_mapping_except_extracts_old_babel_cfg_spelling() -> None:
    assert _option(_command("build"), "mapping").opts == ["--catalogue-mapping", "--mapping"]
    assert _option(_command("rules", "check"), "mapping").opts == ["--catalogue-mapping", "--mapping"]
    extract = _command("translations", "extract")
    assert _option(extract, "mapping").opts == ["--catalogue-mapping"]
    assert _option(extract, "babel_cfg").opts == ["--babel-cfg", "--mapping"]


@pytest.mark.parametrize("spelling", ["--mapping", "--catalogue-mapping"])
def test_both_spellings_of_the_export_mapping_are_read(spelling: str, mini_project: Path) -> None:
    missing = mini_project / "erp.toml"
    result = CliRunner().invoke(main, ["validate", "--data", str(mini_project / "product_data"), spelling, str(missing)])
    assert (result.exit_code, result.stderr.strip()) == (EXIT_INPUT, f"error: {missing}: file not found")


def test_project_paths_defaults() -> None:
    """The one place the defaults live: DATA/<name>, locales/ beside DATA, mapping only when present."""
    paths = ProjectPaths(data_dir=Path("shop/product_data"))
    assert paths.input("catalogue.csv") == Path("shop/product_data/catalogue.csv")
    assert paths.locales_dir == Path("shop/locales")
    assert paths.mapping_file is None  # no shop/product_data/mapping.toml here
    named = ProjectPaths(data_dir=Path("d"), catalogue=Path("x.xlsx"), markets=Path("m.toml"), mapping=Path("erp.toml"),
                         locales=Path("po"))
    assert (named.input("catalogue.csv"), named.input("markets.toml"), named.input("rules.toml")) == (
        Path("x.xlsx"), Path("m.toml"), Path("d/rules.toml"))
    assert (named.locales_dir, named.mapping_file) == (Path("po"), Path("erp.toml"))
