"""Google promotions feed: `google_promotions/<market>.txt`, and the `promotion_id` of the Google product feed.

Specs: GMC 2906014 (Promotions feed specification: text feeds, countries), GMC 3398330 (required fields),
GMC 13837465 (promotion_destination; Free_listings only in the US), GMC 13838102 (long_title: 1–60 characters,
the country's language, states the value), GMC 13836990 / 3398485 (effective dates `start/end` with offsets, at
most 183 days; discounts applied at checkout), GMC 7050148 (product promotion_id, 1–50 characters),
GMC 6396257 (a specific_products promotion needs products), GMC 13509015 (rejected when the landing page states
the discounted price); facts and decisions in feedgen/channels/google_promotions/facts.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedgen.channels.google_promotions import GooglePromotionsChannel
from feedgen.channels.google_promotions.facts import COLUMNS, PROMOTION_COUNTRIES
from feedgen.cli import main
from feedgen.errors import InputError
from feedgen.pipeline.build import BuildRequest, run
from feedgen.publish.diff import diff_dirs

from ..conftest import AS_OF, GOLDEN
from ..helpers import assert_golden, build_project, google_items
from ..pages.pagetools import jsonld, parse

REQUIRED = ("promotion_id", "product_applicability", "offer_type", "long_title", "promotion_effective_dates",
            "redemption_channel", "promotion_destination")  # GMC 3398330, 13837465
DATES = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)")
PROMOTED = ("AS-1009", "AS-1010")  # the sample's city-sneakers campaign
SAMPLE_MARKETS = ("NO", "SE", "DK", "FI", "DE", "NL", "GB", "US")
WITH_PROMOTIONS = ("DE", "NL", "GB", "US")  # the sample's markets in GMC 2906014's list
CHANNELS = ["google", "google_promotions"]


def rows(path: Path) -> list[dict[str, str]]:
    """The file as Google reads a text feed: a header, tab-separated cells, the repeated column kept."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and "\r" not in path.read_text(encoding="utf-8")
    header = lines[0].split("\t")
    found = []
    for line in lines[1:-1]:
        cells = line.split("\t")
        assert len(cells) == len(header)
        row: dict[str, str] = {}
        for column, value in zip(header, cells):
            row[column] = f"{row[column]}|{value}".strip("|") if column in row else value
        found.append(row)
    return found


def promotions_toml(project: Path, promotion: str, campaign: str = "city-sneakers") -> None:
    """Replace the sample campaign's [campaigns.promotion] table."""
    path = project / "product_data" / "landing_pages.toml"
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(r"(?s)\[campaigns\.promotion\]\n.*?(?=\n\[\[campaigns\]\]|\Z)",
                          lambda _: promotion.strip() + "\n", text)
    assert count == 1
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from ..conftest import copy_sample
    project = copy_sample(tmp_path_factory.mktemp("promotions"))
    return project, build_project(project, channels=CHANNELS + ["google_reviews"], jobs=1)


def test_a_file_only_where_google_has_promotions_and_a_diagnostic_elsewhere(sample) -> None:
    project, result = sample
    written = sorted(p.name for p in (project / "output" / "google_promotions").iterdir())
    assert written == sorted(f"{m.lower()}.txt" for m in WITH_PROMOTIONS)
    assert set(WITH_PROMOTIONS) <= PROMOTION_COUNTRIES and not {"NO", "SE", "DK", "FI"} & PROMOTION_COUNTRIES
    unsupported = sorted(d.market for d in result.diagnostics if d.rule_id == "google_promotions.country.unsupported")
    assert unsupported == ["DK", "FI", "NO", "SE"]
    assert not [d for d in result.diagnostics if d.channel == "google_promotions" and d.severity == "error"]


