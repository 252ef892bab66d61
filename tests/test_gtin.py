"""GTIN validation (GMC 6324461, GS1 mod-10)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedgen.load.gtin import check_digit, gtin_problem, gtin_problem_column


@pytest.mark.parametrize("gtin", ["7094512050021", "4006381333931", "036000291452", "96385074", "00012345600012"])
def test_valid(gtin) -> None:
    assert gtin_problem(gtin) is None


@pytest.mark.parametrize(
    "gtin, problem",
    [
        ("7094512050022", "check digit should be 1"),
        ("70945120500", "has 11 digits"),
        ("70945-1205002", "digits only"),
        ("2001234567893", "restricted"),
        ("0212345678909", "restricted"),
        ("9912345678909", "coupon"),
        ("0000000000000", "all zeros"),
        ("٧٠٩٤٥١٢٠٥٠٠٢١", "digits only"),  # Arabic-Indic digits are not GTIN digits
    ],
)
def test_invalid(gtin, problem) -> None:
    message = gtin_problem(gtin)
    assert message is not None and problem in message


def test_check_digit() -> None:
    assert check_digit("709451205002") == 1


@settings(max_examples=300)
@given(st.lists(st.one_of(
    st.text("0123456789", min_size=7, max_size=15),
    st.builds(lambda body: body + str(check_digit(body)), st.text("0123456789", min_size=7, max_size=13)),
    st.sampled_from(["", "0000000000000", "٣٣٣٣٣٣٣٣", "12345678901a"])), max_size=40))
def test_the_column_check_agrees_with_the_single_one(values: list[str]) -> None:
    assert gtin_problem_column(values) == [gtin_problem(value) if value else None for value in values]
