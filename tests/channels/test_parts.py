"""Feeds over a platform's per-file limit are written as numbered parts (feedgen.channels.parts).

Merchant Center takes a file under 4 GB and says to split a bigger one into several files (GMC 13813117,
SFTP upload; GMC 14991445, scheduled fetch); `[<channel>] max_file_bytes` in markets.toml lowers a limit so
these tests split small feeds. Every part is checked as the channel's tests check a whole file: Google
parts parse as RSS 2.0 with the `g:` namespace, CSV parts as RFC 4180 with the channel's header."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feedgen.channels import CHANNELS, read_markets
from feedgen.channels.google.facts import FILE_LIMIT
from feedgen.channels.parts import PartLimit, SplitFile, part_name
from feedgen.errors import InputError
from feedgen.publish.manifest import Manifest
from feedgen.publish.stage import Stage

from ..helpers import build_project, google_items
from ..publishing_helpers import small_project, snapshot


def set_limit(project: Path, channel: str, limit: int | str | None) -> None:
    """`[<channel>] max_file_bytes = limit` in the project's markets.toml (into an existing table if any,
    replacing an earlier value); None takes the setting out again."""
    path = project / "product_data" / "markets.toml"
    text = path.read_text(encoding="utf-8")
    header = f"[{channel}]\n"
    line = "" if limit is None else f"max_file_bytes = {limit}\n"
    if header in text:
        text = re.sub(rf"(?m)^(\[{channel}\]\n)(max_file_bytes = .*\n)?", lambda m: m[1] + line, text, count=1)
    elif line:
        text += f"\n{header}{line}"
    path.write_text(text, encoding="utf-8")


def parts_of(out: Path, feed: str) -> list[str]:
    manifest = Manifest.read(out)
    assert manifest is not None
    return sorted(path for path, entry in manifest.files.items() if entry.part_of == feed)


def csv_records(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small sample built without a limit: every feed one file."""
    project = small_project(tmp_path_factory.mktemp("whole"))
    build_project(project)
    return project / "output"


def test_a_google_feed_over_the_limit_is_numbered_parts_each_a_valid_feed_of_whole_item_groups(whole, tmp_path):
    project = small_project(tmp_path)
    size = (whole / "google" / "us.xml").stat().st_size
    limit = size // 2
    set_limit(project, "google", limit)
    build_project(project)
    out = project / "output"
    parts = parts_of(out, "google/us.xml")
    assert parts == [part_name("google/us.xml", n) for n in range(1, len(parts) + 1)] and len(parts) >= 2
    assert parts[0] == "google/us-001.xml"
    assert not (out / "google" / "us.xml").exists()
    manifest = Manifest.read(out)
    union: dict = {}
    groups_seen: dict[str, str] = {}
    for path in parts:
        data = (out / path).read_bytes()
        assert len(data) <= limit
        root = etree.fromstring(data)  # a complete RSS 2.0 document of its own
        assert root.tag == "rss" and root.get("version") == "2.0"
        assert root.nsmap["g"] == "http://base.google.com/ns/1.0"
        channel = root.find("channel")
        assert [child.tag for child in channel][:3] == ["title", "link", "description"]
        items = google_items(out / path)
        assert manifest.files[path].items == len(items) > 0
        for sku, fields in items.items():
            group = fields["item_group_id"][0]
            assert groups_seen.setdefault(group, path) == path, f"item group {group} is in two parts"
        union.update(items)
    assert union == google_items(whole / "google" / "us.xml")  # the same items, attribute by attribute
    # the other markets' feeds are under the limit too? No: every market over it is split, none is left whole
    for market in ("de", "gb"):
        if (whole / "google" / f"{market}.xml").stat().st_size > limit:
            assert parts_of(out, f"google/{market}.xml")


@pytest.mark.parametrize("channel, feed, key", [
    ("pinterest", "pinterest/us.csv", "id"),
    ("tiktok", "tiktok/us.csv", "sku_id"),
    ("meta", "meta/main.csv", "id"),
])
def test_csv_feeds_split_into_parts_that_each_start_with_the_header(whole, tmp_path, channel, feed, key):
    project = small_project(tmp_path)
    limit = (whole / feed).stat().st_size - 1  # the channel's other files are held to it too
    set_limit(project, channel, limit)
    build_project(project)
    out = project / "output"
    parts = parts_of(out, feed)
    assert len(parts) >= 2
    whole_records = csv_records(whole / feed)
    header = whole_records[0]
    rows = []
    manifest = Manifest.read(out)
    read = CHANNELS[channel].read_items
    for path in parts:
        assert (out / path).stat().st_size <= limit
        records = csv_records(out / path)
        assert records[0] == header and len(records) > 1
        assert all(len(record) == len(header) for record in records)
        rows += records[1:]
        assert manifest.files[path].items == len(read(out / path))  # archived override rows are not items
    assert sorted(rows) == sorted(whole_records[1:])
    group = header.index("item_group_id") if "item_group_id" in header else None
    if group is not None:
        owner: dict[str, str] = {}
        for path in parts:
            for record in csv_records(out / path)[1:]:
                assert owner.setdefault(record[group], path) == path
    union: dict = {}
    for path in parts:
        union.update(read(out / path))
    assert union == read(whole / feed) and {r[header.index(key)] for r in rows} >= set(union)


