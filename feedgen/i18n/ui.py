"""UI strings at runtime: which messages catalogue a market's landing pages read, and how the
gettext callables are installed into the pages' Jinja2 environment.

The options here and the [jinja2: …] section of babel.cfg must agree (SPECS Part B §1, pitfall 2):
with newstyle gettext every string is %-formatted inside the call, and with the trimmed policy
`{% trans %}` blocks are whitespace-normalised; if extraction used other settings, the msgids
looked up at runtime would not be the extracted ones. tests/i18n check babel.cfg against the
environment feedgen.pages.render builds.

Catalogues are compiled in memory from the .po (no .mo files to keep in sync) by
feedgen.i18n.review.compile_checked, which leaves out entries failing the checks of
`feedgen translations check`: newstyle gettext marks translations safe, so a translation carrying
markup its source does not have would be inserted unescaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from babel.messages.catalog import Catalog
from jinja2 import Environment

from feedgen.i18n import MESSAGES
from feedgen.i18n.catalogues import locale_chain, po_path, read_catalogue, status_of

NEWSTYLE = True  # babel.cfg: newstyle_gettext = true
TRIMMED = True  # babel.cfg: trimmed = true
EXTENSIONS = ("jinja2.ext.i18n",)  # babel.cfg: extensions = jinja2.ext.i18n (no removed Jinja 2 extensions)
# The UI catalogues feedgen ships, for projects without a messages.po of their own: copies of the
# sample project's locales/<lang>/LC_MESSAGES/messages.po (tests/i18n/test_ui_gettext.py keeps them equal).
PACKAGE_LOCALES = Path(__file__).resolve().parents[1] / "locales"
_RANK = {"reviewed": 0, "machine": 1, "fuzzy": 1, "missing": 2}


def ui_catalogue_paths(locales: Path, locale: str, language: str) -> list[Path]:
    """The messages.po files a market reads, most specific first: the project's nb_NO and nb; only
    when the project has neither, the one feedgen ships for the language (a whole-file fallback: a
    project's own catalogue, with its own review status, is never mixed with the package's)."""
    found = [po_path(locales, folder, MESSAGES) for folder in locale_chain(locale, language)]
    found = [path for path in found if path.is_file()]
    if not found:  # the package's: en_US or en_GB wording for the source language, else the language's
        found = [path for path in (po_path(PACKAGE_LOCALES, folder, MESSAGES) for folder in locale_chain(locale, language))
                 if path.is_file()][:1]
    return found


def ui_catalogue(locales: Path, locale: str, language: str) -> Catalog | None:
    """The market's UI catalogue (see ui_catalogue_paths), or None when there is none.

    The project's nb_NO and nb are merged entry by entry, as for product text: a reviewed translation
    beats a fuzzy or missing one, and between equals the more specific catalogue wins."""
    paths = ui_catalogue_paths(locales, locale, language)
    if not paths:
        return None
    merged: Catalog | None = None
    for path in reversed(paths):  # least specific first, so the more specific replaces its equals
        catalog = read_catalogue(path, MESSAGES, language)
        if merged is None:
            merged = catalog
            continue
        merged.mime_headers = catalog.mime_headers
        for message in catalog:
            if not message.id:
                continue
            current = merged.get(message.id, context=message.context)
            if current is None or _RANK[status_of(message)] <= _RANK[status_of(current)]:
                if current is not None:
                    merged.delete(message.id, context=message.context)  # Catalog[...] = would merge the two
                merged[message.id] = message
    return merged


class GettextCallables(Protocol):
    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int) -> str: ...
    def pgettext(self, context: str, message: str) -> str: ...
    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str: ...


def install(environment: Environment, ui: GettextCallables) -> Environment:
    """Install gettext the way babel.cfg extracts: the i18n extension, newstyle gettext, trimmed trans blocks."""
    for extension in EXTENSIONS:
        environment.add_extension(extension)
    environment.policies["ext.i18n.trimmed"] = TRIMMED
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        ui.gettext, ui.ngettext, newstyle=NEWSTYLE, pgettext=ui.pgettext, npgettext=ui.npgettext
    )
    return environment
