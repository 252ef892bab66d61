"""Benchmark: a full build of a synthetic catalogue for all markets and channels.

    python benchmarks/run.py                      # 100,000 SKUs x 8 markets, --jobs = CPU count
    python benchmarks/run.py --sizes 50000,100000,200000
    python benchmarks/run.py --skus 1000 --json   # what the smoke test runs

Prints the wall time of the build and the seconds per stage (summed over the worker processes
when markets run in parallel), items per second per channel, peak memory of the whole process
tree (sampled PSS, see memory.py) and getrusage's per-process peaks, output sizes, the time of
a second build with nothing changed (incremental), and the Google writer's throughput as a ratio
of a hand-written minimal writer (benchmarks/floor.py) over the same items. Each size runs in its
own process so its memory is measured alone.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from floor import write_floor  # noqa: E402
from machine import MachineCost  # noqa: E402
from memory import TreeMemory, growth_of  # noqa: E402
from synthetic import write_project  # noqa: E402

from feedgen.pipeline.build import BuildRequest, load_sources, run  # noqa: E402
from feedgen.pipeline.parallel import default_jobs  # noqa: E402
from feedgen.pipeline.slices import SLICE_SKUS  # noqa: E402
from feedgen.channels.google import G, GoogleChannel, item_fields  # noqa: E402
from feedgen.channels import CHANNELS  # noqa: E402
from feedgen.channels.xmlout import ColumnSerialiser  # noqa: E402
from feedgen.publish.stage import Stage  # noqa: E402
from feedgen.resolve.offers import resolve  # noqa: E402

AS_OF = date(2026, 11, 22)


def google_floor_ratio(data_dir: Path, market_id: str = "DE", repeats: int = 3) -> dict:
    """Our Google writer vs the hand-written floor on the same prepared items (best of `repeats`)."""
    sources = load_sources(BuildRequest(data_dir=data_dir, as_of=AS_OF))
    market = sources.config.markets[market_id]
    market_offers = resolve(sources, market)
    channel = GoogleChannel(sources.config)
    items, _ = channel.prepare(market_offers, market_offers.offers["sku"].isna())
    ours, floor = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        write_floor(io.BytesIO(), items, market)
        floor.append(time.perf_counter() - started)
        started = time.perf_counter()
        ColumnSerialiser(G, "g").write_items(io.BytesIO(), item_fields(items, market), len(items))
        ours.append(time.perf_counter() - started)
    return {"items": len(items), "ours_s": min(ours), "floor_s": min(floor), "ratio": min(floor) / min(ours)}


def writer_growth(data_dir: Path, market_id: str = "DE", shares: tuple[float, ...] = (0.25, 0.5, 1.0)) -> dict:
    """How much memory each channel's writer adds while it writes a quarter, half and all of one
    market's items (same items frame each time): streaming writers stay flat as the file grows."""
    sources = load_sources(BuildRequest(data_dir=data_dir, as_of=AS_OF))
    market = sources.config.markets[market_id]
    market_offers = resolve(sources, market)
    blocked = market_offers.offers["sku"].isna()
    stage = Stage(data_dir.parent / "writer-growth", sources.config.project.brand, scratch=True)
    report: dict = {}
    try:
        for name in sorted(set(market.channels) & set(CHANNELS)):
            channel = CHANNELS[name](sources.config)
            channel.use_inputs({file: data_dir / file for file in channel.inputs if (data_dir / file).is_file()}, AS_OF)
            items, _ = channel.prepare(market_offers, blocked)
            if len(items) < len(shares) * 10:  # a few promotions or reviews: no file size to grow
                continue
            rows = {}
            for share in shares:
                part = items.iloc[: int(len(items) * share)]
                rows[len(part)] = growth_of(lambda: channel.write(part, market_offers, stage))
            report[name] = rows
    finally:
        stage.discard()
    return report


def measure(skus: int, jobs: int | None, keep: Path | None, build_only: bool = False,
            slice_skus: int | None = SLICE_SKUS) -> dict:
    """One size. `build_only`: just the build (wall, stages, memory), for sizes where the extras (a second
    build, the floor and writer measurements, which resolve a whole market in one process) cost more than
    the build itself."""
    root = Path(tempfile.mkdtemp(prefix="feedgen-bench-"))
    try:
        data = root / "product_data"
        started = time.perf_counter()
        count = write_project(data, skus, REPO / "product_data")
        generated = time.perf_counter() - started
        request = BuildRequest(data_dir=data, out=root / "output", as_of=AS_OF, jobs=jobs, slice_skus=slice_skus)
        timeline = os.environ.get("FEEDGEN_BENCH_TIMELINE")
        with TreeMemory(timeline=Path(timeline) if timeline else None) as memory, MachineCost() as cost:
            started = time.perf_counter()
            result = run(request)
            wall = time.perf_counter() - started
        started = time.perf_counter()
        again = None if build_only else run(request)  # nothing changed: every output is taken over
        incremental = time.perf_counter() - started
        items: dict[str, int] = {}
        for artifact in result.artifacts:
            items[artifact.channel] = items.get(artifact.channel, 0) + artifact.items
        sizes = {
            channel: sum(p.stat().st_size for p in (root / "output" / channel).rglob("*") if p.is_file())
            for channel in items
        }
        feeds = sum(n for channel, n in items.items() if channel != "pages")
        written = sum(p.stat().st_size for p in (root / "output").rglob("*") if p.is_file())
        report = {
            "skus": count,
            "jobs": jobs or default_jobs(),
            "generate_s": round(generated, 2),
            "wall_s": round(wall, 2),
            "feed_items_per_s": round(feeds / wall),
            "stages_s": {stage: round(seconds, 2) for stage, seconds in result.timings.items()},
            "items": items,
            "items_per_s": {c: round(n / result.timings[c]) for c, n in items.items() if result.timings.get(c)},
            "output_mb": {c: round(b / 2**20, 1) for c, b in sizes.items()},
            "memory": memory.report(),
            "machine": cost.report(written, wall),
            "peak_rss_mb": memory.report()["tree_pss_mb"] or memory.report()["parent_rss_mb"],
            "errors": result.diagnostics.errors,
            "slice_skus": slice_skus,
        }
        if not build_only:
            report.update({
                "incremental_s": round(incremental, 2),
                "incremental_reused": len(again.reused) if again else 0,
                "incremental_share": round(incremental / wall, 4),
                "google_floor": {k: round(v, 3) if isinstance(v, float) else v
                                 for k, v in google_floor_ratio(data).items()},
                "writer_growth_mb": writer_growth(data),
            })
        if keep:
            shutil.copytree(root / "output", keep, dirs_exist_ok=True)
        return report
    finally:
        shutil.rmtree(root, ignore_errors=True)


