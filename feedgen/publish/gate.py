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
    """`feeds`: paths in `new` that are channel feeds; `superseded`: paths of `old` this build replaces.

    A feed split into numbered parts (feedgen.channels.parts) is judged as one: its items summed over its
    parts, so items moving between parts, or a feed growing into parts or shrinking back into one file,
    is no drop and no removal."""
    problems: list[str] = []
    before_feeds = old.feeds() if old else {}
    for feed, paths in new.feeds(feeds).items():
        items = sum(new.files[path].items for path in paths)
        before = sum(old.files[path].items for path in before_feeds[feed]) if old and feed in before_feeds else None
        name = feed if paths == [feed] else f"{feed} ({len(paths)} parts)"
        if items == 0:
            was = f" (was {before} items)" if before else ""
            problems.append(f"{name} would be empty{was}")
        elif before and (before - items) * 100 > policy.max_drop * before:
            drop = (before - items) * 100 / before
            problems.append(f"{name} would drop from {before} to {items} items "
                            f"(-{drop:.1f} %, limit {policy.max_drop:g} %)")
    if old:
        remaining = set(new.feeds())
        for feed, paths in old.feeds(superseded).items():
            if feed not in remaining:
                problems.append(f"{feed} would be removed (it had {sum(old.files[p].items for p in paths)} items)")
    if policy.max_errors is not None and errors > policy.max_errors:
        problems.append(f"{errors} error diagnostics (limit {policy.max_errors})")
    return GateResult(problems=problems, forced=policy.force and bool(problems))
