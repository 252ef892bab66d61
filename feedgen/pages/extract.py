"""Babel extraction methods for the translatable strings that live in project data, not templates.

Referenced from babel.cfg, so one `pybabel extract -F babel.cfg` collects the templates' UI strings
and these into the `messages` domain:

    [feedgen.pages.extract.campaign_strings: product_data/landing_pages.toml]
    [feedgen.pages.extract.payment_method_names: product_data/markets.toml]

Each yields (line, "pgettext", (msgctxt, msgid), comments), Babel's extractor protocol.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import BinaryIO, Iterator

from feedgen.pages.campaigns import TEXT_FIELDS, parse_campaigns

Extracted = Iterator[tuple[int, str, tuple[str, str], list[str]]]


def _line(lines: list[str], needle: str, start: int = 0) -> int:
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return start + 1


def campaign_strings(fileobj: BinaryIO, keywords, comment_tags, options) -> Extracted:
    """headline, offer and story of every campaign, msgctxt `campaign:<slug>:<field>`."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    for campaign in parse_campaigns(Path(getattr(fileobj, "name", "landing_pages.toml")), text):
        slug = campaign.get("slug", "")
        start = _line(lines, f'"{slug}"') - 1
        for field in TEXT_FIELDS:
            value = campaign.get(field)
            if isinstance(value, str) and value.strip():
                yield (_line(lines, f"{field} =", start), "pgettext", (f"campaign:{slug}:{field}", value.strip()),
                       [f"Landing page {slug}: {field}"])


def payment_method_names(fileobj: BinaryIO, keywords, comment_tags, options) -> Extracted:
    """Display names of [payment_methods], msgctxt `payment method` (brand names stay as they are)."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    methods = tomllib.loads(text).get("payment_methods", {})
    for method_id, entry in methods.items():
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and name.strip():
            yield (_line(lines, f"{method_id} ="), "pgettext", ("payment method", name),
                   [f"Payment method {method_id} ({entry.get('kind', '')}); keep brand names"])
