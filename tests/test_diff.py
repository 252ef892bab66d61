"""`feedgen diff` and `build --dry-run`: added, removed and changed items, prices as old → new."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from feedgen.cli import main
from feedgen.publish.diff import diff_dirs, format_text
from feedgen.publish.manifest import FileEntry, Manifest
from .publishing_helpers import build, edit_catalogue, small_project, snapshot

G = "http://base.google.com/ns/1.0"


def google_feed(path: Path, items: dict[str, dict[str, str]]) -> None:
    """A minimal Google RSS feed (GMC 7052112) with the given g: attributes per item."""
    body = "".join(
        "<item>" + "".join(f"<g:{name}>{value}</g:{name}>" for name, value in {"id": sku, **fields}.items()) + "</item>"
        for sku, fields in items.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:g="{G}"><channel>'
                    f"<title>t</title>{body}</channel></rss>", encoding="utf-8")


def crafted(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    google_feed(old / "google" / "no.xml", {
        "A": {"title": "Boot", "price": "100.00 NOK"},
        "B": {"title": "Shoe", "price": "50.00 NOK"},
        "C": {"title": "Gone", "price": "10.00 NOK"},
    })
    google_feed(new / "google" / "no.xml", {
        "A": {"title": "Boot", "price": "120.00 NOK", "sale_price": "99.00 NOK"},
        "B": {"title": "Shoe &amp; lace", "price": "50.00 NOK"},
        "D": {"title": "New", "price": "70.00 NOK"},
    })
    google_feed(old / "google" / "se.xml", {"A": {"price": "1.00 SEK"}})
    google_feed(new / "google" / "dk.xml", {"A": {"price": "1.00 DKK"}})
    return old, new


def test_diff_finds_added_removed_and_changed_items(tmp_path: Path) -> None:
    diff = diff_dirs(*crafted(tmp_path))
    by_path = {f.path: f for f in diff.files}
    no = by_path["google/no.xml"]
    assert (no.channel, no.market, no.before, no.after, no.status) == ("google", "NO", 3, 3, "changed")
    assert no.added == ["D"] and no.removed == ["C"]
    assert no.changed == {"A": {"price": ("100.00 NOK", "120.00 NOK"), "sale_price": (None, "99.00 NOK")},
                          "B": {"title": ("Shoe", "Shoe & lace")}}
    assert (by_path["google/se.xml"].status, by_path["google/se.xml"].removed) == ("removed", ["A"])
    assert (by_path["google/dk.xml"].status, by_path["google/dk.xml"].added) == ("added", ["A"])
    assert [(f.market, sku, name) for f, sku, name, _, _ in diff.price_changes()] == [
        ("NO", "A", "price"), ("NO", "A", "sale_price")]


def test_diff_cli_shows_a_summary_and_prices_as_old_to_new(tmp_path: Path) -> None:
    old, new = crafted(tmp_path)
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["channel", "market", "file", "before", "after", "added", "removed", "changed"]
    assert "google   NO     google/no.xml                 3      3      1       1       2" in lines
    assert "  ~ A  price: 100.00 NOK → 120.00 NOK; sale_price: (none) → 99.00 NOK" in lines
    assert "  - C" in lines and "  + D" in lines
    assert "google SE (google/se.xml): removed" in lines


def test_diff_cli_json(tmp_path: Path) -> None:
    old, new = crafted(tmp_path)
    result = CliRunner().invoke(main, ["diff", "--json", str(old), str(new)])
    data = json.loads(result.output)
    assert data["summary"] == {"added": 2, "removed": 2, "changed": 2, "files_changed": 3}
    no = next(f for f in data["files"] if f["path"] == "google/no.xml")
    assert no["changed"]["A"]["price"] == {"old": "100.00 NOK", "new": "120.00 NOK"}
    assert no["added"] == ["D"] and no["removed"] == ["C"]


def test_diff_limit_caps_lines_per_kind(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    google_feed(old / "google" / "no.xml", {})
    google_feed(new / "google" / "no.xml", {f"S{i}": {"price": "1.00 NOK"} for i in range(5)})
    text = format_text(diff_dirs(old, new), limit=2)
    assert "  + S0" in text and "  + S2" not in text and "  + … and 3 more (--limit 0 shows all)" in text
    assert "  + S4" in format_text(diff_dirs(old, new), limit=0)


def test_files_with_equal_hashes_are_not_read_and_unknown_channels_compare_by_checksum(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for directory, digest in ((old, "1"), (new, "2")):
        (directory / "google").mkdir(parents=True)
        (directory / "google" / "no.xml").write_text("not even XML: never parsed, the hashes match")
        (directory / "snapchat").mkdir()
        (directory / "snapchat" / "no.csv").write_text(digest)
        files = {"google/no.xml": FileEntry("google", "NO", 7, 1, "same"),
                 "snapchat/no.csv": FileEntry("snapchat", "NO", 1, 1, digest)}
        (directory / "manifest.json").write_text(Manifest(files=files).to_json())
    by_path = {f.path: f for f in diff_dirs(old, new).files}
    assert by_path["google/no.xml"].status == "unchanged"
    assert by_path["snapchat/no.csv"].status == "changed"
    assert "compared by checksum only" in by_path["snapchat/no.csv"].note


def test_sample_price_change_shows_old_to_new(project: Path) -> None:
    """Done-when check on the full sample: a changed price appears as old → new."""
    assert build(project, out=project / "before").exit_code == 0

    def dearer(rows):
        for row in rows:
            if row["style_id"] == "AS-1001":
                row["price"] = "2599.00"
        return rows

    edit_catalogue(project, dearer)
    assert build(project, out=project / "after").exit_code == 0
    result = CliRunner().invoke(main, ["diff", str(project / "before"), str(project / "after")])
    sections = {section.splitlines()[0]: section.splitlines()[1:] for section in result.output.split("\n\n")}
    # every channel reads its own files back: one price, old → new, per feed
    for heading, line in (
        ("google NO (google/no.xml): changed", "  ~ AS-1001-BRN-36  price: 2499.00 NOK → 2599.00 NOK"),
        ("meta NO (meta/country-no.csv): changed", "  ~ AS-1001-BRN-36  price: 2499.00 NOK → 2599.00 NOK"),
        ("meta - (meta/main.csv): changed", "  ~ AS-1001-BRN-36  price: 178.99 GBP → 185.99 GBP"),
        ("amazon DE (amazon/de.json): changed",  # our_price and list_price (the regular price) both move
         "  ~ AS-1001-BRN-36  list_price: 203.95 EUR → 211.95 EUR; price: 203.95 EUR → 211.95 EUR"),
    ):
        assert line in sections[heading], heading
    files = {f["path"]: f for f in json.loads(CliRunner().invoke(
        main, ["diff", "--json", str(project / "before"), str(project / "after")]).output)["files"]}
    for path, old, new in (("meta/country-us.csv", "184.95 USD", "192.95 USD"), ("amazon/us.json", "184.95 USD", "192.95 USD")):
        assert files[path]["changed"]["AS-1001-BRN-36"]["price"] == {"old": old, "new": new}
        assert (files[path]["before"], files[path]["after"], files[path]["added"], files[path]["removed"]) == (593, 593, [], [])
    assert files["meta/language-de_DE.csv"]["status"] == "unchanged"  # no price there


def test_dry_run_shows_the_diff_and_publishes_nothing(small_built: Path) -> None:
    project = small_built
    before = snapshot(project / "output")

    def changes(rows):
        rows[0]["price"] = "2999.00"
        return rows[:-1]

    edit_catalogue(project, changes)
    result = build(project, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "  ~ AS-1001-BRN-36  price: 2499.00 NOK → 2999.00 NOK" in result.output.splitlines()
    assert "dry run: nothing was published" in result.output
    assert snapshot(project / "output") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".feedgen-staging")] == []


def test_dry_run_before_anything_was_published(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    result = build(project, "--dry-run")
    assert result.exit_code == 0
    assert "nothing published in" in result.output
    assert not (project / "output").exists()
