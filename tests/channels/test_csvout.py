"""Shared CSV writer: RFC 4180 records, UTF-8, and CSV-injection neutralising that keeps real values.

Spec: RFC 4180 (CRLF records, quotes doubled inside quoted fields); OWASP "CSV Injection"
(cells starting with = + - @, tab or CR run as formulas in spreadsheets).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedgen.channels.csvout import TRIGGERS, cell, neutralise, open_csv, restore, write_columns
from feedgen.publish.stage import Stage


@pytest.mark.parametrize(
    "value, written",
    [
        ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("-20 °C rated lining", "'-20 °C rated lining"),  # honest text, still a formula to Excel
        # legitimate values that stay exactly as they are
        ("-5", "-5"),
        ("+1.5", "+1.5"),
        ("-0,5", "-0,5"),
        ("149.95 USD", "149.95 USD"),
        ("Trail-runner", "Trail-runner"),
        ("info@alfasko.no", "info@alfasko.no"),
        ("", ""),
        ("'quoted'", "'quoted'"),
        # an apostrophe already in front of a trigger gets one more, so restore() is exact
        ("'=1", "''=1"),
    ],
)
def test_neutralise(value: str, written: str) -> None:
    assert neutralise(value) == written
    assert restore(written) == value


@given(st.text())
def test_neutralise_is_reversible_and_never_leaves_a_formula(value: str) -> None:
    written = neutralise(value)
    assert restore(written) == value
    if written[:1] in TRIGGERS:  # only a plain number may start with a formula character
        assert re.fullmatch(r"[+-]?[0-9.,]+", written)


@given(st.text(), st.text())
def test_neutralise_is_injective(a: str, b: str) -> None:
    if a != b:
        assert neutralise(a) != neutralise(b)


def test_cell_text() -> None:
    assert cell(None) == "" and cell(float("nan")) == ""
    assert cell(Decimal("1299.00")) == "1299.00"
    assert cell(Decimal("1E+3")) == "1000"


def test_rfc4180_file(tmp_path: Path) -> None:
    stage = Stage(tmp_path / "out", "Brand")
    try:
        with open_csv(stage, "x/feed.csv", ["id", "title", "note"]) as out:
            out.write(["A-1", 'Boot "Fjell", 38', "line one\nline two"])
            out.write(["A-2", "Støvel æøå"])  # short row: padded to three fields
            out.write(["A-3", "=1+1", "-5"])
        stage.publish()
    finally:
        stage.discard()
    raw = (tmp_path / "out" / "x" / "feed.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without BOM
    assert raw.split(b"\r\n")[0] == b"id,title,note"
    assert b'"Boot ""Fjell"", 38"' in raw  # quotes doubled, field quoted (RFC 4180 §2.6-2.7)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows == [
        ["id", "title", "note"],
        ["A-1", 'Boot "Fjell", 38', "line one\nline two"],
        ["A-2", "Støvel æøå", ""],
        ["A-3", "'=1+1", "-5"],
    ]


def test_too_many_cells_is_a_bug(tmp_path: Path) -> None:
    stage = Stage(tmp_path / "out", "Brand")
    try:
        with pytest.raises(ValueError), open_csv(stage, "x.csv", ["id"]) as out:
            out.write(["a", "b"])
    finally:
        stage.discard()


CELLS = st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list(',"\r\n\t=+-@\'')), max_size=12)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4).flatmap(lambda width: st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=12)))
def test_write_columns_is_byte_for_byte_what_rows_give(tmp_path_factory, rows: list[list[str]]) -> None:
    """The column writer (each distinct cell quoted once) against CsvFile (row by row)."""
    width = len(rows[0]) if rows else 2
    header = [f"h{n}" for n in range(width)]
    stage = Stage(tmp_path_factory.mktemp("csv") / "out", "Brand", scratch=True)
    try:
        with open_csv(stage, "rows.csv", header) as out:
            for row in rows:
                out.write(row)
        columns = [[row[n] for row in rows] for n in range(width)]
        assert write_columns(stage, "columns.csv", header, columns, chunk=5) == len(rows)
        assert stage.path("columns.csv").read_bytes() == stage.path("rows.csv").read_bytes()
    finally:
        stage.discard()


def test_write_columns_needs_one_column_per_header_field(tmp_path: Path) -> None:
    stage = Stage(tmp_path / "out", "Brand", scratch=True)
    try:
        with pytest.raises(ValueError):
            write_columns(stage, "x.csv", ["a", "b"], [["1"]])
    finally:
        stage.discard()
