"""UI strings of the landing pages (gettext domain `messages`) and the review status of each text.

The catalogue comes from feedgen.i18n (feedgen.i18n.ui.ui_catalogue: the project's nb_NO over nb,
else the package's own), compiled in memory with the checks of `feedgen translations check`
(feedgen.i18n.review.compile_checked). This module adds what the pages need beyond the
translation: whether a reviewer has approved it. An entry is
- reviewed: translated and not fuzzy;
- fuzzy: translated but flagged fuzzy (machine output or a changed source) - shown only where the
  market allows machine translation, and always in review mode;
- missing: no translation, or one failing the checks - the English source is shown.

Every string the templates get is escaped here (a translation is data, not markup: with newstyle
gettext Jinja would otherwise mark it safe), and in review mode wrapped in `<mark>` so a reviewer
sees at a glance what still needs a human.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

from feedgen.i18n import MESSAGES
from feedgen.i18n.catalogues import key_of, status_of
from feedgen.i18n.review import compile_checked

_REVIEW_MARK = re.compile(r'<mark class="review review-(?:fuzzy|missing)"(?: title="[^"]*")?>|</mark>')
# Product text statuses (offers.text_status and the i18n catalogue's) -> review class.
PRODUCT_STATUS = {"reviewed": "reviewed", "machine": "fuzzy", "fuzzy": "fuzzy", "source": "missing", "missing": "missing"}


@dataclass
class Flagged:
    status: str  # fuzzy | missing
    source: str
    shown: str
    where: str = "ui"  # ui | campaign | product


@dataclass
class UiText:
    """gettext callables for one market's pages, with per-page bookkeeping of unreviewed text."""

    language: str
    source_language: str
    catalog: Catalog | None
    use_fuzzy: bool
    review: bool = False
    flagged: list[Flagged] = field(default_factory=list)
    lower_in_sentence: frozenset[str] = frozenset()  # product fields written lower-case mid-sentence (termbase)
    broken: list[tuple[str, str]] = field(default_factory=list)  # (text, why its translation is not used)

    def __post_init__(self) -> None:
        self.translations: NullTranslations = NullTranslations()
        self.status: dict[tuple[str, str], str] = {}
        if self.catalog is None:
            return
        data, left_out = compile_checked(self.catalog, MESSAGES, use_fuzzy=self.use_fuzzy or self.review)
        self.translations = Translations(io.BytesIO(data), domain=MESSAGES)
        for message in self.catalog:
            if message.id:
                state = status_of(message)
                self.status[key_of(message)] = "fuzzy" if state == "machine" else state
        for message, problem in left_out:  # English is shown: to a reviewer it is missing
            context, msgid = key_of(message)
            self.status[(context, msgid)] = "missing"
            self.broken.append((f"{context + ' | ' if context else ''}{msgid}", problem))

    @property
    def is_source(self) -> bool:
        return self.language == self.source_language

    def reset(self) -> list[Flagged]:
        """Start a new page; returns what the previous one flagged."""
        flagged, self.flagged = self.flagged, []
        return flagged

    def _state(self, context: str, msgid: str) -> str:
        if self.is_source:  # the source text is reviewed; only an unreviewed en_US/en_GB override shown needs a human
            shown = self.status.get((context, msgid)) == "fuzzy" and (self.use_fuzzy or self.review)
            return "fuzzy" if shown else "reviewed"
        return self.status.get((context, msgid), "missing")

    def _finish(self, context: str, msgid: str, translated: str) -> Markup:
        """Escape and (in review mode) mark one looked-up string."""
        state = self._state(context, msgid)
        if state == "reviewed":
            return escape(translated)
        return self._flag(state, msgid, translated, "campaign" if context.startswith("campaign:") else "ui")

    def _flag(self, state: str, source: str, shown: str, where: str) -> Markup:
        self.flagged.append(Flagged(state, source, shown, where))
        if not self.review:
            return escape(shown)
        title = Markup(' title="{}"').format(source) if shown != source else Markup("")
        return Markup('<mark class="review review-{}"{}>').format(state, title) + escape(shown) + Markup("</mark>")

    # --- the gettext callables the Jinja i18n extension installs (newstyle: Jinja %-formats our result)
    def gettext(self, message: str) -> Markup:
        return self._finish("", message, self.translations.ugettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        return self._finish("", singular, self.translations.ungettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> Markup:
        return self._finish(context, message, self.translations.upgettext(context, message))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> Markup:
        return self._finish(context, singular, self.translations.unpgettext(context, singular, plural, n))

    # --- text that is not in a template
    def data_text(self, context: str, message: str) -> Markup:
        """A translatable string from configuration (campaign texts, payment method names)."""
        return self.pgettext(context, message)

    def in_sentence(self, field: str, text: str) -> str:
        """A product value as it reads inside a sentence: "brun og sand" in nb, "Braun und Sand" in de."""
        return text.lower() if field in self.lower_in_sentence else text

    def product_text(self, text: str, text_status: str) -> Markup:
        """Product text from the offer frame, highlighted by the offer's own text_status."""
        state = "reviewed" if self.is_source else PRODUCT_STATUS.get(text_status, "missing")
        if state == "reviewed" or not text:
            return escape(text)
        return self._flag(state, text, text, "product")


def field_status(row, field: str, bullet: int | None = None) -> str:
    """The review status of one localized field of an offer row (of one bullet, for features).

    feedgen.i18n.localizer records it per field (`status_title`, `status_features` = "reviewed|source|…"),
    so one changed title marks the title, not the item's every text; a localizer that records only
    the row's `text_status` gets that for every field."""
    value = row.get(f"status_{field}")
    if not isinstance(value, str) or not value:
        return str(row["text_status"])
    if bullet is None:
        return value
    parts = value.split("|")
    return parts[bullet] if bullet < len(parts) else str(row["text_status"])


def plain(value: str) -> Markup:
    """Jinja filter for attributes and <title>: the text without review marks (still escaped)."""
    return Markup(_REVIEW_MARK.sub("", str(value if isinstance(value, Markup) else escape(value))))


def unique(flagged: list[Flagged]) -> list[Flagged]:
    """Each text once, however often the page shows it (a title is also in alt texts and the CTA)."""
    return list({(f.status, f.where, f.source): f for f in flagged}.values())


def summarize(flagged: list[Flagged]) -> Counter:
    """Distinct texts needing review, by status (fuzzy, missing)."""
    return Counter(item.status for item in unique(flagged))
