"""A market built a slice of the catalogue at a time (issue #19, feedgen.pipeline.slices).

Memory follows the slice, so the one thing slicing must never change is the output: every test here
builds the same project whole (`slice_skus=None`) and in slices of a few SKUs and compares every byte,
including the files that depend on the whole market (Amazon's 25,000-message split, its withdrawals,
Meta's override and language feeds, counts in diagnostics).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedgen.diagnostics import Diagnostics
from feedgen.errors import InputError
from feedgen.pipeline.build import BuildRequest, _load_sources, load_sources, run
from feedgen.pipeline.slices import catalogue_slices
from tests.helpers import AS_OF

STATE = ".feedgen-state.json"  # holds the diagnostics in the order they were found, not output


def keys(skus: list[str], styles: list[str], size: int | None) -> list[list[str]]:
    return [list(pd.Series(skus).iloc[rows]) for rows in catalogue_slices(pd.Series(skus), pd.Series(styles), size)]


def test_a_slice_holds_whole_styles_in_sku_order() -> None:
    skus = ["B-2", "A-1", "A-2", "B-1", "C-1", "C-2", "D-1"]
    styles = ["B", "A", "A", "B", "C", "C", "D"]
    assert keys(skus, styles, 2) == [["A-1", "A-2"], ["B-1", "B-2"], ["C-1", "C-2"], ["D-1"]]
    assert keys(skus, styles, 3) == [["A-1", "A-2", "B-1", "B-2"], ["C-1", "C-2", "D-1"]]  # cut at the next style edge


def test_styles_that_interleave_in_sku_order_are_never_cut_apart() -> None:
    assert keys(["1", "2", "3", "4", "5"], ["A", "B", "A", "B", "C"], 1) == [["1", "2", "3", "4"], ["5"]]


def test_a_cut_keeps_amazons_style_order_too() -> None:
    """Amazon lists by style, then SKU: a cut is only made where every style before it sorts first."""
    assert keys(["1", "2", "3"], ["Z", "A", "B"], 1) == [["1", "2", "3"]]
    assert keys(["1", "2", "3"], ["A", "Z", "B"], 1) == [["1"], ["2", "3"]]


def test_no_size_or_a_small_catalogue_is_one_slice_and_none_is_no_slice() -> None:
    assert keys(["b", "a"], ["x", "y"], None) == [["a", "b"]]
    assert keys(["b", "a"], ["x", "y"], 10) == [["a", "b"]]
    assert catalogue_slices(pd.Series([], dtype=object), pd.Series([], dtype=object), 3) == []


def test_duplicate_skus_keep_the_catalogues_order() -> None:
    """resolve sorts by SKU with a stable sort: two rows of one SKU stay in catalogue order."""
    slices = catalogue_slices(pd.Series(["b", "a", "b"]), pd.Series(["s", "s", "s"]), 1)
    assert [list(rows) for rows in slices] == [[1, 0, 2]]


def build(project: Path, out: str, slice_skus: int | None, **options) -> object:
    request = BuildRequest(data_dir=project / "product_data", out=project / out, as_of=AS_OF, jobs=1,
                           slice_skus=slice_skus, **options)
    return run(request)


def files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and path.name != STATE}


def assert_same_output(project: Path, first: str, second: str) -> None:
    whole, sliced = files(project / first), files(project / second)
    assert sorted(whole) == sorted(sliced)
    different = [name for name in whole if whole[name] != sliced[name]]
    assert different == []


def test_a_build_in_slices_writes_the_bytes_of_a_whole_build(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample (593 SKUs, 8 markets, every channel, landing pages with reviews) in slices of about 7
    SKUs. Amazon's message limit is lowered to 40 so its files are cut across slices (SPECS.md §4: a feed
    holds at most 25,000 messages); every custom_label_3 is distinct and the limit of distinct values
    (1,000, GMC 6324473) lowered to 100, so Google's warning must count the whole market, not a slice."""
    monkeypatch.setattr("feedgen.channels.amazon.channel.MAX_MESSAGES_PER_FEED", 40)
    monkeypatch.setattr("feedgen.channels.google.channel.CUSTOM_LABEL_VALUES", 100)
    rules = project / "product_data" / "rules.toml"
    rules.write_text(rules.read_text() + '\n[[rule]]\nname = "Every SKU"\nchannels = ["google"]\n'
                     'set = { custom_label_3 = "{sku}" }\n')
    whole = build(project, "whole", None)
    sliced = build(project, "sliced", 7)
    assert_same_output(project, "whole", "sliced")
    assert sorted(whole.diagnostics, key=repr) == sorted(sliced.diagnostics, key=repr)
    assert any(a.part_of == "amazon/us.json" for a in sliced.artifacts)  # the split happened
    assert [p.name for p in project.iterdir() if p.name.startswith(".feedgen-staging-")] == []  # slices removed
    warning = [d for d in sliced.diagnostics if d.rule_id == "google.custom_label_3.too_many_values"]
    assert len(warning) == 8 and all(int(re.search(r"has (\d+) distinct", d.message)[1]) > 100 for d in warning)


