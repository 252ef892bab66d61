"""Markets built in parallel processes (--jobs): the same bytes as a serial build, errors intact."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from feedgen.errors import InputError
from feedgen.pipeline.parallel import run_all

from .publishing_helpers import build, leftovers, snapshot


def square(number: int, progress) -> int:
    progress(f"squaring {number}")
    if number == 13:
        raise InputError("numbers.csv", "thirteen is not allowed", row=13, column="n")
    if number == 66:
        os._exit(3)  # a worker that dies without a word
    return number * number


@pytest.mark.parametrize("jobs", [1, 2, 5])
def test_results_come_back_in_order_with_their_progress(jobs: int) -> None:
    messages: list[str] = []
    assert list(run_all(square, list(range(8)), jobs, messages.append)) == [n * n for n in range(8)]
    assert sorted(messages) == sorted(f"squaring {n}" for n in range(8))


def test_an_input_error_in_a_worker_reaches_the_build_as_it_was() -> None:
    with pytest.raises(InputError) as caught:
        list(run_all(square, [1, 2, 13, 4], 2, lambda message: None))
    assert caught.value.one_line() == "numbers.csv, row 13, column n: thirteen is not allowed"


def frozen_objects(number: int, progress) -> int:
    return gc.get_freeze_count()


def test_workers_leave_the_parents_objects_to_the_parent() -> None:
    """gc.freeze() before the fork (Python's gc docs, "If a process will fork() without exec()"): a worker's
    collections never walk the objects it shares with the parent, so they are not copied into it page by
    page; the parent unfreezes its own once the workers have forked."""
    shared = [[number] for number in range(10_000)]  # objects the gc tracks, alive across the fork
    counts = list(run_all(frozen_objects, [1, 2, 3], 2, lambda message: None))
    assert all(count >= len(shared) for count in counts)
    assert gc.get_freeze_count() == 0


def test_a_worker_that_dies_fails_the_build() -> None:
    with pytest.raises(RuntimeError, match="worker died"):
        list(run_all(square, [1, 66, 3], 2, lambda message: None))


@pytest.mark.parametrize("layout", ["localized", "per_market"])
def test_parallel_and_serial_builds_are_byte_identical(project: Path, layout: str) -> None:
    """The sample project: translations, landing pages, Meta's cross-market files, Amazon."""
    if layout == "per_market":
        markets = project / "product_data" / "markets.toml"
        markets.write_text(markets.read_text(encoding="utf-8").replace('layout = "localized"', 'layout = "per_market"'),
                           encoding="utf-8")
    serial, parallel = project / "serial", project / "parallel"
    one = build(project, "--jobs", "1", "--report", str(project / "serial.json"), out=serial)
    three = build(project, "--jobs", "3", "--report", str(project / "parallel.json"), out=parallel)
    assert one.exit_code == three.exit_code == 0, three.output
    assert snapshot(serial) == snapshot(parallel)
    assert (project / "serial.json").read_text() == (project / "parallel.json").read_text()
    assert "writing google US" in three.output  # progress from the workers reaches the terminal


def test_an_error_in_one_market_stops_the_whole_build(project: Path) -> None:
    assert build(project, "--jobs", "2").exit_code == 0
    before = snapshot(project / "output")
    markets = project / "product_data" / "markets.toml"
    markets.write_text(markets.read_text(encoding="utf-8").replace('language_tag = "en_US"', 'language_tag = "xx_XX"'),
                       encoding="utf-8")
    failed = build(project, "--jobs", "2")
    assert failed.exit_code == 2 and "no Amazon age range / department values for 'xx_XX'" in failed.output
    assert snapshot(project / "output") == before
    assert leftovers(project) == []
