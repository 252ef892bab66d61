"""Which of the campaigns' promotions a market publishes to Google, decided once for both files that must
agree: the promotions feed (channel.py) and the product feed's `promotion_id` (feedgen.channels.google)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from feedgen.channels.google_promotions.facts import (
    DEFAULT_DESTINATIONS, DESTINATIONS, LONG_TITLE_LIMIT, MAX_DAYS, PROMOTION_COUNTRIES,
)
from feedgen.config.markets import Market
from feedgen.diagnostics import Diagnostic, Severity
from feedgen.load.pricing import format_amount
from feedgen.pages.campaigns import Campaign, Promotion

CHANNEL = "google_promotions"


@dataclass(frozen=True)
class MarketPromotion:
    """One campaign's promotion as one market's Google account receives it."""

    promotion_id: str
    styles: tuple[str, ...]
    promotion: Promotion
    long_title: str
    effective_dates: str  # start/end in the market's time zone (GMC 13836990)
    destinations: tuple[str, ...]
    money_off: str  # "20.00 EUR", or "" for a percentage

    @property
    def percent_off(self) -> str:
        return str(self.promotion.percent_off) if self.promotion.percent_off is not None else ""


def value_in_title(promotion: Promotion, currency: str) -> str:
    """The figure the long title must state (GMC 13838102: "20% off", not "Spring sale"): '15', or '20' for 20.00."""
    if promotion.percent_off is not None:
        return str(promotion.percent_off)
    amount = promotion.money_off[currency]
    return format(amount.normalize(), "f") if amount == amount.to_integral_value() else format(amount, "f")


def effective_dates(market: Market, starts: date, ends: date) -> str:
    """From the first second of `starts` to the last of `ends`, in the market's time zone."""
    start = datetime.combine(starts, time(0, 0, 0), market.tz).isoformat()
    end = datetime.combine(ends, time(23, 59, 59), market.tz).isoformat()
    return f"{start}/{end}"


def market_promotions(campaigns: list[Campaign], market: Market, as_of: date,
                      styles_sold: set[str] | None = None) -> tuple[list[MarketPromotion], list[Diagnostic]]:
    """The promotions of `market` that have not ended on `as_of`, with a diagnostic for each one that cannot be
    sent (a country Google has no promotions in, a missing or wrong long title, too long a period, no product).
    `styles_sold`: the styles the market offers (None: not checked, for the product feed's promotion_id)."""
    found: list[MarketPromotion] = []
    diagnostics: list[Diagnostic] = []

    def problem(rule: str, severity: Severity, message: str) -> None:
        diagnostics.append(Diagnostic(rule, severity, message, market=market.id, channel=CHANNEL))

    for campaign in campaigns:
        promotion = campaign.promotion
        if promotion is None or market.id not in campaign.markets or campaign.valid_until < as_of:
            continue
        where = f"campaign {campaign.slug} in landing_pages.toml"
        if market.country not in PROMOTION_COUNTRIES:
            problem("google_promotions.country.unsupported", "info",
                    f"{where}: Google shows no promotions in {market.country} (GMC 2906014); the landing page names "
                    "the discount, no promotions feed is written for this market")
            continue
        # the market's own title first (GB and US share English but not the amount off), else its language's
        key = market.id if market.id in promotion.long_title else market.language
        title = promotion.long_title.get(key, "")
        figure = value_in_title(promotion, market.currency)
        if not title:
            problem("google_promotions.long_title.missing", "error",
                    f"{where}: no promotion long_title in {market.language} (Google wants it in the language of the "
                    f"country); add long_title.{market.language} (or long_title.{market.id} for this market alone) "
                    "to [campaigns.promotion]")
            continue
        if figure not in title or len(title) > LONG_TITLE_LIMIT:
            problem("google_promotions.long_title.invalid", "error",
                    f"{where}: long_title.{key} {title!r} must state the discount in {market.id} ({figure}) in at "
                    f"most {LONG_TITLE_LIMIT} characters (GMC 13838102); a market whose amount differs can have its "
                    f"own: long_title.{market.id}")
            continue
        days = (campaign.valid_until - promotion.starts).days + 1
        if days > MAX_DAYS:
            problem("google_promotions.dates.too_long", "error",
                    f"{where}: the promotion runs {days} days ({promotion.starts} to {campaign.valid_until}); Google "
                    f"allows at most {MAX_DAYS} (GMC 3398485): start it later or end it sooner")
            continue
        if styles_sold is not None and not set(campaign.hero_styles) & styles_sold:
            problem("google_promotions.products.none", "warning",
                    f"{where}: none of its hero styles ({', '.join(campaign.hero_styles)}) is sold in {market.id}; "
                    "Google rejects a promotion that applies to no product (GMC 6396257)")
            continue
        money = format_amount(promotion.money_off[market.currency], market.currency) if promotion.money_off else ""
        found.append(MarketPromotion(
            promotion_id=campaign.slug, styles=campaign.hero_styles, promotion=promotion, long_title=title,
            effective_dates=effective_dates(market, promotion.starts, campaign.valid_until),
            destinations=DESTINATIONS.get(market.country, DEFAULT_DESTINATIONS), money_off=money))
    return found, diagnostics


def promotion_ids(promotions: list[MarketPromotion], styles: list[str]) -> list[list[str]]:
    """For each item (by its style), the ids of the promotions that apply to it, in campaign order."""
    by_style: dict[str, list[str]] = {}
    for promotion in promotions:
        for style in promotion.styles:
            by_style.setdefault(style, []).append(promotion.promotion_id)
    return [by_style.get(style, []) for style in styles]
