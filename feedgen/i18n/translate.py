"""Fill missing catalogue entries by machine translation, and only those.

plan() decides what would be sent (the dry run prints it, with the character count that engines
bill by); execute() sends it. Identical texts go to the engine once per language (translation
memory), and a missing entry whose exact source text already has a reviewed translation elsewhere
in the catalogue reuses it without a call. Everything written is fuzzy with `# MT: <engine> <date>`,
so it never passes for reviewed text. On a rate limit or network trouble execute() backs off and
retries, then stops and keeps everything finished so far.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from babel.messages.catalog import Catalog, Message

from feedgen.i18n.backends import Backend, FatalError, TextRejected, TransientError
from feedgen.i18n.catalogues import key_of, mark_machine, status_of
from feedgen.i18n.checks import problems
from feedgen.i18n.masking import Masked, Masker, MaskError, Segmented, segment
from feedgen.text import has_unsafe_characters

MEMORY = "memory"  # engine name recorded for reuse of a reviewed identical text


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # per batch: the first try and three retries
    first_delay: float = 2.0
    max_delay: float = 60.0

    def delay(self, retry: int) -> float:
        return min(self.first_delay * 2**retry, self.max_delay)


@dataclass
class Job:
    """One catalogue entry to fill: its forms (singular, plural) masked and cut into pieces."""

    message: Message
    forms: list[tuple[Masked, Segmented]] = field(default_factory=list)
    memory: str | tuple[str, ...] | None = None  # reviewed translation of the identical text
    memory_from: str = ""

    @property
    def context(self) -> str:
        return key_of(self.message)[0]

    @property
    def pieces(self) -> list[str]:
        return [piece for _, segmented in self.forms for piece in segmented.pieces]


@dataclass
class LanguagePlan:
    language: str
    jobs: list[Job]
    deferred: int = 0  # missing entries left for a later run by --limit

    @property
    def unique_pieces(self) -> list[str]:
        return list(dict.fromkeys(piece for job in self.jobs if job.memory is None for piece in job.pieces))

    @property
    def characters(self) -> int:
        return sum(len(piece) for piece in self.unique_pieces)

    @property
    def from_memory(self) -> int:
        return sum(1 for job in self.jobs if job.memory is not None)


@dataclass
class Outcome:
    filled: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (language, msgctxt, why)
    sent_characters: dict[str, int] = field(default_factory=dict)
    stopped: str | None = None

    @property
    def complete(self) -> bool:
        return self.stopped is None and not self.rejected


def _forms(message: Message) -> list[str]:
    return [message.id] if isinstance(message.id, str) else list(message.id)


def plan(catalogs: dict[str, Catalog], masker: Masker, max_chars: int | None, limit: int | None = None) -> list[LanguagePlan]:
    """What to translate per language, in catalogue order; `limit` caps the entries sent to the engine."""
    plans = []
    budget = limit
    for language, catalog in catalogs.items():
        reviewed = {
            message.id: (message.string, key_of(message)[0])
            for message in catalog
            if message.id and status_of(message) == "reviewed"
        }
        language_plan = LanguagePlan(language, [])
        for message in catalog:
            if not message.id or status_of(message) != "missing":
                continue
            job = Job(message)
            if message.id in reviewed:
                job.memory, job.memory_from = reviewed[message.id]
                language_plan.jobs.append(job)
                continue
            if budget is not None and budget <= 0:
                language_plan.deferred += 1
                continue
            for text in _forms(message):
                masked = masker.mask(text)
                job.forms.append((masked, segment(masked.text, max_chars)))
            language_plan.jobs.append(job)
            if budget is not None:
                budget -= 1
        plans.append(language_plan)
    return plans


def _assemble(job: Job, translated: dict[str, str], domain: str, plurals: int) -> str | tuple[str, ...]:
    """Rebuild one entry from its translated pieces; MaskError/ValueError if anything is off."""
    texts = []
    for (masked, segmented), source in zip(job.forms, _forms(job.message)):
        text = masked.unmask(segmented.join([translated[piece] for piece in segmented.pieces]))
        found = problems(source, text, domain)
        if has_unsafe_characters(text) and not has_unsafe_characters(source):
            found.append("control characters in the engine's answer (garbage, not a translation)")
        if found:
            raise ValueError("; ".join(found))
        texts.append(text)
    if isinstance(job.message.id, str):
        return texts[0]
    return tuple(texts[:1] + texts[1:2] * max(plurals - 1, 1))


def execute(
    plans: list[LanguagePlan],
    backend: Backend,
    source_language: str,
    domain: str,
    *,
    today: date,
    save: Callable[[str], None],
    plurals: Callable[[str], int] = lambda language: 2,
    retry: RetryPolicy = RetryPolicy(),
    batch_size: int = 20,
    sleep: Callable[[float], None] | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> Outcome:
    outcome = Outcome()
    sleep = sleep or time.sleep
    for language_plan in plans:
        language = language_plan.language
        translated: dict[str, str] = {}
        failed: dict[str, str] = {}
        try:
            if outcome.stopped is None:
                outcome.stopped = _send(language_plan, backend, source_language, translated, failed, outcome,
                                        retry=retry, batch_size=batch_size, sleep=sleep, progress=progress)
        finally:  # even on Ctrl-C: keep what has been paid for
            filled = _write(language_plan, translated, failed, backend.name, domain, today, plurals(language), outcome)
            outcome.filled[language] = filled
            if filled:
                save(language)
        if outcome.stopped is not None:
            break
    return outcome


def _send(
    language_plan: LanguagePlan,
    backend: Backend,
    source_language: str,
    translated: dict[str, str],
    failed: dict[str, str],
    outcome: Outcome,
    *,
    retry: RetryPolicy,
    batch_size: int,
    sleep: Callable[[float], None],
    progress: Callable[[str], None],
) -> str | None:
    """Send the plan's unique pieces in batches; returns why it stopped early, or None."""
    language = language_plan.language
    queue = language_plan.unique_pieces
    total = len(queue)
    retries = 0
    while queue:
        batch = queue[:batch_size]
        try:
            results = backend.translate_batch(batch, source_language, language)
            done, error = results, None
        except (TransientError, TextRejected, FatalError) as exc:
            done, error = exc.completed, exc
        for piece, text in zip(batch, done):
            translated[piece] = text
            outcome.sent_characters[language] = outcome.sent_characters.get(language, 0) + len(piece)
        queue = queue[len(done):]
        if isinstance(error, TextRejected):
            failed[queue[0]] = str(error)
            queue = queue[1:]
        elif isinstance(error, TransientError):
            if retries + 1 >= retry.attempts:
                return f"{error} — gave up after {retry.attempts} attempts; run again later to continue"
            pause = retry.delay(retries)
            progress(f"{language}: {error}; retrying in {pause:g} s")
            sleep(pause)
            retries += 1
            continue
        elif isinstance(error, FatalError):
            return str(error)
        retries = 0
        progress(f"{language}: {total - len(queue)}/{total} strings")
    return None


def _write(
    language_plan: LanguagePlan,
    translated: dict[str, str],
    failed: dict[str, str],
    engine: str,
    domain: str,
    today: date,
    plurals: int,
    outcome: Outcome,
) -> int:
    """Write every job whose pieces all came back and pass the checks; return how many."""
    filled = 0
    for job in language_plan.jobs:
        if job.memory is not None:
            mark_machine(job.message, job.memory, MEMORY, today, note=f"reviewed text of {job.memory_from or 'an entry'}")
            filled += 1
            continue
        pieces = job.pieces
        broken = [failed[piece] for piece in pieces if piece in failed]
        if broken:
            outcome.rejected.append((language_plan.language, job.context, broken[0]))
            continue
        if not all(piece in translated for piece in pieces):
            continue  # not reached before the run stopped
        try:
            text = _assemble(job, translated, domain, plurals)
        except (MaskError, ValueError) as exc:
            outcome.rejected.append((language_plan.language, job.context, str(exc)))
            continue
        mark_machine(job.message, text, engine, today)
        filled += 1
    return filled
