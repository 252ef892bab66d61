"""Masking placeholders/markup/terms for machine translation, and cutting text into engine-sized pieces."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedgen.i18n import MESSAGES, PRODUCTS
from feedgen.i18n.masking import Masker, MaskError, segment


def test_ui_placeholders_markup_and_terms_are_masked_and_restored():
    masker = Masker(MESSAGES, ["Alfa Sko"])
    source = "Free shipping from %(amount)s at <strong>Alfa Sko</strong> – 100%% happy, {{ name }}"
    masked = masker.mask(source)
    assert "%(amount)s" not in masked.text and "<strong>" not in masked.text and "Alfa Sko" not in masked.text
    assert "{{" not in masked.text and "%%" not in masked.text
    engine_output = masked.text.replace("Free shipping from", "Gratis frakt fra").replace("happy", "fornøyd")
    assert masker.mask(source).unmask(engine_output) == (
        "Gratis frakt fra %(amount)s at <strong>Alfa Sko</strong> – 100%% fornøyd, {{ name }}")


def test_tokens_survive_engine_spacing_but_not_loss_or_duplication():
    masked = Masker(MESSAGES).mask("Save %(pct)s on <b>boots</b>")
    assert masked.unmask(masked.text.replace("⟦0⟧", "⟦ 0 ⟧")) == "Save %(pct)s on <b>boots</b>"
    with pytest.raises(MaskError, match="missing"):
        masked.unmask(masked.text.replace("⟦1⟧", ""))
    with pytest.raises(MaskError, match="duplicated"):
        masked.unmask(masked.text + " ⟦0⟧")


def test_product_text_percent_signs_are_plain_text():
    masked = Masker(PRODUCTS).mask("100% silk lining")
    assert masked.text == "100% silk lining" and masked.originals == ()


def test_segments_are_lines_without_their_bullets():
    text = "Intro sentence.\n• Natural rubber\n• Soft lining"
    parts = segment(text, None)
    assert parts.pieces == ["Intro sentence.", "Natural rubber", "Soft lining"]
    assert parts.join(["Innledning.", "Naturgummi", "Mykt fôr"]) == "Innledning.\n• Naturgummi\n• Mykt fôr"


def test_long_lines_are_cut_at_sentence_ends_under_the_engine_limit():
    text = "First sentence is here. Second sentence follows it. Third one ends."
    parts = segment(text, 30)
    assert parts.pieces == ["First sentence is here.", "Second sentence follows it.", "Third one ends."]
    assert parts.join(parts.pieces) == text


@given(st.text(alphabet=st.sampled_from("ab .!\n•-"), max_size=200), st.one_of(st.none(), st.integers(5, 40)))
def test_segment_join_round_trips(text, limit):
    parts = segment(text, limit)
    assert parts.join(parts.pieces) == text
    if limit is not None:
        assert all(len(piece) < limit or " " not in piece for piece in parts.pieces)
