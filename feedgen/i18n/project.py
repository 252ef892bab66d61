"""A feedgen project as the translation commands see it: markets, catalogue, locales folder.

Shared by extract, status, translate and check so they agree on which languages exist, what the
current source texts are, and how a language's catalogue looks once brought up to date.
"""

from __future__ import annotations

from collections import Counter

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel.messages.catalog import Catalog

from feedgen.load.catalogue import load_catalogue
from feedgen.errors import InputError
from feedgen.i18n import MESSAGES, PRODUCTS
from feedgen.i18n.catalogues import (
    Key,
    catalogue_languages,
    key_of,
    new_catalogue,
    po_path,
    pot_path,
    read_catalogue,
    status_of,
    update_catalogue,
)
from feedgen.i18n.sources import SourceText, product_sources, product_template
from feedgen.config.markets import MarketConfig
from feedgen.config.paths import ProjectPaths
from feedgen.channels import read_markets

DO_NOT_TRANSLATE = "do-not-translate.txt"  # in locales/: one term per line, masked before machine translation


@dataclass
class I18nProject:
    paths: ProjectPaths  # the project's inputs, found exactly as `feedgen build` finds them
    catalogue_format: str = "auto"  # read as `feedgen build` reads it (feedgen.load.importers.FORMATS)
    _catalogs: dict[tuple[str, str], Catalog] = field(default_factory=dict)

    @classmethod
    def from_paths(cls, data_dir: Path, locales: Path | None = None, catalogue: Path | None = None,
                   markets: Path | None = None, catalogue_format: str = "auto",
                   mapping: Path | None = None) -> "I18nProject":
        """`catalogue_format` and `mapping` (the export mapping file, default DATA/mapping.toml) as for build."""
        paths = ProjectPaths(data_dir=data_dir, catalogue=catalogue, markets=markets, mapping=mapping, locales=locales)
        return cls(paths=paths, catalogue_format=catalogue_format)

    @property
    def locales(self) -> Path:
        return self.paths.locales_dir

    @cached_property
    def config(self) -> MarketConfig:
        return read_markets(self.paths.input("markets.toml"))

    @property
    def source_language(self) -> str:
        return self.config.project.source_language

    def market_languages(self) -> list[str]:
        """Languages the markets need translated, in markets.toml order."""
        return list(dict.fromkeys(m.language for m in self.config.markets.values() if m.language != self.source_language))

    def languages(self, domain: str, requested: list[str] | None = None, *, present: bool = False) -> list[str]:
        """Requested languages, else the markets' (plus, with `present`, every catalogue folder already there,
        variants of the source language such as en_GB included)."""
        if requested:
            return list(dict.fromkeys(requested))
        found = catalogue_languages(self.locales, domain) if present else []
        return list(dict.fromkeys(self.market_languages() + found))

    def variant_folders(self, domain: str) -> list[str]:
        """Regional catalogue folders a market reads (en_US, en_GB, de_AT …): overrides of their language."""
        locales = {m.locale for m in self.config.markets.values() if "_" in m.locale}
        return [lang for lang in catalogue_languages(self.locales, domain) if lang in locales]

    def is_override(self, language: str, domain: str) -> bool:
        """en_US over the source language, or nb_NO over an nb catalogue: it holds only the entries whose
        wording differs, so extract never fills it with empty entries and status counts only what it has."""
        if "_" not in language:
            return False
        base = language.split("_")[0]
        return base == self.source_language or po_path(self.locales, base, domain).exists()

    def unused_folders(self, domain: str) -> list[str]:
        """Catalogue folders no market reads (e.g. `no/` when markets say nb)."""
        wanted = {m.locale for m in self.config.markets.values()} | {m.language for m in self.config.markets.values()}
        return [lang for lang in catalogue_languages(self.locales, domain) if lang not in wanted]

    @cached_property
    def product_sources(self) -> list[SourceText]:
        """From the catalogue as the build loads it (export formats, mapping, defaults): the msgids must be
        the texts the build looks up. Only the catalogue: prices, FX rates or sizes cannot change them,
        and a broken fx_rates.csv must not stop a translator."""
        catalogue = load_catalogue(self.paths.input("catalogue.csv"), self.catalogue_format, self.paths.mapping_file,
                                   defaults={"brand": self.config.project.brand})
        return product_sources(catalogue.items)

    def sources(self, domain: str) -> list[Key]:
        if domain == PRODUCTS:
            return [source.key for source in self.product_sources]
        return [(m.context or "", m.id if isinstance(m.id, str) else m.id[0]) for m in self.template(domain) if m.id]

    def project_name(self, domain: str) -> str:
        return f"{self.config.project.brand} {domain}"

    def template(self, domain: str) -> Catalog:
        """The current template: built from the catalogue for products, read from messages.pot for UI strings."""
        if domain == PRODUCTS:
            return product_template(self.product_sources, self.project_name(domain))
        path = pot_path(self.locales, MESSAGES)
        if not path.exists():
            raise InputError(path, "no UI string template: run `feedgen translations extract --mapping babel.cfg` first")
        return read_catalogue(path, MESSAGES)

    def catalogue(self, language: str, domain: str, template: Catalog | None = None) -> Catalog:
        """The language's catalogue (created if absent) brought up to date with the template, in memory."""
        cache_key = (language, domain)
        if cache_key not in self._catalogs:
            path = po_path(self.locales, language, domain)
            catalog = read_catalogue(path, domain, language) if path.exists() else new_catalogue(
                language, self.project_name(domain), domain)
            template = template if template is not None else self.template(domain)
            held = {key_of(message) for message in catalog if message.id}
            override = self.is_override(language, domain)
            # UI strings carry no msgctxt, so in a sparse override a fuzzy match is a guess between
            # unrelated sentences ("Delivery in %(num)s day" taking the delivery-by-service line):
            # a UI override whose English changed becomes obsolete instead. Product text keeps
            # fuzzy matching: its msgctxt ties a changed title to the entry it replaced.
            update_catalogue(catalog, template, fuzzy_matching=not (override and domain == MESSAGES))
            if override:
                _keep_overrides_only(catalog, held, template)
            self._catalogs[cache_key] = catalog
        return self._catalogs[cache_key]

    def out_of_date(self, domain: str, template: Catalog, languages: list[str]) -> list[str]:
        """Why `feedgen translations extract` should run first: the files on disk lag the current source
        texts (a translator's tool would not show the entries a translate run is about to fill)."""
        wanted = {key_of(message) for message in template if message.id}
        notes = []
        path = pot_path(self.locales, domain)
        on_disk = {key_of(m) for m in read_catalogue(path, domain) if m.id} if path.exists() else set()
        if on_disk != wanted:
            notes.append(f"{path}: {len(wanted - on_disk)} new and {len(on_disk - wanted)} vanished source text(s)"
                         if path.exists() else f"{path} does not exist")
        for language in languages:
            po = po_path(self.locales, language, domain)
            if self.is_override(language, domain):
                continue
            held = {key_of(m) for m in read_catalogue(po, domain, language) if m.id} if po.exists() else set()
            if wanted - held:
                notes.append(f"{po}: {len(wanted - held)} source text(s) not in the file yet")
        return notes

    def terms(self) -> list[str]:
        """Never machine-translated: the brand and the lines of locales/do-not-translate.txt."""
        terms = [self.config.project.brand]
        path = self.locales / DO_NOT_TRANSLATE
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            terms += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        return terms


def _keep_overrides_only(catalog: Catalog, held: set[Key], template: Catalog) -> None:
    """An override after an update keeps what it held (fuzzy where its source text changed), never
    the template's other entries: not as empty ones, nor as fuzzy near-copies of an entry it still has."""
    current = {message.id for message in template if message.id}
    contexts = {context for context, _ in held}
    # Babel fuzzy-matches each new source text on its own, so one vanished text can be offered to
    # several new ones: that is no rename, and keeping any of them would make `extract` chase its own
    # output (not idempotent). Only a one-to-one match is a rename; otherwise the old text is obsolete.
    claims = Counter((m.context or "", m.previous_id[0]) for m in catalog if m.id and m.previous_id and key_of(m) not in held)
    for message in [m for m in catalog if m.id]:
        if key_of(message) in held:
            continue
        # the source text of an entry it held changed: same msgctxt, and the old text is gone
        renamed = (bool(message.previous_id) and message.previous_id[0] not in current
                   and claims[(message.context or "", message.previous_id[0])] == 1 and (message.context or "") in contexts)
        if status_of(message) == "missing" or not renamed:
            catalog.delete(message.id, context=message.context)