@pytest.mark.parametrize("market", WITH_PROMOTIONS)
def test_every_file_follows_the_spec(sample, market) -> None:
    project, _ = sample
    path = project / "output" / "google_promotions" / f"{market.lower()}.txt"
    header = path.read_text(encoding="utf-8").split("\n")[0].split("\t")
    assert tuple(header[:len(COLUMNS)]) == COLUMNS and set(header[len(COLUMNS):]) == {"promotion_destination"}
    (row,) = rows(path)
    for column in REQUIRED:
        assert row[column], column
    assert row["promotion_id"] == "city-sneakers" and re.fullmatch(r"[A-Za-z0-9_-]{1,50}", row["promotion_id"])
    assert (row["product_applicability"], row["offer_type"], row["redemption_channel"]) == (
        "specific_products", "no_code", "online")
    assert (row["coupon_value_type"], row["percent_off"], row["money_off_amount"]) == ("percent_off", "15", "")
    assert len(row["long_title"]) <= 60 and "15" in row["long_title"]
    language = {"DE": "Rabatt", "NL": "korting", "GB": "off", "US": "off"}[market]
    assert language in row["long_title"]  # the country's language (GMC 13838102)
    start, end = DATES.fullmatch(row["promotion_effective_dates"]).groups()
    start_at, end_at = datetime.fromisoformat(start), datetime.fromisoformat(end)
    assert (end_at - start_at).days < 183
    assert start.startswith("2026-11-16T00:00:00") and end.startswith("2027-03-31T23:59:59")
    offsets = {"DE": ("+01:00", "+02:00"), "NL": ("+01:00", "+02:00"), "GB": ("+00:00", "+01:00"),
               "US": ("-05:00", "-04:00")}[market]  # the market's time zone, summer time at the end
    assert (start[-6:], end[-6:]) == offsets
    destinations = row["promotion_destination"].split("|")
    assert destinations == (["Shopping_ads", "Free_listings"] if market == "US" else ["Shopping_ads"])


def test_golden(sample) -> None:
    project, _ = sample
    assert_golden(project / "output" / "google_promotions" / "us.txt", GOLDEN / "google_promotions" / "us.txt")


@pytest.mark.parametrize("market", SAMPLE_MARKETS)
def test_the_product_feed_carries_the_promotion_id_on_exactly_the_campaigns_items(sample, market) -> None:
    project, _ = sample
    items = google_items(project / "output" / "google" / f"{market.lower()}.xml")
    tagged = {sku for sku, item in items.items() if item.get("promotion_id")}
    if market in WITH_PROMOTIONS:
        assert tagged == {sku for sku, item in items.items() if item["item_group_id"][0] in PROMOTED}
        assert tagged and all(items[sku]["promotion_id"] == ["city-sneakers"] for sku in tagged)
    else:
        assert not tagged  # no promotions feed in the market, so no id that points nowhere


@pytest.mark.parametrize("market", SAMPLE_MARKETS)
def test_the_page_names_the_discount_and_keeps_the_feed_price(sample, market) -> None:
    """The page says "15 % off at checkout" in its language and shows the same prices as the feed: the
    promotion's price is never on the page (GMC 13509015)."""
    project, _ = sample
    root = parse(project / "output" / "pages" / market.lower() / "city-sneakers.html")
    (line,) = root.xpath('//p[@class="promotion"]')
    assert line.get("data-promotion") == "city-sneakers" and "15" in line.text_content()
    text = line.text_content()
    assert {"NO": "rabatt i kassen", "SE": "rabatt i kassan", "DK": "rabat i kassen", "FI": "alennus kassalla",
            "DE": "Rabatt an der Kasse", "NL": "korting bij het afrekenen", "GB": "off at checkout",
            "US": "off at checkout"}[market] in text
    items = google_items(project / "output" / "google" / f"{market.lower()}.xml")
    for group in jsonld(root):
        for variant in group["hasVariant"]:
            feed_price = items[variant["sku"]]["price"][0].split()[0]
            assert variant["offers"]["price"] == feed_price  # the catalogue price, not 85 % of it
    if market in WITH_PROMOTIONS:
        (row,) = rows(project / "output" / "google_promotions" / f"{market.lower()}.txt")
        assert row["percent_off"] in text


def test_a_promotion_before_its_start_is_sent_but_not_yet_named_on_the_page(mini_project) -> None:
    """Google reviews a promotion before it runs (effective dates in the future); the page names it only
    once it runs."""
    build_project(mini_project, channels=CHANNELS, market_ids=["GB"], as_of=date(2026, 11, 10))
    (row,) = rows(mini_project / "output" / "google_promotions" / "gb.txt")
    assert row["promotion_effective_dates"].startswith("2026-11-16T00:00:00+00:00/")
    page = parse(mini_project / "output" / "pages" / "gb" / "city-sneakers.html")
    assert not page.xpath('//p[@class="promotion"]')


