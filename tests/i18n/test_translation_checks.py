"""Checks that keep a translation from breaking a template or a feed (SPECS Part B §1 pitfalls 3, 4, 9)."""

from __future__ import annotations

from feedgen.i18n import MESSAGES, PRODUCTS
from feedgen.i18n.checks import advisories, problems


def test_renamed_or_lost_placeholders():
    assert problems("Save %(pct)s", "Sparen Sie %(Anzahl)s", MESSAGES) == [
        "placeholders differ from the source (lost %(pct)s; added %(Anzahl)s)"]
    assert problems("Hi {{ name }}", "Hei", MESSAGES)[0].startswith("placeholders differ")
    assert problems("Save %(pct)s", "Spar %(pct)s", MESSAGES) == []


def test_bare_percent_breaks_newstyle_gettext():
    # Jinja2 newstyle %-formats every string: "…%(pct)s%" raises ValueError: incomplete format at render time.
    assert any("bare %" in p for p in problems("Save %(pct)s%%", "Sparen Sie %(pct)s%", MESSAGES))
    assert problems("Save %(pct)s%%", "Sparen Sie %(pct)s %%", MESSAGES) == []
    assert problems("100% silk", "100 % Seide", PRODUCTS) == []  # product text is never formatted


def test_markup_injected_or_lost():
    assert problems("Waterproof boots", "Wasserdichte <script>alert(1)</script>Stiefel", PRODUCTS) == [
        "markup not in the source: </script>, <script>"]
    assert problems("Read <a href=\"/r\">returns</a>", "Lies Rückgabe", MESSAGES) == [
        'markup of the source lost: </a>, <a href="/r">']
    assert problems("Black", "Schwarz", PRODUCTS) == []


def test_advisories_for_channel_limits_and_colour_lists():
    limits = {"title": [("google", 150)], "color": [("google", 40)]}
    assert advisories("AS-1001:title", "x", "y" * 151, limits) == ["151 characters: over google's 150-character title limit"]
    assert advisories("AS-1001:title", "x", "y" * 150, limits) == []
    assert advisories("color", "Navy/White", "Marineblå og hvit", limits) == ["2 colour(s) in the source, 1 in the translation"]
    assert advisories("color", "Navy/White", "Marineblå/hvit", limits) == []
