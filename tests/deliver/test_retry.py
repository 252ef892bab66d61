"""Backoff for transient faults: what is retried, how long it waits, when it gives up."""

from __future__ import annotations

import random

import pytest

from feedgen.deliver.retry import Backoff, GaveUp, Transient, call_with_retry


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def backoff(clock: FakeClock, **kwargs) -> Backoff:
    return Backoff(sleep=clock.sleep, clock=clock.clock, rng=random.Random(1), **kwargs)


def test_transient_faults_are_retried_until_success():
    clock, calls = FakeClock(), []

    def action():
        calls.append(1)
        if len(calls) < 3:
            raise Transient("HTTP 503")
        return "ok"

    assert call_with_retry(action, backoff(clock)) == "ok"
    assert len(calls) == 3 and len(clock.sleeps) == 2


def test_retry_after_is_a_floor_on_the_wait():
    clock, calls = FakeClock(), []

    def action():
        calls.append(1)
        if len(calls) == 1:
            raise Transient("HTTP 429", retry_after=7.0)
        return "ok"

    call_with_retry(action, backoff(clock, base=0.01))
    assert clock.sleeps == [7.0]


def test_other_errors_are_not_retried():
    clock, calls = FakeClock(), []

    def action():
        calls.append(1)
        raise PermissionError("authentication failed")

    with pytest.raises(PermissionError):
        call_with_retry(action, backoff(clock))
    assert len(calls) == 1 and clock.sleeps == []


def test_gives_up_within_the_budget():
    clock = FakeClock()

    def action():
        raise Transient("connection reset")

    with pytest.raises(GaveUp, match="connection reset") as caught:
        call_with_retry(action, backoff(clock, base=10, cap=10, budget=35, max_attempts=100))
    assert clock.now <= 35
    assert caught.value.attempts >= 2


def test_gives_up_after_max_attempts():
    clock = FakeClock()
    with pytest.raises(GaveUp) as caught:
        call_with_retry(lambda: (_ for _ in ()).throw(Transient("HTTP 500")), backoff(clock, max_attempts=3))
    assert caught.value.attempts == 3 and len(clock.sleeps) == 2
