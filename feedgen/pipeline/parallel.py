"""Markets in parallel: forked worker processes that share the loaded catalogue.

The catalogue is loaded once; each market is built in a child forked from the loaded parent, so it
reads the parent's frames copy-on-write instead of loading them again, and gives back only what
the parent needs (artifacts, diagnostics, per-channel state for `finish`). Results come back in
market order, so a parallel build assembles exactly what a serial one does.

A worker dies with its parent (PR_SET_PDEATHSIG on Linux) and closes the parent's output lock
first, so a killed build never leaves a child running or holding the lock. It ignores Ctrl-C,
which the terminal sends to every process of the group: the parent stops it (feedgen.interrupt).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import traceback
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from feedgen.interrupt import deferred, ignore_in_worker

Item = TypeVar("Item")
Result = TypeVar("Result")
Progress = Callable[[str], None]
Work = Callable[[Item, Progress], Result]
PR_SET_PDEATHSIG = 1


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_all(work: Work, items: Sequence[Item], jobs: int, progress: Progress,
            close_fds: Iterable[int] = (), cost: Callable[[Item], float] | None = None) -> Iterator[Result]:
    """`work(item, progress)` for every item in `jobs` forked workers (in this process when jobs
    is 1, there is one item, or the platform cannot fork). A worker takes the next item as soon
    as it is done with one, so pages it copied from the parent and its warmed-up caches serve
    several items; with `cost`, the costliest items go first, so no worker is left with a big
    one at the end. Yields the results in item order; the first exception raised by a worker is
    raised here and the other workers are stopped."""
    if jobs <= 1 or len(items) <= 1 or not can_fork():
        for item in items:
            yield work(item, progress)
        return
    trim_heap()
    gc.freeze()  # forked workers share the parent's objects: their gc must not touch (and so copy) them
    context = multiprocessing.get_context("fork")
    pending = deque(sorted(range(len(items)), key=lambda index: -cost(items[index])) if cost else range(len(items)))
    workers: dict[Connection, multiprocessing.process.BaseProcess] = {}
    done: dict[int, Result] = {}
    following = 0
    try:
        for _ in range(min(jobs, len(items))):
            connection, theirs = context.Pipe()
            process = context.Process(target=_worker, args=(work, items, theirs, tuple(close_fds), os.getpid()),
                                      daemon=True)
            with deferred():  # the worker starts with Ctrl-C blocked, until it ignores it
                process.start()
            theirs.close()
            workers[connection] = process
            connection.send(pending.popleft())
        gc.unfreeze()  # every worker has forked: the parent's own objects are collected as before
        busy = set(workers)
        while busy:
            for connection in wait(list(busy)):
                try:
                    kind, payload = connection.recv()
                except EOFError:
                    process = workers[connection]
                    process.join()
                    raise RuntimeError(f"a build worker died (exit code {process.exitcode})") from None
                if kind == "progress":
                    progress(payload)
                    continue
                if kind == "error":
                    raise payload
                index, result = payload
                done[index] = result
                if pending:
                    connection.send(pending.popleft())
                else:
                    connection.send(None)
                    busy.discard(connection)
            while following in done:
                yield done.pop(following)
                following += 1
    finally:
        gc.unfreeze()
        for connection, process in workers.items():
            if process.is_alive() and connection in busy:
                process.kill()
            process.join()
            connection.close()


def _worker(work: Work, items: Sequence[Item], connection: Connection, close_fds: tuple[int, ...], parent: int) -> None:
    """Build the items the parent names, one at a time, until it sends None."""
    ignore_in_worker()  # Ctrl-C reaches the whole process group: the parent stops the workers
    _die_with_parent(parent)
    for fd in close_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        while (index := connection.recv()) is not None:
            result = work(items[index], lambda message: connection.send(("progress", message)))
            connection.send(("done", (index, result)))
    except BaseException as error:  # noqa: BLE001 - everything goes back to the parent
        try:
            connection.send(("error", error))
        except Exception:  # an exception that cannot be pickled: its text, at least
            connection.send(("error", RuntimeError("".join(traceback.format_exception(error)))))
    finally:
        connection.close()


def trim_heap() -> None:
    """Give the heap's free pages back to the OS (glibc's malloc_trim): before forking, as loading a
    catalogue frees more than it keeps and every worker would otherwise map that garbage too; and after
    each slice of a market, whose frees are scattered between the few objects that live on."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
