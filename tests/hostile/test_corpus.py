"""Every hostile input of corpus.py through `feedgen build`, checked against its stated behaviour.

In-process with Click's CliRunner for all cases (an uncaught exception is what would have been a
traceback), and as a real `python -m feedgen.cli` process for the cases marked `subprocess`, whose
stderr must not contain "Traceback". Cases live deep inside tmp_path and the whole of tmp_path is
compared before and after, so a file written outside the output directory (a SKU such as
`../../x` used in a path) cannot go unnoticed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedgen.channels.amazon.removals import read_items as amazon_items
from feedgen.channels.google import GoogleChannel
from feedgen.channels.meta import MetaChannel
from feedgen.cli import main

from ..conftest import MINI, REPO, SAMPLE_DATA, SAMPLE_LOCALES, publish_source_text
from .corpus import CASES, CORPUS, Case
from .outputs import check_tree, snapshot

AS_OF = "2026-11-22"
# Four markets cover every code path the eight sample markets do (nb translations, EU/UK/US sizes,
# tax included and excluded, Amazon US and DE, Meta's main feed from GB) in half the time.
MARKETS = "NO,DE,GB,US"
NESTED = ("up1", "up2", "up3", "project")  # ../../x from output/<channel>/ still lands inside tmp_path
IGNORED = (".feedgen-lock-output", "reports")
# Every run has a time limit: a case takes seconds, so a hang (a backtracking pattern, a workbook
# that unpacks for ever) fails its test within two minutes instead of stalling CI. In-process runs
# are stopped by pytest-timeout's SIGALRM (Python's re checks for signals while it backtracks), real
# processes are killed by subprocess.run.
CASE_SECONDS = 120  # the lock file the build may create, and our report files


def _project(root: Path) -> Path:
    project = root.joinpath(*NESTED)
    shutil.copytree(SAMPLE_DATA, project / "product_data")
    shutil.copytree(SAMPLE_LOCALES, project / "locales")
    shutil.copy(MINI / "fx_rates.csv", project / "product_data" / "fx_rates.csv")
    shutil.copy(CASES / "base.csv", project / "product_data" / "catalogue.csv")
    (project / "reports").mkdir()
    return publish_source_text(project)  # the corpus is not all translated: English, not empty feeds


def _arguments(project: Path, extra: list[str], command: tuple[str, ...] = ("build",)) -> list[str]:
    if command != ("build",):
        return [*command, "--data", str(project / "product_data"), *extra]
    return ["build", "--data", str(project / "product_data"), "-o", str(project / "output"), "--as-of", AS_OF,
            "--market", MARKETS,
            "--report", str(project / "reports" / "diagnostics.json"),
            "--junit", str(project / "reports" / "junit.xml"), *extra]


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good build of the base project: what exit-2 cases must leave untouched."""
    project = _project(tmp_path_factory.mktemp("previous"))
    result = CliRunner().invoke(main, _arguments(project, []))
    assert result.exit_code == 0, result.output + result.stderr
    return project / "output"


def _prepare(case: Case, root: Path, previous: Path) -> tuple[Path, list[str]]:
    project = _project(root)
    if case.exit == 2 or case.previous:
        shutil.copytree(previous, project / "output", symlinks=True)
    extra = [arg for step in case.steps for arg in step(project)]
    return project, _arguments(project, extra, case.command)


def _outside(root: Path, project: Path) -> dict[str, str]:
    prefix = project.relative_to(root).as_posix()
    return snapshot(root, ignore=(f"{prefix}/output",) + tuple(f"{prefix}/{name}" for name in IGNORED))


