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
(the nightly workflow's cache) restores the history with it. That is also why a writer keeps
SQLite's rollback journal in memory (`PriceHistory`): the file it writes is that staged copy.

Speed: the building process records every market's prices (100,000 SKUs x 8 markets are 800,000
rows a build), serially while the workers render, so the prices reach it as `PriceBatch`es of
JSON text that SQLite reads itself, and a market's first day, or a day after all it has recorded
(every daily build), skips the statements that only a day recorded before can need.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator, Sequence

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
# A row of a PriceBatch (json_each's `value`): the SKU, then the columns after the days, in table order.
_JSON_SKU = "json_extract(value, '$[0]')"
_JSON_PRICES = ", ".join(f"json_extract(value, '$[{n}]')" for n in range(1, 5))
_COVERS = ("EXISTS (SELECT 1 FROM prices c WHERE c.market = :market AND c.sku = {sku} "
           "AND c.first_day <= :day AND +c.last_day >= :day)")


@dataclass(frozen=True, slots=True)
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

    def row(self) -> list[str | None]:
        return _row(self.sku, self.currency, self.price, self.sale_price, self.sale_start)


def _row(sku: str, currency: str, price: Decimal, sale_price: Decimal | None,
         sale_start: date | None) -> list[str | None]:
    """A day price as the record stores it: [sku, currency, price, sale_price, sale_start] as text;
    the sale's start only with a sale price."""
    return [sku, currency, _text(price), _text(sale_price),
            sale_start.isoformat() if sale_price is not None and sale_start is not None else None]


@dataclass(frozen=True, slots=True)
class PriceBatch:
    """Day prices in the record's text form (`DayPrice.row`), as one JSON array of rows.

    Why JSON: a worker turns a slice of a market into one string, and SQLite reads it back with
    json_each, in C. Recording a million prices then takes no Python object per price in the building
    process, which records every market serially while the workers render: unpickling DayPrice
    objects took about a second per 100,000 there, and executemany binds every row from Python."""

    rows: str  # a JSON array of [sku, currency, price, sale_price, sale_start]
    count: int

    @classmethod
    def of(cls, rows: Sequence[list[str | None]]) -> PriceBatch:
        # ensure_ascii=False: text stays UTF-8 as it is, not \u escapes for SQLite's JSON reader to decode
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        # SQLite's JSON reader ends a string at an escaped NUL; loading removes control characters from
        # SKUs (feedgen.text.clean_text), so one here is a caller's bug, not a SKU to cut short silently.
        # json.dumps writes a NUL as \u0000: without that text in the batch (one scan in C) no row has one.
        if "\\u0000" in text and any("\x00" in value for row in rows for value in row[:2] if value):
            raise ValueError("a SKU or currency with a NUL character cannot be recorded")
        return cls(text, len(rows))