def print_report(report: dict) -> None:
    memory = report["memory"]
    print(f"\n{report['skus']:,} SKUs × 8 markets, --jobs {report['jobs']}: {report['wall_s']} s wall "
          f"({report['feed_items_per_s']:,} feed items/s), peak memory {memory['tree_pss_mb']} MiB PSS "
          f"(process tree; RSS sum {memory['tree_rss_sum_mb']} MiB, parent PSS {memory.get('parent_pss_mb')} MiB, "
          f"parent RSS {memory['parent_rss_mb']} MiB, largest worker {memory['largest_worker_rss_mb']} MiB; "
          f"slices of {report.get('slice_skus')} SKUs)")
    machine = report["machine"]
    print(f"  CPU {machine['cpu_s']} s (user + system, build and workers); stalled on I/O: all tasks "
          f"{machine['io_full_s']} s, some task {machine['io_some_s']} s (system-wide PSI); wrote "
          f"{machine['written_mb']:,} MiB at {machine['written_mb_per_s']} MiB/s")
    print("  stage seconds (summed over workers): " + ", ".join(f"{k} {v}" for k, v in report["stages_s"].items()))
    for channel, rate in report["items_per_s"].items():
        print(f"  {channel:7} {report['items'][channel]:>9,} items  {rate:>9,} items/s  {report['output_mb'][channel]:>8} MiB")
    if "google_floor" not in report:  # --build-only
        return
    floor = report["google_floor"]
    print(f"  google writer vs hand-written floor ({floor['items']:,} items): ours {floor['ours_s']} s, "
          f"floor {floor['floor_s']} s, ratio {floor['ratio']}")
    for channel, rows in report["writer_growth_mb"].items():
        print(f"  {channel} writer adds " + ", ".join(f"{mb} MiB for {int(n):,} items" for n, mb in rows.items())
              + " (one market; flat = streaming)")
    print(f"  rebuild with nothing changed: {report['incremental_s']} s = {report['incremental_share']:.1%} of the "
          f"full build ({report['incremental_reused']} files taken over)")


def print_table(reports: list[dict]) -> None:
    """The README's Performance table: one row per catalogue size."""
    print("\n| SKUs | markets | jobs | wall s | feed items/s | Google items/s | Meta items/s | Amazon items/s "
          "| peak memory MiB | Google vs floor | no-change rebuild |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in reports:
        rates = r["items_per_s"]
        extras = (f"{r['google_floor']['ratio']}× | {r['incremental_s']} s ({r['incremental_share']:.1%})"
                  if "google_floor" in r else "– | –")
        print(f"| {r['skus']:,} | 8 | {r['jobs']} | {r['wall_s']} | {r['feed_items_per_s']:,} | {rates.get('google', 0):,} "
              f"| {rates.get('meta', 0):,} | {rates.get('amazon', 0):,} | {r['peak_rss_mb']} | {extras} |")
    reports = [r for r in reports if "writer_growth_mb" in r]
    print("\n| SKUs | items written (one market) | Google writer adds MiB | Meta writer adds MiB | Amazon writer adds MiB |")
    print("|---:|---|---|---|---|")
    for r in reports:
        growth = r["writer_growth_mb"]
        counts = " / ".join(f"{int(n):,}" for n in growth["google"])
        print(f"| {r['skus']:,} | {counts} | " + " | ".join(
            " / ".join(str(mb) for mb in growth.get(channel, {}).values()) for channel in ("google", "meta", "amazon")) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--sizes", help="comma-separated SKU counts, each measured in its own process")
    parser.add_argument("--jobs", type=int, help="markets built in parallel processes (default: the CPU count)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--keep", type=Path, help="copy the output here for inspection")
    parser.add_argument("--build-only", action="store_true",
                        help="measure the build alone (no second build, floor or writer measurements): for 1M SKUs")
    parser.add_argument("--slice-skus", type=int, default=SLICE_SKUS, help="catalogue rows a market is built in at a time")
    args = parser.parse_args()
    if args.sizes:
        reports = []
        for size in (int(s) for s in args.sizes.split(",")):
            command = [sys.executable, __file__, "--skus", str(size), "--json"]
            if args.jobs is not None:
                command += ["--jobs", str(args.jobs)]
            command += ["--slice-skus", str(args.slice_skus)] + (["--build-only"] if args.build_only else [])
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            reports.append(json.loads(output))
        for report in reports:
            print(json.dumps(report) if args.json else "", end="")
            if not args.json:
                print_report(report)
        if not args.json:
            print_table(reports)
        return
    report = measure(args.skus, args.jobs, args.keep, args.build_only, args.slice_skus)
    if args.json:
        print(json.dumps(report))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
