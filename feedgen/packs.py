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
    directory.mkdir(parents=True, exist_ok=True)
    digest, count = hashlib.sha256(), 0
    fd, temporary = tempfile.mkstemp(prefix=".pack-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(b'"')
            batch: list[str] = []
            for sku in heapq.merge(*(_blocks(run) for run in runs)):
                batch.append(sku)
                if len(batch) == _BATCH:
                    _write_batch(out, digest, batch, count)
                    count += len(batch)
                    batch = []
            _write_batch(out, digest, batch, count)
            count += len(batch)
            out.write(b'"')
            size = out.tell()
        path = directory / f"{digest.hexdigest()}{SUFFIX}"
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return SkuPack(digest.hexdigest(), count, path, 0, size)


def _write_batch(out: BinaryIO, digest, batch: list[str], before: int) -> None:
    if not batch:
        return
    text = (SKU_SEPARATOR if before else "") + SKU_SEPARATOR.join(batch)
    digest.update(text.encode("utf-8"))
    out.write(json.dumps(text, ensure_ascii=False)[1:-1].encode("utf-8"))  # escaping is per character


def _blocks(run: str) -> Iterator[str]:
    """The SKUs of one sorted pack_skus string, split a block of characters at a time."""
    start, end = 0, len(run)
    while start < end:
        stop = run.find(SKU_SEPARATOR, start + _BLOCK)
        stop = end if stop < 0 else stop
        yield from run[start:stop].split(SKU_SEPARATOR)
        start = stop + 1
