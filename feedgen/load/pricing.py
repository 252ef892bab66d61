"""Prices: catalogue price (base currency, VAT included) -> a market's shelf price.

Money is `decimal.Decimal` from the file to the feed; binary floats never touch it. A catalogue
has far fewer distinct prices than SKUs, so each distinct price is converted once and the result
is mapped back onto the column: exact arithmetic without a Python loop per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from pathlib import Path

import pandas as pd
from babel.numbers import get_currency_precision

from feedgen.load.csvfile import read_table
from feedgen.errors import InputError
from feedgen.load.numbers import AmbiguousNumber, parse_decimal
from feedgen.config.markets import Market, Project, RoundingRule

HUNDRED = Decimal(100)
# Amazon's feed carries prices as JSON numbers, which readers hold as IEEE doubles: exact to 15
# significant digits. A longer price is an export error (a GTIN in the price column), not a price.
MAX_DIGITS = 15
MAX_BASE_PRICE = Decimal("1e13")  # catalogue prices at or above this are refused before conversion
FX_RANGE = (Decimal("1e-6"), Decimal("1e6"))  # units per EUR; keeps conversions inside Decimal's precision


@dataclass(frozen=True)
class FxTable:
    """Reference rates as units of currency per one EUR (the ECB convention), on one date."""

    path: Path
    date: str
    per_eur: dict[str, Decimal]

    def rate(self, source: str, target: str) -> Decimal:
        """How many `target` units one `source` unit buys."""
        if source == target:
            return Decimal(1)
        for code in (source, target):
            if code not in self.per_eur:
                raise InputError(self.path, f"no rate for {code} on {self.date}")
        with localcontext(prec=28):
            return self.per_eur[target] / self.per_eur[source]


def load_fx_rates(path: str | Path, on: str = "latest") -> FxTable:
    """Read `date,currency,per_eur` rows and keep one date: the latest, or the one asked for.

    Rates are written with a point or a comma as the decimal mark, without thousands separators."""
    path = Path(path)
    frame = read_table(path, {"date", "currency", "per_eur"}, "the FX rates CSV")
    rates: dict[str, dict[str, Decimal]] = {}
    for row_number, day, currency, text in frame[["source_row", "date", "currency", "per_eur"]].itertuples(index=False):
        try:
            rate = Decimal(text.replace(",", ".") if "." not in text else text)
        except InvalidOperation:
            raise InputError(path, f"rate {text!r} is not a number", row=row_number, column="per_eur") from None
        if not rate.is_finite() or rate <= 0:
            raise InputError(path, "rate must be a positive number", row=row_number, column="per_eur")
        if not FX_RANGE[0] <= rate <= FX_RANGE[1]:
            raise InputError(path, f"rate {rate} is outside {FX_RANGE[0]:f}–{FX_RANGE[1]:f} units per EUR",
                             row=row_number, column="per_eur")
        rates.setdefault(day, {})[currency.upper()] = rate
    if not rates:
        raise InputError(path, "no rates in file")
    date = max(rates) if on == "latest" else on
    if date not in rates:
        raise InputError(path, f"no rates for {date} (dates in file: {min(rates)} … {max(rates)})")
    per_eur = {"EUR": Decimal(1), **rates[date]}
    return FxTable(path=path, date=date, per_eur=per_eur)


def round_price(value: Decimal, rule: RoundingRule) -> Decimal:
    """Round half-up to the rule's decimals, then to the nearest price with the rule's ending.

    Idempotent and monotone: a price that already fits the rule is returned unchanged, and a
    higher input never gives a lower price. Rounding never turns a positive price into zero (a
    0.40 price in whole units is 1, not 0: platforms disapprove a zero price), and an ending never
    pushes a price to zero or below.
    """
    quantum = Decimal(1).scaleb(-rule.decimals)
    if not rule.ending:
        rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
        return quantum if value > 0 and rounded <= 0 else rounded
    minor = value.scaleb(rule.decimals)
    step = Decimal(10) ** len(rule.ending)
    ending = Decimal(rule.ending)
    below = ((minor - ending) / step).to_integral_value(rounding=ROUND_FLOOR) * step + ending
    above = below + step
    chosen = below if (minor - below) < (above - minor) and below > 0 else above
    return chosen.scaleb(-rule.decimals).quantize(quantum)


def market_price(base_gross: Decimal, project: Project, market: Market, fx: FxTable) -> Decimal:
    """One base price through net -> FX -> the market's tax -> the market's rounding."""
    with localcontext(prec=28):
        net = base_gross * HUNDRED / (HUNDRED + project.base_vat_rate)
        converted = net * fx.rate(project.base_currency, market.currency)
        shelf = converted * (HUNDRED + market.vat_rate) / HUNDRED if market.prices_include_tax else converted
    return round_price(shelf, market.rounding)


def convert_column(prices: pd.Series, project: Project, market: Market, fx: FxTable) -> pd.Series:
    """Vectorised over a column of Decimals (missing values stay missing)."""
    distinct = prices.dropna().unique()
    table = {value: market_price(value, project, market, fx) for value in distinct}
    converted = prices.map(table, na_action="ignore").astype(object)
    return converted.where(converted.notna(), None)


def currency_digits(currency: str) -> int:
    return get_currency_precision(currency)


def format_amount(value: Decimal, currency: str) -> str:
    """`1299.00 NOK`: the number with the currency's ISO digits and a point, then the code.

    This is the wire format Google and Meta share; it is deliberately not locale formatting.
    """
    digits = currency_digits(currency)
    return f"{value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)} {currency}"


def format_amounts(values: pd.Series, currencies: list[str]) -> list[str]:
    """A column of amounts (Decimal or None) -> `1299.00 NOK` texts in each row's currency, '' where
    missing; each distinct (amount, currency) is formatted once (the CSV channels' price columns)."""
    pairs = list(zip(values.tolist(), currencies, strict=True))
    table = {pair: format_amount(*pair) for pair in dict.fromkeys(pairs) if pair[0] is not None}
    return [table.get(pair, "") for pair in pairs]


def fits(value: Decimal, currency: str) -> bool:
    """Whether the amount, with the currency's digits, has at most MAX_DIGITS significant digits."""
    try:
        digits = plain_amount(value, currency).lstrip("-").replace(".", "").lstrip("0")
    except InvalidOperation:  # more digits than the decimal context holds
        return False
    return len(digits) <= MAX_DIGITS


def plain_amount(value: Decimal, currency: str) -> str:
    """The bare number schema.org and Amazon want: point decimal separator, ISO digits."""
    digits = currency_digits(currency)
    return str(value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def load_price_list(path: str | Path, market_ids: set[str]) -> pd.DataFrame:
    """Explicit shelf prices (`market,sku,style_id,price,sale_price`) that win over conversion.

    A row names either a SKU or a whole style. Prices are final: in the market's currency, tax
    as the market shows it, used exactly as written.
    """
    path = Path(path)
    columns = ["market", "sku", "style_id", "price", "sale_price"]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    frame = read_table(path, {"market", "price"}, "the price list CSV")
    if not ({"sku", "style_id"} & set(frame.columns)):
        raise InputError(path, "needs columns market, price and sku or style_id", row=1)
    for column in columns:
        if column not in frame.columns:
            frame[column] = ""
    rows = frame["source_row"]
    frame = frame[columns].copy()
    frame["market"] = frame["market"].str.upper()
    for row_number, row in zip(rows, frame.itertuples(index=False)):
        if row.market not in market_ids:
            raise InputError(path, f"unknown market {row.market!r}", row=row_number, column="market")
        if bool(row.sku) == bool(row.style_id):
            raise InputError(path, "give exactly one of sku or style_id", row=row_number, column="sku")
        for column in ("price", "sale_price"):
            text = getattr(row, column)
            try:
                value = parse_decimal(text)
            except AmbiguousNumber:
                raise InputError(path, f"{column} {text!r} is ambiguous (thousands or decimals?): write it with its "
                                 "decimals, e.g. 2499.00", row=row_number, column=column) from None
            except (ValueError, InvalidOperation):
                value = Decimal(-1)
            if (column == "price" and value is None) or (value is not None and value <= 0):
                raise InputError(path, f"{column} {text!r} is not a positive number", row=row_number, column=column)
    for column in ("price", "sale_price"):
        frame[column] = frame[column].map(lambda text: parse_decimal(text)).astype(object)
    return frame
