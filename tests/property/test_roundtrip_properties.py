"""Any Unicode text survives each writer and its parser, once XML-forbidden characters are removed.

Text enters the pipeline through the catalogue, which removes what XML 1.0 cannot carry
(feedgen.text.clean_text); from there every writer must hand it to its platform unchanged:
the Google feed (lxml) read back with GoogleChannel.read_items, the Meta feed (csv module, formula
cells neutralised) read back with MetaChannel.read_items, the Amazon feed (json) read back with its
read_items, and a landing page (Jinja2 autoescape, JSON-LD via script_json) read back with
lxml.html and json. The items are the mini catalogue's, resolved once; each example rewrites the
text of every item and writes a real feed into a scratch stage.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from markupsafe import Markup

from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.channels import CHANNELS
from feedgen.channels.base import blocked_by_catalogue
from feedgen.resolve.offers import MarketOffers, resolve
from feedgen.pages.jsonld import product_group, script_json
from feedgen.pages.render import environment
from feedgen.pages.texts import UiText
from feedgen.publish.stage import Stage
from feedgen.text import clean_text, has_unsafe_characters

from ..conftest import MINI, SAMPLE_DATA, publish_source_text
from .profile import PROPERTY, profile

FIELDS = ("title", "description", "color")
# Every code point but lone surrogates (UTF-8 files cannot hold them), control characters included.
any_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
hostile_text = st.one_of(
    any_text,
    st.sampled_from(["=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "'=1", "''@x", "\t=1", "\r\n=1",
                     "</script><script>alert(1)</script>", "]]>", "<![CDATA[x]]>", "&amp;", "a\u2028b\u2029c",
                     "\ufeffBOM", "e\u0301\u0301", "👟\u200d🔥", "\u202eevil", "\x85nel"]),
)


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MarketOffers]:
    root = tmp_path_factory.mktemp("roundtrip")
    shutil.copytree(SAMPLE_DATA, root / "product_data")
    for name in ("catalogue.csv", "fx_rates.csv"):
        shutil.copy(MINI / name, root / "product_data" / name)
    publish_source_text(root)
    sources = load_sources(BuildRequest(data_dir=root / "product_data", out=root / "output", as_of=date(2026, 11, 22)))
    return {market: resolve(sources, sources.config.markets[market]) for market in ("GB", "US")} | {
        "config": sources.config}


def _write(channel_name: str, market: str, resolved, texts: list[str], root: Path) -> dict[str, dict[str, str]]:
    """Prepare the market's items for the channel, give each item the texts, write, read back."""
    channel = CHANNELS[channel_name](resolved["config"])
    offers = resolved[market]
    accepted, _ = channel.prepare(offers, blocked_by_catalogue(offers.offers, {}, channel.required_fields))
    accepted = accepted.copy()
    for index, field in enumerate(FIELDS):
        accepted[field] = [texts[(row + index) % len(texts)] for row in range(len(accepted))]
    stage = Stage(root, "Alfa Sko", scratch=True)
    try:
        artifacts = channel.write(accepted, offers, stage)
        read = CHANNELS[channel_name].read_items
        items: dict[str, dict[str, str]] = {}
        for artifact in artifacts:
            for sku, fields in read(stage.path(artifact.path)).items():
                items.setdefault(sku, {}).update(fields)
    finally:
        stage.discard()
    return {sku: items[sku] for sku in accepted["sku"]} | {"_expected": dict(zip(accepted["sku"], accepted[list(FIELDS)].to_dict("records")))}


@PROPERTY
@given(any_text)
def test_clean_text_leaves_only_characters_xml_can_carry(text: str) -> None:
    cleaned = clean_text(text)
    assert not has_unsafe_characters(cleaned)
    assert clean_text(cleaned) == cleaned
    assert [c for c in text if not has_unsafe_characters(c)] == list(cleaned)  # removes, never changes


def _texts(raw: list[str]) -> list[str]:
    texts = [clean_text(text) for text in raw]
    assume(all(text.strip() for text in texts))
    return texts


# (channel, market, field names in what the parser returns)
WRITERS = {
    "google": ("GB", {"title": "title", "description": "description", "color": "color"}),
    "meta": ("GB", {"title": "title", "description": "description", "color": "color"}),
    "amazon": ("US", {"title": "item_name", "description": "product_description", "color": "color"}),
}


@pytest.mark.parametrize("channel", list(WRITERS))
@profile(40)
@given(raw=st.lists(hostile_text, min_size=1, max_size=7))
def test_text_survives_each_feed_writer_and_its_parser(channel: str, raw: list[str], resolved, tmp_path: Path) -> None:
    texts = _texts(raw)
    market, names = WRITERS[channel]
    read = _write(channel, market, resolved, texts, tmp_path)
    expected = read.pop("_expected")
    assert read
    for sku, fields in read.items():
        for field, name in names.items():
            assert fields.get(name, "") == expected[sku][field], (channel, sku, field)


@profile(60)
@given(raw=st.lists(hostile_text, min_size=1, max_size=3))
def test_text_survives_a_landing_page_and_its_json_ld(raw: list[str], resolved) -> None:
    texts = _texts(raw)
    offers = resolved["GB"].offers
    rows = offers[offers["style_id"] == offers["style_id"].iloc[0]].copy()
    rows["title"] = texts[0]
    rows["color"] = texts[-1]
    data = json.loads(script_json(product_group(rows, resolved["GB"].market, "https://example.com/p")))
    assert data["name"] == texts[0] and data["hasVariant"][0]["color"] == texts[-1]

    ui = UiText("en", "en", None, use_fuzzy=False)
    env = environment(ui)
    page = env.from_string("<!doctype html><title>{{ t|plain }}</title><h1>{{ t }}</h1>"
                           '<img alt="{{ t|plain }}" src="x.jpg">'
                           '<script type="application/ld+json">{{ data }}</script>').render(
        t=ui.product_text(texts[0], "reviewed"), data=Markup(script_json(data)))  # as render_campaign passes it
    root = lxml.html.document_fromstring(page)
    # HTML parsing turns CR and CRLF into LF (HTML Living Standard, "preprocessing the input stream")
    shown = texts[0].replace("\r\n", "\n").replace("\r", "\n")
    assert root.findtext(".//h1") == shown
    assert root.find(".//img").get("alt") == shown
    [script] = root.findall(".//script")
    assert json.loads(script.text) == data
