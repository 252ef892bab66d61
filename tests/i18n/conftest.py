"""Fixture catalogues for the i18n tests, written in tmp_path (the real translations live in locales/)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po as babel_write_po

from feedgen.load.catalogue import load_catalogue
from feedgen.i18n.sources import SourceText, product_sources

LANGUAGES = ("nb", "sv", "da", "fi", "de", "nl")
SAMPLE_CATALOGUE = Path(__file__).resolve().parents[2] / "product_data" / "catalogue.csv"


@pytest.fixture(scope="session")
def sample_items():
    return load_catalogue(SAMPLE_CATALOGUE).items


@pytest.fixture(scope="session")
def sample_sources(sample_items) -> list[SourceText]:
    return product_sources(sample_items)


def fake_translation(language: str, text: str) -> str:
    return f"[{language}] {text}"


def write_po(path: Path, language: str, entries: list[tuple[str, str, str]], *, machine: set[str] = frozenset(),
             fuzzy: set[str] = frozenset()) -> Path:
    """entries: (msgctxt, msgid, msgstr). Keys (msgctxt, msgid) in `machine` get fuzzy + '# MT: …', in `fuzzy` a bare fuzzy flag."""
    catalog = Catalog(locale=language, domain="products", fuzzy=False)
    for context, msgid, msgstr in entries:
        key = (context, msgid)
        flags = ["fuzzy"] if key in machine or key in fuzzy else []
        comments = ["MT: fake 2026-11-22"] if key in machine else []
        catalog.add(msgid, msgstr, context=context, flags=flags, user_comments=comments)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        babel_write_po(handle, catalog)
    return path


@pytest.fixture
def translated(project: Path, sample_sources) -> Callable[..., Path]:
    """Write fully 'reviewed' fixture catalogues ([de] English text) for the given languages into project/locales."""

    def make(languages=LANGUAGES, translate=fake_translation, skip: Callable[[SourceText], bool] = lambda s: False,
             machine: Callable[[SourceText], bool] = lambda s: False) -> Path:
        locales = project / "locales"
        for termbase in locales.glob("*/termbase.toml"):  # "[de] English text" cannot follow a real termbase
            termbase.unlink()
        for language in languages:
            entries = [(s.context, s.text, "" if skip(s) else translate(language, s.text)) for s in sample_sources]
            machine_keys = {s.key for s in sample_sources if machine(s)}
            write_po(locales / language / "LC_MESSAGES" / "products.po", language, entries, machine=machine_keys)
        return locales

    return make
