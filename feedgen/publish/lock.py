"""One build at a time per output directory.

The lock is `flock` on `.feedgen-lock-<name>` beside the output. The kernel drops a flock when
its process dies, even by SIGKILL, so a dead build can never block the next one; the pid it
wrote into the file tells the next run that it is taking over from a build that did not finish.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from types import TracebackType
from typing import Callable

from feedgen.errors import InputError
from feedgen.interrupt import deferred

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK = ".feedgen-lock-"


class OutputLock:
    """`with OutputLock(out, warn):` — raises InputError if another live build holds it."""

    def __init__(self, out_dir: Path, warn: Callable[[str], None] = lambda message: None) -> None:
        self.out_dir = out_dir
        self.path = out_dir.parent / f"{LOCK}{out_dir.name}"
        self.warn = warn
        self.fd: int | None = None

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is None:  # pragma: no cover
            self.warn("no file locking on this platform: do not run two builds into one output at once")
        else:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read(fd) or "another process"
                os.close(fd)
                raise InputError(self.out_dir, f"another feedgen build ({holder}) is writing this output "
                                               "directory; wait for it to finish") from None
        stale = _read(fd)
        if stale:
            self.warn(f"taking over the lock of {self.out_dir} from {stale}, which is no longer running")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        os.fsync(fd)
        self.fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self.fd is None:
            return
        with deferred():  # released whole even while Ctrl-C stops the build
            os.ftruncate(self.fd, 0)  # an empty file means "released cleanly"
            if fcntl is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def _read(fd: int) -> str:
    return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
