"""Prices, numbers and dates the way each market's shoppers read them (Babel, CLDR).

Display only: every amount comes resolved from the offer frame; nothing here changes a price.
Whole-unit display (`display.whole_units`) drops the decimals only when the amount is whole,
so a page can never show a rounded price that differs from the feed.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from markupsafe import Markup, escape
from babel.numbers import format_currency, format_decimal, format_percent, parse_decimal

from feedgen.config.markets import Market

_FRACTION = re.compile(r"\.0+")
_NUMBER = re.compile(r"\d(?:[\d\s\u00a0\u202f.,']*\d)?")


def _locale(market: Market) -> Locale:
    return Locale.parse(market.locale)


def _whole_pattern(locale: Locale) -> str:
    """The locale's own currency pattern without the fraction: `#,##0.00 ¤` -> `#,##0 ¤`."""
    return _FRACTION.sub("", locale.currency_formats["standard"].pattern)


def format_price(value: Decimal, market: Market, *, whole: bool = False) -> str:
    """`1 699 kr` (nb, whole units), `1.299,95 €` (de), `£89.99` (en_GB); half-up, never banker's.

    `whole`: a round amount without decimals in any market (a threshold such as free delivery from
    89 €: no price of an item, so it cannot disagree with the feed)."""
    locale = _locale(market)
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        if (market.whole_units or whole) and value == value.to_integral_value():
            return format_currency(value, market.currency, format=_whole_pattern(locale), locale=locale,
                                   currency_digits=False)
        return format_currency(value, market.currency, locale=locale)


def read_price(text: str, market: Market) -> Decimal | None:
    """The amount a reader (or a crawler) takes from a displayed price, parsed the locale's way."""
    match = _NUMBER.search(text)
    if not match:
        return None
    try:
        return parse_decimal(match.group(0).strip(".,"), locale=_locale(market), strict=False)
    except Exception:  # babel.numbers.NumberFormatError and friends: not a number this locale reads
        return None


def discount_percent(price: Decimal, sale_price: Decimal, market: Market) -> str:
    """`26 %`: the saving rounded down, so an advertised discount is never larger than the real one."""
    with localcontext() as context:
        context.rounding = ROUND_FLOOR
        share = ((price - sale_price) / price * 100).to_integral_value(rounding=ROUND_FLOOR) / 100
        return format_percent(share, locale=_locale(market))


def format_percent_off(percent: int, market: Market) -> str:
    """`15 %` (or `15%`) as the market writes a percentage."""
    return format_percent(Decimal(percent) / 100, locale=_locale(market))


def format_number(value: float | Decimal, market: Market, digits: int = 1) -> str:
    return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0", locale=_locale(market))


def format_day(day: date, market: Market) -> str:
    """`31. desember 2026` (nb), `December 31, 2026` (en_US)."""
    return format_date(day, format="long", locale=_locale(market))


def join_list(items: list, locale: str) -> Markup:
    """`Brown, Grey og Sand`: the locale's list pattern around already-escaped items (review marks survive)."""
    tokens = [f"\x00{index}\x00" for index in range(len(items))]
    joined = str(escape(format_list(tokens, locale=locale))) if items else ""
    for token, item in zip(tokens, items):
        joined = joined.replace(token, str(escape(item)))
    return Markup(joined)


def hreflang(market: Market) -> str:
    """BCP 47 tag for hreflang and <html lang>: `nb-NO`, `en-GB` (ISO 3166 region, never `UK`)."""
    locale = _locale(market)
    return f"{locale.language}-{market.country}"
