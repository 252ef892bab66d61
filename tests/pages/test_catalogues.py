"""The UI-string catalogues (domain `messages`): extraction is complete and every language is reviewed."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from ..conftest import REPO

LANGUAGES = ("nb", "sv", "da", "fi", "de", "nl")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted() -> set[tuple[str, str]]:
    """What `pybabel extract -F babel.cfg .` finds: template strings, campaign texts, payment methods."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keys = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(REPO), method_map, options_map):
        msgid = message if isinstance(message, str) else message[0]
        keys.add((context or "", msgid))
    return keys


def keys_of(catalog) -> set[tuple[str, str]]:
    return {(m.context or "", m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def test_extraction_finds_templates_campaigns_and_payment_methods() -> None:
    keys = extracted()
    assert ("", "Buy now") in keys and ("", "%(num)s review") in keys
    assert {c for c, _ in keys if c.startswith("campaign:")} >= {
        "campaign:winter-boots:headline", "campaign:city-sneakers:story", "campaign:kids-winter-boots:offer"}
    assert ("payment method", "Klarna Pay later (invoice)") in keys
    with (REPO / "locales" / "messages.pot").open("rb") as handle:
        assert keys_of(read_po(handle)) == keys, "locales/messages.pot is stale: re-run pybabel extract (README)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_reviewed_and_keeps_placeholders(language) -> None:
    with (REPO / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    assert not catalog.fuzzy
    assert keys_of(catalog) >= extracted()
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings) and not message.fuzzy, message.id
        assert not list(message.check(catalog)), message.id  # Babel's python-format checks
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(ids[0])), (language, message.id, text)
            assert "<" not in text and PLACEHOLDER.sub("", text).count("%") == 0, (language, text)
