"""Per-language termbase: preferred and forbidden terms and the form of address, enforced by
`feedgen translations check` over product text and UI/campaign strings alike.

Product text and campaign copy are translated by different people at different times; without a
shared list they drift ("skinn" on the product page, "läder" in the campaign). A termbase lives
next to the catalogues, `locales/<lang>/termbase.toml`:

    address = "du"                     # the form of address, for people reading the file
    mid_sentence_lower = ["color"]     # product fields written in lower case inside a sentence
                                       # ("finnes også i brun og sand"; German nouns keep their capital)
    forbidden_address = ['\\bman\\b']   # patterns that break it (regular expressions)

    [[terms]]
    source = 'cupsole'                 # when the source text matches this (case-insensitive) …
    preferred = 'cupsåle'              # … the translation must match this (case-insensitive)
    forbidden = ['\\bsydd gummisåle\\b']  # never in a translation (case-insensitive)
    note = "the established trade term"

A regional folder (de_AT) is checked against its own termbase and its language's (de).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from feedgen.i18n.checks import PRINTF, TEMPLATE
from feedgen.config.tomlfile import read_toml

FILE_NAME = "termbase.toml"
LOWER_FIELDS = ("color", "material")  # product values the pages put inside a sentence


@dataclass(frozen=True)
class Term:
    source: re.Pattern | None
    preferred: re.Pattern | None
    preferred_text: str
    forbidden: tuple[re.Pattern, ...]
    note: str


@dataclass(frozen=True)
class Termbase:
    path: Path
    address: str
    forbidden_address: tuple[re.Pattern, ...]
    terms: tuple[Term, ...]
    mid_sentence_lower: frozenset[str] = frozenset()

    def problems(self, source: str, translation: str) -> list[str]:
        """Why `translation` breaks the termbase (empty: it does not)."""
        found = []
        for pattern in self.forbidden_address:
            hit = pattern.search(translation)
            if hit:
                found.append(f"termbase: {hit.group(0)!r} breaks the form of address ({self.address})")
        for term in self.terms:
            for pattern in term.forbidden:
                hit = pattern.search(translation)
                if hit:
                    use = f"; use {term.preferred_text!r}" if term.preferred_text else ""
                    found.append(f"termbase: forbidden term {hit.group(0)!r}{use}" + (f" ({term.note})" if term.note else ""))
            if term.source and term.preferred and term.source.search(source) and not term.preferred.search(translation):
                found.append(f"termbase: source says {term.source.search(source).group(0)!r}, the translation "
                             f"must use {term.preferred_text!r}" + (f" ({term.note})" if term.note else ""))
        return found


def _pattern(toml, value, where: str, flags: int = re.IGNORECASE) -> re.Pattern:
    if not isinstance(value, str) or not value:
        raise toml.fail(f"{where} must be a non-empty string (a regular expression)")
    try:
        return re.compile(value, flags)
    except re.error as exc:
        raise toml.fail(f"{where}: not a valid regular expression: {exc}") from None


def load_termbase(path: Path) -> Termbase | None:
    """The termbase at `path`, or None when there is none; a broken one is an InputError naming the key."""
    if not path.is_file():
        return None
    toml = read_toml(path, FILE_NAME)
    data = toml.data
    allowed = {"address", "forbidden_address", "terms", "mid_sentence_lower"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise toml.fail(f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})", key=unknown[0])
    lower = data.get("mid_sentence_lower", [])
    if not isinstance(lower, list) or not all(field in LOWER_FIELDS for field in lower):
        raise toml.fail(f"mid_sentence_lower must list fields from {', '.join(LOWER_FIELDS)}", key="mid_sentence_lower")
    address = data.get("address", "")
    if not isinstance(address, str):
        raise toml.fail("address must be a string, e.g. \"du\"", key="address")
    # address patterns are case-sensitive: German "Sie" (formal you) is not "sie" (she, they)
    forbidden_address = tuple(_pattern(toml, value, "forbidden_address", 0) for value in data.get("forbidden_address", []))
    terms = []
    for index, raw in enumerate(data.get("terms", [])):
        where = f"terms[{index}]"
        if not isinstance(raw, dict):
            raise toml.fail(f"{where} must be a table: [[terms]]", key="terms")
        extra = sorted(set(raw) - {"source", "preferred", "forbidden", "note"})
        if extra:
            raise toml.fail(f"{where}: unknown key {extra[0]!r} (allowed: source, preferred, forbidden, note)", key=extra[0])
        if ("source" in raw) != ("preferred" in raw):
            raise toml.fail(f"{where}: source and preferred go together", key="source" if "source" in raw else "preferred")
        forbidden = raw.get("forbidden", [])
        if not isinstance(forbidden, list):
            raise toml.fail(f"{where}.forbidden must be a list of patterns", key="forbidden")
        terms.append(Term(
            source=_pattern(toml, raw["source"], f"{where}.source") if "source" in raw else None,
            preferred=_pattern(toml, raw["preferred"], f"{where}.preferred") if "preferred" in raw else None,
            preferred_text=str(raw.get("preferred", "")),
            forbidden=tuple(_pattern(toml, value, f"{where}.forbidden") for value in forbidden),
            note=str(raw.get("note", "")),
        ))
    return Termbase(path, address, forbidden_address, tuple(terms), frozenset(lower))


def termbases_for(locales: Path, language: str) -> list[Termbase]:
    """The termbases a catalogue folder answers to: its own and, for de_AT, de's."""
    folders = [language] + ([language.split("_")[0]] if "_" in language else [])
    found = [load_termbase(locales / folder / FILE_NAME) for folder in folders]
    return [termbase for termbase in found if termbase is not None]


def check_entry(termbases: list[Termbase], source: str, translation: str) -> list[str]:
    """Termbase problems of one entry; placeholders such as %(colour)s are names, not words."""
    source, translation = (TEMPLATE.sub(" ", PRINTF.sub(" ", text)) for text in (source, translation))
    return [problem for termbase in termbases for problem in termbase.problems(source, translation)]



def lower_in_sentence(locales: Path, locale: str, language: str) -> frozenset[str]:
    """Fields whose values a market's pages write in lower case mid-sentence (its termbases' say)."""
    folders = list(dict.fromkeys([locale, language]))
    found = [load_termbase(locales / folder / FILE_NAME) for folder in folders]
    return frozenset().union(*(termbase.mid_sentence_lower for termbase in found if termbase is not None))
