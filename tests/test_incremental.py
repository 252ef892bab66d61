"""Incremental builds: unchanged (market, channel) outputs are taken over, and the result is byte
for byte what building everything again (`--full`) gives over the same previous output."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import feedgen.pipeline.build
from feedgen.pipeline.build import BuildRequest, BuildResult, run
from feedgen.publish.manifest import STATE

from .conftest import AS_OF, Restorable, copy_sample, publish_source_text
from .publishing_helpers import build, edit_catalogue, snapshot


def build_lib(project: Path, out: Path, **options) -> BuildResult:
    return run(BuildRequest(data_dir=project / "product_data", out=out, **{"as_of": AS_OF, **options}))


def rebuilt(result: BuildResult) -> set[str]:
    """Files this build wrote itself (not taken over from the last one)."""
    return {a.path for a in result.artifacts if a.path not in result.reused}


def against_full(project: Path, **options) -> BuildResult:
    """Build project/output incrementally and a copy of the previous output with --full; the two
    must be identical, report and manifest included."""
    out, full = project / "output", project / "full"
    shutil.rmtree(full, ignore_errors=True)
    shutil.copytree(out, full)
    result = build_lib(project, out, **options)
    build_lib(project, full, incremental=False, **options)
    assert snapshot(out) == snapshot(full)
    return result


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Restorable:
    project = copy_sample(tmp_path_factory.mktemp("incremental") / "project")
    first = build_lib(project, project / "output")
    assert not first.reused
    return Restorable(project)


@pytest.fixture
def built(built_once: Restorable) -> Path:
    """The sample project (landing pages, translations, all channels), built once: every test gets
    it back as that first build left it, at the same path."""
    return built_once.restore()


def test_nothing_changed_takes_everything_over_without_loading_the_catalogue(built: Path, monkeypatch) -> None:
    before = snapshot(built / "output")
    report = built / "report-1.json"
    assert build(built, "--report", str(report)).exit_code == 0
    monkeypatch.setattr(feedgen.pipeline.build, "load_sources", lambda request: pytest.fail("the catalogue was loaded"))
    again = build_lib(built, built / "output")
    assert rebuilt(again) == {"pages/index.html"}  # the index is always rendered (finish), from stored rows
    assert snapshot(built / "output") == before  # not a byte changed, report.html and state included
    second = built / "report-2.json"
    assert build(built, "--report", str(second)).exit_code == 0
    assert second.read_text() == report.read_text()  # the same diagnostics, from the stored state


def test_a_changed_market_is_built_again_and_only_that_market(built: Path) -> None:
    markets = built / "product_data" / "markets.toml"
    text = markets.read_text(encoding="utf-8")
    markets.write_text(text.replace('service = "PostNord MyPack", price = 69', 'service = "PostNord MyPack", price = 59'),
                       encoding="utf-8")
    result = against_full(built)
    assert rebuilt(result) == {"google/se.xml", "google_reviews/se.xml", "meta/country-se.csv", "meta/language-sv_SE.csv",
                               "pages/se/index.html", "pages/se/winter-boots.html", "pages/se/city-sneakers.html",
                               "pages/se/kids-winter-boots.html", "pages/index.html"}


def test_a_changed_landing_url_rebuilds_the_pages_that_link_to_it(built: Path) -> None:
    # Every page carries hreflang links to the other markets' versions (and x-default): a page
    # taken over from the last build would still point at DK's old URL.
    markets = built / "product_data" / "markets.toml"
    text = markets.read_text(encoding="utf-8")
    markets.write_text(text.replace("https://www.alfasko.dk/kampagne/{slug}", "https://www.alfasko.dk/tilbud/{slug}"),
                       encoding="utf-8")
    against_full(built)
    norwegian = (built / "output" / "pages" / "no" / "winter-boots.html").read_text(encoding="utf-8")
    assert 'hreflang="da-DK" href="https://www.alfasko.dk/tilbud/winter-boots"' in norwegian


def test_a_new_catalogue_folder_is_named_in_every_markets_hint(project: Path) -> None:
    # A market without a catalogue names the language folders that do exist (i18n.catalogue.missing);
    # that list must follow a folder another market's language adds, not be taken over stale.
    locales = project / "locales"
    publish_source_text(project)  # FI keeps its items (in English) without a catalogue: the hint is what is tested
    shutil.move(locales / "fi", project / "fi-aside")
    shutil.move(locales / "sv", project / "sv-aside")
    build_lib(project, project / "output")
    shutil.move(project / "sv-aside", locales / "sv")
    result = against_full(project)
    [missing] = [d for d in result.diagnostics if d.rule_id == "i18n.catalogue.missing" and d.market == "FI"]
    assert "sv" in missing.message.split("found for:")[1]


def test_a_changed_translation_rebuilds_the_markets_of_its_language(built: Path) -> None:
    po = built / "locales" / "de" / "LC_MESSAGES" / "products.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Schwarz"', 'msgstr "Tiefschwarz"', 1), encoding="utf-8")
    result = against_full(built, jobs=2)
    assert {path.split("/")[1].split(".")[0] for path in rebuilt(result) if path.startswith(("google/", "amazon/"))} == {"de"}
    assert "Tiefschwarz" in (built / "output" / "google" / "de.xml").read_text(encoding="utf-8")


def test_the_catalogue_changes_everything_and_withdrawals_go_out_once(built: Path) -> None:
    edit_catalogue(built, lambda rows: [r for r in rows if r["sku"] != "AS-1001-BRN-36"])
    result = against_full(built)
    assert not result.reused
    assert '"operationType":"DELETE"' in (built / "output" / "amazon" / "us.json").read_text()
    again = against_full(built)  # same inputs: everything kept but Amazon, whose DELETE must not repeat
    assert rebuilt(again) == {"amazon/de.json", "amazon/us.json", "pages/index.html"}
    assert '"operationType":"DELETE"' not in (built / "output" / "amazon" / "us.json").read_text()
    assert rebuilt(against_full(built)) == {"pages/index.html"}


def test_a_file_changed_in_the_output_is_built_again(built: Path) -> None:
    feed = built / "output" / "google" / "no.xml"
    feed.write_bytes(feed.read_bytes() + b"<!-- edited -->")
    result = build_lib(built, built / "output")
    assert "google/no.xml" in rebuilt(result) and "google/se.xml" not in rebuilt(result)
    assert not feed.read_bytes().endswith(b"<!-- edited -->")


@pytest.mark.parametrize("change", [{"as_of": AS_OF.replace(day=AS_OF.day + 1)}, {"on_removed": "zero_stock"}])
def test_the_build_date_and_output_options_are_inputs_too(built: Path, change: dict) -> None:
    result = build_lib(built, built / "output", **change)
    assert not result.reused


def test_errors_and_the_exit_code_survive_a_reused_build(tmp_path: Path, project: Path) -> None:
    edit_catalogue(project, lambda rows: [dict(rows[0], gtin="1234567890123"), *rows[1:]])
    assert build(project).exit_code == 1
    again = build(project)
    assert again.exit_code == 1 and "catalogue.gtin.invalid" in again.output
    state = json.loads((project / "output" / STATE).read_text(encoding="utf-8"))
    assert any(entry[0] == "catalogue.gtin.invalid" for entry in state["catalogue"])


def test_full_builds_everything(built: Path) -> None:
    assert build(built, "--full").exit_code == 0
    assert not build_lib(built, built / "output", incremental=False).reused


def test_a_build_of_some_channels_keeps_what_the_others_remember(built: Path) -> None:
    assert rebuilt(build_lib(built, built / "output", channels=["google"])) == {"pages/index.html"}
    assert rebuilt(build_lib(built, built / "output")) == {"pages/index.html"}  # Meta and Amazon still known


def test_a_changed_image_template_rebuilds_every_page(built: Path) -> None:
    # markets.toml [pages] image_url is outside any [markets.XX] table, yet every page's srcset uses it
    markets = built / "product_data" / "markets.toml"
    text = markets.read_text(encoding="utf-8")
    markets.write_text(text.replace('image_url = "{url}?width={width}"', 'image_url = "{url}?w={width}"'), encoding="utf-8")
    against_full(built)
    page = (built / "output" / "pages" / "fi" / "city-sneakers.html").read_text(encoding="utf-8")
    assert "?w=400 400w" in page and "?width=" not in page


def test_what_a_channel_declares_it_depends_on_is_in_every_key(built: Path, monkeypatch) -> None:
    """A channel says once what its output depends on besides the offers: project files (`inputs`) and
    values (`cache_key`); change either and its outputs are built again, never served stale."""
    from feedgen.channels.google import GoogleChannel

    monkeypatch.setattr(GoogleChannel, "inputs", ("google_labels.csv",))
    monkeypatch.setattr(GoogleChannel, "cache_key", classmethod(lambda cls, config: os.environ.get("LABEL_SET", "")))
    extra = built / "product_data" / "google_labels.csv"
    extra.write_text("label\nwinter\n", encoding="utf-8")
    first = build_lib(built, built / "output")
    assert "product_data/google_labels.csv" in json.loads((built / "output" / "manifest.json").read_text())["inputs"]
    assert "google/no.xml" in rebuilt(first)  # a new input: nothing is reused
    assert rebuilt(build_lib(built, built / "output")) == {"pages/index.html"}
    extra.write_text("label\nsummer\n", encoding="utf-8")
    assert "google/no.xml" in rebuilt(build_lib(built, built / "output"))
    assert rebuilt(build_lib(built, built / "output")) == {"pages/index.html"}
    monkeypatch.setenv("LABEL_SET", "b")
    assert "google/no.xml" in rebuilt(against_full(built))
