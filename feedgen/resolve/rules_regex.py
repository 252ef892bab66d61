"""`matches` in rules.toml, on RE2: a regular expression runs in time linear in the text, always.

Python's `re` backtracks: `^(a+)+$` against forty `a`s and a `b`, or `(\\w+\\s?)+$` against one long
description, takes longer than the universe is old, and one such product stalls the nightly build.
RE2 (google-re2) matches without backtracking, so it cannot do what needs backtracking
(backreferences, look-around, atomic groups); such a pattern is refused when rules.toml is read,
with the reason, before anything is built.

The pattern keeps the meaning it has in Python where RE2 differs only in spelling: Python's `\\d`,
`\\w` and `\\s` are Unicode-aware (`\\w` matches `ø`, `\\s` a no-break space), RE2's are ASCII, so
they are rewritten as Unicode classes; `\\Z`, `\\uXXXX`, `\\N{NAME}`, `x{,n}`, `(?#…)` and `[` inside
a class are rewritten too. What stays different (README "Rules"): `\\b` / `\\B` see only ASCII
letters, digits and `_` as word characters, and `$` matches only at the very end of the text
(Python's also matches before a final newline).
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import re2

from feedgen.columns import map_distinct

# Python's classes for str patterns, as items of an RE2 character class (tests/test_rules_regex.py
# compares them with Python's `re` over the characters product text is made of)
_CLASSES = {
    "d": r"\p{Nd}",
    "w": r"\p{L}\p{N}_",
    "s": r"\t\n\x0b\f\r\x1c-\x1f\x85\p{Z}",
}
MAX_MEMORY = 8 << 20  # RE2's default per pattern: a pattern that needs more is refused, never slow

_HINTS = (  # RE2's error text -> what it means for someone writing rules.toml
    (re.compile(r"invalid perl operator: \(\?<?[=!]"),
     "look-ahead and look-behind ((?=…), (?!…), (?<=…), (?<!…)) are not supported"),
    (re.compile(r"invalid escape sequence: \\[1-9]|invalid perl operator: \(\?P(=|$)"),
     "backreferences (\\1, (?P=name)) are not supported"),
    (re.compile(r"invalid perl operator: \(\?>|bad repetition operator: [*+?]\+"),
     "atomic groups and possessive repeats ((?>…), a++) are not supported (RE2 never backtracks anyway)"),
    (re.compile(r"bad repetition operator"), "a repeat of a repeat (a**) is not supported"),
    (re.compile(r"invalid repetition size"), "a repeat count above 1000 (or nested repeats multiplying past it) is not supported"),
    (re.compile(r"invalid or unsupported Perl syntax: \(\?[aLux]|invalid perl operator: \(\?[aLux]"),
     "the flags (?a), (?L), (?u) and (?x) are not supported (i, m, s are)"),
    (re.compile(r"pattern too large"), "the pattern is too large for the matcher's memory budget"),
)


class PatternError(ValueError):
    """A `matches` pattern the linear-time engine cannot run; the message says why."""


def _escape_item(pattern: str, at: int) -> tuple[str, int]:
    """A Unicode escape Python knows and RE2 spells differently (\\u, \\U, \\N{…}): as \\x{…}."""
    letter = pattern[at + 1]
    if letter in "uU":
        width = 4 if letter == "u" else 8
        digits = pattern[at + 2:at + 2 + width]
        if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
            raise PatternError(f"\\{letter} needs {width} hex digits")
        return f"\\x{{{digits}}}", at + 2 + width
    end = pattern.find("}", at + 3)
    if pattern[at + 2:at + 3] != "{" or end < 0:
        raise PatternError("\\N needs a character name in braces, e.g. \\N{EM DASH}")
    try:
        return f"\\x{{{ord(unicodedata.lookup(pattern[at + 3:end])):x}}}", end + 1
    except KeyError:
        raise PatternError(f"unknown character name {pattern[at + 3:end]!r}") from None


def _class(pattern: str, at: int) -> tuple[str, int]:
    """The character class starting at pattern[at] == '[', rewritten; returns it and where it ends."""
    at += 1
    negated = pattern.startswith("^", at)
    at += negated
    items: list[str] = []
    excluded: list[str] = []  # \D \W \S: classes the item is outside of
    first = True
    while True:
        if at >= len(pattern):
            raise PatternError("unterminated character set '['")
        char = pattern[at]
        if char == "]" and not first:
            break
        first = False
        if char == "\\" and at + 1 < len(pattern):
            letter = pattern[at + 1]
            if letter.lower() in _CLASSES:
                (excluded if letter.isupper() else items).append(_CLASSES[letter.lower()])
                at += 2
            elif letter in "uUN":
                item, at = _escape_item(pattern, at)
                items.append(item)
            elif letter == "b":  # a backspace inside a class, in Python
                items.append(r"\x08")
                at += 2
            else:
                items.append(pattern[at:at + 2])
                at += 2
        else:  # '[' is a plain character in Python's classes; RE2 would start [:alpha:] with it
            items.append({"[": r"\[", "]": r"\]"}.get(char, char))
            at += 1
    at += 1
    if not excluded:
        return f"[{'^' if negated else ''}{''.join(items)}]", at
    if negated:
        raise PatternError("\\D, \\W or \\S inside [^…] cannot be run; write the characters out "
                           "(\\p{L} is any letter, \\p{Nd} any digit)")
    alternatives = ([f"[{''.join(items)}]"] if items else []) + [f"[^{c}]" for c in excluded]
    return f"(?:{'|'.join(alternatives)})", at


def translate(pattern: str) -> str:
    """Python `re` syntax -> RE2 syntax with the same meaning (see the module docstring)."""
    out: list[str] = []
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "[":
            text, at = _class(pattern, at)
            out.append(text)
        elif char == "\\" and at + 1 < len(pattern):
            letter = pattern[at + 1]
            if letter.lower() in _CLASSES:
                out.append(f"[{'^' if letter.isupper() else ''}{_CLASSES[letter.lower()]}]")
                at += 2
            elif letter in "uUN":
                text, at = _escape_item(pattern, at)
                out.append(text)
            else:
                out.append("\\z" if letter == "Z" else pattern[at:at + 2])
                at += 2
        elif pattern.startswith("(?#", at):  # a comment
            end = pattern.find(")", at)
            if end < 0:
                raise PatternError("missing ), unterminated comment")
            at = end + 1
        elif char == "{" and (repeat := re.match(r"\{,(\d+)\}", pattern[at:])):  # Python's {,n} is {0,n}
            out.append(f"{{0,{repeat[1]}}}")
            at += repeat.end()
        else:
            out.append(char)
            at += 1
    return "".join(out)


def compile_pattern(pattern: str):
    """The pattern compiled for RE2, or a PatternError saying why it cannot be run."""
    options = re2.Options()
    options.max_mem = MAX_MEMORY
    options.log_errors = False
    try:
        return re2.compile(translate(pattern), options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        for hint, text in _HINTS:
            if hint.search(reason):
                raise PatternError(f"{text} ({reason})") from None
        raise PatternError(reason) from None


def search_column(regex, values: pd.Series) -> pd.Series:
    """True where the pattern occurs in the text; each distinct text is searched once. Texts go to
    RE2 as UTF-8 bytes (a lone surrogate from a JSON catalogue is passed through, not an error)."""
    return map_distinct(values, lambda text: regex.search(text.encode("utf-8", "surrogatepass")) is not None).astype(bool)
