"""Read a catalogue (CSV, XLSX or JSON) into one validated DataFrame.

Two kinds of problems, kept apart on purpose:
- the file cannot be used at all (unreadable, missing column, duplicate SKU, no rows): an
  InputError, one line naming file, row and column, and nothing gets built;
- one row is wrong: a Diagnostic for that SKU, the bad value cleared, every other row kept.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterator, NamedTuple

import numpy as np
import pandas as pd

from feedgen.diagnostics import Diagnostic
from feedgen.errors import InputError
from feedgen.load.catalogue_columns import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from feedgen.columns import map_distinct, share_equal, strip_column
from feedgen.load.csvfile import normalise_header, read_csv, read_csv_chunks
from feedgen.load.gtin import gtin_problem_column
from feedgen.load.importers import ImportSettings, detect_format, import_frame, load_settings
from feedgen.load.numbers import AmbiguousNumber, count_column, parse_decimal
from feedgen.load.pricing import MAX_BASE_PRICE
from feedgen.text import clean_text, has_unsafe_characters, needs_neutralising, strip_html
from feedgen.load.workbook import read_workbook

MAX_COUNT = 10**9  # stock, weight in grams, review counts: anything at or above this is a column mix-up
CSV_SUFFIXES = (".csv", ".txt", ".tsv", "")
UNIQUE_COLUMNS = ("sku", "gtin", "mpn")  # one value per row: nothing to share (see share_equal)
GENDERS = ("female", "male", "unisex")
AGE_GROUPS = ("newborn", "infant", "toddler", "kids", "adult")


@dataclass
class Catalogue:
    path: Path
    items: pd.DataFrame  # one row per SKU; money columns hold Decimal or None
    diagnostics: list[Diagnostic]
    format: str = "native"  # or the export it was imported from (feedgen.load.importers)
    prices_market: str = ""  # set when the file holds that market's shelf prices, not base prices
    currency: str = ""  # the currency an export's mapping file declares ([import] currency); '' = not said
    mapping: Path | None = None  # the mapping file read with it, if any
    # Streamed (stream_catalogue): the checked rows pickled a chunk at a time, in catalogue order, and each
    # chunk's sku and style_id joined by KEY_SEPARATOR; `items` then has no rows.
    chunks: list[Path] = field(default_factory=list)
    packed_keys: list[tuple[str, str, int]] = field(default_factory=list)

    def keys(self) -> pd.DataFrame:
        """sku and style_id of every row, in catalogue order: what the checks across the catalogue read."""
        if not self.packed_keys:
            return self.items[["sku", "style_id"]]
        return pd.DataFrame({"sku": _unpack(self.packed_keys, 0), "style_id": _unpack(self.packed_keys, 1)})

    def read_chunks(self) -> Iterator[pd.DataFrame]:
        """A streamed catalogue's rows, a chunk at a time (index: the row's position in the catalogue)."""
        for path in self.chunks:
            with path.open("rb") as handle:
                yield pickle.load(handle)  # noqa: S301 - written by stream_catalogue into the build's own directory


KEY_SEPARATOR = "\0"  # in no checked value: the catalogue removes the characters XML cannot carry


def _unpack(packed: list[tuple[str, str, int]], column: int) -> list[str]:
    if column == 0:
        return [value for skus, _, count in packed if count for value in skus.split(KEY_SEPARATOR)]
    # a style id repeats for each of its SKUs: one object per distinct id, as columns.share_equal keeps them
    # (at a million SKUs, about 50 MB less while the slices are cut and the channels read the keys)
    shared: dict[str, str] = {}
    return [shared.setdefault(value, value) for _, styles, count in packed if count
            for value in styles.split(KEY_SEPARATOR)]


# ----------------------------------------------------------------------------- reading
def _read_any(path: Path, sheet: str | None = None) -> pd.DataFrame:
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a directory, expected a catalogue file (.csv, .xlsx or .json)")
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            return read_csv(path)
        if suffix in (".xlsx", ".xlsm"):
            return read_workbook(path, sheet)
        if suffix == ".json":
            frame = pd.read_json(path, orient="records", dtype=False)
            return frame.astype(object).where(frame.notna(), "").astype(str)
    except InputError:
        raise
    except (ValueError, OSError, KeyError) as exc:
        raise _unreadable(path, exc) from None
    raise InputError(path, f"unsupported catalogue format {suffix!r} (use .csv, .xlsx or .json)")


def _unreadable(path: Path, exc: Exception) -> InputError:
    """A file the reader gave up on, as one line: the reader's first line of explanation."""
    return InputError(path, f"cannot read {path.suffix.lower() or 'file'}: {str(exc).splitlines()[0]}")


