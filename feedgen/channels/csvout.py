"""CSV output every channel shares: RFC 4180 via the csv module, UTF-8, formula cells neutralised.

CSV injection (OWASP "CSV Injection"): a spreadsheet that opens a feed runs any cell that starts
with `=`, `+`, `-` or `@` (and, in some programs, a tab or carriage return) as a formula. Product
text is untrusted, so such a cell is written with one leading apostrophe, which spreadsheets treat
as "this is text" and do not display.

What we deliberately leave alone, so legitimate values are not corrupted:
- plain numbers such as `-5` or `+1.5`: a spreadsheet reads them as numbers, never as formulas;
- a trigger character anywhere but first (`Trail-runner`, `9.99 EUR`, `a@b.no`).
Everything else that starts with a trigger gets the apostrophe, including honest text such as
`-20 °C rated` or `@home slipper`: the platforms show that cell with a leading `'`, which is the
price of never handing a formula to whoever opens the file. Feeds rarely have such cells; the
channels that write CSV report them (`<channel>.<field>.formula_like`) so they can be reworded.

The mapping is reversible: a value that already starts with apostrophes followed by a trigger gets
one more, so `restore(neutralise(x)) == x` for every string.
"""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Iterator, Sequence

from feedgen.channels.parts import PartLimit, SplitFile, WrittenPart
from feedgen.files import OutputStage
from feedgen.text import TRIGGERS, needs_neutralising  # noqa: F401 (TRIGGERS: re-exported for tests)

_LEADS = (*TRIGGERS, "'")  # first characters of the cells neutralise may change
_SPECIAL = (",", '"', "\r", "\n")  # characters that make the csv module quote a cell (excel dialect, CRLF)
_JOIN = "\x00"  # cannot occur in a cell: catalogue text is cleaned of NUL (feedgen.text)


def neutralise(value: str) -> str:
    return "'" + value if needs_neutralising(value) else value


def restore(value: str) -> str:
    """The inverse of neutralise, for readers of our own files (and the tests)."""
    return value[1:] if value.startswith("'") and needs_neutralising(value[1:]) else value


def read_rows(path: Path, id_column: str) -> dict[str, dict[str, str]]:
    """A feed we wrote, back as {id: {column: text}}: cells restored, empty cells left out (the
    `read_items` of the CSV channels, for `feedgen diff`, the report and the manifest counts)."""
    items: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            fields = {column: restore(value) for column, value in row.items() if column and value}
            items[fields.get(id_column, "")] = fields
    return items


