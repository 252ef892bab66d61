"""Fault injection: the world fails, feedgen says so in one line and keeps what it had.

- the translation engine answers 429, times out, drops the connection, fails with 5xx or sends
  garbage: `feedgen translate` stops (or rejects the text) without a traceback and writes nothing
  broken, and the next build completes from the catalogues it has (the translation memory), with
  a warning for the text that stays untranslated;
- the disk fills up (ENOSPC injected into the writes of the stage, at several points of the build):
  exit 4, one line, the previous output byte for byte intact, no staging folder left behind;
- the output's folder cannot be written: exit 4, one line, nothing changed. Tests run as root
  here, where chmod does not stop writes, so the denial is then injected at the system-call
  wrappers the build uses (and the test checks that it actually fired).
"""

from __future__ import annotations

import errno
import io
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from feedgen import files
from feedgen.publish import stage as publish
from feedgen.cli import main
from feedgen.i18n.catalogues import read_catalogue, write_catalogue
from feedgen.i18n import PRODUCTS

from ..conftest import copy_sample, publish_source_text
from ..helpers import google_items
from .outputs import check_tree, snapshot

AS_OF = "2026-11-22"
HOSTILE_STYLE = "AS-1009"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The sample project with the 7-SKU mini catalogue, inside tmp_path/shop."""
    return publish_source_text(copy_sample(tmp_path / "shop", mini=True))


def _build(project: Path, *extra: str):
    return CliRunner().invoke(main, ["build", "--data", str(project / "product_data"), "-o", str(project / "output"),
                                     "--as-of", AS_OF, "-m", "DE,GB", "--jobs", "1", *extra])  # faults are patched into this process


def _one_error_line(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    assert "Traceback" not in stderr
    return errors[0]


# ----------------------------------------------------------------------------- translation engine
class _Response:
    def __init__(self, status: int, text: str) -> None:
        self.status_code, self.text = status, text

    def json(self):
        import json

        return json.loads(self.text)

    def close(self) -> None:
        pass


def _answer(status: int, text: str):
    return lambda url, **kwargs: _Response(status, text)


def _raise(error: Exception):
    def get(url, **kwargs):
        raise error
    return get


FAULTS = {
    # name: (engine, fake requests.get, what the command reports)
    "rate_limited_429": ("google", _answer(429, ""), "stopped: google: too many requests (HTTP 429)"),
    "timeout": ("google", _raise(requests.exceptions.ReadTimeout("read timed out")), "stopped: google: no answer within"),
    "connection_reset": ("google", _raise(requests.exceptions.ConnectionError("reset")), "stopped: google: network error"),
    "server_error_503": ("google", _answer(503, "busy"), "stopped: google: the request failed"),
    "garbage_page": ("google", _answer(200, "<html><body>Are you a robot?</body></html>"), "rejected de AS-1009:title"),
    "garbage_json": ("mymemory", _answer(200, "<html>proxy error</html>"), "stopped: mymemory: unreadable answer"),
    "control_characters": ("google", _answer(200, '<div class="result-container">Schuh\x01\x02</div>'),
                           "rejected de AS-1009:title: control characters"),
    "injected_markup": ("google", _answer(200, '<div class="result-container">&lt;script&gt;x&lt;/script&gt;</div>'),
                        "rejected de AS-1009:title: markup not in the source"),
}


def _forget_style(locales: Path, language: str, style: str) -> list[tuple[str, str]]:
    """Blank one style's translations, as if its texts were new: they are the ones to translate."""
    path = locales / language / "LC_MESSAGES" / f"{PRODUCTS}.po"
    catalog = read_catalogue(path, PRODUCTS, language)
    blanked = []
    for message in catalog:
        if message.id and (message.context or "").startswith(f"{style}:"):
            message.string = ""
            message.flags.discard("fuzzy")
            blanked.append((message.context, message.id))
    write_catalogue(path, catalog, PRODUCTS)
    return blanked


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_failing_translation_engine_leaves_the_catalogues_whole_and_the_build_completes(
        fault: str, shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, get, expected = FAULTS[fault]
    blanked = _forget_style(shop / "locales", "de", HOSTILE_STYLE)
    po = shop / "locales" / "de" / "LC_MESSAGES" / f"{PRODUCTS}.po"
    before = po.read_bytes()
    calls = []
    monkeypatch.setattr(requests, "get", lambda url, **kwargs: calls.append(url) or get(url, **kwargs))
    monkeypatch.setattr(requests, "post", lambda url, **kwargs: calls.append(url) or get(url, **kwargs))
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # the back-off between retries

    result = CliRunner().invoke(main, ["translate", "--data", str(shop / "product_data"), "-l", "de",
                                       "--backend", engine, "--pause", "0"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert calls, "the fake engine was never called: the fault was not exercised"
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and expected in result.stderr, result.stderr
    assert po.read_bytes() == before  # nothing filled, nothing garbage written
    catalog = read_catalogue(po, PRODUCTS, "de")
    assert all(not catalog.get(msgid, context=context).string for context, msgid in blanked)

    # The market may use machine text, so whatever the engine had produced would be used: it produced nothing.
    markets = shop / "product_data" / "markets.toml"
    text = markets.read_text(encoding="utf-8")
    de = text.index("[markets.DE]")
    flag = text.index("allow_machine_translation = false", de)
    markets.write_text(text[:flag] + "allow_machine_translation = true" + text[flag + 33:], encoding="utf-8")
    built = _build(shop, "--report", str(shop / "diagnostics.json"))
    assert built.exit_code == 0, built.output + built.stderr
    feed = google_items(shop / "output" / "google" / "de.xml")
    assert feed["AS-1009-WHT-42"]["title"] == ["Solstreif Men's Leather Sneakers"]  # the source text
    assert feed["AS-1005-BLK-38"]["title"] != ["Vinterly Women's Insulated Winter Boots"]  # from the catalogue
    warnings = [line for line in built.output.splitlines() if "i18n.text.untranslated" in line]
    assert warnings and warnings[0].split()[0] == "warning"
    assert not check_tree(shop / "output")


# ----------------------------------------------------------------------------- disk full
class _Disk:
    """A disk with `capacity` bytes left: writes beyond it fail with ENOSPC, as write(2) does."""

    def __init__(self, capacity: int) -> None:
        self.left = capacity
        self.failures = 0

    def take(self, size: int) -> None:
        if size > self.left:
            self.failures += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.left -= size


class _Handle(io.RawIOBase):
    def __init__(self, handle, disk: _Disk) -> None:
        self._handle, self._disk = handle, disk

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._disk.take(len(data))
        return self._handle.write(data)

    def fileno(self) -> int:
        return self._handle.fileno()

    def flush(self) -> None:
        self._handle.flush()


def _install_disk(monkeypatch: pytest.MonkeyPatch, disk: _Disk) -> None:
    """Every byte a build writes goes through Stage.open or write_bytes_atomic (manifest, report,
    diagnostics JSON, JUnit): both now draw on `disk`."""
    original_open = publish.Stage.open
    original_atomic = files.write_bytes_atomic

    @contextmanager
    def stage_open(self, relative):
        with original_open(self, relative) as handle:
            yield _Handle(handle, disk)

    def atomic(path, data):
        disk.take(len(data))
        original_atomic(path, data)

    monkeypatch.setattr(publish.Stage, "open", stage_open)
    monkeypatch.setattr(files, "write_bytes_atomic", atomic)


def _bytes_a_build_writes(shop: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    disk = _Disk(10**12)
    with monkeypatch.context() as patch:
        _install_disk(patch, disk)
        assert _build(shop).exit_code == 0
    return 10**12 - disk.left


@pytest.mark.parametrize("fill", [0.0, 0.2, 0.6, 0.999])
def test_disk_full_is_one_line_and_the_previous_output_survives(
        fill: float, shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    needed = _bytes_a_build_writes(shop, monkeypatch)  # also the previous output to keep
    previous = snapshot(shop / "output")
    catalogue = shop / "product_data" / "catalogue.csv"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("Vinterly", "Vinterly II"), encoding="utf-8")

    disk = _Disk(int(needed * fill))
    _install_disk(monkeypatch, disk)
    result = _build(shop)
    assert disk.failures, "ENOSPC was never raised: the fault was not exercised"
    assert result.exit_code == 4, result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    line = _one_error_line(result.stderr)
    assert "output: No space left on device (ENOSPC); nothing was published" in line
    assert snapshot(shop / "output") == previous
    assert sorted(p.name for p in shop.iterdir()) == [".feedgen-lock-output", "locales", "output", "product_data"]


# ----------------------------------------------------------------------------- unwritable folder
def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@contextmanager
def _read_only(folder: Path, monkeypatch: pytest.MonkeyPatch):
    """Make `folder` refuse new entries: chmod where that works, else (root) deny the calls that
    create, rename or remove entries in it, and count the denials."""
    denied: list[str] = []
    if not _is_root():
        folder.chmod(0o555)
        try:
            yield denied
        finally:
            folder.chmod(0o755)
        return

    def inside(path) -> bool:
        try:
            return Path(os.fsdecode(path)).resolve().parent == folder.resolve()
        except (TypeError, ValueError):
            return False

    def deny(path) -> None:
        denied.append(os.fsdecode(path))
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))

    real_open, real_mkdir, real_rename = os.open, os.mkdir, os.rename

    def guarded_open(path, flags, *args, **kwargs):
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR) and inside(path):
            deny(path)
        return real_open(path, flags, *args, **kwargs)

    def guarded_mkdir(path, *args, **kwargs):
        if inside(path):
            deny(path)
        return real_mkdir(path, *args, **kwargs)

    def guarded_rename(source, target, *args, **kwargs):
        if inside(source) or inside(target):
            deny(target)
        return real_rename(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "mkdir", guarded_mkdir)
    monkeypatch.setattr(os, "rename", guarded_rename)
    yield denied


def test_an_unwritable_output_folder_is_one_line_and_changes_nothing(tmp_path: Path, shop: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "readonly"
    locked.mkdir()
    before = snapshot(tmp_path)
    with _read_only(locked, monkeypatch) as denied:
        result = CliRunner().invoke(main, ["build", "--data", str(shop / "product_data"), "-o", str(locked / "output"),
                                           "--as-of", AS_OF, "-m", "DE,GB"])
    if _is_root():
        assert denied, "no write was denied: the unwritable folder was not exercised"
    assert result.exit_code == 4, result.output + result.stderr
    line = _one_error_line(result.stderr)
    assert "Permission denied (EACCES); nothing was published" in line and str(locked) in line
    assert snapshot(tmp_path) == before
