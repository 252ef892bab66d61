"""The project's CSV files (catalogue, prices.csv, fx_rates.csv, size_chart.csv), read one way:
UTF-8 with or without a BOM, comma-, semicolon- or tab-separated (Excel's Nordic export), and an
unusable file is one InputError naming file, row and column.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Generator, Iterable, Iterator

import pandas as pd

from feedgen.errors import InputError
from feedgen.text import has_unsafe_characters


def normalise_header(columns: Iterable[object]) -> list[str]:
    """Column names as the readers look them up: trimmed, lower-case, without a stray BOM."""
    return [str(c).strip().lower().lstrip("\ufeff") for c in columns]


def _decode(path: Path, raw: bytes) -> str:
    # UTF-16 (Excel's "Unicode text") decodes as garbage or as text with a NUL after every ASCII
    # character; name it instead of reporting a byte offset deep in the file.
    first_line = raw[: raw.find(b"\n") if b"\n" in raw else 4096]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in first_line:
        raise InputError(path, "contains NUL bytes in its header: UTF-16 or binary, not a UTF-8 CSV; save the file as UTF-8",
                         row=1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            path, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the file as UTF-8", row=row
        ) from None


def _check_text(path: Path, chunk: int = 1 << 20) -> tuple[bytes, bool]:
    """What `_decode` checks, read from the file a megabyte at a time, so a big catalogue is never held
    whole: not as bytes, nor as one Python string (4 bytes per character once a single non-Latin-1
    character is in it). Returns the first line (for the delimiter) and whether a NUL is in the file."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    blank, nul, first = True, False, b""
    with path.open("rb") as handle:
        while True:
            data = handle.read(chunk)
            if not first:
                first = data[: data.find(b"\n") + 1 or len(data)]
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError:
                _decode(path, path.read_bytes())  # raises, naming the offset and row in the whole file
                raise
            nul = nul or b"\x00" in data
            blank = blank and not text.strip()
            if not data:
                break
    # A NUL is one bad cell (a sloppy export), not a bad file: it is removed like any other control
    # character, with a diagnostic for its row (see load_catalogue).
    if blank:
        raise InputError(path, "the file is empty")
    return first, nul


def read_csv(path: Path) -> pd.DataFrame:
    """A UTF-8 CSV (BOM or not) separated by commas, semicolons or tabs, every cell a string."""
    first, nul = _check_text(path)
    with _parsed(path, first, nul) as arguments:
        return pd.read_csv(**arguments)


def read_csv_chunks(path: Path, rows: int) -> Generator[pd.DataFrame, None, None] | None:
    """read_csv's frame, `rows` rows at a time, so a big catalogue is never held whole (a header-only file is
    one chunk without rows); None for a file with NUL bytes, which only read_csv's whole-text path reads."""
    first, nul = _check_text(path)
    if nul:
        return None

    def chunks() -> Generator[pd.DataFrame, None, None]:
        with _parsed(path, first, nul) as arguments, pd.read_csv(**arguments, chunksize=rows) as reader:
            yield from reader  # the parser counts lines over the whole file: its errors name the file's line
    return chunks()


@contextmanager
def _parsed(path: Path, first: bytes, nul: bool) -> Iterator[dict]:
    """pd.read_csv's arguments for the file whose first line is `first`, open while the caller parses; a
    malformed file is one InputError naming its line."""
    bom = len(codecs.BOM_UTF8) if first.startswith(codecs.BOM_UTF8) else 0
    header = first[bom:].decode("utf-8", errors="replace").splitlines()[0]  # every other line break comes earlier
    delimiter = ";" if header.count(";") > header.count(",") else ("\t" if header.count("\t") > header.count(",") else ",")
    try:
        with path.open("rb") as handle:
            handle.seek(bom)
            # The C parser streams the file's bytes: no copy of the whole file; NULs (rare) need the text path.
            source = io.StringIO(handle.read().decode("utf-8")) if nul else handle
            yield {"filepath_or_buffer": source, "sep": delimiter, "dtype": str, "keep_default_na": False,
                   "na_filter": False, "encoding": "utf-8", "skipinitialspace": False,
                   "engine": "python" if delimiter != "," else "c"}
    except (pd.errors.ParserError, csv.Error) as exc:
        match = re.search(r"line (\d+)", str(exc))
        row = int(match[1]) if match else None
        raise InputError(path, f"malformed CSV: {str(exc).splitlines()[0]}", row=row) from None


def read_table(path: str | Path, required: set[str], what: str) -> pd.DataFrame:
    """A small CSV input (prices.csv, fx_rates.csv, size_chart.csv) read the way the catalogue is:
    UTF-8 with or without a BOM, comma, semicolon or tab separated (Excel's Nordic export), errors
    with row numbers. Column names are lower-cased, cells stripped; `source_row` is each row's line."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, f"is a directory, expected {what}")
    try:
        frame = read_csv(path)
    except OSError as exc:  # permissions, I/O errors: one line, not a traceback
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    frame.columns = normalise_header(frame.columns)
    missing = sorted(required - set(frame.columns))
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", row=1, column=missing[0])
    frame = frame.apply(lambda column: column.str.strip()) if len(frame.columns) else frame
    frame.insert(0, "source_row", range(2, len(frame) + 2))
    for column in frame.columns[1:]:  # these values end up in feeds and pages, which cannot carry them
        unsafe = frame[column].map(has_unsafe_characters)
        if unsafe.any():
            raise InputError(path, "contains a control character that XML and feeds cannot carry",
                             row=int(frame.loc[unsafe, "source_row"].iloc[0]), column=column)
    return frame
