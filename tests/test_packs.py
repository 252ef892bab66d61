"""feedgen.packs: sorted SKU lists in files, known by a digest, copied into and read back from the state file."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import feedgen.packs
from feedgen.columns import SKU_SEPARATOR, pack_skus
from feedgen.packs import PackError, PackRuns, SkuPack, write_pack
from feedgen.pipeline.incremental import BuildState, Part
from feedgen.publish.manifest import STATE

# any text but the separator, which the catalogue never lets into a SKU: quotes, backslashes, line breaks, emoji
SKU = st.text(st.characters(blacklist_characters=SKU_SEPARATOR, blacklist_categories=("Cs",)), min_size=1, max_size=12)


def runs_of(skus: list[str], cuts: list[int]) -> list[str]:
    """The SKUs cut into runs at `cuts`, each run sorted and packed, as a market's slices hand them over."""
    bounds = [0, *sorted(cut % (len(skus) + 1) for cut in cuts), len(skus)]
    return [pack_skus(sorted(skus[start:stop])) for start, stop in zip(bounds, bounds[1:])]


@settings(max_examples=60, deadline=None)
@given(st.lists(SKU, unique=True, max_size=60), st.lists(st.integers(0, 60), max_size=6),
       st.lists(st.integers(0, 60), max_size=6))
def test_a_pack_is_the_sorted_skus_whatever_the_runs(skus: list[str], cuts: list[int], other_cuts: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder, \
            mock.patch.object(feedgen.packs, "_BLOCK", 5), mock.patch.object(feedgen.packs, "_BATCH", 3):
        pack = write_pack(Path(folder), runs_of(skus, cuts))
        text = SKU_SEPARATOR.join(sorted(skus))
        assert pack.text() == text and list(pack.skus()) == sorted(skus) and pack.count == len(skus)
        assert pack.digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert pack.size == pack.path.stat().st_size and json.loads(pack.path.read_bytes()) == text
        again = write_pack(Path(folder), runs_of(list(reversed(skus)), other_cuts))
        assert again == pack and again.path == pack.path  # the same SKUs: the same digest, one file


@settings(max_examples=60, deadline=None)
@given(st.lists(SKU, unique=True, max_size=60), st.lists(st.integers(0, 60), max_size=6), st.booleans())
def test_runs_put_on_disk_as_they_come_make_the_same_pack(skus: list[str], cuts: list[int], in_order: bool) -> None:
    """A worker's Meta writer hands each slice's sorted SKUs to PackRuns: in SKU order (slices are) the pack is the
    runs' text in order, else they are merged; either way the pack write_pack makes of the same runs."""
    ordered = sorted(skus)
    runs = runs_of(ordered if in_order else skus, cuts)
    with tempfile.TemporaryDirectory() as folder, mock.patch.object(feedgen.packs, "_BATCH", 3):
        spool = PackRuns(Path(folder))
        for run in runs:
            spool.add(run)
        pack = spool.write()
        assert pack == write_pack(Path(folder), runs) and pack.text() == SKU_SEPARATOR.join(ordered)
        assert pack.count == len(skus) and json.loads(pack.path.read_bytes()) == pack.text()
        assert not spool.path.exists()  # the runs' file goes once the pack is written
        assert spool.ordered or not in_order  # no merge for slices in SKU order


def test_overlapping_runs_are_merged(tmp_path: Path) -> None:
    spool = PackRuns(tmp_path)
    for run in ("B\0D", "", "A\0C"):
        spool.add(run)
    assert not spool.ordered
    assert spool.write().text() == "A\0B\0C\0D"


def test_no_skus_is_an_empty_pack(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, ["", ""])
    assert pack.count == 0 and pack.text() == "" and list(pack.skus()) == []
    assert pack != write_pack(tmp_path, ["A"])


def test_a_pack_that_no_longer_matches_its_digest_is_refused(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, ["A\0B"])
    pack.path.write_bytes(pack.path.read_bytes().replace(b"B", b"C"))
    with pytest.raises(PackError, match="does not match its digest"):
        pack.text()
    with pytest.raises(PackError, match="cut short"):
        SkuPack(pack.digest, 2, pack.path, 0, pack.size + 10).copy_to(io.BytesIO())


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(SKU, unique=True, max_size=20), min_size=1, max_size=4))
def test_packs_go_through_the_state_file_unchanged(lists: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        scratch, out = Path(folder) / "scratch", Path(folder) / "out"
        out.mkdir()
        packs = [write_pack(scratch, [pack_skus(sorted(skus))]) for skus in lists]
        state = BuildState(key="k", markets={f"M{n}": ("key", {"meta": Part(state={"ids": pack, "main_ids": None})})
                                             for n, pack in enumerate(packs)})
        with (out / STATE).open("wb") as handle:
            state.write(handle)
        document = json.loads((out / STATE).read_bytes())  # one JSON document
        assert len(document["skus"]) == len({pack.digest for pack in packs})  # each list once
        read = BuildState.read(out)
        assert read is not None
        for n, pack in enumerate(packs):
            stored = read.markets[f"M{n}"][1]["meta"].state
            assert stored["ids"] == pack and stored["ids"].text() == pack.text() and stored["main_ids"] is None
        # written again from the state file itself (a build that reuses every market): the same bytes
        with (out / "again.json").open("wb") as handle:
            read.write(handle)
        assert (out / "again.json").read_bytes() == (out / STATE).read_bytes()
