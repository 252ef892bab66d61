"""The offer schema (feedgen.load.offer_schema) is the contract between resolve and the channels:
resolve's frame has exactly the declared columns, of the declared kinds, and every channel writes
the same bytes when it is given only the columns it declares in `reads`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.channels import CHANNELS
from feedgen.load.offer_schema import OFFER_COLUMNS, OFFER_SCHEMA, offer_columns
from feedgen.resolve.offers import resolve

from .conftest import AS_OF, copy_sample
from .helpers import build_project
from .publishing_helpers import snapshot

KIND_CHECKS = {
    "money": lambda value: value is None or isinstance(value, Decimal),
    "date": lambda value: value is None or (isinstance(value, date) and not hasattr(value, "hour")),
    "bool": lambda value: isinstance(value, (bool,)) or type(value).__name__ == "bool_",
    "count": lambda value: isinstance(value, int) or type(value).__name__.startswith("int"),
    "number": lambda value: isinstance(value, (int, float)) or type(value).__name__.startswith(("int", "float")),
    "text": lambda value: isinstance(value, str),
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory):
    root = copy_sample(tmp_path_factory.mktemp("schema"))
    return load_sources(BuildRequest(data_dir=root / "product_data", as_of=AS_OF))


def test_resolve_sets_exactly_the_declared_columns_of_the_declared_kinds(sources) -> None:
    before_rules = {column.name for column in OFFER_COLUMNS if column.set_by != "rules"}
    for market in sources.config.markets.values():
        offers = resolve(sources, market).offers
        assert set(offers.columns) == before_rules, market.id
        for name in offers.columns:
            check = KIND_CHECKS[OFFER_SCHEMA[name].kind]
            wrong = [value for value in offers[name].tolist() if not check(value)]
            assert not wrong, f"{market.id} {name} ({OFFER_SCHEMA[name].kind}): {wrong[:3]}"


def test_a_column_nobody_sets_cannot_be_declared() -> None:
    with pytest.raises(KeyError, match="not offer columns .*: colour"):
        offer_columns("sku", "colour")


@pytest.mark.parametrize("name", sorted(CHANNELS))
def test_every_channel_declares_what_it_reads(name: str) -> None:
    channel = CHANNELS[name]
    assert channel.reads, f"{name} declares no offer columns"
    assert set(channel.required_fields) <= channel.reads | {"price"}


def test_channels_given_only_their_declared_columns_write_the_same_bytes(tmp_path: Path, monkeypatch) -> None:
    """Run the sample build twice: as it is, and with each channel's `prepare` and `write` seeing only
    the columns it declares. A column a channel reads without declaring it fails (KeyError) or changes
    a byte; then `reads` is wrong, and a new channel's author could not trust the schema."""
    whole = copy_sample(tmp_path / "whole")
    build_project(whole, as_of=AS_OF, jobs=1, pages=False)
    expected = snapshot(whole / "output")

    def only_declared(channel_class, method):
        original = getattr(channel_class, method)

        def restricted(self, *args, **kwargs):
            # prepare(market_offers, blocked); write(items, market_offers, stage): `items` come from
            # prepare's answer on the narrowed view, with the columns prepare itself derived
            position = 0 if method == "prepare" else 1
            market_offers = args[position]
            keep = [column for column in market_offers.offers.columns if column in channel_class.reads]
            view = type(market_offers)(market_offers.market, market_offers.offers[keep], market_offers.diagnostics,
                                       market_offers.excluded, market_offers.reported)
            return original(self, *args[:position], view, *args[position + 1:], **kwargs)

        monkeypatch.setattr(channel_class, method, restricted)

    for channel_class in CHANNELS.values():
        only_declared(channel_class, "prepare")
        only_declared(channel_class, "write")
    narrow = copy_sample(tmp_path / "narrow")
    build_project(narrow, as_of=AS_OF, jobs=1, pages=False)
    got = snapshot(narrow / "output")
    assert sorted(got) == sorted(expected)
    different = [path for path in expected if got[path] != expected[path] and not path.startswith(".feedgen")
                 and path not in ("report.html",)]
    assert not different, different