def test_money_off_with_a_code(mini_project) -> None:
    promotions_toml(mini_project, '''
[campaigns.promotion]
starts = 2026-11-16
money_off = { NOK = 200, SEK = 200, DKK = 150, EUR = 20, GBP = 17.5, USD = 20 }
code = "SOL-20"
long_title = { en = "£17.50 off Solstreif sneakers", de = "20 € Rabatt auf Solstreif-Sneaker" }
''')
    result = build_project(mini_project, channels=CHANNELS, market_ids=["GB", "DE", "NL"])
    (gb,) = rows(mini_project / "output" / "google_promotions" / "gb.txt")
    assert (gb["offer_type"], gb["generic_redemption_code"]) == ("generic_code", "SOL-20")
    assert (gb["coupon_value_type"], gb["money_off_amount"], gb["percent_off"]) == ("money_off", "17.50 GBP", "")
    (de,) = rows(mini_project / "output" / "google_promotions" / "de.txt")
    assert de["money_off_amount"] == "20.00 EUR"
    page = parse(mini_project / "output" / "pages" / "de" / "city-sneakers.html")
    assert page.xpath('//p[@class="promotion"]')[0].text_content() == (
        "20,00\xa0€ Rabatt an der Kasse mit dem Code SOL-20, gültig bis 31. März 2027")
    # NL has no Dutch long title: an error naming where to add it, no file, and no promotion_id in NL's feed
    [missing] = [d for d in result.diagnostics if d.rule_id == "google_promotions.long_title.missing"]
    assert missing.market == "NL" and missing.severity == "error" and "long_title.nl" in missing.message
    assert not (mini_project / "output" / "google_promotions" / "nl.txt").exists()
    nl = google_items(mini_project / "output" / "google" / "nl.xml")
    assert not any(item.get("promotion_id") for item in nl.values())


@pytest.mark.parametrize("promotion, problem", [
    ('starts = 2026-11-16\npercent_off = 15\nmoney_off = { EUR = 5 }', "exactly one of percent_off"),
    ('starts = 2026-11-16', "exactly one of percent_off"),
    ('starts = 2026-11-16\nmoney_off = { EUR = 5, GBP = 4 }', "money_off has no amount in NOK (market NO)"),
    ('starts = 2027-04-01\npercent_off = 15', "promotion.starts is after valid_until"),
    ('starts = 2026-11-16\npercent_off = 95', "outside 1–90"),
    ('starts = 2026-11-16\npercent_off = 15\ncode = "TWO WORDS"', "code must be 1–20 letters"),
    ('starts = 2026-11-16\npercent_off = 15\nlong_title = { en = "' + "x" * 61 + '" }', "at most 60 characters"),
    ('starts = 2026-11-16\npercent_off = 15\ntypo = 1', "unknown key 'typo'"),
])
def test_a_wrong_promotion_is_one_line_and_exit_2(mini_project, promotion, problem) -> None:
    promotions_toml(mini_project, "[campaigns.promotion]\n" + promotion)
    result = CliRunner().invoke(main, ["build", "--data", str(mini_project / "product_data"), "-o",
                                       str(mini_project / "output"), "--as-of", AS_OF.isoformat(), "-c", "google"])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "landing_pages.toml" in errors[0] and problem in errors[0], result.output
    assert "Traceback" not in result.output and not (mini_project / "output").exists()


@pytest.mark.parametrize("title, figure, rule", [
    ("Big sneaker sale", "15", "google_promotions.long_title.invalid"),  # no value stated
])
def test_a_long_title_that_does_not_state_the_discount_is_an_error(mini_project, title, figure, rule) -> None:
    promotions_toml(mini_project, f'[campaigns.promotion]\nstarts = 2026-11-16\npercent_off = {figure}\n'
                                  f'long_title = {{ en = "{title}" }}')
    result = build_project(mini_project, channels=CHANNELS, market_ids=["GB"])
    [found] = [d for d in result.diagnostics if d.rule_id == rule]
    assert found.severity == "error" and "GMC 13838102" in found.message
    assert not (mini_project / "output" / "google_promotions").exists()


def test_a_promotion_longer_than_183_days_is_an_error(mini_project) -> None:
    promotions_toml(mini_project, '[campaigns.promotion]\nstarts = 2026-08-01\npercent_off = 15\n'
                                  'long_title = { en = "15% off" }')
    result = build_project(mini_project, channels=CHANNELS, market_ids=["GB"])
    [found] = [d for d in result.diagnostics if d.rule_id == "google_promotions.dates.too_long"]
    assert "243 days" in found.message and "at most 183" in found.message