def test_withdrawals_and_archived_rows_are_the_same_in_slices(project: Path) -> None:
    """A second build after SKUs left the catalogue: Amazon's withdrawals (after the listings, counted in the
    split) and Meta's archived override rows come out the same whole and sliced."""
    only = {"channels": ["amazon", "meta"], "pages": False}
    for out, size in (("whole", None), ("sliced", 5)):
        build(project, out, size, **only)
    catalogue = project / "product_data" / "catalogue.csv"
    lines = catalogue.read_text(encoding="utf-8").splitlines(keepends=True)
    catalogue.write_text("".join(lines[:1] + lines[1:-40]), encoding="utf-8")  # the last 40 rows are gone
    first = build(project, "whole", None, on_removed="delete", **only)
    second = build(project, "sliced", 5, on_removed="delete", **only)
    assert_same_output(project, "whole", "sliced")
    assert first.published and second.published or first.refused == second.refused
    us = (project / "sliced" / "amazon" / "us.json").read_text(encoding="utf-8")
    assert '"operationType":"DELETE"' in us


def test_meta_per_market_layout_in_slices(project: Path) -> None:
    markets = project / "product_data" / "markets.toml"
    markets.write_text(re.sub(r'layout = "localized"', 'layout = "per_market"', markets.read_text(), count=1))
    build(project, "whole", None, channels=["meta"], pages=False)
    build(project, "sliced", 11, channels=["meta"], pages=False)
    assert_same_output(project, "whole", "sliced")
    assert (project / "sliced" / "meta" / "de.csv").is_file()


def test_what_the_whole_market_tells_is_said_once_with_its_count(project: Path) -> None:
    """--require-reviewed refuses a market with unreviewed text in one line whose counts are the market's,
    whether it was resolved whole or in slices (feedgen.i18n.localizer.LocalizeSession.finish)."""
    catalogue = project / "product_data" / "catalogue.csv"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace("Fjellvand Women's Waterproof Hiking Boots", "Fjellvand Trail Boots New Name"),
                         encoding="utf-8")  # a title no catalogue translates yet
    messages = []
    for out, size in (("whole", None), ("sliced", 9)):
        with pytest.raises(InputError) as refused:
            build(project, out, size, require_reviewed=True)
        messages.append(str(refused.value))
        assert not (project / out).exists()
    assert messages[0] == messages[1] and "text(s) are not reviewed" in messages[0]


def test_a_localizer_without_a_session_gets_each_market_whole(project: Path) -> None:
    """A custom localizer (the Localizer protocol has no `session`) cannot take a market in slices: the build
    gives it the whole catalogue, keeps the catalogue in memory (nothing is written out) and writes the same
    feeds as with --slice-skus off."""
    from feedgen.resolve.offers import SourceTextLocalizer
    only = {"channels": ["google", "amazon"], "pages": False}
    build(project, "whole", None, localizer=SourceTextLocalizer("en"), **only)
    sliced = build(project, "sliced", 7, localizer=SourceTextLocalizer("en"), **only)
    assert_same_output(project, "whole", "sliced")
    assert sliced.items("google", "DE") > 500  # the catalogue was not emptied under the market


