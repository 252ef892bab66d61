"""Hypothesis settings shared by the property tests: deterministic and quick enough for every CI run.

`derandomize=True` derives the examples from each test's source, so CI sees the same examples on
every run (no flaky failures, no example database); `deadline=None` because a shared CI runner's
timing says nothing about the code. Applied per test (`@PROPERTY`), so other tests' Hypothesis
settings are untouched. HYPOTHESIS_THOROUGH=1 searches ten times harder with fresh random examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_THOROUGH = bool(os.environ.get("HYPOTHESIS_THOROUGH"))


def profile(max_examples: int) -> settings:
    return settings(derandomize=not _THOROUGH, deadline=None, database=None,
                    max_examples=max_examples * (10 if _THOROUGH else 1),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


PROPERTY = profile(200)
