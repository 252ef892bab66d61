"""The benchmark must not rot: run it on 1,000 SKUs (no timing assertions, only that it works)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_benchmark_runs_on_a_small_catalogue() -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--skus", "1000", "--json"],
        capture_output=True, text=True, timeout=600, check=True,
    )
    report = json.loads(completed.stdout)
    assert report["skus"] == 1000
    assert report["errors"] == 0
    assert report["items"]["google"] == 8000  # one item per SKU in each of the 8 markets
    assert set(report["stages_s"]) >= {"load", "resolve", "google", "meta", "amazon", "publish"}
    assert report["google_floor"]["items"] == 1000 and report["google_floor"]["ratio"] > 0
    assert report["peak_rss_mb"] > 0 and report["memory"]["parent_rss_mb"] > 0
    assert report["items"]["pages"] > 0  # the synthetic project has landing pages too
    assert report["incremental_reused"] > 0  # the second build took the unchanged outputs over
    growth = report["writer_growth_mb"]  # every channel of the measured market, at three sizes
    assert set(growth) == {"google", "meta", "amazon", "pinterest", "tiktok"}  # the channels with one item per SKU
    assert all(len(rows) == 3 and all(mb is None or mb >= 0 for mb in rows.values()) for rows in growth.values())
    machine = report["machine"]  # the build's CPU seconds (workers included) and what it wrote
    assert machine["cpu_s"] > 0
    assert machine["written_mb"] >= sum(report["output_mb"].values())
    assert machine["written_mb_per_s"] > 0


def test_io_stall_totals_reads_the_kernels_pressure_file() -> None:
    """The format of /proc/pressure/io (Documentation/accounting/psi.rst): `total=` is microseconds."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from machine import io_stall_totals
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    text = ("some avg10=1.11 avg60=2.10 avg300=2.08 total=2033876961\n"
            "full avg10=1.03 avg60=1.54 avg300=1.46 total=607541528\n")
    assert io_stall_totals(text) == {"some": 2033.876961, "full": 607.541528}
