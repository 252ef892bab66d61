"""Memory of a build and its worker processes, sampled from /proc while it runs.

getrusage gives the peak of this process and of its largest finished child, not of all of them at
once; with markets built in parallel the honest number is the whole process tree at its peak.
RSS counts pages a forked worker still shares with the parent twice, PSS shares them out, so the
tree's PSS is what the machine actually had to hold (Linux only; elsewhere the sampler is idle).
"""

from __future__ import annotations

import os
import resource
import threading
import time
from pathlib import Path
from typing import Callable


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").glob("*/children"))
    except OSError:  # the process ended between two samples (a worker done with its markets)
        return found
    for task in tasks:
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return found


def _rollup(pid: int) -> tuple[int, int]:
    """(Rss, Pss) KiB of a process, from one read of smaps_rollup (each read walks every mapping: at 2 GB
    that is tens of milliseconds, so it is read once per sample, not once per field)."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


class TreeMemory:
    """`with TreeMemory() as memory:` samples this process and its descendants every `interval` s."""

    def __init__(self, interval: float = 0.25, timeline: Path | None = None) -> None:
        self.interval = interval
        self.timeline = timeline  # if set: one line per sample, seconds and each process's PSS MiB
        self.peak_pss_kib = 0
        self.peak_rss_kib = 0
        self.peak_parent_pss_kib = 0  # this process alone (load, absorbing the workers' results, release)
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        if Path("/proc/self/smaps_rollup").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _sample(self) -> None:
        started = time.perf_counter()
        log = self.timeline.open("w") if self.timeline else None
        while True:
            tree, queue = [], [os.getpid()]
            while queue:
                pid = queue.pop()
                tree.append(pid)
                queue += _children(pid)
            rollups = [_rollup(pid) for pid in tree]
            self.peak_pss_kib = max(self.peak_pss_kib, sum(pss for _, pss in rollups))
            self.peak_rss_kib = max(self.peak_rss_kib, sum(rss for rss, _ in rollups))
            self.peak_parent_pss_kib = max(self.peak_parent_pss_kib, rollups[0][1])
            self.peak_processes = max(self.peak_processes, len(tree))
            if log:
                log.write(f"{time.perf_counter() - started:.1f} " + " ".join(str(pss // 1024) for _, pss in rollups) + "\n")
                log.flush()
            if self._stop.wait(self.interval):
                if log:
                    log.close()
                return

    def report(self) -> dict:
        """MiB: the tree's peak PSS and RSS sum (sampled), and getrusage's per-process peaks."""
        return {
            "tree_pss_mb": round(self.peak_pss_kib / 1024, 1),
            "tree_rss_sum_mb": round(self.peak_rss_kib / 1024, 1),
            "parent_pss_mb": round(self.peak_parent_pss_kib / 1024, 1),
            "processes": self.peak_processes,
            "parent_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "largest_worker_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        }


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def growth_of(work: Callable[[], object]) -> float | None:
    """MiB the resident set grew above its starting point while `work` ran, measured in a forked
    child (so one measurement cannot inherit another's peak): the kernel's high-water mark is reset
    first (/proc/self/clear_refs), then read after. None where Linux's /proc is not there."""
    if not Path("/proc/self/clear_refs").exists():
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        try:
            Path("/proc/self/clear_refs").write_text("5")  # 5: reset the peak RSS to the current RSS
            start = _status_kib("VmRSS")
            work()
            os.write(write, str(_status_kib("VmHWM") - start).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    return round(int(text) / 1024, 1) if text else None