def test_under_the_limit_nothing_changes_and_two_split_builds_are_byte_identical(whole, tmp_path):
    exact = small_project(tmp_path / "exact")
    set_limit(exact, "google", (whole / "google" / "us.xml").stat().st_size)  # a file may be exactly the limit
    build_project(exact)
    assert (exact / "output" / "google" / "us.xml").read_bytes() == (whole / "google" / "us.xml").read_bytes()
    assert not parts_of(exact / "output", "google/us.xml")

    builds = []
    for name in ("one", "two"):
        project = small_project(tmp_path / name)
        set_limit(project, "google", (whole / "google" / "us.xml").stat().st_size - 1)
        set_limit(project, "meta", (whole / "meta" / "main.csv").stat().st_size - 1)
        build_project(project)
        builds.append({path: data for path, data in snapshot(project / "output").items()
                       if path.startswith(tuple(f"{name}/" for name in CHANNELS)) or path == "manifest.json"})
    assert builds[0] == builds[1]
    assert any("-00" in path for path in builds[0])


def test_an_item_group_bigger_than_the_limit_is_one_line_naming_the_setting(tmp_path):
    project = small_project(tmp_path)
    set_limit(project, "google", 2000)
    with pytest.raises(InputError) as caught:
        build_project(project)
    message = str(caught.value)
    assert "[google] max_file_bytes" in message and "item group" in message and "never divided" in message
    assert "\n" not in message
    assert not (project / "output").exists()


def test_the_setting_may_lower_a_platform_limit_but_never_raise_it(tmp_path):
    project = small_project(tmp_path / "above")
    set_limit(project, "google", FILE_LIMIT.max_bytes + 1)
    with pytest.raises(InputError) as caught:
        read_markets(project / "product_data" / "markets.toml")
    assert "google.max_file_bytes" in str(caught.value) or "max_file_bytes" in str(caught.value)
    assert "above the platform's limit" in str(caught.value) and "GMC 13813117" in str(caught.value)

    for number, bad in enumerate(('"1 GB"', "0", "1.5", "true")):
        project = small_project(tmp_path / f"bad{number}")
        set_limit(project, "google", bad)
        with pytest.raises(InputError, match="max_file_bytes"):
            read_markets(project / "product_data" / "markets.toml")

    fresh = small_project(tmp_path / "fresh")
    set_limit(fresh, "meta", 10**12)  # Meta documents no limit: any positive size is a lowering
    config = read_markets(fresh / "product_data" / "markets.toml")
    assert config.project.settings["meta"]["max_file_bytes"] == 10**12
    assert config.project.settings["meta"]["layout"] == "localized"
    assert config.project.settings["google"]["max_file_bytes"] is None  # not set: the platform's limit applies


def test_split_file_keeps_interleaved_item_groups_whole_in_first_appearance_order(tmp_path):
    """Rows of one group need not be next to each other: the group still lands in one part, parts are
    filled in the order groups first appear, and inside a part rows keep the feed's order."""
    stage = Stage(tmp_path / "out", "Brand", scratch=True)
    try:
        rows = [b"a1\n", b"b1\n", b"a2\n", b"c1\n", b"b2\n", b"d1\n"]
        groups = ["A", "B", "A", "C", "B", "D"]
        limit = PartLimit(len(b"<h>\n") + len(b"</h>\n") + 12, tmp_path / "markets.toml", "[x] max_file_bytes")
        with SplitFile(stage, "x/feed.txt", b"<h>\n", b"</h>\n", limit) as feed:
            feed.write_rows(rows[:3], groups[:3], [True, True, False])
            feed.write_rows(rows[3:], groups[3:])
        parts = feed.parts()
        texts = {part.path: stage.path(part.path).read_bytes() for part in parts}
        assert texts == {"x/feed-001.txt": b"<h>\na1\nb1\na2\nb2\n</h>\n", "x/feed-002.txt": b"<h>\nc1\nd1\n</h>\n"}
        assert [(p.items, p.part_of) for p in parts] == [(3, "x/feed.txt"), (2, "x/feed.txt")]
        assert not stage.path("x/feed.txt").exists() and "x/feed.txt" not in stage.written
        assert set(stage.written) == set(texts)
    finally:
        stage.discard()


