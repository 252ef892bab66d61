"""GTIN checks as Google and GS1 define them (GMC 6324461; GS1 General Specifications)."""

from __future__ import annotations

import numpy as np

VALID_LENGTHS = (8, 12, 13, 14)
# Restricted-circulation (02, 04, 2) and coupon (05, 98, 99) prefixes, checked on the GTIN-13 form.
REJECTED_PREFIXES = ("02", "04", "05", "2", "98", "99")


def check_digit(body: str) -> int:
    """GS1 mod-10: weights 3,1,3,1… from the rightmost digit of the body."""
    total = sum(int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_problem(value: str) -> str | None:
    """Why Google would reject this GTIN, or None when it is fine."""
    if not value.isdigit() or not value.isascii():
        return "must contain digits only"
    if len(value) not in VALID_LENGTHS:
        return f"has {len(value)} digits; a GTIN has 8, 12, 13 or 14"
    if int(value[-1]) != check_digit(value[:-1]):
        return f"check digit should be {check_digit(value[:-1])}"
    as_13 = value.zfill(14)[1:] if len(value) < 14 else value[1:]
    if len(value) != 8 and any(as_13.startswith(prefix) for prefix in REJECTED_PREFIXES):
        return "restricted-circulation or coupon prefix; not accepted by Google"
    if set(value) == {"0"}:
        return "all zeros"
    return None


def gtin_problem_column(values: list[str]) -> list[str | None]:
    """gtin_problem for a column ('' -> None: a missing GTIN is not a bad one). The usual case, a
    valid GTIN of ASCII digits, is recognised with numpy; every other value gets gtin_problem."""
    problems: list[str | None] = [None] * len(values)
    fine = [False] * len(values)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    for length in VALID_LENGTHS:
        rows = np.flatnonzero(lengths == length)
        data = "".join(values[row] for row in rows).encode("utf-8")
        if not len(rows) or len(data) != length * len(rows):  # none, or a non-ASCII character: slow path
            continue
        digits = (np.frombuffer(data, dtype=np.uint8).reshape(-1, length) - ord("0")).astype(np.int64)
        weights = np.array([3 if position % 2 == 0 else 1 for position in range(length - 1)][::-1])
        check = (10 - (digits[:, :-1] * weights).sum(axis=1) % 10) % 10
        ok = (digits <= 9).all(axis=1) & (check == digits[:, -1]) & digits.any(axis=1)
        if length != 8:
            as_13 = digits[:, -13:] if length >= 13 else np.hstack(
                [np.zeros((len(rows), 13 - length), dtype=np.int64), digits])
            first, second = as_13[:, 0], as_13[:, 1]
            ok &= ~((first == 2) | ((first == 0) & np.isin(second, (2, 4, 5))) | ((first == 9) & np.isin(second, (8, 9))))
        for row in rows[ok]:
            fine[row] = True
    for row, value in enumerate(values):
        if value and not fine[row]:
            problems[row] = gtin_problem(value)
    return problems


def gtin_type(value: str) -> str:
    """Amazon's externally_assigned_product_identifier type for a valid GTIN."""
    return {12: "upc", 13: "ean", 14: "gtin", 8: "ean"}[len(value)]
