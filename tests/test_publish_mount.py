"""Publishing into an output folder that is a mount point (issue 14, defect 7).

A Docker volume or any mounted folder cannot be renamed or swapped: `renameat2` answers EBUSY,
and when the folder is another filesystem, the stage beside it is on a different device, so moving
a staged file in answers EXDEV. Both used to end the build with exit 4. These tests mount a real
tmpfs (another device) and a real bind mount (the same device, which `os.path.ismount` does not
recognise) over the output folder; they need root (or CAP_SYS_ADMIN) and skip, saying so, where
mounting is refused.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from feedgen.publish.stage import PART
from .publishing_helpers import build, edit_catalogue, leftovers, parse_feeds, small_project, snapshot


def _mount(*argv: str) -> None:
    done = subprocess.run(["mount", *argv], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({' '.join(argv[:2])}): {done.stderr.strip() or done.returncode}; "
                    "the mount-point publish is untested on this machine")


@pytest.fixture(params=["tmpfs", "bind"])
def mounted_out(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """tmp_path/output as a mount point: a tmpfs (another device) or a bind mount of a folder on
    the same filesystem (so the kernel, not ismount, has to say it is a mount point)."""
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting needs root and mount(8); the mount-point publish is untested on this machine")
    out = tmp_path / "output"
    out.mkdir()
    if request.param == "tmpfs":
        _mount("-t", "tmpfs", "-o", "size=64m", "tmpfs", str(out))
        assert os.stat(out).st_dev != os.stat(tmp_path).st_dev
    else:
        source = tmp_path / "volume"
        source.mkdir()
        _mount("--bind", str(source), str(out))
        assert os.stat(out).st_dev == os.stat(tmp_path).st_dev and not os.path.ismount(out)
    try:
        yield out
    finally:
        subprocess.run(["umount", str(out)], check=True, timeout=30)


def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The next build: a price changes and a variant leaves the catalogue."""
    for row in rows:
        if row["style_id"] == "AS-1001":
            row["price"] = "2599.00"
    return [row for row in rows if row["sku"] != "AS-1001-BRN-36"]


def test_a_build_publishes_file_by_file_into_a_mount_point(mounted_out: Path, tmp_path: Path) -> None:
    project = small_project(tmp_path / "project")
    plain = tmp_path / "plain"  # the same two builds into an ordinary folder, for comparison

    first = build(project, out=mounted_out)
    assert first.exit_code == 0, first.output
    assert f"{mounted_out} is a mount point and cannot be swapped as a whole" in first.output
    assert build(project, out=plain).exit_code == 0
    assert snapshot(mounted_out) == snapshot(plain)

    for folder in (mounted_out, plain):
        (folder / ".gitkeep").write_text("")  # not feedgen's: kept
        (folder / "google" / f"{PART}left-by-a-killed-run").write_text("half")  # feedgen's leftover: removed
    catalogue = edit_catalogue(project, change, name="catalogue_b.csv")
    second = build(project, "--catalogue", str(catalogue), out=mounted_out)
    assert second.exit_code == 0, second.output
    assert build(project, "--catalogue", str(catalogue), out=plain).exit_code == 0

    files = snapshot(mounted_out)
    assert files == snapshot(plain)
    assert ".gitkeep" in files and not any(PART in path for path in files)
    assert b"AS-1001-BRN-36" not in files["google/no.xml"] and b"AS-1001-BRN-37" in files["google/no.xml"]
    assert parse_feeds(mounted_out) == 25
    assert subprocess.run(["mountpoint", "-q", str(mounted_out)]).returncode == 0  # still the volume
    assert leftovers(tmp_path) == []  # no stage, aside folder or journal beside it
