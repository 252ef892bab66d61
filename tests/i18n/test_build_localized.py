"""The build with catalogues: feeds in each market's language, length limits kept, launch gate."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import LANGUAGES, fake_translation
from lxml import etree

from feedgen.pipeline.build import BuildRequest, run
from feedgen.cli import main
from feedgen.channels import read_markets

from tests.conftest import publish_source_text

G = "{http://base.google.com/ns/1.0}"
MARKET_LANGUAGE = {"NO": "nb", "SE": "sv", "DK": "da", "FI": "fi", "DE": "de", "NL": "nl"}


def _build(project: Path, *extra: str):
    return CliRunner().invoke(main, [
        "build", "--data", str(project / "product_data"), "--out", str(project / "output"), "--as-of", "2026-11-22", *extra,
    ])


def _items(project: Path, market: str) -> list[etree._Element]:
    return etree.parse(str(project / "output" / "google" / f"{market.lower()}.xml")).findall(".//item")


def test_feeds_carry_each_markets_language(project, translated):
    translated()
    result = _build(project)
    assert result.exit_code in (0, 1), result.output
    for market, language in MARKET_LANGUAGE.items():
        items = _items(project, market)
        assert items
        for item in items:  # GMC 7052112: text attributes in the feed's content language
            assert item.findtext(f"{G}title").startswith(f"[{language}] ")
            assert item.findtext(f"{G}description").startswith(f"[{language}] ")
            assert item.findtext(f"{G}color").startswith(f"[{language}] ")
    gb_titles = {item.findtext(f"{G}title") for item in _items(project, "GB")}
    assert "Fjellvand Women's Waterproof Hiking Boots" in gb_titles
    assert "i18n.text.untranslated" not in result.output


def test_translated_title_over_the_google_limit_is_shortened_with_a_warning(project, translated):
    long_title = "Fjellvand wasserdichte Damen-Wanderstiefel " + "mit besonders robuster Vollnarbenleder-Ausstattung " * 4

    def translate(language, text):
        return long_title.strip() if text == "Fjellvand Women's Waterproof Hiking Boots" else fake_translation(language, text)

    translated(["de"], translate=translate)
    result = run(BuildRequest(data_dir=project / "product_data", out=project / "output", market_ids=["DE"]), publish=True)
    shortened = [d for d in result.diagnostics if d.rule_id == "google.title.shortened"]
    assert shortened and all(d.market == "DE" for d in shortened)
    titles = [item.findtext(f"{G}title") for item in _items(project, "DE") if item.findtext(f"{G}item_group_id") == "AS-1001"]
    assert titles and all(len(title) <= 150 and title.endswith("…") for title in titles)  # GMC 6324415: 150 characters
    assert all(" " + title[:-1].split(" ")[-1] + " " in long_title for title in titles)  # cut at a word boundary


def test_offers_record_language_and_text_status(project, translated):
    translated(["nb"], skip=lambda source: source.context == "AS-1001:title")
    publish_source_text(project)  # keep the untranslated style in the market, to see its status
    from feedgen.pipeline.build import load_sources
    from feedgen.resolve.offers import resolve

    sources = load_sources(BuildRequest(data_dir=project / "product_data"))
    offers = resolve(sources, sources.config.markets["NO"]).offers
    assert set(offers["language"]) == {"nb"}
    assert set(offers.loc[offers["style_id"] == "AS-1001", "text_status"]) == {"source"}
    assert set(offers.loc[offers["style_id"] != "AS-1001", "text_status"]) == {"reviewed"}


def test_require_reviewed_fails_the_build_and_writes_nothing(project, translated):
    translated(skip=lambda source: source.context == "color" and source.text == "Black")
    result = _build(project, "--require-reviewed")
    assert result.exit_code == 2
    assert "--require-reviewed" in result.output and "products.po" in result.output
    assert not (project / "output" / "google").exists()


def test_require_reviewed_passes_a_fully_reviewed_project(project, translated):
    translated()
    result = _build(project, "--require-reviewed", "-m", "de,gb")
    assert result.exit_code in (0, 1), result.output
    assert (project / "output" / "google" / "de.xml").exists()


def test_explicit_locales_folder_must_exist(project):
    result = _build(project, "--locales", str(project / "nowhere"))
    assert result.exit_code == 2 and "locales folder not found" in result.output


def test_all_six_languages_are_the_markets_languages(project):
    

    config = read_markets(project / "product_data" / "markets.toml")
    languages = {m.language for m in config.markets.values()} - {config.project.source_language}
    assert languages == set(LANGUAGES)
