"""Helpers for the publishing tests: a small copy of the sample, CLI builds, directory snapshots."""

from __future__ import annotations

import csv
import io
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from click.testing import CliRunner, Result
from lxml import etree

from feedgen.cli import main
from feedgen.files import PAUSE_MARKER

from .conftest import publish_source_text

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-22"
# Three styles keep builds fast: one plain, one on sale (AS-1005), one with "&" in its title (AS-1026).
SMALL_STYLES = ("AS-1001", "AS-1005", "AS-1026")

Rows = list[dict[str, str]]
# How long a test waits for a build to reach its pause point. A small build gets there in seconds;
# this only bounds a build that never will (far below pytest-timeout's 300 s per test).
PAUSE_TIMEOUT = 120.0


def small_project(root: Path) -> Path:
    """root/product_data with the sample's markets and a catalogue of SMALL_STYLES; returns root."""
    shutil.copytree(REPO / "product_data", root / "product_data")
    edit_catalogue(root, lambda rows: [r for r in rows if r["style_id"] in SMALL_STYLES])
    return publish_source_text(root)  # no locales/: foreign markets publish the English text


def edit_catalogue(project: Path, change: Callable[[Rows], Rows], name: str = "catalogue.csv") -> Path:
    """Rewrite product_data/catalogue.csv (or write it as `name`) through `change`."""
    source = project / "product_data" / "catalogue.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    target = project / "product_data" / name
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(change(rows))
    return target


def build(project: Path, *args: str, out: Path | None = None) -> Result:
    """`feedgen build` on the project (fixed build date) into project/output unless `out` is given."""
    argv = ["build", "--data", str(project / "product_data"), "-o", str(out or project / "output"),
            "--as-of", AS_OF, *args]
    return CliRunner().invoke(main, argv, catch_exceptions=False)


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` (relative POSIX path -> bytes); {} if it does not exist."""
    if not directory.exists():
        return {}
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


FEED_FOLDERS = ("google/", "meta/", "amazon/")


def parse_feeds(directory: Path) -> int:
    """Parse every feed and the manifest under `directory` as its format says; returns
    how many feed files (those in a channel folder) there are. Raises if one is broken:
    - XML (Google): well-formed;
    - JSON: valid JSON, and an Amazon feed valid against Amazon's listings feed schema;
    - CSV (Meta): UTF-8, RFC 4180 (strict quoting), every record as long as the header, the last
      one complete (CRLF-terminated), so a file cut off at a record boundary fails too."""
    from .channels.feeds import feed_errors

    count = 0
    for path in sorted(directory.rglob("*")):
        if path.suffix == ".xml":
            etree.parse(str(path))
        elif path.suffix == ".json":
            document = json.loads(path.read_text(encoding="utf-8"))
            if path.parent.name == "amazon":
                assert feed_errors(document) == [], path
        elif path.suffix == ".csv":
            text = path.read_bytes().decode("utf-8")
            assert text.endswith("\r\n"), f"{path}: the last record is incomplete"
            records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
            assert records and all(len(record) == len(records[0]) for record in records), path
        elif path.suffix == ".html":  # landing pages and the report: complete documents
            assert path.read_bytes().rstrip().endswith(b"</html>"), f"{path}: the page is incomplete"
            continue
        else:
            continue
        count += path.relative_to(directory).as_posix().startswith(FEED_FOLDERS)
    return count


def feed_files(files: dict[str, bytes]) -> list[str]:
    """The channel feeds of a snapshot (landing pages and reports are checked elsewhere)."""
    return sorted(path for path in files if path.startswith(FEED_FOLDERS))


def leftovers(parent: Path) -> list[str]:
    """Staging, aside and journal entries feedgen left in `parent` (the lock file is meant to stay)."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".feedgen-") and not p.name.startswith(".feedgen-lock-"))


def build_argv(project: Path, out: Path, *args: str, code: str | None = None) -> list[str]:
    """`feedgen build` of `project` into `out` as a real process: the command's own entry point
    (`python -m feedgen`, which `feedgen` runs), or `python -c code` for a patched one."""
    program = ["-c", code] if code else ["-m", "feedgen"]
    return [sys.executable, *program, "build", "--data", str(project / "product_data"), "-o", str(out),
            "--as-of", AS_OF, *args]


class Paused:
    """A build process waiting at its pause point, and the stderr it wrote so far."""

    def __init__(self, process: subprocess.Popen, seen: bytearray) -> None:
        self.process = process
        self.seen = seen

    def read_until(self, done: Callable[[], bool], timeout: float = PAUSE_TIMEOUT) -> bool:
        """Read stderr into `seen` until `done()`; False if the pipe ends or `timeout` passes first."""
        return _read_until(self.process, self.seen, done, time.monotonic() + timeout)

    def finish(self, timeout: float = PAUSE_TIMEOUT) -> tuple[int, str]:
        """Read the rest of stderr until the process (and every worker sharing the pipe) is gone,
        within `timeout`; returns (exit status, everything it wrote on stderr)."""
        _read_until(self.process, self.seen, lambda: False, time.monotonic() + timeout)
        return self.process.wait(timeout=timeout), self.seen.decode("utf-8", "replace")


@contextmanager
def paused_build(argv: list[str], point: str, env: dict[str, str] | None = None,
                 timeout: float = PAUSE_TIMEOUT) -> Iterator[Paused]:
    """Run `argv` with FEEDGEN_TEST_PAUSE_AT=point and yield once it announces the pause.

    Never hangs: stderr is read with a deadline (select on the pipe, not a blocking readline), and
    the marker is found in the raw bytes wherever it lands, because other processes of the build
    (the parent's progress lines, other market workers) share the pipe. The build runs in a session
    of its own, so whatever happens, the whole process group is SIGKILLed on the way out: a paused
    worker must not outlive a failed test."""
    env = dict(os.environ if env is None else env, FEEDGEN_TEST_PAUSE_AT=point, PYTHONPATH=str(REPO))
    process = subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    seen = bytearray()
    marker = f"{PAUSE_MARKER}{point}\n".encode("utf-8")
    try:
        if not _read_until(process, seen, lambda: marker in seen, time.monotonic() + timeout):
            raise AssertionError(f"the build never reached {point!r} within {timeout:.0f} s "
                                 f"(exit status {process.poll()}):\n{seen.decode('utf-8', 'replace')[-3000:]}")
        yield Paused(process, seen)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=timeout)
        process.stderr.close()


def _read_until(process: subprocess.Popen, seen: bytearray, done: Callable[[], bool], deadline: float) -> bool:
    """Append what the process writes on stderr to `seen` until `done()` (True), or the end of the
    pipe or the deadline (False unless done by then)."""
    fd = process.stderr.fileno()
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if not selector.select(left):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return done()
            seen += chunk
    return True
