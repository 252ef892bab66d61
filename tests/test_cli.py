"""The CLI through Click's CliRunner: exit codes, one-line errors, output left untouched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedgen.cli import main

from .conftest import Restorable, copy_sample, write_catalogue


def invoke(project: Path, *args: str):
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(project)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_defaults_write_every_market(mini_project) -> None:
    result = invoke(mini_project, "build", "--as-of", "2026-11-22", "--channels", "google")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (mini_project / "output" / "google").iterdir())
    assert written == ["de.xml", "dk.xml", "fi.xml", "gb.xml", "nl.xml", "no.xml", "se.xml", "us.xml"]
    assert "0 error(s)" in result.output


def test_market_option_is_case_insensitive(mini_project) -> None:
    result = invoke(mini_project, "build", "-m", "no,Us", "-c", "google", "--as-of", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (mini_project / "output" / "google").iterdir()) == ["no.xml", "us.xml"]


@pytest.fixture(scope="module")
def google_built_once(tmp_path_factory: pytest.TempPathFactory) -> Restorable:
    project = copy_sample(tmp_path_factory.mktemp("cli") / "project", mini=True)
    assert invoke(project, "build", "-c", "google", "--as-of", "2026-11-22").exit_code == 0
    return Restorable(project)


@pytest.fixture
def google_built(google_built_once: Restorable) -> Path:
    """The mini project after a good `feedgen build -c google`: built once, put back for every test."""
    return google_built_once.restore()


@pytest.mark.parametrize(
    "breakage, expected",
    [
        ("missing_column", "column price: required column 'price' is missing"),
        ("duplicate_sku", "column sku: duplicate sku"),
        ("empty", "no rows"),
        ("latin1", "not UTF-8"),
        ("currency", "markets.SE.currency: unknown currency 'SEX'"),
        ("typo_key", "unknown key 'vat_rte'"),
    ],
)
def test_unusable_input_exits_2_with_one_line_and_keeps_output(google_built, breakage, expected) -> None:
    before = snapshot(google_built / "output")
    data = google_built / "product_data"
    catalogue = data / "catalogue.csv"
    text = catalogue.read_text(encoding="utf-8")
    if breakage == "missing_column":
        catalogue.write_text(text.replace("price,sale_price", "cost,sale_price", 1), encoding="utf-8")
    elif breakage == "duplicate_sku":
        catalogue.write_text(text + text.splitlines()[1] + "\n", encoding="utf-8")
    elif breakage == "empty":
        catalogue.write_text(text.splitlines()[0] + "\n", encoding="utf-8")
    elif breakage == "latin1":
        catalogue.write_bytes(text.replace("Vinterly", "Vinterlø").encode("latin-1", errors="replace"))
    elif breakage == "currency":
        markets = data / "markets.toml"
        markets.write_text(markets.read_text(encoding="utf-8").replace('currency = "SEK"', 'currency = "SEX"'), encoding="utf-8")
    elif breakage == "typo_key":
        markets = data / "markets.toml"
        markets.write_text(markets.read_text(encoding="utf-8").replace("vat_rate = 19", "vat_rte = 19"), encoding="utf-8")

    result = invoke(google_built, "build", "-c", "google", "--as-of", "2026-11-22")
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and expected in errors[0]
    assert "Traceback" not in result.output
    assert snapshot(google_built / "output") == before
    assert not list(google_built.glob(".feedgen-staging-*"))


def test_bad_rows_exit_1_and_everything_else_is_built(project) -> None:
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "GOOD-1"}, {"sku": "TEXT-PRICE", "price": "ask"}, {"sku": "BAD-GTIN", "gtin": "7094512050022"}, {"sku": "GOOD-2"},
    ])
    report = project / "report.json"
    result = invoke(project, "build", "-c", "google", "--as-of", "2026-11-22", "--report", str(report))
    assert result.exit_code == 1
    feed = (project / "output" / "google" / "no.xml").read_text(encoding="utf-8")
    assert "GOOD-1" in feed and "GOOD-2" in feed and "TEXT-PRICE" not in feed and "BAD-GTIN" not in feed
    payload = json.loads(report.read_text(encoding="utf-8"))
    assert payload["summary"]["errors"] == 2
    assert {(d["rule_id"], d["sku"]) for d in payload["diagnostics"] if d["severity"] == "error"} == {
        ("catalogue.price.invalid", "TEXT-PRICE"), ("catalogue.gtin.invalid", "BAD-GTIN"),
    }


def test_strict_fails_on_warnings(project) -> None:
    write_catalogue(project / "product_data" / "catalogue.csv", [{"sku": "A", "stock": "many"}])
    assert invoke(project, "build", "-c", "google", "-m", "gb", "--as-of", "2026-11-22").exit_code == 0
    assert invoke(project, "build", "-c", "google", "-m", "gb", "--as-of", "2026-11-22", "--strict").exit_code == 1


def test_validate_writes_nothing(mini_project) -> None:
    result = invoke(mini_project, "validate", "-c", "google", "--as-of", "2026-11-22", "-v")
    assert result.exit_code == 0, result.output
    assert not (mini_project / "output").exists() or not any((mini_project / "output").iterdir())


def test_markets_table(mini_project) -> None:
    result = invoke(mini_project, "markets")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 9
    se = next(line for line in lines if line.startswith("SE "))
    assert "SEK" in se and "Swish" in se and "100d free" in se


def test_unknown_channel_is_a_usage_error(mini_project) -> None:
    result = invoke(mini_project, "build", "-c", "myspace")
    assert result.exit_code == 2 and "unknown channel 'myspace'" in result.output


def test_help_everywhere() -> None:
    runner = CliRunner()
    for command in ([], ["build"], ["validate"], ["markets"]):
        result = runner.invoke(main, [*command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output