# ----------------------------------------------------------------------------- value parsing
def _money_column(frame: pd.DataFrame, column: str, diagnostics: list[Diagnostic], severity: str) -> pd.Series:
    """Parse a money column; unusable values become None plus one diagnostic per SKU. Each
    distinct text is parsed and judged once (a style's sizes share their price)."""
    problems = {
        "invalid": "{column} {text!r} is not a number",
        "ambiguous": "{column} {text!r} is ambiguous (thousands or decimals?): write it with its decimals, "
                     "e.g. 2499.00, 2.499,00 or 2,499.00",
        "not_positive": "{column} {text!r} must be greater than zero",
        "too_large": "{column} {text!r} is not a plausible price (a GTIN or stock count in the wrong column?)",
    }
    verdicts: dict[str, Decimal | None | str] = {}
    for text in frame[column].unique():
        try:
            value = parse_decimal(text)
        except AmbiguousNumber:
            value = "ambiguous"
        except (ValueError, InvalidOperation):
            value = "invalid"
        if isinstance(value, Decimal):
            value = "not_positive" if value <= 0 else "too_large" if value >= MAX_BASE_PRICE else value
        verdicts[text] = value
    parsed = frame[column].map(verdicts)
    for problem, message in problems.items():  # one rule after the other, as reports list them
        hit = parsed.eq(problem)
        for sku, text in frame.loc[hit, ["sku", column]].itertuples(index=False):
            diagnostics.append(Diagnostic(f"catalogue.{column}.{problem}", severity,
                                          message.format(column=column, text=text), sku=sku, field=column))
    usable = {text: value if isinstance(value, Decimal) else None for text, value in verdicts.items()}
    return frame[column].map(usable).astype(object)


def _flag(frame, mask, rule, severity, field, message, diagnostics) -> None:
    for sku, value in frame.loc[mask, ["sku", field]].itertuples(index=False):
        diagnostics.append(Diagnostic(rule, severity, message.format(value=value), sku=sku, field=field))


# ----------------------------------------------------------------------------- validation
def _check_structure(path: Path, frame: pd.DataFrame, source_rows: pd.Series | None = None) -> pd.DataFrame:
    frame.columns = normalise_header(frame.columns)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        hint = "; for a shop export use --catalogue-format or a --mapping file" if len(missing) > 3 else ""
        raise InputError(path, f"required column {', '.join(repr(c) for c in missing)} is missing{hint}", row=1, column=missing[0])
    if frame.empty:
        raise InputError(path, "no rows: the catalogue has a header but no products", row=2)
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)].copy()
    frame.insert(0, "source_row", range(2, len(frame) + 2) if source_rows is None else source_rows.to_numpy())
    for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        frame[column] = strip_column(frame[column].astype(str))
    return frame


def _check_duplicates(path: Path, skus: pd.Series, source_rows: pd.Series) -> None:
    """The same SKU twice is unusable input: which row the feeds should carry is anyone's guess."""
    duplicated = skus.ne("") & skus.duplicated(keep="first")
    if duplicated.any():
        sku = skus[duplicated].iloc[0]
        row = int(source_rows[duplicated].iloc[0])
        first = int(source_rows[skus.eq(sku)].iloc[0])
        raise InputError(path, f"duplicate sku {sku!r} (first seen on row {first})", row=row, column="sku")


def load_catalogue(
    path: str | Path, format: str = "auto", mapping: str | Path | None = None, defaults: dict[str, str] | None = None,
) -> Catalogue:
    """Read a native catalogue or a shop export (`format`: see feedgen.load.importers.FORMATS).

    `mapping` is a mapping file (import settings, and the columns of a `mapped` file); `defaults`
    fill fields an export leaves empty (the build passes the project's brand).
    """
    path = Path(path)
    settings = load_settings(mapping) if mapping else ImportSettings()
    raw, diagnostics, format = import_frame(path, _read_any(path, settings.sheet), format, settings, defaults or {})
    source_rows = raw.pop("source_row") if format != "native" else None
    frame = _check_structure(path, raw, source_rows)
    del raw  # its cells are in `frame` now: the read frame's own arrays go before the checks below
    _check_duplicates(path, frame["sku"], frame["source_row"])
    return Catalogue(path=path, items=_validate(frame, diagnostics), diagnostics=diagnostics, format=format,
                     prices_market=settings.prices_market, currency=settings.currency, mapping=settings.path)