def test_hostile_long_title_is_one_neutralised_cell(mini_project) -> None:
    promotions_toml(mini_project, '[campaigns.promotion]\nstarts = 2026-11-16\npercent_off = 15\n'
                                  'long_title = { en = "=HYPERLINK(\\"x\\")\\t15% off\\nnow" }')
    build_project(mini_project, channels=CHANNELS, market_ids=["GB"])
    path = mini_project / "output" / "google_promotions" / "gb.txt"
    (row,) = rows(path)
    assert row["long_title"] == "'=HYPERLINK(\"x\") 15% off now"
    assert GooglePromotionsChannel.read_items(path)["city-sneakers"]["long_title"] == "=HYPERLINK(\"x\") 15% off now"


def test_the_build_cross_checks_the_two_files(tmp_path) -> None:
    """finish() reads the product feed it must agree with: a promotion without products and a promotion_id
    without its promotion are both errors (GMC 6396257)."""
    class Stage:
        def path(self, relative: str) -> Path:
            return tmp_path / relative
    (tmp_path / "google").mkdir()
    (tmp_path / "google" / "gb.xml").write_text(
        '<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>a</g:id>'
        '<g:promotion_id>other</g:promotion_id></item></channel></rss>', encoding="utf-8")
    from feedgen.channels import read_markets
    from ..conftest import SAMPLE_DATA
    channel = GooglePromotionsChannel(read_markets(SAMPLE_DATA / "markets.toml"))
    channel.import_state("GB", ["city-sneakers"])
    channel.import_state("DE", ["city-sneakers"])  # no google/de.xml in this output: nothing to compare
    _, found = channel.finish(Stage())
    assert sorted((d.rule_id, d.market) for d in found) == [
        ("google_promotions.products.orphan", "GB"), ("google_promotions.products.unmapped", "GB")]


def test_the_cross_check_reads_a_split_feed_a_block_at_a_time(tmp_path) -> None:
    """A product feed over Google's file limit is numbered parts (feedgen.channels.parts): the cross-check reads
    every part, and an element cut by a block's end is still found (blocks of 7 bytes here)."""
    from feedgen.channels.google_promotions.channel import product_promotion_ids
    parts = []
    for number, ids in ((1, ["spring-sale", "a&b"]), (2, ["city-sneakers"])):
        path = tmp_path / f"gb-00{number}.xml"
        items = "".join(f"<item><g:id>{n}</g:id><g:promotion_id>{i.replace('&', '&amp;')}</g:promotion_id></item>"
                        for n, i in enumerate(ids))
        path.write_text(f'<rss xmlns:g="http://base.google.com/ns/1.0"><channel>{items}</channel></rss>', encoding="utf-8")
        parts.append(path)
    assert product_promotion_ids(parts, block=7) == {"spring-sale", "a&b", "city-sneakers"}
    assert product_promotion_ids(parts) == {"spring-sale", "a&b", "city-sneakers"}

    class Stage:
        def path(self, relative: str) -> Path:
            return tmp_path / relative
    (tmp_path / "google").mkdir()
    for part in parts:
        part.rename(tmp_path / "google" / part.name)
    from feedgen.channels import read_markets
    from ..conftest import SAMPLE_DATA
    channel = GooglePromotionsChannel(read_markets(SAMPLE_DATA / "markets.toml"))
    channel.import_state("GB", ["city-sneakers", "spring-sale"])
    _, found = channel.finish(Stage())
    assert [(d.rule_id, d.message.split("'")[1]) for d in found] == [("google_promotions.products.orphan", "a&b")]


def test_diff_reads_promotion_files(mini_project) -> None:
    build_project(mini_project, channels=CHANNELS, market_ids=["GB"])
    old = mini_project / "old"
    (mini_project / "output").rename(old)
    promotions_toml(mini_project, '[campaigns.promotion]\nstarts = 2026-11-16\npercent_off = 20\n'
                                  'long_title = { en = "20% off Solstreif leather sneakers" }')
    build_project(mini_project, channels=CHANNELS, market_ids=["GB"])
    diff = diff_dirs(old, mini_project / "output")
    [promotions] = [f for f in diff.files if f.channel == "google_promotions"]
    assert (promotions.market, promotions.before, promotions.after) == ("GB", 1, 1)
    assert list(promotions.changed) == ["city-sneakers"]
    assert set(promotions.changed["city-sneakers"]) == {"long_title", "percent_off"}


