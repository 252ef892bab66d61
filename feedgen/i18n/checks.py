"""Checks on one translation against its source text.

Babel's catalogue checker catches renamed python-format placeholders only; it does not see changed
markup or a bare `%`, and Jinja2 newstyle gettext inserts translations unescaped and %-formats every
string (SPECS Part B §1, pitfalls 3, 4 and 9). These checks close that gap, for machine output
before it is written and for every catalogue before it is used.
"""

from __future__ import annotations

import re
from collections import Counter

from feedgen.i18n import MESSAGES

# Placeholders that must survive translation unchanged: %(name)s / %s / %%, {name}, {{ expr }}, {% tag %}.
PRINTF = re.compile(r"%(?:\([^)\s]+\))?[-#0 +]?\d*(?:\.\d+)?[diouxXeEfFgGcrs%]")
TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[A-Za-z_][A-Za-z0-9_.]*\}", re.DOTALL)
MARKUP = re.compile(r"</?[A-Za-z][^<>]*>|&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);")
_NAMED_OR_ESCAPED = re.compile(r"%\([^)\s]+\)[-#0 +]?\d*(?:\.\d+)?[diouxXeEfFgGcrs]|%%")


def placeholders(text: str, domain: str) -> Counter[str]:
    """Tokens a translation must keep. Product text is never formatted, so `%` there is just a percent sign."""
    found = Counter(TEMPLATE.findall(text))
    if domain == MESSAGES:
        found.update(PRINTF.findall(text))
    return found


def markup(text: str) -> Counter[str]:
    return Counter(MARKUP.findall(text))


def problems(source: str, translation: str, domain: str) -> list[str]:
    """Why `translation` must not be used for `source` (empty list: it may)."""
    found: list[str] = []
    wanted, got = placeholders(source, domain), placeholders(translation, domain)
    if wanted != got:
        lost = sorted((wanted - got).elements())
        added = sorted((got - wanted).elements())
        detail = "; ".join(part for part in (
            f"lost {', '.join(lost)}" if lost else "",
            f"added {', '.join(added)}" if added else "",
        ) if part)
        found.append(f"placeholders differ from the source ({detail})")
    tags_wanted, tags_got = markup(source), markup(translation)
    injected = sorted((tags_got - tags_wanted).elements())
    if injected:
        found.append(f"markup not in the source: {', '.join(injected)}")
    elif tags_wanted != tags_got:
        found.append(f"markup of the source lost: {', '.join(sorted((tags_wanted - tags_got).elements()))}")
    if domain == MESSAGES and "%" in _NAMED_OR_ESCAPED.sub("", translation):
        found.append("bare % (newstyle gettext %-formats every string: write %% for a percent sign)")
    return found


def advisories(context: str, source: str, translation: str, limits: dict[str, list[tuple[str, int]]]) -> list[str]:
    """Product-text warnings: over a channel's length limit (the build shortens it), or a colour list
    whose number of "/"-separated colours changed (channels read "A/B" as two colours)."""
    field = context.rsplit(":", 1)[-1]
    field = "features" if field == "feature" else field
    found = []
    parts = translation.split("/") if field == "color" else [translation]
    for channel, limit in limits.get(field, []):
        longest = max(len(part) for part in parts)
        if longest > limit:
            found.append(f"{longest} characters: over {channel}'s {limit}-character {field} limit")
    if field == "color" and source.count("/") != translation.count("/"):
        found.append(f'{source.count("/") + 1} colour(s) in the source, {len(parts)} in the translation')
    return found