def stream_catalogue(path: str | Path, format: str = "auto", mapping: str | Path | None = None,
                     defaults: dict[str, str] | None = None, *, directory: Path, rows: int) -> Catalogue | None:
    """load_catalogue `rows` rows at a time, for a catalogue too big to hold: each chunk is checked (every check
    but the one for duplicate SKUs is row by row: _validate) and pickled into `directory`, and only the SKUs
    and style ids stay in memory, packed into a string per chunk so that no chunk's heap pages stay pinned.
    The rows and diagnostics are load_catalogue's. Only a native CSV of base prices streams; for anything
    else (an export, whose importer reads whole products; a workbook; an unreadable file) the answer is
    None: load it whole."""
    path = Path(path)
    settings = load_settings(mapping) if mapping else ImportSettings()
    if (format not in ("auto", "native") or not path.is_file() or path.suffix.lower() not in CSV_SUFFIXES
            or settings.prices_market or settings.currency):
        return None
    try:
        chunks = read_csv_chunks(path, rows)
        if chunks is None:
            return None
        diagnostics: list[Diagnostic] = []
        catalogue = Catalogue(path=path, items=pd.DataFrame(), diagnostics=diagnostics, mapping=settings.path)
        seen_skus: list[SeenSkus] = []  # each chunk's non-blank SKUs as read, their rows and hashes
        read = kept = 0
        for number, raw in enumerate(chunks):
            if number == 0 and format == "auto" and detect_format(raw.columns, bool(settings.columns)) != "native":
                chunks.close()
                return None
            frame = _check_structure(path, raw, pd.Series(range(read + 2, read + 2 + len(raw))))
            read += len(raw)
            del raw
            named = frame["sku"].ne("")
            seen = frame.loc[named, "sku"].to_numpy(dtype=object)
            seen_skus.append(SeenSkus(KEY_SEPARATOR.join(seen), frame.loc[named, "source_row"].to_numpy(),
                                      pd.util.hash_array(seen)))
            del seen
            frame = _validate(frame, diagnostics, start=kept)
            kept += len(frame)
            catalogue.packed_keys.append((KEY_SEPARATOR.join(frame["sku"]), KEY_SEPARATOR.join(frame["style_id"]),
                                          len(frame)))
            catalogue.chunks.append(directory / f"chunk-{number:05d}.pickle")
            with catalogue.chunks[-1].open("wb") as handle:
                pickle.dump(frame, handle, protocol=pickle.HIGHEST_PROTOCOL)
            if number == 0:
                catalogue.items = frame.iloc[0:0].copy()  # the columns and their types; no view of the rows
            del frame
    except InputError:
        raise
    except (ValueError, OSError, KeyError) as exc:
        raise _unreadable(path, exc) from None
    _check_duplicate_hashes(path, seen_skus)
    return catalogue


class SeenSkus(NamedTuple):
    """A chunk's non-blank SKUs as read (before cleaning, as load_catalogue checks them)."""

    packed: str  # joined by KEY_SEPARATOR
    rows: np.ndarray  # each one's source row
    hashes: np.ndarray  # each one's 64-bit hash (pandas.util.hash_array)


def _check_duplicate_hashes(path: Path, chunks: list[SeenSkus]) -> None:
    """_check_duplicates over a streamed catalogue without a string object per SKU: equal SKUs have equal hashes,
    so sorting the 8-byte hashes finds every row that might repeat one (usually none), and only those rows'
    SKUs are unpacked and checked, in catalogue order, by _check_duplicates itself (same error, same rows)."""
    if not chunks:
        return
    hashes = np.concatenate([chunk.hashes for chunk in chunks])
    order = np.argsort(hashes, kind="stable")
    ranked = hashes[order]
    repeats = np.flatnonzero(ranked[1:] == ranked[:-1])
    del hashes, ranked
    if not len(repeats):
        return
    candidates = np.unique(np.concatenate([order[repeats], order[repeats + 1]]))  # positions, catalogue order
    starts = np.cumsum([0, *(len(chunk.rows) for chunk in chunks)])
    skus: list[str] = []
    rows: list[int] = []
    for number in np.unique(np.searchsorted(starts, candidates, side="right") - 1):
        chunk, start = chunks[number], starts[number]
        values = chunk.packed.split(KEY_SEPARATOR)
        for position in candidates[(candidates >= start) & (candidates < starts[number + 1])] - start:
            skus.append(values[position])
            rows.append(int(chunk.rows[position]))
    _check_duplicates(path, pd.Series(skus, dtype=object), pd.Series(rows))


