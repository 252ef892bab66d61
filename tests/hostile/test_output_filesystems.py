"""The output folder on a real filesystem that is full or read-only (a small tmpfs mounted for the
test), not an injected error: exit 4, one line, the previous output byte for byte, no staging
folder left, nothing written anywhere else. test_fault_injection.py injects the same faults at the
build's write calls; these prove the system's own errors take the same path. Mounting needs root
(CAP_SYS_ADMIN): elsewhere these tests skip and say so.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from feedgen.cli import main

from ..conftest import copy_sample
from .outputs import check_tree, snapshot

AS_OF = "2026-11-22"


def _mount(*arguments: str) -> None:
    subprocess.run(["mount", *arguments], check=True, capture_output=True, timeout=30)


@pytest.fixture
def volume(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs of its own at tmp_path/volume, unmounted afterwards."""
    mount_point = tmp_path / "volume"
    mount_point.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", "size=16m,mode=0755", "tmpfs", str(mount_point))
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here (needs root and mount(2)): {exc}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False, capture_output=True, timeout=30)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The sample project with the 7-SKU mini catalogue, inside tmp_path/shop."""
    return copy_sample(tmp_path / "shop", mini=True)


def _build(shop: Path, out: Path):
    return CliRunner().invoke(main, ["build", "--data", str(shop / "product_data"), "-o", str(out), "--as-of", AS_OF,
                                     "-m", "DE,GB", "--jobs", "1"])


def _used(volume: Path) -> int:
    stat = os.statvfs(volume)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize


def _one_error_line(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    return errors[0]


def _change_the_catalogue(shop: Path) -> None:
    catalogue = shop / "product_data" / "catalogue.csv"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("Vinterly", "Vinterly II"), encoding="utf-8")


@pytest.mark.timeout(180)
def test_a_full_disk_is_one_line_and_the_previous_output_survives(volume: Path, shop: Path, tmp_path: Path) -> None:
    out = volume / "output"
    assert _build(shop, out).exit_code == 0
    previous, written = snapshot(out), _used(volume)
    _mount("-o", f"remount,size={written + (64 << 10)}", "tmpfs", str(volume))  # 64 KiB left: not a build's worth
    _change_the_catalogue(shop)
    outside = snapshot(tmp_path, ignore=("volume",))

    result = _build(shop, out)
    assert result.exit_code == 4, result.output + result.stderr
    line = _one_error_line(result.stderr)
    assert "No space left on device (ENOSPC); nothing was published" in line
    assert snapshot(out) == previous
    assert not check_tree(out)
    assert sorted(p.name for p in volume.iterdir()) == [".feedgen-lock-output", "output"]  # no staging folder
    assert snapshot(tmp_path, ignore=("volume",)) == outside


@pytest.mark.timeout(180)
def test_a_read_only_filesystem_is_one_line_and_changes_nothing(volume: Path, shop: Path, tmp_path: Path) -> None:
    out = volume / "output"
    assert _build(shop, out).exit_code == 0
    previous = snapshot(volume)
    _mount("-o", "remount,ro", "tmpfs", str(volume))
    _change_the_catalogue(shop)
    outside = snapshot(tmp_path, ignore=("volume",))

    result = _build(shop, out)
    assert result.exit_code == 4, result.output + result.stderr
    line = _one_error_line(result.stderr)
    assert "Read-only file system (EROFS)" in line and str(volume) in line
    assert snapshot(volume) == previous
    assert snapshot(tmp_path, ignore=("volume",)) == outside


@pytest.mark.timeout(180)
def test_a_read_only_output_folder_on_a_writable_disk_is_published_beside_it(volume: Path, shop: Path) -> None:
    # chmod 555 on the output folder itself: publishing swaps the folder as a whole (its parent is
    # writable), so the build is published; as root chmod stops nothing anyway. The new output keeps
    # no trace of the old mode being a problem, and nothing is left behind.
    out = volume / "output"
    assert _build(shop, out).exit_code == 0
    out.chmod(0o555)
    _change_the_catalogue(shop)
    result = _build(shop, out)
    assert result.exit_code == 0, result.output + result.stderr
    assert not check_tree(out)
    assert sorted(p.name for p in volume.iterdir()) == [".feedgen-lock-output", "output"]
