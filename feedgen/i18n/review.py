"""The review workflow's read side: how far each language is, what is wrong, and compiled .mo files.

`status` counts against the *current* source texts (not whatever the PO happens to hold), so a
catalogue that was never updated after the catalogue changed shows its gaps. `lint` runs Babel's
catalogue checks, our placeholder/markup/bare-% checks, the channel-length advisories, and GNU
`msgfmt --check` when it is installed. `compile_catalogues` writes .mo files without fuzzy entries
and without entries that fail the checks (Jinja2 inserts translations unescaped).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo

from feedgen.errors import InputError
from feedgen.i18n import PRODUCTS
from feedgen.i18n.catalogues import (
    Key,
    Status,
    approved_by,
    count_statuses,
    is_machine,
    key_of,
    po_path,
    pot_path,
    read_catalogue,
    status_of,
    translations_by_key,
)
from feedgen.i18n.checks import advisories, problems
from feedgen.i18n.sources import channel_limits
from feedgen.i18n.termbase import check_entry, termbases_for
from feedgen.files import write_bytes_atomic


@dataclass
class LanguageStatus:
    language: str
    path: Path
    exists: bool
    counts: dict[Status, int]
    unused: int  # translations whose source text no longer exists (stale keys, obsolete entries)
    unreviewed: list[tuple[Key, Status]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def reviewed_percent(self) -> float:
        return 100.0 if not self.total else 100.0 * self.counts["reviewed"] / self.total


def language_status(locales: Path, language: str, domain: str, keys: list[Key], *,
                    override: bool = False) -> LanguageStatus:
    """Counts over `keys`; for an override catalogue (en_US over the source, nb_NO over nb) only over
    the keys it translates: 3 reviewed overrides are 100 %, not 1 % of the catalogue."""
    path = po_path(locales, language, domain)
    if not path.exists():
        keys = [] if override else keys
        return LanguageStatus(language, path, False, count_statuses(keys, {}), 0, pending(keys, {}))
    catalog = read_catalogue(path, domain, language)
    messages = translations_by_key(catalog)
    wanted = set(keys)
    if override:
        keys = [key for key in keys if key in messages and messages[key].string]
    unused = sum(1 for key, message in messages.items() if key not in wanted and message.string)
    unused += sum(1 for message in catalog.obsolete.values() if message.string)
    return LanguageStatus(language, path, True, count_statuses(keys, messages), unused, pending(keys, messages))


def pending(keys: list[Key], messages: dict[Key, Message]) -> list[tuple[Key, Status]]:
    """The keys a reviewer still has to look at, with their status, in source order."""
    return [(key, status) for key in keys if (status := status_of(messages.get(key))) != "reviewed"]


# ----------------------------------------------------------------------------- lint
@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    severity: str  # error | warning
    message: str

    def one_line(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def _problems(message: Message, domain: str) -> list[str]:
    """Placeholder, markup and percent problems of each translated form against its source form."""
    ids = [message.id] if isinstance(message.id, str) else list(message.id or ())
    strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
    return [problem for i, s in enumerate(strings) for problem in problems(ids[min(i, len(ids) - 1)], s, domain)]


def _header_and_babel_findings(path: Path, catalog: Catalog) -> list[Finding]:
    """A fuzzy header, then Babel's own catalogue checks."""
    findings: list[Finding] = []
    if catalog.fuzzy:
        findings.append(Finding(str(path), 1, "warning",
                                "header is marked fuzzy: msgfmt and pybabel compile skip the whole catalogue"))
    for message, errors in catalog.check():
        for error in errors:
            findings.append(Finding(str(path), message.lineno or 0, "error", f"{key_of(message)[0]}: {error}"))
    return findings


def _entry_findings(path: Path, domain: str, message: Message, termbases: list,
                    limits: dict) -> list[Finding]:
    """One translated entry: an unnamed approval of a machine translation, then per plural form its
    placeholder/markup/termbase problems and (product texts) the channel-length advisories."""
    findings: list[Finding] = []
    line = message.lineno or 0
    context = key_of(message)[0]
    if status_of(message) == "reviewed" and is_machine(message) and not approved_by(message):
        findings.append(Finding(str(path), line, "warning",
                                f"{context or message.id!r}: machine translation approved without a named reviewer "
                                "(`feedgen translations approve --reviewer NAME` adds `# Reviewed: NAME DATE`)"))
    ids = [message.id] if isinstance(message.id, str) else list(message.id or ())
    strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
    for index, string in enumerate(strings):
        source = ids[min(index, len(ids) - 1)]
        for problem in problems(source, string, domain) + check_entry(termbases, source, string):
            findings.append(Finding(str(path), line, "error", f"{context}: {problem}"))
        if domain == PRODUCTS:
            for advice in advisories(context, source, string, limits):
                findings.append(Finding(str(path), line, "warning", f"{context}: {advice}"))
    return findings


