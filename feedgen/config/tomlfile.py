"""The project's TOML files (markets, landing pages, rules, categories, import mappings): read them,
and point at a line.

tomllib gives values without positions, so an error about a parsed value finds its line the way a
person would: the n-th table with that header, then the first line in it naming the key. This is the
one TOML reader: nothing else calls tomllib.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedgen.errors import InputError
from feedgen.text import has_unsafe_characters


@dataclass(frozen=True)
class TomlFile:
    path: Path
    data: dict[str, Any]
    lines: list[str]

    @classmethod
    def parse(cls, path: str | Path, text: str) -> "TomlFile":
        """From text already read (e.g. by a Babel extractor); a syntax error is an InputError with its line."""
        toml = cls(path=Path(path), data=parse_toml(Path(path), text), lines=text.splitlines())
        unsafe = unsafe_string(toml.data)
        if unsafe:  # TOML allows "\u0001"; feeds and pages cannot carry it
            raise toml.fail(f"{unsafe}: contains a control character that XML and feeds cannot carry",
                            key=unsafe.rsplit(".", 1)[-1])
        return toml

    def fail_at(self, dotted: str, message: str) -> InputError:
        """An error about the value at a dotted key path, e.g. `markets.NO.returns.days`."""
        return InputError(self.path, f"{dotted}: {message}", row=self.line_of_path(dotted))

    def line_of_path(self, dotted: str) -> int | None:
        """Line of a dotted key path: the innermost `[table]` header present, then the line inside it
        naming the next key (for `markets.NO.returns.days` in `[markets.NO]`, the `returns = { … }` line)."""
        parts = dotted.split(".")
        for depth in range(len(parts), 0, -1):
            header = "[" + ".".join(parts[:depth]) + "]"
            line = self.line_of(header=header)
            if line is not None:
                return line if depth == len(parts) else self.line_of(header=header, key=parts[depth])
        if len(parts) > 2:  # no table of it at all: better no line than a namesake's
            return None
        return self.line_of(header=f"[{parts[-1]}]") or self.line_of(key=parts[-1])

    def fail(self, message: str, *, header: str | None = None, nth: int = 0, key: str | None = None) -> InputError:
        return InputError(self.path, message, row=self.line_of(header=header, nth=nth, key=key))

    def line_of(self, *, header: str | None = None, nth: int = 0, key: str | None = None) -> int | None:
        """1-based line of `key` inside the nth table `header` (e.g. "[[rule]]", "[columns]"), or of the header."""
        start, end = 0, len(self.lines)
        if header is not None:
            pattern = re.compile(r"^\s*" + re.escape(header).replace(r"\ ", r"\s*") + r"\s*(#.*)?$")
            found = [number for number, line in enumerate(self.lines) if pattern.match(line)]
            if nth >= len(found):
                return None
            start = found[nth]
            following = [n for n in range(start + 1, len(self.lines)) if re.match(r"^\s*\[", self.lines[n])]
            end = following[0] if following else len(self.lines)
        if key is None:
            return start + 1 if header is not None else None
        quoted = re.escape(key)
        pattern = re.compile(r"(^|[\s{,])(" + quoted + r'|"' + quoted + r'"|\'' + quoted + r"')\s*[=.]")
        for number in range(start, end):
            if pattern.search(self.lines[number]):
                return number + 1
        return start + 1 if header is not None else None


def unsafe_string(data: Any, dotted: str = "") -> str | None:
    """The dotted key of the first key or string value holding a character XML cannot carry (TOML
    allows "\u0001"), or None. Such text would end in feeds and pages, so configuration refuses it."""
    if isinstance(data, str):
        return dotted if has_unsafe_characters(data) else None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        where = f"{dotted}.{key}" if dotted else str(key)
        if isinstance(key, str) and has_unsafe_characters(key):
            return where
        found = unsafe_string(value, where)
        if found:
            return found
    return None


def read_toml(path: str | Path, what: str) -> TomlFile:
    """Parse a UTF-8 TOML file; unreadable or invalid TOML is an InputError with its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except IsADirectoryError:
        raise InputError(path, f"is a directory, expected {what}") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:  # permissions, I/O errors: one line, not a traceback
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    return TomlFile.parse(path, text)


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """tomllib.loads, with a syntax error turned into an InputError naming line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at line.*\)$", "", str(exc))
        row, column = (int(match[1]), int(match[2])) if match else (None, None)
        raise InputError(path, f"invalid TOML: {message}", row=row, column=column) from None
    except RecursionError:  # tomllib recurses per nested array or inline table: `x = [[[[…` a few thousand deep
        row = next((n for n, line in enumerate(text.splitlines(), 1) if line.count("[") + line.count("{") > 100), None)
        raise InputError(path, "invalid TOML: arrays or inline tables nested too deeply", row=row) from None
