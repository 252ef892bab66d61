"""Pricing properties (feedgen.load.pricing): rounding is idempotent, monotone and never reaches zero,
and amounts carry exactly their currency's ISO 4217 digits (CLDR data via Babel)."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import get_currency_precision
from hypothesis import assume, example, given
from hypothesis import strategies as st

from feedgen.config.markets import RoundingRule
from feedgen.load.pricing import MAX_DIGITS, fits, format_amount, plain_amount, round_price

from .profile import PROPERTY

prices = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9999999.9999"), places=4)
rules = st.builds(
    RoundingRule,
    decimals=st.integers(min_value=0, max_value=3),
    ending=st.sampled_from(["", "0", "5", "9", "90", "95", "99", "49", "999"]),
)
# ISO 4217 codes with 0, 2 and 3 minor digits (JPY, KRW: 0; KWD, BHD: 3), and the markets' own.
currencies = st.sampled_from(["NOK", "SEK", "DKK", "EUR", "GBP", "USD", "JPY", "KRW", "ISK", "KWD", "BHD", "CLF"])


def _minor(value: Decimal, rule: RoundingRule) -> int:
    return int(value.scaleb(rule.decimals))


@PROPERTY
@given(prices, rules)
@example(Decimal("0.40"), RoundingRule(decimals=0))  # found by this test: whole units rounded 0.40 to a zero price
def test_rounding_is_idempotent_positive_and_has_the_rules_digits(value: Decimal, rule: RoundingRule) -> None:
    rounded = round_price(value, rule)
    assert round_price(rounded, rule) == rounded
    assert rounded > 0
    assert rounded.as_tuple().exponent == -rule.decimals
    if rule.ending:
        assert str(_minor(rounded, rule)).zfill(len(rule.ending)).endswith(rule.ending)


@PROPERTY
@given(prices, prices, rules)
def test_rounding_is_monotone(a: Decimal, b: Decimal, rule: RoundingRule) -> None:
    low, high = sorted((a, b))
    assert round_price(low, rule) <= round_price(high, rule)


@PROPERTY
@given(prices, rules)
def test_rounding_moves_a_price_by_at_most_one_ending_step(value: Decimal, rule: RoundingRule) -> None:
    step = Decimal(10) ** len(rule.ending) if rule.ending else Decimal(1)
    assert abs(round_price(value, rule) - value) <= step.scaleb(-rule.decimals)


@PROPERTY
@given(prices, currencies)
def test_amounts_carry_exactly_the_currencys_digits(value: Decimal, currency: str) -> None:
    digits = get_currency_precision(currency)
    number, code = format_amount(value, currency).split(" ")
    assert code == currency and number == plain_amount(value, currency)
    assert (len(number.partition(".")[2]) if "." in number else 0) == digits
    assert abs(Decimal(number) - value) <= Decimal(1).scaleb(-digits) / 2  # half-up, never further


@PROPERTY
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e30"), places=2), currencies)
def test_a_price_fits_a_json_number_exactly_when_it_has_at_most_15_digits(value: Decimal, currency: str) -> None:
    text = plain_amount(value, currency) if value < Decimal("1e25") else None
    if fits(value, currency):
        assert text is not None
        assert Decimal(repr(float(text))) == Decimal(text)  # Amazon's JSON number reads back exactly
        assert len(text.replace(".", "").lstrip("0")) <= MAX_DIGITS
    else:
        assume(text is not None)
        assert len(text.replace(".", "").lstrip("0")) > MAX_DIGITS
