"""Unusable .xlsx workbooks, made in code (nothing this big or binary is committed).

Each starts from a real workbook of cases/base.csv written by pandas/openpyxl and breaks one thing:
the container (not a zip, an OLE compound file as Excel writes for a password-protected workbook,
an encrypted zip entry), the structure (no sheets, a truncated part) or the size (a zip bomb, a
sparse sheet that spans Excel's whole grid, a cell beyond the last row, a row of more cells than
Excel's columns, a shared-strings table of millions of strings).
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

CASES = Path(__file__).resolve().parent / "cases"
SHEET = "xl/worksheets/sheet1.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@lru_cache(maxsize=1)
def good() -> bytes:
    """cases/base.csv as an .xlsx workbook."""
    buffer = io.BytesIO()
    pd.read_csv(CASES / "base.csv", dtype=str, keep_default_na=False).to_excel(buffer, index=False)
    return buffer.getvalue()


def _rebuilt(replace: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> bytes:
    """good() with parts replaced (None drops one) or added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good())) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = replace.get(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(info.filename, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def _sheet(rows: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>'.encode()


def not_a_zip() -> bytes:
    return (CASES / "base.csv").read_bytes()


def zip_header_garbage() -> bytes:
    return b"PK\x03\x04" + bytes(range(256)) * 8


def encrypted_ole() -> bytes:
    """What Excel saves for a password-protected workbook: an OLE compound file (EncryptedPackage)."""
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504 + b"EncryptedPackage" + b"\x00" * 1536


def encrypted_entry() -> bytes:
    """A zip whose sheet entry is flagged encrypted (general purpose bit 0)."""
    data = bytearray(good())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 0x01
            at = data.find(signature, at + 4)
    return bytes(data)


def no_sheets() -> bytes:
    with zipfile.ZipFile(io.BytesIO(good())) as source:
        workbook = source.read("xl/workbook.xml").decode()
    start, end = workbook.index("<sheets>"), workbook.index("</sheets>") + len("</sheets>")
    return _rebuilt({"xl/workbook.xml": (workbook[:start] + "<sheets/>" + workbook[end:]).encode()})


def truncated_sheet() -> bytes:
    with zipfile.ZipFile(io.BytesIO(good())) as source:
        sheet = source.read(SHEET)
    return _rebuilt({SHEET: sheet[: len(sheet) // 2]})


def zip_bomb(megabytes: int = 300) -> bytes:
    """A sheet that unpacks to `megabytes` MB of rows from a file of about a thousandth of that."""
    buffer = io.BytesIO()
    row = b"<row><c><v>0</v></c></row>" * 4096
    with zipfile.ZipFile(io.BytesIO(good())) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info.filename))
        with target.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{NS}"><sheetData>'.encode())
            for _ in range(megabytes * (1 << 20) // len(row)):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def sparse_grid() -> bytes:
    """Two cells: A1 and XFD1048576. pandas would pad every row to 16,384 cells: 17 billion of them."""
    return _rebuilt({SHEET: _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>sku</t></is></c></row>'
                                   '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')})


def row_beyond_the_grid() -> bytes:
    """A row number no spreadsheet has: openpyxl would yield every empty row before it."""
    return _rebuilt({SHEET: _sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="99999999999"><c><v>2</v></c></row>')})


def overfull_row() -> bytes:
    """One row of 20,000 cells with no references: more than Excel has columns."""
    return _rebuilt({SHEET: _sheet("<row>" + "<c><v>1</v></c>" * 20_000 + "</row>")})


def string_flood() -> bytes:
    """2.1 million one-letter shared strings (about 40 MB unpacked, under the size bound)."""
    strings = b"<si><t>x</t></si>" * 2_100_000
    table = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="2100000" uniqueCount="2100000">'.encode()
             + strings + b"</sst>")
    return _rebuilt({}, add={"xl/sharedStrings.xml": table})
