"""Render landing pages with Jinja2: autoescape on, undefined variables are errors, gettext via
the i18n extension (newstyle: `_("%(price)s", price=...)`, matching babel.cfg).

Pages are self-contained: the stylesheet is inlined from the package's static/ folder, there is no
script but JSON-LD, no web font and no third-party host; product images are the catalogue's own.
"""

from __future__ import annotations

from datetime import date
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from feedgen.i18n import ui as gettext_runtime  # the gettext options babel.cfg extracts with

from feedgen.resolve.history import Reference
from feedgen.config.markets import Market, MarketConfig
from feedgen.resolve.offers import MarketOffers
from feedgen.pages.campaigns import Campaign
from feedgen.pages.jsonld import product_group, review_markup, script_json
from feedgen.pages.money import format_day, format_percent_off, format_price, hreflang, join_list
from feedgen.pages.texts import Flagged, UiText, plain, summarize, unique
from feedgen.pages.views import StyleView, priced, showcase, style_view
from feedgen.text import shorten

REVIEW_PANEL = "<!-- review-panel -->"
# The brand mark as an inline SVG favicon: no request, so no 404 and no third-party host.
FAVICON = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' "
           "height='32' rx='7' fill='%231f4d3a'/%3E%3Cpath d='M9 24 16 7l7 17h-4l-3-8-3 8z' fill='%23fff'/%3E%3C/svg%3E")


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    return resources.files("feedgen.pages").joinpath("static", name).read_text(encoding="utf-8")


def _css(review: bool) -> Markup:
    return Markup(static_text("pages.css") + (static_text("review.css") if review else ""))


