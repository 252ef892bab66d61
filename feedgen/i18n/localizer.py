"""The build's Localizer: product text from the gettext catalogues, per market.

Reviewed translations are used everywhere; machine translations (fuzzy + `# MT:`) only in markets
with `allow_machine_translation = true`; everything else falls back to the source text with a
diagnostic. Lookups run once per distinct (msgctxt, msgid) pair and are mapped back onto the rows,
so the cost does not grow with the number of sizes per style.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from feedgen.load.offer_schema import STATUS_PREFIX
from feedgen.diagnostics import Diagnostic
from feedgen.errors import InputError
from feedgen.i18n import PRODUCTS
from feedgen.i18n.catalogues import locale_chain, po_path, read_catalogue, status_of
from feedgen.i18n.checks import problems
from feedgen.columns import map_distinct
from feedgen.i18n.sources import (
    FEATURE_SEPARATOR, PRODUCT_TYPE, PRODUCT_TYPE_SEPARATOR, STYLE_FIELDS, VALUE_FIELDS, split_features, split_product_type,
)
from feedgen.config.markets import Market
from feedgen.resolve.offers import LOCALIZED_FIELDS
from feedgen.text import clean_text

RANK = {"reviewed": 0, "machine": 1, "source": 2}
# STATUS_PREFIX (offer schema): status_title, status_features ("reviewed|source|…", one per bullet), …
STATUS_BY_RANK = {rank: status for status, rank in RANK.items()}


@dataclass(frozen=True)
class Entry:
    text: str
    status: str  # reviewed | machine | fuzzy (never used) | invalid (failed checks, never used)
    path: Path
    problem: str = ""


class CatalogueLocalizer:
    """Implements feedgen.resolve.offers.Localizer from locales/<lang>/LC_MESSAGES/products.po."""

    def __init__(self, locales: Path, source_language: str, *, require_reviewed: bool = False) -> None:
        self.locales = locales
        self.source_language = source_language
        self.require_reviewed = require_reviewed
        self._tables: dict[str, dict[tuple[str, str], Entry]] = {}

    # ------------------------------------------------------------------ catalogue tables
    def _table(self, folder: str) -> dict[tuple[str, str], Entry]:
        if folder not in self._tables:
            path = po_path(self.locales, folder, PRODUCTS)
            table: dict[tuple[str, str], Entry] = {}
            if path.exists():
                for message in read_catalogue(path, PRODUCTS, folder):
                    if not message.id or not isinstance(message.id, str):
                        continue
                    status = status_of(message)
                    if status == "missing":
                        continue
                    found = problems(message.id, message.string, PRODUCTS)
                    table[(message.context or "", message.id)] = Entry(
                        clean_text(message.string), "invalid" if found else status, path, "; ".join(found))
            self._tables[folder] = table
        return self._tables[folder]

    def _lookup(self, market: Market) -> tuple[dict[tuple[str, str], Entry], list[Path]]:
        """Entries for the market's locale chain (nb_NO, then nb); a reviewed one beats a machine one."""
        merged: dict[tuple[str, str], Entry] = {}
        found: list[Path] = []
        for folder in reversed(locale_chain(market.locale, market.language)):
            path = po_path(self.locales, folder, PRODUCTS)
            if path.exists():
                found.append(path)
            for key, entry in self._table(folder).items():
                current = merged.get(key)
                if current is None or _preference(entry) <= _preference(current):
                    merged[key] = entry
        return merged, found

    # ------------------------------------------------------------------ localize
    def localize(self, items: pd.DataFrame, market: Market) -> tuple[pd.DataFrame, list[Diagnostic]]:
        session = self.session(market)
        items, diagnostics = session.localize(items)
        return items, diagnostics + session.finish()

    def session(self, market: Market) -> "LocalizeSession":
        """One market localized a slice of the catalogue at a time (feedgen.pipeline.slices): what is said of
        the whole market (counts, invalid entries, a refused --require-reviewed) waits for `finish`."""
        return LocalizeSession(self, market)

    def localize_product_type(self, offers: pd.DataFrame, market: Market) -> pd.DataFrame:
        """product_type in the market's language, level by level (msgctxt "product_type").

        Run after rules.toml, whose conditions read the source path ("product_type contains 'winter'")
        and may append a level. An untranslated level and everything below it is cut unless the
        market publishes source text (untranslated = "source"): "Schuhe > Stiefel" rather than
        "Schuhe > Stiefel > Hiking Boots"; the attribute is the shop's own taxonomy and optional."""
        table, _ = self._lookup(market)
        keep_source = market.language == self.source_language or market.untranslated == "source"
        if keep_source and not any(context == PRODUCT_TYPE for context, _ in table):
            return offers

        def level(text: str) -> str | None:
            entry = table.get((PRODUCT_TYPE, text))
            if entry is not None and (entry.status == "reviewed" or (entry.status == "machine" and market.allow_machine_translation)):
                return entry.text
            return text if keep_source else None

        def path(value: str) -> str:
            done: list[str] = []
            for text in split_product_type(value):
                translated = level(text)
                if translated is None:
                    break
                done.append(translated)
            return PRODUCT_TYPE_SEPARATOR.join(done)

        offers = offers.copy()
        offers[PRODUCT_TYPE] = map_distinct(offers[PRODUCT_TYPE], path)
        return offers

    def _no_catalogue(self, market: Market) -> tuple[Path, str]:
        """No catalogue for the market's language at all: the file expected and a hint naming those found.
        Raises InputError when the market (or --require-reviewed) cannot publish without one."""
        others = sorted(p.parent.parent.name for p in self.locales.glob(f"*/LC_MESSAGES/{PRODUCTS}.po"))
        hint = f" (catalogues found for: {', '.join(others)})" if others else ""
        expected = po_path(self.locales, market.language, PRODUCTS)
        if self.require_reviewed:
            raise InputError(expected, f"market {market.id} requires reviewed {market.language} text "
                                       f"(--require-reviewed) but there is no catalogue{hint}")
        if market.untranslated == "fail":
            raise InputError(expected, f"market {market.id} has untranslated = \"fail\" but there is no "
                                       f"{market.language} catalogue{hint}")
        return expected, hint

    def _untranslated_market(self, market: Market, count: int, expected: Path, hint: str) -> Diagnostic:
        """What a market without a catalogue says, once for its `count` items: the policy decides."""
        if market.untranslated == "omit":
            return Diagnostic(
                "i18n.catalogue.missing", "warning",
                f"no {expected.as_posix()}{hint}: all {count} items left out of this market "
                f"(untranslated = \"omit\"); translate them, or set untranslated = \"source\" to publish "
                f"{self.source_language} text", market=market.id,
            )
        return Diagnostic(
            "i18n.catalogue.missing", "warning",
            f"no {expected.as_posix()}{hint}: {count} items use the {self.source_language} source text",
            market=market.id,
        )

    def _fail_untranslated(self, resolver: "_Resolver", market: Market, found: list[Path]) -> None:
        # a machine translation the market allows is usable; one it refuses is not
        pending = [resolver.other] + ([] if resolver.allow_machine else [resolver.machine])
        count = sum(len(texts) for texts in pending)
        example = min((texts.first for texts in pending if texts.first is not None), default=("", "", ""))
        raise InputError(
            found[-1] if found else po_path(self.locales, market.language, PRODUCTS),
            f"market {market.id} has untranslated = \"fail\": {count} text(s) have no usable "
            f"{market.language} translation, e.g. msgctxt {example[0]!r}; see `feedgen translations status --list`",
        )

    def _require_reviewed(self, resolver: "_Resolver", market: Market, found: list[Path]) -> None:
        machine, other = len(resolver.machine), len(resolver.other)
        if not machine + other:
            return
        example = min(texts.first for texts in (resolver.machine, resolver.other) if texts.first is not None)
        raise InputError(
            found[-1] if found else po_path(self.locales, market.language, PRODUCTS),
            f"market {market.id} requires reviewed text (--require-reviewed): {machine + other} text(s) are not "
            "reviewed "
            f"({machine} machine, {other} missing, fuzzy or invalid), e.g. msgctxt {example[0]!r}; "
            "see `feedgen translations status`",
        )


