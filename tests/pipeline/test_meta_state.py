"""Meta's per-market SKU state, kept in files (feedgen.packs) and in the incremental-state file, still gives exactly
the right `meta.override.not_in_main` warnings: in a parallel build in slices, in builds that reuse the main market
or another market, and after an old-format state file.

The warning's definition (Meta, "Localized Catalog Setup": an override row whose id is not in the main feed is
ignored; SPECS.md Part A §2.3) is checked against the written feeds themselves: an active row of a country feed whose
id main.csv lacks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedgen.packs import SkuPack
from feedgen.pipeline.build import BuildRequest, BuildResult, run
from feedgen.pipeline.incremental import BuildState
from feedgen.publish.manifest import STATE
from feedgen.publish.stage import SCRATCH

from ..channels.feeds import meta_rows
from ..conftest import AS_OF, copy_sample

LEFT_OUT_OF_MAIN = ("AS-1001-BRN-36", "AS-1001-BRN-37")  # excluded from Meta in GB, the default market
LEFT_OUT_OF_SE = "AS-1001-BRN-38"  # excluded from Meta in SE only: SE differs from main, yet has no orphan


def exclusion(name: str, skus: tuple[str, ...], market: str) -> str:
    listed = ", ".join(f"'{sku}'" for sku in skus)
    return (f'\n[[rule]]\nname = "{name}"\nwhen = "sku in [{listed}]"\nmarkets = ["{market}"]\nchannels = ["meta"]\n'
            "exclude = true\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = copy_sample(tmp_path / "project")
    rules = root / "product_data" / "rules.toml"
    rules.write_text(rules.read_text(encoding="utf-8") + exclusion("Not in main", LEFT_OUT_OF_MAIN, "GB")
                     + exclusion("Not in SE", (LEFT_OUT_OF_SE,), "SE"), encoding="utf-8")
    return root


def build(project: Path, **options) -> BuildResult:
    request = {"data_dir": project / "product_data", "out": project / "output", "as_of": AS_OF, "channels": ["meta"],
               "pages": False, "jobs": 2, "slice_skus": 50, **options}
    return run(BuildRequest(**request))


def warned(result: BuildResult) -> list[tuple[str, str]]:
    """(sku, market) of every not_in_main warning, in report order."""
    found = [d for d in result.diagnostics if d.rule_id == "meta.override.not_in_main"]
    assert all(d.severity == "warning" and d.channel == "meta" and d.field == "id" for d in found)
    return [(d.sku, d.market) for d in found]


def orphans(out: Path) -> set[tuple[str, str]]:
    """What the warning means, read off the feeds: active override rows whose id main.csv does not have."""
    main = set(meta_rows(out / "meta" / "main.csv"))
    found = set()
    for path in (out / "meta").glob("country-*.csv"):
        market = path.stem.removeprefix("country-").upper()
        found |= {(sku, market) for sku, row in meta_rows(path).items() if row["status"] == "active" and sku not in main}
    return found


def rebuilt(result: BuildResult) -> set[str]:
    return {a.path for a in result.artifacts if a.path not in result.reused}


def set_shipping(project: Path, old: str, new: str) -> None:
    markets = project / "product_data" / "markets.toml"
    text = markets.read_text(encoding="utf-8")
    assert old in text
    markets.write_text(text.replace(old, new), encoding="utf-8")


def test_the_warnings_survive_slices_workers_and_reuse(project: Path) -> None:
    out = project / "output"
    first = build(project)
    expected = orphans(out)
    assert {(sku, market) for sku in LEFT_OUT_OF_MAIN for market in ("SE", "DE", "US")} <= expected
    assert not any(sku == LEFT_OUT_OF_SE for sku, _ in expected)
    assert sorted(warned(first)) == sorted(expected) and len(warned(first)) == len(expected)
    whole = build(project, jobs=1, slice_skus=None, incremental=False)  # one process, one slice
    assert warned(whole) == warned(first)
    assert not (out / SCRATCH).exists()  # the packs' folder is never published

    # SE built again; the main market and the rest reused: their SKUs come from the state file
    set_shipping(project, 'service = "PostNord MyPack", price = 69', 'service = "PostNord MyPack", price = 59')
    se = build(project)
    assert "meta/country-se.csv" in rebuilt(se) and "meta/main.csv" not in rebuilt(se)
    assert warned(se) == warned(first)

    # the main market built again; SE (which differs from main) and the rest reused
    set_shipping(project, 'service = "Royal Mail Tracked 48", price = 3.95', 'service = "Royal Mail Tracked 48", price = 3.49')
    gb = build(project)
    assert "meta/main.csv" in rebuilt(gb) and "meta/country-se.csv" not in rebuilt(gb)
    assert warned(gb) == warned(first)

    nothing = build(project)  # everything reused: the catalogue is not even read
    assert not rebuilt(nothing) and warned(nothing) == warned(first)
    assert orphans(out) == expected


def test_the_state_file_holds_each_sku_list_once_and_reads_back(project: Path) -> None:
    build(project)
    path = project / "output" / STATE
    document = json.loads(path.read_text(encoding="utf-8"))  # one JSON document, as before
    assert document["format"] == 2 and len(document["skus"]) == len(document["packs"])
    state = BuildState.read(project / "output")
    assert state is not None
    meta = {market: parts["meta"].state for market, (_, parts) in state.markets.items() if "meta" in parts}
    assert all(isinstance(ids, SkuPack) for entry in meta.values() for ids in entry.values() if ids is not None)
    # markets that accept what main has share main's pack: 3 distinct lists (main, SE, the rest)
    assert len(document["packs"]) == len({entry["ids"].digest for entry in meta.values()} | {meta["GB"]["main_ids"].digest})
    main = meta["GB"]["main_ids"].text().split("\0")
    assert main == sorted(main) and not set(LEFT_OUT_OF_MAIN) & set(main) and len(main) == meta["GB"]["main_ids"].count
    assert LEFT_OUT_OF_SE not in meta["SE"]["ids"].text().split("\0") and LEFT_OUT_OF_SE in main


def test_a_cut_short_state_file_is_ignored(project: Path) -> None:
    first = build(project)
    path = project / "output" / STATE
    path.write_bytes(path.read_bytes()[:-10])
    assert BuildState.read(project / "output") is None
    again = build(project)
    assert not again.reused and warned(again) == warned(first)


def old_format(path: Path, inline) -> None:
    """Rewrite a state file as feedgen wrote it before the packs (format 1): one line, SKU lists inline."""
    document = json.loads(path.read_text(encoding="utf-8"))
    texts = dict(zip((digest for digest, _, _ in document.pop("packs")), document.pop("skus"), strict=True))

    def unpack(value):
        if isinstance(value, dict):
            return inline(texts[value["sku_pack"]]) if "sku_pack" in value else {k: unpack(v) for k, v in value.items()}
        return [unpack(v) for v in value] if isinstance(value, list) else value
    document = unpack(document)
    document["format"] = 1
    path.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n",
                    encoding="utf-8")


@pytest.mark.parametrize("inline", [lambda text: text, lambda text: text.split("\0")], ids=["sku_text", "sku_list"])
def test_an_old_format_state_file_is_ignored_cleanly(project: Path, inline) -> None:
    first = build(project)
    old_format(project / "output" / STATE, inline)
    assert BuildState.read(project / "output") is None
    again = build(project)
    assert not again.reused  # nothing taken over from a state it cannot read: a full build
    assert warned(again) == warned(first)
    assert BuildState.read(project / "output") is not None  # and the state is in the new format again
