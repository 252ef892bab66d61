"""Split feeds through the publish step: the gate counts a feed over its parts, `feedgen diff` reads the
parts together (an item that moved to another part is no change), report.html sums them, an incremental
build reuses them, and a feed that shrinks back under the limit leaves no numbered file behind."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html

from feedgen.publish.diff import diff_dirs, format_text
from feedgen.publish.gate import GatePolicy, check
from feedgen.publish.manifest import FileEntry, Manifest

from ..channels.test_parts import parts_of, set_limit
from ..helpers import build_project, google_items
from ..publishing_helpers import edit_catalogue, small_project


def entry(items: int, part_of: str | None = None) -> FileEntry:
    return FileEntry("google", "DE", items, 10, f"sha-{items}-{part_of}", part_of)


def split(*counts: int) -> Manifest:
    return Manifest(files={f"google/de-{n:03d}.xml": entry(items, "google/de.xml")
                           for n, items in enumerate(counts, start=1)})


def problems(new: Manifest, old: Manifest | None, **policy) -> list[str]:
    return check(new, old, feeds=set(new.files), superseded=set(old.files if old else ()), errors=0,
                 policy=GatePolicy(**policy)).problems


def test_the_gate_judges_a_split_feed_by_its_items_over_all_parts() -> None:
    whole = Manifest(files={"google/de.xml": entry(100)})
    assert problems(split(40, 45), whole) == []  # grown into parts: no drop, no removal of google/de.xml
    assert problems(whole, split(50, 50)) == []  # shrunk back into one file: no removal of the parts
    assert problems(split(30, 30, 25), split(50, 50)) == []  # 85 of 100, items moved between parts
    assert problems(split(30, 40), split(50, 50)) == [
        "google/de.xml (2 parts) would drop from 100 to 70 items (-30.0 %, limit 20 %)"]
    assert problems(split(0, 0), None) == ["google/de.xml (2 parts) would be empty"]
    other = Manifest(files={"google/no.xml": FileEntry("google", "NO", 5, 1, "x")})
    assert problems(other, split(50, 50)) == ["google/de.xml would be removed (it had 100 items)"]  # once, not per part


def test_an_old_manifest_without_part_of_still_reads(tmp_path: Path) -> None:
    text = split(3, 4).to_json()
    assert text.count('"part_of": "google/de.xml"') == 2
    assert '"part_of"' not in Manifest(files={"google/de.xml": entry(7)}).to_json()  # unsplit: as it always was
    assert Manifest.from_json(text).files["google/de-002.xml"].part_of == "google/de.xml"


def _limit_for_two_parts(project: Path) -> int:
    """A Google limit that splits every market's feed of the small sample (each built unsplit first)."""
    build_project(project)
    sizes = [path.stat().st_size for path in (project / "output" / "google").glob("*.xml")]
    return min(sizes) - 1


def test_diff_and_report_read_a_split_feed_as_one(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    limit = _limit_for_two_parts(project)
    old = tmp_path / "old"
    (project / "output").rename(old)
    set_limit(project, "google", limit)
    # one price changes: the diff must find it in whichever part the item now is
    edited: list[str] = []

    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        edited.append(rows[0]["sku"])
        return [{**r, "price": "1999"} if r["sku"] == edited[0] else r for r in rows]

    edit_catalogue(project, change)
    build_project(project)
    out = project / "output"
    parts = parts_of(out, "google/us.xml")
    assert len(parts) >= 2
    diff = diff_dirs(old, out)
    google = {f.path: f for f in diff.files if f.channel == "google"}
    assert set(google) == {f"google/{m}.xml" for m in ("de", "dk", "fi", "gb", "nl", "no", "se", "us")}
    us = google["google/us.xml"]
    assert us.added == [] and us.removed == []  # the same items, now in parts
    assert list(us.changed) == edited
    old_price, new_price = us.changed[edited[0]]["price"]
    assert old_price != new_price and new_price is not None
    assert us.new_parts == parts and us.old_parts == []
    assert us.before == us.after == len(google_items(old / "google" / "us.xml"))
    assert f"google/us.xml (1 → {len(parts)} files)" in format_text(diff)

    page = html.fromstring((out / "report.html").read_bytes())
    cells = [" ".join(td.text_content().split()) for td in page.iter("td")]
    count = len(google_items(old / "google" / "us.xml"))
    assert any(re.match(rf"{count} items in {len(parts)} files", text) for text in cells), cells


def _split_project(tmp_path: Path) -> tuple[Path, int]:
    """The small sample built and published with every Google feed in parts; returns it and the limit."""
    project = small_project(tmp_path)
    limit = _limit_for_two_parts(project)
    set_limit(project, "google", limit)
    build_project(project)
    return project, limit


def test_items_moving_between_parts_are_no_change(tmp_path: Path) -> None:
    project, limit = _split_project(tmp_path)
    first = tmp_path / "first"
    (project / "output").rename(first)
    set_limit(project, "google", max(limit * 2 // 3, 1))  # a smaller limit: more parts, items in other files
    build_project(project)
    diff = diff_dirs(first, project / "output")
    for f in diff.files:
        assert (f.added, f.removed, f.changed) == ([], [], {}), f.path


def test_an_incremental_build_reuses_the_parts_and_shrinking_back_leaves_no_numbered_file(tmp_path: Path) -> None:
    project, limit = _split_project(tmp_path)
    out = project / "output"
    manifest = (out / "manifest.json").read_bytes()
    parts = parts_of(out, "google/us.xml")

    again = build_project(project)  # nothing changed: every part is taken over, the manifest is the same
    assert set(parts) <= again.reused
    assert (out / "manifest.json").read_bytes() == manifest

    set_limit(project, "google", None)
    result = build_project(project)
    assert not result.refused, result.release.gate.problems if result.release else None
    assert sorted(p.name for p in (out / "google").iterdir()) == [f"{m}.xml" for m in
                                                                  ("de", "dk", "fi", "gb", "nl", "no", "se", "us")]
    assert '"part_of"' not in (out / "manifest.json").read_text(encoding="utf-8")