class LocalizeSession:
    """A market's localization, slice by slice: per-row text and diagnostics from `localize`, what the
    whole market tells (and a refused --require-reviewed or untranslated = "fail") from `finish`, so
    a market built in slices says exactly what it says built whole."""

    def __init__(self, localizer: CatalogueLocalizer, market: Market) -> None:
        self.localizer, self.market = localizer, market
        self.source_market = market.language == localizer.source_language
        self.table, self.found = localizer._lookup(market)
        self.missing = None if self.found or self.source_market else localizer._no_catalogue(market)
        fallback = "reviewed" if self.source_market else "source"
        self.resolver = _Resolver(self.table, market.allow_machine_translation, fallback)
        self.items = 0
        self.untranslated = False

    def localize(self, items: pd.DataFrame) -> tuple[pd.DataFrame, list[Diagnostic]]:
        items = items.copy()
        market = self.market
        self.items += len(items)
        if self.missing is not None:
            items["text_status"] = "source"
            return (items.iloc[0:0] if market.untranslated == "omit" else items), []
        resolver = self.resolver
        ranks = {}
        for field in STYLE_FIELDS:
            ranks[field] = resolver.apply(items, field, items["style_id"] + ":" + field)
        for field in VALUE_FIELDS:
            ranks[field] = resolver.apply(items, field, pd.Series(field, index=items.index))
        ranks["features"], bullet_statuses = resolver.apply_features(items)
        rank_frame = pd.DataFrame(ranks, index=items.index)
        items["text_status"] = rank_frame.max(axis=1).map(STATUS_BY_RANK)
        names = np.array([STATUS_BY_RANK[rank] for rank in range(len(RANK))], dtype=object)
        for field in ranks:  # per field, so review mode marks the one changed text, not the whole item
            items[f"{STATUS_PREFIX}{field}"] = names[rank_frame[field].to_numpy()]
        items[f"{STATUS_PREFIX}features"] = bullet_statuses
        untranslated = items["text_status"].eq("source")
        self.untranslated |= bool(untranslated.any())
        diagnostics = _row_diagnostics(items, rank_frame, market, omit=market.untranslated == "omit")
        if untranslated.any() and market.untranslated == "omit":
            items = items.loc[~untranslated]
        return items, diagnostics

    def finish(self) -> list[Diagnostic]:
        """What only the whole market tells; raises InputError where the market cannot publish."""
        localizer, market, resolver = self.localizer, self.market, self.resolver
        if self.missing is not None:
            return [localizer._untranslated_market(market, self.items, *self.missing)]
        diagnostics = resolver.invalid_diagnostics(market)
        if not resolver.allow_machine and len(resolver.machine):
            diagnostics.append(Diagnostic(
                "i18n.text.machine_not_allowed", "info",
                f"{len(resolver.machine)} machine translation(s) not used: allow_machine_translation is false",
                market=market.id,
            ))
        if localizer.require_reviewed:
            localizer._require_reviewed(resolver, market, self.found)
        if self.untranslated and market.untranslated == "fail":
            localizer._fail_untranslated(resolver, market, self.found)
        return diagnostics


