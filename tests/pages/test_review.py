"""Review status of page texts: fuzzy (machine) and missing strings, highlighted in review mode only."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.resolve.offers import resolve
from feedgen.pages import LandingPages

from feedgen.resolve.history import FILE

from ..conftest import AS_OF, BEFORE_SALE
from ..helpers import build_project
from .pagetools import parse


def edit_po(project: Path, language: str, **changes) -> None:
    """changes: msgid -> ("fuzzy" | "missing" | a reviewed msgstr); campaign keys as 'context|msgid'."""
    path = project / "locales" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for key, change in changes.items():
        context, _, msgid = key.rpartition("|")
        message = catalog.get(msgid, context=context or None)
        assert message is not None, key
        if change == "fuzzy":
            message.flags.add("fuzzy")
        elif change == "missing":
            message.string = ""
        else:
            message.string = change
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0)


def render_no(project: Path, *, review: bool, allow_mt: bool = False):
    if allow_mt:
        markets = project / "product_data" / "markets.toml"
        text = markets.read_text(encoding="utf-8")
        markets.write_text(text.replace("allow_machine_translation = false", "allow_machine_translation = true", 1),
                           encoding="utf-8")
    if not (project / "output" / FILE).exists():  # the prices before the sale: the 30-day reference (feedgen.resolve.history)
        build_project(project, as_of=BEFORE_SALE, market_ids=["NO"])
    sources = load_sources(BuildRequest(data_dir=project / "product_data", as_of=AS_OF))
    pages = LandingPages.from_sources(sources, project / "product_data", project / "locales", review=review)
    pages.history = project / "output" / FILE
    built = pages.render_market(resolve(sources, sources.config.markets["NO"]))
    return {campaign.slug: page for campaign, page in built.pages}, built


HEADLINE = "campaign:kids-winter-boots:headline|Warm, dry feet on every snow day"


@pytest.fixture
def edited(mini_project) -> Path:
    edit_po(mini_project, "nb", **{"Buy now": "fuzzy", "In stock": "missing", HEADLINE: "fuzzy"})
    return mini_project


def test_review_mode_marks_fuzzy_and_missing_with_a_legend_and_counts(edited) -> None:
    pages, _ = render_no(edited, review=True)
    page = pages["kids-winter-boots"]
    html = page.html
    assert '<mark class="review review-fuzzy" title="Buy now">Kjøp nå</mark>' in html
    assert '<mark class="review review-missing">In stock</mark>' in html
    assert ('<h1 id="headline"><mark class="review review-fuzzy" title="Warm, dry feet on every snow day">'
            "Varme, tørre føtter hver snødag</mark></h1>") in html
    root = parse(html)
    assert root.findtext(".//title") == "Varme, tørre føtter hver snødag | Alfa Sko"  # no markup inside <title>
    assert "<mark" not in " ".join(root.xpath("//img/@alt"))
    panel = root.xpath('//aside[@class="review-panel"]')[0].text_content()
    assert "2 machine-translated (fuzzy)" in panel
    # the sample's product text is reviewed, so the product title is shown in Norwegian and not marked
    missing = {f.source for f in page.flagged if f.status == "missing"}
    assert missing == {"In stock"}
    assert "Troll vanntette vintersko til barn" in html and "Troll Kids' Waterproof Winter Boots" not in html
    assert f"{len(missing)} missing (shown in English)" in panel
    assert "In stock" in panel and "Warm, dry feet on every snow day → Varme, tørre føtter hver snødag" in panel
    # reviewed strings are not marked
    assert '<p class="kicker">Testet i norske barnehager</p>' in html  # no discount: a story, not an offer badge


def test_published_pages_carry_no_marks_and_skip_unreviewed_machine_text(edited) -> None:
    pages, built = render_no(edited, review=False)
    html = pages["kids-winter-boots"].html
    assert "<mark" not in html and "review-panel" not in html
    assert ">Buy now<" in html and ">In stock<" in html  # the market does not publish machine translation
    assert "Warm, dry feet on every snow day</h1>" in html
    [warning] = [d for d in built.diagnostics if d.rule_id == "pages.text.untranslated"]
    assert warning.severity == "warning" and "1 missing and 2 unreviewed" in warning.message


def test_a_market_that_allows_machine_translation_shows_it(edited) -> None:
    pages, _ = render_no(edited, review=False, allow_mt=True)
    html = pages["kids-winter-boots"].html
    assert ">Kjøp nå<" in html and "Varme, tørre føtter hver snødag</h1>" in html and "<mark" not in html


def test_a_translation_that_breaks_placeholders_falls_back_to_english(mini_project) -> None:
    edit_po(mini_project, "nb", **{"Save %(percent)s": "Spar %(percent)s%", "Offer valid until %(date)s": "Gjelder til %(dato)s"})
    pages, built = render_no(mini_project, review=False)
    html = pages["winter-boots"].html
    assert "Save 26" in html and "Offer valid until 31. desember 2026" in html
    broken = sorted(d.message for d in built.diagnostics if d.rule_id == "pages.text.bad_placeholder")
    assert len(broken) == 2 and "Offer valid until" in broken[0]


def test_markup_in_a_translation_is_not_used_and_text_is_escaped(mini_project) -> None:
    # The checks of `feedgen translations check` decide (review #18): markup the source lacks is never shown.
    edit_po(mini_project, "nb", **{"Pay with": '<script>alert("po")</script>', "Buy now": 'Kjøp "nå" & spar'})
    pages, built = render_no(mini_project, review=False)
    html = pages["winter-boots"].html
    assert "<script>alert" not in html and "alert(" not in html and "Pay with" in html
    assert "Kjøp &#34;nå&#34; &amp; spar" in html  # a translation is data: escaped, never markup
    [warning] = [d for d in built.diagnostics if d.rule_id == "pages.text.bad_markup"]
    assert "'Pay with'" in warning.message and "markup not in the source" in warning.message


def test_a_regional_catalogue_adds_to_the_language_catalogue(mini_project) -> None:
    # Review #5: locales/nb_NO/…/messages.po with one entry hid every other nb translation.
    regional = mini_project / "locales" / "nb_NO" / "LC_MESSAGES" / "messages.po"
    regional.parent.mkdir(parents=True)
    regional.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                        'msgid "Buy now"\nmsgstr "Kjøp nå!"\n\nmsgid "In stock"\nmsgstr ""\n', encoding="utf-8")
    pages, built = render_no(mini_project, review=False)
    html = pages["winter-boots"].html
    assert ">Kjøp nå!<" in html  # the regional entry wins …
    assert "Hopp til tilbudet" in html and "Skip to the offer" not in html  # … and nb fills the rest,
    assert "På lager" in html  # even where the regional entry is empty
    assert not [d for d in built.diagnostics if d.rule_id == "pages.text.untranslated"]


def test_a_project_without_a_ui_catalogue_gets_the_one_feedgen_ships(mini_project) -> None:
    # Review #16: an installed feedgen carries the UI catalogues (feedgen/locales/).
    (mini_project / "locales" / "sv" / "LC_MESSAGES" / "messages.po").unlink()
    result = build_project(mini_project, market_ids=["SE"])
    assert not [d for d in result.diagnostics if d.rule_id == "pages.text.untranslated"]
    page = (mini_project / "output" / "pages" / "se" / "kids-winter-boots.html").read_text(encoding="utf-8")
    assert "Buy now" not in page and "Köp nu" in page


def test_build_warns_when_a_language_has_no_ui_catalogue(mini_project, monkeypatch) -> None:
    from feedgen.i18n import ui

    monkeypatch.setattr(ui, "PACKAGE_LOCALES", mini_project / "no-package-catalogues")
    (mini_project / "locales" / "sv" / "LC_MESSAGES" / "messages.po").unlink()
    result = build_project(mini_project, market_ids=["SE", "GB"])
    warnings = {d.market: d for d in result.diagnostics if d.rule_id == "pages.text.untranslated"}
    assert set(warnings) == {"SE"}  # English is the source language: nothing to translate for GB
    page = (mini_project / "output" / "pages" / "se" / "kids-winter-boots.html").read_text(encoding="utf-8")
    assert "Buy now" in page and "<mark" not in page
