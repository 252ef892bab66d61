"""manifest.json: per-file counts, sizes and hashes, input hashes, and no time stamp unless asked."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from lxml import etree

from feedgen import __version__
from feedgen.publish.manifest import Manifest
from .publishing_helpers import build, small_project, snapshot


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_describes_every_feed(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    assert build(project, "-c", "google", "--no-pages").exit_code == 0
    out = project / "output"
    data = json.loads((out / "manifest.json").read_text())
    assert data["feedgen_version"] == __version__
    assert "built_at" not in data
    assert sorted(data["files"]) == sorted(p.relative_to(out).as_posix() for p in (out / "google").iterdir())
    for relative, entry in data["files"].items():
        path = out / relative
        items = len(etree.parse(str(path)).findall("channel/item"))
        assert entry == {"channel": "google", "market": path.stem.upper(), "items": items,
                         "bytes": path.stat().st_size, "sha256": sha(path)}
        assert items > 0


def test_manifest_hashes_every_input_the_build_read(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    data_dir = project / "product_data"
    (data_dir / "prices.csv").write_text("market,style_id,price\nNO,AS-1001,2399\n")
    po = project / "locales" / "nb" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n')
    assert build(project).exit_code == 0
    inputs = Manifest.read(project / "output").inputs
    expected = {name: data_dir / name.split("/", 1)[1] for name in (
        "product_data/catalogue.csv", "product_data/fx_rates.csv", "product_data/markets.toml",
        "product_data/prices.csv", "product_data/size_chart.csv")}
    expected["locales/nb/LC_MESSAGES/messages.po"] = po
    for key, path in expected.items():
        assert inputs[key] == sha(path), key
    assert "feedgen:templates/report/report.html.j2" in inputs
    assert list(inputs) == sorted(inputs)


def test_manifest_hashes_pages_inputs_and_the_locales_folder_actually_read(tmp_path: Path) -> None:
    # Review #15: landing_pages.toml and the page templates were not hashed, and --locales DIR outside
    # the project hashed root/locales instead of DIR.
    project = small_project(tmp_path / "project")
    decoy = project / "locales" / "nb" / "LC_MESSAGES" / "messages.po"  # not read with --locales elsewhere
    elsewhere = tmp_path / "translations" / "nb" / "LC_MESSAGES" / "messages.po"
    for po in (decoy, elsewhere):
        po.parent.mkdir(parents=True)
        po.write_text('msgid ""\nmsgstr ""\n')
    assert build(project, "--locales", str(tmp_path / "translations")).exit_code == 0
    inputs = Manifest.read(project / "output").inputs
    assert inputs["product_data/landing_pages.toml"] == sha(project / "product_data" / "landing_pages.toml")
    assert inputs[elsewhere.resolve().as_posix()] == sha(elsewhere)
    assert "locales/nb/LC_MESSAGES/messages.po" not in inputs
    assert {"feedgen:pages/templates/campaign.html", "feedgen:pages/static/pages.css",
            "feedgen:locales/nb/LC_MESSAGES/messages.po"} <= set(inputs)


def test_two_builds_from_the_same_inputs_are_byte_identical(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    assert build(project, out=tmp_path / "a").exit_code == 0
    assert build(project, out=tmp_path / "b").exit_code == 0
    first = snapshot(tmp_path / "a")
    assert set(first) >= {"manifest.json", "report.html", "google/no.xml"}
    assert snapshot(tmp_path / "b") == first
    # Rebuilding over itself changes no byte either, report.html included.
    assert build(project, out=tmp_path / "a").exit_code == 0
    assert snapshot(tmp_path / "a") == first


def test_stamp_adds_the_build_time(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    assert build(project, "--stamp").exit_code == 0
    data = json.loads((project / "output" / "manifest.json").read_text())
    built = datetime.fromisoformat(data["built_at"])
    assert built.utcoffset() is not None and built.utcoffset().total_seconds() == 0
    assert f"built {data['built_at']}" in (project / "output" / "report.html").read_text()


def test_a_broken_previous_manifest_is_ignored_with_a_warning(small_built: Path) -> None:
    project = small_built
    (project / "output" / "manifest.json").write_text("{not json")
    result = build(project)
    assert result.exit_code == 0, result.output
    assert "ignoring" in result.output and "not a feedgen manifest" in result.output
    assert Manifest.read(project / "output") is not None
