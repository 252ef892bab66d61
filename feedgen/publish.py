"""Write outputs so that a failed run never leaves a half-written feed.

Every file of a build is written into a staging directory beside the output directory; only
when the whole build has succeeded is each file moved into place with an atomic rename. A
crash before that leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

from feedgen.errors import InputError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str) -> str:
    """A file-name component from product data: no separators, no dot-dot, never empty."""
    name = _UNSAFE.sub("-", text).strip(".-")
    return name[:100] or "item"


def _fsync_dir(path: Path) -> None:
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


class Stage:
    """A staging directory for one build. Files are opened by their path relative to the output."""

    def __init__(self, out_dir: Path, brand: str) -> None:
        self.out_dir = out_dir
        self.brand = brand
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".feedgen-staging-{out_dir.name}-", dir=out_dir.parent))
        self.files: list[str] = []

    def path(self, relative: str) -> Path:
        """Resolve a relative output path, refusing anything that would land outside the output."""
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise ValueError(f"refusing output path outside the output directory: {relative!r}")
        return self.root.joinpath(*pure.parts)

    @contextmanager
    def open(self, relative: str) -> Iterator[BinaryIO]:
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        self.files.append(relative)

    def publish(self) -> None:
        """Move every staged file into the output directory, each with an atomic rename."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(self.out_dir, os.W_OK):
            raise InputError(self.out_dir, "output directory is not writable")
        for relative in sorted(self.files):
            target = self.out_dir.joinpath(*PurePosixPath(relative).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.path(relative), target)
        _fsync_dir(self.out_dir)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