def lint_catalogue(path: Path, domain: str, language: str) -> list[Finding]:
    try:
        catalog = read_catalogue(path, domain, language)
    except InputError as error:
        return [Finding(str(path), error.row or 0, "error", error.message)]
    findings = _header_and_babel_findings(path, catalog)
    limits = channel_limits() if domain == PRODUCTS else {}
    try:  # locales/<lang>/LC_MESSAGES/<domain>.po: the termbase sits in locales/<lang>/
        termbases = termbases_for(path.parents[2], language)
    except InputError as error:
        return [Finding(str(error.path), error.row or 0, "error", error.message)]
    for message in catalog:
        if message.id and status_of(message) != "missing":
            findings += _entry_findings(path, domain, message, termbases, limits)
    findings += _source_not_overridden(path, domain, language, catalog, termbases)
    return findings + msgfmt_check(path)


def _source_not_overridden(path: Path, domain: str, language: str, catalog: Catalog, termbases: list) -> list[Finding]:
    """For a regional variant of the source language (en_US, whose base folder has no catalogue): the
    source texts it does not override are what its shoppers read, so they answer to its termbase too
    ("colour" left in a US page means an en_US entry is missing)."""
    locales = path.parents[2]
    template_path = pot_path(locales, domain)
    own = [t for t in termbases if t.path.parent.name == language]
    base_exists = po_path(locales, language.split("_")[0], domain).exists()
    if "_" not in language or not own or base_exists or not template_path.exists():
        return []
    held = {key_of(message) for message in catalog if message.id and status_of(message) != "missing"}
    findings = []
    for message in read_catalogue(template_path, domain):
        if not message.id or key_of(message) in held:
            continue
        for source in ([message.id] if isinstance(message.id, str) else list(message.id)):
            for problem in check_entry(own, source, source):
                findings.append(Finding(str(path), 0, "error",
                                        f"{key_of(message)[0] or source[:40]!r} is not overridden "
                                        f"and its source text breaks the {language} {problem}"))
    return findings


def msgfmt_check(path: Path) -> list[Finding]:
    """GNU gettext's own verdict (`msgfmt --check`); nothing if msgfmt is not installed."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    run = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False)
    if run.returncode == 0:
        return []
    return [Finding(str(path), 0, "error", f"msgfmt: {line}") for line in run.stderr.splitlines() if line.strip()]


# ----------------------------------------------------------------------------- compile
def compile_checked(catalog: Catalog, domain: str, *,
                    use_fuzzy: bool = False) -> tuple[bytes, list[tuple[Message, str]]]:
    """MO bytes with the translated, check-clean entries (reviewed ones; fuzzy ones too with
    `use_fuzzy`), and each entry left out for failing a check, with the first problem found."""
    clean = Catalog(locale=catalog.locale, domain=domain, charset="utf-8", fuzzy=False)
    clean.mime_headers = catalog.mime_headers
    left_out: list[tuple[Message, str]] = []
    for message in catalog:
        status = status_of(message) if message.id else "missing"
        if status == "missing" or (status != "reviewed" and not use_fuzzy):
            continue
        found = _problems(message, domain)
        if found:
            left_out.append((message, found[0]))
            continue
        clean[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, clean, use_fuzzy=use_fuzzy)
    return buffer.getvalue(), left_out


def compiled(catalog: Catalog, domain: str) -> tuple[bytes, list[str]]:
    """MO bytes with reviewed, check-clean entries only; and the contexts left out for failing checks."""
    data, left_out = compile_checked(catalog, domain)
    return data, [key_of(message)[0] or repr(message.id) for message, _ in left_out]


def compile_catalogue(path: Path, domain: str, language: str) -> list[str]:
    data, left_out = compiled(read_catalogue(path, domain, language), domain)
    write_bytes_atomic(path.with_suffix(".mo"), data)
    return left_out