def for_review(market: Market) -> Market:
    """The market as `feedgen serve --review` renders it: text without a usable translation is shown
    (in the source language, marked missing) instead of leaving its item out, whatever the market's
    `untranslated` policy: a reviewer has to see what needs a human."""
    return replace(market, untranslated="source")


def _preference(entry: Entry) -> int:
    return {"reviewed": 0, "machine": 1}.get(entry.status, 2)


class TextSet:
    """Distinct (msgctxt, msgid) pairs, counted without keeping them: a 16-byte digest each in one buffer, and
    the first (msgctxt, msgid, status) in sort order for a message's example. A market of a million SKUs
    names hundreds of thousands of texts, descriptions among them; kept as tuples they would hold every
    slice's text in memory until the market is done. A pair met again (a colour in every slice) is counted once."""

    def __init__(self) -> None:
        self.digests = bytearray()
        self.first: tuple[str, str, str] | None = None

    def add(self, context: str, text: str, status: str) -> None:
        key = f"{context}\0{text}".encode("utf-8", "surrogatepass")
        self.digests += hashlib.blake2b(key, digest_size=16).digest()
        if self.first is None or (context, text, status) < self.first:
            self.first = (context, text, status)

    def __len__(self) -> int:
        if not self.digests:
            return 0
        return len(np.unique(np.frombuffer(bytes(self.digests), dtype="<u8").reshape(-1, 2), axis=0))