def cell(value: object) -> str:
    """One value as CSV text: None and NaN are empty, Decimals keep their digits."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class CsvFile:
    """Rows go straight to the staged file; short rows are padded so every record has every field."""

    def __init__(self, handle: io.TextIOBase, header: Iterable[str]) -> None:
        self.header = list(header)
        self._writer = _writer(handle.write)
        self._writer.writerow(self.header)
        self.rows = 0

    def write(self, values: Iterable[object]) -> None:
        texts = [neutralise(cell(value)) for value in values]
        if len(texts) > len(self.header):
            raise ValueError(f"row has {len(texts)} cells for {len(self.header)} columns")
        self._writer.writerow(texts + [""] * (len(self.header) - len(texts)))
        self.rows += 1


def _writer(write: Callable[[str], object]) -> Any:
    """The one CSV dialect of every feed: excel, CRLF, minimal quoting (RFC 4180)."""
    return csv.writer(SimpleNamespace(write=write), dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


def _quoted(values: Sequence[str]) -> list[str]:
    """Each cell neutralised and quoted as the csv module writes it (one C call for all
    distinct values); a cell's quoting never depends on its neighbours, only a lone empty
    field is special, and empty cells are written as nothing here.

    Two C-speed scans of the joined values skip the per-value work for the usual column (ids,
    links, prices): no value starting with a formula character or an apostrophe needs
    neutralising, and no value with a comma, quote or line break needs quoting (RFC 4180 §2.6)."""
    distinct = [value for value in dict.fromkeys(values) if value]
    joined = _JOIN + _JOIN.join(distinct)
    texts = [neutralise(value) for value in distinct] if any(_JOIN + lead in joined for lead in _LEADS) else distinct
    if any(special in joined for special in _SPECIAL):
        lines: list[str] = []
        _writer(lines.append).writerows((text,) for text in texts)
        texts = [line[:-2] for line in lines]
    lookup = dict(zip(distinct, texts))
    lookup[""] = ""
    return [lookup[value] for value in values]


def write_columns(stage: OutputStage, relative: str, header: Iterable[str], columns: Sequence[Sequence[str]],
                  chunk: int = 10_000) -> int:
    """A whole CSV file from columns of text (one list per header field, '' for empty), byte for
    byte what CsvFile writes row by row, but each distinct cell value is neutralised and quoted
    once and rows are joined in chunks, so a 100k-row feed costs a few list operations per row.
    Returns the number of rows."""
    return sum(part.items for part in write_feed(stage, relative, header, columns, chunk=chunk))


def write_feed(stage: OutputStage, relative: str, header: Iterable[str], columns: Sequence[Sequence[str]], *,
               groups: Sequence[str] | None = None, counted: Sequence[bool] | None = None,
               limit: PartLimit | None = None, chunk: int = 10_000) -> list[WrittenPart]:
    """write_columns for a feed: the file, or its numbered parts when it is over `limit` (feedgen.channels.parts;
    `groups`: each row's item group, kept in one part; `counted`: which rows are items, default all).
    Every part starts with the header line."""
    with CsvFeed(stage, relative, header, limit, chunk) as feed:
        feed.add(columns, groups=groups, counted=counted)
    return feed.parts()


class CsvFeed:
    """A CSV feed written a batch of rows at a time (a slice of a market, feedgen.pipeline.slices): the
    same bytes as one write_feed of all the rows, since a cell's quoting never depends on other rows."""

    def __init__(self, stage: OutputStage, relative: str, header: Iterable[str], limit: PartLimit | None = None,
                 chunk: int = 10_000) -> None:
        self.header = list(header)
        self.chunk = chunk
        lines: list[str] = []
        _writer(lines.append).writerow(self.header)
        self.file = SplitFile(stage, relative, lines[0].encode("utf-8"), b"", limit)

    def __enter__(self) -> CsvFeed:
        self.file.__enter__()
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.file.__exit__(kind, error, trace)

    def add(self, columns: Sequence[Sequence[str]], *, groups: Sequence[str] | None = None,
            counted: Sequence[bool] | None = None) -> None:
        """Rows holding whole item groups, none of which an earlier `add` had (a slice of a market)."""
        if len(columns) != len(self.header):
            raise ValueError(f"{len(columns)} columns for {len(self.header)} header fields")
        self.file.new_slice()
        count = len(columns[0]) if columns else 0
        cells = [_quoted(column) for column in columns]
        if len(cells) == 1:  # the csv module quotes a record that is one empty field, so it is not a blank line
            cells = [[text or '""' for text in cells[0]]]
        groups = groups if groups is not None else [""] * count
        chunk = self.chunk
        for start in range(0, count, chunk):
            rows = zip(*(column[start:start + chunk] for column in cells))
            lines = [(",".join(row) + "\r\n").encode("utf-8") for row in rows]
            self.file.write_rows(lines, groups[start:start + chunk],
                                 None if counted is None else counted[start:start + chunk])

    def parts(self) -> list[WrittenPart]:
        """After the `with` block (feedgen.channels.parts.SplitFile.parts)."""
        return self.file.parts()


@contextmanager
def open_csv(stage: OutputStage, relative: str, header: Iterable[str]) -> Iterator[CsvFile]:
    """A CSV file in the stage: UTF-8 without BOM, CRLF line ends and quoting as RFC 4180 says."""
    with stage.open(relative) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield CsvFile(text, header)
            text.flush()
        finally:
            text.detach()  # the stage closes (and fsyncs) the underlying file
