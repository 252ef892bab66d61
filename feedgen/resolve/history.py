"""Price history: what each market charged for each SKU, day by day, in SQLite kept with the output.

Why it exists: EU price-reduction rules (Directive 98/6/EC Art. 6a as amended by the Omnibus
Directive 2019/2161; PAngV §11 in Germany; Norway's prisopplysningsforskriften §9a "førpris",
in force since 1 October 2023) require an announced reduction to show as its prior price the
lowest price charged in the 30 days before the reduction started. A feed build only knows today's
prices, so every published build records them here and the landing pages read the record back.

Storage: one row per run of consecutive days with the same prices (market, sku, first_day,
last_day, currency, price, sale_price): a day is recorded only when a build ran for it, so a day
no build saw is absent, never guessed; an unchanged price extends its run instead of adding
100k × markets rows a day. Amounts are decimal text, compared as Decimal, never as floats.

Where: `.feedgen-prices.sqlite` in the output directory. A build copies the published database
into its stage (a real copy, never a hard link to the live file), records there, and the publish
swap makes it current together with the feeds: a refused, dry-run or failed build records
nothing, concurrent builds are already excluded by the output lock, and whatever restores output/
(the nightly workflow's cache) restores the history with it.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

from feedgen.errors import InputError

FILE = ".feedgen-prices.sqlite"
WINDOW_DAYS = 30  # Directive 98/6/EC Art. 6a(2): "not shorter than 30 days prior to the application of the reduction"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS prices (
    market TEXT NOT NULL,
    sku TEXT NOT NULL,
    first_day TEXT NOT NULL,      -- ISO date, inclusive
    last_day TEXT NOT NULL,       -- ISO date, inclusive
    currency TEXT NOT NULL,
    price TEXT NOT NULL,          -- the shelf price, decimal text
    sale_price TEXT,              -- the sale price charged on those days, NULL when none was active
    sale_start TEXT,              -- the first day of that sale as the catalogue declared it (ISO date), or NULL
    PRIMARY KEY (market, sku, first_day)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS prices_last_day ON prices (market, last_day);
"""
_VERSION = 1
_SAME = ("t.price = prices.price AND t.sale_price IS prices.sale_price AND t.sale_start IS prices.sale_start "
         "AND t.currency = prices.currency")
# A run of one SKU covering :day. `+c.last_day` keeps SQLite off the (market, last_day) index, which
# it would otherwise pick for the range and scan every run of the market once per SKU: a second build
# on the same day of a 100,000-SKU catalogue took over ten minutes that way. The primary key
# (market, sku, first_day) finds the SKU's runs directly (tests/test_history.py checks the plans).
_COVERS = ("EXISTS (SELECT 1 FROM prices c WHERE c.market = :market AND c.sku = {sku} "
           "AND c.first_day <= :day AND +c.last_day >= :day)")


@dataclass(frozen=True, slots=True)  # a million of them cross from a worker per market
class DayPrice:
    """One SKU's prices on one day in one market."""

    sku: str
    currency: str
    price: Decimal
    sale_price: Decimal | None  # only when a sale was active that day
    sale_start: date | None = None  # the catalogue's first day of that sale, when it names one

    @property
    def charged(self) -> Decimal:
        return self.sale_price if self.sale_price is not None else self.price


@dataclass(frozen=True)
class Run:
    """Consecutive days with the same prices."""

    market: str
    sku: str
    first_day: date
    last_day: date
    currency: str
    price: Decimal
    sale_price: Decimal | None
    sale_start: date | None = None

    @property
    def charged(self) -> Decimal:
        return self.sale_price if self.sale_price is not None else self.price


@dataclass
class Reference:
    """What the record says about the 30 days before a reduction started."""

    sale_start: date
    lowest: Decimal | None  # lowest price charged on a recorded day of the window; None: no day recorded
    charged: set[Decimal] = field(default_factory=set)  # every price charged on a recorded day of the window
    days_known: int = 0  # recorded days of the window (of WINDOW_DAYS)

    @property
    def window(self) -> tuple[date, date]:
        return self.sale_start - timedelta(days=WINDOW_DAYS), self.sale_start - timedelta(days=1)


def _text(amount: Decimal | None) -> str | None:
    """Canonical decimal text (`1699.5`, `2299`), so equal amounts compare equal in SQL."""
    return None if amount is None else format(amount.normalize(), "f")


_COLUMNS = "market, sku, first_day, last_day, currency, price, sale_price, sale_start"


def _run(row: tuple) -> Run:
    market, sku, first, last, currency, price, sale, start = row
    return Run(market, sku, date.fromisoformat(first), date.fromisoformat(last), currency, Decimal(price),
               None if sale is None else Decimal(sale), None if start is None else date.fromisoformat(start))


