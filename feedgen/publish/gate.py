"""The publish gate: a build that looks broken never replaces a good one.

An empty Meta upload deletes the catalogue and an item missing from a Google feed is removed,
so a nightly run whose catalogue export came out empty or half-truncated must stop before
publishing. The rules compare the new build with the last published one (its manifest).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from feedgen.publish.manifest import Manifest


@dataclass(frozen=True)
class GatePolicy:
    max_drop: float = 20.0  # percent of a feed's items that may disappear between two builds
    max_errors: int | None = None  # error diagnostics allowed; None = no limit
    force: bool = False


@dataclass
class GateResult:
    problems: list[str] = field(default_factory=list)
    forced: bool = False

    @property
    def refused(self) -> bool:
        return bool(self.problems) and not self.forced


def check(
    new: Manifest,
    old: Manifest | None,
    *,
    feeds: set[str],
    superseded: set[str],
    errors: int,
    policy: GatePolicy,
) -> GateResult:
    """`feeds`: paths in `new` that are channel feeds; `superseded`: paths of `old` this build replaces."""
    problems: list[str] = []
    for path in sorted(feeds):
        entry = new.files[path]
        before = old.files[path].items if old and path in old.files else None
        if entry.items == 0:
            was = f" (was {before} items)" if before else ""
            problems.append(f"{path} would be empty{was}")
        elif before and (before - entry.items) * 100 > policy.max_drop * before:
            drop = (before - entry.items) * 100 / before
            problems.append(f"{path} would drop from {before} to {entry.items} items "
                            f"(-{drop:.1f} %, limit {policy.max_drop:g} %)")
    if old:
        for path in sorted(superseded - set(new.files)):
            problems.append(f"{path} would be removed (it had {old.files[path].items} items)")
    if policy.max_errors is not None and errors > policy.max_errors:
        problems.append(f"{errors} error diagnostics (limit {policy.max_errors})")
    return GateResult(problems=problems, forced=policy.force and bool(problems))
