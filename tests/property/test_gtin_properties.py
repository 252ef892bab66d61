"""feedgen.load.gtin against an independent implementation of the GS1 rules.

The reference validates the whole number at once (GS1 General Specifications §7.9: weights 1, 3,
1, 3 … from the rightmost digit, check digit included, must sum to a multiple of 10), where
feedgen computes the expected check digit of the body; and it reads the GS1 prefix of the
GTIN-13 form from the right (`[-13:]`), where feedgen pads to 14 digits. Google's prefix rules
(GMC 6324461; SPECS.md §1.5): restricted circulation 02, 04, 2 and coupons 05, 98, 99 are refused;
GTIN-8 has its own prefix space and is exempt; all zeros is no GTIN.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from feedgen.load.gtin import gtin_problem

from .profile import PROPERTY

RESTRICTED = ("02", "04", "05", "2", "98", "99")


def reference_valid(value: str) -> bool:
    if not value or any(c not in "0123456789" for c in value) or len(value) not in (8, 12, 13, 14):
        return False
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(reversed(value)))
    if total % 10:
        return False
    if value.strip("0") == "":
        return False
    if len(value) == 8:
        return True
    gtin13 = value[-13:].rjust(13, "0")
    return not gtin13.startswith(RESTRICTED)


def _with_check_digit(body: str) -> str:
    """The one digit that makes body+digit pass the reference sum (found by trying all ten)."""
    return next(body + d for d in "0123456789" if sum(
        int(c) * (3 if i % 2 else 1) for i, c in enumerate(reversed(body + d))) % 10 == 0)


digits = st.text(alphabet="0123456789", min_size=1, max_size=16)
well_formed = st.sampled_from([7, 11, 12, 13]).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)).map(_with_check_digit)
# Arabic-Indic and full-width digits pass str.isdigit(); spreadsheet damage adds spaces, dots, exponents.
look_alikes = st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩０１２３４５６７８９ -.eE+", min_size=1, max_size=16)


@PROPERTY
@given(st.one_of(digits, well_formed, look_alikes))
def test_gtin_validation_agrees_with_an_independent_implementation(value: str) -> None:
    assert (gtin_problem(value) is None) == reference_valid(value), value


@PROPERTY
@given(well_formed)
def test_any_single_wrong_digit_is_refused(value: str) -> None:
    """Weights 1 and 3 are both prime to 10, so the check digit catches every one-digit typo."""
    for position in range(len(value)):
        for digit in "0123456789".replace(value[position], ""):
            assert gtin_problem(value[:position] + digit + value[position + 1:]) is not None
