"""Feeds that stay within a platform's per-file size limit: one file while it fits, numbered parts when not.

Platforms cap a feed file (Merchant Center: under 4 GB per upload or fetch, GMC 13813117 / 14991445; each
channel's limit and its source are in its facts.py as a `FileLimit`). A market's feed is written as it is
today, streamed into its one file, while the bytes, items and item group of every run of consecutive rows of one
group are noted (16 bytes a run, a style's variants usually being one run, and each distinct group name once,
never the items themselves). If the finished file fits, that
is the end: the output is the same byte for byte as without this module. If not, the file is cut into parts and removed:

- names: `google/de.xml` becomes `google/de-001.xml`, `google/de-002.xml`, … (`part_name`; the numbering
  Amazon's listings feeds have always used), and nothing else changes name;
- whole item groups (a style and its variants) go to a part, in the order the groups first appear in the
  feed; a part takes groups until the next one would take it over the limit; inside a part the items keep
  their order. The same items and limit always give the same parts;
- every part is a complete feed on its own: the envelope (XML declaration, `<rss><channel>…`) or the CSV
  header line, then its items, then the closing tags, so a platform (or `read_items`) reads each alone;
- a group too big for a file on its own cannot be placed without splitting it, which the platforms'
  grouping would not survive: that is an InputError naming the group and the setting.

Cutting copies byte ranges of the written file, so memory stays flat however large the feed; the cost is
writing an over-limit feed twice (the parts exist beside the whole file until it is removed)."""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Sequence

import numpy as np

from feedgen.errors import InputError
from feedgen.files import OutputStage

SETTING = "max_file_bytes"  # the markets.toml key of every splitting channel's [<channel>] table


@dataclass(frozen=True)
class FileLimit:
    """A platform's cap on one feed file: at most `max_bytes` bytes (None: the platform documents none,
    so only a markets.toml setting splits), with where that number comes from."""

    max_bytes: int | None = None
    source: str = ""


@dataclass(frozen=True)
class PartLimit:
    """The limit a build applies to one channel's files, and where to point a person who must change it."""

    max_bytes: int | None
    config: Path  # markets.toml, for the error that names the setting
    key: str  # e.g. "[google] max_file_bytes"


@dataclass(frozen=True)
class WrittenPart:
    path: str  # relative to the output, POSIX
    items: int
    part_of: str | None  # the feed's unsplit name when this is one of its parts, else None


def part_name(relative: str, number: int) -> str:
    """`google/de.xml`, 2 -> `google/de-002.xml`."""
    pure = PurePosixPath(relative)
    return str(pure.with_name(f"{pure.stem}-{number:03d}{pure.suffix}"))