def _validate(frame: pd.DataFrame, diagnostics: list[Diagnostic], start: int = 0) -> pd.DataFrame:
    """Check and parse every row on its own (nothing here looks at another row), so a catalogue read in chunks
    gets the same rows and diagnostics as one read whole. `start`: the first kept row's position in the catalogue."""
    blank_sku = frame["sku"].eq("")
    for row in frame.loc[blank_sku, "source_row"]:
        diagnostics.append(Diagnostic("catalogue.sku.missing", "error", f"row {row} has no sku and was skipped", field="sku"))
    frame = frame.loc[~blank_sku]
    frame.index = pd.RangeIndex(start, start + len(frame))

    for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        if not _any_unsafe(frame[column].tolist()):
            continue  # C-speed scans of the column; the per-row work only runs where needed
        cleaned = frame[column].map(clean_text)
        changed = cleaned.ne(frame[column])
        frame[column] = cleaned
        _flag(frame, changed, f"catalogue.{column}.control_characters", "warning", column,
              "removed characters that XML and feeds cannot carry", diagnostics)
    has_markup = frame["description"].str.contains("<", regex=False)
    frame.loc[has_markup, "description"] = frame.loc[has_markup, "description"].map(strip_html)

    for column in ("title", "description", "brand", "style_id"):
        _flag(frame, frame[column].eq(""), f"catalogue.{column}.missing", "error", column, f"{column} is empty", diagnostics)

    # An identifier that starts like a formula is usually a spreadsheet accident (a typed `=` or `-`);
    # XML and JSON carry it, but a CSV feed only with a leading apostrophe, i.e. as another id.
    for column, effect in (("sku", "Meta leaves the SKU out (meta.id.formula_prefix)"),
                           ("style_id", "Meta gets item_group_id with a leading apostrophe")):
        _flag(frame, map_distinct(frame[column], needs_neutralising), f"catalogue.{column}.formula_like", "warning",
              column, f"{column} {{value!r}} starts with = + - or @ like a spreadsheet formula (a spreadsheet "
              f"accident?); CSV feeds cannot carry it unchanged: {effect}", diagnostics)

    frame["price"] = _money_column(frame, "price", diagnostics, "error")
    frame["sale_price"] = _money_column(frame, "sale_price", diagnostics, "warning")
    _check_sales(frame, diagnostics)

    gtin_problems = pd.Series(gtin_problem_column(frame["gtin"].tolist()), index=frame.index, dtype=object)
    bad_gtin = gtin_problems.notna()
    for sku, gtin, problem in zip(frame.loc[bad_gtin, "sku"], frame.loc[bad_gtin, "gtin"], gtin_problems[bad_gtin]):
        diagnostics.append(Diagnostic("catalogue.gtin.invalid", "error", f"gtin {gtin!r}: {problem}", sku=sku, field="gtin"))
    frame["gtin_valid"] = frame["gtin"].ne("") & ~bad_gtin

    for column in ("image_link",):
        url = frame[column]
        not_web = url.ne("") & ~url.str.match(r"^https?://[^\s/]+\.[^\s]+$")
        _flag(frame, not_web, f"catalogue.{column}.invalid", "error", column, "{value!r} is not an http(s) URL", diagnostics)
        frame.loc[not_web, column] = ""
        _flag(frame, url.eq(""), f"catalogue.{column}.missing", "error", column, "no image", diagnostics)
    _check_additional_images(frame, diagnostics)

    for column, allowed in (("gender", GENDERS), ("age_group", AGE_GROUPS)):
        frame[column] = frame[column].str.lower()
        # Empty is no error here: whether an item needs a gender or age group depends on its Google category
        # (apparel only), which the channels judge; a value that is none of the platforms' words is an error.
        unknown = frame[column].ne("") & ~frame[column].isin(allowed)
        _flag(frame, unknown, f"catalogue.{column}.invalid", "error", column,
              "{value!r} is not one of " + ", ".join(allowed), diagnostics)
        frame.loc[unknown, column] = ""

    stock = count_column(frame["stock"], whole=True)
    # Above MAX_COUNT it is no stock count (an EAN in the wrong column) and would overflow int64.
    bad_stock = stock.isna() | (stock < 0) | (stock % 1 != 0) | (stock > MAX_COUNT)
    _flag(frame, bad_stock, "catalogue.stock.invalid", "warning", "stock",
          "stock {value!r} is not a whole number ≥ 0; treated as out of stock", diagnostics)
    frame["stock"] = stock.where(~bad_stock, 0).astype("int64")

    for column in ("rating", "review_count", "weight_g"):
        numeric = count_column(frame[column], whole=column == "review_count")
        numeric = numeric.where(numeric.abs() < MAX_COUNT)  # inf, 1e300: not a weight or count (and no int64)
        _flag(frame, numeric.isna() & frame[column].ne(""), f"catalogue.{column}.invalid", "warning", column,
              "{value!r} is not a usable number and was ignored", diagnostics)
        frame[column] = numeric
    out_of_range = frame["rating"].notna() & ~frame["rating"].between(0, 5)
    frame.loc[out_of_range | frame["review_count"].fillna(0).le(0), ["rating", "review_count"]] = float("nan")

    # An explicit handle is the shop's own URL slug (Shopify allows non-ASCII, WooCommerce "_"): kept as
    # written, and percent-encoded where a link is built. Only the fallback from style_id is slugified.
    fallback = frame["style_id"].str.lower().str.replace(r"[^a-z0-9-]+", "-", regex=True).str.strip("-")
    frame["handle"] = frame["handle"].where(frame["handle"].ne(""), fallback)
    for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        if column not in UNIQUE_COLUMNS and frame[column].dtype != "float64":
            frame[column] = share_equal(frame[column])
    return frame


