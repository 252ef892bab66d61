"""Per-distinct-value column helpers: the same result as the per-row pandas call."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from feedgen.columns import map_distinct, strip_column

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