def _batches(prices: Iterable[DayPrice | PriceBatch], size: int = 10_000) -> Iterator[PriceBatch]:
    """`prices` as batches, in order: batches as they are, DayPrice objects gathered `size` at a time."""
    loose: list[list[str | None]] = []
    for price in prices:
        if isinstance(price, PriceBatch):
            if loose:
                yield PriceBatch.of(loose)
                loose = []
            yield price
            continue
        loose.append(price.row())
        if len(loose) == size:
            yield PriceBatch.of(loose)
            loose = []
    if loose:
        yield PriceBatch.of(loose)


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
                # A writer writes a build's staged copy (stage_copy), which a build that fails or is killed
                # never publishes: a journal file beside it, written and fsynced at every market's commit,
                # would guard nothing. Kept in memory it still rolls back a statement or market that fails.
                self.db.execute("PRAGMA journal_mode = MEMORY")
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
    def record(self, market: str, day: date, prices: Iterable[DayPrice | PriceBatch]) -> int:
        """Record one market's prices of `day`; a day recorded again takes the newer prices. Returns the rows given.

        The rows come out the same whichever way (tests/test_history_paths.py): a market's first day
        is inserted as it is; a day after the market's last recorded day (every daily build) extends
        or starts runs; only a day recorded before, or one that falls before the last, needs the
        statements that cut a run, extend one backwards or join two across it."""
        values = {"market": market, "day": day.isoformat(), "prev": (day - timedelta(days=1)).isoformat(),
                  "next": (day + timedelta(days=1)).isoformat()}
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS today (sku TEXT PRIMARY KEY, currency TEXT, price TEXT, "
                   "sale_price TEXT, sale_start TEXT)")
        db.commit()
        # BEGIN IMMEDIATE takes the write lock first: a deferred transaction that read before writing
        # could not upgrade while a parallel market build writes, and would fail at once (SQLITE_BUSY)
        # instead of waiting for the busy timeout.
        db.execute("BEGIN IMMEDIATE")
        with db:
            # by the (market, last_day) index: one step, not a scan
            latest = db.execute("SELECT max(last_day) FROM prices WHERE market = ?", (market,)).fetchone()[0]
            if latest is None:  # nothing to extend, cut or join; OR REPLACE keeps a repeated SKU's last row, as `today` does
                return self._load(f"INSERT OR REPLACE INTO prices SELECT :market, {_JSON_SKU}, :day, :day, "
                                  f"{_JSON_PRICES} FROM json_each(:rows)", prices, values)
            db.execute("DELETE FROM today")
            given = self._load(f"INSERT OR REPLACE INTO today SELECT {_JSON_SKU}, {_JSON_PRICES} FROM json_each(:rows)",
                               prices, values)
            recorded_before = latest >= values["day"]  # else no run covers, starts after or ends after `day`
            if recorded_before:
                self._cut_stale(market, day, values)
            uncovered = f"AND NOT {_COVERS.format(sku='prices.sku')}" if recorded_before else ""  # else none covers it
            db.execute(f"UPDATE prices SET last_day = :day WHERE market = :market AND last_day = :prev "
                       f"AND EXISTS (SELECT 1 FROM today t WHERE t.sku = prices.sku AND {_SAME}) {uncovered}", values)
            if recorded_before:
                db.execute(f"UPDATE prices SET first_day = :day WHERE market = :market AND first_day = :next "
                           f"AND EXISTS (SELECT 1 FROM today t WHERE t.sku = prices.sku AND {_SAME}) "
                           f"AND NOT {_COVERS.format(sku='prices.sku')}", values)
            db.execute("INSERT INTO prices SELECT :market, t.sku, :day, :day, t.currency, t.price, t.sale_price, "
                       f"t.sale_start FROM today t WHERE NOT {_COVERS.format(sku='t.sku')}", values)
            if recorded_before:
                self._join_across(values)
        return given

    def _load(self, statement: str, prices: Iterable[DayPrice | PriceBatch], values: dict[str, str]) -> int:
        """Run `statement` (which reads `json_each(:rows)`) once per batch of `prices`; returns the rows given."""
        given = 0
        for batch in _batches(prices):
            self.db.execute(statement, {**values, "rows": batch.rows})
            given += batch.count
        return given

    def _cut_stale(self, market: str, day: date, values: dict[str, str]) -> None:
        """A day recorded before with other prices: cut it out of its run (rare: a second build the same day)."""
        db = self.db
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

    def _join_across(self, values: dict[str, str]) -> None:
        """A day that closed a gap: the run ending on it and the run starting the next day become one."""
        db = self.db
        same_pair = ("b.market = prices.market AND b.sku = prices.sku AND b.price = prices.price AND "
                     "b.sale_price IS prices.sale_price AND b.sale_start IS prices.sale_start AND b.currency = prices.currency")
        db.execute(f"UPDATE prices SET last_day = (SELECT b.last_day FROM prices b WHERE b.first_day = :next AND {same_pair}) "
                   f"WHERE market = :market AND last_day = :day AND sku IN (SELECT sku FROM today) "
                   f"AND EXISTS (SELECT 1 FROM prices b WHERE b.first_day = :next AND {same_pair})", values)
        db.execute("DELETE FROM prices WHERE market = :market AND first_day = :next AND sku IN (SELECT sku FROM today) "
                   "AND EXISTS (SELECT 1 FROM prices a WHERE a.market = prices.market AND a.sku = prices.sku "
                   "AND a.first_day < prices.first_day AND +a.last_day >= prices.first_day)", values)

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


def day_prices(offers, currency: str) -> PriceBatch:
    """A market's resolved offers (the rows the feeds write) as the record of one day: the shelf
    price, and the sale price where a sale is active. SKUs without a valid price are not offered, so
    not recorded. Made in the worker that resolved them, so the text the record stores is made in parallel."""
    priced = offers[offers["price"].notna()]
    columns = zip(priced["sku"], priced["price"], priced["sale_price"], priced["sale_active"], priced["sale_start"])
    return PriceBatch.of([_row(str(sku), currency, price, sale if active and sale is not None else None, start)
                          for sku, price, sale, active, start in columns])


def read_history_file(path: Path | None) -> PriceHistory | None:
    """A history database read-only (the stage's copy during a build), or None when there is none."""
    return PriceHistory(path, read_only=True) if path is not None and path.is_file() else None
