"""Slices of the catalogue: whole styles, in the order the feeds list them, so a market is built a slice at a time.

A market's feeds list its items in SKU order (Amazon: by style, then SKU). A slice is a run of catalogue
rows in SKU order that is cut only where every style before the cut sorts before every style after it,
so a style's variants stay together and each slice's items, written one slice after the other, are
exactly the file a whole-market build writes. Only two narrow columns (sku, style_id) are read, once
per build; each worker then resolves and renders one slice of rows at a time, so its memory is set by
the slice size, not by the catalogue (issue #19).

A catalogue whose styles interleave in SKU order (style B's SKUs between two of style A's) has fewer
places to cut: its slices grow until the styles close, up to the whole catalogue, but the bytes stay
the same.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

SLICE_SKUS = 25_000  # catalogue rows per slice (about): a worker's memory follows this, not the catalogue


def catalogue_slices(skus: pd.Series, styles: pd.Series, size: int | None = SLICE_SKUS) -> list[np.ndarray]:
    """Row positions of each slice, in SKU order; `size` rows a slice where a cut is allowed, None: one slice."""
    count = len(skus)
    keys = pd.DataFrame({"sku": _text(skus), "style": _text(styles)})
    order = keys["sku"].to_numpy(dtype=object).argsort(kind="stable")  # resolve's sort_values("sku", kind="stable")
    if size is None or count <= size:
        return [order] if count else []
    ranks = pd.factorize(keys["style"].to_numpy(dtype=object)[order], sort=True)[0]
    before = np.maximum.accumulate(ranks)  # the highest style up to each row
    after = np.minimum.accumulate(ranks[::-1])[::-1]  # the lowest style from each row on
    cuts = np.flatnonzero(before[:-1] < after[1:]) + 1  # a cut before row i: every style so far < every style after
    slices, start = [], 0
    for cut in cuts:
        if cut - start >= size:
            slices.append(order[start:cut])
            start = int(cut)
    slices.append(order[start:])
    return slices


def _text(values: pd.Series) -> pd.Series:
    """The column as Python strings (a missing value sorts as '')."""
    return values.astype(object).where(values.notna(), "").map(str)


class SpilledCatalogue:
    """The catalogue's rows written to disk a slice at a time, so the building process need not hold them:
    forked workers read one slice at a time instead of inheriting the whole catalogue (whose Python strings
    each worker would copy page by page as it touches them). The files are this build's own, in a private
    directory beside the stage, named so that a killed build's leftovers are removed by the next one
    (feedgen.publish.stage.recover)."""

    def __init__(self, directory: Path, slices: list[np.ndarray]) -> None:
        self.directory, self.slices = directory, slices  # each slice's catalogue rows, in SKU order

    @classmethod
    def create(cls, parent: Path, prefix: str) -> SpilledCatalogue:
        """An empty directory for a catalogue read in chunks (feedgen.load.catalogue.stream_catalogue)."""
        parent.mkdir(parents=True, exist_ok=True)
        return cls(Path(tempfile.mkdtemp(prefix=prefix, dir=parent)), [])

    @classmethod
    def write(cls, items: pd.DataFrame, slices: list[np.ndarray], parent: Path, prefix: str) -> SpilledCatalogue:
        spilled = cls.create(parent, prefix)
        spilled.fill((items,), slices)
        return spilled

    def fill(self, chunks: Iterable[pd.DataFrame], slices: list[np.ndarray]) -> None:
        """Hand each chunk's rows (index: their position in the catalogue) to the files of their slices, one chunk
        at a time: a slice's file holds a piece per chunk that has some of its rows, put in order by `read`."""
        owner = np.empty(sum(len(rows) for rows in slices), dtype=np.int32)
        for number, rows in enumerate(slices):
            owner[rows] = number
        try:
            for chunk in chunks:
                owners = owner[chunk.index.to_numpy()]
                for number in np.unique(owners):
                    with self._path(int(number)).open("ab") as handle:
                        rows = np.flatnonzero(owners == number)
                        pickle.dump(chunk.iloc[rows], handle, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            self.remove()
            raise
        self.slices = slices

    def read(self, number: int, rows: np.ndarray) -> pd.DataFrame:
        """Slice `number`: the catalogue rows at positions `rows`, in that order."""
        pieces = []
        with self._path(number).open("rb") as handle:
            while handle.peek(1):
                pieces.append(pickle.load(handle))  # noqa: S301 - written by this build into its private directory
        frame = pieces[0] if len(pieces) == 1 else pd.concat(pieces)
        return frame.loc[rows]

    def _path(self, number: int) -> Path:
        return self.directory / f"{number:05d}.pickle"

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
