"""The mapping file (`--mapping mapping.toml`): import settings for any export, and for
`--catalogue-format mapped` the column mapping itself.

    [import]
    sheet = "Products"          # XLSX sheet (default: the first)
    currency = "USD"            # the currency of the file's prices (default: the project's base_currency, with a warning)
    prices_market = "US"        # the market whose shelf prices the file holds (default: the one market in `currency`)

    [defaults]                  # used where an export leaves a field empty
    age_group = "adult"

    [columns]                   # our field = source column, or a table with a constant / transforms
    sku = "Art.nr"
    title = { columns = ["Merke", "Navn"], join = " " }
    price = { column = "Pris eks. mva", multiply = 1.25 }

Everything is checked when the file is read: an unknown key, field or transform is an InputError
naming the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from feedgen.importers.common import NATIVE_COLUMNS
from feedgen.tomlfile import TomlFile, read_toml

NOT_DEFAULTABLE = frozenset({"sku", "style_id", "gtin", "mpn", "price", "sale_price", "sale_start", "sale_end", "stock"})
SPEC_KEYS = frozenset({"column", "columns", "value", "join", "split", "index", "strip_html", "multiply", "map", "default"})


@dataclass(frozen=True)
class FieldSpec:
    """How one native field is made from the source row. Steps run in this order:
    source (column | columns joined | value) -> strip_html -> split (and index) -> map -> multiply -> default."""

    field: str
    line: int | None
    column: str | None = None
    columns: tuple[str, ...] = ()
    value: str | None = None
    join: str = " "
    split: str | None = None
    index: int | None = None
    strip_html: bool = False
    multiply: Decimal | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    default: str = ""

    def sources(self) -> tuple[str, ...]:
        return (self.column,) if self.column is not None else self.columns


@dataclass(frozen=True)
class ImportSettings:
    path: Path | None = None
    sheet: str | None = None
    prices_market: str = ""
    currency: str = ""  # ISO 4217, as declared under [import]; '' when the file does not say
    defaults: dict[str, str] = field(default_factory=dict)
    columns: dict[str, FieldSpec] = field(default_factory=dict)


def _string(toml: TomlFile, value: Any, where: str, **at) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise toml.fail(f"{where}: must be text, got {value!r}", **at)
    return str(value)


def _spec(toml: TomlFile, name: str, raw: Any) -> FieldSpec:
    at = {"header": "[columns]", "key": name}
    line = toml.line_of(**at)
    where = f"columns.{name}"
    if name not in NATIVE_COLUMNS:
        raise toml.fail(f"{where}: unknown field {name!r} (fields: {', '.join(NATIVE_COLUMNS)})", **at)
    if isinstance(raw, str):
        return FieldSpec(field=name, line=line, column=raw)
    if not isinstance(raw, dict):
        raise toml.fail(f"{where}: give a column name or a table such as {{ column = \"…\" }}", **at)
    unknown = sorted(set(raw) - SPEC_KEYS)
    if unknown:
        raise toml.fail(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(SPEC_KEYS))})", **at)
    sources = [key for key in ("column", "columns", "value") if key in raw]
    if len(sources) != 1:
        raise toml.fail(f"{where}: give exactly one of column, columns or value", **at)
    columns: tuple[str, ...] = ()
    if "columns" in raw:
        if not isinstance(raw["columns"], list) or not raw["columns"]:
            raise toml.fail(f"{where}.columns: must be a non-empty list of column names", **at)
        columns = tuple(_string(toml, c, f"{where}.columns", **at) for c in raw["columns"])
    multiply = None
    if "multiply" in raw:
        factor = raw["multiply"]
        try:
            if isinstance(factor, bool):
                raise InvalidOperation
            multiply = Decimal(str(factor))
        except InvalidOperation:
            raise toml.fail(f"{where}.multiply: must be a number, got {factor!r}", **at) from None
        if not multiply.is_finite() or multiply <= 0:
            raise toml.fail(f"{where}.multiply: must be a positive number", **at)
    index = raw.get("index")
    if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
        raise toml.fail(f"{where}.index: must be a whole number ≥ 0 (0 is the first part)", **at)
    if index is not None and "split" not in raw:
        raise toml.fail(f"{where}.index: needs split = \"<separator>\"", **at)
    mapping = raw.get("map", {})
    if not isinstance(mapping, dict):
        raise toml.fail(f"{where}.map: must be a table of source value = our value", **at)
    strip = raw.get("strip_html", False)
    if not isinstance(strip, bool):
        raise toml.fail(f"{where}.strip_html: must be true or false", **at)
    for key in ("join", "split"):
        if key in raw and (not isinstance(raw[key], str) or (key == "split" and not raw[key])):
            raise toml.fail(f"{where}.{key}: must be text" + (" (not empty)" if key == "split" else ""), **at)
    return FieldSpec(
        field=name, line=line,
        column=_string(toml, raw["column"], f"{where}.column", **at) if "column" in raw else None,
        columns=columns,
        value=_string(toml, raw["value"], f"{where}.value", **at) if "value" in raw else None,
        join=raw.get("join", " "), split=raw.get("split"), index=index, strip_html=strip, multiply=multiply,
        mapping={str(k).casefold(): _string(toml, v, f"{where}.map", **at) for k, v in mapping.items()},
        default=_string(toml, raw["default"], f"{where}.default", **at) if "default" in raw else "",
    )


def load_settings(path: str | Path) -> ImportSettings:
    """Read and check a mapping file."""
    toml = read_toml(path, "a mapping file (.toml)")
    data = toml.data
    unknown = sorted(set(data) - {"import", "defaults", "columns"})
    if unknown:
        raise toml.fail(f"unknown table [{unknown[0]}] (allowed: [import], [defaults], [columns])", header=f"[{unknown[0]}]")
    for table in ("import", "defaults", "columns"):
        if table in data and not isinstance(data[table], dict):
            raise toml.fail(f"{table} must be a table [{table}]", key=table)
    settings = data.get("import", {})
    bad = sorted(set(settings) - {"sheet", "prices_market", "currency"})
    if bad:
        raise toml.fail(f"import.{bad[0]}: unknown key (allowed: currency, prices_market, sheet)", header="[import]", key=bad[0])
    currency = _string(toml, settings["currency"], "import.currency", header="[import]", key="currency").strip().upper() \
        if "currency" in settings else ""
    if "currency" in settings and not re.fullmatch(r"[A-Z]{3}", currency):
        raise toml.fail(f"import.currency: {settings['currency']!r} is not an ISO 4217 currency code such as \"USD\"",
                        header="[import]", key="currency")
    defaults: dict[str, str] = {}
    for name, value in data.get("defaults", {}).items():
        if name not in NATIVE_COLUMNS or name in NOT_DEFAULTABLE:
            allowed = ", ".join(c for c in NATIVE_COLUMNS if c not in NOT_DEFAULTABLE)
            raise toml.fail(f"defaults.{name}: not a field with a default (allowed: {allowed})", header="[defaults]", key=name)
        defaults[name] = _string(toml, value, f"defaults.{name}", header="[defaults]", key=name)
    columns = {name: _spec(toml, name, raw) for name, raw in data.get("columns", {}).items()}
    return ImportSettings(
        path=toml.path,
        sheet=_string(toml, settings["sheet"], "import.sheet", header="[import]", key="sheet") if "sheet" in settings else None,
        prices_market=str(settings.get("prices_market", "")).strip().upper(),
        currency=currency,
        defaults=defaults,
        columns=columns,
    )
