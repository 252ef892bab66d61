"""SIGKILL a real build at named points: the output is always the complete old or complete new build.

The build runs as `python -m feedgen.cli build` in a subprocess with FEEDGEN_TEST_PAUSE_AT=<point>;
it announces the pause on stderr and waits there, so the kill lands exactly at that point.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from feedgen.gtin import check_digit
from feedgen.lock import LOCK
from .publishing_helpers import (AS_OF, REPO, build, edit_catalogue, feed_files, leftovers, parse_feeds, small_project,
                                 snapshot)

FALLBACK = "import feedgen.publish as p; p._exchange = lambda a, b: False; from feedgen.cli import main; main()"


GONE = "AS-1001-BRN-36"
NEW_GTIN = "709451299999" + str(check_digit("709451299999"))  # valid and unused: Amazon lists it too


def change_b(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Build B: a price change, one variant gone, one new variant."""
    for row in rows:
        if row["style_id"] == "AS-1001":
            row["price"] = "2599.00"
    # in a new colour: an exact copy of a variant would be a duplicate variant, an error (issue #14)
    added = dict(rows[-1], sku=rows[-1]["sku"] + "X", gtin=NEW_GTIN, color="Black")
    return [r for r in rows if r["sku"] != GONE] + [added]


def deletes(files: dict[str, bytes], path: str) -> list[str]:
    return [m["sku"] for m in json.loads(files[path])["messages"] if m["operationType"] == "DELETE"]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A project, the old published build (A), what publishing B over it gives (new), and what
    building B again over that gives (rebuilt: the same, except that Amazon's DELETE messages for
    the variant B dropped were sent once and are not repeated)."""
    root = small_project(tmp_path_factory.mktemp("kill"))
    catalogue_b = edit_catalogue(root, change_b, name="catalogue_b.csv")
    old_dir = root / "old"
    assert build(root, out=old_dir).exit_code == 0
    (old_dir / ".gitkeep").write_text("")  # a file feedgen did not write: must survive every publish
    new_dir, rebuilt_dir = root / "new", root / "rebuilt"
    shutil.copytree(old_dir, new_dir)
    result = build(root, "--catalogue", str(catalogue_b), out=new_dir)
    assert result.exit_code == 0, result.output
    shutil.copytree(new_dir, rebuilt_dir)
    assert build(root, "--catalogue", str(catalogue_b), out=rebuilt_dir).exit_code == 0
    old, new, rebuilt = snapshot(old_dir), snapshot(new_dir), snapshot(rebuilt_dir)
    # every channel's feeds change between A and B, so a mix of the two cannot pass for either
    assert len(feed_files(old)) == 25 and feed_files(old) == feed_files(new) == feed_files(rebuilt)  # 8 + 15 + 2
    for path in ("google/no.xml", "meta/country-no.csv", "meta/main.csv", "amazon/de.json", "amazon/us.json"):
        assert old[path] != new[path], path
    assert deletes(new, "amazon/us.json") == deletes(new, "amazon/de.json") == [GONE]
    assert deletes(rebuilt, "amazon/us.json") == deletes(rebuilt, "amazon/de.json") == []
    # (.feedgen-state.json too: it records that B's Amazon feeds withdrew SKUs, so they are not reused)
    assert {p for p in new if new[p] != rebuilt[p]} == {"amazon/de.json", "amazon/us.json", "manifest.json", "report.html",
                                                         ".feedgen-state.json"}
    return {"root": root, "catalogue_b": catalogue_b, "old_dir": old_dir, "old": old, "new": new, "rebuilt": rebuilt}


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
        if child.poll() is None:  # a failed or timed-out wait must not leave a paused build behind
            child.kill()
        child.wait()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize(("point", "expected"), [
    ("locked", "old"),                   # early: lock taken, nothing built yet
    ("write:google/se.xml", "old"),      # mid-write: Google and Meta NO staged, google/se.xml half written
    ("write:amazon/us.json", "old"),     # the last feed half written, with its DELETE message
    ("publish", "old"),                  # staging complete, manifest and report written, not swapped
    ("publish:exchanged", "new"),        # swapped, the old build not yet deleted
])
def test_a_killed_build_leaves_the_complete_old_or_new_build(builds: dict, tmp_path: Path, point: str,
                                                             expected: str) -> None:
    out = tmp_path / "output"
    shutil.copytree(builds["old_dir"], out)
    killed_build(builds, out, point)

    assert snapshot(out) == builds[expected]
    assert parse_feeds(out) == 25

    again = build(builds["root"], "--catalogue", str(builds["catalogue_b"]), out=out)
    assert again.exit_code == 0, again.output
    assert "taking over the lock" in again.output
    # B over the old build is `new`; B over a published B is `rebuilt` (Amazon's deletes went out once)
    assert snapshot(out) == builds["new" if expected == "old" else "rebuilt"]
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
    assert snapshot(out) == builds["rebuilt"]  # B was published from the journal, then built again over it
    assert parse_feeds(out) == 25
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
