"""Turning what a platform reported into diagnostic fields, the same way for every platform."""

from __future__ import annotations

import re
from typing import Any


def rule_id(prefix: str, code: str, default: str = "issue") -> str:
    """`prefix.<code>` with the platform's code made safe for a rule id ('validation/invalid_value' →
    'validation_invalid_value'); platform text is untrusted, so only [a-z0-9_] and at most 60 characters."""
    slug = re.sub(r"[^a-z0-9]+", "_", code.lower()).strip("_")[:60]
    return f"{prefix}.{slug or default}"


def count(value: Any) -> int:
    """A count as the APIs send it (Google's int64 fields are JSON strings); anything unusable is 0."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