def test_split_file_forgets_a_finished_slices_group_names_but_still_places_and_names_its_groups(tmp_path):
    """A slice of a market holds whole styles (feedgen.pipeline.slices), so after `new_slice` the file keeps
    no str per earlier group (which would pin that slice's memory): the parts are the same as without it, and
    the error for a group too big for any file still names a group from an earlier slice."""
    rows = [b"a1\n", b"b1\n", b"a2\n", b"c1\n", b"c2\n", b"d1\n"]
    groups = ["A", "B", "A", "C", "C", "D\u00e9"]
    limit = PartLimit(len(b"<h>\n") + len(b"</h>\n") + 9, tmp_path / "markets.toml", "[x] max_file_bytes")

    def split(name: str, slices: list[tuple[int, int]]) -> dict[str, bytes]:
        stage = Stage(tmp_path / name, "Brand", scratch=True)
        try:
            with SplitFile(stage, "x/feed.txt", b"<h>\n", b"</h>\n", limit) as feed:
                for start, end in slices:
                    feed.new_slice()
                    feed.write_rows(rows[start:end], groups[start:end])
                last = slices[-1]
                assert list(feed._group_ids) == list(dict.fromkeys(groups[last[0]:last[1]]))  # only the last slice's
            return {part.path: stage.path(part.path).read_bytes() for part in feed.parts()}
        finally:
            stage.discard()

    whole = split("whole", [(0, 6)])
    assert split("sliced", [(0, 3), (3, 5), (5, 6)]) == whole
    assert whole == {"x/feed-001.txt": b"<h>\na1\nb1\na2\n</h>\n", "x/feed-002.txt": b"<h>\nc1\nc2\nd1\n</h>\n"}

    stage = Stage(tmp_path / "big", "Brand", scratch=True)
    try:
        with SplitFile(stage, "x/feed.txt", b"<h>\n", b"</h>\n", limit) as feed:
            feed.write_rows([b"x" * 20 + b"\n"], ["Gr\u00f6\u00dfe 1"])
            feed.new_slice()
            feed.write_rows([b"y\n"], ["B"])
        with pytest.raises(InputError, match="item group 'Gr\u00f6\u00dfe 1' alone takes"):
            feed.parts()
    finally:
        stage.discard()


def reference_parts(rows: list[bytes], groups: list[str], counted: list[bool], capacity: int) -> list[tuple[bytes, int]]:
    """What the module docstring says, per row and plainly: whole groups in first-appearance order, greedy."""
    sizes: dict[str, int] = {}
    for row, group in zip(rows, groups):
        sizes[group] = sizes.get(group, 0) + len(row)
    part_of, part, used = {}, 0, 0
    for group, size in sizes.items():
        if used and used + size > capacity:
            part, used = part + 1, 0
        part_of[group] = part
        used += size
    return [(b"".join(row for row, group in zip(rows, groups) if part_of[group] == number),
             sum(count for count, group in zip(counted, groups) if part_of[group] == number))
            for number in range(part + 1)]


@settings(max_examples=60, deadline=None)
@given(slices=st.lists(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 9), st.booleans()), min_size=1,
                                max_size=12), min_size=1, max_size=4),
       batch=st.integers(1, 5), capacity=st.integers(9, 40))
def test_split_file_keeps_a_few_bytes_per_run_of_a_group_and_cuts_as_it_would_per_row(tmp_path_factory, slices, batch,
                                                                                        capacity):
    """SplitFile notes one entry per run of consecutive rows of one group (a style's variants, in SKU order), not
    one per row, so what a market's feed keeps does not grow with its items (issue #19); the parts are exactly
    those of placing every row's bytes by its group. Rows come in slices of their own groups, in batches that
    may cut a run (CsvFeed writes 10,000 rows at a time)."""
    rows, groups, counted = [], [], []
    for number, rows_of_slice in enumerate(slices):
        for index, (group, length, counts) in enumerate(rows_of_slice):
            rows.append(f"{number}.{index}".encode() + b"x" * length + b"\n")
            groups.append(f"s{number}g{group}")
            counted.append(counts)
    head, tail = b"<h>\n", b"</h>\n"
    fits = max(sum(len(r) for r, g in zip(rows, groups) if g == group) for group in groups)
    capacity = max(capacity, fits)
    limit = PartLimit(len(head) + len(tail) + capacity, Path("markets.toml"), "[x] max_file_bytes")
    stage = Stage(tmp_path_factory.mktemp("runs") / "out", "Brand", scratch=True)
    try:
        with SplitFile(stage, "x/feed.txt", head, tail, limit) as feed:
            start = 0
            for rows_of_slice in slices:
                feed.new_slice()
                end = start + len(rows_of_slice)
                for cut in range(start, end, batch):
                    stop = min(cut + batch, end)
                    feed.write_rows(rows[cut:stop], groups[cut:stop], counted[cut:stop])
                start = end
            runs = sum(1 for index in range(len(groups)) if index == 0 or groups[index] != groups[index - 1])
            assert len(feed._groups) == len(feed._lengths) == len(feed._counted) == runs
        parts = feed.parts()
        expected = reference_parts(rows, groups, counted, capacity)
        if len(expected) == 1:
            assert [(p.path, p.items, p.part_of) for p in parts] == [("x/feed.txt", expected[0][1], None)]
            assert stage.path("x/feed.txt").read_bytes() == head + expected[0][0] + tail
        else:
            assert [(stage.path(p.path).read_bytes(), p.items) for p in parts] == \
                [(head + body + tail, items) for body, items in expected]
    finally:
        stage.discard()
