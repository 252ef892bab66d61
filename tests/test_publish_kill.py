"""SIGKILL a real build at named points: the output is always the complete old or complete new build.

The build runs as `python -m feedgen.cli build` in a subprocess with FEEDGEN_TEST_PAUSE_AT=<point>;
it announces the pause on stderr and waits there, so the kill lands exactly at that point.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from feedgen.lock import LOCK
from .publishing_helpers import AS_OF, REPO, build, edit_catalogue, leftovers, parse_feeds, small_project, snapshot

FALLBACK = "import feedgen.publish as p; p._exchange = lambda a, b: False; from feedgen.cli import main; main()"


def change_b(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Build B: a price change, one variant gone, one new variant."""
    for row in rows:
        if row["style_id"] == "AS-1001":
            row["price"] = "2599.00"
    added = dict(rows[-1], sku=rows[-1]["sku"] + "X", gtin="")
    return [r for r in rows if r["sku"] != rows[0]["sku"]] + [added]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A project, the old published build (A) and what publishing B over it gives."""
    root = small_project(tmp_path_factory.mktemp("kill"))
    catalogue_b = edit_catalogue(root, change_b, name="catalogue_b.csv")
    old_dir = root / "old"
    assert build(root, out=old_dir).exit_code == 0
    (old_dir / ".gitkeep").write_text("")  # a file feedgen did not write: must survive every publish
    new_dir = root / "new"
    shutil.copytree(old_dir, new_dir)
    result = build(root, "--catalogue", str(catalogue_b), out=new_dir)
    assert result.exit_code == 0, result.output
    old, new = snapshot(old_dir), snapshot(new_dir)
    assert old != new and old["google/no.xml"] != new["google/no.xml"]
    return {"root": root, "catalogue_b": catalogue_b, "old_dir": old_dir, "old": old, "new": new}


def killed_build(builds: dict, out: Path, point: str, code: str | None = None) -> None:
    """Start build B into `out`, wait until it pauses at `point`, SIGKILL it."""
    program = ["-c", code] if code else ["-m", "feedgen.cli"]
    argv = [sys.executable, *program, "build", "--data", str(builds["root"] / "product_data"),
            "--catalogue", str(builds["catalogue_b"]), "-o", str(out), "--as-of", AS_OF]
    env = dict(os.environ, FEEDGEN_TEST_PAUSE_AT=point, PYTHONPATH=str(REPO))
    child = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        for line in child.stderr:
            seen.append(line)
            if line.strip() == f"feedgen-test-paused-at {point}":
                break
        else:
            pytest.fail(f"the build never reached {point!r}:\n{''.join(seen)}")
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize(("point", "expected"), [
    ("locked", "old"),                   # early: lock taken, nothing built yet
    ("write:google/se.xml", "old"),      # mid-write: no.xml staged, se.xml half written
    ("publish", "old"),                  # staging complete, manifest and report written, not swapped
    ("publish:exchanged", "new"),        # swapped, the old build not yet deleted
])
def test_a_killed_build_leaves_the_complete_old_or_new_build(builds: dict, tmp_path: Path, point: str,
                                                             expected: str) -> None:
    out = tmp_path / "output"
    shutil.copytree(builds["old_dir"], out)
    killed_build(builds, out, point)

    assert snapshot(out) == builds[expected]
    assert parse_feeds(out) == 8

    again = build(builds["root"], "--catalogue", str(builds["catalogue_b"]), out=out)
    assert again.exit_code == 0, again.output
    assert "taking over the lock" in again.output
    assert snapshot(out) == builds["new"]
    assert leftovers(tmp_path) == []


def test_killed_between_the_fallback_renames_the_next_run_completes_the_publish(builds: dict, tmp_path: Path) -> None:
    """Without RENAME_EXCHANGE there is an instant with no output directory (never a mixed one)."""
    out = tmp_path / "output"
    shutil.copytree(builds["old_dir"], out)
    killed_build(builds, out, "publish:moved-aside", code=FALLBACK)

    assert not out.exists()
    assert ".feedgen-journal-output" in leftovers(tmp_path)

    again = build(builds["root"], "--catalogue", str(builds["catalogue_b"]), out=out)
    assert again.exit_code == 0, again.output
    assert "completed the publish" in again.output
    assert snapshot(out) == builds["new"]
    assert parse_feeds(out) == 8
    assert leftovers(tmp_path) == []


def test_a_build_waits_for_no_one_it_refuses_while_another_holds_the_lock(builds: dict, tmp_path: Path) -> None:
    out = tmp_path / "output"
    shutil.copytree(builds["old_dir"], out)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from feedgen.lock import OutputLock; "
         "OutputLock(Path(sys.argv[1])).__enter__(); print('locked', flush=True); time.sleep(3600)", str(out)],
        cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        refused = build(builds["root"], "--catalogue", str(builds["catalogue_b"]), out=out)
        assert refused.exit_code == 2
        assert f"another feedgen build (pid {holder.pid} on" in refused.output
        assert snapshot(out) == builds["old"]
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    assert (tmp_path / f"{LOCK}output").read_text().startswith(f"pid {holder.pid} ")

    taken = build(builds["root"], "--catalogue", str(builds["catalogue_b"]), out=out)
    assert taken.exit_code == 0, taken.output
    assert f"taking over the lock of {out} from pid {holder.pid} on" in taken.output
    assert snapshot(out) == builds["new"]
