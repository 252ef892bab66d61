"""Sorted SKU lists kept in files and known in memory by a digest: what a market hands back to the building
process about its SKUs, without that process holding them (issue #19: its memory must not grow with the
catalogue).

Meta's `finish` compares each market's accepted SKUs with the main feed's (`meta.override.not_in_main`),
including markets an earlier build made (feedgen.pipeline.incremental). At a million SKUs that is about 15 MB
of text a market. So a worker writes the sorted SKUs to a file in the stage's scratch folder and hands back a
`SkuPack`: the sha256 of the text, the count and where the bytes are. Equal packs are equal digests (the usual
case: a market accepts what the main feed has), so only a market that differs is read back, and then it is
walked against main's as two sorted sequences (`columns.missing_from`).

One layout everywhere: a pack is a JSON string of the SKUs joined by `SKU_SEPARATOR`. It is the whole file a
worker writes and an element of the incremental-state file's `skus` list (a line of its own there), so the
building process copies packs from either into the next state file without decoding them.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from feedgen.columns import SKU_SEPARATOR, iter_skus

SUFFIX = ".skus"
_BATCH = 1 << 15  # SKUs encoded and written at a time
_BLOCK = 1 << 16  # characters of a sorted run split at a time while merging


class PackError(ValueError):
    """A pack's bytes no longer match its digest (a state file edited or cut short)."""


@dataclass(frozen=True)
class SkuPack:
    """Sorted SKUs on disk: bytes `offset` .. `offset + size` of `path` are the pack (a JSON string)."""

    digest: str  # sha256 of the SKUs joined by SKU_SEPARATOR, as UTF-8
    count: int
    path: Path
    offset: int
    size: int  # bytes of the JSON string

    def __eq__(self, other: object) -> bool:  # the same SKUs, wherever they are kept
        return isinstance(other, SkuPack) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def text(self) -> str:
        """The SKUs joined by SKU_SEPARATOR, checked against the digest."""
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            line = handle.read(self.size)
        try:
            text = json.loads(line)
        except ValueError:
            text = None
        if not isinstance(text, str) or hashlib.sha256(text.encode("utf-8")).hexdigest() != self.digest:
            raise PackError(f"{self.path}: the SKU list at byte {self.offset} does not match its digest")
        return text

    def skus(self) -> Iterator[str]:
        """The SKUs in order (one string read, no list of them all)."""
        return iter_skus(self.text())

    def copy_to(self, out: BinaryIO) -> None:
        """The pack's bytes into `out`, as they are."""
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            left = self.size
            while left:
                block = handle.read(min(left, 1 << 20))
                if not block:
                    raise PackError(f"{self.path}: cut short at byte {self.offset + self.size - left}")
                out.write(block)
                left -= len(block)

    def reference(self) -> dict:
        """How a state file names the pack where a state holds it (its bytes are in the file's `skus`)."""
        return {"sku_pack": self.digest, "skus": self.count}


def write_pack(directory: Path, runs: Iterable[str]) -> SkuPack:
    """Merge sorted runs (pack_skus strings, e.g. one a slice) into one pack file in `directory`, named by its
    digest (two markets with the same SKUs share it). The runs are split a block at a time as the merge reaches
    them, so at most a block of each is held as separate strings: no list of a million SKUs."""
    merged = heapq.merge(*(_blocks(run) for run in runs))
    return _write_texts(directory, (SKU_SEPARATOR.join(batch) for batch in _batched(merged)))


class PackRuns:
    """A market's sorted runs of SKUs (pack_skus strings, one a slice), put on disk as they come and made into
    one pack by `write` once the market is done: a worker then holds none of the market's SKUs between slices.
    Slices come in SKU order (feedgen.pipeline.slices), so each run usually follows the one before, and the pack
    is their text in order, with no merge; runs that overlap are merged as write_pack merges them."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".runs-", dir=directory)
        os.close(fd)
        self.directory, self.path = directory, Path(name)
        self.ends = [0]  # where each run's UTF-8 bytes end in the file
        self.ordered = True
        self._last: str | None = None  # the highest SKU so far

    def add(self, run: str) -> None:
        if not run:
            return
        cut = run.find(SKU_SEPARATOR)
        first, last = (run, run) if cut < 0 else (run[:cut], run[run.rfind(SKU_SEPARATOR) + 1:])
        self.ordered = self.ordered and (self._last is None or self._last < first)
        self._last = last
        data = run.encode("utf-8")
        with self.path.open("ab") as handle:
            handle.write(data)
        self.ends.append(self.ends[-1] + len(data))

    def _runs(self) -> Iterator[str]:
        with self.path.open("rb") as handle:
            for start, end in zip(self.ends, self.ends[1:], strict=False):
                yield handle.read(end - start).decode("utf-8")

    def write(self) -> SkuPack:
        """The pack of every run added; the runs' file is removed."""
        try:
            if self.ordered:
                return _write_texts(self.directory, self._runs())
            return write_pack(self.directory, list(self._runs()))
        finally:
            self.path.unlink(missing_ok=True)


def _batched(skus: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for sku in skus:
        batch.append(sku)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_texts(directory: Path, texts: Iterable[str]) -> SkuPack:
    """A pack file of SKUs given as texts of SKUs joined by SKU_SEPARATOR, in order (a text holds one or more)."""
    directory.mkdir(parents=True, exist_ok=True)
    digest, count = hashlib.sha256(), 0
    fd, temporary = tempfile.mkstemp(prefix=".pack-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(b'"')
            for text in texts:
                if not text:
                    continue
                piece = SKU_SEPARATOR + text if count else text
                digest.update(piece.encode("utf-8"))
                out.write(json.dumps(piece, ensure_ascii=False)[1:-1].encode("utf-8"))  # escaping is per character
                count += text.count(SKU_SEPARATOR) + 1
            out.write(b'"')
            size = out.tell()
        path = directory / f"{digest.hexdigest()}{SUFFIX}"
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return SkuPack(digest.hexdigest(), count, path, 0, size)


def _blocks(run: str) -> Iterator[str]:
    """The SKUs of one sorted pack_skus string, split a block of characters at a time."""
    start, end = 0, len(run)
    while start < end:
        stop = run.find(SKU_SEPARATOR, start + _BLOCK)
        stop = end if stop < 0 else stop
        yield from run[start:stop].split(SKU_SEPARATOR)
        start = stop + 1
