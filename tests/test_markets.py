"""markets.toml: the sample loads, and every kind of configuration mistake is one clear InputError."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from feedgen.errors import InputError
from feedgen.channels import read_markets


from .conftest import SAMPLE_DATA


@pytest.fixture
def sample_text() -> str:
    return (SAMPLE_DATA / "markets.toml").read_text(encoding="utf-8")


def load_variant(tmp_path: Path, text: str):
    path = tmp_path / "markets.toml"
    path.write_text(text, encoding="utf-8")
    return read_markets(path)


def test_sample_markets_load_with_their_rules() -> None:
    config = read_markets(SAMPLE_DATA / "markets.toml")
    assert list(config.markets) == ["NO", "SE", "DK", "FI", "DE", "NL", "GB", "US"]
    us, de, gb = config.markets["US"], config.markets["DE"], config.markets["GB"]
    assert (us.currency, us.prices_include_tax, us.size_system, us.locale) == ("USD", False, "US", "en_US")
    assert (de.vat_rate, de.prices_include_tax) == (Decimal(19), True)
    assert gb.country == "GB" and gb.size_system == "UK"
    assert us.settings["amazon"].marketplace_id == "ATVPDKIKX0DER"
    for market in config.markets.values():
        assert 60 <= market.returns.days <= 100  # the brand's return-policy move
    # Sweden: a credit/invoice option is never the first payment method shown.
    assert config.markets["SE"].payment_methods[0].kind != "credit"


def test_market_selection_is_case_insensitive() -> None:
    config = read_markets(SAMPLE_DATA / "markets.toml")
    assert [m.id for m in config.select(["no", "Us"])] == ["NO", "US"]
    with pytest.raises(InputError, match="unknown market 'xx'"):
        config.select(["xx"])


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('currency = "SEK"', 'currency = "SEX"', "markets.SE.currency: unknown currency 'SEX'"),
        ("vat_rate = 19", "vat_rte = 19", "markets.DE.vat_rte: unknown key 'vat_rte'"),
        ('country = "GB"', 'country = "UK"', "'UK' is not an ISO 3166 alpha-2 country"),
        ('locale = "de_DE"', 'locale = "xx_YY"', "markets.DE.locale: 'xx_YY' is not a locale Babel knows"),
        ("days = 60, fees = \"free\", method = \"by_mail\", policy_label = \"de-60-days-free\"",
         "days = 400, fees = \"free\", method = \"by_mail\", policy_label = \"de-60-days-free\"",
         "markets.DE.returns.days: 400 is outside 0–365"),
        ('methods = ["swish", "card"', 'methods = ["klarna_pay_later", "swish", "card"',
         "is a credit option and this market forbids showing credit first"),
        ('size_system = "UK"', 'size_system = "JP"', "'JP' is not one of EU, UK, US"),
        ('timezone = "Europe/Berlin"', 'timezone = "Europe/Bergen"', "unknown time zone"),
        # review #8: a quoted "no" was truthy and switched machine translation on
        ("allow_machine_translation = false", 'allow_machine_translation = "no"',
         "markets.NO.allow_machine_translation: must be true or false"),
        ("display = { whole_units = true }", 'display = { whole_units = "false" }',
         "markets.NO.display.whole_units: must be true or false"),
        ("credit_first_allowed = false", 'credit_first_allowed = "false"',
         "markets.SE.payments.credit_first_allowed: must be true or false"),
        # landing-page rules (issue #18)
        ('reference_price = "lowest_30_days", tax_note = "with_price"', 'reference_price = "lowest_90_days", tax_note = "with_price"',
         "markets.DE.pages.reference_price: 'lowest_90_days' is not one of none, lowest_30_days"),
        ('imprint = "https://www.alfasko.de/impressum"', 'imprint = "http://www.alfasko.de/impressum"',
         "markets.DE.pages.links.imprint: must be an https:// URL"),
        ('withdrawal = "https://www.alfasko.de/widerruf"', 'widerruf = "https://www.alfasko.de/widerruf"',
         "markets.DE.pages.links.widerruf: unknown key 'widerruf'"),
        ('image_url = "{url}?width={width}"', 'image_url = "{url}?w=800"',
         "pages.image_url: must contain {url} and {width}"),
        ("image_widths = [400, 800, 1200]", "image_widths = [800, 400]", "pages.image_widths: must list increasing"),
    ],
)
def test_configuration_mistakes_name_key_and_line(tmp_path, sample_text, old, new, message) -> None:
    assert old in sample_text
    text = sample_text.replace(old, new, 1)
    with pytest.raises(InputError) as caught:
        load_variant(tmp_path, text)
    assert message in caught.value.one_line()
    reported_line = text.splitlines()[caught.value.row - 1]
    assert new in reported_line  # the row points at the offending line


def test_toml_syntax_error_has_line_and_column(tmp_path, sample_text) -> None:
    with pytest.raises(InputError) as caught:
        load_variant(tmp_path, sample_text.replace('name = "Norway"', 'name = "Norway'))
    assert caught.value.row is not None and caught.value.column is not None
    assert "invalid TOML" in caught.value.one_line()


def test_missing_and_directory_paths(tmp_path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_markets(tmp_path / "nope.toml")
    with pytest.raises(InputError, match="is a directory"):
        read_markets(tmp_path)


def test_amazon_channel_needs_a_marketplace(tmp_path, sample_text) -> None:
    text = sample_text.replace(
        'amazon = { marketplace_id = "A1PA6795UKMFR9", language_tag = "de_DE", fulfillment_channel = "AMAZON_EU" }\n', ""
    )
    with pytest.raises(InputError, match="the amazon channel needs"):
        load_variant(tmp_path, text)