class PriceHistory:
    """The database at `path`; `read_only` opens an existing file without ever writing it."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        try:
            if read_only:
                self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
            else:
                self.db = sqlite3.connect(path, timeout=60)
                version = self.db.execute("PRAGMA user_version").fetchone()[0]
                if version not in (0, _VERSION):
                    raise InputError(path, f"price history format {version} is newer than this feedgen ({_VERSION})")
                if version == 0:  # a new file; an existing one is not written just by opening it (same bytes)
                    self.db.executescript(_SCHEMA)
                    self.db.execute(f"PRAGMA user_version = {_VERSION}")
                    self.db.commit()
            self.db.execute("SELECT 1 FROM prices LIMIT 1").fetchall()
        except sqlite3.DatabaseError as error:
            raise InputError(path, f"not a usable price history database ({error})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> PriceHistory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    def record(self, market: str, day: date, prices: Iterable[DayPrice]) -> int:
        """Record one market's prices of `day`; a day recorded again takes the newer prices. Returns the rows given."""
        given = 0

        def rows() -> Iterator[tuple]:  # streamed into SQLite: a million-SKU market is never a list of tuples here
            nonlocal given
            for p in prices:
                given += 1
                yield (p.sku, p.currency, _text(p.price), _text(p.sale_price),
                       p.sale_start.isoformat() if p.sale_price is not None and p.sale_start is not None else None)
        values = {"market": market, "day": day.isoformat(), "prev": (day - timedelta(days=1)).isoformat(),
                  "next": (day + timedelta(days=1)).isoformat()}
        db = self.db
        # BEGIN IMMEDIATE takes the write lock first: a deferred transaction that read before writing
        # could not upgrade while a parallel market build writes, and would fail at once (SQLITE_BUSY)
        # instead of waiting for the busy timeout.
        db.execute("CREATE TEMP TABLE IF NOT EXISTS today (sku TEXT PRIMARY KEY, currency TEXT, price TEXT, "
                   "sale_price TEXT, sale_start TEXT)")
        db.commit()
        db.execute("BEGIN IMMEDIATE")
        with db:
            db.execute("DELETE FROM today")
            db.executemany("INSERT OR REPLACE INTO today VALUES (?, ?, ?, ?, ?)", rows())
            # a day recorded before with other prices: cut it out of its run (rare: a second build the same day)
            stale = db.execute(
                f"SELECT {_COLUMNS} FROM prices WHERE market = :market "
                "AND first_day <= :day AND last_day >= :day AND EXISTS (SELECT 1 FROM today t WHERE t.sku = prices.sku "
                f"AND NOT ({_SAME}))", values).fetchall()
            for row in stale:
                run = _run(row)
                db.execute("DELETE FROM prices WHERE market = ? AND sku = ? AND first_day = ?", (market, run.sku, row[2]))
                for first, last in ((run.first_day, day - timedelta(days=1)), (day + timedelta(days=1), run.last_day)):
                    if first <= last:
                        db.execute("INSERT INTO prices VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                   (market, run.sku, first.isoformat(), last.isoformat(), *row[4:]))
            db.execute(f"UPDATE prices SET last_day = :day WHERE market = :market AND last_day = :prev "
                       f"AND EXISTS (SELECT 1 FROM today t WHERE t.sku = prices.sku AND {_SAME}) "
                       f"AND NOT {_COVERS.format(sku='prices.sku')}", values)
            db.execute(f"UPDATE prices SET first_day = :day WHERE market = :market AND first_day = :next "
                       f"AND EXISTS (SELECT 1 FROM today t WHERE t.sku = prices.sku AND {_SAME}) "
                       f"AND NOT {_COVERS.format(sku='prices.sku')}", values)
            db.execute(f"INSERT INTO prices SELECT :market, t.sku, :day, :day, t.currency, t.price, t.sale_price, t.sale_start "
                       f"FROM today t WHERE NOT {_COVERS.format(sku='t.sku')}", values)
            # a day that closed a gap: the run ending on it and the run starting the next day become one
            _same_pair = ("b.market = prices.market AND b.sku = prices.sku AND b.price = prices.price AND "
                          "b.sale_price IS prices.sale_price AND b.sale_start IS prices.sale_start AND b.currency = prices.currency")
            db.execute(f"UPDATE prices SET last_day = (SELECT b.last_day FROM prices b WHERE b.first_day = :next AND {_same_pair}) "
                       f"WHERE market = :market AND last_day = :day AND sku IN (SELECT sku FROM today) "
                       f"AND EXISTS (SELECT 1 FROM prices b WHERE b.first_day = :next AND {_same_pair})", values)
            db.execute("DELETE FROM prices WHERE market = :market AND first_day = :next AND sku IN (SELECT sku FROM today) "
                       "AND EXISTS (SELECT 1 FROM prices a WHERE a.market = prices.market AND a.sku = prices.sku "
                       "AND a.first_day < prices.first_day AND +a.last_day >= prices.first_day)", values)
        return given

    # ------------------------------------------------------------------ reading
    def runs(self, sku: str, market: str | None = None) -> list[Run]:
        """A SKU's record, by market and day."""
        query = f"SELECT {_COLUMNS} FROM prices WHERE sku = ?"
        arguments: list = [sku]
        if market is not None:
            query += " AND market = ?"
            arguments.append(market)
        return [_run(row) for row in self.db.execute(query + " ORDER BY market, first_day", arguments)]

    def _window_runs(self, market: str, skus: list[str], first: date, last: date) -> Iterator[Run]:
        for start in range(0, len(skus), 500):  # SQLite's bound-parameter limit
            chunk = skus[start:start + 500]
            marks = ",".join("?" * len(chunk))
            query = (f"SELECT {_COLUMNS} FROM prices "  # +last_day: by the key, see _COVERS
                     f"WHERE market = ? AND sku IN ({marks}) AND first_day <= ? AND +last_day >= ?")
            for row in self.db.execute(query, [market, *chunk, last.isoformat(), first.isoformat()]):
                yield _run(row)

    def sale_started(self, market: str, sku: str, day: date, declared: date | None = None) -> date:
        """The first day of a sale running on `day`: the day the catalogue declared (`declared`, or as
        recorded with it), or the first day of the uninterrupted recorded sale leading up to `day`,
        whichever is earlier; `day` itself when neither says otherwise.

        Where a reduction deepened step by step, the prior price is the one before the first step
        (prisopplysningsforskriften §9a; Commission guidance 2021/C 526/02, 2.3), so the run goes back
        over every consecutive day with a sale price, whatever its amount. `day` need not be recorded
        yet (a build reads the record before it adds its own day)."""
        runs = {r.last_day: r for r in self.runs(sku, market) if r.first_day <= day}
        covering = next((r for r in runs.values() if r.first_day <= day <= r.last_day), None)
        start = day
        if covering is not None and covering.sale_price is not None:
            start = covering.first_day
            declared = min(d for d in (declared, covering.sale_start) if d is not None) if declared or covering.sale_start else None
        current = runs.get(start - timedelta(days=1))
        while current is not None and current.sale_price is not None:
            start = current.first_day
            declared = min(d for d in (declared, current.sale_start) if d is not None) if declared or current.sale_start else None
            current = runs.get(current.first_day - timedelta(days=1))
        return min(start, declared) if declared is not None else start

    def references(self, market: str, starts: dict[str, date], currency: str) -> dict[str, Reference]:
        """Per SKU: the lowest price charged in the WINDOW_DAYS before its sale started (`starts`)."""
        references = {sku: Reference(start, None) for sku, start in starts.items()}
        by_start: dict[date, list[str]] = {}
        for sku, start in starts.items():
            by_start.setdefault(start, []).append(sku)
        for start, skus in by_start.items():
            first, last = start - timedelta(days=WINDOW_DAYS), start - timedelta(days=1)
            for run in self._window_runs(market, sorted(skus), first, last):
                if run.currency != currency:  # a price in another currency is not a price of this market's page
                    continue
                reference = references[run.sku]
                reference.charged.add(run.charged)
                reference.days_known += (min(run.last_day, last) - max(run.first_day, first)).days + 1
                if reference.lowest is None or run.charged < reference.lowest:
                    reference.lowest = run.charged
        return references


def stage_copy(out_dir: Path, stage_root: Path) -> Path:
    """Copy the published history into a build's stage (a copy: the live file must not change
    before the publish swap). Returns the staged path; a first build starts an empty one."""
    published, staged = out_dir / FILE, stage_root / FILE
    if published.is_file():
        shutil.copyfile(published, staged)
    PriceHistory(staged).close()  # create or check it now, so a broken file stops the build before rendering
    return staged


def read_history(out_dir: Path) -> PriceHistory | None:
    """The published history, read-only; None before the first build."""
    return read_history_file(out_dir / FILE)


def day_prices(offers, currency: str) -> list[DayPrice]:
    """A market's resolved offers (the rows the feeds write) as the record of one day: the shelf
    price, and the sale price where a sale is active. SKUs without a valid price are not offered, so
    not recorded."""
    priced = offers[offers["price"].notna()]
    return [DayPrice(str(sku), currency, price, sale if active and sale is not None else None, start)
            for sku, price, sale, active, start in zip(priced["sku"], priced["price"], priced["sale_price"],
                                                       priced["sale_active"], priced["sale_start"])]


def read_history_file(path: Path | None) -> PriceHistory | None:
    """A history database read-only (the stage's copy during a build), or None when there is none."""
    return PriceHistory(path, read_only=True) if path is not None and path.is_file() else None