def test_a_parent_sku_named_like_a_variant_in_another_slice_still_collides(project: Path) -> None:
    """Amazon's parent SKU is the style id, and one seller's SKUs are one namespace: a style named like a
    variant SKU cannot be listed. Here the variant (SKU `AS-1002`, style AS-1001) and the style AS-1002 are
    built in different slices; the check reads the whole catalogue's keys (Channel.use_catalogue), so the
    sliced build finds the same collisions as the whole one."""
    catalogue = project / "product_data" / "catalogue.csv"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("AS-1001-GRY-42,", "AS-1002,"), encoding="utf-8")
    items = pd.read_csv(catalogue, dtype=str, keep_default_na=False)
    slices = [set(items["sku"].iloc[rows]) for rows in catalogue_slices(items["sku"], items["style_id"], 7)]
    [holding_sku] = [number for number, skus in enumerate(slices) if "AS-1002" in skus]
    assert "AS-1002-BLK-40" not in slices[holding_sku]  # the style's variants are in another slice
    results = [build(project, out, size, channels=["amazon"], pages=False) for out, size in (("whole", None), ("sliced", 7))]
    assert_same_output(project, "whole", "sliced")
    found = [sorted((d.market, d.sku) for d in result.diagnostics if d.rule_id == "amazon.parent_sku.collides")
             for result in results]
    assert found[0] == found[1]
    assert {sku for _, sku in found[0]} == set(items.loc[items["style_id"].eq("AS-1002"), "sku"])
    assert {market for market, _ in found[0]} == {"DE", "US"}


def test_the_building_process_reads_the_catalogue_a_slice_at_a_time(project: Path, tmp_path: Path) -> None:
    """With slices, the build streams catalogue.csv (feedgen.load.catalogue.stream_catalogue) straight into the
    slices' files: the building process ends up holding no row, only the slices' positions, and what the
    slices hold is the catalogue read whole, categorised, with the same diagnostics. Unmapped and unknown
    categories in several chunks are counted over the whole catalogue (category.unmapped says one count)."""
    catalogue = project / "product_data" / "catalogue.csv"
    lines = catalogue.read_text(encoding="utf-8").splitlines(keepends=True)
    for number in range(3, len(lines), 97):  # in chunks of 9 rows, far apart: a category Google does not know
        lines[number] = lines[number].replace(",187,", ",99999,", 1)
    for number in range(5, len(lines), 89):  # and a product type categories.toml does not map
        lines[number] = re.sub(r",Shoes > ([^,]*),187,", r",Gear > \1,,", lines[number], count=1)
    catalogue.write_text("".join(lines), encoding="utf-8")
    request = BuildRequest(data_dir=project / "product_data", out=project / "out", as_of=AS_OF, slice_skus=9)
    whole = load_sources(request)
    sources, spilled = _load_sources(request, (tmp_path, "slices-"))
    assert spilled is not None and len(spilled.slices) > 20
    assert sources.catalogue.items.empty and sources.catalogue.chunks == []
    assert sorted(p.name for p in spilled.directory.iterdir()) == [f"{n:05d}.pickle" for n in range(len(spilled.slices))]
    read = pd.concat(spilled.read(number, rows) for number, rows in enumerate(spilled.slices)).sort_index()
    pd.testing.assert_frame_equal(read, whole.catalogue.items, check_index_type=False)
    assert list(Diagnostics(sources.catalogue.diagnostics)) == list(Diagnostics(whole.catalogue.diagnostics))
    counted = [d.message for d in sources.catalogue.diagnostics if d.rule_id.startswith("category.")]
    assert len(counted) >= 2 and all(re.match(r"\d\d? item\(s\)", message) for message in counted)
    assert list(sources.catalogue.keys()["sku"]) == list(whole.catalogue.items["sku"])
    spilled.remove()


