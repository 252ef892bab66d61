"""Write outputs so that a failed, interrupted or killed run never leaves a broken output directory.

Platforms treat a feed file as the whole truth (an item missing from it is deleted), so the output
directory must always hold one *complete* build: the previous one or the new one, never a mix.

How: a build is written into a staging directory beside the output (`.feedgen-staging-<name>.<random>`,
same filesystem). When it is complete, the staging directory and the output directory are swapped
in one step with `renameat2(RENAME_EXCHANGE)` (Linux) or `renamex_np(RENAME_SWAP)` (macOS), and the
old build, now in the staging path, is deleted. The output stays a plain directory at the path the
user chose, so `output/google/no.xml` is opened, served, rsynced and uploaded as before.

Trade-offs, chosen on purpose:
- The output directory is replaced as a whole, so its inode changes on every publish: a shell whose
  working directory is `output/`, or a watcher on the directory itself, keeps seeing the old build.
  Files in it that feedgen did not write (a `.gitkeep`, a README) and feeds of markets outside a
  `--market`/`--channels` filter are carried over into the new build as hard links.
- Where the swap is unavailable (another OS, or a filesystem without RENAME_EXCHANGE), publishing
  falls back to two renames (output -> aside, staging -> output) recorded in a journal. A kill
  between them leaves *no* output directory for that instant (never a mix); the next run, which
  takes the lock first, finishes the publish from the journal.
- An output directory that is a mount point (a Docker volume) cannot be renamed at all: files are
  then replaced one by one, each atomically, with a warning. Point `--out` at a subdirectory of
  the volume to get whole-build atomicity back.
- Leftover staging directories from a killed run are removed by the next run, under the lock.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable, Iterator

from feedgen.errors import InputError
from feedgen.files import checkpoint, fsync_dir, fsync_file, start_writeback, write_text_atomic
from feedgen.interrupt import deferred

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
STAGING = ".feedgen-staging-"
ASIDE = ".feedgen-old-"
JOURNAL = ".feedgen-journal-"
PART = ".feedgen-part-"  # a file being copied into a mount-point output; a killed run's is removed
WRITEBACK_BYTES = 32 << 20  # a staged file's bytes go to the disk as they come, 32 MiB at a time
SCRATCH = ".feedgen-scratch"  # a folder of the stage for what the build keeps on disk while it runs; never published
Warn = Callable[[str], None]


def safe_name(text: str) -> str:
    """A file-name component from product data: no separators, no dot-dot, never empty."""
    name = _UNSAFE.sub("-", text).strip(".-")
    return name[:100] or "item"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step. False when this platform or filesystem cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):  # pragma: no cover - Windows
        return False
    if hasattr(libc, "renameat2"):  # Linux, glibc >= 2.28
        at_fdcwd, rename_exchange = -100, 2
        function = libc.renameat2
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        result = function(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    elif hasattr(libc, "renamex_np"):  # pragma: no cover - macOS
        rename_swap = 2
        function = libc.renamex_np
        function.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        result = function(os.fsencode(a), os.fsencode(b), rename_swap)
    else:  # pragma: no cover
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _ours(entry: str, prefix: str, out_name: str) -> bool:
    """`.feedgen-staging-<out_name>.<random>`: exact name match, so `output` never matches `output-2`."""
    return entry.startswith(prefix) and entry[len(prefix):].rpartition(".")[0] == out_name


def _plain(name: str) -> str:
    """A bare directory name from the journal, never a path."""
    if not isinstance(name, str) or name in ("", ".", "..") or "/" in name or os.sep in name:
        raise ValueError(f"not a plain name: {name!r}")
    return name


def recover(out_dir: Path, warn: Warn) -> None:
    """Finish a publish a killed run left half-done, then remove its leftovers. Call under the lock."""
    parent = out_dir.parent
    if not parent.is_dir():
        return
    journal = parent / f"{JOURNAL}{out_dir.name}"
    if journal.exists():
        try:
            record = json.loads(journal.read_text(encoding="utf-8"))
            new, old = parent / _plain(record["new"]), parent / _plain(record["old"])
        except (ValueError, KeyError, TypeError):
            new = old = None
        if new is not None and not out_dir.exists():
            if new.is_dir():
                os.rename(new, out_dir)
                warn(f"completed the publish an interrupted run left half-done in {out_dir}")
            elif old.is_dir():
                os.rename(old, out_dir)
                warn(f"restored the previous build of {out_dir} after an interrupted publish")
        journal.unlink()
    for entry in sorted(os.listdir(parent)):
        if _ours(entry, STAGING, out_dir.name) or _ours(entry, ASIDE, out_dir.name):
            shutil.rmtree(parent / entry, ignore_errors=True)
            warn(f"removed {entry}, left behind by an interrupted build")
    fsync_dir(parent)


def _replace_across(source: Path, target: Path) -> None:
    """`os.replace`, also onto another filesystem (EXDEV): the file is then copied to a temporary
    name beside the target, flushed to disk and renamed over it, so a reader of the output sees
    the old file or the new one, never a half-copied one."""
    try:
        os.replace(source, target)
        return
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
    fd, temporary = tempfile.mkstemp(prefix=PART, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle, source.open("rb") as original:
            shutil.copyfileobj(original, handle, 1 << 20)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, source.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _Hashed(io.BufferedIOBase):
    """A staged file being written: every byte also goes through sha256, so the manifest never
    has to read a multi-gigabyte build back; and every WRITEBACK_BYTES the kernel is told to start
    writing what came so far (`start_writeback`), so the disk keeps pace with the build."""

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__()
        self._handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._handed = 0  # bytes whose writeback has been started

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.sha256.update(data)
        self.size += memoryview(data).nbytes
        written = self._handle.write(data)
        if self.size - self._handed >= WRITEBACK_BYTES:
            self.hand_over()
        return written

    def flush(self) -> None:
        self._handle.flush()

    def hand_over(self) -> None:
        """Start the disk on the bytes written since the last call."""
        self._handle.flush()
        start_writeback(self._handle.fileno(), self._handed, self.size - self._handed)
        self._handed = self.size


def _default_dir_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


class Stage:
    """A staging directory for one build. Files are opened by their path relative to the output.

    `scratch=True` stages in the system temp directory instead (validate: never published).

    Durability: a staged file's bytes must be on disk before the publish makes them the output. With
    `sync_on_close` False (the default) the writer only starts the disk on them (`_Hashed.hand_over`) and
    `publish` fsyncs every staged file before the swap, so a market's worker never stops to wait for the
    disk; a cluster worker on another machine sets it True and fsyncs each file as it closes it, since an
    fsync from the publishing machine need not reach another client's writes (NFS)."""

    def __init__(self, out_dir: Path, brand: str, *, scratch: bool = False) -> None:
        self.out_dir = out_dir
        self.brand = brand
        if scratch:
            self.root = Path(tempfile.mkdtemp(prefix="feedgen-validate-"))
        else:
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            self.root = Path(tempfile.mkdtemp(prefix=f"{STAGING}{out_dir.name}.", dir=out_dir.parent))
        self.files: list[str] = []
        self.carried: set[str] = set()  # files of the output carried over unchanged (carry_over)
        self.published = False  # publish() has made it the output
        self.written: dict[str, tuple[int, str]] = {}  # relative path -> (bytes, sha256), hashed while written
        self.sync_on_close = False

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
        target.unlink(missing_ok=True)  # never write through a hard link carried over from the output
        with target.open("wb") as handle:
            hashed = _Hashed(handle)
            yield hashed
            checkpoint(f"write:{relative}")
            if self.sync_on_close:
                handle.flush()
                os.fsync(handle.fileno())
            else:
                hashed.hand_over()  # made durable by publish(), with every other staged file
        self.files.append(relative)
        self.written[relative] = (hashed.size, hashed.sha256.hexdigest())

    def remove_file(self, relative: str) -> None:
        """Take a file this build wrote out of it again (feedgen.channels.parts: a feed cut into parts)."""
        self.path(relative).unlink(missing_ok=True)
        self.files = [path for path in self.files if path != relative]
        self.written.pop(relative, None)

    def rename(self, relative: str, new: str) -> None:
        """Give a file this build wrote another name (Amazon: a feed written as parts that stayed one file)."""
        target = self.path(new)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path(relative), target)
        self.files = [new if path == relative else path for path in self.files]
        self.written[new] = self.written.pop(relative)

    def scratch(self) -> Path:
        """A folder inside the stage for the build's own working files (feedgen.packs): workers on a cluster see
        it as they see the stage, it goes when the stage is discarded, and `publish` removes it first."""
        folder = self.root / SCRATCH
        folder.mkdir(exist_ok=True)
        return folder

    def write_bytes(self, relative: str, data: bytes) -> None:
        with self.open(relative) as handle:
            handle.write(data)

    def carry_over(self, keep: Callable[[str], bool]) -> list[str]:
        """Hard-link files of the current output that this build did not write and `keep` accepts
        into the stage, so they survive the swap. Returns their relative paths, sorted."""
        carried: list[str] = []
        if not self.out_dir.is_dir():
            return carried
        for folder, dirs, files in os.walk(self.out_dir):
            base = Path(folder).relative_to(self.out_dir)
            for name in sorted(files) + [d for d in sorted(dirs) if (Path(folder) / d).is_symlink()]:
                relative = (base / name).as_posix()
                source, target = Path(folder) / name, self.path(relative)
                if target.exists() or target.is_symlink() or name.startswith(PART) or not keep(relative):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if source.is_symlink():
                    os.symlink(os.readlink(source), target)
                    continue
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copy2(source, target)
                carried.append(relative)
        self.carried.update(carried)
        return sorted(carried)

    def publish(self, warn: Warn = lambda message: None) -> str:
        """Make the staged build the output in one step; returns how (exchange, rename, journal, per-file)."""
        out = self.out_dir
        if out.exists() and not out.is_dir():
            raise InputError(out, "the output path exists and is not a directory")
        if (self.root / SCRATCH).exists():  # never published; a failure to remove it stops the publish
            shutil.rmtree(self.root / SCRATCH)
        os.chmod(self.root, (out.stat().st_mode & 0o7777) if out.exists() else _default_dir_mode())
        for folder, _, files in os.walk(self.root):
            for name in files:  # the bytes, then the directory entries: all durable before the swap
                if not (Path(folder) / name).is_symlink():
                    fsync_file(Path(folder) / name)
            fsync_dir(Path(folder))
        checkpoint("publish")
        with deferred():  # Ctrl-C waits until the output is the old build or the new one, not a mix
            if not out.exists():
                os.rename(self.root, out)
                mode = "rename"
            else:
                try:
                    if os.path.ismount(out):  # another filesystem: renaming it would fail with EBUSY
                        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(out))
                    if _exchange(self.root, out):
                        checkpoint("publish:exchanged")
                        mode = "exchange"
                    else:
                        self._publish_journaled()
                        mode = "journal"
                except OSError as error:
                    # A mount point (a Docker volume, a bind mount, which ismount cannot see when it
                    # comes from the same filesystem) cannot be renamed or swapped: EBUSY, or EXDEV
                    # when the stage beside it is on another filesystem. Nothing has moved yet.
                    if error.errno not in (errno.EBUSY, errno.EXDEV):
                        raise
                    warn(f"{out} is a mount point and cannot be swapped as a whole: replacing files one by one "
                         "(use a subdirectory of it as --out for an all-or-nothing publish)")
                    self._publish_per_file()
                    mode = "per-file"
            self.published = True
        fsync_dir(out.parent)
        self.discard()  # after a swap this is the previous build
        return mode

    def _publish_journaled(self) -> None:
        out, parent = self.out_dir, self.out_dir.parent
        aside = parent / (ASIDE + self.root.name[len(STAGING):])
        journal = parent / f"{JOURNAL}{out.name}"
        write_text_atomic(journal, json.dumps({"new": self.root.name, "old": aside.name}))
        try:
            os.rename(out, aside)
        except OSError:  # nothing moved (a mount point: EBUSY): nothing for the journal to finish
            journal.unlink()
            raise
        checkpoint("publish:moved-aside")
        os.rename(self.root, out)
        fsync_dir(parent)
        journal.unlink()
        shutil.rmtree(aside, ignore_errors=True)

    def _publish_per_file(self) -> None:
        """Replace the output's files one by one, each atomically, then remove the files the new
        build no longer has. The stage is beside the output, so on a mount point usually on another
        filesystem: a file that cannot be renamed across is first copied next to its target."""
        staged = set()
        for folder, _, files in os.walk(self.root):
            for name in files:
                staged.add((Path(folder) / name).relative_to(self.root).as_posix())
        touched = {self.out_dir}
        for relative in sorted(staged):
            target = self.out_dir.joinpath(*PurePosixPath(relative).parts)
            if relative in self.carried and target.is_file():
                continue  # the output's own file, carried over unchanged: leave it where it is
            target.parent.mkdir(parents=True, exist_ok=True)
            _replace_across(self.path(relative), target)
            touched.add(target.parent)
        for folder, _, files in os.walk(self.out_dir, topdown=False):
            for name in files:
                path = Path(folder) / name
                if path.relative_to(self.out_dir).as_posix() not in staged:
                    path.unlink()
                    touched.add(path.parent)
            if Path(folder) != self.out_dir and not os.listdir(folder):
                os.rmdir(folder)
                touched.discard(Path(folder))
        for folder in sorted(touched):
            fsync_dir(folder)

    def discard(self) -> None:
        """Remove the stage (after a swap: the previous build). Not cut short by Ctrl-C, whose
        promise is that nothing is left behind (feedgen.interrupt)."""
        with deferred():
            shutil.rmtree(self.root, ignore_errors=True)
