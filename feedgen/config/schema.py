"""One declarative reader for every TOML configuration file.

A file's shape is data: a `Table` of `Field`s (name, kind, required or default) and, for the rare rule
that spans fields, a check. `Table.read` walks a parsed document with it, and is the one place that
refuses a non-table, an unknown key (a typo must not pass silently) or a missing one. Every error is
an InputError naming file, line and key; *where* a key is and how a file words its place ("markets.NO.vat_rate",
"rule 3 (Sale).when", "campaigns[0] (boots)", "destination[2].url") is a `Place`, so each file keeps the
messages its users know while the checking is written once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from feedgen.errors import InputError
from feedgen.config.tomlfile import TomlFile

REQUIRED: Any = object()  # Field.default for a key that must be there


@dataclass(frozen=True)
class Place:
    """A table's place in its file: the prefix of its messages and how to find a key's line."""

    toml: TomlFile
    where: str  # "" at the top level: the message stands alone
    line: Callable[[str | None], int | None]
    keyed: bool = True  # "where.key: message"; False: "where: message" (the message names the key itself)
    column: bool = False  # also report the key as the error's column
    nest: Callable[[str], Place] | None = None  # the place of a sub-table (default: dotted)

    def fail(self, message: str, key: str | None = None, *, named: bool = True) -> InputError:
        """The error at `key`'s line (the table's without one); named=False: the prefix is the table's."""
        prefix = f"{self.where}.{key}" if key and named and self.keyed and self.where else self.where
        text = f"{prefix}: {message}" if prefix else message
        return InputError(self.toml.path, text, row=self.line(key), column=key if self.column and key else None)

    def inner(self, key: str) -> Place:
        return self.nest(key) if self.nest else dotted(self.toml, f"{self.where}.{key}")


def dotted(toml: TomlFile, path: str) -> Place:
    """Messages and lines by dotted key path (`markets.NO.returns.days`), as TomlFile.fail_at finds them."""
    return Place(toml, path, lambda key: toml.line_of_path(f"{path}.{key}" if key else path))


def top(toml: TomlFile, nest: Callable[[str], Place] | None = None, *, tables: bool = False) -> Place:
    """The document itself: messages stand alone, at a key's `key =` line (tables=True: at its `[key]`
    header first, for files whose top level is tables)."""
    def line(key: str | None) -> int | None:
        if key is None:
            return None
        return (tables and toml.line_of(header=f"[{key}]")) or toml.line_of(key=key)
    return Place(toml, "", line, keyed=False, nest=nest)


def in_table(toml: TomlFile, where: str, header: str, nth: int = 0, *, fixed_key: str | None = None) -> Place:
    """Keys of the nth `header` table (e.g. the 3rd [[rule]]); fixed_key: every message at that key's line."""
    def line(key: str | None) -> int | None:
        return toml.line_of(header=header, nth=nth, key=fixed_key or key)
    return Place(toml, where, line)


Kind = Callable[[Any, Place, str], Any]  # (value, place of its table, key) -> value read; raises place.fail(…, key)


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    default: Any = REQUIRED  # REQUIRED, or the value when the key is absent


@dataclass(frozen=True)
class Table:
    """A TOML table's schema. Fields are read in order; `checks` then see all values read."""

    fields: tuple[Field, ...] = ()
    each: Kind | None = None  # an open table (any key, e.g. [payment_methods]): how to read each value
    checks: tuple[Callable[[dict[str, Any], Place], None], ...] = ()
    build: Callable[..., Any] | None = None  # turn the values into an object (called with them as keywords)
    closed: bool = True  # False: leave other keys to a later schema (e.g. a destination's scheme decides)
    not_table: str = "must be a table"
    unknown: str = "unknown key {key!r} (allowed: {allowed})"  # may use {key}, {allowed}, {keys}
    missing: str = "missing required key {key!r}"
    missing_sorted: bool = True  # which missing key is named first: alphabetically, or in field order
    missing_at_key: bool = False  # a missing key's message goes to place.fail(…, key) (a column)
    unknown_sorted: bool = False  # which unknown key is named: the first in the file, or alphabetically
    unknown_named: bool = True  # an unknown key's message is prefixed with the key ("markets.NO.typo: …")

    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def defaults(self) -> Any:
        """What an absent table means: every field at its default (only for tables without required keys)."""
        values = {f.name: _fresh(f.default) for f in self.fields}
        return self.build(**values) if self.build else values

    def read(self, raw: Any, place: Place) -> Any:
        """The table's values (or what `build` makes of them); the first problem is an InputError."""
        if not isinstance(raw, dict):
            raise place.fail(self.not_table)
        self._check_keys(raw, place)
        if self.each is not None:
            values = {key: self.each(value, place, key) for key, value in raw.items()}
        else:
            values = {f.name: f.kind(raw[f.name], place, f.name) if f.name in raw else _fresh(f.default)
                      for f in self.fields}
        for check in self.checks:
            check(values, place)
        return self.build(**values) if self.build else values

    def _check_keys(self, raw: dict, place: Place) -> None:
        """The one unknown-key and missing-key check of every configuration file."""
        known = self.names()
        unknown = [key for key in raw if key not in known] if self.closed and self.each is None else []
        if unknown:
            first = sorted(unknown)[0] if self.unknown_sorted else unknown[0]
            message = self.unknown.format(key=first, allowed=", ".join(sorted(known)), keys=", ".join(sorted(unknown)))
            raise place.fail(message, first, named=self.unknown_named)
        required = [f.name for f in self.fields if f.default is REQUIRED]
        for name in sorted(required) if self.missing_sorted else required:
            if name not in raw:
                raise place.fail(self.missing.format(key=name), name if self.missing_at_key else None)


