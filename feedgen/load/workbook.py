"""Reading an .xlsx catalogue without trusting it: an unusable workbook is one InputError, never a
crash, a hang or an exhausted memory.

An .xlsx is a zip of XML parts, and what a reader spends is decided by the unpacked parts, not by
the file's size: a 300 KB file can unpack to gigabytes (a zip bomb), a few hundred bytes of XML can
declare a cell at row 1,048,576 column XFD that pandas pads every row out to, and a shared-strings
table of millions of tiny strings becomes millions of Python objects. So before openpyxl reads
anything, the zip's directory and then every XML part (streamed by lxml, a few seconds at the bound)
are checked against the bounds below, chosen so that any catalogue a person keeps in a spreadsheet
fits (the 20,000-SKU benchmark catalogue written by pandas unpacks to 47 MB and 540,000 cells, so
about 100,000 SKUs do) while memory stays well under a gigabyte at worst. Bigger catalogues belong in CSV, which is also
read about fifty times faster. README "Exit codes and errors" lists them.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

import pandas as pd
from lxml import etree

from feedgen.errors import InputError

MAX_UNPACKED = 256 << 20  # bytes, all parts together, as the zip's directory declares them
MAX_PARTS = 10_000
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # Excel's own limits: row 1,048,576, column XFD
MAX_CELLS = 10_000_000  # the rows × columns a sheet spans (pandas pads every row to the widest)
MAX_STRINGS = 2_000_000  # shared strings, each a Python string for the whole read: several per SKU at 200,000 SKUs
OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")  # an encrypted .xlsx or an old .xls (compound file)
_SPREADSHEET_ML = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_ROW, _CELL, _STRING, _SHEET = ({f"{{{ns}}}{name}" for ns in _SPREADSHEET_ML} for name in ("row", "c", "si", "sheet"))
_VALUE = {f"{{{ns}}}{name}" for ns in _SPREADSHEET_ML for name in ("v", "is", "f")}
_REFERENCE = re.compile(r"([A-Za-z]{1,3})(\d+)$")
_SAVE_AS_CSV = "save the sheet as CSV (UTF-8)"


def _size(count: int) -> str:
    return f"{count / (1 << 20):,.0f} MiB" if count >= 1 << 20 else f"{count:,} bytes"


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _check_directory(path: Path, archive: zipfile.ZipFile) -> None:
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise InputError(path, f"cannot read .xlsx: the zip holds {len(parts):,} parts (more than {MAX_PARTS:,})")
    if any(part.flag_bits & 0x1 for part in parts):
        raise InputError(path, "cannot read .xlsx: the workbook is encrypted (password-protected); save it without a password")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED:
        largest = max(parts, key=lambda part: part.file_size)
        raise InputError(path, f"cannot read .xlsx: it unpacks to {_size(unpacked)} ({largest.filename}: {_size(largest.file_size)} from "
                               f"{_size(largest.compress_size)}), more than the {_size(MAX_UNPACKED)} a workbook may; "
                               f"a zip bomb, or a catalogue too big for a spreadsheet: {_SAVE_AS_CSV}")
    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise InputError(path, "cannot read .xlsx: a zip file without a workbook in it")


class _Part:
    """What one XML part spans, counted as lxml parses it (a parser target builds no tree, so memory
    stays flat whatever the part holds)."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self.elements = self.strings = self.sheets = 0  # sheets: <sheet> entries of the workbook part
        self.row = self.column = self.cells_in_row = 0
        self.last_row = self.widest = 0  # of cells with a value

    def fail(self, what: str) -> InputError:
        return InputError(self.path, f"cannot read .xlsx: {self.name}: {what}; {_SAVE_AS_CSV}")

    def start(self, tag: str, attrib) -> None:
        self.elements += 1
        if tag in _CELL:
            self.cells_in_row += 1
            if self.cells_in_row > MAX_COLUMNS:
                raise self.fail(f"row {self.row:,} has more than {MAX_COLUMNS:,} cells")
            match = _REFERENCE.match(attrib.get("r") or "")
            self.column = _column(match[1]) if match else self.column + 1
            if self.column > MAX_COLUMNS:
                raise self.fail(f"row {self.row:,} has a cell beyond Excel's last column (XFD)")
        elif tag in _VALUE:
            self.last_row, self.widest = max(self.last_row, self.row), max(self.widest, self.column)
            if self.last_row * self.widest > MAX_CELLS:
                raise self.fail(f"its cells span {self.last_row:,} rows × {self.widest:,} columns, more than the "
                                f"{MAX_CELLS:,} cells a workbook may hold here")
        elif tag in _ROW:
            reference = attrib.get("r")
            self.row = int(reference) if reference and reference.isdigit() else self.row + 1
            if self.row > MAX_ROWS:
                raise self.fail(f"row {self.row:,} is beyond Excel's last row ({MAX_ROWS:,})")
            self.column = self.cells_in_row = 0
        elif tag in _STRING:
            self.strings += 1
            if self.strings > MAX_STRINGS:
                raise self.fail(f"more than {MAX_STRINGS:,} shared strings")
        elif tag in _SHEET:
            self.sheets += 1

    def close(self) -> None:
        return None


def _scan_part(path: Path, archive: zipfile.ZipFile, name: str) -> int:
    """Check one part; returns how many sheets it lists (the workbook part lists them all)."""
    part = _Part(path, name)
    parser = etree.XMLParser(target=part, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        with archive.open(name) as handle:
            while chunk := handle.read(1 << 20):
                parser.feed(chunk)
        parser.close()
    except etree.XMLSyntaxError as exc:
        if part.elements:  # an XML part that breaks off; binary parts (images) fail before their first element
            raise InputError(path, f"cannot read .xlsx: {name} is damaged: {exc.msg}") from None
    return part.sheets


def check_workbook(path: Path) -> None:
    """Refuse (InputError) a file openpyxl should not be handed: not a zip, encrypted, a zip bomb,
    or a sheet spanning more than the bounds above. Reads the file once, streaming."""
    with path.open("rb") as handle:
        head = handle.read(len(OLE_SIGNATURE))
    if head == OLE_SIGNATURE:
        raise InputError(path, "cannot read .xlsx: an encrypted (password-protected) workbook or an old .xls file; "
                               "save it as an .xlsx workbook without a password")
    try:
        with zipfile.ZipFile(path) as archive:
            _check_directory(path, archive)
            sheets = sum(_scan_part(path, archive, part.filename) for part in archive.infolist() if not part.is_dir())
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        reason = "not a zip file" if "not a zip file" in str(exc) else str(exc)
        raise InputError(path, f"cannot read .xlsx: {reason} (an .xlsx workbook is a zip file): a damaged or "
                               "mislabelled file") from None
    except (NotImplementedError, EOFError, zlib.error, RuntimeError) as exc:
        raise InputError(path, f"cannot read .xlsx: a damaged or unsupported workbook ({type(exc).__name__}: {exc})") from None
    if not sheets:
        raise InputError(path, "cannot read .xlsx: the workbook has no worksheets")


def read_workbook(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """The sheet (default: the first) as a frame of strings, once check_workbook has passed it."""
    check_workbook(path)
    try:
        return pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False, na_filter=False,
                             engine="openpyxl")
    except (IndexError, KeyError, ValueError, TypeError, AttributeError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        # openpyxl raises whichever of these a malformed part makes it raise
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(path, f"cannot read .xlsx: {message}") from None