class _Resolver:
    """Looks up distinct (msgctxt, msgid) pairs once and remembers what was not reviewed."""

    def __init__(self, table: dict[tuple[str, str], Entry], allow_machine: bool, fallback: str) -> None:
        self.table = table
        self.allow_machine = allow_machine
        self.fallback = fallback
        # the texts without a reviewed translation: machine-translated (used where allowed), and missing,
        # fuzzy or invalid
        self.machine = TextSet()
        self.other = TextSet()
        self.invalid: dict[tuple[str, str], Entry] = {}

    def resolve(self, context: str, text: str) -> tuple[str, int]:
        if not text:
            return text, RANK["reviewed"]
        entry = self.table.get((context, text))
        if entry is not None and entry.status == "reviewed":
            return entry.text, RANK["reviewed"]
        if entry is not None and entry.status == "invalid":
            self.invalid[(context, text)] = entry
        if self.fallback == "reviewed":  # source-language market: the source text is the reviewed text
            return text, RANK["reviewed"]
        if entry is not None and entry.status == "machine":
            self.machine.add(context, text, "machine")
            if self.allow_machine:
                return entry.text, RANK["machine"]
        else:
            self.other.add(context, text, entry.status if entry else "missing")
        return text, RANK["source"]

    def apply(self, items: pd.DataFrame, field: str, contexts: pd.Series) -> np.ndarray:
        """Localize one column in place; returns each row's status rank."""
        texts, ranks = _map_pairs(contexts, items[field], self.resolve)
        items[field] = pd.Series(texts, index=items.index).astype(items[field].dtype)
        return ranks

    def apply_features(self, items: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Localize the bullets in place; returns each row's worst rank and its per-bullet statuses ("a|b")."""
        statuses: dict[tuple[str, str], str] = {}

        def bullets(style: str, value: str) -> tuple[str, int]:
            done = [self.resolve(f"{style}:feature", bullet) for bullet in split_features(value)]
            statuses[(style, value)] = FEATURE_SEPARATOR.join(STATUS_BY_RANK[rank] for _, rank in done)
            return FEATURE_SEPARATOR.join(text for text, _ in done), max((rank for _, rank in done), default=0)

        pairs = zip(items["style_id"].tolist(), items["features"].tolist())
        texts, ranks = _map_pairs(items["style_id"], items["features"], bullets)
        row_statuses = np.array([statuses[pair] for pair in pairs], dtype=object)
        items["features"] = pd.Series(texts, index=items.index).astype(items["features"].dtype)
        return ranks, row_statuses

    def invalid_diagnostics(self, market: Market) -> list[Diagnostic]:
        return [
            Diagnostic("i18n.translation.invalid", "warning",
                       f"{entry.path.as_posix()}: msgctxt {context!r} not used: {entry.problem}",
                       market=market.id, field=context.rsplit(":", 1)[-1])
            for (context, _), entry in sorted(self.invalid.items())
        ]


def _map_pairs(first: pd.Series, second: pd.Series, function) -> tuple[np.ndarray, np.ndarray]:
    """function(a, b) -> (text, rank) evaluated once per distinct pair, then joined back onto every row."""
    pairs = pd.DataFrame({"a": first.to_numpy(dtype=object), "b": second.to_numpy(dtype=object)})
    distinct = pairs.drop_duplicates().reset_index(drop=True)
    results = [function(a, b) for a, b in zip(distinct["a"], distinct["b"])]
    distinct["text"] = pd.Series([text for text, _ in results], dtype=object)
    distinct["rank"] = pd.Series([rank for _, rank in results], dtype="int64")
    merged = pairs.merge(distinct, on=["a", "b"], how="left", sort=False)
    return merged["text"].to_numpy(dtype=object), merged["rank"].to_numpy(dtype="int64")


def _row_diagnostics(items: pd.DataFrame, ranks: pd.DataFrame, market: Market, *, omit: bool = False) -> list[Diagnostic]:
    """One diagnostic per SKU and kind, naming the fields (source text: warning; machine text: info).

    Each row's hit fields are packed into one integer (bit i = columns[i]), so the field list and
    message are built once per distinct pattern (a handful), not once per SKU."""
    diagnostics = []
    columns = [field for field in LOCALIZED_FIELDS if field in ranks.columns]
    matrix = ranks[columns].to_numpy()
    bits = np.left_shift(1, np.arange(len(columns), dtype="int64"))
    skus = items["sku"].to_numpy(dtype=object)
    for kind, rule, severity in (("source", "i18n.text.untranslated", "warning"), ("machine", "i18n.text.machine", "info")):
        patterns = (matrix == RANK[kind]) @ bits
        rows = np.flatnonzero(patterns)
        if not len(rows):
            continue
        texts = {}
        for pattern in np.unique(patterns[rows]).tolist():
            fields = [column for bit, column in enumerate(columns) if pattern >> bit & 1]
            if kind == "source" and omit:
                message = (f"{', '.join(fields)}: no reviewed {market.language} translation; item left out of this "
                           'market (untranslated = "omit")')
            elif kind == "source":
                message = f"{', '.join(fields)}: no reviewed {market.language} translation; source text used"
            else:
                message = f"{', '.join(fields)}: unreviewed machine translation used (allowed in this market)"
            texts[pattern] = (message, fields[0])
        for sku, pattern in zip(skus[rows].tolist(), patterns[rows].tolist()):
            message, field = texts[pattern]
            diagnostics.append(Diagnostic(rule, severity, message, sku=sku, market=market.id, field=field))
    return diagnostics
