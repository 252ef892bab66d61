"""The price record (feedgen.resolve.history): runs of days, the 30-day window, and how builds keep it.

The rule it serves: Directive 98/6/EC Art. 6a (as amended by 2019/2161) and Norway's
prisopplysningsforskriften §9a: the prior price of a reduction is the lowest price applied in the
30 days before the reduction started; where a reduction deepens step by step, the one before the
first step.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedgen.cli import main
from feedgen.resolve.history import FILE, DayPrice, PriceHistory, read_history
from feedgen.resolve.history_lines import history_lines

from .conftest import AS_OF, BEFORE_SALE
from .helpers import build_project

D = date(2026, 11, 1)


def day(n: int) -> date:
    return D + timedelta(days=n)


def record(db: PriceHistory, n: int, price: str, sale: str | None = None, sku: str = "A", start: date | None = None) -> None:
    db.record("NO", day(n), [DayPrice(sku, "NOK", Decimal(price), None if sale is None else Decimal(sale), start)])


def runs(db: PriceHistory, sku: str = "A") -> list[tuple]:
    return [(r.first_day, r.last_day, str(r.price), None if r.sale_price is None else str(r.sale_price)) for r in db.runs(sku)]


@pytest.fixture
def db(tmp_path: Path):
    with PriceHistory(tmp_path / FILE) as history:
        yield history


def test_an_unchanged_price_extends_its_run_and_a_change_or_a_gap_starts_one(db) -> None:
    record(db, 0, "2299.00")
    record(db, 1, "2299")  # the same amount, written differently
    record(db, 2, "2299.00", "1699.00")
    record(db, 5, "2299.00", "1699.00")  # days 3 and 4: no build, so not recorded
    assert runs(db) == [(day(0), day(1), "2299", None), (day(2), day(2), "2299", "1699"), (day(5), day(5), "2299", "1699")]


def test_a_day_recorded_again_takes_the_newer_prices_and_an_earlier_day_joins_its_neighbour(db) -> None:
    for n in range(5):
        record(db, n, "100")
    record(db, 2, "90")  # a second build on day 2 with another price
    assert runs(db) == [(day(0), day(1), "100", None), (day(2), day(2), "90", None), (day(3), day(4), "100", None)]
    record(db, 6, "100")
    record(db, 5, "100")  # recorded late (an --as-of build): closes the gap, one run again
    assert runs(db)[-1:] == [(day(3), day(6), "100", None)]


def test_the_lowest_price_of_the_30_days_before_the_sale(db) -> None:
    record(db, 0, "120")
    record(db, 10, "110")  # the lowest price actually charged in the window
    record(db, 20, "130")
    record(db, 31, "130", "99")  # the sale starts on day 31: window days 1..30
    reference = db.references("NO", {"A": day(31)}, "NOK")["A"]
    assert reference.window == (day(1), day(30))
    assert reference.lowest == Decimal("110") and reference.charged == {Decimal("110"), Decimal("130")}
    assert reference.days_known == 2  # day 0 is outside the window
    assert db.references("NO", {"A": day(31)}, "EUR")["A"].lowest is None  # another currency is not this price


def test_a_sale_that_deepens_keeps_the_price_before_its_first_step(db) -> None:
    record(db, 0, "200")
    record(db, 1, "200", "180")
    record(db, 2, "200", "150")  # second step
    assert db.sale_started("NO", "A", day(2)) == day(1)
    assert db.references("NO", {"A": day(1)}, "NOK")["A"].lowest == Decimal("200")
    record(db, 3, "200", "150", start=day(-5))  # the catalogue says the sale began earlier
    assert db.sale_started("NO", "A", day(3)) == day(-5)
    assert db.sale_started("NO", "A", day(4)) == day(-5)  # a build reads the record before adding its own day
    assert db.sale_started("NO", "A", day(4), declared=day(-9)) == day(-9)


def test_a_file_that_is_not_a_database_is_one_line_exit_2(tmp_path: Path, project: Path) -> None:
    out = project / "output"
    out.mkdir()
    (out / FILE).write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(main, ["build", "--data", str(project / "product_data"), "-o", str(out),
                                       "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2, result.output
    assert FILE in result.output and "not a usable price history" in result.output and "Traceback" not in result.output


def test_published_builds_record_each_market_and_refused_or_dry_runs_record_nothing(mini_project: Path) -> None:
    out = mini_project / "output"
    build_project(mini_project, as_of=BEFORE_SALE)
    with read_history(out) as history:
        markets = {run.market for run in history.runs("AS-1005-BLK-38")}
        assert markets == {"NO", "SE", "DK", "FI", "DE", "NL", "GB", "US"}
        [no] = history.runs("AS-1005-BLK-38", "NO")
        assert (no.first_day, no.price, no.sale_price) == (BEFORE_SALE, Decimal("2299"), None)
    before = (out / FILE).read_bytes()
    runner = CliRunner()
    dry = runner.invoke(main, ["build", "--data", str(mini_project / "product_data"), "-o", str(out),
                               "--as-of", AS_OF.isoformat(), "--dry-run"])
    assert dry.exit_code in (0, 1), dry.output
    assert (out / FILE).read_bytes() == before  # not published: not recorded
    build_project(mini_project)  # AS_OF, during the sale
    with read_history(out) as history:
        runs_no = history.runs("AS-1005-BLK-38", "NO")
    assert [(r.first_day, r.sale_price, r.sale_start) for r in runs_no] == [
        (BEFORE_SALE, None, None), (AS_OF, Decimal("1699"), date(2026, 11, 20))]


def test_prices_history_command_shows_the_record_and_the_reference(mini_project: Path) -> None:
    out = mini_project / "output"
    build_project(mini_project, as_of=BEFORE_SALE)
    build_project(mini_project)
    result = CliRunner().invoke(main, ["prices", "history", "AS-1005-BLK-38", "-o", str(out), "-m", "no"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["NO", "2026-11-01", "2026-11-01", "2299", "NOK"]
    assert lines[2].split() == ["NO", "2026-11-22", "2026-11-22", "2299", "1699", "NOK"]
    assert lines[3] == ("NO: on sale on 2026-11-22 since 2026-11-20; lowest price 2026-10-21 – 2026-11-19 "
                        "(1 of 30 days recorded): 2299 NOK")
    assert history_lines(out, "NOPE") == ["no price recorded for NOPE"]
    missing = CliRunner().invoke(main, ["prices", "history", "X", "-o", str(mini_project / "nothing")])
    assert missing.exit_code == 2 and "no price history yet" in missing.output


def test_the_history_survives_the_swap_and_is_never_listed_as_output(mini_project: Path) -> None:
    out = mini_project / "output"
    build_project(mini_project, as_of=BEFORE_SALE)
    build_project(mini_project)
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert FILE not in manifest
    rows = sqlite3.connect(out / FILE).execute("SELECT count(DISTINCT first_day) FROM prices").fetchone()[0]
    assert rows == 2


def _record_days(path: Path, market: str) -> None:
    with PriceHistory(path) as history:
        for n in range(30):
            history.record(market, day(n), [DayPrice(f"S{i}", "NOK", Decimal(100 + n % 3), None) for i in range(300)])


def test_parallel_market_builds_wait_for_each_other_instead_of_failing(tmp_path: Path) -> None:
    """Markets are built in parallel processes (feedgen.pipeline.parallel), each recording into the same file."""
    import multiprocessing

    path = tmp_path / FILE
    PriceHistory(path).close()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_record_days, args=(path, market)) for market in ("NO", "SE", "DK")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    with PriceHistory(path, read_only=True) as history:
        assert len(history.runs("S7")) == 3 * 30  # the price changes every day: one run per day and market


def test_a_second_build_of_the_same_day_looks_runs_up_by_key_not_by_scanning(tmp_path: Path) -> None:
    """Every statement `record` and `references` run finds a SKU's runs through the primary key
    (market, sku, first_day). SQLite preferred the (market, last_day) index for `last_day >= day`
    and scanned every run of the market once per SKU: a same-day rebuild of 100,000 SKUs took over
    ten minutes. Checked on the plans, not by timing: a scan of `prices` per SKU is the bug."""
    with PriceHistory(tmp_path / FILE) as history:
        prices = [DayPrice(f"S{n:03d}", "NOK", Decimal(100 + n % 7), None) for n in range(300)]
        history.record("NO", day(0), prices)
        statements: list[str] = []
        history.db.set_trace_callback(statements.append)
        history.record("NO", day(0), prices)  # the same day again, as a second build does
        history.references("NO", {p.sku: day(1) for p in prices}, "NOK")
        history.db.set_trace_callback(None)
        plans = {}
        for statement in statements:
            if "prices" in statement and statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
                plans[statement] = list(history.db.execute("EXPLAIN QUERY PLAN " + statement))
    assert plans, "no statement traced"
    range_scan = "prices_last_day (market=? AND last_day>?)"
    inner = 0
    for statement, plan in plans.items():
        correlated = {row[0] for row in plan if "CORRELATED" in row[3]}
        for _, parent, _, detail in plan:
            # once per SKU: a step inside a correlated subquery, or the lookup of a list of SKUs
            if parent in correlated or " IN (" in statement:
                inner += 1
                assert range_scan not in detail, (statement, detail)
    assert inner, "the per-SKU lookups were not traced"
