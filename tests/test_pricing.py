"""Pricing with worked numbers. FX (tests/fixtures/mini/fx_rates.csv): 1 EUR = 11.5 NOK = 11 SEK = 1.15 USD.

A catalogue price of 1250.00 NOK includes 25 % Norwegian VAT, so it is 1000.00 NOK net.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from feedgen.channels import read_markets
from feedgen.errors import InputError
from feedgen.config.markets import RoundingRule
from feedgen.load.pricing import (
    convert_column, format_amount, load_fx_rates, load_price_list, market_price, plain_amount, round_price,
)

from .conftest import MINI, SAMPLE_DATA

D = Decimal


@pytest.fixture(scope="module")
def config():
    return read_markets(SAMPLE_DATA / "markets.toml")


@pytest.fixture(scope="module")
def fx():
    return load_fx_rates(MINI / "fx_rates.csv")


def price_in(market_id: str, config, fx, base: str = "1250.00") -> Decimal:
    return market_price(D(base), config.project, config.markets[market_id], fx)


def test_fx_uses_the_latest_date_and_eur_cross_rates(fx) -> None:
    assert fx.date == "2026-11-20"
    assert fx.rate("NOK", "USD") == D("1.15") / D("11.5")
    assert fx.rate("EUR", "EUR") == 1


def test_us_price_excludes_tax(config, fx) -> None:
    # 1000 NOK net -> 100.00 USD; no tax added (GMC 6324371: US prices exclude tax); .95 ending -> 99.95
    assert price_in("US", config, fx) == D("99.95")


def test_de_price_includes_19_percent_vat(config, fx) -> None:
    # 1000 NOK net -> 86.9565 EUR -> x1.19 = 103.478 -> nearest .95 ending -> 103.95
    assert price_in("DE", config, fx) == D("103.95")


def test_se_price_follows_whole_krona_ending_in_9(config, fx) -> None:
    # 1000 NOK net -> 956.52 SEK -> x1.25 = 1195.65 -> nearest whole krona ending in 9 -> 1199
    assert price_in("SE", config, fx) == D("1199")


def test_no_price_round_trips_the_catalogue_price(config, fx) -> None:
    assert price_in("NO", config, fx, "2499.00") == D("2499")


@pytest.mark.parametrize(
    "value, rule, expected",
    [
        ("103.478", RoundingRule(2, "95"), "103.95"),
        ("103.40", RoundingRule(2, "95"), "102.95"),
        ("1195.65", RoundingRule(0, "9"), "1199"),
        ("1193.99", RoundingRule(0, "9"), "1189"),
        ("1194.00", RoundingRule(0, "9"), "1199"),  # a tie goes up
        ("12.344", RoundingRule(2, ""), "12.34"),
        ("12.345", RoundingRule(2, ""), "12.35"),  # half-up, not banker's rounding
        ("0.40", RoundingRule(2, "95"), "0.95"),  # never rounds down to zero
        ("3", RoundingRule(0, "9"), "9"),
        ("1296", RoundingRule(0, "5"), "1295"),
    ],
)
def test_rounding_rules(value, rule, expected) -> None:
    assert round_price(D(value), rule) == D(expected)
    assert round_price(round_price(D(value), rule), rule) == D(expected)  # idempotent


def test_conversion_is_vectorised_and_keeps_missing_values(config, fx) -> None:
    prices = pd.Series([D("1250.00"), None, D("1250.00")], dtype=object)
    converted = convert_column(prices, config.project, config.markets["US"], fx)
    assert list(converted) == [D("99.95"), None, D("99.95")]


def test_wire_formats() -> None:
    assert format_amount(D("1299"), "NOK") == "1299.00 NOK"
    assert format_amount(D("99.95"), "USD") == "99.95 USD"
    assert plain_amount(D("1299"), "SEK") == "1299.00"


def test_explicit_price_list_wins(tmp_path, config) -> None:
    path = tmp_path / "prices.csv"
    path.write_text("market,sku,style_id,price,sale_price\nse,AS-1009-WHT-42,,1095,\nSE,,AS-1009,\"1 149,00\",999\n",
                    encoding="utf-8")
    frame = load_price_list(path, set(config.markets))
    assert list(frame["market"]) == ["SE", "SE"]
    assert list(frame["price"]) == [D("1095"), D("1149.00")]


@pytest.mark.parametrize(
    "body, message",
    [
        ("market,sku,price\nXX,A,10\n", "unknown market 'XX'"),
        ("market,sku,style_id,price\nSE,A,B,10\n", "exactly one of sku or style_id"),
        ("market,sku,price\nSE,A,free\n", "price 'free' is not a positive number"),
        ("market,sku,price\nSE,A,\"1,149\"\n", "price '1,149' is ambiguous"),  # review #3
        ("market,price\nSE,10\n", "needs columns"),
    ],
)
def test_bad_price_lists_are_unusable_input(tmp_path, config, body, message) -> None:
    path = tmp_path / "prices.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_price_list(path, set(config.markets))


def test_small_csv_inputs_read_like_the_catalogue(tmp_path, config) -> None:
    # Review #20: a Nordic-Excel prices.csv (BOM, semicolons, decimal commas) was refused ("needs columns").
    path = tmp_path / "prices.csv"
    path.write_bytes("\ufeffMarket;SKU;style_id;price;sale_price\r\nSE;AS-1009-WHT-42;;1095,00;\r\n"
                     "SE;;AS-1009;1 149,00;999,00\r\n".encode("utf-8"))
    frame = load_price_list(path, set(config.markets))
    assert list(frame["price"]) == [D("1095.00"), D("1149.00")] and list(frame["sale_price"]) == [None, D("999.00")]
    path.write_text("market;sku;price\nSE;A;10\nXX;B;20\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 3, column market: unknown market 'XX'"):
        load_price_list(path, set(config.markets))

    fx = tmp_path / "fx.csv"
    fx.write_bytes("\ufeffdate;currency;per_eur\n2026-11-20;NOK;11,5\n2026-11-20;USD;1,15\n".encode("utf-8"))
    assert load_fx_rates(fx).rate("NOK", "USD") == D("1.15") / D("11.5")
    fx.write_text("date;currency;per_eur\n2026-11-20;NOK;11,5\n2026-11-20;USD;-1\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 3, column per_eur"):
        load_fx_rates(fx)
    fx.write_text("date;currency\n2026-11-20;NOK\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 1, column per_eur: missing column"):
        load_fx_rates(fx)


def test_fx_file_problems(tmp_path) -> None:
    path = tmp_path / "fx.csv"
    path.write_text("date,currency,per_eur\n2026-11-20,NOK,abc\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2, column per_eur"):
        load_fx_rates(path)
    path.write_text("date,currency,per_eur\n2026-11-20,NOK,11\n", encoding="utf-8")
    with pytest.raises(InputError, match="no rates for 2026-01-01"):
        load_fx_rates(path, "2026-01-01")
    with pytest.raises(InputError, match="no rate for USD"):
        load_fx_rates(path).rate("NOK", "USD")
