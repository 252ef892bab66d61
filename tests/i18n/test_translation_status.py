"""`feedgen translations status / check / compile`: the review workflow's read side."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import read_mo
from click.testing import CliRunner
from conftest import fake_translation, write_po

from feedgen.cli import main

BOOT = "Fjellvand Women's Waterproof Hiking Boots"


def _cli(project: Path, *args: str):
    return CliRunner().invoke(main, ["translations", *args, "--data", str(project / "product_data")])


def _row(output: str, language: str) -> list[str]:
    return next(line.split() for line in output.splitlines() if line.split()[:1] == [language])


def test_status_counts_reviewed_machine_fuzzy_missing_and_unused(project, translated, sample_sources):
    locales = translated(["de"], machine=lambda s: s.context == "AS-1001:title", skip=lambda s: s.context == "AS-1002:title")
    po = locales / "de" / "LC_MESSAGES" / "products.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text + '\nmsgctxt "AS-0999:title"\nmsgid "Discontinued boot"\nmsgstr "Eingestellter Stiefel"\n', encoding="utf-8")
    result = _cli(project, "status", "--languages", "de")
    assert result.exit_code == 0, result.output
    total = len(sample_sources)
    assert f"products: {total} source texts (en)" in result.output
    language, reviewed, machine, fuzzy, missing, unused, percent = _row(result.output, "de")
    assert (int(reviewed), int(machine), int(fuzzy), int(missing), int(unused)) == (total - 2, 1, 0, 1, 1)
    assert percent == f"{100 * (total - 2) / total:.1f}%"


def test_status_fail_under_is_a_ci_gate(project, translated):
    translated(skip=lambda s: s.context == "color" and s.text == "Black")
    result = _cli(project, "status", "--fail-under", "100")
    assert result.exit_code == 1 and "below --fail-under 100%" in result.output
    assert _cli(project, "status", "--fail-under", "99").exit_code == 0


def test_status_shows_missing_catalogues_and_folders_no_market_reads(project, sample_sources):
    locales = project / "l10n"  # only what this test writes
    write_po(locales / "no" / "LC_MESSAGES" / "products.po", "nb", [("color", "Black", "Svart")])
    result = _cli(project, "status", "--locales", str(locales))
    assert _row(result.output, "nb")[1:5] == ["0", "0", "0", str(len(sample_sources))]
    assert "(no catalogue)" in " ".join(_row(result.output, "nb"))
    assert "no/LC_MESSAGES/products.po is read by no market" in result.output


def test_check_reports_injected_markup_and_channel_length(project, translated):
    def translate(language, text):
        if text == BOOT:
            return "<b>Fjellvand</b> " + "sehr lange Wanderstiefel " * 8
        return fake_translation(language, text)

    translated(["de"], translate=translate)
    result = _cli(project, "check")
    assert result.exit_code == 1
    assert "error: AS-1001:title: markup not in the source: </b>, <b>" in result.output
    assert "warning: AS-1001:title: 217 characters: over google's 150-character title limit" in result.output


def test_check_passes_clean_catalogues(project, translated):
    translated()
    result = _cli(project, "check")
    assert result.exit_code == 0, result.output
    assert "catalogue(s) checked: 0 error(s)" in result.output


def test_compile_leaves_out_fuzzy_and_unsafe_entries(project):
    locales = project / "locales"
    write_po(locales / "de" / "LC_MESSAGES" / "messages.po", "de", [
        ("", "Free returns", "Kostenlose Rücksendung"),
        ("", "Save %(pct)s%%", "Sparen Sie %(pct)s%"),
        ("", "Fast delivery", "Schnelle Lieferung"),
    ], machine={("", "Fast delivery")})
    result = _cli(project, "compile", "--domain", "messages")
    assert result.exit_code == 1 and "left out" in result.output
    compiled = read_mo(io.BytesIO((locales / "de" / "LC_MESSAGES" / "messages.mo").read_bytes()))
    assert {m.id: m.string for m in compiled if m.id} == {"Free returns": "Kostenlose Rücksendung"}


def test_variant_specific_texts_of_a_style_are_all_source_texts(project, translated, sample_sources):
    # Review #6: only the first variant of each style was extracted, so status said 100 % while the
    # build found untranslated titles.
    import pandas as pd

    from feedgen.i18n.sources import product_sources

    translated(["nb"])
    path = project / "product_data" / "catalogue.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    grey = frame["sku"].str.startswith("AS-1001-GRY")
    assert grey.any() and not grey.iloc[0]
    frame.loc[grey, "title"] += " – Grey"
    frame.loc[grey, "features"] += "|Grey suede upper"
    frame.to_csv(path, index=False)

    keys = {source.key for source in product_sources(pd.read_csv(path, dtype=str, keep_default_na=False))}
    title = frame.loc[grey, "title"].iloc[0]
    assert ("AS-1001:title", title) in keys and ("AS-1001:title", title.removesuffix(" – Grey")) in keys
    assert ("AS-1001:feature", "Grey suede upper") in keys
    result = _cli(project, "status", "--languages", "nb", "--domain", "products")
    assert result.exit_code == 0, result.output
    assert f"products: {len(sample_sources) + 2} source texts (en)" in result.output
    assert int(_row(result.output, "nb")[4]) == 2  # the two new texts are missing


def test_translation_commands_read_a_mapped_catalogue_like_build(project):
    # Review #7: `translations status` read the catalogue without the export mapping that build uses
    # ("required column 'sku' is missing", exit 2).
    import shutil

    from feedgen.load.catalogue import load_catalogue
    from feedgen.i18n.sources import product_sources

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "mapped"
    data = project / "product_data"
    shutil.copy(fixtures / "erp_export.csv", data / "catalogue.csv")
    shutil.copy(fixtures / "mapping.toml", data / "mapping.toml")
    expected = len(product_sources(load_catalogue(fixtures / "erp_export.csv", "auto", fixtures / "mapping.toml",
                                                  defaults={"brand": "Alfa Sko"}).items))
    result = _cli(project, "status", "--domain", "products", "--languages", "nb")  # DATA/mapping.toml, like build
    assert result.exit_code == 0, result.output
    assert f"products: {expected} source texts (en)" in result.output

    (data / "mapping.toml").rename(project / "erp.toml")
    (data / "catalogue.csv").rename(project / "erp.csv")
    result = _cli(project, "status", "--domain", "products", "--catalogue", str(project / "erp.csv"),
                  "--catalogue-format", "mapped", "--catalogue-mapping", str(project / "erp.toml"))
    assert result.exit_code == 0, result.output
    assert f"products: {expected} source texts (en)" in result.output
    dry = CliRunner().invoke(main, ["translate", "--dry-run", "-l", "nb", "--data", str(data), "--catalogue",
                                    str(project / "erp.csv"), "--catalogue-mapping", str(project / "erp.toml")])
    assert dry.exit_code == 0, dry.output


def test_status_reads_only_the_catalogue_not_prices_or_fx_rates(project):
    # A translator's command needs the product text, nothing the build prices with: a broken
    # fx_rates.csv is the build's problem (exit 2 there), not a reason to refuse `status`.
    (project / "product_data" / "fx_rates.csv").write_text("date,currency,per_eur\n2026-11-01,NOK,eleven\n")
    result = _cli(project, "status")
    assert result.exit_code == 0, result.output
    assert _row(result.output, "nb")
    build = CliRunner().invoke(main, ["validate", "--data", str(project / "product_data")])
    assert build.exit_code == 2 and "rate 'eleven' is not a number" in build.output
