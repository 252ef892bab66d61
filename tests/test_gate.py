"""The publish gate: empty feeds, big drops, vanished feeds and too many errors keep the old output."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedgen.publish.gate import GatePolicy, check
from feedgen.publish.manifest import FileEntry, Manifest
from .publishing_helpers import build, edit_catalogue, snapshot


def manifest(**items: int) -> Manifest:
    return Manifest(files={f"google/{m}.xml": FileEntry("google", m.upper(), n, 10, "x") for m, n in items.items()})


def problems(new: Manifest, old: Manifest | None, *, errors: int = 0, superseded: set[str] | None = None,
             **policy) -> list[str]:
    result = check(new, old, feeds=set(new.files), superseded=superseded if superseded is not None else
                   set(old.files if old else ()), errors=errors, policy=GatePolicy(**policy))
    return result.problems


def test_an_empty_feed_is_refused_even_on_a_first_build() -> None:
    assert problems(manifest(no=0), None) == ["google/no.xml would be empty"]
    assert problems(manifest(no=0), manifest(no=50)) == ["google/no.xml would be empty (was 50 items)"]


def test_a_drop_beyond_the_limit_is_refused() -> None:
    assert problems(manifest(no=80), manifest(no=100)) == []  # exactly 20 % is allowed
    assert problems(manifest(no=79), manifest(no=100)) == [
        "google/no.xml would drop from 100 to 79 items (-21.0 %, limit 20 %)"]
    assert problems(manifest(no=79), manifest(no=100), max_drop=25) == []
    assert problems(manifest(no=200), manifest(no=100)) == []  # growth is fine


def test_a_feed_that_would_disappear_is_refused() -> None:
    assert problems(manifest(se=10), manifest(no=10, se=10)) == ["google/no.xml would be removed (it had 10 items)"]
    # a --market filtered build does not supersede other markets' feeds
    assert problems(manifest(se=10), manifest(no=10, se=10), superseded={"google/se.xml"}) == []


def test_too_many_errors_are_refused_only_with_a_limit() -> None:
    assert problems(manifest(no=10), None, errors=5) == []
    assert problems(manifest(no=10), None, errors=5, max_errors=5) == []
    assert problems(manifest(no=10), None, errors=6, max_errors=5) == ["6 error diagnostics (limit 5)"]


def test_force_turns_a_refusal_into_a_warning() -> None:
    result = check(manifest(no=0), None, feeds={"google/no.xml"}, superseded=set(), errors=0,
                   policy=GatePolicy(force=True))
    assert result.forced and not result.refused and result.problems


@pytest.fixture
def published(small_built: Path) -> tuple[Path, dict[str, bytes]]:
    return small_built, snapshot(small_built / "output")


def test_an_emptied_catalogue_is_refused_with_the_old_feeds_intact(published) -> None:
    project, before = published
    edit_catalogue(project, lambda rows: [])
    result = build(project)
    assert result.exit_code == 2
    assert "no rows" in result.output
    assert snapshot(project / "output") == before


def test_a_catalogue_whose_every_item_fails_is_refused(published) -> None:
    project, before = published

    def no_images(rows):
        for row in rows:
            row["image_link"] = ""
        return rows

    edit_catalogue(project, no_images)
    result = build(project, "--report", str(project / "diagnostics.json"), "--junit", str(project / "junit.xml"))
    assert result.exit_code == 3
    assert "publish refused, the previous output is kept" in result.output
    assert "google/no.xml would be empty (was 57 items)" in result.output
    assert snapshot(project / "output") == before
    # CI still gets its reports when the gate refuses
    assert "catalogue.image_link.missing" in (project / "diagnostics.json").read_text()
    assert "publish refused" in (project / "junit.xml").read_text()


def test_a_big_drop_is_refused_unless_allowed_or_forced(published) -> None:
    project, before = published
    edit_catalogue(project, lambda rows: [r for r in rows if r["style_id"] != "AS-1026"])  # 57 -> 35 items
    refused = build(project)
    assert refused.exit_code == 3
    assert "google/no.xml would drop from 57 to 35 items (-38.6 %, limit 20 %)" in refused.output
    assert snapshot(project / "output") == before

    assert build(project, "--dry-run").exit_code == 3  # a dry run tells CI the gate would refuse
    assert build(project, "--max-drop", "40").exit_code == 0
    assert snapshot(project / "output")["google/no.xml"] != before["google/no.xml"]


def test_force_publishes_with_a_warning(published) -> None:
    project, before = published
    edit_catalogue(project, lambda rows: [r for r in rows if r["style_id"] != "AS-1026"])
    result = build(project, "--force")
    assert result.exit_code == 0
    assert "warning: publishing despite the publish gate (--force)" in result.output
    assert snapshot(project / "output") != before
    assert "Published with --force" in (project / "output" / "report.html").read_text()


def test_a_feed_dropped_from_markets_toml_is_refused(published) -> None:
    project, before = published
    markets = project / "product_data" / "markets.toml"
    text = markets.read_text()
    start = text.index("[markets.NO]")
    markets.write_text(text[:start] + text[start:].replace('channels = ["google", "meta"', 'channels = ["meta"', 1))
    result = build(project)
    assert result.exit_code == 3
    assert "google/no.xml would be removed (it had 57 items)" in result.output
    assert snapshot(project / "output") == before


def test_max_errors(published) -> None:
    project, before = published

    def one_bad_gtin(rows):
        rows[0]["gtin"] = "7094512010002"  # wrong check digit
        return rows

    edit_catalogue(project, one_bad_gtin)
    assert build(project, "--max-errors", "1").exit_code == 1  # published, with an item error
    edit_catalogue(project, lambda rows: one_bad_gtin(rows[:1]) + rows[1:])
    result = build(project, "--max-errors", "0")
    assert result.exit_code == 3
    assert "1 error diagnostics (limit 0)" in result.output