def _fresh(default: Any) -> Any:
    """A mutable default ({} or []) copied, so no two files' objects share it."""
    return type(default)(default) if isinstance(default, (dict, list)) else default


# ----------------------------------------------------------------------------- kinds
def table(schema: Table, not_table: str | None = None) -> Kind:
    """A nested table, read at its own place."""
    def read(value: Any, place: Place, key: str) -> Any:
        if not_table is not None and not isinstance(value, dict):
            raise place.fail(not_table, key)
        return schema.read(value, place.inner(key))
    return read


def text(choices: tuple[str, ...] = (), message: str = "must be a non-empty string") -> Kind:
    def read(value: Any, place: Place, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise place.fail(message, key)
        if choices and value not in choices:
            raise place.fail(f"{value!r} is not one of {', '.join(choices)}", key)
        return value
    return read


def boolean(message: str = "must be true or false") -> Kind:
    def read(value: Any, place: Place, key: str) -> bool:
        if not isinstance(value, bool):
            raise place.fail(message, key)
        return value
    return read


def number(low: Decimal, high: Decimal, *, whole: bool = False) -> Kind:
    """A finite TOML number in [low, high], as a Decimal (int() it for whole numbers)."""
    def read(value: Any, place: Place, key: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise place.fail(f"must be a number, got {value!r}", key)
        parsed = Decimal(str(value))
        if not parsed.is_finite():  # TOML has nan and inf; comparing a Decimal NaN raises
            raise place.fail(f"must be a number, got {value!r}", key)
        if not low <= parsed <= high:
            raise place.fail(f"{value} is outside {low}–{high}", key)
        if whole and parsed != parsed.to_integral_value():
            raise place.fail(f"must be a whole number, got {value!r}", key)
        return parsed
    return read


def integer(low: int, high: int) -> Kind:
    def read(value: Any, place: Place, key: str) -> int:
        return int(number(Decimal(low), Decimal(high), whole=True)(value, place, key))
    return read


def seconds(low: float, high: float) -> Kind:
    """A float in [low, high] with one message (delivery.toml's timeouts and limits)."""
    def read(value: Any, place: Place, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise place.fail(f"must be a number from {low:g} to {high:g}, got {value!r}", key)
        return float(value)
    return read


def a_date(message: str) -> Kind:
    """A TOML local date (not a date-time)."""
    def read(value: Any, place: Place, key: str) -> date:
        if not isinstance(value, date) or hasattr(value, "hour"):
            raise place.fail(message, key)
        return value
    return read


def matching(pattern: str, message: str) -> Kind:
    """A string matching `pattern` in full."""
    compiled = re.compile(pattern)
    def read(value: Any, place: Place, key: str) -> Any:
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise place.fail(message, key)
        return value
    return read


def list_of(item: Callable[[Any], bool], message: str, *, min_len: int = 1, max_len: int | None = None,
            unique: bool = False, ordered: bool = False) -> Kind:
    """A TOML array whose every item passes `item`; any failure is the one message (it says what is expected)."""
    def read(value: Any, place: Place, key: str) -> tuple:
        if (not isinstance(value, list) or len(value) < min_len or (max_len is not None and len(value) > max_len)
                or not all(item(v) for v in value) or (unique and len(set(value)) != len(value))
                or (ordered and value != sorted(set(value)))):
            raise place.fail(message, key)
        return tuple(value)
    return read


Message = str | Callable[[Any], str]  # a message, or one made from the value


def checked(kind: Kind, *rules: tuple[Callable[[Any], bool], Message]) -> Kind:
    """`kind`, then each (predicate, message) in turn: the message of the first predicate the value fails."""
    def read(value: Any, place: Place, key: str) -> Any:
        value = kind(value, place, key)
        for ok, message in rules:
            if not ok(value):
                raise place.fail(message(value) if callable(message) else message, key)
        return value
    return read


def any_value(value: Any, place: Place, key: str) -> Any:
    return value


def whole(low: int, high: int) -> Callable[[Any], bool]:
    """An item predicate: a TOML integer (not a boolean) in [low, high]."""
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def is_text(v: Any) -> bool:
    return isinstance(v, str)
