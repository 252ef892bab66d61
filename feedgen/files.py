"""Writing files safely, for every stage: whole-file atomic replacement, directory fsync, and the
test hook that pauses a real process at a named point (so the kill tests can SIGKILL it there).

Below every stage (publish, i18n catalogues, delivery receipts and pages use it), so none of them
has to import the publish stage for a safe write."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO, Protocol

PAUSE_MARKER = "feedgen-test-paused-at "


class OutputStage(Protocol):
    """What a channel or the landing pages write into: feedgen.publish.stage.Stage, seen from below
    (the renderers know how to write a file into the build, not how the build is published)."""

    brand: str
    out_dir: Path  # the published output the stage will replace (for files a build keeps from the last one)

    def open(self, relative: str) -> AbstractContextManager[BinaryIO]:
        """A new file at `relative` (POSIX, inside the output), hashed as it is written."""
        ...

    def path(self, relative: str) -> Path:
        """Where a file written with `open` is (to read it back, e.g. to cut a feed into parts)."""
        ...

    def remove_file(self, relative: str) -> None:
        """Remove a file written with `open` from the build (a feed replaced by its parts)."""
        ...

    def rename(self, relative: str, new: str) -> None:
        """Move a file written with `open` to another name in the build."""
        ...


def checkpoint(name: str) -> None:
    """Test-only: with FEEDGEN_TEST_PAUSE_AT=<name> the process says so on stderr and waits here,
    so the SIGKILL tests can kill a real build at an exact point. Does nothing otherwise. The
    points inside the swap (`publish:exchanged`, `publish:moved-aside`) hold Ctrl-C back like the
    swap itself: only a SIGKILL ends a build paused there.

    The marker goes out in ONE write(2) of under PIPE_BUF bytes, which a pipe never splits or
    interleaves: `print()` writes the text and its newline separately when stderr is unbuffered
    (`python -u`, PYTHONUNBUFFERED=1), and the parent's progress line, or another market
    worker's, sharing the same pipe, could land between the two and hide the marker."""
    if os.environ.get("FEEDGEN_TEST_PAUSE_AT") == name:
        sys.stderr.flush()  # whatever this process printed before comes before the marker
        os.write(2, f"{PAUSE_MARKER}{name}\n".encode("utf-8"))
        while True:
            time.sleep(3600)


def start_writeback(fd: int, offset: int = 0, length: int = 0) -> None:
    """Have the kernel start writing a file's range (0: to its end) to disk now, without waiting for it
    (POSIX_FADV_DONTNEED starts writeback of the range's dirty pages, then drops the ones already clean).
    A build writes tens of GB: started as each part is written, the disk works while the build goes on,
    and the fsync before the publish has little left to wait for."""
    if hasattr(os, "posix_fadvise"):  # pragma: no branch - not on macOS or Windows
        os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)


def fsync_file(path: Path) -> None:
    """Make a file's bytes durable (an fsync through a read-only descriptor flushes the file's data)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (POSIX: the directory entry is data of the directory)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one rename: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
