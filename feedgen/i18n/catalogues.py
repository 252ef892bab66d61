"""PO catalogues on disk: the gettext layout, reading and writing with Babel, review status.

Babel does the PO work (read_po, write_po, Catalog.update); this module only adds the conventions
feedgen relies on: where files live, what counts as reviewed, how machine output is marked, and
that rewriting an unchanged catalogue leaves the file alone (no date-only churn in git).
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Iterable, Literal

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, denormalize, read_po, write_po

from feedgen.errors import InputError
from feedgen.i18n import PRODUCTS
from feedgen.files import write_bytes_atomic

Status = Literal["reviewed", "machine", "fuzzy", "missing"]
STATUSES: tuple[Status, ...] = ("reviewed", "machine", "fuzzy", "missing")
MT_TAG = "MT:"  # translator comment on machine output: "# MT: google 2026-11-22"
REVIEWED_TAG = "Reviewed:"  # added on approval, next to the MT line: "# Reviewed: Kari Nordmann 2026-11-23"
Key = tuple[str, str]  # (msgctxt, msgid); msgctxt "" when there is none

_DATE_HEADERS = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"]*"\n', re.MULTILINE)


# ----------------------------------------------------------------------------- layout
def po_path(locales: Path, language: str, domain: str) -> Path:
    return locales / language / "LC_MESSAGES" / f"{domain}.po"


def pot_path(locales: Path, domain: str) -> Path:
    return locales / f"{domain}.pot"


def catalogue_languages(locales: Path, domain: str) -> list[str]:
    """Language folders that hold a catalogue of `domain`, sorted."""
    if not locales.is_dir():
        return []
    return sorted(p.parent.parent.name for p in locales.glob(f"*/LC_MESSAGES/{domain}.po"))


def locale_chain(locale: str, language: str) -> list[str]:
    """Folders to try for a market, most specific first: nb_NO, then nb."""
    return list(dict.fromkeys([locale, language]))


# ----------------------------------------------------------------------------- reading and writing
def key_of(message: Message) -> Key:
    return (message.context or "", message.id if isinstance(message.id, str) else message.id[0])


def read_catalogue(path: Path, domain: str, language: str | None = None) -> Catalog:
    """Parse a PO/POT file strictly: a syntax error is an InputError naming the line."""
    try:
        raw = path.read_bytes()
        previous = _previous_ids(path, raw.decode("utf-8"))
        catalog = read_po(io.BytesIO(raw), locale=None, domain=domain, abort_invalid=True)
    except FileNotFoundError:
        raise InputError(path, "catalogue not found") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, expected a PO file") from None
    except OSError as exc:  # permissions, I/O errors: one line, not a traceback
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    except PoFileError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise InputError(path, f"not a valid PO file: {exc}", row=int(match[1]) if match else None) from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start}); save the catalogue as UTF-8") from None
    for message in catalog:
        if message.lineno in previous:
            message.previous_id = [previous[message.lineno]]
        # Babel's reader also keeps each `#| msgid` line as a translator comment "| msgid …", which
        # its writer then prints as "# | msgid …" beside the real `#|` line, once more on every round trip
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
    if catalog.locale is None and language:
        try:
            catalog.locale = Locale.parse(language)
        except (UnknownLocaleError, ValueError):
            pass
    if domain == PRODUCTS:
        for message in catalog:
            _plain_text_flags(message)
    return catalog


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_KEYWORD_LINE = re.compile(r"^(?:#~ |#\| |#~\| )?(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)?\s*(\".*)$")
# A keyword without a quoted string (`msgid Offer valid until`): Babel skips such a line in silence.
_BARE_KEYWORD = re.compile(r"^(?:#~ )?(msgctxt|msgid_plural|msgid|msgstr(\[\d+\])?)(\s+[^\s\"].*|\s*)$")


def _previous_ids(path: Path, text: str) -> dict[int, str]:
    """`#| msgid` lines by the line of the msgid they belong to (Babel's reader drops them), and a
    strict look at quoting, which Babel's reader forgives by silently cutting a character."""
    found: dict[int, str] = {}
    pending: list[str] = []
    collecting = False
    for number, line in enumerate(text.splitlines(), 1):
        match = _KEYWORD_LINE.match(line.rstrip())
        if match and not line.startswith("#,") and not _QUOTED.fullmatch(match[2]):
            raise InputError(path, f"unterminated or malformed string: {line.strip()[:60]}", row=number)
        bare = _BARE_KEYWORD.match(line.rstrip())
        if bare:
            raise InputError(path, f"{bare[1]} without a quoted string: {line.strip()[:60]}", row=number)
        if line.startswith("#| "):
            body = line[3:].strip()
            if body.startswith("msgid "):
                pending, collecting = [body[6:]], True
            elif body.startswith('"') and collecting:
                pending.append(body)
            else:
                collecting = False
        elif line.startswith("msgid "):
            if pending:
                found[number] = denormalize("\n".join(pending))
            pending, collecting = [], False
    return found


def _plain_text_flags(message: Message) -> None:
    """Product text is data, never %- or {}-formatted: keep msgfmt from checking "100% cotton" as printf.

    Babel flags any msgid that looks like a format string; for this domain we turn that into the
    explicit no-*-format flags gettext tools understand.
    """
    if not message.id:
        return
    for kind in ("python-format", "python-brace-format"):
        if kind in message.flags:
            message.flags.discard(kind)
            message.flags.add(f"no-{kind}")


def render_catalogue(catalog: Catalog, domain: str) -> bytes:
    if domain == PRODUCTS:
        for message in catalog:
            _plain_text_flags(message)
        for message in catalog.obsolete.values():
            _plain_text_flags(message)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, include_previous=True, sort_output=False)
    return buffer.getvalue()


