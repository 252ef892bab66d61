"""`feedgen build --scheduler`: markets on a real Dask cluster (feedgen.pipeline.cluster).

The cluster is Dask's own LocalCluster: a scheduler and two worker processes (one thread each) on
127.0.0.1, started by a fixture. The client is the real `feedgen build` (CliRunner, or a process
of its own where a worker is killed). Storage is shared the simplest way there is: one machine's
file system, at the same paths for client and workers.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from feedgen.cli import main
from feedgen.errors import SetupError
from feedgen.pipeline.build import BuildRequest, input_files
from feedgen.pipeline.cluster import SCHEDULER_ENV, Unit, check_worker
from feedgen.publish.manifest import input_hashes
from feedgen.publish.stage import Stage

from ..publishing_helpers import AS_OF, REPO, build, build_argv, edit_catalogue, leftovers, small_project, snapshot

distributed = pytest.importorskip("distributed")

# the cluster tests' own bound, well under pytest-timeout's 300 s: a cluster that never starts, a
# build that never ends or a worker that never pauses fails the test instead of holding CI
CLUSTER_TIMEOUT = 150
PAUSE_POINT = "write:google/se.xml"  # market SE's Google feed, half written


def _local_cluster() -> Iterator[distributed.Client]:
    """A scheduler and two worker processes of one thread each, on 127.0.0.1."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=":0")
    client = distributed.Client(cluster, set_as_default=False)
    try:
        client.wait_for_workers(2, timeout=CLUSTER_TIMEOUT)
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.Client]:
    yield from _local_cluster()


@pytest.fixture
def doomed_cluster() -> Iterator[distributed.Client]:
    """A cluster of its own for a test that kills a worker: no later test waits for Dask's nanny to bring the
    killed one back (under CI load that restart twice took longer than 50 and 75 s, failing a test whose
    build had already been checked)."""
    yield from _local_cluster()


@pytest.mark.timeout(CLUSTER_TIMEOUT)
def test_a_cluster_build_is_byte_identical_to_a_local_one(project: Path, cluster: distributed.Client) -> None:
    """The whole sample: translations, landing pages, Meta's cross-market files, Amazon, the history."""
    local = build(project, "--jobs", "1", "--report", str(project / "local.json"), out=project / "local")
    assert local.exit_code == 0, local.output
    remote = build(project, "--scheduler", cluster.scheduler.address, "--report", str(project / "cluster.json"),
                   out=project / "cluster")
    assert remote.exit_code == 0, remote.output
    assert snapshot(project / "cluster") == snapshot(project / "local")
    assert (project / "cluster.json").read_text() == (project / "local.json").read_text()
    workers = set(cluster.scheduler_info()["workers"])
    built_on = {line.rsplit(" ", 1)[1] for line in remote.output.splitlines() if " built on " in line}
    assert built_on == workers  # both workers built markets: the bytes do not depend on where
    assert "writing google US" in remote.output  # the workers' progress reaches the terminal


