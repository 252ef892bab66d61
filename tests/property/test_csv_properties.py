"""CSV quoting and formula neutralising (feedgen.channels.csvout) round-trip for every string.

The reader is Python's csv module in strict mode; that a cell never starts like a formula is
judged by the corpus's own rule (tests/hostile/outputs.py), not by csvout's.
"""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from feedgen.channels.csvout import neutralise, open_csv, restore
from feedgen.publish.stage import Stage

from ..hostile.outputs import FORMULA_START, PLAIN_NUMBER, check_csv
from .profile import PROPERTY, profile

# Cells as the catalogue hands them over: any text without XML-forbidden characters, with extra
# weight on the characters that matter to CSV and spreadsheets.
alphabet = st.one_of(st.characters(exclude_categories=("Cs", "Cc")), st.sampled_from('=+-@\t\r\n",;\'"0123456789. '))
cells = st.text(alphabet, max_size=30)


def _formula_like(cell: str) -> bool:
    return cell.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(cell)


@PROPERTY
@given(cells)
def test_neutralise_is_reversible_and_never_leaves_a_formula(value: str) -> None:
    assert restore(neutralise(value)) == value
    assert not _formula_like(neutralise(value))
    if not _formula_like(value) and not value.startswith("'"):
        assert neutralise(value) == value  # ordinary text is left alone


@profile(100)
@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=5))
def test_a_csv_feed_reads_back_cell_for_cell(tmp_path_factory, rows: list[list[str]]) -> None:
    stage = Stage(tmp_path_factory.getbasetemp() / "unused", "Alfa Sko", scratch=True)
    try:
        with open_csv(stage, "meta/x.csv", ["a", "b", "c"]) as out:
            for row in rows:
                out.write(row)
        data = stage.path("meta/x.csv").read_bytes()
    finally:
        stage.discard()
    text = data.decode("utf-8")
    parsed = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert parsed[0] == ["a", "b", "c"]
    assert [[restore(cell) for cell in row] for row in parsed[1:]] == rows
    assert check_csv("meta/x.csv", data, text) == []  # canonical RFC 4180 (CRLF, minimal quoting), no formula cell
