"""resolve(): one market's offers — price, sale window, sizes, link, shipping, availability."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.resolve.offers import resolve

from .conftest import AS_OF


@pytest.fixture
def sources(mini_project):
    return load_sources(BuildRequest(data_dir=mini_project / "product_data", as_of=AS_OF))


def offers_for(sources, market_id: str):
    resolved = resolve(sources, sources.config.markets[market_id])
    return resolved.offers.set_index("sku"), resolved.diagnostics


def test_us_offer(sources) -> None:
    offers, _ = offers_for(sources, "US")
    boot = offers.loc["AS-1005-BLK-38"]
    # 2299 NOK incl. 25 % VAT = 1839.20 net -> x 1.15/11.5 = 183.92 USD, no tax -> nearest .95 = 183.95
    assert boot["price"] == Decimal("183.95")
    # sale 1699 NOK -> 135.92 USD -> 135.95; window 2026-11-20 … 2026-12-31 in New York time
    assert boot["sale_price"] == Decimal("135.95")
    assert boot["sale_effective_date"] == "2026-11-20T00:00-05:00/2026-12-31T23:59-05:00"
    assert bool(boot["sale_active"]) is True
    assert (boot["size"], boot["size_system"], boot["eu_size"]) == ("7.5", "US", "38")
    assert boot["link"] == "https://www.alfasko.com/products/vinterly-womens-insulated-winter-boots?variant=AS-1005-BLK-38"
    assert boot["currency"] == "USD"
    assert boot["shipping_price"] == Decimal(0)  # over the 99 USD free-shipping threshold


def test_sale_that_starts_later_is_announced_but_not_active(sources) -> None:
    offers, _ = offers_for(sources, "DE")
    sneaker = offers.loc["AS-1009-WHT-43"]
    assert sneaker["sale_price"] is not None
    assert sneaker["sale_effective_date"].startswith("2026-11-27T00:00+01:00/")
    assert bool(sneaker["sale_active"]) is False
    assert offers.loc["AS-1009-WHT-42", "availability"] == "out_of_stock"


def test_ended_sale_is_dropped(sources) -> None:
    sources.as_of = date(2027, 2, 1)
    offers, _ = offers_for(sources, "NO")
    assert offers["sale_price"].isna().all()


def test_cheap_item_pays_shipping_and_kids_sizes_convert(sources) -> None:
    offers, _ = offers_for(sources, "GB")
    slipper = offers.loc["AS-1026-BRN-40"]
    assert slipper["price"] < Decimal(75)
    assert slipper["shipping_price"] == Decimal("3.95")
    assert offers.loc["AS-1022-BLK-28", ["size", "size_system"]].tolist() == ["10", "UK"]


def test_price_list_overrides_conversion(sources, mini_project) -> None:
    from feedgen.load.pricing import load_price_list

    path = mini_project / "product_data" / "prices.csv"
    path.write_text("market,sku,style_id,price,sale_price\nSE,,AS-1022,899,\nSE,AS-1022-BLK-29,,949,\n", encoding="utf-8")
    sources.price_list = load_price_list(path, set(sources.config.markets))
    offers, _ = offers_for(sources, "SE")
    assert offers.loc["AS-1022-BLK-28", "price"] == Decimal("899")  # style row
    assert offers.loc["AS-1022-BLK-29", "price"] == Decimal("949")  # the SKU row wins over its style


def test_a_price_list_row_without_sale_price_keeps_the_catalogue_sale(sources, mini_project) -> None:
    # Review #10: `NO,,AS-1005,2399,` used to delete the running sale (and the campaign's) in Norway.
    from feedgen.load.pricing import load_price_list

    path = mini_project / "product_data" / "prices.csv"
    path.write_text("market,sku,style_id,price,sale_price\nNO,,AS-1005,2399,\nNO,,AS-1022,899,799\n"
                    "NO,AS-1022-BLK-29,,949,\n", encoding="utf-8")
    sources.price_list = load_price_list(path, set(sources.config.markets))
    before, _ = offers_for(sources, "DK")  # no rows for DK: untouched
    offers, _ = offers_for(sources, "NO")
    boot = offers.loc["AS-1005-BLK-38"]
    assert boot["price"] == Decimal("2399")
    assert boot["sale_price"] == Decimal("1699") and bool(boot["sale_active"])
    assert boot["sale_effective_date"].startswith("2026-11-20")
    assert offers.loc["AS-1022-BLK-28", ["price", "sale_price"]].tolist() == [Decimal("899"), Decimal("799")]
    # the SKU row sets only its price: the style row's sale still applies to it
    assert offers.loc["AS-1022-BLK-29", ["price", "sale_price"]].tolist() == [Decimal("949"), Decimal("799")]
    assert before.loc["AS-1005-BLK-38", "sale_price"] is not None


def test_current_price_is_the_sale_price_while_it_runs(sources) -> None:
    # Review #21: one column for "the price the shopper pays today" (pages, JSON-LD, shipping, rules).
    offers, _ = offers_for(sources, "DE")
    for sku, row in offers.iterrows():
        expected = row["sale_price"] if row["sale_active"] else row["price"]
        assert row["current_price"] == expected, sku
    assert offers.loc["AS-1005-BLK-38", "current_price"] == offers.loc["AS-1005-BLK-38", "sale_price"]
    assert offers.loc["AS-1009-WHT-43", "current_price"] == offers.loc["AS-1009-WHT-43", "price"]  # sale starts later


def test_unmapped_size_is_an_error_for_that_market_only(sources) -> None:
    sources.catalogue.items.loc[sources.catalogue.items["sku"] == "AS-1026-BRN-40", "size"] = "61"
    _, us_diagnostics = offers_for(sources, "US")
    assert [(d.rule_id, d.sku) for d in us_diagnostics if d.severity == "error"] == [("size.unmapped", "AS-1026-BRN-40")]
    message = next(d.message for d in us_diagnostics if d.rule_id == "size.unmapped")
    assert message.endswith("fix: add a row for EU 61 to the men's or women's chart in size_chart.csv")  # issue #14, defect 4
    _, no_diagnostics = offers_for(sources, "NO")
    assert not [d for d in no_diagnostics if d.severity == "error"]