def write_catalogue(path: Path, catalog: Catalog, domain: str) -> bool:
    """Write atomically; return False (and leave the file untouched) when only header dates would change."""
    data = render_catalogue(catalog, domain)
    if path.exists() and _DATE_HEADERS.sub(b"", path.read_bytes()) == _DATE_HEADERS.sub(b"", data):
        return False
    write_bytes_atomic(path, data)
    return True


def new_catalogue(language: str | None, project: str, domain: str) -> Catalog:
    """An empty catalogue (language None = a template) with the header Poedit and msgfmt expect."""
    return Catalog(
        locale=language,
        domain=domain,
        project=project,
        version="1.0",
        charset="utf-8",
        fuzzy=language is None,  # templates are fuzzy by convention; a fuzzy .po header would be skipped by msgfmt
    )


def update_catalogue(catalog: Catalog, template: Catalog, *, fuzzy_matching: bool = True) -> None:
    """What `pybabel update` does: new strings added, changed ones fuzzy-matched and flagged, gone ones obsolete."""
    catalog.update(template, no_fuzzy_matching=not fuzzy_matching, keep_user_comments=True, update_creation_date=True)
    for message in catalog:
        if message.previous_id and is_machine(message):
            # Machine output for an older source text: keep the note, but it must not count as machine
            # text for the current source (an editor that drops the `#|` line would otherwise revive it).
            message.user_comments = [f"stale {c}" if c.startswith(MT_TAG) else c for c in message.user_comments]


# ----------------------------------------------------------------------------- review status
def is_machine(message: Message) -> bool:
    return any(comment.startswith(MT_TAG) for comment in message.user_comments)


def status_of(message: Message | None) -> Status:
    """reviewed: translated and not fuzzy. machine: fuzzy machine output for the current source text.
    fuzzy: anything else fuzzy, e.g. a translation of an older source text. missing: untranslated."""
    if message is None:
        return "missing"
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    if not all(strings):
        return "missing"
    if message.fuzzy:
        return "machine" if is_machine(message) and not message.previous_id else "fuzzy"
    return "reviewed"


def mark_machine(message: Message, text: str, engine: str, day: date, note: str = "") -> None:
    """Store machine output so it can never pass for reviewed text: fuzzy plus `# MT: engine date`."""
    message.string = text
    message.flags.add("fuzzy")
    message.previous_id = []
    comment = f"{MT_TAG} {engine} {day.isoformat()}" + (f" ({note})" if note else "")
    message.user_comments = [c for c in message.user_comments if not c.startswith(MT_TAG)] + [comment]


def approve(message: Message, reviewer: str, day: date) -> None:
    """A reviewer's approval of machine output: no longer fuzzy, and its history kept (the `# MT:`
    line stays, `# Reviewed: reviewer date` is added), so anyone can see what a person checked."""
    message.flags.discard("fuzzy")
    comment = f"{REVIEWED_TAG} {reviewer} {day.isoformat()}"
    message.user_comments = [c for c in message.user_comments if not c.startswith(REVIEWED_TAG)] + [comment]


def approved_by(message: Message) -> str:
    return next((c[len(REVIEWED_TAG):].strip() for c in message.user_comments if c.startswith(REVIEWED_TAG)), "")


def translations_by_key(catalog: Catalog) -> dict[Key, Message]:
    return {key_of(message): message for message in catalog if message.id}


def count_statuses(keys: Iterable[Key], messages: dict[Key, Message]) -> dict[Status, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for key in keys:
        counts[status_of(messages.get(key))] += 1
    return counts
