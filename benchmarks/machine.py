"""What a build cost the machine besides wall time: CPU seconds and time stalled on the disk.

At a million SKUs a build writes tens of GB. Wall time alone cannot tell whether a faster writer would
help: once the page cache's dirty limit is reached, every write waits for the disk, and the build goes as
fast as the disk takes bytes. So the benchmark also reports:

- `cpu_s`: user + system CPU seconds of the build process and its (finished) workers, from getrusage; the
  work the code does, whatever the disk. `cpu_s / jobs` is the wall time the build would take on a disk
  that never made it wait.
- `io_full_s` / `io_some_s`: seconds in which all (full) or at least one (some) runnable task of the
  machine was stalled on I/O, from Linux pressure stall information (/proc/pressure/io, kernel 4.20+).
  It is system-wide: other processes' I/O counts too. None where the kernel has no PSI.
- `written_mb_per_s`: the output's size over the wall time.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass, field
from pathlib import Path

PRESSURE = Path("/proc/pressure/io")


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def io_stall_totals(text: str) -> dict[str, float]:
    """`some`/`full` stall totals in seconds from /proc/pressure/io's text (its `total=` is microseconds)."""
    totals = {}
    for line in text.splitlines():
        kind, *fields = line.split()
        values = dict(part.split("=", 1) for part in fields)
        totals[kind] = int(values["total"]) / 1e6
    return totals


def _io_stalls() -> dict[str, float] | None:
    try:
        return io_stall_totals(PRESSURE.read_text())
    except (OSError, ValueError, KeyError):
        return None


@dataclass
class MachineCost:
    """`with MachineCost() as cost:` around a build; `cost.report(written_bytes, wall)` after it.
    Workers count once they have been waited for (getrusage's RUSAGE_CHILDREN), which a build does."""

    _cpu: float = 0.0
    _stalls: dict[str, float] | None = field(default=None)
    cpu_s: float = 0.0
    stalls_s: dict[str, float] | None = None

    def __enter__(self) -> MachineCost:
        self._cpu, self._stalls = _cpu_seconds(), _io_stalls()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu_s = _cpu_seconds() - self._cpu
        after = _io_stalls()
        if self._stalls is not None and after is not None:
            self.stalls_s = {kind: after[kind] - self._stalls.get(kind, 0.0) for kind in after}

    def report(self, written_bytes: int, wall: float) -> dict:
        stalls = self.stalls_s or {}
        return {
            "cpu_s": round(self.cpu_s, 1),
            "io_full_s": round(stalls["full"], 1) if "full" in stalls else None,
            "io_some_s": round(stalls["some"], 1) if "some" in stalls else None,
            "written_mb": round(written_bytes / 2**20, 1),
            "written_mb_per_s": round(written_bytes / 2**20 / wall, 1) if wall else None,
        }
