"""`feedgen translate`: only missing entries, translation memory, back-off, clean stops, dry-run cost."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests
from babel.messages.catalog import Catalog
from click.testing import CliRunner

from feedgen.cli import main
from feedgen.i18n import MESSAGES, PRODUCTS
from feedgen.cli import translations as commands_module
from feedgen.i18n.backends import FakeBackend, TextRejected, TransientError
from feedgen.i18n.catalogues import read_catalogue, status_of, translations_by_key
from feedgen.i18n.masking import Masker
from feedgen.i18n.translate import RetryPolicy, execute, plan

TODAY = date(2026, 11, 22)
BOOT = "Fjellvand Women's Waterproof Hiking Boots"


def _catalog(entries, language="de", domain=PRODUCTS) -> Catalog:
    catalog = Catalog(locale=language, domain=domain, fuzzy=False)
    for context, msgid, msgstr in entries:
        catalog.add(msgid, msgstr, context=context or None)
    return catalog


def _run(catalogs, backend, domain=PRODUCTS, limit=None, sleeps=None, **kwargs):
    saved = []
    plans = plan(catalogs, Masker(domain, ["Alfa Sko"]), backend.max_chars, limit)
    outcome = execute(plans, backend, "en", domain, today=TODAY, save=saved.append,
                      sleep=(sleeps.append if sleeps is not None else lambda seconds: None), **kwargs)
    return plans, outcome, saved


# ----------------------------------------------------------------------------- the engine room
def test_only_missing_entries_are_sent_and_written_as_fuzzy_machine_text():
    catalog = _catalog([("color", "Black", "Schwarz"), ("color", "White", ""), ("AS-1:title", BOOT, "")])
    backend = FakeBackend(name="google")
    _, outcome, saved = _run({"de": catalog}, backend)
    assert [text for _, _, text in backend.calls] == ["White", BOOT]
    assert outcome.complete and outcome.filled == {"de": 2} and saved == ["de"]
    white = catalog.get("White", context="color")
    assert white.string == "[de] White" and white.fuzzy and white.user_comments == ["MT: google 2026-11-22"]
    assert status_of(white) == "machine" and status_of(catalog.get("Black", context="color")) == "reviewed"


def test_identical_texts_are_sent_once_per_language():
    catalog = _catalog([("AS-1:feature", "Rubber sole", ""), ("AS-2:feature", "Rubber sole", ""), ("AS-3:feature", "Rubber sole", "")])
    backend = FakeBackend()
    plans, outcome, _ = _run({"de": catalog, "sv": _catalog([("AS-1:feature", "Rubber sole", "")], "sv")}, backend)
    assert [(target, text) for _, target, text in backend.calls] == [("de", "Rubber sole"), ("sv", "Rubber sole")]
    assert outcome.filled == {"de": 3, "sv": 1}
    assert plans[0].characters == len("Rubber sole")


def test_a_reviewed_translation_of_the_same_text_is_reused_without_a_call():
    catalog = _catalog([("color", "Black", "Schwarz"), ("AS-9:feature", "Black", "")])
    backend = FakeBackend()
    plans, outcome, _ = _run({"de": catalog}, backend)
    assert backend.calls == [] and plans[0].from_memory == 1 and plans[0].characters == 0
    reused = catalog.get("Black", context="AS-9:feature")
    assert reused.string == "Schwarz" and reused.fuzzy and reused.user_comments == ["MT: memory 2026-11-22 (reviewed text of color)"]


def test_multiline_descriptions_keep_their_lines_and_bullets():
    text = "A tall rubber boot.\n• Natural rubber\n• Soft lining"
    catalog = _catalog([("AS-1:description", text, "")])
    _run({"nb": catalog}, FakeBackend())
    assert catalog.get(text, context="AS-1:description").string == "[nb] A tall rubber boot.\n• [nb] Natural rubber\n• [nb] Soft lining"


def test_ui_placeholders_are_masked_and_restored():
    catalog = _catalog([("", "Free shipping over %(amount)s at Alfa Sko", "")], "nb", MESSAGES)
    backend = FakeBackend(transform=lambda text, target: text.upper())
    _run({"nb": catalog}, backend, domain=MESSAGES)
    assert backend.calls[0][2] == "Free shipping over ⟦0⟧ at ⟦1⟧"
    assert catalog.get("Free shipping over %(amount)s at Alfa Sko").string == "FREE SHIPPING OVER %(amount)s AT Alfa Sko"


def test_engine_output_that_damages_a_placeholder_is_rejected():
    catalog = _catalog([("", "Save %(pct)s today", "")], "de", MESSAGES)
    backend = FakeBackend(transform=lambda text, target: "Heute sparen")  # token dropped
    _, outcome, saved = _run({"de": catalog}, backend, domain=MESSAGES)
    assert outcome.rejected and "protected text damaged" in outcome.rejected[0][2]
    assert catalog.get("Save %(pct)s today").string == "" and saved == []


def test_a_rate_limit_backs_off_and_retries():
    catalog = _catalog([("color", "White", ""), ("color", "Red", "")])
    backend = FakeBackend(failures={1: TransientError("too many requests (HTTP 429)")})
    sleeps = []
    _, outcome, _ = _run({"de": catalog}, backend, sleeps=sleeps, retry=RetryPolicy(attempts=4, first_delay=2))
    assert outcome.complete and outcome.filled == {"de": 2} and sleeps == [2]
    assert [text for _, _, text in backend.calls] == ["White", "Red", "Red"]


def test_persistent_rate_limit_stops_cleanly_and_keeps_finished_work():
    catalog = _catalog([("color", "White", ""), ("color", "Red", ""), ("color", "Blue", "")])
    sv = _catalog([("color", "White", "")], "sv")
    backend = FakeBackend(failures={n: TransientError("too many requests (HTTP 429)") for n in range(1, 10)})
    sleeps = []
    _, outcome, saved = _run({"de": catalog, "sv": sv}, backend, sleeps=sleeps, retry=RetryPolicy(attempts=3, first_delay=1))
    assert outcome.stopped and "gave up after 3 attempts" in outcome.stopped
    assert sleeps == [1, 2]
    assert catalog.get("White", context="color").string == "[de] White" and catalog.get("Red", context="color").string == ""
    assert saved == ["de"] and outcome.filled == {"de": 1}  # sv never started
    assert sv.get("White", context="color").string == ""


def test_a_text_the_engine_rejects_is_skipped_and_the_rest_continue():
    catalog = _catalog([("color", "White", ""), ("color", "Red", "")])
    backend = FakeBackend(failures={0: TextRejected("too long")})
    _, outcome, _ = _run({"de": catalog}, backend)
    assert outcome.rejected == [("de", "color", "too long")] and outcome.filled == {"de": 1}
    assert catalog.get("Red", context="color").string == "[de] Red"


def test_limit_defers_the_rest():
    catalog = _catalog([("color", c, "") for c in ("White", "Red", "Blue")])
    plans, outcome, _ = _run({"de": catalog}, FakeBackend(), limit=2)
    assert plans[0].deferred == 1 and outcome.filled == {"de": 2}


# ----------------------------------------------------------------------------- the command
def _translate(project: Path, *extra: str):
    return CliRunner().invoke(main, ["translate", "--data", str(project / "product_data"), *extra])


def test_dry_run_reports_the_cost_offline_and_changes_nothing(project, translated):
    locales = translated(skip=lambda s: s.context.startswith("AS-1001:"))
    before = {p: p.read_bytes() for p in locales.rglob("*.po")}
    result = _translate(project, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"nb    AS-1001:title            {BOOT}" in result.output
    assert "nothing was sent" in result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines() if line.split()[:1] in (["nb"], ["total"])}
    entries, characters = int(rows["nb"][1]), int(rows["nb"][4])
    assert entries == 7  # title, description, 5 feature bullets
    assert characters > len(BOOT)
    assert {p: p.read_bytes() for p in locales.rglob("*.po")} == before


def test_dry_run_refuses_an_engine_that_lacks_a_language(project, translated):
    translated()
    result = _translate(project, "--dry-run", "--backend", "deepl")
    assert result.exit_code == 2 and "nb" in result.output and "Bokmål" in result.output


def test_translate_fills_missing_entries_with_the_fake_backend(project, translated, monkeypatch):
    locales = translated(["de"], skip=lambda s: s.context == "AS-1001:title" or (s.context == "color" and s.text == "Black"))
    monkeypatch.setattr(commands_module, "make_backend", lambda name, **kwargs: FakeBackend(name=name))
    monkeypatch.setattr(commands_module, "_today", lambda: TODAY)
    result = _translate(project, "--languages", "de")
    assert result.exit_code == 0, result.output
    messages = translations_by_key(read_catalogue(locales / "de" / "LC_MESSAGES" / "products.po", PRODUCTS))
    title = messages[("AS-1001:title", BOOT)]
    assert title.string == f"[de] {BOOT}" and title.fuzzy and title.user_comments == ["MT: google 2026-11-22"]
    assert status_of(messages[("color", "Black")]) == "machine"
    assert sum(status_of(m) == "machine" for m in messages.values()) == 2


def test_translate_with_google_rate_limited_stops_and_keeps_everything(project, translated, monkeypatch):
    locales = translated(["sv"], skip=lambda s: s.context == "color")
    page = '<div class="result-container">Svart</div>'
    answers = iter([("ok", page)])

    class Response:
        def __init__(self, status, text):
            self.status_code, self.text = status, text

        def close(self):
            pass

    def fake_get(url, **kwargs):
        status, text = next(answers, ("429", ""))
        return Response(200 if status == "ok" else 429, text)

    monkeypatch.setattr(requests, "get", fake_get)
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    result = _translate(project, "--languages", "sv", "--backend", "google")
    assert result.exit_code == 1
    assert "stopped" in result.output and "429" in result.output
    messages = translations_by_key(read_catalogue(locales / "sv" / "LC_MESSAGES" / "products.po", PRODUCTS))
    colours = [m for (context, _), m in messages.items() if context == "color"]
    assert sum(m.string == "Svart" for m in colours) == 1
    assert all(status_of(m) in ("machine", "missing") for m in colours)


@pytest.mark.parametrize("backend", ["microsoft", "libre", "deepl"])
def test_engines_needing_a_key_refuse_to_start_without_one(project, translated, monkeypatch, backend):
    translated(["de"], skip=lambda s: s.context == "color")
    for variable in ("MICROSOFT_API_KEY", "LIBRE_API_KEY", "DEEPL_API_KEY"):
        monkeypatch.delenv(variable, raising=False)
    result = _translate(project, "--languages", "de", "--backend", backend)
    assert result.exit_code == 2 and "API key" in result.output
