"""One resolved price, every channel: Google, Meta, Amazon and the CSV catalogs must carry the same numbers.

Compared on the parsed output files of one build of the whole sample, for every SKU of each market
where all three channels run (DE and US in the sample).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from feedgen.channels.csvout import restore
from feedgen.cli import main

from ..conftest import AS_OF
from ..helpers import google_items
from .feeds import amazon_messages, meta_rows


def amount(text: str) -> tuple[Decimal, str]:
    number, currency = text.split(" ")
    return Decimal(number), currency


def test_price_is_identical_in_google_meta_and_amazon(built_sample) -> None:
    result, out = built_sample.result, built_sample.out
    compared = 0
    for market in ("de", "us"):
        google = google_items(out / "google" / f"{market}.xml")
        meta = meta_rows(out / "meta" / f"country-{market}.csv")
        children = {sku: m for sku, m in amazon_messages(out, market).items() if m["requirements"] == "LISTING"}
        assert len(children) == result.items("amazon", market.upper()) == 593
        assert set(children) == set(google) == set(meta)
        for sku, message in children.items():
            offer = message["attributes"]["purchasable_offer"][0]
            amazon_price = offer["our_price"][0]["schedule"][0]["value_with_tax"]
            google_price = amount(google[sku]["price"][0])
            assert google_price == amount(meta[sku]["price"]) == (amazon_price, offer["currency"]), (market, sku)
            list_price = message["attributes"]["list_price"][0]
            assert list_price.get("value_with_tax", list_price.get("value")) == amazon_price

            if "sale_price" in google[sku]:
                sale = offer["discounted_price"][0]["schedule"][0]["value_with_tax"]
                assert amount(google[sku]["sale_price"][0]) == amount(meta[sku]["sale_price"]) == (sale, offer["currency"])
            else:
                assert meta[sku]["sale_price"] == "" and "discounted_price" not in offer
            compared += 1
    assert compared == 2 * 593
    # the sample has sales in both markets, so the sale branch above really ran
    assert any("sale_price" in item for item in google_items(out / "google" / "us.xml").values())


def test_meta_and_amazon_alone_from_the_command_line(mini_project, monkeypatch) -> None:
    monkeypatch.chdir(mini_project)
    run = CliRunner().invoke(main, ["build", "--channels", "meta,amazon", "--as-of", AS_OF.isoformat()])
    assert run.exit_code == 0, run.output
    out = mini_project / "output"
    assert not (out / "google").exists()
    assert sorted(p.name for p in (out / "amazon").iterdir()) == ["de.json", "us.json"]
    assert (out / "meta" / "main.csv").exists() and (out / "meta" / "country-se.csv").exists()
    grid = run.output.splitlines()
    header = grid.index(next(line for line in grid if line.startswith("items ")))
    assert grid[header].split() == ["items", "amazon", "meta", "pages"]
    assert grid[header + 8].split() == ["US", "7", "7", "2"]  # the summary grid: items per market and channel
    assert grid[header + 2].split() == ["SE", "-", "7", "3"]


# The CSV catalogs: channel -> (file of a market, id column), read as RFC 4180 with neutralised cells restored.
CSV_CATALOGS = {
    "pinterest": ("pinterest/{market}.csv", "id"),
    "tiktok": ("tiktok/{market}.csv", "sku_id"),
}


def test_csv_catalogs_carry_googles_prices_in_every_market(built_sample) -> None:
    """Pinterest's and TikTok's price, sale price and sale window equal Google's for every item of every market
    both run in (Google is held to Meta and Amazon above)."""
    result, out = built_sample.result, built_sample.out
    for channel, (pattern, id_column) in CSV_CATALOGS.items():
        markets = [m.id for m in result.markets if channel in m.channels]
        assert markets, channel
        for market in markets:
            google = google_items(out / "google" / f"{market.lower()}.xml")
            rows = csv_rows(out / pattern.format(market=market.lower()), id_column)
            assert len(rows) == result.items(channel, market) > 0 and set(rows) <= set(google), (channel, market)
            for sku, row in rows.items():
                item = google[sku]
                assert amount(row["price"]) == amount(item["price"][0]), (channel, market, sku)
                if "sale_price" in item:
                    assert amount(row["sale_price"]) == amount(item["sale_price"][0]), (channel, market, sku)
                    assert row["sale_price_effective_date"] == item["sale_price_effective_date"][0]
                else:
                    assert row["sale_price"] == "", (channel, market, sku)


def csv_rows(path: Path, id_column: str) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {restore(row[id_column]): {k: restore(v) for k, v in row.items()} for row in csv.DictReader(handle)}


def test_reviews_promotions_and_pages_agree_with_the_product_feed(built_sample) -> None:
    """The Google review feed, the promotions feed and the landing pages of every market say the same as its
    Google product feed: each review's product is a style the feed sells (its GTINs and the URL of one of its
    items), each promotion is carried by exactly the product feed's items of its campaign, and a promoted item's
    page price is the feed's price (the discount is taken at checkout, never shown as a price)."""
    from lxml import etree

    from feedgen.channels.google_promotions import GooglePromotionsChannel
    from ..pages.pagetools import jsonld, parse

    out = built_sample.out
    reviewed = promoted = 0
    for market in ("no", "se", "dk", "fi", "de", "nl", "gb", "us"):
        google = google_items(out / "google" / f"{market}.xml")
        gtins: dict[str, set[str]] = {}
        for item in google.values():
            gtins.setdefault(item["item_group_id"][0], set()).update(item.get("gtin", []))
        links = {item["link"][0] for item in google.values()}
        for review in etree.parse(str(out / "google_reviews" / f"{market}.xml")).iter("review"):
            style = review.findtext(".//sku").rsplit("-", 2)[0]
            assert set(review.xpath(".//gtin/text()")) <= gtins[style]
            assert review.findtext(".//product_url") in links
            reviewed += 1
        carried: dict[str, set[str]] = {}
        for sku, item in google.items():
            for promotion_id in item.get("promotion_id", []):
                carried.setdefault(promotion_id, set()).add(sku)
        path = out / "google_promotions" / f"{market}.txt"
        promotions = GooglePromotionsChannel.read_items(path) if path.exists() else {}
        assert set(carried) == set(promotions), market
        for promotion_id in promotions:
            campaign = next(c for c in built_sample.campaigns if c.slug == promotion_id)
            assert carried[promotion_id] == {sku for sku, item in google.items()
                                             if item["item_group_id"][0] in campaign.hero_styles}
            page = parse(built_sample.page(market, campaign.slug))
            assert promotions[promotion_id]["percent_off"] in page.xpath('//p[@class="promotion"]')[0].text_content()
            for group in jsonld(page):
                for variant in group["hasVariant"]:
                    assert amount(google[variant["sku"]]["price"][0]) == (
                        Decimal(variant["offers"]["price"]), variant["offers"]["priceCurrency"])
                    promoted += 1
    assert reviewed > 150 and promoted > 0
