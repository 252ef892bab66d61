"""Shared fixtures: the bundled sample project, copied so tests can change it freely."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DATA = REPO / "product_data"
SAMPLE_LOCALES = REPO / "locales"
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = date(2026, 11, 22)  # fixed build date: sale windows are judged against it


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the sample project: tmp/product_data, tmp/locales, tmp/output."""
    shutil.copytree(SAMPLE_DATA, tmp_path / "product_data")
    if SAMPLE_LOCALES.exists():
        shutil.copytree(SAMPLE_LOCALES, tmp_path / "locales")
    return tmp_path


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never call out: a connection to anything but loopback fails loudly."""
    import socket

    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in LOOPBACK:
            raise RuntimeError(f"network access in tests is not allowed (tried {address!r})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture
def mini_project(project: Path) -> Path:
    """The sample project with a 7-SKU catalogue and round FX rates: small enough for golden files."""
    for name in ("catalogue.csv", "fx_rates.csv"):
        shutil.copy(MINI / name, project / "product_data" / name)
    return project


def write_catalogue(path: Path, rows: list[dict[str, str]], base: Path = MINI / "catalogue.csv") -> Path:
    """Write rows (dicts overriding a template row from the mini catalogue) as a native catalogue CSV."""
    import csv

    with base.open(encoding="utf-8") as handle:
        template = next(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(template), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**template, **row})
    return path