def test_an_incremental_build_follows_landing_pages_toml(mini_project) -> None:
    """landing_pages.toml is an input of both Google channels: a changed promotion rebuilds them, and the
    incremental build equals a full one."""
    build_project(mini_project, channels=CHANNELS)
    again = build_project(mini_project, channels=CHANNELS)
    assert "google_promotions/gb.txt" in again.reused and "google/gb.xml" in again.reused
    promotions_toml(mini_project, '[campaigns.promotion]\nstarts = 2026-11-16\npercent_off = 20\n'
                                  'long_title = { en = "20% off", de = "20 % Rabatt", nl = "20% korting" }')
    changed = build_project(mini_project, channels=CHANNELS)
    assert "google_promotions/gb.txt" not in changed.reused and "google/gb.xml" not in changed.reused
    full = mini_project / "full"
    run(BuildRequest(data_dir=mini_project / "product_data", out=full, as_of=AS_OF, channels=CHANNELS,
                     incremental=False))
    for market in ("de", "nl", "gb", "us"):
        for name in (f"google_promotions/{market}.txt", f"google/{market}.xml"):
            assert (mini_project / "output" / name).read_bytes() == (full / name).read_bytes()


def test_the_gate_lets_promotions_end_but_still_guards_the_product_feed(mini_project) -> None:
    """A promotions file that goes (the campaign's promotion removed, or ended) is no truncated export: the
    gate lets it go, while the product feed stays guarded as before."""
    build_project(mini_project, channels=CHANNELS, market_ids=["GB"])
    assert (mini_project / "output" / "google_promotions" / "gb.txt").exists()
    path = mini_project / "product_data" / "landing_pages.toml"
    path.write_text(re.sub(r"(?s)\[campaigns\.promotion\]\n.*?(?=\n\[\[campaigns\]\])", "", path.read_text(
        encoding="utf-8")), encoding="utf-8")
    result = build_project(mini_project, channels=CHANNELS, market_ids=["GB"])
    assert not result.refused, result.release.gate.problems
    assert not (mini_project / "output" / "google_promotions").exists()
    items = google_items(mini_project / "output" / "google" / "gb.xml")
    assert items and not any(item.get("promotion_id") for item in items.values())
    (mini_project / "product_data" / "rules.toml").write_text(
        '[[rule]]\nname = "Nothing on Google"\nwhen = "price > 0"\nchannels = ["google"]\nexclude = true\n',
        encoding="utf-8")
    refused = build_project(mini_project, channels=CHANNELS, market_ids=["GB"])
    assert refused.refused and any("google/gb.xml would be empty" in p for p in refused.release.gate.problems)


def test_a_delivery_destination_for_promotions_sends_its_files(mini_project, tmp_path) -> None:
    from ..deliver.conftest import deliver, manifest_files, write_destinations
    build_project(mini_project, channels=CHANNELS)
    share = tmp_path / "share"
    share.mkdir()
    write_destinations(mini_project, f'[[destination]]\nname = "promos"\nchannel = "google_promotions"\n'
                                     f'url = "file://{share}"\n')
    result = deliver(mini_project)
    assert result.exit_code == 0, result.output
    files = manifest_files(mini_project, "google_promotions")
    assert sorted(Path(p).name for p in files) == sorted(p.name for p in share.iterdir()) == [
        "de.txt", "gb.txt", "nl.txt", "us.txt"]


def test_promotions_alone_from_the_command_line(mini_project, monkeypatch) -> None:
    """`feedgen build -c google,google_promotions`: the summary grid counts promotions per market."""
    monkeypatch.chdir(mini_project)
    run_ = CliRunner().invoke(main, ["build", "-c", "google,google_promotions", "--as-of", AS_OF.isoformat()])
    assert run_.exit_code == 0, run_.output
    grid = run_.output.splitlines()
    header = grid.index(next(line for line in grid if line.startswith("items ")))
    assert grid[header].split() == ["items", "google", "google_promotions", "pages"]
    by_market = {line.split()[0]: line.split()[1:] for line in grid[header + 1:header + 9]}
    assert by_market["GB"][1] == "1" and by_market["NO"][1] == "0"  # on in NO, where Google has no promotions
    assert len(grid[header]) == len(grid[header + 8])  # the columns line up


