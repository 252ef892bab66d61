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

from feedgen.config.schema import Field, Place, Table, any_value, boolean, checked, in_table, table, top
from feedgen.load.importers.common import NATIVE_COLUMNS
from feedgen.config.tomlfile import read_toml

NOT_DEFAULTABLE = frozenset({"sku", "style_id", "gtin", "mpn", "price", "sale_price", "sale_start", "sale_end", "stock"})


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


def _string(value: Any, place: Place, key: str) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise place.fail(f"must be text, got {value!r}", key)
    return str(value)


def _columns(value: Any, place: Place, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise place.fail("must be a non-empty list of column names", key)
    return tuple(_string(c, place, key) for c in value)


def _factor(factor: Any, place: Place, key: str) -> Decimal:
    try:
        if isinstance(factor, bool):
            raise InvalidOperation
        multiply = Decimal(str(factor))
    except InvalidOperation:
        raise place.fail(f"must be a number, got {factor!r}", key) from None
    if not multiply.is_finite() or multiply <= 0:
        raise place.fail("must be a positive number", key)
    return multiply


def _map(value: Any, place: Place, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise place.fail("must be a table of source value = our value", key)
    return {str(k).casefold(): _string(v, place, key) for k, v in value.items()}


def _one_source(values: dict[str, Any], place: Place) -> None:
    if sum(values[key] is not None for key in ("column", "columns", "value")) != 1:
        raise place.fail("give exactly one of column, columns or value")
    if values["index"] is not None and values["split"] is None:
        raise place.fail("needs split = \"<separator>\"", "index")


SPEC = Table(
    (Field("column", _string, None), Field("columns", _columns, None), Field("value", _string, None),
     Field("multiply", _factor, None),
     Field("index", checked(any_value, (lambda v: not isinstance(v, bool) and isinstance(v, int) and v >= 0,
                                        "must be a whole number ≥ 0 (0 is the first part)")), None),
     Field("map", _map, {}), Field("strip_html", boolean(), False),
     Field("join", checked(any_value, (lambda v: isinstance(v, str), "must be text")), " "),
     Field("split", checked(any_value, (lambda v: isinstance(v, str) and v, "must be text (not empty)")), None),
     Field("default", _string, "")),
    checks=(_one_source,), not_table="give a column name or a table such as { column = \"…\" }", unknown_named=False,
    unknown_sorted=True,
)


def _spec(raw: Any, place: Place, name: str) -> FieldSpec:
    """One [columns] entry; every message is at the entry's own line, e.g. `columns.price.multiply: …`."""
    toml = place.toml
    at = in_table(toml, f"columns.{name}", "[columns]", fixed_key=name)
    if name not in NATIVE_COLUMNS:
        raise at.fail(f"unknown field {name!r} (fields: {', '.join(NATIVE_COLUMNS)})")
    line = toml.line_of(header="[columns]", key=name)
    if isinstance(raw, str):
        return FieldSpec(field=name, line=line, column=raw)
    values = SPEC.read(raw, at)
    return FieldSpec(field=name, line=line, column=values["column"], columns=values["columns"] or (),
                     value=values["value"], join=values["join"], split=values["split"], index=values["index"],
                     strip_html=values["strip_html"], multiply=values["multiply"], mapping=values["map"],
                     default=values["default"])


def _default(value: Any, place: Place, name: str) -> str:
    if name not in NATIVE_COLUMNS or name in NOT_DEFAULTABLE:
        allowed = ", ".join(c for c in NATIVE_COLUMNS if c not in NOT_DEFAULTABLE)
        raise place.fail(f"not a field with a default (allowed: {allowed})", name)
    return _string(value, place, name)


def _currency(value: Any, place: Place, key: str) -> str:
    currency = _string(value, place, key).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise place.fail(f"{value!r} is not an ISO 4217 currency code such as \"USD\"", key)
    return currency


IMPORT = Table(
    (Field("sheet", _string, None), Field("prices_market", lambda v, place, key: str(v).strip().upper(), ""),
     Field("currency", _currency, "")),
    unknown="unknown key (allowed: {allowed})", unknown_sorted=True,
)
MAPPING = Table(
    tuple(Field(name, table(schema, not_table=f"{name} must be a table [{name}]"), schema.defaults())
          for name, schema in (("import", IMPORT), ("defaults", Table(each=_default)), ("columns", Table(each=_spec)))),
    unknown="unknown table [{key}] (allowed: [import], [defaults], [columns])", unknown_sorted=True,
)


def load_settings(path: str | Path) -> ImportSettings:
    """Read and check a mapping file."""
    toml = read_toml(path, "a mapping file (.toml)")
    data = MAPPING.read(toml.data, top(toml, nest=lambda key: in_table(toml, key, f"[{key}]"), tables=True))
    settings = data["import"]
    return ImportSettings(path=toml.path, sheet=settings["sheet"], prices_market=settings["prices_market"],
                          currency=settings["currency"], defaults=data["defaults"], columns=data["columns"])
