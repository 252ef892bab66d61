"""The price on the page must be the price in the market's Google feed (GMC 6098334).

Googlebot compares the feed price with the landing page's visible price and its structured data;
a mismatch disapproves the item ("Mismatched value (page crawl)"). So every build reads back what
it rendered - the visible price the way the locale reads it, and the JSON-LD offers - and compares
each with the offer row's `current_price` in the Google feed's wire format (`format_amount`).

This checks the page against the resolved offer, not against the written feed file: it catches a
page or locale-formatting regression, not one in the Google writer (tests/pages compares the
pages with the written google/<market>.xml for that).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

import lxml.html
import pandas as pd

from feedgen.diagnostics import Diagnostic
from feedgen.config.markets import Market
from feedgen.pages.money import read_price
from feedgen.load.pricing import format_amount

CHANNEL = "pages"


def page_prices(html: str, market: Market) -> tuple[dict[str, list[Decimal | None]], dict[str, tuple[str, str]]]:
    """(visible prices by SKU as the locale reads them, JSON-LD (price, currency) by SKU)."""
    root = lxml.html.fromstring(html)
    visible: dict[str, list[Decimal | None]] = {}
    for element in root.xpath('//data[contains(concat(" ", normalize-space(@class), " "), " price-now ")]'):
        shown = read_price(element.text_content(), market)
        try:
            value = Decimal(element.get("value", ""))
        except InvalidOperation:
            value = None
        visible.setdefault(element.get("data-sku", ""), []).extend([shown, value])
    structured: dict[str, tuple[str, str]] = {}
    for script in root.xpath('//script[@type="application/ld+json"]'):
        data = json.loads(script.text_content())
        for variant in data.get("hasVariant", []):
            offer = variant.get("offers", {})
            structured[str(offer.get("sku", variant.get("sku", "")))] = (str(offer.get("price")), str(offer.get("priceCurrency")))
    return visible, structured


def check_page(html: str, offers: pd.DataFrame, skus_shown: list[str], market: Market) -> list[Diagnostic]:
    """Compare a rendered page with the offer rows (the rows the Google feed writes).

    `offers`: the market's offers for every SKU the page's JSON-LD should carry;
    `skus_shown`: the SKUs whose price is displayed."""
    visible, structured = page_prices(html, market)
    by_sku = offers.set_index("sku", drop=False)
    diagnostics: list[Diagnostic] = []

    def problem(rule: str, sku: str, message: str) -> None:
        diagnostics.append(Diagnostic(rule, "error", message, sku=sku, market=market.id, channel=CHANNEL, field="price"))

    for sku, row in by_sku.iterrows():
        feed = format_amount(row["current_price"], market.currency)
        if sku not in structured:
            problem("pages.price.missing", sku, "the page's JSON-LD has no offer for this SKU")
            continue
        price, currency = structured[sku]
        try:
            marked_up = format_amount(Decimal(price), currency)
        except InvalidOperation:
            marked_up = f"{price} {currency}"
        if marked_up != feed:
            problem("pages.price.mismatch", sku, f"JSON-LD price {marked_up} differs from the Google feed price {feed}")
    for sku in skus_shown:
        if sku not in by_sku.index:
            continue
        feed = format_amount(by_sku.loc[sku, "current_price"], market.currency)
        shown = visible.get(sku)
        if not shown:
            problem("pages.price.missing", sku, "no visible price for this SKU on the page")
            continue
        for value in shown:
            read = format_amount(value, market.currency) if value is not None else "unreadable"
            if read != feed:
                problem("pages.price.mismatch", sku, f"visible price reads {read}, the Google feed says {feed}")
                break
    return diagnostics
