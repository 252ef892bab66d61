"""Markets in parallel: forked worker processes that share the loaded catalogue.

The catalogue is loaded once; each market is built in a child forked from the loaded parent, so it
reads the parent's frames copy-on-write instead of loading them again, and gives back only what
the parent needs (artifacts, diagnostics, per-channel state for `finish`). Results come back in
market order, so a parallel build assembles exactly what a serial one does.

A worker dies with its parent (PR_SET_PDEATHSIG on Linux) and closes the parent's output lock
first, so a killed build never leaves a child running or holding the lock.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import traceback
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

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
            close_fds: Iterable[int] = ()) -> Iterator[Result]:
    """`work(item, progress)` for every item, at most `jobs` at a time in forked workers (in this
    process when jobs is 1, there is one item, or the platform cannot fork). Yields the results
    in item order; the first exception raised by a worker is raised here, the others stopped."""
    if jobs <= 1 or len(items) <= 1 or not can_fork():
        for item in items:
            yield work(item, progress)
        return
    context = multiprocessing.get_context("fork")
    pending = deque(enumerate(items))
    running: dict[Connection, tuple[int, multiprocessing.process.BaseProcess]] = {}
    done: dict[int, Result] = {}
    following = 0
    fds = tuple(close_fds)
    try:
        while pending or running:
            while pending and len(running) < jobs:
                index, item = pending.popleft()
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_worker, args=(work, item, sender, fds, os.getpid()), daemon=True)
                process.start()
                sender.close()
                running[receiver] = (index, process)
            for connection in wait(list(running)):
                index, process = running[connection]
                try:
                    kind, payload = connection.recv()
                except EOFError:
                    kind, payload = "error", RuntimeError(f"a build worker died (exit code {process.join() or process.exitcode})")
                if kind == "progress":
                    progress(payload)
                    continue
                del running[connection]
                connection.close()
                process.join()
                if kind == "error":
                    raise payload
                done[index] = payload
            while following in done:
                yield done.pop(following)
                following += 1
    finally:
        for connection, (_, process) in running.items():
            process.kill()
            process.join()
            connection.close()


def _worker(work: Work, item: Item, sender: Connection, close_fds: tuple[int, ...], parent: int) -> None:
    _die_with_parent(parent)
    for fd in close_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    try:
        result = work(item, lambda message: sender.send(("progress", message)))
        sender.send(("done", result))
    except BaseException as error:  # noqa: BLE001 - everything goes back to the parent
        try:
            sender.send(("error", error))
        except Exception:  # an exception that cannot be pickled: its text, at least
            sender.send(("error", RuntimeError("".join(traceback.format_exception(error)))))
    finally:
        sender.close()


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