def _check_stderr_one_error(stderr: str, fragment: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    assert fragment in errors[0], errors[0]
    assert "\n" not in errors[0]
    others = [line for line in lines if not line.startswith(("error: ", "… ", "warning: "))]
    assert not others, f"unexpected stderr lines: {others}"


def _listed(out: Path) -> dict[str, set[str]]:
    """Feed file -> SKUs it lists as items (archived Meta rows and Amazon deletes do not count)."""
    readers = {"google": GoogleChannel.read_items, "meta": MetaChannel.read_items, "amazon": amazon_items}
    listed = {}
    for channel, read in readers.items():
        for path in sorted((out / channel).glob("*")):
            listed[path.relative_to(out).as_posix()] = set(read(path))
    return listed


def _check_built(case: Case, project: Path) -> None:
    out = project / "output"
    problems = check_tree(out)
    assert not problems, "\n".join(problems)
    junit = (project / "reports" / "junit.xml").read_bytes()
    problems = check_tree_file(junit, "junit.xml")
    assert not problems, problems

    report = json.loads((project / "reports" / "diagnostics.json").read_text(encoding="utf-8"))
    reported = {d["rule_id"] for d in report["diagnostics"]}
    missing = set(case.rules) - reported
    assert not missing, f"rules not reported: {sorted(missing)} (reported: {sorted(reported)})"

    listed = _listed(out)
    google = [path for path in listed if path.startswith("google/")]
    assert google, "no Google feed was written"
    for path in google:
        assert set(case.built) <= listed[path], f"{path} lacks {sorted(set(case.built) - listed[path])}"
    for path, skus in listed.items():
        assert not set(case.skipped) & skus, f"{path} lists skipped {sorted(set(case.skipped) & skus)}"
    for path in sorted(out.rglob("*")):
        # report.html and the incremental state quote diagnostics (escaped HTML / JSON strings); no platform reads them
        if path.is_file() and path.name != "report.html" and not path.name.startswith("."):
            text = path.read_text(encoding="utf-8")
            for payload in case.absent:
                assert payload not in text, f"{payload!r} in {path.relative_to(out)}"


def check_tree_file(data: bytes, name: str) -> list[str]:
    from .outputs import CHECKS, FORBIDDEN

    text = data.decode("utf-8")
    problems = [f"{name}: forbidden character"] if FORBIDDEN.search(text) else []
    return problems + CHECKS[Path(name).suffix](name, data, text)


def _run_case(case: Case, tmp_path: Path, previous: Path) -> tuple[Path, dict, dict, int, str, str]:
    project, arguments = _prepare(case, tmp_path, previous)
    before_outside = _outside(tmp_path, project)
    before_output = snapshot(project / "output") if case.exit == 2 else {}
    result = CliRunner().invoke(main, arguments)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r} (a traceback for the user)")
    return project, before_outside, before_output, result.exit_code, result.stdout, result.stderr


@pytest.mark.timeout(CASE_SECONDS)
@pytest.mark.parametrize("case", CORPUS, ids=str)
def test_corpus_case(case: Case, tmp_path: Path, previous_output: Path) -> None:
    project, outside, output, code, stdout, stderr = _run_case(case, tmp_path, previous_output)
    assert code == case.exit, f"exit {code}, expected {case.exit}\nstdout: {stdout[-2000:]}\nstderr: {stderr[-2000:]}"
    assert "Traceback" not in stderr + stdout
    assert _outside(tmp_path, project) == outside, "files outside the output directory changed"
    if case.exit == 2:
        _check_stderr_one_error(stderr, case.error)
        assert snapshot(project / "output") == output, "the previous output changed"
        assert not any((project / "reports").iterdir()), "report files written for unusable input"
        assert not stdout.strip(), stdout
    elif case.command == ("build",):
        _check_built(case, project)
    leftovers = [p.name for p in project.parent.iterdir() if p.name.startswith(".feedgen-") and "lock" not in p.name]
    assert not leftovers, leftovers


SUBPROCESS_CASES = [case for case in CORPUS if case.subprocess]


@pytest.mark.timeout(CASE_SECONDS + 30)
@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=str)
def test_corpus_case_real_process(case: Case, tmp_path: Path, previous_output: Path) -> None:
    """The same case as a real process: what a nightly job's log would show."""
    project, arguments = _prepare(case, tmp_path, previous_output)
    output = snapshot(project / "output") if case.exit == 2 else {}
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    process = subprocess.run([sys.executable, "-m", "feedgen.cli", *arguments], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=CASE_SECONDS)
    assert "Traceback" not in process.stderr, process.stderr
    assert process.returncode == case.exit, process.stderr[-2000:]
    if case.exit == 2:
        _check_stderr_one_error(process.stderr, case.error)
        assert snapshot(project / "output") == output
    else:
        assert not check_tree(project / "output")


def test_corpus_is_large_enough() -> None:
    """The issue asks for at least 30 hostile inputs; every case file is used by some case."""
    assert len(CORPUS) >= 30
    assert len({case.name for case in CORPUS}) == len(CORPUS)
    source = (Path(__file__).parent / "corpus.py").read_text(encoding="utf-8")
    unused = [path.name for path in CASES.iterdir()
              if path.name not in ("base.csv", ".gitattributes") and f'"{path.name}"' not in source]
    assert not unused, unused
