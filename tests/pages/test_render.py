"""The sample's landing pages, every campaign in every market: content, markup and prices."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest

from feedgen.pages.money import read_price

from ..conftest import AS_OF, write_catalogue
from ..helpers import build_project, google_items
from .pagetools import alternates, canonical, jsonld, parse, variant_offers, visible_prices

NBSP = "\u00a0"


def pages_of(built):
    return [(campaign, market) for campaign in built.campaigns for market in campaign.markets]


def test_a_page_for_every_campaign_and_market_and_an_index_per_market(built_sample) -> None:
    assert len(built_sample.campaigns) >= 3
    for campaign, market in pages_of(built_sample):
        assert built_sample.page(market, campaign.slug).is_file(), (market, campaign.slug)
    for market in built_sample.config.markets:
        index = parse(built_sample.out / "pages" / market.lower() / "index.html")
        links = set(index.xpath("//main//a/@href"))
        expected = {f"{c.slug}.html" for c in built_sample.campaigns if market in c.markets}
        assert expected <= links
    top = parse(built_sample.out / "pages" / "index.html")
    hrefs = set(top.xpath("//table//a/@href"))
    assert {f"{m.lower()}/{c.slug}.html" for c, m in pages_of(built_sample)} <= hrefs
    # relative links only: they work from file:// and from `feedgen serve`
    assert not [h for h in hrefs if h.startswith(("/", "http"))]


def test_no_error_diagnostics_from_the_sample_pages(built_sample) -> None:
    page_errors = [d for d in built_sample.result.diagnostics if d.channel == "pages" and d.severity == "error"]
    assert page_errors == []
    assert built_sample.result.items("pages", "NO") == 3


def test_head_markup_lang_title_description_canonical(built_sample) -> None:
    for campaign, market_id in pages_of(built_sample):
        market = built_sample.config.markets[market_id]
        root = parse(built_sample.page(market_id, campaign.slug))
        assert root.get("lang") == f"{market.language}-{market.country}"
        assert root.findtext(".//title").endswith("| Alfa Sko")
        description = root.xpath('//meta[@name="description"]/@content')
        assert len(description) == 1 and 50 <= len(description[0]) <= 160
        assert canonical(root) == [market.landing_page_url(campaign.slug)]  # self-referencing, exactly one


def test_hreflang_is_reciprocal_with_x_default_and_iso_codes(built_sample) -> None:
    for campaign in built_sample.campaigns:
        sets = {}
        for market_id in campaign.markets:
            root = parse(built_sample.page(market_id, campaign.slug))
            links = alternates(root)
            market = built_sample.config.markets[market_id]
            own = f"{market.language}-{market.country}"
            assert links[own] == canonical(root)[0], "every version lists itself"
            assert "x-default" in links
            sets[market_id] = links
        first = next(iter(sets.values()))
        assert all(links == first for links in sets.values()), "every version lists the same alternates"
        codes = set(first) - {"x-default"}
        assert len(codes) == len(campaign.markets)
        assert "en-UK" not in codes and all(re.fullmatch(r"[a-z]{2}-[A-Z]{2}", code) for code in codes)
        # every alternate points at a page this campaign really has
        urls = {built_sample.config.markets[m].landing_page_url(campaign.slug) for m in campaign.markets}
        assert set(first.values()) <= urls
    kids = parse(built_sample.page("NO", "kids-winter-boots"))
    assert alternates(kids)["x-default"] == built_sample.config.markets["NO"].landing_page_url("kids-winter-boots")
    winter = parse(built_sample.page("NO", "winter-boots"))
    assert "en-GB" in alternates(winter) and alternates(winter)["x-default"].startswith("https://www.alfasko.co.uk/")


def _feed_price(item: dict) -> str:
    """The price Google uses on AS_OF: the sale price inside its effective window, else the price."""
    if "sale_price" in item:
        start, end = (datetime.fromisoformat(part) for part in item["sale_price_effective_date"][0].split("/"))
        if start.date() <= AS_OF <= end.date():
            return item["sale_price"][0]
    return item["price"][0]


def test_jsonld_offers_carry_the_google_feed_price_and_required_fields(built_sample) -> None:
    checked = 0
    for campaign, market_id in pages_of(built_sample):
        market = built_sample.config.markets[market_id]
        feed = google_items(built_sample.out / "google" / f"{market_id.lower()}.xml")
        root = parse(built_sample.page(market_id, campaign.slug))
        groups = jsonld(root)
        assert [g["productGroupID"] for g in groups] == list(campaign.hero_styles)
        for group in groups:
            assert group["@context"] == "https://schema.org" and group["@type"] == "ProductGroup"
            assert group["variesBy"] == ["https://schema.org/size", "https://schema.org/color"]
            assert group["brand"] == {"@type": "Brand", "name": "Alfa Sko"}
        for sku, offer in variant_offers(root).items():
            # Merchant Center disapproves a page whose price differs from the feed (GMC 6098334)
            assert f"{offer['price']} {offer['priceCurrency']}" == _feed_price(feed[sku]), (market_id, sku)
            assert re.fullmatch(r"\d+\.\d{2}", offer["price"])  # schema.org/price: plain number, point
            assert offer["priceCurrency"] == market.currency
            assert offer["availability"] == f"https://schema.org/{'InStock' if feed[sku]['availability'][0] == 'in_stock' else 'OutOfStock'}"
            assert offer["url"] == feed[sku]["link"][0] and offer["sku"] == sku and offer["gtin"] == feed[sku]["gtin"][0]
            policy = offer["hasMerchantReturnPolicy"]
            assert policy["applicableCountry"] == market.country
            assert policy["returnPolicyCategory"] == "https://schema.org/MerchantReturnFiniteReturnWindow"
            assert policy["merchantReturnDays"] == market.returns.days
            assert policy["returnMethod"] == "https://schema.org/ReturnByMail"
            assert policy["returnFees"] == {"free": "https://schema.org/FreeReturn",
                                            "customer_pays_shipping": "https://schema.org/ReturnFeesCustomerResponsibility"}[market.returns.fees]
            shipping = offer["shippingDetails"]
            assert shipping["shippingDestination"]["addressCountry"] == market.country
            assert f"{shipping['shippingRate']['value']} {shipping['shippingRate']['currency']}" == feed[sku]["shipping"][0]["price"]
            assert shipping["deliveryTime"]["transitTime"]["unitCode"] == "DAY"
            checked += 1
    assert checked > 300


def test_visible_price_reads_as_the_feed_price_in_the_locale(built_sample) -> None:
    for campaign, market_id in pages_of(built_sample):
        market = built_sample.config.markets[market_id]
        feed = google_items(built_sample.out / "google" / f"{market_id.lower()}.xml")
        shown = visible_prices(parse(built_sample.page(market_id, campaign.slug)))
        assert len(shown) == len(campaign.hero_styles)
        for sku, (value, text) in shown.items():
            amount, currency = _feed_price(feed[sku]).split()
            assert value == amount
            assert read_price(text, market) == Decimal(amount), (market_id, text)


def test_sale_price_with_original_struck_through_and_whole_kroner(built_sample) -> None:
    root = parse(built_sample.page("NO", "winter-boots"))
    price = root.xpath('//article[@id="AS-1005"]//p[@class="price"]')[0]
    assert price.xpath('.//data[contains(@class,"price-now")]')[0].text_content() == f"1{NBSP}699{NBSP}kr"
    was = price.xpath(".//del")[0]
    assert was.text_content().strip().endswith(f"2{NBSP}299{NBSP}kr")
    assert "Spar 26" in price.text_content()
    offer = variant_offers(root)["AS-1005-BLK-36"]
    assert offer["priceSpecification"]["priceType"] == "https://schema.org/StrikethroughPrice"
    assert offer["priceSpecification"]["price"] == "2299.00" and offer["priceValidUntil"] == "2026-12-31"
    # a regular price has no strike-through
    assert not root.xpath('//article[@id="AS-1006"]//del')
    de = parse(built_sample.page("DE", "winter-boots")).xpath('//article[@id="AS-1005"]//data')[0].text_content()
    assert re.fullmatch(rf"\d+,\d\d{NBSP}€", de)  # cents kept where the market does not show whole units
    gb = parse(built_sample.page("GB", "city-sneakers")).xpath("//data")[0].text_content()
    assert gb.startswith("£")


@pytest.mark.parametrize("market, expected", [
    ("NO", "31. desember 2026"), ("SE", "31 december 2026"), ("DK", "31. december 2026"),
    ("FI", "31. joulukuuta 2026"), ("DE", "31. Dezember 2026"), ("NL", "31 december 2026"),
    ("GB", "31 December 2026"), ("US", "December 31, 2026"),
])
def test_offer_end_date_in_the_locale(built_sample, market, expected) -> None:
    root = parse(built_sample.page(market, "winter-boots"))
    assert expected in root.xpath('//p[@class="valid"]')[0].text_content()


def test_trust_block_answers_returns_delivery_and_payment(built_sample) -> None:
    no = parse(built_sample.page("NO", "winter-boots")).xpath('//section[@class="trust"]')[0].text_content()
    assert "100 dagers returrett" in no and "Gratis retur" in no
    assert f"Fri frakt ved kjøp fra 999{NBSP}kr, ellers 79{NBSP}kr" in no and "1–4 virkedager" in no
    dk = parse(built_sample.page("DK", "winter-boots")).xpath('//section[@class="trust"]')[0].text_content()
    assert "60 dages returret" in dk and "Du betaler selv returfragten" in dk
    us = parse(built_sample.page("US", "winter-boots")).text_content()
    assert "Prices exclude sales tax" in us and "Return within 100 days" in us


def test_payment_methods_in_market_order_and_never_credit_first_in_sweden(built_sample) -> None:
    for campaign, market_id in pages_of(built_sample):
        market = built_sample.config.markets[market_id]
        shown = [li.text_content() for li in parse(built_sample.page(market_id, campaign.slug)).xpath('//ul[@class="payments"]/li')]
        assert len(shown) == len(market.payment_methods)
    se_methods = built_sample.config.markets["SE"].payment_methods
    assert se_methods[0].kind != "credit"
    shown = [li.text_content() for li in parse(built_sample.page("SE", "winter-boots")).xpath('//ul[@class="payments"]/li')]
    assert shown[0] == "Swish" and shown[2] == "Klarna Betala nu"
    assert shown.index("Klarna Faktura (betala senare)") > 0


def test_images_alt_text_sizes_stars_and_one_call_to_action(built_sample) -> None:
    root = parse(built_sample.page("NO", "winter-boots"))
    article = root.xpath('//article[@id="AS-1005"]')[0]
    images = article.xpath(".//img")
    assert images and all(img.get("alt") for img in images)
    assert "bilde 2 av 4" in images[1].get("alt")  # alt text in the market's language
    assert article.xpath('.//p[@class="size-range"]')[0].text_content() == "Størrelser 36–42 (EU)"
    # from reviews.csv: AS-1005 has two Norwegian reviews (5 and 3), which replace the catalogue's 4.5
    assert article.xpath('.//p[@class="rating"]/span[@class="stars"]/@aria-label') == ["Vurdert til 4,0 av 5"]
    # and both are quoted, best first, under a Norwegian heading
    assert article.xpath('.//ul[@class="quotes"]//span[@class="stars"]/@aria-label') == [
        "Vurdert til 5 av 5", "Vurdert til 3 av 5"]
    assert article.xpath('.//h3[starts-with(@id, "reviews-")]/text()') == ["Kundeanmeldelser"]
    ctas = article.xpath('.//a[@class="cta default"]')  # the one Buy button shown until a size is chosen
    assert len(ctas) == 1 and ctas[0].get("href").startswith("https://www.alfasko.no/produkter/")
    # each size in stock has its own Buy button (shown by CSS :target when its size link is followed)
    sizes = article.xpath('.//ul[@class="sizes"]//a')
    assert sizes and all(article.xpath(f'.//p[@id="{a.get("href")[1:]}"]/a[@class="cta"]') for a in sizes)
    us = parse(built_sample.page("US", "city-sneakers"))
    assert us.xpath('//article[@id="AS-1009"]//p[@class="size-range"]')[0].text_content().endswith("(US)")


def test_pages_are_self_contained(built_sample) -> None:
    for campaign, market_id in pages_of(built_sample):
        html = built_sample.page(market_id, campaign.slug).read_text(encoding="utf-8")
        root = parse(html)
        assert not root.xpath("//script[@src] | //link[@rel='stylesheet'] | //iframe")
        assert {s.get("type") for s in root.xpath("//script")} == {"application/ld+json"}
        css = "".join(root.xpath("//style/text()"))
        assert "@import" not in css and "url(" not in css and "@font-face" not in css
        assert len(html.encode()) < 120_000


def test_a_zero_rating_is_shown_neither_on_the_page_nor_in_json_ld(mini_project) -> None:
    # One rule for both (pages.jsonld.rated): Google wants aggregateRating to match what the page
    # shows, and a 0 is outside schema.org's default 1–5 rating scale.
    base = {"style_id": "AS-1005", "rating": "0", "review_count": "12"}
    (mini_project / "product_data" / "reviews.csv").unlink()  # the catalogue's rating counts only without reviews
    write_catalogue(mini_project / "product_data" / "catalogue.csv", [
        {**base, "sku": "AS-1005-BLK-38", "gtin": "7094512050007", "size": "38"},
        {**base, "sku": "AS-1005-BLK-39", "gtin": "7094512050014", "size": "39"},
    ])
    build_project(mini_project, market_ids=["NO"])
    root = parse((mini_project / "output" / "pages" / "no" / "winter-boots.html").read_text(encoding="utf-8"))
    assert not root.xpath('//p[@class="rating"]')
    [group] = jsonld(root)
    assert "aggregateRating" not in group
