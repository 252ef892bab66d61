"""UI strings: babel.cfg extraction agrees with the Jinja2 runtime of the pages (SPECS Part B §1 pitfalls 1–5)."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

from babel.messages.frontend import parse_mapping_cfg
from babel.util import pathmatch
from click.testing import CliRunner

from feedgen.cli import main
from feedgen.i18n import MESSAGES, ui
from feedgen.i18n.catalogues import read_catalogue, render_catalogue
from feedgen.pages.render import environment
from feedgen.pages.texts import UiText

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = """\
<h1>{% trans %}Free shipping
   over {{ amount }}{% endtrans %}</h1>
<p>{{ _("Free returns within %(days)s days", days=days) }}</p>
<p>{{ pgettext("payment", "Pay later") }}</p>
<p>{{ _("Save 100%% today") }}</p>
"""


def _jinja_options() -> tuple[str, dict[str, str]]:
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    patterns = [pattern for pattern, method in method_map if method == "jinja2"]
    assert patterns, "babel.cfg has no [jinja2: …] section"
    return patterns[0], options_map[patterns[0]]


def test_babel_cfg_matches_the_pages_runtime():
    """The environment the landing pages are rendered with, not a copy of its settings (review #17)."""
    pattern, options = _jinja_options()
    env = environment(UiText("nb", "en", None, False))
    assert options["silent"] == "false"  # pitfall 1: the default silently skips broken templates
    assert options["newstyle_gettext"] == str(env.newstyle_gettext).lower() == "true"  # pitfall 2
    assert options["trimmed"] == str(env.policies["ext.i18n.trimmed"]).lower() == "true"
    assert options["trim_blocks"] == str(env.trim_blocks).lower()
    assert options["lstrip_blocks"] == str(env.lstrip_blocks).lower()
    for extension in options["extensions"].split(","):  # pitfall 1: removed Jinja 2 extensions would raise
        module, _, name = extension.strip().rpartition(".")
        assert getattr(importlib.import_module(module), name).identifier in env.extensions
    templates = sorted((REPO / "feedgen" / "pages" / "templates").glob("*.html"))
    assert templates and all(pathmatch(pattern, t.relative_to(REPO).as_posix()) for t in templates)


def _site(tmp_path: Path, template: str = TEMPLATE) -> Path:
    root = tmp_path / "site"
    (root / "feedgen" / "pages" / "templates").mkdir(parents=True)
    (root / "feedgen" / "pages" / "templates" / "landing.html").write_text(template, encoding="utf-8")
    shutil.copy(REPO / "babel.cfg", root / "babel.cfg")
    return root


def _extract(project: Path, site: Path):
    """Extract the test site's strings into UI catalogues of its own (not the sample's landing pages)."""
    for existing in (project / "locales").rglob("messages.po*"):
        existing.unlink()
    return CliRunner().invoke(main, ["translations", "extract", "--data", str(project / "product_data"),
                                     "--mapping", str(site / "babel.cfg"), "--languages", "nb"])


def test_extract_render_round_trip(project, tmp_path):
    site = _site(tmp_path)
    result = _extract(project, site)
    assert result.exit_code == 0, result.output
    pot = read_catalogue(project / "locales" / "messages.pot", MESSAGES)
    assert {(m.context, m.id) for m in pot if m.id} == {
        (None, "Free shipping over %(amount)s"),  # trimmed, like the runtime policy
        (None, "Free returns within %(days)s days"),
        ("payment", "Pay later"),
        (None, "Save 100%% today"),
    }
    po = project / "locales" / "nb" / "LC_MESSAGES" / "messages.po"
    catalog = read_catalogue(po, MESSAGES)
    catalog.get("Free shipping over %(amount)s").string = "Fri frakt over %(amount)s"
    catalog.get("Free returns within %(days)s days").string = "Gratis retur innen %(days)s dager"
    catalog.get("Pay later", context="payment").string = "Betal senere"
    catalog.get("Save 100%% today").string = "Spar 100%% i dag"
    po.write_bytes(render_catalogue(catalog, MESSAGES))

    catalog = ui.ui_catalogue(project / "locales", "nb_NO", "nb")
    assert catalog is not None  # pitfall 5: a missing catalogue is silent
    html = environment(UiText("nb", "en", catalog, False)).from_string(TEMPLATE).render(amount="999 kr", days=100)
    assert "Fri frakt over 999 kr" in html and "Gratis retur innen 100 dager" in html
    assert "Betal senere" in html and "Spar 100% i dag" in html


def test_unsafe_translations_fall_back_to_the_source_at_runtime(project, tmp_path):
    site = _site(tmp_path)
    assert _extract(project, site).exit_code == 0
    po = project / "locales" / "nb" / "LC_MESSAGES" / "messages.po"
    catalog = read_catalogue(po, MESSAGES)
    catalog.get("Free returns within %(days)s days").string = "Gratis retur innen %(days)s dager, 100%"  # bare %
    catalog.get("Pay later", context="payment").string = "<script>alert(1)</script>Betal senere"  # injected markup
    po.write_bytes(render_catalogue(catalog, MESSAGES))
    text = UiText("nb", "en", ui.ui_catalogue(project / "locales", "nb_NO", "nb"), False)
    html = environment(text).from_string(TEMPLATE).render(amount="999 kr", days=100)
    assert "Free returns within 100 days" in html and "Pay later" in html and "<script>" not in html
    assert sorted(problem.split(" (")[0] for _, problem in text.broken) == ["bare %", "markup not in the source: </script>, <script>"]


def test_a_broken_template_fails_extraction_instead_of_yielding_nothing(project, tmp_path):
    site = _site(tmp_path, "<p>{% trans %}Unclosed block\n")
    result = _extract(project, site)
    assert result.exit_code == 2
    assert "landing.html" in result.output and "template syntax error" in result.output


def test_no_catalogue_is_none(tmp_path, monkeypatch):
    monkeypatch.setattr(ui, "PACKAGE_LOCALES", tmp_path / "package")
    assert ui.ui_catalogue(tmp_path, "nb_NO", "nb") is None


def test_the_package_ships_ui_catalogues_for_projects_without_their_own(tmp_path):
    # Review #16: the package-data glob matched nothing, so an installed feedgen rendered English UI.
    assert ui.ui_catalogue_paths(tmp_path, "nb_NO", "nb") == [ui.PACKAGE_LOCALES / "nb" / "LC_MESSAGES" / "messages.po"]
    assert ui.ui_catalogue(tmp_path, "nb_NO", "nb").get("Skip to the offer").string == "Hopp til tilbudet"
    own = tmp_path / "nb" / "LC_MESSAGES" / "messages.po"  # a project's own catalogue replaces it entirely
    own.parent.mkdir(parents=True)
    own.write_text('msgid "Buy now"\nmsgstr "Kjøp"\n', encoding="utf-8")
    assert ui.ui_catalogue_paths(tmp_path, "nb_NO", "nb") == [own]


def test_the_shipped_ui_catalogues_are_the_sample_projects():
    """One source of truth: feedgen/locales/ is a copy of the sample's locales/<lang>/…/messages.po.
    After editing those, run: for l in nb sv da fi de nl en_GB en_US; do mkdir -p feedgen/locales/$l/LC_MESSAGES;
    cp locales/$l/LC_MESSAGES/messages.po feedgen/locales/$l/LC_MESSAGES/; done"""
    project = {p.relative_to(REPO / "locales") for p in (REPO / "locales").glob("*/LC_MESSAGES/messages.po")}
    package = {p.relative_to(ui.PACKAGE_LOCALES) for p in ui.PACKAGE_LOCALES.rglob("*") if p.is_file()}
    assert project and package == project
    for relative in project:
        assert (ui.PACKAGE_LOCALES / relative).read_bytes() == (REPO / "locales" / relative).read_bytes(), relative


def test_every_package_data_glob_ships_something():
    import glob
    import tomllib

    patterns = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["feedgen"]
    shipped = set()
    for pattern in patterns:
        found = {Path(p) for p in glob.glob(str(REPO / "feedgen" / pattern), recursive=True) if Path(p).is_file()}
        assert found, f"package-data glob {pattern!r} matches nothing"
        shipped |= found
    assert (ui.PACKAGE_LOCALES / "nb" / "LC_MESSAGES" / "messages.po").resolve() in {p.resolve() for p in shipped}
