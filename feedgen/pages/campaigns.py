"""product_data/landing_pages.toml -> validated Campaign objects.

A campaign is configuration, so a mistake in it is unusable input (InputError, exit 2, nothing
written), checked against markets.toml before anything is rendered. A landing
page sells one thing: one hero style, or two (e.g. the women's and men's cut of one boot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from feedgen.config.schema import (
    Field, Kind, Place, Table, a_date, checked, integer, is_text, list_of, matching, number, table, text, top,
)
from feedgen.config.markets import MarketConfig
from feedgen.config.tomlfile import TomlFile, read_toml

FILE_NAME = "landing_pages.toml"
MAX_HERO_STYLES = 2
TEXT_FIELDS = ("headline", "story", "offer")  # translatable, msgctxt "campaign:<slug>:<field>"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LIMITS = {"headline": 90, "offer": 120, "story": 1200}


@dataclass(frozen=True)
class Promotion:
    """A discount the shop's checkout takes off the campaign's hero styles, from `starts` to the campaign's
    valid_until: `[campaigns.promotion]`. Never a price of its own on the page or in a feed (Google rejects a
    promotion whose discounted price the landing page states, GMC 13509015): the page names the discount, the
    product feeds keep the price, and Google's promotions feed (feedgen.channels.google_promotions) carries it."""

    starts: date
    percent_off: int | None = None
    money_off: Mapping[str, Decimal] = field(default_factory=dict)  # currency -> amount off, every market's
    code: str = ""  # a code the customer types at checkout; none: applied to everyone automatically
    long_title: Mapping[str, str] = field(default_factory=dict)  # language -> the promotion's title for Google


@dataclass(frozen=True)
class Campaign:
    slug: str
    hero_styles: tuple[str, ...]
    headline: str
    story: str
    offer: str
    valid_until: date
    markets: tuple[str, ...]
    promotion: Promotion | None = None

    def promotion_running(self, day: date) -> bool:
        """Whether the checkout discount applies on `day` (a page names it only then)."""
        return self.promotion is not None and self.promotion.starts <= day <= self.valid_until

    def context(self, field: str) -> str:
        """The gettext msgctxt of one of the campaign's texts (messages domain)."""
        return f"campaign:{self.slug}:{field}"


HEADER = "[[campaigns]]"


