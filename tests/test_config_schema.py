"""feedgen.config.schema: one declarative reader for every TOML configuration file.

The per-file tests (test_markets, test_rules, test_categories, pages/test_campaigns, importers/test_mapped,
deliver/test_config, hostile/) pin each file's messages; these pin the reader itself and the channel-settings
seam of markets.toml (channels declare their sections as data; the reader knows none of them)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from feedgen.config.schema import (
    REQUIRED, Field, Table, boolean, checked, dotted, in_table, integer, list_of, number, table, text, top, whole,
)
from feedgen.errors import InputError
from feedgen.channels import CHANNELS, read_markets
from feedgen.channels.base import limit_settings
from feedgen.channels.amazon.settings import SETTINGS as AMAZON_SETTINGS
from feedgen.config.markets import ChannelSettings, load_markets
from feedgen.config.tomlfile import TomlFile

from .conftest import SAMPLE_DATA

CHANNEL_SETTINGS = {name: limit_settings(channel.settings, channel.file_limit)  # what read_markets gives the reader
                    for name, channel in CHANNELS.items()}

DOC = '''[shop]
name = "Alfa"
vat = 25
open = true

[shop.hours]
days = [1, 2, 3]
'''
HOURS = Table((Field("days", list_of(whole(1, 7), "must list weekdays 1–7")),))
SHOP = Table((Field("name", text()), Field("vat", number(Decimal(0), Decimal(50))), Field("open", boolean(), False),
              Field("hours", table(HOURS), None), Field("seats", integer(1, 99), 10)))


def read(text: str, schema: Table = SHOP) -> object:
    toml = TomlFile.parse("shop.toml", text)
    return schema.read(toml.data["shop"], dotted(toml, "shop"))


def fails(text: str, schema: Table = SHOP) -> InputError:
    with pytest.raises(InputError) as caught:
        read(text, schema)
    return caught.value


def test_values_are_read_with_defaults_for_absent_keys() -> None:
    assert read(DOC) == {"name": "Alfa", "vat": Decimal(25), "open": True, "hours": {"days": (1, 2, 3)}, "seats": 10}
    assert read('[shop]\nname = "A"\nvat = 1\n')["open"] is False


@pytest.mark.parametrize("text, row, message", [
    (DOC.replace("open = true", "opne = true"), 4, "shop.opne: unknown key 'opne' (allowed: hours, name, open, seats, vat)"),
    (DOC.replace('name = "Alfa"\n', ""), 1, "shop: missing required key 'name'"),
    (DOC.replace("vat = 25", "vat = 51"), 3, "shop.vat: 51 is outside 0–50"),
    (DOC.replace("vat = 25", "vat = nan"), 3, "shop.vat: must be a number, got nan"),
    (DOC.replace("open = true", 'open = "yes"'), 4, "shop.open: must be true or false"),
    (DOC.replace("[1, 2, 3]", "[1, 9]"), 7, "shop.hours.days: must list weekdays 1–7"),
    (DOC + "extra = 1\n", 8, "shop.hours.extra: unknown key 'extra' (allowed: days)"),
    (DOC + "[shop.seats]\n", 8, "shop.seats: must be a number, got {}"),
])
def test_every_problem_names_file_line_and_dotted_key(text, row, message) -> None:
    error = fails(text)
    assert (error.path, error.row, error.message) == ("shop.toml", row, message)


def test_a_non_table_and_the_first_unknown_key_in_file_or_alphabetical_order() -> None:
    assert fails('shop = 5\n').message == "shop: must be a table"
    two = '[shop]\nname = "A"\nvat = 1\nzz = 1\naa = 2\n'
    assert fails(two).message.startswith("shop.zz: unknown key 'zz'")
    sorted_first = Table(SHOP.fields, unknown_sorted=True)
    assert fails(two, sorted_first).message.startswith("shop.aa: unknown key 'aa'")


def test_checks_see_all_values_and_build_makes_the_object() -> None:
    def vat_needs_name(values, place):
        if values["vat"] > 20 and values["name"] == "Alfa":
            raise place.fail("too high for Alfa", "vat")
    schema = Table(SHOP.fields, checks=(vat_needs_name,), build=lambda **values: sorted(values))
    assert fails(DOC, schema).one_line() == "shop.toml, row 3: shop.vat: too high for Alfa"
    assert read(DOC.replace("25", "5"), schema) == ["hours", "name", "open", "seats", "vat"]


def test_open_tables_read_each_key_and_mutable_defaults_are_not_shared() -> None:
    toml = TomlFile.parse("x.toml", '[prices]\nNO = 1\nSE = "x"\n')
    each = Table(each=checked(lambda v, place, key: v, (lambda v: isinstance(v, int), "must be whole")))
    with pytest.raises(InputError, match=r"row 3: prices.SE: must be whole"):
        each.read(toml.data["prices"], dotted(toml, "prices"))
    schema = Table((Field("tags", lambda v, place, key: v, {}),))
    first, second = schema.read({}, dotted(toml, "x")), schema.read({}, dotted(toml, "x"))
    assert first["tags"] == {} and first["tags"] is not second["tags"]


def test_places_word_messages_the_way_each_file_does() -> None:
    toml = TomlFile.parse("rules.toml", '[[rule]]\nname = "a"\n\n[[rule]]\nname = "b"\nwhen = 5\n')
    place = in_table(toml, "rule 2 (b)", "[[rule]]", 1)
    assert place.fail("must be a condition", "when").one_line() == "rules.toml, row 6: rule 2 (b).when: must be a condition"
    assert place.fail("does nothing").one_line() == "rules.toml, row 4: rule 2 (b): does nothing"
    assert place.fail("unknown key 'when'", "when", named=False).message == "rule 2 (b): unknown key 'when'"
    document = top(toml)
    assert document.fail("no such table", "rule").message == "no such table"
    required = Table((Field("rule", lambda v, place, key: v, REQUIRED),))
    assert required.read(toml.data, document)["rule"][1]["name"] == "b"


# ----------------------------------------------------------------------------- markets.toml's channel sections
def markets_text() -> str:
    return (SAMPLE_DATA / "markets.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "markets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_channel_sections_are_data_given_to_the_reader(tmp_path) -> None:
    """A channel adds its markets.toml sections by a registry entry; the reader has no channel in it."""
    # a channel feedgen does not have (every registered one declares at least [<name>] max_file_bytes)
    bing = Table((Field("feed_label", text()),))
    channels = {**CHANNEL_SETTINGS, "bing": ChannelSettings(project=Table((Field("merchant_id", text(), ""),)),
                                                            market=bing, market_required=False)}
    text_with_bing = markets_text().replace('[meta]', '[bing]\nmerchant_id = "123"\n\n[meta]', 1).replace(
        '[markets.NO]\n', '[markets.NO]\nbing = { feed_label = "NO" }\n', 1)
    path = write(tmp_path, text_with_bing)
    with pytest.raises(InputError, match="unknown key 'bing'"):  # not declared: a typo like any other
        read_markets(path)
    config = load_markets(path, channels)
    assert config.markets["NO"].name and config.project.settings["meta"]["layout"] == "localized"
    bad = write(tmp_path, text_with_bing.replace('feed_label = "NO"', 'feed_label = ""'))
    with pytest.raises(InputError, match=r"markets\.NO\.bing\.feed_label: must be a non-empty string"):
        load_markets(bad, channels)


def test_the_amazon_sections_keep_their_messages_and_fields(tmp_path) -> None:
    config = read_markets(SAMPLE_DATA / "markets.toml")
    assert config.project.settings["amazon"]["seller_id"] and config.markets["US"].settings["amazon"].marketplace_id == "ATVPDKIKX0DER"
    assert [f.name for f in AMAZON_SETTINGS.market.fields] == ["marketplace_id", "language_tag", "fulfillment_channel"]
    no_amazon = markets_text().replace(
        'amazon = { marketplace_id = "ATVPDKIKX0DER", language_tag = "en_US", fulfillment_channel = "AMAZON_NA" }\n', "")
    with pytest.raises(InputError, match=r"markets\.US\.channels: the amazon channel needs an amazon = "
                                         r"\{ marketplace_id = … \} entry"):
        read_markets(write(tmp_path, no_amazon))
    without_registry = {name: s for name, s in CHANNEL_SETTINGS.items() if name != "amazon"}
    with pytest.raises(InputError, match=r"\(top level\)\.amazon: unknown key 'amazon'"):
        load_markets(SAMPLE_DATA / "markets.toml", without_registry)
