"""PO catalogues: the translators' file shape, extract/update like pybabel, round trips, review status."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from click.testing import CliRunner

from feedgen.cli import main
from feedgen.i18n import PRODUCTS
from feedgen.i18n.catalogues import mark_machine, read_catalogue, render_catalogue, status_of, translations_by_key
from tests.conftest import publish_source_text

CONTRACT_PO = '''\
msgid ""
msgstr ""
"Project-Id-Version: Alfa Sko products\\n"
"Language: de\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

#. AS-1002 "Fjellvand Men's Waterproof Hiking Boots": title. Google: 150 characters.
msgctxt "AS-1002:title"
msgid "Fjellvand Men's Waterproof Hiking Boots"
msgstr "Fjellvand Wasserdichte Wanderstiefel für Herren"

msgctxt "AS-1002:description"
msgid ""
"The men's Fjellvand is our best-selling three-season hiking boot, made for "
"everything from forest paths above Bergen to scree-covered ridges in "
"Jotunheimen.\\n"
"• Full-grain nubuck and textile upper\\n"
"• Waterproof, breathable membrane\\n"
"• Cushioned EVA midsole with a supportive TPU shank\\n"
"• Rubber lug sole with a self-cleaning tread pattern"
msgstr ""
"Der Fjellvand für Herren ist unser meistverkaufter Drei-Jahreszeiten-"
"Wanderstiefel.\\n"
"• Obermaterial aus Vollnarben-Nubukleder und Textil\\n"
"• Wasserdichte, atmungsaktive Membran\\n"
"• Gedämpfte EVA-Zwischensohle mit stützendem TPU-Schaft\\n"
"• Gummi-Profilsohle mit selbstreinigendem Profil"

msgctxt "AS-1002:feature"
msgid "Waterproof, breathable membrane with a gusseted tongue"
msgstr "Wasserdichte, atmungsaktive Membran mit Blasebalgzunge"

msgctxt "color"
msgid "Brown"
msgstr "Braun"

msgctxt "material"
msgid "Nubuck/Textile"
msgstr "Nubukleder/Textil"
'''


def _extract(project: Path, *extra: str):
    return CliRunner().invoke(main, ["translations", "extract", "--data", str(project / "product_data"), *extra])


def test_translator_shaped_catalogue_is_read_by_the_build(project):
    path = project / "locales" / "de" / "LC_MESSAGES" / "products.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONTRACT_PO, encoding="utf-8")
    publish_source_text(project)  # the contract catalogue translates a few styles; keep the rest in the market
    from feedgen.pipeline.build import BuildRequest, load_sources
    from feedgen.resolve.offers import resolve

    sources = load_sources(BuildRequest(data_dir=project / "product_data"))
    offers = resolve(sources, sources.config.markets["DE"]).offers
    as1002 = offers[offers["style_id"] == "AS-1002"].iloc[0]
    assert as1002["title"] == "Fjellvand Wasserdichte Wanderstiefel für Herren"
    assert as1002["description"].endswith("• Gummi-Profilsohle mit selbstreinigendem Profil")
    assert as1002["material"] == "Nubukleder/Textil"
    brown = offers[(offers["style_id"] == "AS-1002") & (offers["color"] == "Braun")]
    assert len(brown)


def test_extract_writes_template_and_catalogues_with_translator_context(project):
    shutil.rmtree(project / "locales", ignore_errors=True)
    result = _extract(project)
    assert result.exit_code == 0, result.output
    pot = read_catalogue(project / "locales" / "products.pot", PRODUCTS)
    title = pot.get("Fjellvand Women's Waterproof Hiking Boots", context="AS-1001:title")
    comment = " ".join(title.auto_comments)
    assert "google 150 characters" in comment and "Fjellvand Women's Waterproof Hiking Boots" in comment
    assert pot.get("Navy/White", context="color") is not None
    assert pot.get("Multidirectional rubber lug sole for wet rock and gravel", context="AS-1001:feature") is not None
    description = pot.get(
        "A tall, hand-laid natural rubber boot built for the west coast of Norway, where Bergen sees rain on more "
        "than 200 days a year.\n• Natural rubber, hand-laid from 28 separate pieces\n• Soft cotton jersey lining that "
        "dries quickly\n• Adjustable side buckle for a closer fit at the calf\n• Deep-tread sole that sheds mud and "
        "grips wet quays", context="AS-1020:description")
    assert description is not None
    for language in ("nb", "sv", "da", "fi", "de", "nl"):
        catalog = read_catalogue(project / "locales" / language / "LC_MESSAGES" / "products.po", PRODUCTS)
        assert len(catalog) == len(pot) and not catalog.fuzzy
        assert str(catalog.locale) == language


def test_extract_is_idempotent(project):
    _extract(project)
    before = {p: p.read_bytes() for p in (project / "locales").rglob("*.po*")}
    result = _extract(project)
    assert result.exit_code == 0 and "wrote" not in result.output
    assert {p: p.read_bytes() for p in (project / "locales").rglob("*.po*")} == before


def test_extract_keeps_translations_and_flags_changed_sources_like_pybabel_update(project):
    _extract(project, "--languages", "nb")
    po = project / "locales" / "nb" / "LC_MESSAGES" / "products.po"
    catalog = read_catalogue(po, PRODUCTS)
    catalog.get("Brown", context="color").string = "Brun"
    catalog.get("Fjellvand Women's Waterproof Hiking Boots", context="AS-1001:title").string = "Fjellvand vanntette fjellstøvler til dame"
    po.write_bytes(render_catalogue(catalog, PRODUCTS))

    csv = project / "product_data" / "catalogue.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(
        "Fjellvand Women's Waterproof Hiking Boots", "Fjellvand Women's Waterproof Hiking Boot"), encoding="utf-8")
    assert _extract(project, "--languages", "nb").exit_code == 0
    catalog = read_catalogue(po, PRODUCTS)
    messages = translations_by_key(catalog)
    assert status_of(messages[("color", "Brown")]) == "reviewed"
    changed = messages[("AS-1001:title", "Fjellvand Women's Waterproof Hiking Boot")]
    assert changed.string == "Fjellvand vanntette fjellstøvler til dame"
    assert status_of(changed) == "fuzzy" and changed.previous_id == ["Fjellvand Women's Waterproof Hiking Boots"]
    assert '#| msgid "Fjellvand Women\'s Waterproof Hiking Boots"' in po.read_text(encoding="utf-8")


def test_removed_source_text_becomes_obsolete(project):
    _extract(project, "--languages", "sv")
    po = project / "locales" / "sv" / "LC_MESSAGES" / "products.po"
    catalog = read_catalogue(po, PRODUCTS)
    catalog.get("Yellow", context="color").string = "Gul"
    po.write_bytes(render_catalogue(catalog, PRODUCTS))
    csv = project / "product_data" / "catalogue.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",Yellow,", ",Red,"), encoding="utf-8")
    assert _extract(project, "--languages", "sv").exit_code == 0
    text = po.read_text(encoding="utf-8")
    assert '#~ msgctxt "color"\n#~ msgid "Yellow"\n#~ msgstr "Gul"' in text


def test_round_trip_keeps_machine_marks_comments_and_flags(tmp_path):
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="de", domain=PRODUCTS, fuzzy=False)
    catalog.add("Black", "Schwarz", context="color", auto_comments=["colour name"])
    message = catalog.add("Sand", context="color")
    mark_machine(message, "Sand", "google", date(2026, 11, 22))
    catalog.add("100% cotton lining", "Futter aus 100 % Baumwolle", context="AS-9:feature")
    data = render_catalogue(catalog, PRODUCTS)
    path = tmp_path / "products.po"
    path.write_bytes(data)
    again = read_catalogue(path, PRODUCTS)
    assert render_catalogue(again, PRODUCTS) == data
    sand = again.get("Sand", context="color")
    assert sand.fuzzy and sand.user_comments == ["MT: google 2026-11-22"] and status_of(sand) == "machine"
    cotton = again.get("100% cotton lining", context="AS-9:feature")
    assert "python-format" not in cotton.flags and "no-python-format" in cotton.flags
    if shutil.which("msgfmt"):
        run = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr


@pytest.mark.parametrize(("message", "status"), [
    (Message("Black", "Schwarz"), "reviewed"),
    (Message("Black", ""), "missing"),
    (Message("Black", "Schwarz", flags=["fuzzy"], user_comments=["MT: google 2026-11-22"]), "machine"),
    (Message("Black", "Schwarz", flags=["fuzzy"]), "fuzzy"),
    (Message("Black", "Schwarz", flags=["fuzzy"], user_comments=["MT: google 2026-11-22"], previous_id="Blak"), "fuzzy"),
    (Message("Black", "Schwarz", user_comments=["MT: google 2026-11-22"]), "reviewed"),  # a reviewer removed fuzzy
    (None, "missing"),
])
def test_status_of(message, status):
    assert status_of(message) == status


def test_a_broken_po_file_is_an_input_error_with_its_line(project):
    path = project / "locales" / "fi" / "LC_MESSAGES" / "products.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('msgid ""\nmsgstr ""\n"Language: fi\\n"\n\nmsgctxt "color"\nmsgid "Black"\nmsgstr "Musta\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--data", str(project / "product_data"), "--out", str(project / "out")])
    assert result.exit_code == 2 and "products.po" in result.output


def test_machine_text_for_a_changed_source_is_no_longer_machine_text(project):
    _extract(project, "--languages", "da")
    po = project / "locales" / "da" / "LC_MESSAGES" / "products.po"
    catalog = read_catalogue(po, PRODUCTS)
    mark_machine(catalog.get("Fjellvand Women's Waterproof Hiking Boots", context="AS-1001:title"),
                 "Fjellvand vandtætte vandrestøvler til kvinder", "google", date(2026, 11, 22))
    po.write_bytes(render_catalogue(catalog, PRODUCTS))
    csv = project / "product_data" / "catalogue.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(
        "Fjellvand Women's Waterproof Hiking Boots", "Fjellvand Women's Waterproof Hiking Boot"), encoding="utf-8")
    assert _extract(project, "--languages", "da").exit_code == 0
    text = po.read_text(encoding="utf-8")
    assert "# stale MT: google 2026-11-22" in text
    po.write_text(text.replace('#| msgid "Fjellvand Women\'s Waterproof Hiking Boots"\n', ""), encoding="utf-8")
    message = read_catalogue(po, PRODUCTS).get("Fjellvand Women's Waterproof Hiking Boot", context="AS-1001:title")
    assert status_of(message) == "fuzzy"  # even after an editor dropped the #| line
