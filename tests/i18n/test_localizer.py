"""CatalogueLocalizer: reviewed text everywhere, machine text only where the market allows it."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import fake_translation, write_po

from feedgen.errors import InputError
from feedgen.i18n import localizer as localizer_module
from feedgen.i18n.localizer import CatalogueLocalizer

from feedgen.resolve.offers import LOCALIZED_FIELDS
from feedgen.channels import read_markets

SAMPLE_MARKETS = Path(__file__).resolve().parents[2] / "product_data" / "markets.toml"


@pytest.fixture(scope="module")
def markets():
    """The sample's markets with untranslated = "source": these tests are about which text the
    localizer picks; what a market does with text that has none is tested with each policy below."""
    return {key: replace(market, untranslated="source") for key, market in read_markets(SAMPLE_MARKETS).markets.items()}


@pytest.fixture(scope="module")
def sample_markets():
    return read_markets(SAMPLE_MARKETS).markets


def _localize(locales, items, market, **kwargs):
    return CatalogueLocalizer(locales, "en", **kwargs).localize(items, market)


def test_reviewed_translations_replace_every_localized_field(translated, sample_items, markets):
    locales = translated(["de"])
    offers, diagnostics = _localize(locales, sample_items, markets["DE"])
    row = offers.loc[offers["sku"] == sample_items["sku"].iloc[0]].iloc[0]
    source = sample_items.iloc[0]
    assert row["title"] == f"[de] {source['title']}"
    assert row["description"] == f"[de] {source['description']}"
    assert row["color"] == f"[de] {source['color']}"
    assert row["material"] == f"[de] {source['material']}"
    bullets = source["features"].split("|")
    assert row["features"] == "|".join(f"[de] {bullet}" for bullet in bullets)
    assert set(offers["text_status"]) == {"reviewed"}
    assert diagnostics == []
    assert set(LOCALIZED_FIELDS) <= set(offers.columns)
    # untouched columns and row order are preserved
    assert offers["sku"].tolist() == sample_items["sku"].tolist()
    assert offers["price"].tolist() == sample_items["price"].tolist()


def test_html_sourced_description_is_keyed_by_its_plain_text(translated, sample_items, markets):
    locales = translated(["nb"])
    offers, _ = _localize(locales, sample_items, markets["NO"])
    description = offers.loc[offers["style_id"] == "AS-1002", "description"].iloc[0]
    assert description.startswith("[nb] The men's Fjellvand")
    assert "\n• Waterproof, breathable membrane\n" in description


def test_missing_entries_fall_back_to_source_with_a_warning_per_sku(translated, sample_items, markets):
    locales = translated(["sv"], skip=lambda s: s.context == "AS-1001:title")
    offers, diagnostics = _localize(locales, sample_items, markets["SE"])
    as1001 = offers["style_id"] == "AS-1001"
    assert (offers.loc[as1001, "title"] == "Fjellvand Women's Waterproof Hiking Boots").all()
    assert set(offers.loc[as1001, "text_status"]) == {"source"}
    assert set(offers.loc[~as1001, "text_status"]) == {"reviewed"}
    untranslated = [d for d in diagnostics if d.rule_id == "i18n.text.untranslated"]
    assert {d.sku for d in untranslated} == set(offers.loc[as1001, "sku"])
    assert all(d.severity == "warning" and d.field == "title" and d.market == "SE" for d in untranslated)


def test_machine_translation_needs_the_market_switch(translated, sample_items, markets):
    locales = translated(["da"], translate=lambda lang, text: f"MT {text}", machine=lambda s: s.context == "AS-1003:title")
    refused, diagnostics = _localize(locales, sample_items, markets["DK"])
    as1003 = refused["style_id"] == "AS-1003"
    assert (refused.loc[as1003, "title"] == "Trolltunga Men's Leather Mountain Boots").all()
    assert set(refused.loc[as1003, "text_status"]) == {"source"}
    assert "i18n.text.machine_not_allowed" in {d.rule_id for d in diagnostics}

    allowing = dataclasses.replace(markets["DK"], allow_machine_translation=True)
    used, diagnostics = _localize(locales, sample_items, allowing)
    assert (used.loc[as1003, "title"] == "MT Trolltunga Men's Leather Mountain Boots").all()
    assert set(used.loc[as1003, "text_status"]) == {"machine"}
    machine = [d for d in diagnostics if d.rule_id == "i18n.text.machine"]
    assert {d.sku for d in machine} == set(used.loc[as1003, "sku"]) and all(d.severity == "info" for d in machine)


def test_stale_fuzzy_entries_are_never_used_even_where_machine_text_is_allowed(tmp_path, sample_items, markets):
    title = "Trolltunga Men's Leather Mountain Boots"
    locales = tmp_path / "l10n"  # only the catalogues written here, whatever the sample ships
    write_po(locales / "fi" / "LC_MESSAGES" / "products.po", "fi",
             [("AS-1003:title", title, "Vanha käännös")], fuzzy={("AS-1003:title", title)})
    market = dataclasses.replace(markets["FI"], allow_machine_translation=True)
    offers, _ = _localize(locales, sample_items, market)
    assert (offers.loc[offers["style_id"] == "AS-1003", "title"] == title).all()


def test_require_reviewed_fails_on_anything_unreviewed(translated, sample_items, markets):
    locales = translated(["nl"], machine=lambda s: s.context == "color" and s.text == "Black")
    with pytest.raises(InputError) as caught:
        _localize(locales, sample_items, dataclasses.replace(markets["NL"], allow_machine_translation=True),
                  require_reviewed=True)
    assert "--require-reviewed" in caught.value.message and "1 machine" in caught.value.message
    assert caught.value.path.endswith("nl/LC_MESSAGES/products.po")


def test_require_reviewed_passes_when_complete_and_for_source_language_markets(translated, sample_items, markets):
    locales = translated(["nl"])
    offers, _ = _localize(locales, sample_items, markets["NL"], require_reviewed=True)
    assert set(offers["text_status"]) == {"reviewed"}
    offers, _ = _localize(locales, sample_items, markets["US"], require_reviewed=True)
    assert offers["title"].tolist() == sample_items["title"].tolist()


def test_invalid_translation_is_not_used(translated, sample_items, markets):
    locales = translated(["de"], translate=lambda lang, text: (
        "<script>alert(1)</script>Stiefel" if text == "Fjellvand Women's Waterproof Hiking Boots" else fake_translation(lang, text)))
    offers, diagnostics = _localize(locales, sample_items, markets["DE"])
    assert (offers.loc[offers["style_id"] == "AS-1001", "title"] == "Fjellvand Women's Waterproof Hiking Boots").all()
    invalid = [d for d in diagnostics if d.rule_id == "i18n.translation.invalid"]
    assert len(invalid) == 1 and "markup not in the source" in invalid[0].message and "AS-1001:title" in invalid[0].message


def test_locale_variant_overrides_source_text_only_where_wording_differs(tmp_path, sample_items, markets):
    locales = tmp_path / "l10n"  # only the catalogues written here, whatever the sample ships
    title = "Solstreif Men's Leather Sneakers"
    write_po(locales / "en_GB" / "LC_MESSAGES" / "products.po", "en_GB",
             [("AS-1009:title", title, "Solstreif Men's Leather Trainers")])
    gb, diagnostics = _localize(locales, sample_items, markets["GB"])
    assert (gb.loc[gb["style_id"] == "AS-1009", "title"] == "Solstreif Men's Leather Trainers").all()
    assert (gb.loc[gb["style_id"] != "AS-1009", "title"] == sample_items.loc[sample_items["style_id"] != "AS-1009", "title"]).all()
    assert set(gb["text_status"]) == {"reviewed"} and diagnostics == []
    us, _ = _localize(locales, sample_items, markets["US"])
    assert (us.loc[us["style_id"] == "AS-1009", "title"] == title).all()


def test_regional_catalogue_wins_over_language_catalogue(tmp_path, sample_items, markets):
    locales = tmp_path / "l10n"  # only the catalogues written here, whatever the sample ships
    title = "Solstreif Men's Leather Sneakers"
    write_po(locales / "de" / "LC_MESSAGES" / "products.po", "de", [("AS-1009:title", title, "Ledersneaker")])
    write_po(locales / "de_DE" / "LC_MESSAGES" / "products.po", "de_DE", [("AS-1009:title", title, "Leder-Sneaker")])
    offers, _ = _localize(locales, sample_items, markets["DE"])
    assert set(offers.loc[offers["style_id"] == "AS-1009", "title"]) == {"Leder-Sneaker"}


def test_missing_catalogue_names_the_folders_that_exist(tmp_path, sample_items, markets):
    locales = tmp_path / "l10n"  # only the catalogues written here, whatever the sample ships
    write_po(locales / "no" / "LC_MESSAGES" / "products.po", "nb", [("color", "Black", "Svart")])
    offers, diagnostics = _localize(locales, sample_items, markets["NO"])
    assert set(offers["text_status"]) == {"source"}
    assert [d.rule_id for d in diagnostics] == ["i18n.catalogue.missing"]
    assert "nb/LC_MESSAGES/products.po" in diagnostics[0].message and "found for: no" in diagnostics[0].message


def test_lookups_run_once_per_distinct_text_not_per_row(translated, sample_items, markets, monkeypatch):
    locales = translated(["de"])
    calls = []
    original = localizer_module._Resolver.resolve

    def counting(self, context, text):
        calls.append((context, text))
        return original(self, context, text)

    monkeypatch.setattr(localizer_module._Resolver, "resolve", counting)
    _localize(locales, sample_items, markets["DE"])
    assert len(calls) == len(set(calls))
    assert len(calls) < len(sample_items)  # 593 SKUs, far fewer distinct texts


# One SKU per pattern, rows deliberately not in catalogue order: diagnostics follow the rows, all
# untranslated (source) ones first, then the machine ones; each names its fields in LOCALIZED_FIELDS order.
MIXED_SKUS = ["AS-1028-NAV-40", "AS-1003-BRN-40", "AS-1004-GRY-36", "AS-1002-OLV-40", "AS-1001-GRY-36"]
UNTRANSLATED = "no reviewed da translation; source text used"
MACHINE = "unreviewed machine translation used (allowed in this market)"
MIXED_DIAGNOSTICS = {
    True: [  # allow_machine_translation = true: machine text used, reported as info
        ("i18n.text.untranslated", "warning", "AS-1028-NAV-40", "color", f"color, features: {UNTRANSLATED}"),
        ("i18n.text.untranslated", "warning", "AS-1003-BRN-40", "description", f"description: {UNTRANSLATED}"),
        ("i18n.text.untranslated", "warning", "AS-1002-OLV-40", "title", f"title, description: {UNTRANSLATED}"),
        ("i18n.text.untranslated", "warning", "AS-1001-GRY-36", "title", f"title: {UNTRANSLATED}"),
        ("i18n.text.machine", "info", "AS-1028-NAV-40", "title", f"title, material: {MACHINE}"),
        ("i18n.text.machine", "info", "AS-1003-BRN-40", "title", f"title: {MACHINE}"),
    ],
    False: [  # machine text refused: those fields fall back to the source text
        ("i18n.text.untranslated", "warning", "AS-1028-NAV-40", "title",
         f"title, color, material, features: {UNTRANSLATED}"),
        ("i18n.text.untranslated", "warning", "AS-1003-BRN-40", "title", f"title, description: {UNTRANSLATED}"),
        ("i18n.text.untranslated", "warning", "AS-1002-OLV-40", "title", f"title, description: {UNTRANSLATED}"),
        ("i18n.text.untranslated", "warning", "AS-1001-GRY-36", "title", f"title: {UNTRANSLATED}"),
    ],
}


@pytest.mark.parametrize("allow_machine", [True, False])
def test_row_diagnostics_name_each_skus_fields_in_order(translated, sample_items, markets, allow_machine):
    """Pins the per-SKU messages exactly (the field lists are built per distinct pattern, not per row)."""
    items = sample_items.set_index("sku").loc[MIXED_SKUS].reset_index()
    locales = translated(
        ["da"],
        skip=lambda s: s.context in {"AS-1001:title", "AS-1002:title", "AS-1002:description", "AS-1003:description",
                                     "AS-1028:feature"} or (s.context, s.text) == ("color", "Navy"),
        machine=lambda s: s.context in {"AS-1003:title", "AS-1028:title"}
        or (s.context, s.text) == ("material", "Suede/Sheepskin/Rubber"))
    market = dataclasses.replace(markets["DK"], allow_machine_translation=allow_machine)
    _, diagnostics = _localize(locales, items, market)
    rows = [(d.rule_id, d.severity, d.sku, d.field, d.message) for d in diagnostics if d.rule_id.startswith("i18n.text.")
            and d.rule_id != "i18n.text.machine_not_allowed"]
    assert rows == MIXED_DIAGNOSTICS[allow_machine]
    assert all(d.market == "DK" for d in diagnostics)


def test_a_text_set_counts_distinct_pairs_without_keeping_them_and_names_the_first() -> None:
    """What --require-reviewed and untranslated = "fail" count of a market (issue #19): distinct (msgctxt, msgid)
    pairs, a pair met again in a later slice counted once, kept as 16 bytes each, not as the texts."""
    from feedgen.i18n.localizer import TextSet

    texts = TextSet()
    assert len(texts) == 0 and texts.first is None
    for context, text in [("S2:title", "Boot"), ("color", "Black"), ("S1:description", "Long text " * 50),
                          ("color", "Black"), ("S1:title", "Boot"), ("color", "Black\0")]:
        texts.add(context, text, "missing")
    assert len(texts) == 5  # ("color", "Black") twice; "Black\0" is another text
    assert texts.first == ("S1:description", "Long text " * 50, "missing")
    assert len(texts.digests) == 6 * 16
