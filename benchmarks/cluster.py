"""Benchmark: the same full build on a Dask cluster of 1, 2 … workers, beside the local build.

    python benchmarks/cluster.py                          # 100,000 SKUs: --jobs 1, --jobs 2, LocalCluster 1 and 2
    python benchmarks/cluster.py --skus 20000 --workers 1,2,4 --repeat 3   # the fastest of 3 each
    python benchmarks/cluster.py --scheduler tcp://HOST:8786 --root /shared/bench   # a real cluster, shared folder

Each cluster size gets a LocalCluster of its own (worker processes of one thread each, on
127.0.0.1), started and warmed up (feedgen imported on every worker) before the clock starts, so
the time is a build's, not the cluster's start. Per build it prints the wall time split into what
the client does alone (load and check the inputs before the markets, then the channels' finish,
manifest, report and the publish after them) and the market phase (every market built, on the
workers), the sum of the markets' own work (resolve + channels + pages, as the workers timed it),
and the peak memory of this process tree (the LocalCluster's workers are its children). Every
build's output is compared byte for byte with the local --jobs 1 build.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from memory import TreeMemory  # noqa: E402
from synthetic import write_project  # noqa: E402

from feedgen.config.markets import Market  # noqa: E402
from feedgen.pipeline.build import BuildRequest, run  # noqa: E402
from feedgen.pipeline.cluster import ClusterRunner, connect  # noqa: E402
from feedgen.pipeline.market_build import MarketBuild, MarketJob, MarketRunner  # noqa: E402

AS_OF = "2026-11-22"
MARKET_STAGES = ("resolve", "google", "meta", "amazon", "pinterest", "tiktok", "pages")


class Clocked:
    """A runner that notes when its market phase starts and ends (the client waits meanwhile)."""

    def __init__(self, runner: MarketRunner) -> None:
        self.runner = runner
        self.seconds = 0.0

    def __call__(self, job: MarketJob, markets: list[Market], progress: Callable[[str], None]) -> Iterator[MarketBuild]:
        started = time.perf_counter()
        try:
            yield from self.runner(job, markets, progress)
        finally:
            self.seconds = time.perf_counter() - started


def best_build(repeat: int, data: Path, out: Path, label: str, workers: int, runner: MarketRunner | None = None,
               jobs: int | None = None) -> dict:
    """The fastest of `repeat` first builds into an empty `out` (a shared machine's other load only
    ever adds time, so the minimum is the closest to the build's own cost)."""
    reports = []
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        reports.append(one_build(data, out, label, workers, runner, jobs))
    best = min(reports, key=lambda report: report["wall_s"])
    best["walls_s"] = [report["wall_s"] for report in reports]
    return best


def one_build(data: Path, out: Path, label: str, workers: int, runner: MarketRunner | None = None,
              jobs: int | None = None) -> dict:
    from datetime import date

    clocked = Clocked(runner) if runner is not None else None
    request = BuildRequest(data_dir=data, out=out, as_of=date.fromisoformat(AS_OF), jobs=jobs, incremental=False,
                           runner=clocked)
    client = runner.client if isinstance(runner, ClusterRunner) else None
    workers_before = client.run(cpu_seconds) if client is not None else {}
    own_before = cpu_seconds()
    with TreeMemory() as memory:
        started = time.perf_counter()
        result = run(request)
        wall = time.perf_counter() - started
    own = cpu_seconds() - own_before
    worker_cpu = {address: seconds - workers_before.get(address, 0.0)
               for address, seconds in (client.run(cpu_seconds) if client is not None else {}).items()}
    work = sum(seconds for stage, seconds in result.timings.items() if stage in MARKET_STAGES)
    report = {"mode": label, "workers": workers, "out": str(out), "wall_s": round(wall, 2),
              "load_s": round(result.timings.get("load", 0.0), 2),
              "release_publish_s": round(result.timings.get("release", 0.0) + result.timings.get("publish", 0.0), 2),
              "market_work_s": round(work, 2), "peak_pss_mb": memory.report()["tree_pss_mb"]}
    if clocked is not None:
        report["market_phase_s"] = round(clocked.seconds, 2)
        report["client_alone_s"] = round(wall - clocked.seconds, 2)
    if worker_cpu:  # CPU seconds do not grow when other programs share the cores; wall seconds do
        report["cpu_client_s"] = round(own, 2)
        report["cpu_workers_s"] = sorted(round(seconds, 2) for seconds in worker_cpu.values())
    return report


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far (on a worker: the worker process's)."""
    times = os.times()
    return times.user + times.system


def same_tree(a: Path, b: Path) -> bool:
    comparison = filecmp.dircmp(a, b)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, comparison.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(a / d, b / d) for d in comparison.common_dirs)


def warm(client) -> None:
    """Import feedgen on every worker, as a long-running cluster would have done already."""
    client.run(lambda: __import__("feedgen.pipeline.cluster"))


def measure(skus: int, sizes: list[int], scheduler: str | None, root: Path | None, repeat: int = 1) -> list[dict]:
    owned = root is None
    root = Path(tempfile.mkdtemp(prefix="feedgen-cluster-bench-")) if root is None else root
    try:
        data = root / "product_data"
        if not (data / "catalogue.csv").is_file():
            write_project(data, skus, REPO / "product_data")
        reference = root / "out-local-1"
        reports = [best_build(repeat, data, reference, "local --jobs 1", 1, jobs=1),
                   best_build(repeat, data, root / "out-local-2", "local --jobs 2", 2, jobs=2)]
        if scheduler:
            client = connect(scheduler)
            warm(client)
            workers = len(client.scheduler_info()["workers"])
            reports.append(best_build(repeat, data, root / "out-cluster", f"cluster {scheduler}", workers,
                                      ClusterRunner(client, scheduler)))
            client.close()
        else:
            from distributed import LocalCluster

            for size in sizes:
                with LocalCluster(n_workers=size, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0", memory_limit=0) as cluster:
                    client = connect(cluster.scheduler_address)
                    warm(client)
                    reports.append(best_build(repeat, data, root / f"out-cluster-{size}", "LocalCluster", size,
                                              ClusterRunner(client, cluster.scheduler_address)))
                    client.close()
        for report in reports:
            out = Path(report.pop("out"))
            if out != reference:
                report["identical_to_jobs_1"] = same_tree(reference, out)
        return reports
    finally:
        if owned:
            shutil.rmtree(root, ignore_errors=True)


def print_table(skus: int, reports: list[dict]) -> None:
    print(f"\n{skus:,} SKUs × 8 markets, full build into an empty output, fastest of {len(reports[0]['walls_s'])}\n")
    print("| build | workers | wall s | client alone s (load; release + publish) | market phase s "
          "| markets' own work s | peak memory MiB (PSS) | bytes = --jobs 1 |")
    print("|---|---:|---:|---|---:|---:|---:|---|")
    for r in reports:
        alone = f"{r['client_alone_s']} ({r['load_s']}; {r['release_publish_s']})" if "client_alone_s" in r else \
            f"({r['load_s']}; {r['release_publish_s']})"
        print(f"| {r['mode']} | {r['workers']} | {r['wall_s']} | {alone} | {r.get('market_phase_s', '')} "
              f"| {r['market_work_s']} | {r['peak_pss_mb']} | {r.get('identical_to_jobs_1', 'reference')} |")
    print("\nall wall times: " + "; ".join(f"{r['mode']} {r['workers']}: {r['walls_s']}" for r in reports))
    for r in reports:
        if "cpu_workers_s" in r:
            print(f"CPU seconds, {r['mode']} of {r['workers']}: client (with the LocalCluster's scheduler) "
                  f"{r['cpu_client_s']}, workers {r['cpu_workers_s']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2", help="LocalCluster sizes, comma-separated")
    parser.add_argument("--scheduler", help="an existing cluster instead (then --root must be a shared folder)")
    parser.add_argument("--root", type=Path, help="where the project and the outputs go (kept)")
    parser.add_argument("--repeat", type=int, default=1, help="builds per configuration; the fastest is reported")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.scheduler and args.root is None:
        parser.error("--scheduler needs --root: a folder the workers see at the same path")
    reports = measure(args.skus, [int(n) for n in args.workers.split(",")], args.scheduler, args.root, args.repeat)
    if args.json:
        print(json.dumps(reports))
    else:
        print_table(args.skus, reports)


if __name__ == "__main__":
    main()
