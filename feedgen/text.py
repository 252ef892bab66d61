"""Text hygiene shared by every channel: what untrusted product text must lose before output."""

from __future__ import annotations

import re

import lxml.html

_SPACES = re.compile(r"[ \t]+")


# Cells a spreadsheet would run as a formula (CSV injection): what csvout neutralises.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+([.,][0-9]+)?|[.,][0-9]+)")


def needs_neutralising(value: str) -> bool:
    """True when a spreadsheet would read the cell as a formula, or when it already looks escaped
    (apostrophes before such a cell), so that the escape stays reversible."""
    stripped = value.lstrip("'")
    return stripped[:1] in TRIGGERS and stripped != "" and not _PLAIN_NUMBER.fullmatch(stripped)


# Characters XML 1.0 cannot carry (C0 controls except tab/LF/CR, surrogates, U+FFFE/U+FFFF),
# plus DEL and the C1 controls, which no feed wants either.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def has_unsafe_characters(value: str) -> bool:
    return _UNSAFE.search(value) is not None


def clean_text(value: str) -> str:
    """Drop XML-forbidden characters and the DEL/C1 controls that no feed wants."""
    return _UNSAFE.sub("", value)


def strip_html(value: str) -> str:
    """HTML description -> plain text, keeping paragraph and list breaks as spaces or new lines."""
    if "<" not in value:
        return value
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except Exception:  # lxml raises several types on garbage; plain text is the safe answer
        return re.sub(r"<[^>]*>", " ", value)
    for element in root.iter("li"):
        element.text = "• " + (element.text or "")
    for element in root.iter("p", "li", "br", "div", "ul", "ol"):
        element.tail = "\n" + (element.tail or "")
    lines = (_SPACES.sub(" ", line).strip() for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def shorten(value: str, limit: int) -> str:
    """Cut at a word boundary so the text fits `limit` characters, with an ellipsis."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–") + "…"
