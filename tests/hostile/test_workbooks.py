"""feedgen.load.workbook's bounds: exact at the edge, never in the way of a real workbook, and a refused
workbook costs a process no memory to speak of (the corpus runs each unusable workbook through
`feedgen build`; this file checks the bounds themselves).
"""

from __future__ import annotations

import io
import os
import subprocess
import shutil
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from feedgen.load import workbook
from feedgen.errors import InputError
from feedgen.load.workbook import check_workbook, read_workbook

from ..conftest import REPO, SAMPLE_DATA
from . import workbooks


def _grid(rows: int, columns: int) -> bytes:
    frame = pd.DataFrame([[f"r{r}c{c}" for c in range(columns)] for r in range(rows)],
                         columns=[f"h{c}" for c in range(columns)])
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def test_the_cell_bound_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "MAX_CELLS", 60)
    path = tmp_path / "c.xlsx"
    path.write_bytes(_grid(9, 6))  # a header and 9 rows of 6 columns: 60 cells
    assert read_workbook(path).shape == (9, 6)
    path.write_bytes(_grid(10, 6))  # 66 cells
    with pytest.raises(InputError, match="its cells span 11 rows × 6 columns, more than the 60 cells"):
        read_workbook(path)


def test_the_shared_string_and_size_bounds_are_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.xlsx"
    path.write_bytes(workbooks.string_flood())
    monkeypatch.setattr(workbook, "MAX_STRINGS", 2_100_000)
    check_workbook(path)
    monkeypatch.setattr(workbook, "MAX_STRINGS", 2_099_999)
    with pytest.raises(InputError, match="more than 2,099,999 shared strings"):
        check_workbook(path)
    monkeypatch.setattr(workbook, "MAX_STRINGS", 2_100_000)
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    monkeypatch.setattr(workbook, "MAX_UNPACKED", unpacked)
    check_workbook(path)
    monkeypatch.setattr(workbook, "MAX_UNPACKED", unpacked - 1)
    with pytest.raises(InputError, match="a zip bomb, or a catalogue too big for a spreadsheet"):
        check_workbook(path)


def test_empty_styled_cells_far_right_do_not_count(tmp_path: Path) -> None:
    # Excel writes <c r="XFD2" s="1"/> for a formatted empty cell: pandas trims it, so the bound does too
    sheet = workbooks._sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>sku</t></is></c></row>'
                             '<row r="2"><c r="A2" t="inlineStr"><is><t>X-1</t></is></c><c r="XFD2" s="0"/></row>'
                             '<row r="1048576"><c r="B1048576" s="0"/></row>')
    path = tmp_path / "c.xlsx"
    path.write_bytes(workbooks._rebuilt({workbooks.SHEET: sheet}))
    assert read_workbook(path)["sku"].tolist() == ["X-1"]


def test_a_real_workbook_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    path.write_bytes(workbooks.good())
    frame = read_workbook(path)
    expected = pd.read_excel(io.BytesIO(workbooks.good()), dtype=str, keep_default_na=False, na_filter=False)
    pd.testing.assert_frame_equal(frame, expected)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("make", [workbooks.zip_bomb, workbooks.sparse_grid, workbooks.row_beyond_the_grid,
                                  workbooks.string_flood], ids=lambda make: make.__name__)
def test_a_refused_workbook_costs_a_real_process_little_memory(make, tmp_path: Path) -> None:
    """Peak resident memory of a fresh `feedgen validate` on the workbook, measured by a parent that
    has no other children. Unguarded, pandas padded sparse_grid's rows to 17 billion cells."""
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(make())
    data = tmp_path / "product_data"
    shutil.copytree(SAMPLE_DATA, data)
    script = ("import resource, subprocess, sys\n"
              "done = subprocess.run([sys.executable, '-m', 'feedgen.cli', 'validate', '--data', sys.argv[1], "
              "'--catalogue', sys.argv[2]], capture_output=True, text=True, timeout=100)\n"
              "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
              "print(done.stderr, file=sys.stderr)\n")
    process = subprocess.run([sys.executable, "-c", script, str(data), str(path)], capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=110)
    code, peak_kib = map(int, process.stdout.split())
    assert code == 2, process.stderr
    assert process.stderr.startswith(f"error: {path}: cannot read .xlsx: "), process.stderr
    assert peak_kib < 400 * 1024, f"peak {peak_kib // 1024} MiB"  # an idle feedgen process is about 120 MiB
