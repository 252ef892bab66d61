"""The CLI's last line of defence: an exception nobody turned into an InputError is still one line.

An OSError (the system refused) exits 4; anything else is a bug in feedgen and exits 70 (EX_SOFTWARE)
with the exception and where it was raised; FEEDGEN_TRACEBACK=1 lets it through for a bug report.
"""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedgen.cli import build as cli
from feedgen.cli import main

from ..conftest import REPO


def _boom(*args, **kwargs):
    return {}["no such key"]


def test_an_unexpected_exception_is_one_line_with_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FEEDGEN_TRACEBACK", raising=False)
    monkeypatch.setattr(cli, "run", _boom)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 70
    [line] = result.stderr.splitlines()
    assert line.startswith("error: internal error KeyError: 'no such key' (at test_one_line_errors.py:")
    assert "FEEDGEN_TRACEBACK=1" in line


def test_feedgen_traceback_lets_the_exception_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDGEN_TRACEBACK", "1")
    monkeypatch.setattr(cli, "run", _boom)
    result = CliRunner().invoke(main, ["build"])
    assert isinstance(result.exception, KeyError)


def test_an_oserror_in_any_command_is_exit_4(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("FEEDGEN_TRACEBACK", raising=False)

    def denied(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(cli, "read_markets", denied)
    result = CliRunner().invoke(main, ["markets", "--data", str(tmp_path)])
    assert result.exit_code == 4
    assert result.stderr.strip() == f"error: {tmp_path / 'markets.toml'}: Permission denied (EACCES)"


def test_a_real_process_prints_no_traceback_for_a_bug(tmp_path) -> None:
    """Outside CliRunner: sys.exit from the group, not Click's or Python's exception printing."""
    script = ("import feedgen.cli as c, feedgen.cli.build as b\n"
              "b.run = lambda *a, **k: 1 / 0\n"
              "c.main(['build', '--data', 'nowhere'])\n")
    process = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                             env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert process.returncode == 70
    assert "Traceback" not in process.stderr
    assert process.stderr.startswith("error: internal error ZeroDivisionError: division by zero (at <string>:2)")


def test_an_unreadable_small_table_is_a_file_error_exit_2(monkeypatch: pytest.MonkeyPatch, project) -> None:
    # fx_rates.csv, size_chart.csv and prices.csv share the catalogue's reader: a read error names
    # the file in one line and is bad input (exit 2), as for the catalogue and the TOML files.
    fx = project / "product_data" / "fx_rates.csv"
    real = Path.open  # the reader streams the file from Path.open (tests run as root: chmod cannot deny it)

    def denied(self, *args, **kwargs):
        if self == fx:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)
    result = CliRunner().invoke(main, ["validate", "--data", str(project / "product_data")])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"error: {fx}: cannot read: Permission denied"
