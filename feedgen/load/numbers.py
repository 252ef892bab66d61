"""Numbers as spreadsheets export them: `1299.00`, `1299,00`, `1 299,00`, `1.299,00`, `1,299.00`.

One reader for money (Decimal, never float) and for counts and measures, so `2,499` means the
same thing, or is refused the same way, in every column.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from feedgen.columns import map_distinct

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_GROUPED = re.compile(r"^-?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")  # 1.299.000 or 1,299,000: thousands only


class AmbiguousNumber(ValueError):
    """`2,499` or `1.299`: one separator followed by exactly three digits is a decimal mark in some
    exports and a thousands separator in others, and the two readings differ a thousandfold."""


def parse_decimal(text: str) -> Decimal | None:
    """Accept what spreadsheets export: `1299.00`, `1299,00`, `1 299,00`, `1.299,00`, `1,299.00`.

    A lone `.` or `,` followed by exactly three digits (`2,499`, `1.299`) raises AmbiguousNumber,
    unless a second separator decides it (`2,499.00`, `1.299,00`, `1.299.000`) or the whole part is
    0 (`0.499` cannot be a thousands group)."""
    value = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not value:
        return None
    if "," in value and "." in value:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        value = value.replace(thousands, "").replace(decimal_mark, ".")
    elif value.count(",") + value.count(".") > 1:
        if not _GROUPED.match(value):
            raise ValueError(text)
        value = value.replace(",", "").replace(".", "")
    elif "," in value or "." in value:
        whole, _, fraction = value.replace(",", ".").partition(".")
        if len(fraction) == 3 and fraction.isdigit() and whole.lstrip("-") not in ("", "0"):
            raise AmbiguousNumber(text)
        value = f"{whole}.{fraction}"
    if not _NUMBER.match(value):
        raise ValueError(text)
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(text)
    return number


def _grouped_whole(text: str) -> Decimal | None:
    """`1,000` or `1.000` read as a thousands group: the only sensible reading for a count."""
    value = text.strip().replace(",", "").replace(".", "")
    return Decimal(value) if value.lstrip("-").isdigit() else None


def count_column(values: pd.Series, *, whole: bool = False) -> pd.Series:
    """Stock, review counts, weights, ratings as floats (NaN where unusable or empty). `whole`
    columns read an ambiguous `1,000` as a thousand (a count has no decimals); the others cannot
    tell 1.2 from 1200 and leave it out (NaN), and the caller's diagnostic names the value."""
    def parse(text: str) -> float:
        try:
            number = parse_decimal(text)
        except AmbiguousNumber:
            number = _grouped_whole(text) if whole else None
        except ValueError:
            number = None
        return float("nan") if number is None else float(number)

    return map_distinct(values, parse).astype(float)