def _any_unsafe(values: list[str], block: int = 10_000) -> bool:
    """Whether any value has a character feeds cannot carry: one regex scan per block of values joined (a
    whole column joined would be one string of hundreds of MB at a million descriptions, four times that
    once a single character is outside Latin-1)."""
    return any(has_unsafe_characters("\n".join(values[start:start + block])) for start in range(0, len(values), block))


_WEB_URL = re.compile(r"^https?://\S+$")


def _check_additional_images(frame: pd.DataFrame, diagnostics: list[Diagnostic]) -> None:
    """Keep the http(s) URLs of each `|`-joined cell; one warning per SKU that lost any. Each distinct
    cell is split once (a style's variants usually share theirs)."""
    kept: dict[str, str] = {}
    dropped: dict[str, str] = {}
    for cell in frame["additional_image_links"].unique():
        urls = [url.strip() for url in cell.split("|") if url.strip()]
        kept[cell] = "|".join(url for url in urls if _WEB_URL.match(url))
        dropped[cell] = ", ".join(repr(url) for url in urls if not _WEB_URL.match(url))
    lost = frame["additional_image_links"].map(dropped)
    for sku, urls in zip(frame.loc[lost.ne(""), "sku"], lost[lost.ne("")]):
        diagnostics.append(Diagnostic("catalogue.additional_image_links.invalid", "warning",
                                      f"left out additional image link(s) that are not http(s) URLs: {urls}",
                                      sku=sku, field="additional_image_links"))
    # the column's own type, whatever the values: pandas infers a mapped column's type from them (str, or object
    # for some), and a catalogue read in chunks must come out typed as one read whole
    frame["additional_image_links"] = frame["additional_image_links"].map(kept).astype(frame["additional_image_links"].dtype)


def _check_sales(frame: pd.DataFrame, diagnostics: list[Diagnostic]) -> None:
    """A sale needs a price below the regular one and, if given, a readable window."""
    start = pd.to_datetime(frame["sale_start"], format="%Y-%m-%d", errors="coerce")
    end = pd.to_datetime(frame["sale_end"], format="%Y-%m-%d", errors="coerce")
    has_sale = frame["sale_price"].notna()
    for column, parsed in (("sale_start", start), ("sale_end", end)):
        bad = has_sale & frame[column].ne("") & parsed.isna()
        _flag(frame, bad, f"catalogue.{column}.invalid", "warning", column,
              "{value!r} is not a date YYYY-MM-DD; sale ignored", diagnostics)
        has_sale &= ~bad
    backwards = has_sale & start.notna() & end.notna() & (start > end)
    _flag(frame, backwards, "catalogue.sale_end.before_start", "warning", "sale_end", "sale ends before it starts; sale ignored", diagnostics)
    has_sale &= ~backwards
    comparable = has_sale & frame["price"].notna()
    not_below = pd.Series(False, index=frame.index)
    not_below[comparable] = frame.loc[comparable, "sale_price"] >= frame.loc[comparable, "price"]
    _flag(frame, not_below, "catalogue.sale_price.not_below_price", "warning", "sale_price",
          "sale price {value} is not below the regular price; sale ignored", diagnostics)
    has_sale &= ~not_below
    frame["sale_price"] = frame["sale_price"].where(has_sale, None).astype(object)
    # Built from Python objects: with no date at all, pandas 3 keeps `.dt.date` datetime64 and None turns into NaT.
    for column, parsed in (("sale_start", start), ("sale_end", end)):
        days = [day.date() if keep and not pd.isna(day) else None for day, keep in zip(parsed, has_sale)]
        frame[column] = pd.Series(days, index=frame.index, dtype=object)