def test_an_unusable_catalogue_found_late_leaves_no_slices_behind(project: Path) -> None:
    """A duplicate SKU on the last row is found after every chunk was written: the build stops with the
    one-line error of a catalogue read whole, and the chunks' folder beside the output is gone."""
    catalogue = project / "product_data" / "catalogue.csv"
    lines = catalogue.read_text(encoding="utf-8").splitlines(keepends=True)
    catalogue.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    with pytest.raises(InputError, match=rf"row {len(lines) + 1}, column sku: duplicate sku .* \(first seen on row 2\)"):
        build(project, "sliced", 7)
    assert [p.name for p in project.iterdir() if p.name.startswith(".feedgen-staging-")] == []
    assert not (project / "sliced").exists()


def test_only_a_rebuild_over_a_published_amazon_feed_keeps_the_markets_skus(project: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Amazon's withdrawals need the market's SKUs once every slice is in, but only where the last build published
    its files for that market: a first build keeps none of them (issue #19: a million SKUs a market otherwise),
    and a rebuild still withdraws what left the catalogue."""
    from feedgen.pipeline import market_build

    kept: dict[str, market_build.SkuSpool | None] = {}
    close = market_build.ChannelRender.close

    def spy(render: market_build.ChannelRender, progress) -> object:
        if render.channel.name == "amazon":
            kept[render.market.id] = render.skus
        return close(render, progress)

    monkeypatch.setattr(market_build.ChannelRender, "close", spy)
    only = {"channels": ["amazon"], "pages": False}
    build(project, "sliced", 5, **only)
    assert kept and set(kept.values()) == {None}
    catalogue = project / "product_data" / "catalogue.csv"
    lines = catalogue.read_text(encoding="utf-8").splitlines(keepends=True)
    catalogue.write_text("".join(lines[:1] + lines[1:-40]), encoding="utf-8")
    kept.clear()
    build(project, "sliced", 5, on_removed="delete", **only)
    assert kept and all(spool is not None and spool.path is not None and spool.packs == [] and len(spool.lows) > 1
                        for spool in kept.values())  # on disk beside the slices, a slice's bounds each in memory
    assert '"operationType":"DELETE"' in (project / "sliced" / "amazon" / "us.json").read_text(encoding="utf-8")


@settings(max_examples=80, deadline=None)
@given(slices=st.lists(st.lists(st.text(alphabet="AB-\u00e9\U0001f600", min_size=1, max_size=4), max_size=6), max_size=6),
       on_disk=st.booleans(), probes=st.lists(st.text(alphabet="AB-\u00e9\U0001f600", max_size=4), max_size=10))
def test_a_sku_spool_answers_in_as_a_set_of_every_slice_would(tmp_path_factory: pytest.TempPathFactory,
                                                                slices: list[list[str]], on_disk: bool,
                                                                probes: list[str]) -> None:
    """SkuSpool holds a slice's SKUs at a time; `in` must still answer for the whole market, whether the slices
    come in SKU order (as feedgen.pipeline.slices cuts them: the bounds find the one slice to look in) or not
    (one set of them all), on disk or in memory."""
    from feedgen.pipeline.market_build import SkuSpool

    spool = SkuSpool(tmp_path_factory.mktemp("spool") if on_disk else None, "amazon-US")
    for skus in slices:
        spool.add(skus)
    every = {sku for skus in slices for sku in skus}
    for sku in [*every, *probes, ""]:
        assert (sku in spool) == (sku in every)
    ordered = sorted(every)
    chunks = [ordered[start:start + 3] for start in range(0, len(ordered), 3)]
    spool = SkuSpool(tmp_path_factory.mktemp("spool") if on_disk else None, "amazon-US")
    for skus in chunks:
        spool.add(list(reversed(skus)))
    assert spool.ordered
    for sku in [*every, *probes]:
        assert (sku in spool) == (sku in every)