def _tables(value: Any, place: Place, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        raise place.fail("campaigns must be an array of tables: [[campaigns]]", key)
    return value


FILE = Table((Field("campaigns", _tables, []),), unknown="unknown top-level key(s) {keys} (expected [[campaigns]])",
             unknown_sorted=True)


def parse_campaigns(toml: TomlFile) -> list[dict[str, Any]]:
    """The raw `[[campaigns]]` tables."""
    return FILE.read(toml.data, top(toml))["campaigns"]


def line_of(toml: TomlFile, index: int, key: str | None = None) -> int | None:
    """The line of a campaign's key (or of its [[campaigns]] header); for an inline array, its `campaigns =` line."""
    return toml.line_of(header=HEADER, nth=index, key=key) or toml.line_of(key="campaigns")


def _text(key: str) -> Kind:
    """A translatable text: stripped, and short enough for its place on the page."""
    return checked(text(message=f"{key} must be a non-empty string"),
                   (lambda v: len(v.strip()) <= _LIMITS[key], f"{key} is longer than {_LIMITS[key]} characters"))


def _markets(config: MarketConfig) -> Kind:
    """Market ids that have landing pages, in markets.toml order (stable hreflang lists)."""
    def read(value: Any, place: Place, key: str) -> tuple[str, ...]:
        markets = list_of(is_text, "markets must be a non-empty list of market ids, e.g. [\"NO\", \"SE\"]")(
            value, place, key)
        chosen = {market_id.strip().upper() for market_id in markets}
        for market_id in markets:
            market = config.markets.get(market_id.strip().upper())
            if market is None:
                raise place.fail(f"unknown market {market_id!r} (known: {', '.join(config.markets)})", key)
            if not market.landing_url:
                raise place.fail(f"market {market.id} has no landing_url in {config.path.name}", key)
        return tuple(m for m in config.markets if m in chosen)
    return read


SLUG_RULE = "slug must be lower-case letters, digits and single hyphens (≤ 60), e.g. winter-boots"
_CODE = r"[A-Za-z0-9_-]{1,20}"


def _one_kind_of_discount(values: dict[str, Any], place: Place) -> None:
    if (values["percent_off"] is None) == (not values["money_off"]):
        raise place.fail("a promotion takes exactly one of percent_off (e.g. 15) or money_off "
                         "(an amount per currency, e.g. money_off = { EUR = 20, GBP = 15 })")


PROMOTION = Table(
    (Field("starts", a_date("starts must be a TOML date, e.g. starts = 2026-11-15")),
     Field("percent_off", integer(1, 90), None),
     Field("money_off", table(Table(each=number(Decimal("0.01"), Decimal("100000"))),
                              "money_off must be a table of amounts per currency, e.g. { EUR = 20, GBP = 15 }"), {}),
     Field("code", matching(_CODE, "code must be 1–20 letters, digits, - or _ (what a customer types at checkout)"),
           ""),
     Field("long_title", table(Table(each=checked(text(message="a long_title must be a non-empty string"), (
         lambda v: len(v.strip()) <= 60, "a long_title is at most 60 characters (Google, GMC 13838102)"))),
         "long_title must be a table of titles per language, e.g. { en = \"15% off leather sneakers\" }"), {})),
    checks=(_one_kind_of_discount,), build=lambda **values: Promotion(
        **{**values, "long_title": {language: title.strip() for language, title in values["long_title"].items()}}),
)


def _promotion_fits(config: MarketConfig) -> Any:
    """The promotion's dates and, for money off, an amount in the currency of every market it runs in."""
    def check(values: dict[str, Any], place: Place) -> None:
        promotion = values.get("promotion")
        if promotion is None:
            return
        if promotion.starts > values["valid_until"]:
            raise place.fail("promotion.starts is after valid_until", "promotion")
        if len(values["slug"]) > 50:  # the slug is the promotion_id: 1–50 characters (GMC 7050148)
            raise place.fail("a campaign with a promotion needs a slug of at most 50 characters (its promotion_id)",
                             "slug")
        if promotion.money_off:
            for market_id in values["markets"]:
                currency = config.markets[market_id].currency
                if currency not in promotion.money_off:
                    raise place.fail(f"promotion.money_off has no amount in {currency} (market {market_id})",
                                     "promotion")
    return check


def _campaign(config: MarketConfig) -> Table:
    return Table(
        (Field("slug", checked(matching(_SLUG.pattern, SLUG_RULE), (lambda v: len(v) <= 60, SLUG_RULE))),
         *(Field(key, _text(key)) for key in TEXT_FIELDS),
         Field("hero_styles", list_of(is_text, f"hero_styles must list 1–{MAX_HERO_STYLES} different style ids: "
                                      "a landing page sells one thing", max_len=MAX_HERO_STYLES, unique=True)),
         Field("valid_until", a_date("valid_until must be a TOML date, e.g. valid_until = 2026-12-31")),
         Field("markets", _markets(config)),
         Field("promotion", table(PROMOTION, "promotion must be a table: [campaigns.promotion]"), None)),
        checks=(_promotion_fits(config),),
        missing_at_key=True,
    )


def load_campaigns(path: Path, config: MarketConfig) -> list[Campaign]:
    """Read and check every campaign; a missing file means no landing pages (not an error).

    Hero styles are not checked against the catalogue here: a style that is sold out of the
    catalogue must not stop the feeds, so the pages report it as a warning (pages.style.unavailable)."""
    if not path.exists():
        return []
    toml = read_toml(path, FILE_NAME)
    schema = _campaign(config)
    campaigns: list[Campaign] = []
    for index, raw in enumerate(parse_campaigns(toml)):
        slug = raw.get("slug")
        where = f"campaigns[{index}]" + (f" ({slug})" if isinstance(slug, str) else "")
        place = Place(toml, where, lambda key, index=index: line_of(toml, index, key), keyed=False, column=True)
        values = schema.read(raw, place)
        if any(c.slug == slug for c in campaigns):
            raise place.fail(f"duplicate slug {slug!r}", "slug")
        campaigns.append(Campaign(**{**values, **{key: values[key].strip() for key in TEXT_FIELDS},
                                     "hero_styles": tuple(values["hero_styles"])}))
    return campaigns
