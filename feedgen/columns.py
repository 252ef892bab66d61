"""Column helpers for 100k-row frames: per-distinct-value work instead of per-row Python.

A shoe catalogue repeats most of its text: every size of a style shares its description,
features and images. Doing the work once per distinct value is what keeps a big build fast.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

import pandas as pd


def map_distinct(values: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """`values.map(function)`, calling `function` once per distinct value. For text columns:
    values that compare equal (1 and 1.0, Decimal 1 and 1.00) share one result."""
    column = values.tolist()
    table = {value: function(value) for value in dict.fromkeys(column)}
    return pd.Series([table[value] for value in column], index=values.index)


def strip_column(values: pd.Series) -> pd.Series:
    """`values.str.strip()` of a text column, skipped when no value starts or ends with white
    space (looking at two characters per distinct value is cheaper than copying the column)."""
    if any(text[:1].isspace() or text[-1:].isspace() for text in dict.fromkeys(values.tolist())):
        return values.str.strip()
    return values


def share_equal(values: pd.Series) -> pd.Series:
    """The column with equal values held as one object: a style's description, features and
    images are then stored once instead of once per size (a third of a shoe catalogue's memory)."""
    column = values.tolist()
    table: dict = {}
    shared = [table.setdefault(value, value) for value in column]
    if len(table) == len(column):
        return values
    return pd.Series(shared, index=values.index, dtype=values.dtype, name=values.name)


SKU_SEPARATOR = "\0"  # never in a SKU: the catalogue removes the characters XML cannot carry


def pack_skus(skus: Iterable[str]) -> str:
    """SKUs as one string: what a market build keeps across its slices (or hands back) is then one object
    per slice, not one per SKU, and cannot pin the heap pages of the slice it came from."""
    return SKU_SEPARATOR.join(skus)


def iter_skus(packed: str) -> Iterator[str]:
    """The SKUs of one pack_skus string, one at a time (no list of them all)."""
    start, end = 0, len(packed)
    while start < end:
        stop = packed.find(SKU_SEPARATOR, start)
        stop = end if stop < 0 else stop
        yield packed[start:stop]
        start = stop + 1


def missing_from(skus: Iterable[str], among: Iterable[str]) -> Iterator[str]:
    """The SKUs of sorted `skus` that sorted `among` lacks, in order: two sorted packs compared as they are
    read, without a set of a million SKUs."""
    others = iter(among)
    current = next(others, None)
    for sku in skus:
        while current is not None and current < sku:
            current = next(others, None)
        if current != sku:
            yield sku


def unpack_skus(packed: Iterable[str]) -> Iterator[str]:
    """The SKUs of pack_skus strings, in order (empty strings hold none)."""
    for text in packed:
        if text:
            yield from text.split(SKU_SEPARATOR)
