"""The price record's three ways of recording a day (feedgen.resolve.history.PriceHistory.record) give
the rows of one rule, and the day's prices reach it as JSON text (PriceBatch) without changing them.

The rule, written out here as a model independent of the SQL: per market and SKU, each recorded day
holds the prices of the last record of that day; the rows are the maximal runs of consecutive
recorded days with equal prices. `record` takes a shortcut on a market's first day (insert as given)
and on a day after the market's last recorded one (extend or start runs); only a day recorded before,
or one before the last, runs the statements that cut a run, extend one backwards or join two.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedgen.pipeline.market_build import MarketBuild, PriceSpool
from feedgen.resolve.history import FILE, DayPrice, PriceBatch, PriceHistory, day_prices

from .property.profile import PROPERTY

D = date(2026, 11, 1)
_AMOUNTS = ["100", "100.00", "1699.5"]  # "100" and "100.00" are the same price


def day(n: int) -> date:
    return D + timedelta(days=n)


def model_runs(recorded: dict[tuple[str, str], dict[date, tuple]]) -> list[tuple]:
    """The rows the rule gives: per (market, sku), maximal runs of consecutive days with equal prices."""
    rows = []
    for (market, sku), days in sorted(recorded.items()):
        run: list = []
        for when in sorted(days):
            if run and when == run[1] + timedelta(days=1) and days[when] == run[2]:
                run[1] = when
                continue
            if run:
                rows.append((market, sku, run[0].isoformat(), run[1].isoformat(), *run[2]))
            run = [when, when, days[when]]
        rows.append((market, sku, run[0].isoformat(), run[1].isoformat(), *run[2]))
    return rows


def stored(price: DayPrice) -> tuple:
    """What a day of `price` is in the model: the stored text columns after the days."""
    return tuple(price.row()[1:])


def db_runs(history: PriceHistory) -> list[tuple]:
    return history.db.execute("SELECT * FROM prices ORDER BY market, sku, first_day").fetchall()


# few distinct prices, so runs of equal prices meet often (extended, joined across a gap, cut)
prices = st.builds(DayPrice, st.sampled_from(["A", "B"]), st.just("NOK"), st.sampled_from(_AMOUNTS).map(Decimal),
                   st.none() | st.sampled_from(["80", "80.0"]).map(Decimal), st.none() | st.just(day(-3)))
records = st.lists(st.tuples(st.sampled_from(["NO", "SE"]), st.integers(0, 3), st.lists(prices, max_size=5),
                             st.integers(0, 5)), min_size=1, max_size=12)


@PROPERTY
@given(records)
def test_every_way_of_recording_gives_the_rule_s_runs(tmp_path_factory: pytest.TempPathFactory,
                                                      operations: list[tuple[str, int, list[DayPrice], int]]) -> None:
    """Days in any order: first days, next days, the same day again with other prices, a day that
    closes a gap; prices given as DayPrice objects, as a PriceBatch, or both (`split`)."""
    recorded: dict[tuple[str, str], dict[date, tuple]] = {}
    with PriceHistory(tmp_path_factory.mktemp("paths") / FILE) as history:
        for market, n, given_prices, split in operations:
            loose, batched = given_prices[:split], given_prices[split:]
            batch = [PriceBatch.of([p.row() for p in batched])] if batched else []
            assert history.record(market, day(n), [*loose, *batch]) == len(given_prices)
            for price in given_prices:  # in order: a SKU given twice keeps its last prices
                recorded.setdefault((market, price.sku), {})[day(n)] = stored(price)
            assert db_runs(history) == model_runs(recorded)


def test_each_way_on_its_own_day_gives_the_same_rows_as_the_general_statements(tmp_path: Path) -> None:
    """The same days recorded in order (a first day, then each next day: the shortcuts), in reverse
    (every day before the last: the general statements) and even days before odd ones (each odd day
    closes a gap, joining the runs on both sides) end up as the same rows, the rule's."""
    days = {n: [DayPrice(f"S{i}", "NOK", Decimal(100 + (n // 3 + i) % 3), Decimal(80) if (n // 2 + i) % 4 == 0 else None,
                         day(-1) if i % 5 == 0 else None) for i in range(40)]
            for n in range(10) if n != 5}  # no build on day 5
    recorded: dict[tuple[str, str], dict[date, tuple]] = {}
    for n, given_prices in days.items():
        for price in given_prices:
            recorded.setdefault(("NO", price.sku), {})[day(n)] = stored(price)
    orders = {"forward": sorted(days), "backward": sorted(days, reverse=True),
              "gaps closed": sorted(days, key=lambda n: (n % 2, n))}
    for name, order in orders.items():
        with PriceHistory(tmp_path / f"{name}.sqlite") as history:
            for n in order:
                history.record("NO", day(n), days[n])
            assert db_runs(history) == model_runs(recorded), name
    lengths = {(date.fromisoformat(row[3]) - date.fromisoformat(row[2])).days for row in model_runs(recorded)}
    assert len(lengths) > 2  # prices changed: runs of several lengths


def test_a_repeated_sku_keeps_its_last_prices_on_a_first_day_too(tmp_path: Path) -> None:
    with PriceHistory(tmp_path / FILE) as history:
        history.record("NO", day(0), [DayPrice("A", "NOK", Decimal(100), None), DayPrice("A", "NOK", Decimal(90), None)])
        history.record("SE", day(0), [DayPrice("A", "SEK", Decimal(50), None)])  # SE's first day, NO already has rows
        history.record("SE", day(0), [DayPrice("A", "SEK", Decimal(60), None), DayPrice("A", "SEK", Decimal(55), None)])
        assert [(r.market, str(r.price)) for r in history.runs("A")] == [("NO", "90"), ("SE", "55")]


@PROPERTY
@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=12))
def test_any_sku_text_goes_through_the_json_unchanged(tmp_path_factory: pytest.TempPathFactory, sku: str) -> None:
    """Quotes, backslashes, controls other than NUL (loading removes those), non-Latin scripts, emoji."""
    with PriceHistory(tmp_path_factory.mktemp("sku") / FILE) as history:
        history.record("NO", day(0), [PriceBatch.of([[sku, "NOK", "100", None, None]])])
        assert [run.sku for run in history.runs(sku)] == [sku]


