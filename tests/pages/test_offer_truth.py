"""Landing pages that tell the truth about a discount (issue #18).

- The 30-day prior price: Directive 98/6/EC Art. 6a as amended by the Omnibus Directive 2019/2161
  (https://eur-lex.europa.eu/eli/dir/2019/2161/oj), PAngV §11 (Germany), prisopplysningsforskriften
  §9a (Norway, "førpris", https://www.forbrukertilsynet.no/vi-jobber-med/prismarkedsforing): the
  reduction is shown against, and measured from, the lowest price of the 30 days before it began.
  Tested with two `--as-of` builds, one before and one during the sample's winter sale.
- Copy that cannot lie: a sale badge only over a discounted style, "offer valid until" once and
  only where something is discounted, a build warning when offer copy claims an offer no hero has.
- The legal frame from markets.toml: PAngV §1/§3 "inkl. MwSt., zzgl. Versand" by the price in DE,
  imprint/terms/privacy/withdrawal/contact links, the brand linking home.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedgen.cli import main
from ..conftest import AS_OF, BEFORE_SALE
from ..helpers import google_items
from .pagetools import parse, variant_offers

NBSP = "\u00a0"
STRICT_EXIT = 1
NB_VAT = "Alle priser er inkludert mva."


def cli_build(project: Path, day, *extra: str):
    return CliRunner().invoke(main, ["build", "--data", str(project / "product_data"), "-o", str(project / "output"),
                                     "--as-of", day.isoformat(), "--max-drop", "100", *extra])


def diagnostics(project: Path, day, *extra: str) -> tuple[int, list[dict]]:
    report = project / f"report-{day}.json"
    result = cli_build(project, day, "--report", str(report), *extra)
    assert result.exit_code in (0, 1), result.output
    import json
    return result.exit_code, json.loads(report.read_text(encoding="utf-8"))["diagnostics"]


def article(project: Path, market: str, slug: str, style: str):
    root = parse(project / "output" / "pages" / market.lower() / f"{slug}.html")
    return root, root.xpath(f'//article[@id="{style}"]')[0]


def set_price(project: Path, style: str, price: str) -> None:
    path = project / "product_data" / "catalogue.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["style_id"] == style:
            row["price"] = price
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_two_as_of_builds_give_eu_pages_the_30_day_lowest_price_in_their_language(mini_project: Path) -> None:
    code, before = diagnostics(mini_project, BEFORE_SALE)
    feed_before = {m: google_items(mini_project / "output" / "google" / f"{m.lower()}.xml") for m in ("NO", "DE")}
    _, during = diagnostics(mini_project, AS_OF)
    assert not [d for d in during if d["rule_id"].startswith("pages.reference_price")]

    # Norway (førpris) and Germany (PAngV §11): the reference line, in the market's language
    _, no = article(mini_project, "NO", "winter-boots", "AS-1005")
    assert no.xpath('.//p[@class="reference"]')[0].text_content() == f"Laveste pris siste 30 dager: 2{NBSP}299{NBSP}kr"
    assert "Spar 26" in no.xpath('.//span[@class="badge"]')[0].text_content()
    root, de = article(mini_project, "DE", "winter-boots", "AS-1005")
    reference = de.xpath('.//p[@class="reference"]')[0]
    sku = reference.get("data-sku")
    price_before = feed_before["DE"][sku]["price"][0]  # what Google was sent on 1 November
    assert f"{reference.get('data-value')} EUR" == price_before
    assert reference.text_content().startswith("Niedrigster Preis der letzten 30 Tage: ")
    # the JSON-LD makes the same claim as the page
    offer = variant_offers(root)[sku]
    assert f"{offer['priceSpecification']['price']} EUR" == price_before
    # the UK has no such rule: the regular price struck through, no reference line
    _, gb = article(mini_project, "GB", "winter-boots", "AS-1005")
    assert gb.xpath('.//del[@class="price-was"]') and not gb.xpath('.//p[@class="reference"]')


def test_without_a_record_an_eu_page_claims_no_reduction_and_says_why(mini_project: Path) -> None:
    code, found = diagnostics(mini_project, AS_OF)  # the first build ever is already during the sale
    unknown = [d for d in found if d["rule_id"] == "pages.reference_price.unknown"]
    assert {d["market"] for d in unknown} == {"NO", "SE", "DK", "FI", "DE", "NL"}
    assert all("AS-1005-BLK-38, AS-1005-BLK-39" in d["message"] and d["severity"] == "warning" for d in unknown)
    assert "2026-10-21 and 2026-11-19" in unknown[0]["message"]
    root, no = article(mini_project, "NO", "winter-boots", "AS-1005")
    assert not no.xpath('.//span[@class="badge"]') and not no.xpath(".//del") and not root.xpath('//p[@class="valid"]')
    assert no.xpath('.//data[contains(@class,"price-now")]')[0].text_content() == f"1{NBSP}699{NBSP}kr"  # the feed price
    assert "priceSpecification" not in variant_offers(root)["AS-1005-BLK-38"]
    _, gb = article(mini_project, "GB", "winter-boots", "AS-1005")
    assert gb.xpath('.//span[@class="badge"]')  # no 30-day rule there


def test_a_before_price_not_charged_in_the_window_is_a_warning_and_an_error_with_strict(mini_project: Path) -> None:
    set_price(mini_project, "AS-1005", "1999.00")  # what was really charged before the sale
    diagnostics(mini_project, BEFORE_SALE)
    set_price(mini_project, "AS-1005", "2299.00")  # raised just before the sale, to make 1699 look like -26 %
    code, found = diagnostics(mini_project, AS_OF)
    wrong = [d for d in found if d["rule_id"] == "pages.reference_price.not_charged" and d["market"] == "NO"]
    assert len(wrong) == 1 and wrong[0]["severity"] == "warning"
    assert "AS-1005-BLK-38, AS-1005-BLK-39" in wrong[0]["message"]
    assert f"before price 2{NBSP}299{NBSP}kr was not charged" in wrong[0]["message"]
    assert f"lowest recorded 1{NBSP}999{NBSP}kr" in wrong[0]["message"]
    _, no = article(mini_project, "NO", "winter-boots", "AS-1005")
    # the reduction is measured from the real prior price: (1999 - 1699) / 1999 = 15 %
    assert no.xpath('.//del[@class="price-was"]')[0].text_content().strip() == f"1{NBSP}999{NBSP}kr"
    assert "Spar 15" in no.xpath('.//span[@class="badge"]')[0].text_content()
    strict = cli_build(mini_project, AS_OF, "--strict", "--force")
    assert strict.exit_code == STRICT_EXIT, strict.output


def test_offer_copy_without_a_discount_is_a_story_and_a_warning(mini_project: Path) -> None:
    _, found = diagnostics(mini_project, BEFORE_SALE)  # no hero is on sale on 1 November
    claims = [d for d in found if d["rule_id"] == "pages.copy.offer_without_discount"]
    assert {(d["market"], d["message"].split(":")[0]) for d in claims} == {
        (m, "winter-boots") for m in ("NO", "SE", "DK", "FI", "DE", "NL", "GB", "US")}  # "Winter sale …"
    root = parse(mini_project / "output" / "pages" / "no" / "winter-boots.html")
    assert not root.xpath('//p[@class="eyebrow"]') and root.xpath('//p[@class="kicker"]')
    assert not root.xpath('//p[@class="valid"]') and "gjelder til" not in root.text_content()
    assert not root.xpath('//span[@class="badge"]')


def test_sale_badge_only_over_the_discounted_style_and_one_end_date(built_sample) -> None:
    for market in built_sample.config.markets:
        root = parse(built_sample.page(market, "winter-boots"))
        assert root.xpath('//article[@id="AS-1005"]//span[@class="badge"]'), market
        assert not root.xpath('//article[@id="AS-1006"]//span[@class="badge"] | //article[@id="AS-1006"]//del')
        assert len(root.xpath('//p[@class="valid"]')) == 1  # once, by the discounted hero
        assert root.xpath('//article[@id="AS-1005"]//p[@class="valid"]')
        assert root.xpath('//p[@class="eyebrow"]')
    for slug in ("city-sneakers", "kids-winter-boots"):  # nothing discounted on 22 November
        root = parse(built_sample.page("NO", slug))
        assert not root.xpath('//p[@class="valid"] | //span[@class="badge"] | //p[@class="eyebrow"]'), slug
    index = parse(built_sample.out / "pages" / "no" / "index.html")
    dated = [li.xpath("a/@href")[0] for li in index.xpath('//ul[@class="campaigns"]/li') if li.xpath('span[@class="valid"]')]
    assert dated == ["winter-boots.html"]  # the market index gives an end date only to the discounted campaign
    # ... and the same date as the page (the earliest shown sale end, not the campaign's own end)
    page = parse(built_sample.page("NO", "winter-boots")).xpath('//p[@class="valid"]')[0].text_content().strip()
    listed = index.xpath('//ul[@class="campaigns"]/li/span[@class="valid"]')[0].text_content().strip()
    assert listed == page, (listed, page)


def test_german_pages_have_the_vat_and_delivery_note_by_the_price_and_every_legal_link(built_sample) -> None:
    for slug in ("winter-boots", "city-sneakers", "kids-winter-boots"):
        root = parse(built_sample.page("DE", slug))
        for price in root.xpath('//article//p[@class="price"]'):
            note = price.xpath('.//a[@class="tax-note"]')[0]
            assert note.text_content() == "inkl. MwSt., zzgl. Versand" and note.get("href") == "#trust-title"
        links = {a.text_content(): a.get("href") for a in root.xpath('//footer//nav//a')}
        assert links == {"Impressum": "https://www.alfasko.de/impressum", "AGB": "https://www.alfasko.de/agb",
                         "Datenschutz": "https://www.alfasko.de/datenschutz",
                         "Widerrufsrecht und Rückgabe": "https://www.alfasko.de/widerruf",
                         "Kontakt": "https://www.alfasko.de/kontakt"}
        assert root.xpath('//header//a[@class="brand"]/@href') == ["https://www.alfasko.de/"]
    no = parse(built_sample.page("NO", "winter-boots"))
    assert not no.xpath('//a[@class="tax-note"]')  # Norway: the footer line is enough
    assert NB_VAT in no.xpath("//footer")[0].text_content()
    assert len(no.xpath('//footer//nav//a')) == 5


def test_size_links_open_their_own_variant_and_images_are_responsive(built_sample) -> None:
    root = parse(built_sample.page("NO", "winter-boots"))
    feed = google_items(built_sample.out / "google" / "no.xml")
    chips = root.xpath('//article[@id="AS-1005"]//ul[@class="sizes"]//a')
    assert len(chips) >= 5
    for chip in chips:
        target = root.xpath(f'//*[@id="{chip.get("href")[1:]}"]')[0]
        [buy] = target.xpath('.//a[@class="cta"]')
        sku = chip.get("data-sku")
        assert buy.get("href") == feed[sku]["link"][0] and f"?variant={sku}" in buy.get("href")
        assert chip.text_content() in buy.text_content()  # "Kjøp nå · Størrelse 38"
    sold_out = root.xpath('//article//ul[@class="sizes"]/li[@class="sold-out"]')
    assert all(not li.xpath(".//a") for li in sold_out)  # a sold-out size is not a link
    images = root.xpath("//main//img")
    first, rest = images[0], images[1:]
    assert first.get("fetchpriority") == "high" and first.get("loading") is None
    assert first.get("srcset").count("w,") == 2 and first.get("srcset").endswith("?width=1200 1200w")
    assert (first.get("width"), first.get("height")) == ("1200", "1200") and first.get("sizes")
    assert rest and all(img.get("loading") == "lazy" and img.get("width") for img in rest)
    assert root.xpath('//link[@rel="icon"]/@href')[0].startswith("data:image/svg+xml,")