@pytest.mark.timeout(CLUSTER_TIMEOUT)
def test_the_scheduler_can_come_from_the_environment(tmp_path: Path, cluster: distributed.Client,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """…with the paths as a user types them, relative to the client's working directory (the
    workers' is another): the output and its stage are where a local build puts them."""
    root = small_project(tmp_path)
    local = build(root, "--jobs", "1", out=tmp_path / "local")
    assert local.exit_code == 0, local.output
    monkeypatch.chdir(root)
    argv = ["build", "--data", "product_data", "-o", "output", "--as-of", AS_OF]
    result = CliRunner(env={SCHEDULER_ENV: cluster.scheduler.address}).invoke(main, argv, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"on the Dask cluster at {cluster.scheduler.address} (2 worker(s))" in result.output
    assert snapshot(root / "output") == snapshot(tmp_path / "local")


@pytest.mark.timeout(CLUSTER_TIMEOUT)
def test_an_input_error_on_a_worker_is_the_build_s_one_line(project: Path, cluster: distributed.Client) -> None:
    """A market that cannot be built stops the build as it does locally: exit 2, its one line,
    the published output as it was."""
    assert build(project, "--jobs", "2").exit_code == 0
    before = snapshot(project / "output")
    markets = project / "product_data" / "markets.toml"
    markets.write_text(markets.read_text(encoding="utf-8").replace('language_tag = "en_US"', 'language_tag = "xx_XX"'),
                       encoding="utf-8")
    failed = build(project, "--scheduler", cluster.scheduler.address)
    assert failed.exit_code == 2
    errors = [line for line in failed.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "no Amazon age range / department values for 'xx_XX'" in errors[0], failed.output
    assert "Traceback" not in failed.output
    assert snapshot(project / "output") == before


def _pause_at(point: str | None) -> None:
    """On a worker: stop at `point` (feedgen.files.checkpoint) from its next market on; None: do not."""
    if point is None:
        os.environ.pop("FEEDGEN_TEST_PAUSE_AT", None)
    else:
        os.environ["FEEDGEN_TEST_PAUSE_AT"] = point


def _paused_workers(client: distributed.Client) -> dict[str, tuple[int, str]]:
    """worker address -> (pid, checkpoint name) for each worker whose task thread waits in
    feedgen.files.checkpoint. Asked on the worker's event loop, which answers while the task's
    thread sleeps; read from the thread's stack, so nothing waits for a guessed time."""

    def paused() -> tuple[int, str] | None:
        from feedgen.files import checkpoint

        for frame in sys._current_frames().values():
            while frame is not None:
                if frame.f_code is checkpoint.__code__:
                    return os.getpid(), frame.f_locals["name"]
                frame = frame.f_back
        return None

    return {address: found for address, found in client.run(paused).items() if found is not None}


def _kill_mid_build(cluster: distributed.Client, changed: tuple, out: Path, allowed_failures: int) -> tuple[int, str]:
    """Build B into `out` in a process of its own, wait until a worker pauses half-way through
    SE's Google feed, SIGKILL that worker (as the OOM killer would); returns the build's exit
    status and stderr. No other worker pauses after that, so a market run again is built. The
    scheduler lets a task outlive `allowed_failures` dead workers meanwhile (Dask's default is 3)."""
    root, catalogue_b, _ = changed
    argv = build_argv(root, out, "--catalogue", str(catalogue_b), "--scheduler", cluster.scheduler.address)
    default = cluster.run_on_scheduler(lambda dask_scheduler: dask_scheduler.allowed_failures)
    _allowed_failures(cluster, allowed_failures)
    try:
        return _kill_the_paused_worker(cluster, argv)
    finally:
        _allowed_failures(cluster, default)


def _kill_the_paused_worker(cluster: distributed.Client, argv: list[str]) -> tuple[int, str]:
    cluster.run(_pause_at, PAUSE_POINT)
    process = subprocess.Popen(argv, cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + CLUSTER_TIMEOUT / 3
        while not (paused := _paused_workers(cluster)):
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, f"no worker reached {PAUSE_POINT}"
            time.sleep(0.1)
        [(pid, point)] = paused.values()
        assert point == PAUSE_POINT
        cluster.run(_pause_at, None)
        os.kill(pid, signal.SIGKILL)
        _, stderr = process.communicate(timeout=CLUSTER_TIMEOUT / 3)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        cluster.run(_pause_at, None)
    return process.returncode, stderr.decode()


def _allowed_failures(cluster: distributed.Client, count: int) -> None:
    cluster.run_on_scheduler(lambda dask_scheduler: setattr(dask_scheduler, "allowed_failures", count))


@pytest.fixture
def changed(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A small project published once (A) into tmp/output, and a catalogue B with other prices
    (so a mix of A and B would show); returns the project, B's catalogue, A's snapshot."""
    root = small_project(tmp_path)
    assert build(root, out=tmp_path / "output").exit_code == 0
    b = edit_catalogue(root, lambda rows: [dict(row, price="2599.00") for row in rows], name="catalogue_b.csv")
    return root, b, snapshot(tmp_path / "output")


@pytest.mark.timeout(CLUSTER_TIMEOUT)
def test_a_killed_worker_fails_the_build_and_leaves_the_published_output(tmp_path: Path,
                                                                       doomed_cluster: distributed.Client,
                                                                       changed: tuple) -> None:
    """The scheduler gives SE up at its first dead worker: the build exits 4 with one line, the
    output holds the previous build byte for byte, and the next build publishes normally."""
    root, catalogue_b, before = changed
    out = tmp_path / "output"
    status, text = _kill_mid_build(doomed_cluster, changed, out, allowed_failures=0)
    assert status == 4, text
    errors = [line for line in text.splitlines() if line.startswith("error:")]
    # SE's, or that of the market queued behind it on the same worker (Dask hands a worker its next task early)
    assert errors == [text.splitlines()[-1]] and re.search("market [A-Z]{2}: the Dask worker building it died",
                                                           errors[0]), text
    assert "nothing was published" in errors[0] and "Traceback" not in text
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []  # the markets still running elsewhere were waited for, then the stage removed

    again = build(root, "--catalogue", str(catalogue_b), "--scheduler", doomed_cluster.scheduler.address, out=out)
    assert again.exit_code == 0, again.output
    assert snapshot(out) != before and leftovers(tmp_path) == []


@pytest.mark.timeout(CLUSTER_TIMEOUT)
def test_a_market_whose_worker_died_is_built_again_into_the_same_stage(tmp_path: Path,
                                                                      doomed_cluster: distributed.Client,
                                                                      changed: tuple) -> None:
    """Dask's own recovery: the scheduler runs SE again on a live worker, which rewrites the files
    the dead one left half-written; the published build is the one a local build publishes."""
    root, catalogue_b, _ = changed
    out, expected = tmp_path / "output", tmp_path / "expected"
    shutil.copytree(out, expected)
    assert build(root, "--catalogue", str(catalogue_b), "--jobs", "1", out=expected).exit_code == 0
    status, text = _kill_mid_build(doomed_cluster, changed, out, allowed_failures=1)
    assert status == 0, text
    assert snapshot(out) == snapshot(expected)
    assert leftovers(tmp_path) == [], sorted(str(path) for path in tmp_path.glob(".feedgen-*/**/*"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("address", "message"), [
    ("tcp://127.0.0.1:{free}", "cannot reach a Dask scheduler at tcp://127.0.0.1:"),  # nothing listens there
    ("127.0.0.1", "'127.0.0.1' is not a scheduler address; give tcp://HOST:PORT"),
])
def test_a_bad_scheduler_address_is_one_line_and_exit_2(tmp_path: Path, address: str, message: str) -> None:
    root = small_project(tmp_path)
    address = address.format(free=_free_port())
    started = time.monotonic()
    result = build(root, "--scheduler", address)
    assert result.exit_code == 2
    assert result.output.splitlines() == [result.output.strip()] and message in result.output, result.output
    assert time.monotonic() - started < 30  # the connect timeout (10 s), not Dask's default of 30 s and retries
    assert not (root / "output").exists()  # refused before the output was locked


@pytest.mark.parametrize("option", ["-o", "--data"])
def test_an_fsspec_url_is_refused_in_one_line(tmp_path: Path, option: str) -> None:
    """Object stores have no directory swap: an s3:// stage would be a publish that is not atomic."""
    root = small_project(tmp_path)
    argv = ["build", "--data", str(root / "product_data"), "-o", str(root / "output"), option, "s3://bucket/feeds",
            "--scheduler", "tcp://127.0.0.1:1"]
    result = CliRunner().invoke(main, argv, catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output.strip() == ("error: s3://bucket/feeds: s3:// URLs are not supported by a cluster build: give "
                                     "a directory the client and every worker mount at the same path (NFS, a shared "
                                     "volume)")


def _unit(root: Path) -> Unit:
    request = BuildRequest(data_dir=(root / "product_data").resolve(), out=(root / "output").resolve())
    inputs = input_hashes({key: path for key, path in input_files(request).items() if path.is_file()})
    return Unit("token", request, Stage(request.out, "brand"), None, {}, None, inputs)


def test_a_worker_that_reads_other_inputs_refuses_to_build(tmp_path: Path) -> None:
    """A host whose share is stale (or another project) would write other bytes: it stops the build."""
    unit = _unit(small_project(tmp_path))
    try:
        check_worker(unit, "tcp://10.0.0.7:40000")  # the same files: fine
        catalogue = tmp_path / "product_data" / "catalogue.csv"
        catalogue.write_text(catalogue.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        with pytest.raises(SetupError, match=r"catalogue.csv: the worker tcp://10.0.0.7:40000 reads other bytes "
                                             r"than the client \(sha256 [0-9a-f]{12} vs [0-9a-f]{12}\)"):
            check_worker(unit, "tcp://10.0.0.7:40000")
        catalogue.unlink()
        with pytest.raises(SetupError, match="product_data/catalogue.csv: the worker tcp://10.0.0.7:40000 cannot read"):
            check_worker(unit, "tcp://10.0.0.7:40000")
    finally:
        unit.stage.discard()


def test_a_worker_that_cannot_see_the_stage_refuses_to_build(tmp_path: Path) -> None:
    unit = _unit(small_project(tmp_path))
    unit.stage.discard()
    with pytest.raises(SetupError, match="the build's stage is not visible on the worker tcp://w:1"):
        check_worker(unit, "tcp://w:1")
    with pytest.raises(SetupError, match="the worker runs feedgen .*, the build 0.0.0"):
        check_worker(dataclasses.replace(unit, version="0.0.0"), "tcp://w:1")


@pytest.mark.timeout(CLUSTER_TIMEOUT)
def test_the_cluster_benchmark_runs_on_a_small_catalogue() -> None:
    """benchmarks/cluster.py must not rot either (no timing assertions, only that it works and
    that every build it measures is the --jobs 1 build's bytes)."""
    completed = subprocess.run([sys.executable, str(REPO / "benchmarks" / "cluster.py"), "--skus", "300",
                                "--workers", "1", "--json"], capture_output=True, text=True,
                               timeout=CLUSTER_TIMEOUT - 10, check=True)
    reports = json.loads(completed.stdout)
    assert [(r["mode"], r["workers"]) for r in reports] == [("local --jobs 1", 1), ("local --jobs 2", 2),
                                                             ("LocalCluster", 1)]
    assert all(r["identical_to_jobs_1"] for r in reports[1:])
    cluster = reports[2]
    assert cluster["market_phase_s"] > 0 and cluster["client_alone_s"] > 0 and len(cluster["cpu_workers_s"]) == 1
