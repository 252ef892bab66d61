"""Per-distinct-value column helpers: the same result as the per-row pandas call."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from feedgen.columns import iter_skus, map_distinct, missing_from, pack_skus, strip_column, unpack_skus

TEXTS = st.lists(st.text(st.sampled_from(["a", "b", " ", "\t", "\n", "\u00a0", "\u2003", "é"]), max_size=5), max_size=30)


@given(TEXTS)
def test_strip_column_is_str_strip(values: list[str]) -> None:
    column = pd.Series(values, dtype=str, index=range(10, 10 + len(values)))
    assert strip_column(column).tolist() == column.str.strip().tolist()


@given(TEXTS)
def test_map_distinct_is_map(values: list[str]) -> None:
    column = pd.Series(values, dtype=str, index=range(5, 5 + len(values)))
    calls: list[str] = []

    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    mapped = map_distinct(column, upper)
    assert mapped.tolist() == column.map(str.upper).tolist()
    assert list(mapped.index) == list(column.index)
    assert len(calls) == len(set(values))  # once per distinct value


@given(st.lists(st.text(alphabet="ab-_éZ09", min_size=1, max_size=4), unique=True),
       st.lists(st.text(alphabet="ab-_éZ09", min_size=1, max_size=4), unique=True))
def test_two_sorted_packs_are_compared_as_read_like_a_set_difference(skus, among) -> None:
    """Meta's check that each market's accepted SKUs are in the main feed reads two packs of a million SKUs
    without a set of either (issue #19): the same SKUs, in the same order, as sorted(set - set)."""
    packed, other = pack_skus(sorted(skus)), pack_skus(sorted(among))
    assert list(iter_skus(packed)) == sorted(skus) == list(unpack_skus([packed]))
    assert list(missing_from(iter_skus(packed), iter_skus(other))) == sorted(set(skus) - set(among))