def test_an_offer_text_announcing_the_promotion_is_no_copy_warning(mini_project) -> None:
    """pages.copy.offer_without_discount warns when the offer text promises a discount nothing on the page
    gives; a running checkout promotion gives it."""
    path = mini_project / "product_data" / "landing_pages.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('offer = "New season colours"',
                                                             'offer = "15% off at checkout"'), encoding="utf-8")
    running = build_project(mini_project, channels=CHANNELS, market_ids=["GB"])
    assert not [d for d in running.diagnostics if d.rule_id == "pages.copy.offer_without_discount"
                and "city-sneakers" in d.message]
    before = build_project(mini_project, channels=CHANNELS, market_ids=["GB"], as_of=date(2026, 11, 10))
    assert [d for d in before.diagnostics if d.rule_id == "pages.copy.offer_without_discount"
            and "city-sneakers" in d.message]


def test_a_promotion_whose_styles_the_market_does_not_sell_is_not_sent(mini_project) -> None:
    """Google rejects a specific_products promotion that applies to no product (GMC 6396257): a warning, as the
    page's own pages.style.unavailable, and no file."""
    path = mini_project / "product_data" / "landing_pages.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('hero_styles = ["AS-1009", "AS-1010"]',
                                                             'hero_styles = ["AS-1010"]'), encoding="utf-8")
    result = build_project(mini_project, channels=CHANNELS, market_ids=["GB"])  # the mini catalogue has no AS-1010
    [found] = [d for d in result.diagnostics if d.rule_id == "google_promotions.products.none"]
    assert found.severity == "warning" and "AS-1010" in found.message and "GMC 6396257" in found.message
    assert not (mini_project / "output" / "google_promotions").exists()


def test_a_market_can_have_its_own_long_title_when_its_amount_differs(mini_project) -> None:
    """GB and US share English but not the money off: `long_title.US` beats `long_title.en` for the US, and
    without it the English title that names £10 is refused for a $12 promotion, naming the fix."""
    promotions_toml(mini_project, '''
[campaigns.promotion]
starts = 2026-11-16
money_off = { NOK = 100, SEK = 100, DKK = 80, EUR = 10, GBP = 10, USD = 12 }
long_title = { en = "£10 off Solstreif sneakers", de = "10 € Rabatt auf Solstreif-Sneaker", nl = "10 euro korting op Solstreif" }
''')
    refused = build_project(mini_project, channels=CHANNELS, market_ids=["GB", "US"])
    [invalid] = [d for d in refused.diagnostics if d.rule_id == "google_promotions.long_title.invalid"]
    assert invalid.market == "US" and "long_title.US" in invalid.message
    assert (mini_project / "output" / "google_promotions" / "gb.txt").exists()
    assert not (mini_project / "output" / "google_promotions" / "us.txt").exists()
    path = mini_project / "product_data" / "landing_pages.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'long_title = { en = ', 'long_title = { US = "$12 off Solstreif sneakers", en = '), encoding="utf-8")
    build_project(mini_project, channels=CHANNELS, market_ids=["GB", "US"])
    (us,) = rows(mini_project / "output" / "google_promotions" / "us.txt")
    (gb,) = rows(mini_project / "output" / "google_promotions" / "gb.txt")
    assert (us["long_title"], us["money_off_amount"]) == ("$12 off Solstreif sneakers", "12.00 USD")
    assert (gb["long_title"], gb["money_off_amount"]) == ("£10 off Solstreif sneakers", "10.00 GBP")


def test_a_market_keeps_only_the_hero_styles_rows_of_its_slices_until_it_is_whole(sample) -> None:
    """The feed is written once a market's slices are all in (it does not stream), and `prepare` asks of the
    offers only whether a campaign's hero styles are sold: so of each slice only those rows are kept, not a
    million SKUs' keys (issue #19)."""
    import pandas as pd
    from feedgen.channels import read_markets
    from feedgen.pages.campaigns import FILE_NAME

    project, _ = sample
    data = project / "product_data"
    channel = GooglePromotionsChannel(read_markets(data / "markets.toml"))
    channel.use_inputs({FILE_NAME: data / FILE_NAME}, AS_OF)
    offers = pd.DataFrame({"sku": ["AS-1009-40", "ZZ-1-40", "AS-1010-41"], "style_id": list(PROMOTED[:1]) + ["ZZ-1", PROMOTED[1]],
                           "title": ["a", "b", "c"]}, index=[7, 8, 9])
    kept = channel.gather(offers)
    assert kept["style_id"].tolist() == list(PROMOTED) and kept.index.tolist() == [7, 9]
    assert list(kept.columns) == ["sku", "style_id"]
