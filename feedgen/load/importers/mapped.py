"""Any CSV / XLSX with its own column names, through the [columns] table of a mapping file.

One source row is one SKU. Each native field comes from a column, several columns joined, or a
constant, then through the field's transforms (see settings.FieldSpec for the order).
"""

from __future__ import annotations

from decimal import InvalidOperation
from pathlib import Path

import pandas as pd

from feedgen.load.catalogue_columns import REQUIRED_COLUMNS
from feedgen.load.numbers import parse_decimal
from feedgen.errors import InputError
from feedgen.load.importers.common import ImportLog, plain_text_column
from feedgen.load.importers.detect import header_key
from feedgen.load.importers.settings import FieldSpec, ImportSettings


def _multiply(text: str, factor) -> str:
    try:
        value = parse_decimal(text)
    except (ValueError, InvalidOperation):
        return text  # left as written: the catalogue check reports it with its SKU
    return "" if value is None else format((value * factor).normalize(), "f")


def _field(raw: pd.DataFrame, by_key: dict[str, str], spec: FieldSpec) -> pd.Series:
    if spec.value is not None:
        values = pd.Series(spec.value, index=raw.index, dtype=object)
    elif spec.column is not None:
        values = raw[by_key[header_key(spec.column)]].astype(str).str.strip()
    else:
        parts = [raw[by_key[header_key(c)]].astype(str).str.strip() for c in spec.columns]
        values = pd.concat(parts, axis=1).agg(lambda row: spec.join.join(p for p in row if p), axis=1)
    if spec.strip_html:
        values = plain_text_column(values)
    if spec.split is not None:
        parts = values.str.split(spec.split, regex=False).map(lambda items: [p.strip() for p in items if p.strip()])
        if spec.index is not None:
            values = parts.map(lambda items: items[spec.index] if spec.index < len(items) else "")
        else:
            values = parts.map("|".join)  # the catalogue's list separator
    if spec.mapping:
        values = values.map(lambda v: spec.mapping.get(v.casefold(), v))
    if spec.multiply is not None:
        values = values.map(lambda v: _multiply(v, spec.multiply) if v else v)
    if spec.default:
        values = values.where(values.ne(""), spec.default)
    return values


def import_mapped(path: Path, raw: pd.DataFrame, settings: ImportSettings, log: ImportLog) -> pd.DataFrame:
    mapping_path = settings.path or Path("mapping.toml")
    if not settings.columns:
        raise InputError(mapping_path, "--catalogue-format mapped needs a [columns] table: our field = source column")
    # brand may be left out: it defaults to the project's brand from markets.toml
    missing = [c for c in REQUIRED_COLUMNS if c not in settings.columns and c not in settings.defaults and c != "brand"]
    if missing:
        raise InputError(mapping_path, f"[columns] has no {', '.join(missing)} (required: {', '.join(REQUIRED_COLUMNS)})")
    by_key = {header_key(c): c for c in raw.columns}
    for spec in settings.columns.values():
        for column in spec.sources():
            if header_key(column) not in by_key:
                shown = ", ".join(repr(str(c)) for c in list(raw.columns)[:12])
                raise InputError(mapping_path, f"columns.{spec.field}: no column {column!r} in {path.name} (it has {shown}…)",
                                 row=spec.line)
    frame = pd.DataFrame({name: _field(raw, by_key, spec) for name, spec in settings.columns.items()}, index=raw.index)
    frame["source_row"] = range(2, len(raw) + 2)
    return frame