class SplitFile:
    """One feed file in the stage, written row by row and cut into parts on `close` if it is too big.

    `write_rows(rows, groups, counted)`: each row's bytes, its item group and whether it counts as an
    item (Meta's archived override rows do not)."""

    def __init__(self, stage: OutputStage, relative: str, head: bytes, tail: bytes, limit: PartLimit | None) -> None:
        self.stage, self.relative, self.head, self.tail, self.limit = stage, relative, head, tail, limit
        # One entry per run of consecutive rows of one item group, not per row: a market of a million items
        # in 50,000 styles keeps 50,000 runs (0.8 MB) per file, where 9 bytes an item kept 9 MB per file and
        # grew a build worker across each market (issue #19).
        self._groups = array("I")  # the run's item group, as a number
        self._lengths = array("Q")  # its bytes
        self._counted = array("Q")  # the items among its rows
        self._total = 0  # bytes of every row so far
        # The current slice's groups by name; earlier slices' names only as one UTF-8 blob (for the error that
        # names a group too big for a file): a name kept as a str would pin the heap pages of its slice.
        self._group_ids: dict[str, int] = {}
        self._groups_before = 0  # groups of earlier slices
        self._names = bytearray()
        self._name_ends = array("Q")
        self._context = stage.open(relative)
        self._handle: BinaryIO | None = None

    def __enter__(self) -> SplitFile:
        self._handle = self._context.__enter__()
        self._handle.write(self.head)
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            assert self._handle is not None
            self._handle.write(self.tail)
        self._context.__exit__(kind, error, trace)

    def write_rows(self, rows: Sequence[bytes], groups: Sequence[str], counted: Sequence[bool] | None = None) -> None:
        assert self._handle is not None
        if len(groups) != len(rows):
            raise ValueError(f"{len(rows)} rows for {len(groups)} item groups")
        ids = self._group_ids
        for group in dict.fromkeys(groups):  # the distinct groups of these rows, at C speed
            if group not in ids:
                ids[group] = self._groups_before + len(ids)
        if rows:
            self._note(np.fromiter(map(ids.__getitem__, groups), np.uint32, len(rows)),
                       np.fromiter(map(len, rows), np.uint64, len(rows)),
                       None if counted is None else np.frombuffer(bytes(map(bool, counted)), np.uint8))
        self._handle.write(b"".join(rows))

    def _note(self, groups: np.ndarray, lengths: np.ndarray, counted: np.ndarray | None) -> None:
        """Add rows (their group ids, byte lengths, which are items) to the runs, at numpy speed."""
        starts = np.flatnonzero(np.concatenate(([True], groups[1:] != groups[:-1])))
        sizes = np.add.reduceat(lengths, starts)
        items = np.diff(np.append(starts, len(groups))) if counted is None else \
            np.add.reduceat(counted.astype(np.uint64), starts)
        self._total += int(sizes.sum())
        first = 0
        if self._groups and self._groups[-1] == groups[0]:  # the last run goes on (a group cut between batches)
            self._lengths[-1] += int(sizes[0])
            self._counted[-1] += int(items[0])
            first = 1
        self._groups.extend(groups[starts[first:]].tolist())
        self._lengths.extend(sizes[first:].astype(np.uint64).tolist())
        self._counted.extend(items[first:].astype(np.uint64).tolist())

    def new_slice(self) -> None:
        """The rows written so far hold whole item groups that never come again (a slice of a market holds whole
        styles, feedgen.pipeline.slices): forget their names, so what the file keeps per group is a few bytes."""
        for name in self._group_ids:  # in id order: a dict keeps insertion order
            self._names += name.encode("utf-8", "surrogatepass")
            self._name_ends.append(len(self._names))
        self._groups_before += len(self._group_ids)
        self._group_ids = {}

    def _group_name(self, group: int) -> str:
        start = self._name_ends[group - 1] if group else 0
        return self._names[start:self._name_ends[group]].decode("utf-8", "surrogatepass")

    def parts(self) -> list[WrittenPart]:
        """After the `with` block: the file as it stays, or its parts (and the whole file removed)."""
        total = len(self.head) + self._total + len(self.tail)
        if self.limit is None or self.limit.max_bytes is None or total <= self.limit.max_bytes or not self._lengths:
            return [WrittenPart(self.relative, sum(self._counted), None)]
        return self._split(self.limit.max_bytes)

    def _split(self, max_bytes: int) -> list[WrittenPart]:
        assignment = self._assign(max_bytes - len(self.head) - len(self.tail))
        runs = self._runs(assignment)
        written = []
        source = self.stage.path(self.relative)
        with source.open("rb") as whole:
            for number in range(1, max(assignment, default=0) + 2):
                name = part_name(self.relative, number)
                items = 0
                with self.stage.open(name) as handle:
                    handle.write(self.head)
                    for start, end, part, counted in runs:
                        if part == number - 1:
                            _copy(whole, start, end, handle)
                            items += counted
                    handle.write(self.tail)
                written.append(WrittenPart(name, items, self.relative))
        self.stage.remove_file(self.relative)
        return written

    def _assign(self, capacity: int) -> list[int]:
        """The part of each item group: first-appearance order, greedy, a group never divided."""
        self.new_slice()  # the last slice's names too
        sizes = [0] * self._groups_before
        for group, length in zip(self._groups, self._lengths, strict=True):
            sizes[group] += length
        assignment, part, used = [], 0, 0
        for group, size in enumerate(sizes):
            if size > capacity:
                assert self.limit is not None
                raise InputError(self.limit.config, f"{self.limit.key}: item group {self._group_name(group)!r} "
                                 f"alone takes {size + len(self.head) + len(self.tail):,} bytes in {self.relative}, "
                                 f"more than the {self.limit.max_bytes:,} a file may have, and an item group is "
                                 "never divided between files; raise the limit (it may not exceed the platform's)")
            if used and used + size > capacity:
                part, used = part + 1, 0
            assignment.append(part)
            used += size
        return assignment

    def _runs(self, assignment: list[int]) -> list[tuple[int, int, int, int]]:
        """(start, end, part, items counted) byte ranges of the whole file, consecutive runs of one part merged."""
        runs: list[tuple[int, int, int, int]] = []
        offset = len(self.head)
        for group, length, counted in zip(self._groups, self._lengths, self._counted, strict=True):
            part = assignment[group]
            if runs and runs[-1][2] == part and runs[-1][1] == offset:
                start, _, _, count = runs[-1]
                runs[-1] = (start, offset + length, part, count + counted)
            else:
                runs.append((offset, offset + length, part, counted))
            offset += length
        return runs


def _copy(source: BinaryIO, start: int, end: int, target: BinaryIO, block: int = 1 << 20) -> None:
    fd = source.fileno()
    while start < end:
        data = os.pread(fd, min(block, end - start), start)
        if not data:  # pragma: no cover - the file is ours and was just written
            raise OSError(f"unexpected end of {source.name}")
        target.write(data)
        start += len(data)
