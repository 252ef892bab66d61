"""Issue #15: regional English, the untranslated policy, review marks per string, termbase, approve.

The sample ships en_US and en_GB catalogues (locales/en_US, locales/en_GB) that hold only the
wording that differs from the (British-leaning) source: US pages and feeds read American, UK ones
British."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_po
from lxml import etree

from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.cli import main
from feedgen.errors import InputError
from feedgen.i18n.catalogues import read_catalogue, status_of, translations_by_key
from feedgen.i18n.localizer import CatalogueLocalizer, for_review

from feedgen.resolve.offers import resolve
from feedgen.pages import LandingPages
from feedgen.pages.site import index_row
from feedgen.pages.texts import summarize, unique
from feedgen.channels import read_markets
from tests.conftest import AS_OF
from tests.publishing_helpers import edit_catalogue

REPO = Path(__file__).resolve().parents[2]
G = "{http://base.google.com/ns/1.0}"


def _titles(feed: Path) -> set[str]:
    return {item.findtext(f"{G}title") for item in etree.parse(str(feed)).iter("item")}


def _cli(project: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--data", str(project / "product_data")])


# ----------------------------------------------------------------------------- US and UK English
def test_us_feeds_and_pages_read_american_and_uk_ones_british(built_sample) -> None:
    out = built_sample.out
    us, gb = _titles(out / "google" / "us.xml"), _titles(out / "google" / "gb.xml")
    assert "Solstreif Men's Leather Sneakers" in us and "Pytt Kids' Rain Boots" in us
    assert "Solstreif Men's Leather Trainers" in gb and "Pytt Kids' Wellies" in gb
    assert not any("Sneakers" in title or "Rain Boots" in title for title in gb)
    us_text = (out / "google" / "us.xml").read_text(encoding="utf-8")
    gb_text = (out / "google" / "gb.xml").read_text(encoding="utf-8")
    for british in ("colour", "mould", "trousers", "pavement", "kindergartens", "<g:color>Grey<"):
        assert british not in us_text, british
    assert "<g:color>Gray<" in us_text and "sidewalks" in us_text and "daycares" in us_text
    assert "<g:color>Grey<" in gb_text and "nurseries" in gb_text and "kindergartens" not in gb_text
    us_page = built_sample.page("US", "city-sneakers").read_text(encoding="utf-8")
    gb_page = built_sample.page("GB", "city-sneakers").read_text(encoding="utf-8")
    assert "Free shipping on orders of $99 or more" in us_page and "New-season colors" in us_page
    assert "business days" in us_page and "working days" in gb_page and "business days" not in gb_page
    assert "Leather trainers for every day in the city" in gb_page and "Free delivery on orders from £75" in gb_page


def test_override_status_counts_the_entries_it_holds(project) -> None:
    result = _cli(project, "translations", "status", "--domain", "products")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("en_US"))
    held = len([m for m in read_catalogue(project / "locales/en_US/LC_MESSAGES/products.po", "products") if m.id])
    assert row.split()[1:6] == [str(held), "0", "0", "0", "0"] and "100.0%" in row and "override of en" in row
    # one override turned fuzzy: 1 of the entries it holds, not 1 of the whole catalogue
    path = project / "locales/en_US/LC_MESSAGES/products.po"
    catalog = read_catalogue(path, "products", "en_US")
    next(m for m in catalog if m.context == "color").flags.add("fuzzy")
    from feedgen.i18n.catalogues import write_catalogue
    write_catalogue(path, catalog, "products")
    result = _cli(project, "translations", "status", "--domain", "products", "--list")
    row = next(line for line in result.output.splitlines() if line.startswith("en_US"))
    assert row.split()[1:4] == [str(held - 1), "0", "1"] and f"{100 * (held - 1) / held:.1f}%" in row
    assert any(line.split()[:3] == ["en_US", "fuzzy", "color"] and line.endswith("Grey")
               for line in result.output.splitlines())


def test_extract_keeps_an_override_sparse_and_marks_a_changed_source(project) -> None:
    before = {m.context for m in read_catalogue(project / "locales/en_GB/LC_MESSAGES/products.po", "products") if m.id}
    edit_catalogue(project, lambda rows: [
        {**row, "title": "Solstreif Men's Low Leather Sneakers"} if row["style_id"] == "AS-1009" else row for row in rows])
    result = _cli(project, "translations", "extract")
    assert result.exit_code == 0, result.output
    catalog = read_catalogue(project / "locales/en_GB/LC_MESSAGES/products.po", "products", "en_GB")
    assert {m.context for m in catalog if m.id} == before  # no empty copies of the template
    title = catalog.get("Solstreif Men's Low Leather Sneakers", context="AS-1009:title")
    assert title is not None and status_of(title) == "fuzzy" and title.string == "Solstreif Men's Leather Trainers"


# ----------------------------------------------------------------------------- untranslated policy
@pytest.fixture(scope="module")
def sample_markets():
    return read_markets(REPO / "product_data" / "markets.toml").markets


def _one_title_missing(tmp_path: Path, sample_sources) -> Path:
    locales = tmp_path / "l10n"
    entries = [(s.context, s.text, f"[de] {s.text}") for s in sample_sources if s.context != "AS-1009:title"]
    write_po(locales / "de" / "LC_MESSAGES" / "products.po", "de", entries)
    return locales


def test_the_default_policy_leaves_untranslated_items_out(tmp_path, sample_items, sample_sources, sample_markets) -> None:
    assert sample_markets["DE"].untranslated == "omit"
    locales = _one_title_missing(tmp_path, sample_sources)
    offers, diagnostics = CatalogueLocalizer(locales, "en").localize(sample_items, sample_markets["DE"])
    assert "AS-1009" not in set(offers["style_id"]) and len(offers) == (sample_items["style_id"] != "AS-1009").sum()
    assert all(title.startswith("[de] ") for title in offers["title"])  # no English left in the market
    left_out = [d for d in diagnostics if d.rule_id == "i18n.text.untranslated"]
    assert {d.sku for d in left_out} == set(sample_items.loc[sample_items["style_id"] == "AS-1009", "sku"])
    assert all(d.severity == "warning" and 'left out of this market (untranslated = "omit")' in d.message for d in left_out)


def test_policy_source_publishes_the_source_text_and_fail_stops(tmp_path, sample_items, sample_sources, sample_markets) -> None:
    locales = _one_title_missing(tmp_path, sample_sources)
    localizer = CatalogueLocalizer(locales, "en")
    offers, _ = localizer.localize(sample_items, replace(sample_markets["DE"], untranslated="source"))
    assert set(offers.loc[offers["style_id"] == "AS-1009", "title"]) == {"Solstreif Men's Leather Sneakers"}
    with pytest.raises(InputError) as error:
        localizer.localize(sample_items, replace(sample_markets["DE"], untranslated="fail"))
    assert 'untranslated = "fail"' in error.value.message and "AS-1009:title" in error.value.message
    assert Path(error.value.path).name == "products.po"


def test_a_market_without_any_catalogue_publishes_nothing_by_default(tmp_path, sample_items, sample_markets) -> None:
    offers, diagnostics = CatalogueLocalizer(tmp_path / "none", "en").localize(sample_items, sample_markets["NO"])
    assert offers.empty and [d.rule_id for d in diagnostics] == ["i18n.catalogue.missing"]
    assert "left out of this market" in diagnostics[0].message
    english, _ = CatalogueLocalizer(tmp_path / "none", "en").localize(sample_items, sample_markets["US"])
    assert len(english) == len(sample_items)  # the source language needs no catalogue


def test_markets_toml_rejects_an_unknown_policy(project) -> None:
    path = project / "product_data" / "markets.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('[markets.DE]\n', '[markets.DE]\nuntranslated = "english"\n'),
                    encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_markets(path)
    assert "markets.DE.untranslated" in error.value.one_line() and "omit, source, fail" in error.value.message


def test_build_keeps_english_out_of_the_german_feed(project, sample_sources) -> None:
    po = project / "locales" / "de" / "LC_MESSAGES" / "products.po"
    catalog = read_catalogue(po, "products", "de")
    title = catalog.get("Solstreif Men's Leather Sneakers", context="AS-1009:title")
    title.string = ""  # a new product title nobody has translated yet
    from feedgen.i18n.catalogues import write_catalogue
    write_catalogue(po, catalog, "products")
    result = CliRunner().invoke(main, ["build", "--data", str(project / "product_data"), "-o", str(project / "output"),
                                       "--as-of", AS_OF.isoformat(), "--market", "DE"])
    assert result.exit_code == 0, result.output
    titles = _titles(project / "output" / "google" / "de.xml")
    assert titles and "Solstreif Men's Leather Sneakers" not in titles
    assert not any(t.startswith("Solstreif") and "Sneakers" in t and "Herren" not in t for t in titles)
    assert "i18n.text.untranslated" in result.output


# ----------------------------------------------------------------------------- review marks per string
def test_review_marks_only_the_changed_title(project) -> None:
    edit_catalogue(project, lambda rows: [
        {**row, "title": "Troll Kids' Insulated Winter Boots"} if row["style_id"] == "AS-1022" else row for row in rows])
    sources = load_sources(BuildRequest(data_dir=project / "product_data", as_of=AS_OF))
    market = sources.config.markets["NO"]
    pages = LandingPages.from_sources(sources, project / "product_data", project / "locales", review=True)
    built = pages.render_market(resolve(sources, for_review(market)))
    page = dict((campaign.slug, page) for campaign, page in built.pages)["kids-winter-boots"]
    flagged = unique(page.flagged)
    assert [(f.status, f.where, f.source) for f in flagged] == [("missing", "product", "Troll Kids' Insulated Winter Boots")]
    assert "1 text on this page needs a human" in page.html
    assert dict(index_row(built))["kids-winter-boots"] == summarize(page.flagged) == {"missing": 1}
    # every mark on the page is that title: the reviewed Norwegian description, colours and bullets are not marked
    root = etree.HTML(page.html)
    marks = root.xpath('//main//mark[contains(@class, "review")]')
    assert marks and {mark.text for mark in marks} == {"Troll Kids' Insulated Winter Boots"}
    # published (not review) pages follow the policy: the style is left out of the NO market
    published = LandingPages.from_sources(sources, project / "product_data", project / "locales")
    plain = published.render_market(resolve(sources, market))
    assert "kids-winter-boots" not in {campaign.slug for campaign, _ in plain.pages}


# ----------------------------------------------------------------------------- termbase and approve
def test_termbase_check_finds_forbidden_terms_and_the_form_of_address(project) -> None:
    path = project / "locales" / "de" / "LC_MESSAGES" / "products.po"
    catalog = read_catalogue(path, "products", "de")
    messages = translations_by_key(catalog)
    feature = messages[("AS-1009:feature", "Stitched rubber cupsole that can be resoled")]
    feature.string = "Genähte Gummisohle, die man neu besohlen kann"
    from feedgen.i18n.catalogues import write_catalogue
    write_catalogue(path, catalog, "products")
    result = _cli(project, "translations", "check")
    assert result.exit_code == 1
    assert "AS-1009:feature: termbase: 'man' breaks the form of address (du)" in result.output
    assert "AS-1009:feature: termbase: source says 'cupsole', the translation must use 'Cupsole'" in result.output


def test_termbase_check_flags_a_british_source_text_left_in_the_us_catalogue(project) -> None:
    path = project / "locales" / "en_US" / "LC_MESSAGES" / "products.po"
    catalog = read_catalogue(path, "products", "en_US")
    catalog.delete("Grey", context="color")
    from feedgen.i18n.catalogues import write_catalogue
    write_catalogue(path, catalog, "products")
    result = _cli(project, "translations", "check")
    assert result.exit_code == 1
    assert "'color' is not overridden and its source text breaks the en_US termbase: forbidden term 'Grey'" in result.output


def test_approve_keeps_the_machine_provenance(project, sample_sources) -> None:
    path = project / "locales" / "de" / "LC_MESSAGES" / "products.po"
    catalog = read_catalogue(path, "products", "de")
    from feedgen.i18n.catalogues import mark_machine, write_catalogue
    from datetime import date
    message = catalog.get("Black", context="color")
    mark_machine(message, "Schwarz", "google", date(2026, 11, 20))
    write_catalogue(path, catalog, "products")
    listed = _cli(project, "translations", "status", "--list", "-l", "de", "--domain", "products")
    assert any(line.split()[:3] == ["de", "machine", "color"] for line in listed.output.splitlines())
    result = CliRunner().invoke(main, ["translations", "approve", "-l", "de", "--reviewer", "Anna Schmidt",
                                       "--data", str(project / "product_data")])
    assert result.exit_code == 0 and "de: 1 machine translation(s) approved by Anna Schmidt" in result.output
    approved = read_catalogue(path, "products", "de").get("Black", context="color")
    assert status_of(approved) == "reviewed"
    assert approved.user_comments[0] == "MT: google 2026-11-20" and approved.user_comments[1].startswith("Reviewed: Anna Schmidt ")
    # approving by hand (clearing fuzzy in an editor) without a name is a warning of the check
    catalog = read_catalogue(path, "products", "de")
    catalog.get("Black", context="color").user_comments = ["MT: google 2026-11-20"]
    write_catalogue(path, catalog, "products")
    check = _cli(project, "translations", "check")
    assert "machine translation approved without a named reviewer" in check.output


def test_translate_dry_run_says_when_extract_must_run_first(project) -> None:
    edit_catalogue(project, lambda rows: [
        {**row, "title": "Fjellvand Women's Waterproof Trail Boots"} if row["style_id"] == "AS-1001" else row for row in rows])
    result = CliRunner().invoke(main, ["translate", "--dry-run", "-l", "nb", "--data", str(project / "product_data")])
    assert result.exit_code == 0, result.output
    assert "run `feedgen translations extract` first" in result.output
    assert "products.pot: 1 new and 1 vanished source text(s)" in result.output
    assert "nb/LC_MESSAGES/products.po: 1 source text(s) not in the file yet" in result.output
    assert _cli(project, "translations", "extract").exit_code == 0
    again = CliRunner().invoke(main, ["translate", "--dry-run", "-l", "nb", "--data", str(project / "product_data")])
    assert "extract` first" not in again.output


# ----------------------------------------------------------------------------- product_type
def test_product_type_is_localized_after_the_rules_read_it(built_sample) -> None:
    def types(market: str) -> set[str]:
        feed = etree.parse(str(built_sample.out / "google" / f"{market}.xml"))
        return {item.findtext(f"{G}product_type") for item in feed.iter("item")}

    assert "Schuhe > Stiefel > Wanderstiefel" in types("de") and "Sko > Barn > Gummistøvler" in types("no")
    assert "Shoes > Trainers" in types("gb") and "Shoes > Sneakers" in types("us")
    assert not any(path.startswith("Shoes") for path in types("de"))
    # rules.toml matched the source path ("product_type contains 'winter'") in every market alike

    def winter(market: str) -> set[str]:
        feed = etree.parse(str(built_sample.out / "google" / f"{market}.xml"))
        return {item.findtext(f"{G}item_group_id") for item in feed.iter("item")
                if item.findtext(f"{G}custom_label_0") == "winter"}

    assert winter("de") and winter("de") == winter("gb") == winter("no")


def test_an_untranslated_product_type_level_is_cut_not_published_in_english(tmp_path, sample_items, sample_markets) -> None:
    locales = tmp_path / "l10n"
    write_po(locales / "de" / "LC_MESSAGES" / "products.po", "de",
             [("product_type", "Shoes", "Schuhe"), ("product_type", "Boots", "Stiefel")])
    localizer = CatalogueLocalizer(locales, "en")
    offers = sample_items.loc[sample_items["product_type"] == "Shoes > Boots > Hiking Boots"].head(2)
    assert set(localizer.localize_product_type(offers, sample_markets["DE"])["product_type"]) == {"Schuhe > Stiefel"}
    source = replace(sample_markets["DE"], untranslated="source")
    assert set(localizer.localize_product_type(offers, source)["product_type"]) == {"Schuhe > Stiefel > Hiking Boots"}


def test_a_fuzzy_entry_round_trips_without_a_copied_previous_line(tmp_path) -> None:
    """Babel's reader also keeps `#| msgid` as a translator comment; written back it became a second,
    spaced `# | msgid` line, one more per round trip."""
    from feedgen.i18n.catalogues import render_catalogue
    path = tmp_path / "products.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                    '#, fuzzy\n#| msgid "Old"\nmsgctxt "c"\nmsgid "New"\nmsgstr "Ny"\n', encoding="utf-8")
    once = render_catalogue(read_catalogue(path, "products", "nb"), "products")
    path.write_bytes(once)
    assert render_catalogue(read_catalogue(path, "products", "nb"), "products") == once
    assert b"# | msgid" not in once and once.count(b'#| msgid "Old"') == 1
