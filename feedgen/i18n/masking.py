"""Protect what a machine translator must not touch, and cut text into pieces it accepts.

Engines corrupt placeholders and tags (SPECS Part B §2: Google broke 17 of 55 strings with
variables), and the deep-translator Google wrapper returns plain text that may lose line breaks.
So before sending we replace placeholders, markup and do-not-translate terms with numbered tokens
(⟦0⟧, ⟦1⟧ …), send one line at a time (bullet prefixes kept aside), and after translation put the
originals back, refusing the result if any token went missing or appeared twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from feedgen.i18n import MESSAGES
from feedgen.i18n.checks import MARKUP, PRINTF, TEMPLATE

_TOKEN = re.compile(r"⟦\s*(\d+)\s*⟧")
_LINE = re.compile(r"^(\s*(?:[•\-*–]\s+)?)(.*?)(\s*)$", re.DOTALL)
_SENTENCE_END = re.compile(r"(?<=[.!?…])(\s+)")
_SPACES = re.compile(r"(\s+)")


class MaskError(ValueError):
    """The engine lost, duplicated or invented a protected token."""


@dataclass(frozen=True)
class Masked:
    text: str  # what is sent: originals replaced by ⟦n⟧
    originals: tuple[str, ...]

    def unmask(self, translated: str) -> str:
        seen = [int(number) for number in _TOKEN.findall(translated)]
        expected = list(range(len(self.originals)))
        if sorted(seen) != expected:
            missing = sorted(set(expected) - set(seen))
            extra = sorted(n for n in set(seen) if seen.count(n) > 1 or n >= len(self.originals))
            raise MaskError(
                "protected text damaged by the engine"
                + (f"; missing: {', '.join(repr(self.originals[n]) for n in missing)}" if missing else "")
                + (f"; duplicated or unknown token(s) {extra}" if extra else "")
            )
        return _TOKEN.sub(lambda match: self.originals[int(match[1])], translated)


class Masker:
    """Masks markup always, placeholders in the UI domain (product text is never %-formatted),
    and any do-not-translate terms (brand, product names)."""

    def __init__(self, domain: str, terms: Iterable[str] = ()) -> None:
        patterns = [MARKUP.pattern, TEMPLATE.pattern]
        if domain == MESSAGES:
            patterns.append(PRINTF.pattern)
        words = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
        if words:
            patterns.append(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b")
        self._pattern = re.compile("|".join(f"(?:{p})" for p in patterns), re.DOTALL)

    def mask(self, text: str) -> Masked:
        originals: list[str] = []

        def replace(match: re.Match) -> str:
            originals.append(match[0])
            return f"⟦{len(originals) - 1}⟧"

        return Masked(self._pattern.sub(replace, text), tuple(originals))


@dataclass
class Segmented:
    """A text cut into translatable pieces; `join` rebuilds it from their translations."""

    pieces: list[str] = field(default_factory=list)
    _layout: list[list[str | int]] = field(default_factory=list)  # per line: literal strings and piece indices

    def join(self, translations: list[str]) -> str:
        if len(translations) != len(self.pieces):
            raise ValueError("one translation per piece expected")
        return "\n".join(
            "".join(part if isinstance(part, str) else translations[part].strip() for part in line)
            for line in self._layout
        )


def segment(text: str, max_chars: int | None) -> Segmented:
    """One piece per line without its bullet prefix; lines longer than max_chars split at sentence
    ends, then at spaces."""
    result = Segmented()
    for line in text.split("\n"):
        prefix, body, suffix = _LINE.match(line).groups()
        layout: list[str | int] = [prefix]
        if body:
            chunks = _split_long(body, max_chars)
            for separator, chunk in chunks:
                layout.append(separator)
                layout.append(len(result.pieces))
                result.pieces.append(chunk)
        layout.append(suffix)
        result._layout.append(layout)
    return result


def _pairs(body: str, separator: re.Pattern) -> list[tuple[str, str]]:
    """Split keeping separators: [(separator before, unit)], the first separator empty."""
    parts = separator.split(body)
    return [("", parts[0])] + [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def _split_long(body: str, max_chars: int | None) -> list[tuple[str, str]]:
    """[(separator before, chunk)], each chunk shorter than max_chars where a sentence or word boundary allows."""
    if max_chars is None or len(body) < max_chars:
        return [("", body)]
    units: list[tuple[str, str]] = []
    for separator, sentence in _pairs(body, _SENTENCE_END):
        if len(sentence) < max_chars:
            units.append((separator, sentence))
            continue
        words = _pairs(sentence, _SPACES)
        units.extend([(separator, words[0][1])] + words[1:])
    chunks: list[tuple[str, str]] = []
    for separator, unit in units:
        if chunks and len(chunks[-1][1]) + len(separator) + len(unit) < max_chars:
            chunks[-1] = (chunks[-1][0], chunks[-1][1] + separator + unit)
        else:
            chunks.append((separator, unit))
    return chunks
