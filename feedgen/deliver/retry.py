"""Retrying transient faults: exponential backoff with full jitter, bounded in time.

Every protocol a destination speaks (SFTP, S3, the platforms' HTTP APIs) fails now and then for
reasons that pass: a reset connection, a timeout, HTTP 429 or 5xx. Those are retried; anything
else (a refused password, a 400, a missing bucket) is not, because trying again cannot help and
only hides the real message. A server's `Retry-After` is honoured. The total wait is bounded, so a
platform that stays down fails the destination in minutes, never holds the nightly job.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Callable, TypeVar

T = TypeVar("T")


class Transient(Exception):
    """A fault worth trying again; `retry_after` is the server's own wait in seconds, if it gave one."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GaveUp(Exception):
    """Transient faults went on past the time budget; the message is the last fault's."""

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts


@dataclass
class Backoff:
    """How long to keep trying. `sleep`, `clock` and `rng` are injectable so tests run instantly
    and deterministically; production uses the real ones."""

    base: float = 1.0
    cap: float = 60.0
    budget: float = 300.0
    max_attempts: int = 8
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"); never less than
        the server's Retry-After."""
        jittered = self.rng.uniform(0, min(self.cap, self.base * 2**attempt))
        return max(jittered, retry_after or 0.0)


def call_with_retry(action: Callable[[], T], backoff: Backoff | None = None) -> T:
    """Run `action`, retrying while it raises `Transient`, within `backoff`'s attempts and budget.

    Any other exception propagates at once. When the budget or the attempts run out, `GaveUp`
    carries the last transient message (never a secret: callers build messages without them)."""
    backoff = backoff or Backoff()
    started = backoff.clock()
    attempt = 0
    while True:
        try:
            return action()
        except Transient as fault:
            attempt += 1
            wait = backoff.delay(attempt - 1, fault.retry_after)
            spent = backoff.clock() - started
            if attempt >= backoff.max_attempts or spent + wait > backoff.budget:
                raise GaveUp(f"{fault} (gave up after {attempt} attempt(s))", attempt) from None
            backoff.sleep(wait)
