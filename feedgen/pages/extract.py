"""Babel extraction methods for the translatable strings that live in project data, not templates.

Referenced from babel.cfg, so one `pybabel extract -F babel.cfg` collects the templates' UI strings
and these into the `messages` domain:

    [feedgen.pages.extract.campaign_strings: product_data/landing_pages.toml]
    [feedgen.pages.extract.payment_method_names: product_data/markets.toml]

Each yields (line, "pgettext", (msgctxt, msgid), comments), Babel's extractor protocol.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterator

from feedgen.pages.campaigns import TEXT_FIELDS, line_of, parse_campaigns
from feedgen.config.tomlfile import TomlFile

Extracted = Iterator[tuple[int, str, tuple[str, str], list[str]]]


def _toml(fileobj: BinaryIO, default_name: str) -> TomlFile:
    return TomlFile.parse(Path(getattr(fileobj, "name", default_name)), fileobj.read().decode("utf-8"))


def campaign_strings(fileobj: BinaryIO, keywords, comment_tags, options) -> Extracted:
    """headline, offer and story of every campaign, msgctxt `campaign:<slug>:<field>`."""
    toml = _toml(fileobj, "landing_pages.toml")
    for index, campaign in enumerate(parse_campaigns(toml)):
        slug = campaign.get("slug", "")
        for field in TEXT_FIELDS:
            value = campaign.get(field)
            if isinstance(value, str) and value.strip():
                yield (line_of(toml, index, field) or 1, "pgettext", (f"campaign:{slug}:{field}", value.strip()),
                       [f"Landing page {slug}: {field}"])


def payment_method_names(fileobj: BinaryIO, keywords, comment_tags, options) -> Extracted:
    """Display names of [payment_methods], msgctxt `payment method` (brand names stay as they are)."""
    toml = _toml(fileobj, "markets.toml")
    methods = toml.data.get("payment_methods", {})
    for method_id, entry in methods.items():
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and name.strip():
            yield (toml.line_of_path(f"payment_methods.{method_id}") or 1, "pgettext", ("payment method", name),
                   [f"Payment method {method_id} ({entry.get('kind', '')}); keep brand names"])
