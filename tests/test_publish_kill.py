"""SIGKILL a real build at named points: the output is always the complete old or complete new build.

The build runs as `python -m feedgen build` in a subprocess with FEEDGEN_TEST_PAUSE_AT=<point>;
it announces the pause on stderr and waits there, so the kill lands exactly at that point
(`publishing_helpers.paused_build`: read with a deadline, never a blocking readline).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feedgen.load.gtin import check_digit
from feedgen.publish.lock import LOCK
from feedgen.files import PAUSE_MARKER
from .publishing_helpers import (PAUSE_TIMEOUT, REPO, build, build_argv, edit_catalogue, feed_files, leftovers,
                                 parse_feeds, paused_build, small_project, snapshot)

FALLBACK = "import feedgen.publish.stage as p; p._exchange = lambda a, b: False; from feedgen.cli import main; main()"


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
    """Start build B into `out`, wait until it pauses at `point`, SIGKILL it (the build process
    only, as the OOM killer would: its market workers must die with it)."""
    argv = build_argv(builds["root"], out, "--catalogue", str(builds["catalogue_b"]), code=code)
    with paused_build(argv, point) as paused:
        os.kill(paused.process.pid, signal.SIGKILL)
        status, _ = paused.finish()
    assert status == -signal.SIGKILL


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
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from feedgen.publish.lock import OutputLock; "
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


# Issue 14, defect 6: under `python -u` / PYTHONUNBUFFERED=1 (xdist's workers, many CI images) the
# marker used to go out as two write(2)s, text and newline, and a line from another process of the
# build (the parent's progress, another market worker) sharing the stderr pipe could land between
# them; the test's reading loop never saw the marker and waited on the pipe forever.
CHATTY = """
import os, sys, time
from feedgen.files import checkpoint
if os.fork() == 0:  # another process of the build, writing progress lines to the same pipe
    while True:
        os.write(2, "\\u2026 resolving another market\\n".encode())
for n in range(40):  # forty processes pausing while it writes: each marker must arrive whole
    os.environ["FEEDGEN_TEST_PAUSE_AT"] = f"p{n}"
    if os.fork() == 0:
        print("about to pause", file=sys.stderr, flush=True)
        checkpoint(f"p{n}")
time.sleep(3600)
"""


def test_the_pause_marker_arrives_whole_while_other_processes_write_to_the_same_pipe() -> None:
    argv = [sys.executable, "-u", "-c", CHATTY]
    with paused_build(argv, "p0", env=dict(os.environ, PYTHONUNBUFFERED="1")) as paused:
        markers = [f"{PAUSE_MARKER}p{n}\n".encode() for n in range(40)]
        assert paused.read_until(lambda: all(marker in paused.seen for marker in markers)), \
            [marker for marker in markers if marker not in paused.seen]


# Issue 14, defect 8: Ctrl-C used to exit 1 (the code for item errors) with click's "Aborted!", or
# a traceback while the modules were still being imported. The terminal sends SIGINT to the whole
# process group (the build and its market workers), so the tests do the same.
INTERRUPTED = "error: interrupted (Ctrl-C); nothing was published, {out}/ is unchanged"


def interrupted(paused, out: Path, tmp_path: Path) -> list[str]:
    """SIGINT the paused build's process group; check it ended at once with exit 130, no traceback
    and nothing left behind; return its stderr lines after the pause marker."""
    os.killpg(paused.process.pid, signal.SIGINT)
    status, stderr = paused.finish()
    assert status == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr and "Aborted" not in stderr, stderr
    with pytest.raises(ProcessLookupError):  # no worker outlived it
        os.killpg(paused.process.pid, 0)
    assert leftovers(tmp_path) == []  # no stage, aside folder or journal
    assert (tmp_path / f"{LOCK}output").read_text() == ""  # released cleanly, not just dropped by the kernel
    return stderr.splitlines()


@pytest.mark.parametrize("point", [
    "locked",                # the lock taken, nothing built
    "write:google/se.xml",   # a market worker is writing; the other is busy too
    "write:amazon/us.json",  # the last feed
    "publish",               # staged, manifest and report written, the gate passed: not swapped
])
def test_ctrl_c_exits_130_with_one_line_and_leaves_the_old_build(builds: dict, tmp_path: Path, point: str) -> None:
    out = tmp_path / "output"
    shutil.copytree(builds["old_dir"], out)
    argv = build_argv(builds["root"], out, "--catalogue", str(builds["catalogue_b"]), "-j", "2")
    with paused_build(argv, point, env=dict(os.environ, PYTHONUNBUFFERED="1")) as paused:
        lines = interrupted(paused, out, tmp_path)
    assert [line for line in lines if line.startswith("error")] == [INTERRUPTED.format(out=out)]
    assert lines[-1] == INTERRUPTED.format(out=out)
    assert snapshot(out) == builds["old"]

    again = build(builds["root"], "--catalogue", str(builds["catalogue_b"]), out=out)
    assert again.exit_code == 0, again.output
    assert "taking over the lock" not in again.output  # the interrupted build released it
    assert snapshot(out) == builds["new"]


# While the command imports pandas, lxml and the rest (half a second), Ctrl-C must not show a
# traceback out of some import. The interrupt is sent while the process is provably inside those
# imports: once /proc/PID/maps shows the extension module being loaded.
@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc/PID/maps (Linux)")
@pytest.mark.parametrize("loading", ["numpy/_core/_multiarray_umath", "lxml/etree"])
def test_ctrl_c_while_the_command_starts_is_one_line_and_exit_130(builds: dict, tmp_path: Path, loading: str) -> None:
    out = tmp_path / "output"
    shutil.copytree(builds["old_dir"], out)
    process = subprocess.Popen(build_argv(builds["root"], out), cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + PAUSE_TIMEOUT
        maps = Path(f"/proc/{process.pid}/maps")
        while loading not in maps.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, "the build ended before loading " + loading
            time.sleep(0.002)
        os.killpg(process.pid, signal.SIGINT)
        stderr = process.communicate(timeout=PAUSE_TIMEOUT)[1].decode()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, stderr
    assert stderr.splitlines() == ["error: interrupted (Ctrl-C) while starting; nothing was done"]
    assert snapshot(out) == builds["old"] and leftovers(tmp_path) == []


# A Ctrl-C during the swap is held back until the output is the whole new build: the build then
# says it was published, and the previous build (in the stage's place after the swap) is removed.
SIGINT_IN_SWAP = ("import os, signal; import feedgen.publish.stage as p; exchange = p._exchange\n"
                  "def interrupted_exchange(a, b):\n"
                  "    os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, arriving mid-publish\n"
                  "    return exchange(a, b)\n"
                  "p._exchange = interrupted_exchange\n"
                  "from feedgen.__main__ import run; run()")


def test_ctrl_c_during_the_swap_waits_for_it_and_says_the_build_was_published(builds: dict, tmp_path: Path) -> None:
    out = tmp_path / "output"
    shutil.copytree(builds["old_dir"], out)
    argv = build_argv(builds["root"], out, "--catalogue", str(builds["catalogue_b"]), code=SIGINT_IN_SWAP)
    done = subprocess.run(argv, cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True,
                          timeout=PAUSE_TIMEOUT)
    assert done.returncode == 130, done.stderr
    assert done.stderr.splitlines()[-1] == f"error: interrupted (Ctrl-C) after publishing; {out}/ holds the new build"
    assert "Traceback" not in done.stderr
    assert snapshot(out) == builds["new"]
    assert leftovers(tmp_path) == [] and (tmp_path / f"{LOCK}output").read_text() == ""
