"""product_data/landing_pages.toml -> validated Campaign objects.

A campaign is configuration, so a mistake in it is unusable input (InputError, exit 2, nothing
written), checked against markets.toml before anything is rendered. A landing
page sells one thing: one hero style, or two (e.g. the women's and men's cut of one boot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from feedgen.errors import InputError
from feedgen.markets import MarketConfig
from feedgen.tomlfile import TomlFile, read_toml

FILE_NAME = "landing_pages.toml"
MAX_HERO_STYLES = 2
TEXT_FIELDS = ("headline", "story", "offer")  # translatable, msgctxt "campaign:<slug>:<field>"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LIMITS = {"headline": 90, "offer": 120, "story": 1200}


@dataclass(frozen=True)
class Campaign:
    slug: str
    hero_styles: tuple[str, ...]
    headline: str
    story: str
    offer: str
    valid_until: date
    markets: tuple[str, ...]

    def context(self, field: str) -> str:
        """The gettext msgctxt of one of the campaign's texts (messages domain)."""
        return f"campaign:{self.slug}:{field}"


HEADER = "[[campaigns]]"


def parse_campaigns(toml: TomlFile) -> list[dict[str, Any]]:
    """The raw `[[campaigns]]` tables."""
    unknown = sorted(set(toml.data) - {"campaigns"})
    if unknown:
        raise toml.fail(f"unknown top-level key(s) {', '.join(unknown)} (expected [[campaigns]])", key=unknown[0])
    campaigns = toml.data.get("campaigns", [])
    if not isinstance(campaigns, list) or not all(isinstance(c, dict) for c in campaigns):
        raise toml.fail("campaigns must be an array of tables: [[campaigns]]", key="campaigns")
    return campaigns


def line_of(toml: TomlFile, index: int, key: str | None = None) -> int | None:
    """The line of a campaign's key (or of its [[campaigns]] header); for an inline array, its `campaigns =` line."""
    return toml.line_of(header=HEADER, nth=index, key=key) or toml.line_of(key="campaigns")


def load_campaigns(path: Path, config: MarketConfig) -> list[Campaign]:
    """Read and check every campaign; a missing file means no landing pages (not an error).

    Hero styles are not checked against the catalogue here: a style that is sold out of the
    catalogue must not stop the feeds, so the pages report it as a warning (pages.style.unavailable)."""
    if not path.exists():
        return []
    toml = read_toml(path, FILE_NAME)
    campaigns: list[Campaign] = []
    for index, raw in enumerate(parse_campaigns(toml)):
        slug = raw.get("slug")
        where = f"campaigns[{index}]" + (f" ({slug})" if isinstance(slug, str) else "")

        def fail(message: str, key: str | None = None) -> InputError:
            return InputError(path, f"{where}: {message}", row=line_of(toml, index, key), column=key)

        allowed = {"slug", "hero_styles", "valid_until", "markets", *TEXT_FIELDS}
        for key in raw:
            if key not in allowed:
                raise fail(f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})", key)
        for key in sorted(allowed - set(raw)):
            raise fail(f"missing required key {key!r}", key)
        if not isinstance(slug, str) or not _SLUG.fullmatch(slug) or len(slug) > 60:
            raise fail("slug must be lower-case letters, digits and single hyphens (≤ 60), e.g. winter-boots", "slug")
        if any(c.slug == slug for c in campaigns):
            raise fail(f"duplicate slug {slug!r}", "slug")
        texts = {}
        for key in TEXT_FIELDS:
            value = raw[key]
            if not isinstance(value, str) or not value.strip():
                raise fail(f"{key} must be a non-empty string", key)
            value = value.strip()
            if len(value) > _LIMITS[key]:
                raise fail(f"{key} is longer than {_LIMITS[key]} characters", key)
            texts[key] = value
        heroes = raw["hero_styles"]
        if (
            not isinstance(heroes, list)
            or not 1 <= len(heroes) <= MAX_HERO_STYLES
            or not all(isinstance(h, str) for h in heroes)
            or len(set(heroes)) != len(heroes)
        ):
            raise fail(f"hero_styles must list 1–{MAX_HERO_STYLES} different style ids: a landing page sells one thing",
                       "hero_styles")
        valid_until = raw["valid_until"]
        if not isinstance(valid_until, date) or hasattr(valid_until, "hour"):
            raise fail("valid_until must be a TOML date, e.g. valid_until = 2026-12-31", "valid_until")
        markets = raw["markets"]
        if not isinstance(markets, list) or not markets or not all(isinstance(m, str) for m in markets):
            raise fail("markets must be a non-empty list of market ids, e.g. [\"NO\", \"SE\"]", "markets")
        chosen: list[str] = []
        for market_id in markets:
            key = market_id.strip().upper()
            if key not in config.markets:
                raise fail(f"unknown market {market_id!r} (known: {', '.join(config.markets)})", "markets")
            if not config.markets[key].landing_url:
                raise fail(f"market {key} has no landing_url in {config.path.name}", "markets")
            if key not in chosen:
                chosen.append(key)
        ordered = tuple(m for m in config.markets if m in chosen)  # markets.toml order: stable hreflang lists
        campaigns.append(Campaign(slug=slug, hero_styles=tuple(heroes), valid_until=valid_until,
                                  markets=ordered, **texts))
    return campaigns
