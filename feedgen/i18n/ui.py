"""UI strings at runtime: the messages catalogue installed into a Jinja2 environment.

The options here and the [jinja2: …] section of babel.cfg must agree (SPECS Part B §1, pitfall 2):
with newstyle gettext every string is %-formatted inside the call, and with the trimmed policy
`{% trans %}` blocks are whitespace-normalised; if extraction used other settings, the msgids
looked up at runtime would not be the extracted ones. tests/i18n check babel.cfg against these.

Catalogues are compiled in memory from the .po (no .mo files to keep in sync), leaving out fuzzy
entries and entries that fail the checks: newstyle gettext marks translations safe, so a
translation carrying markup its source does not have would be inserted unescaped.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.support import NullTranslations, Translations
from jinja2 import Environment

from feedgen.i18n import MESSAGES
from feedgen.i18n.catalogues import locale_chain, po_path, read_catalogue
from feedgen.i18n.review import compiled

NEWSTYLE = True  # babel.cfg: newstyle_gettext = true
TRIMMED = True  # babel.cfg: trimmed = true
EXTENSIONS = ("jinja2.ext.i18n",)  # babel.cfg: extensions = jinja2.ext.i18n (no removed Jinja 2 extensions)


def ui_translations(locales: Path, locale: str, language: str) -> NullTranslations:
    """The market's UI translations, most specific catalogue first (nb_NO, then nb).

    Returns NullTranslations (msgids shown as they are) when no catalogue exists; callers for a
    non-source language should treat that as a missing catalogue, not as success.
    """
    result: NullTranslations | None = None
    for folder in locale_chain(locale, language):
        path = po_path(locales, folder, MESSAGES)
        if not path.exists():
            continue
        data, _ = compiled(read_catalogue(path, MESSAGES, folder), MESSAGES)
        translations = Translations(io.BytesIO(data), domain=MESSAGES)
        if result is None:
            result = translations
        else:
            result.add_fallback(translations)
    return result if result is not None else NullTranslations()


def install(environment: Environment, translations: NullTranslations) -> Environment:
    """Install translations the way babel.cfg extracts: newstyle gettext, trimmed trans blocks."""
    for extension in EXTENSIONS:
        environment.add_extension(extension)
    environment.policies["ext.i18n.trimmed"] = TRIMMED
    environment.install_gettext_translations(translations, newstyle=NEWSTYLE)
    return environment
