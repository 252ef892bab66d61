"""The price-match check of every build: the page price must be the Google feed price (GMC 6098334)."""

from __future__ import annotations

from decimal import Decimal

from feedgen.pipeline.build import BuildRequest, load_sources

from feedgen.resolve.offers import resolve
from feedgen.pages import check, views
from feedgen.channels import read_markets

from ..conftest import AS_OF, SAMPLE_DATA
from ..helpers import build_project, google_items
from .pagetools import parse, variant_offers, visible_prices


def _errors(result, rule):
    return [d for d in result.diagnostics if d.rule_id == rule]


def test_check_flags_a_jsonld_and_a_visible_mismatch(built_sample) -> None:
    sources = load_sources(BuildRequest(data_dir=built_sample.root / "product_data", as_of=AS_OF))
    market = built_sample.config.markets["NO"]
    offers = resolve(sources, market).offers
    rows = offers[offers["style_id"] == "AS-1006"]
    html = built_sample.page("NO", "winter-boots").read_text(encoding="utf-8")
    sku = "AS-1006-BLK-40"
    assert check.check_page(html, rows, [sku], market) == []

    tampered = html.replace('"sku":"AS-1006-BLK-41","price":"2799.00"', '"sku":"AS-1006-BLK-41","price":"2790.00"', 1)
    assert tampered != html
    [problem] = check.check_page(tampered, rows, [sku], market)
    assert (problem.rule_id, problem.severity, problem.sku, problem.channel) == ("pages.price.mismatch", "error", "AS-1006-BLK-41", "pages")
    assert "2790.00 NOK" in problem.message and "2799.00 NOK" in problem.message

    shown = html.replace(f"2\u00a0799\u00a0kr</data>", f"2\u00a0790\u00a0kr</data>", 1)
    [problem] = check.check_page(shown, rows, [sku], market)
    assert problem.rule_id == "pages.price.mismatch" and "visible price reads 2790.00 NOK" in problem.message


def test_a_formatting_bug_is_an_error_in_the_build(mini_project, monkeypatch) -> None:
    """Rounding on the page (as a careless 'whole units' formatter would) must never pass silently."""
    real = views.format_price
    monkeypatch.setattr(views, "format_price", lambda value, market: real(value.to_integral_value(), market))
    result = build_project(mini_project, market_ids=["FI"])
    errors = _errors(result, "pages.price.mismatch")
    assert errors and all(d.severity == "error" and d.market == "FI" for d in errors)


def test_whole_units_only_when_the_amount_is_whole(mini_project) -> None:
    """A price list may set 1299.50 kr: a whole-krone display would disagree with the feed."""
    (mini_project / "product_data" / "prices.csv").write_text("market,sku,style_id,price,sale_price\nNO,,AS-1009,1299.50,\n",
                                                              encoding="utf-8")
    result = build_project(mini_project, market_ids=["NO"])
    assert not _errors(result, "pages.price.mismatch")
    root = parse(mini_project / "output" / "pages" / "no" / "city-sneakers.html")
    [(value, text)] = visible_prices(root).values()
    assert (value, text) == ("1299.50", "1\u00a0299,50\u00a0kr")
    feed = google_items(mini_project / "output" / "google" / "no.xml")
    for sku, offer in variant_offers(root).items():
        assert f"{offer['price']} {offer['priceCurrency']}" == feed[sku]["price"][0] == "1299.50 NOK"


def test_unknown_or_unpriced_hero_style_is_a_warning_not_a_failed_build(mini_project) -> None:
    result = build_project(mini_project, market_ids=["NO"])  # the mini catalogue lacks AS-1006 and AS-1010
    unavailable = {d.message.split()[2] for d in result.diagnostics if d.rule_id == "pages.style.unavailable"}
    assert unavailable == {"AS-1006", "AS-1010"}
    assert result.published and (mini_project / "output" / "pages" / "no" / "winter-boots.html").is_file()


def test_read_price_reads_each_locale() -> None:
    markets = read_markets(SAMPLE_DATA / "markets.toml").markets
    assert check.read_price("1.299\u00a0kr.", markets["DK"]) == Decimal("1299")
    assert check.read_price("€\u00a01.299,95", markets["NL"]) == Decimal("1299.95")
    assert check.read_price("$1,299.95", markets["US"]) == Decimal("1299.95")
    assert check.read_price("no price", markets["US"]) is None
