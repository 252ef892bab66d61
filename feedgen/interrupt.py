"""Ctrl-C: exit 130 with one line and nothing left behind, from the command's first instant.

130 (128 + SIGINT) is what a shell reports for a job stopped by Ctrl-C, so a script can tell an
interrupted build from one with item errors (1). Three phases:

- While the command imports its modules (pandas, lxml …: half a second), nothing has been written
  yet, so Ctrl-C writes its line and ends the process at once instead of showing a traceback out of
  some import. `exit_at_once()` is called by the entry point before anything heavy is imported.
- While a command runs, Ctrl-C raises KeyboardInterrupt ONCE, so `finally` blocks remove the stage
  and release the lock; a second Ctrl-C is ignored while they do (`interruptible()`).
- The swap that publishes a build is held back with the signal blocked (`deferred()`): a build is
  published completely or not at all, and the interrupt arrives right after.

Forked market workers ignore SIGINT (the terminal sends it to the whole process group); the parent
stops them.
"""

from __future__ import annotations

# Only modules the interpreter has loaded anyway: this runs before anything else of feedgen.
import os
import signal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

EXIT_INTERRUPTED = 130
STARTING = b"error: interrupted (Ctrl-C) while starting; nothing was done\n"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a build into `out`, and whether the build had been published by then.

    Speaks like feedgen.errors.FeedgenError (`exit_code`, `one_line()`) for the command's boundary,
    but stays a KeyboardInterrupt: an `except Exception` in the library must never swallow Ctrl-C."""

    exit_code = EXIT_INTERRUPTED

    def __init__(self, published: bool, out: Path) -> None:
        super().__init__()
        self.published = published
        self.out = out

    def one_line(self) -> str:
        if self.published:
            return f"interrupted (Ctrl-C) after publishing; {self.out}/ holds the new build"
        return f"interrupted (Ctrl-C); nothing was published, {self.out}/ is unchanged"


def _exit_at_once(signum: int, frame: object) -> None:
    os.write(2, STARTING)
    os._exit(EXIT_INTERRUPTED)


def _raise_once(signum: int, frame: object) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the clean-up this starts must not be cut short
    raise KeyboardInterrupt


def exit_at_once() -> None:
    """For the entry point, before the heavy imports: Ctrl-C ends the process with one line."""
    signal.signal(signal.SIGINT, _exit_at_once)


def interruptible() -> None:
    """The command is about to run: from now on Ctrl-C raises KeyboardInterrupt once. Only when
    the entry point set up `exit_at_once` (an embedding program's or pytest's handler is kept)."""
    if signal.getsignal(signal.SIGINT) is _exit_at_once:
        signal.signal(signal.SIGINT, _raise_once)


class deferred:
    """`with deferred():` holds SIGINT back while the block runs; a Ctrl-C meanwhile is delivered
    (raised) when it ends. Nests."""

    def __enter__(self) -> None:
        self._previous = (signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                          if hasattr(signal, "pthread_sigmask") else None)

    def __exit__(self, *exc_info: object) -> None:
        if self._previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, self._previous)


def ignore_in_worker() -> None:
    """In a forked worker (started with SIGINT blocked, see `deferred`): ignore Ctrl-C, then let
    signals in again. The parent decides what an interrupt means and stops its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