def environment(ui: UiText, locale: str = "en") -> Environment:
    env = Environment(
        loader=PackageLoader("feedgen.pages", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,  # babel.cfg: trim_blocks = true
        lstrip_blocks=True,  # babel.cfg: lstrip_blocks = true
        keep_trailing_newline=True,
    )
    gettext_runtime.install(env, ui)  # the i18n extension, newstyle and trimmed, as babel.cfg extracts
    env.filters["plain"] = plain
    env.filters["join_list"] = lambda items: join_list(list(items), locale)
    return env


@dataclass
class RenderedPage:
    market: str
    slug: str
    html: str
    styles: list[StyleView]
    flagged: list[Flagged]
    offer_ends: date | None = None  # the day "offer valid until" names; None: nothing on the page is discounted


def page_path(market: Market, slug: str) -> str:
    """Output path, relative to the output directory."""
    return f"pages/{market.id.lower()}/{slug}.html"


def alternates(campaign: Campaign, config: MarketConfig) -> tuple[list[tuple[str, str]], str]:
    """hreflang links to every market's version of the campaign (including this one) and x-default."""
    links = [(hreflang(config.markets[m]), config.markets[m].landing_page_url(campaign.slug)) for m in campaign.markets]
    default = config.project.default_market
    fallback = default if default in campaign.markets else campaign.markets[0]
    return links, config.markets[fallback].landing_page_url(campaign.slug)


def trust(market: Market, ui: UiText) -> dict:
    """What a buyer asks before paying: returns, delivery, payment - all from markets.toml."""
    shipping = market.shipping
    return {
        "return_days": market.returns.days,
        "return_fees": market.returns.fees,
        "return_fee": format_price(market.returns.fee_amount, market) if market.returns.fee_amount is not None else "",
        "shipping_price": format_price(shipping.price, market),
        "free_over": format_price(shipping.free_over, market, whole=True) if shipping.free_over is not None else "",
        "service": shipping.service,
        "days_min": shipping.handling_days[0] + shipping.transit_days[0],
        "days_max": shipping.handling_days[1] + shipping.transit_days[1],
        "payments": [ui.data_text("payment method", method.name) for method in market.payment_methods],
        "tax_included": market.prices_include_tax,
        "tax_with_price": market.page_rules.tax_note == "with_price",
        "links": list(market.page_rules.links),
    }


def render_campaign(
    campaign: Campaign,
    market_offers: MarketOffers,
    config: MarketConfig,
    ui: UiText,
    env: Environment,
    references: dict[str, Reference] | None = None,
    reviews: pd.DataFrame | None = None,
    as_of: date | None = None,
) -> RenderedPage | None:
    """One market's page for one campaign, or None when none of its hero styles can be offered.
    `references`: the 30-day lowest prices of its SKUs on sale (feedgen.pages.reference); `reviews`: the
    market's publishable reviews (feedgen.load.reviews.for_market), a few of which each style quotes; `as_of`:
    the build date, on which a campaign's checkout promotion is named if it runs."""
    market = market_offers.market
    offers = priced(market_offers.offers)
    ui.reset()
    styles = [
        style_view(offers[offers["style_id"] == style], market, ui, references, config.images)
        for style in campaign.hero_styles
        if (offers["style_id"] == style).any()
    ]
    if not styles:
        return None
    for style in styles:
        style.reviews = showcase(reviews, style.style_id, market)
    discounted = [s for s in styles if s.discounted]
    # "offer valid until" once, and only over a discount: the earliest day a shown sale price ends
    ends = [s.sale_end_day for s in discounted if s.sale_end_day is not None] + [campaign.valid_until]
    offer_ends = min(ends) if discounted else None
    url = market.landing_page_url(campaign.slug)
    links, x_default = alternates(campaign, config)
    story = ui.data_text(campaign.context("story"), campaign.story)
    groups = [product_group(offers[offers["style_id"] == s.style_id], market, url, references,
                            [review_markup(r.author, r.rating, r.title, r.text, r.day_iso) for r in s.reviews])
              for s in styles]
    html = env.get_template("campaign.html").render(
        lang=hreflang(market),
        brand=config.project.brand,
        canonical=url,
        alternates=links,
        x_default=x_default,
        headline=ui.data_text(campaign.context("headline"), campaign.headline),
        offer=ui.data_text(campaign.context("offer"), campaign.offer),
        story=story,
        description=shorten(plain(story).unescape(), 155),
        valid_until=format_day(offer_ends, market) if offer_ends else None,
        valid_until_iso=min(ends).isoformat(),
        discounted=bool(discounted),
        valid_style=discounted[0].style_id if discounted else "",
        home=market.home_url,
        favicon=FAVICON,
        styles=styles,
        trust=trust(market, ui),
        jsonld=[Markup(script_json(group)) for group in groups],
        css=_css(ui.review),
        review=ui.review,
        promotion=checkout_discount(campaign, market, as_of),
    )
    flagged = ui.reset()
    if ui.review:
        html = html.replace(REVIEW_PANEL, review_panel(env, flagged), 1)
    return RenderedPage(market.id, campaign.slug, html, styles, flagged, offer_ends)


@dataclass(frozen=True)
class CheckoutDiscount:
    """What a page says of a running promotion: the discount as the market writes it, never a price after it
    (Google rejects a promotion whose discounted price the page states, GMC 13509015)."""

    promotion_id: str
    discount: str  # "15 %", "20,00 €"
    code: str
    until: str


def checkout_discount(campaign: Campaign, market: Market, as_of: date | None) -> CheckoutDiscount | None:
    promotion = campaign.promotion
    if promotion is None or as_of is None or not campaign.promotion_running(as_of):
        return None
    if promotion.percent_off is not None:
        discount = format_percent_off(promotion.percent_off, market)
    else:
        discount = format_price(promotion.money_off[market.currency], market)
    return CheckoutDiscount(campaign.slug, discount, promotion.code, format_day(campaign.valid_until, market))


def review_panel(env: Environment, flagged: list[Flagged]) -> str:
    """Legend and per-page counts, rendered after the page so the counts are complete."""
    items = unique(flagged)
    return env.get_template("review_panel.html").render(counts=summarize(flagged), items=items, total=len(items))


def render_market_index(market: Market, campaigns: list[tuple[Campaign, RenderedPage]], brand: str,
                        ui: UiText, env: Environment) -> str:
    entries = []
    for campaign, page in campaigns:
        entries.append({
            "href": f"{campaign.slug}.html",
            "headline": ui.data_text(campaign.context("headline"), campaign.headline),
            # the page's own end date (the earliest shown sale end), and none where nothing is discounted
            "valid_until": format_day(page.offer_ends, market) if page.offer_ends else "",
            "flagged": summarize(page.flagged),
        })
    ui.reset()
    return env.get_template("market_index.html").render(
        lang=hreflang(market), brand=brand, market=market, entries=entries, favicon=FAVICON, home=market.home_url,
        css=_css(ui.review), review=ui.review,
    )


def render_site_index(columns: list[str], rows: list[dict], brand: str, env: Environment, *,
                      review: bool = False, report_href: str | None = None) -> str:
    """Markets x campaigns (English: it is the team's page, not a shopper's).

    rows: {"market": Market, "cells": {slug: {"href": ..., "flagged": Counter} | None}}."""
    return env.get_template("index.html").render(
        brand=brand, columns=columns, rows=rows, review=review, report_href=report_href, css=_css(review), favicon=FAVICON,
    )
