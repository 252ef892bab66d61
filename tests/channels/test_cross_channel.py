"""One resolved price, three channels: Google, Meta and Amazon must carry the same numbers.

Compared on the parsed output files of one build of the whole sample, for every SKU of each market
where all three channels run (DE and US in the sample).
"""

from __future__ import annotations

from decimal import Decimal

from click.testing import CliRunner

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
