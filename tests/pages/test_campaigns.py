"""landing_pages.toml: strict checking, one line per mistake, exit 2 and nothing written."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedgen.cli import main
from feedgen.errors import InputError

from feedgen.pages.campaigns import load_campaigns
from feedgen.channels import read_markets

from ..conftest import SAMPLE_DATA

GOOD = """
[[campaigns]]
slug = "rain"
hero_styles = ["AS-1020"]
headline = "Dry feet"
story = "Rain boots for rainy days."
offer = "New"
valid_until = 2027-01-31
markets = ["no", "GB"]
"""


def load(tmp_path: Path, text: str, markets: Path = SAMPLE_DATA / "markets.toml"):
    path = tmp_path / "landing_pages.toml"
    path.write_text(text, encoding="utf-8")
    return load_campaigns(path, read_markets(markets))


def test_sample_campaigns_load() -> None:
    campaigns = load_campaigns(SAMPLE_DATA / "landing_pages.toml", read_markets(SAMPLE_DATA / "markets.toml"))
    assert len(campaigns) >= 3
    assert all(1 <= len(c.hero_styles) <= 2 for c in campaigns)


def test_a_good_campaign(tmp_path) -> None:
    [campaign] = load(tmp_path, GOOD)
    assert campaign.markets == ("NO", "GB")  # markets.toml order, case-insensitive ids
    assert campaign.valid_until == date(2027, 1, 31)
    assert campaign.context("headline") == "campaign:rain:headline"


def test_missing_file_means_no_pages(tmp_path) -> None:
    assert load_campaigns(tmp_path / "none.toml", read_markets(SAMPLE_DATA / "markets.toml")) == []


@pytest.mark.parametrize("change, message", [
    (('["AS-1020"]', '["AS-1020", "AS-1021", "AS-1022"]'), "a landing page sells one thing"),
    (('["AS-1020"]', '["AS-1020", "AS-1020"]'), "different style ids"),
    (('"no", "GB"', '"NO", "UK"'), "unknown market 'UK'"),
    (('slug = "rain"', 'slug = "Rain Boots"'), "slug must be lower-case"),
    (("2027-01-31", '"31.01.2027"'), "valid_until must be a TOML date"),
    (('offer = "New"', 'offer = ""'), "offer must be a non-empty string"),
    (('offer = "New"', 'offre = "New"'), "unknown key 'offre'"),
])
def test_bad_campaigns_are_input_errors(tmp_path, change, message) -> None:
    with pytest.raises(InputError) as raised:
        load(tmp_path, GOOD.replace(*change))
    assert message in raised.value.one_line()


def test_an_error_points_at_the_line_of_its_key_in_its_campaign(tmp_path) -> None:
    # Review #19: campaigns share TomlFile's line finding (the nth [[campaigns]], then the key)
    text = GOOD + GOOD.replace('slug = "rain"', 'slug = "snow"').replace("2027-01-31", '"soon"')
    with pytest.raises(InputError) as raised:
        load(tmp_path, text)
    assert "campaigns[1] (snow): valid_until must be a TOML date" in raised.value.one_line()
    assert text.splitlines()[raised.value.row - 1] == 'valid_until = "soon"'


def test_extraction_reads_toml_through_the_one_reader(tmp_path) -> None:
    # Review #19: pages/extract called tomllib directly (a syntax error escaped as TOMLDecodeError).
    import io

    from feedgen.pages.extract import campaign_strings, payment_method_names

    broken = io.BytesIO(b'[payment_methods]\nvipps = { name = "Vipps", kind = "wallet" }\ncard = { name = "Card"\n')
    broken.name = "markets.toml"
    with pytest.raises(InputError) as raised:
        list(payment_method_names(broken, None, None, None))
    assert raised.value.row == 3 and "invalid TOML" in raised.value.message
    good = io.BytesIO(GOOD.encode("utf-8"))
    lines = {context: line for line, _, (context, _), _ in campaign_strings(good, None, None, None)}
    assert lines == {"campaign:rain:headline": 5, "campaign:rain:story": 6, "campaign:rain:offer": 7}


def test_duplicate_slug_and_market_without_landing_url(tmp_path) -> None:
    with pytest.raises(InputError, match="duplicate slug"):
        load(tmp_path, GOOD + GOOD)
    markets = tmp_path / "markets.toml"
    text = (SAMPLE_DATA / "markets.toml").read_text(encoding="utf-8")
    markets.write_text(text.replace('landing_url = "https://www.alfasko.no/kampanje/{slug}"\n', ""), encoding="utf-8")
    with pytest.raises(InputError, match="market NO has no landing_url"):
        load(tmp_path, GOOD, markets)


def test_landing_url_is_checked_in_markets_toml(tmp_path) -> None:
    markets = tmp_path / "markets.toml"
    text = (SAMPLE_DATA / "markets.toml").read_text(encoding="utf-8")
    markets.write_text(text.replace("https://www.alfasko.no/kampanje/{slug}", "http://www.alfasko.no/kampanje"), encoding="utf-8")
    with pytest.raises(InputError, match=r"markets.NO.landing_url: must be an https:// URL with \{slug\}"):
        read_markets(markets)


def test_bad_campaign_stops_the_build_with_exit_2(project) -> None:
    path = project / "product_data" / "landing_pages.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('["AS-1022"]', '["AS-1022", "AS-1023", "AS-1024"]'),
                    encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, ["build", "--as-of", "2026-11-22", "-m", "no"], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2
    assert "landing_pages.toml" in result.output and "sells one thing" in result.output
    assert not (project / "output" / "pages").exists() and not (project / "output" / "google").exists()


def _invoke(project: Path, *args: str):
    cwd = os.getcwd()
    os.chdir(project)
    try:
        return CliRunner().invoke(main, ["build", "--as-of", "2026-11-22", "-m", "no", *args], catch_exceptions=False)
    finally:
        os.chdir(cwd)


def test_pages_only_and_no_pages(mini_project) -> None:
    result = _invoke(mini_project, "--pages-only")
    assert result.exit_code == 0, result.output
    assert (mini_project / "output" / "pages" / "no" / "winter-boots.html").is_file()
    assert not (mini_project / "output" / "google").exists()
    grid = result.output.splitlines()
    assert grid[grid.index("items       pages") + 1].split() == ["NO", "3"]  # the summary: 3 pages for NO
    other = mini_project / "other"
    result = _invoke(mini_project, "--no-pages", "-o", str(other))
    assert result.exit_code == 0 and (other / "google" / "no.xml").is_file() and not (other / "pages").exists()
