"""The catalogues in the repository's locales/: they compile, the template is current, the sample is reviewed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LANGUAGES

from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.cli import main
from feedgen.i18n import PRODUCTS
from feedgen.i18n.catalogues import render_catalogue
from feedgen.i18n.project import I18nProject
from feedgen.resolve.offers import resolve

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "locales"
DATES = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"]*"\n', re.MULTILINE)


def _shipped_files() -> list[Path]:
    return sorted(SHIPPED.glob("*/LC_MESSAGES/*.po")) + sorted(SHIPPED.glob("*.pot"))


# msgfmt --check over every shipped catalogue: tests/i18n/test_quality_gates.py


def test_shipped_catalogues_pass_feedgens_own_checks():
    result = CliRunner().invoke(main, ["translations", "check", "--locales", str(SHIPPED)])
    assert result.exit_code == 0, result.output


def test_shipped_template_matches_the_sample_catalogue():
    """Re-run `feedgen translations extract` when catalogue.csv changes; this catches forgetting it."""
    project = I18nProject.from_paths(REPO / "product_data", SHIPPED)
    expected = render_catalogue(project.template(PRODUCTS), PRODUCTS)
    assert DATES.sub(b"", (SHIPPED / "products.pot").read_bytes()) == DATES.sub(b"", expected)


def _shipped_languages() -> list[str]:
    return [lang for lang in LANGUAGES if (SHIPPED / lang / "LC_MESSAGES" / "products.po").exists()]


def test_shipped_sample_is_fully_reviewed():
    if not _shipped_languages():
        pytest.skip("no product translations in locales/ yet: the reviewed nb/sv/da/fi/de/nl catalogues are added separately")
    result = CliRunner().invoke(main, ["translations", "status", "--data", str(REPO / "product_data"),
                                       "--locales", str(SHIPPED), "--fail-under", "100"])
    assert result.exit_code == 0, result.output


def test_sample_build_has_no_english_left_in_translated_markets():
    if not _shipped_languages():
        pytest.skip("no product translations in locales/ yet: the reviewed nb/sv/da/fi/de/nl catalogues are added separately")
    sources = load_sources(BuildRequest(data_dir=REPO / "product_data", locales_dir=SHIPPED, require_reviewed=True))
    english = sources.catalogue.items.set_index("sku")
    for market in sources.config.markets.values():
        offers = resolve(sources, market).offers.set_index("sku")
        assert set(offers["text_status"]) == {"reviewed"}, market.id
        if market.language == sources.config.project.source_language:
            continue
        for field in ("title", "description"):
            same = offers[field] == english.loc[offers.index, field]
            assert not same.any(), f"{market.id} {field} still English for {list(offers.index[same])[:3]}"
