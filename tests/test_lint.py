"""ruff and mypy over the package, held to a baseline that may only shrink.

tests/lint-baseline.txt counts today's findings per tool, file and code (counts, not line numbers,
so an edit above a finding does not break the test). A count above its baseline fails and prints
the findings of that file and code; a count below it fails too, asking for the baseline to shrink:
`FEEDGEN_UPDATE_LINT_BASELINE=1 .venv/bin/python -m pytest -n 0 tests/test_lint.py` rewrites it,
but only when no count grew. After modules move (rename-only), FEEDGEN_UPDATE_LINT_BASELINE=moved
rewrites it when no code's total over the package grew (the findings moved with their files).
Configuration: [tool.ruff] and [tool.mypy] in pyproject.toml.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BASELINE = Path(__file__).resolve().parent / "lint-baseline.txt"
MYPY_LINE = re.compile(r"^(?P<path>[^:\s]+\.py):(?P<line>\d+): error: (?P<message>.*?)  \[(?P<code>[a-z0-9-]+)\]$")
Finding = tuple[str, str, str, str]  # tool, path, code, "path:line: message"


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False)


def ruff_findings() -> list[Finding]:
    run = _run([sys.executable, "-m", "ruff", "check", "--output-format", "json", "--no-cache", "feedgen"], 120)
    assert run.returncode in (0, 1), f"ruff failed to run (is the test extra installed?):\n{run.stderr}"
    found = []
    for entry in json.loads(run.stdout):
        path = Path(entry["filename"]).resolve().relative_to(REPO).as_posix()
        found.append(("ruff", path, entry["code"] or "syntax",
                      f"{path}:{entry['location']['row']}: {entry['code']} {entry['message']}"))
    return found


def mypy_findings(cache: Path) -> list[Finding]:
    # A fresh cache per run: ~35 s on 2 busy cores (about 1 s warm), well inside the per-test timeout.
    run = _run([sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", "--cache-dir", str(cache),
                "--no-error-summary", "--no-pretty", "--no-color-output"], 240)
    assert run.returncode in (0, 1), f"mypy failed to run (is the test extra installed?):\n{run.stdout}{run.stderr}"
    found = []
    for line in run.stdout.splitlines():
        match = MYPY_LINE.match(line)
        if match:
            found.append(("mypy", match["path"], match["code"], f"{match['path']}:{match['line']}: {match['message']}"))
        else:
            assert ": note: " in line, f"unexpected mypy output: {line}"
    return found


def read_baseline(tool: str) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for line in BASELINE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, path, code, count = line.split()
            if name == tool:
                counts[(path, code)] = int(count)
    return counts


def write_baseline(tool: str, counts: Counter[tuple[str, str]]) -> None:
    kept = [line for line in BASELINE.read_text(encoding="utf-8").splitlines()
            if line.startswith("#") or (line.strip() and line.split()[0] != tool)]
    header = [line for line in kept if line.startswith("#")]
    others = [line for line in kept if not line.startswith("#")]
    mine = [f"{tool} {path} {code} {count}" for (path, code), count in counts.items() if count]
    BASELINE.write_text("\n".join(header + sorted(others + mine)) + "\n", encoding="utf-8")


def _totals_grew(counts: Counter[tuple[str, str]], baseline: Counter[tuple[str, str]]) -> bool:
    def totals(by_file: Counter[tuple[str, str]]) -> Counter[str]:
        result: Counter[str] = Counter()
        for (_, code), count in by_file.items():
            result[code] += count
        return result

    now, before = totals(counts), totals(baseline)
    return any(now[code] > before[code] for code in now)


def compare(tool: str, findings: list[Finding]) -> None:
    counts = Counter((path, code) for _, path, code, _ in findings)
    baseline = read_baseline(tool)
    grew = sorted(key for key in counts if counts[key] > baseline[key])
    shrank = sorted(key for key in baseline if counts[key] < baseline[key])
    update = os.environ.get("FEEDGEN_UPDATE_LINT_BASELINE", "")
    if update and (not grew or (update == "moved" and not _totals_grew(counts, baseline))):
        write_baseline(tool, counts)
        return
    if grew:
        lines = [text for _, path, code, text in sorted(findings) if (path, code) in grew]
        pytest.fail(f"new {tool} findings (fix them; the baseline only shrinks):\n"
                    + "\n".join(f"  {path} {code}: {baseline[(path, code)]} -> {counts[(path, code)]}"
                                for path, code in grew)
                    + "\n" + "\n".join(lines), pytrace=False)
    if shrank:
        pytest.fail(f"{tool} findings were fixed — shrink tests/lint-baseline.txt "
                    "(FEEDGEN_UPDATE_LINT_BASELINE=1 .venv/bin/python -m pytest -n 0 tests/test_lint.py):\n"
                    + "\n".join(f"  {tool} {path} {code} {counts[(path, code)]}  (baseline {baseline[(path, code)]})"
                                for path, code in shrank), pytrace=False)


def test_ruff_findings_only_shrink() -> None:
    compare("ruff", ruff_findings())


def test_mypy_findings_only_shrink(tmp_path: Path) -> None:
    compare("mypy", mypy_findings(tmp_path / "mypy-cache"))


def test_comparison_reports_growth_and_shrinkage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison itself, on a baseline of its own: one more finding fails naming it; one fewer
    fails asking to shrink; the same passes."""
    baseline = tmp_path / "baseline.txt"
    baseline.write_text("# header\nruff feedgen/x.py E501 1\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "BASELINE", baseline)
    monkeypatch.delenv("FEEDGEN_UPDATE_LINT_BASELINE", raising=False)
    one = [("ruff", "feedgen/x.py", "E501", "feedgen/x.py:3: E501 Line too long")]
    compare("ruff", one)
    with pytest.raises(pytest.fail.Exception, match=r"(?s)new ruff findings.*feedgen/x.py:9: F401"):
        compare("ruff", one + [("ruff", "feedgen/x.py", "F401", "feedgen/x.py:9: F401 unused")])
    with pytest.raises(pytest.fail.Exception, match="shrink"):
        compare("ruff", [])
    moved = [("ruff", "feedgen/stage/x.py", "E501", "feedgen/stage/x.py:3: E501 Line too long")]
    monkeypatch.setenv("FEEDGEN_UPDATE_LINT_BASELINE", "1")
    with pytest.raises(pytest.fail.Exception, match="new ruff findings"):
        compare("ruff", moved)  # a plain update never takes a count up
    monkeypatch.setenv("FEEDGEN_UPDATE_LINT_BASELINE", "moved")
    compare("ruff", moved)  # the same finding under its new path
    assert baseline.read_text(encoding="utf-8") == "# header\nruff feedgen/stage/x.py E501 1\n"
    with pytest.raises(pytest.fail.Exception, match="new ruff findings"):
        compare("ruff", moved + [("ruff", "feedgen/y.py", "E501", "feedgen/y.py:1: E501 Line too long")])
    monkeypatch.setenv("FEEDGEN_UPDATE_LINT_BASELINE", "1")
    compare("ruff", [])
    assert baseline.read_text(encoding="utf-8") == "# header\n"