def test_a_nul_in_a_sku_is_refused_not_cut_short() -> None:
    with pytest.raises(ValueError, match="NUL"):
        PriceBatch.of([["A\x00B", "NOK", "100", None, None]])
    with pytest.raises(ValueError, match="NUL"):  # among rows without one, and beside the text json makes of it
        PriceBatch.of([["A", "NOK", "1", None, None], ["\\u0000", "NOK", "1", None, None],
                       ["B\x00", "NOK", "1", None, None]])


def test_a_sku_spelling_out_a_nul_escape_is_recorded_as_it_is(tmp_path: Path) -> None:
    """The batch's fast check looks for json's \\u0000 in the text; a SKU that is those six characters
    is written by json with its backslash escaped, and is recorded like any other SKU."""
    sku = "X\\u0000"
    with PriceHistory(tmp_path / FILE) as history:
        history.record("NO", day(0), [PriceBatch.of([[sku, "NOK", "100", None, None]])])
        assert [run.sku for run in history.runs(sku)] == [sku]


def test_day_prices_of_the_offers_are_the_day_price_rows(tmp_path: Path) -> None:
    """A worker's batch (day_prices) records what the same prices as DayPrice objects record: SKUs
    without a price are not offered, a sale counts only while active, its start only with it."""
    offers = pd.DataFrame({
        "sku": ["A", "B", "C", "D", "É\"\\"],
        "price": [Decimal("2299.00"), None, Decimal("100"), Decimal("100"), Decimal("5")],
        "sale_price": [Decimal("1699.50"), None, Decimal("80"), None, Decimal("4")],
        "sale_active": [True, False, False, False, True],
        "sale_start": [date(2026, 11, 20), None, date(2026, 11, 20), date(2026, 11, 20), None],
    })
    batch = day_prices(offers, "NOK")
    assert batch.count == 4
    expected = [DayPrice("A", "NOK", Decimal("2299.00"), Decimal("1699.50"), date(2026, 11, 20)),
                DayPrice("C", "NOK", Decimal("100"), None, date(2026, 11, 20)),
                DayPrice("D", "NOK", Decimal("100"), None, date(2026, 11, 20)),
                DayPrice("É\"\\", "NOK", Decimal("5"), Decimal("4"), None)]
    with PriceHistory(tmp_path / "batch.sqlite") as one, PriceHistory(tmp_path / "objects.sqlite") as other:
        one.record("NO", day(0), [batch])
        other.record("NO", day(0), expected)
        assert db_runs(one) == db_runs(other) == [
            ("NO", "A", "2026-11-01", "2026-11-01", "NOK", "2299", "1699.5", "2026-11-20"),
            ("NO", "C", "2026-11-01", "2026-11-01", "NOK", "100", None, None),
            ("NO", "D", "2026-11-01", "2026-11-01", "NOK", "100", None, None),
            ("NO", "É\"\\", "2026-11-01", "2026-11-01", "NOK", "5", "4", None)]


@pytest.mark.parametrize("on_disk", [True, False], ids=["spooled to a file", "kept in memory"])
def test_the_spool_gives_back_its_batches_in_order(tmp_path: Path, on_disk: bool) -> None:
    """On disk when the catalogue was spilled (feedgen.pipeline.slices), in memory otherwise (a cluster
    worker, which pickles the spool back with its result)."""
    spool = PriceSpool(tmp_path if on_disk else None, "NO")
    batches = [PriceBatch.of([[f"S{slice_}-{n}", "NOK", str(n), None, None] for n in range(3)]) for slice_ in range(3)]
    for batch in batches:
        spool.add(batch)
    assert (tmp_path / "prices-NO.pickles").is_file() == on_disk
    assert list(MarketBuild("NO", prices=spool).day_prices()) == batches
    assert list(MarketBuild("NO").day_prices()) == []  # a reused market hands no prices


def test_a_market_that_fails_part_way_leaves_the_record_as_it_was(tmp_path: Path) -> None:
    """The rollback journal is kept in memory (the file is a build's staged copy), and still undoes a
    market whose later batch fails after its first went in; no journal file appears beside the record."""
    path = tmp_path / FILE
    with PriceHistory(path) as history:
        history.record("NO", day(0), [DayPrice("A", "NOK", Decimal(100), None)])
        before = db_runs(history)
        for n in (0, 1):  # the same day again (the general statements) and the next day (the shortcut)
            with pytest.raises(sqlite3.OperationalError, match="JSON"):
                history.record("NO", day(n), [PriceBatch.of([["A", "NOK", "90", None, None]]), PriceBatch("[not json", 1)])
            assert db_runs(history) == before
        with pytest.raises(sqlite3.OperationalError, match="JSON"):
            history.record("SE", day(0), [PriceBatch.of([["A", "SEK", "90", None, None]]), PriceBatch("[not json", 1)])
        assert db_runs(history) == before
        assert history.db.execute("PRAGMA journal_mode").fetchone()[0] == "memory"
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE]
