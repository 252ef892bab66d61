"""Language identification of feed and page text, for the test suite's wrong-language gate.

py3langid (a fork of langid.py) ships its model inside the wheel (py3langid/data/model.npz.xz):
nothing is downloaded, and the same text always gets the same answer. Short strings (a colour, a
button) say too little for any detector, so it judges only texts of MIN_CHARACTERS or more: each
feed item's title and description together, and each paragraph or list item of a page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

MIN_CHARACTERS = 80
G = "{http://base.google.com/ns/1.0}"
CODES = {"nb": "no"}  # the model's code for Norwegian bokmål


@dataclass(frozen=True)
class Finding:
    where: str
    expected: str
    detected: str
    text: str


@lru_cache(maxsize=None)
def identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    """Restricted to the project's languages (plus nn, the other written Norwegian): a choice among
    the languages a market could plausibly be given, not among 97."""
    model = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    model.set_languages(sorted({CODES.get(language, language) for language in languages} | {"nn"}))
    return model


def feed_texts(feed: Path) -> list[tuple[str, str]]:
    return [(f"{feed.name} {item.findtext(f'{G}id')}", f"{item.findtext(f'{G}title')}. {item.findtext(f'{G}description')}")
            for item in etree.parse(str(feed)).iter("item")]


def page_texts(page: Path) -> list[tuple[str, str]]:
    root = lxml_html.fromstring(page.read_bytes())
    return [(f"{page.parent.name}/{page.name}", " ".join(element.text_content().split()))
            for element in root.xpath("//main//p | //main//li | //main//h1 | //main//h2")]


def wrong_language(texts: list[tuple[str, str]], language: str, languages: tuple[str, ...]) -> list[Finding]:
    model = identifier(languages)
    expected = CODES.get(language, language)
    findings = []
    for where, text in dict.fromkeys(texts):
        if len(text) < MIN_CHARACTERS:
            continue
        detected, _ = model.classify(text)
        if detected != expected:
            findings.append(Finding(where, expected, detected, text[:100]))
    return findings
