"""Landing pages as a stage of the build: per market after the channels, then one index.

Like a channel it reads the market's resolved offers and writes into the build's stage, so pages
are published atomically with the feeds. Layout under the output directory:

    pages/index.html               markets x campaigns (for the team)
    pages/<market>/index.html      the market's campaigns
    pages/<market>/<slug>.html     one landing page
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from feedgen.channels.base import Artifact
from feedgen.diagnostics import Diagnostic
from feedgen.config.markets import Market, MarketConfig
from feedgen.resolve.offers import MarketOffers, Sources
from feedgen.pages.campaigns import FILE_NAME, Campaign, load_campaigns
from feedgen.load.reviews import FILE_NAME as REVIEWS_FILE, Reviews, for_market, load_reviews, with_review_ratings
from feedgen.pages.check import CHANNEL, check_page
from feedgen.pages.reference import copy_diagnostics, reference_diagnostics, references
from feedgen.pages.render import (
    RenderedPage, environment, page_path, render_campaign, render_market_index, render_site_index,
)
from feedgen.i18n.termbase import lower_in_sentence
from feedgen.i18n.ui import ui_catalogue
from feedgen.pages.texts import UiText, summarize
from feedgen.pages.views import priced


@dataclass
class MarketPages:
    market: Market
    pages: list[tuple[Campaign, RenderedPage]]
    index_html: str
    diagnostics: list[Diagnostic]


@dataclass
class LandingPages:
    """Renders every campaign for the markets of a build; `review` marks unreviewed text."""

    config: MarketConfig
    campaigns: list[Campaign]
    locales: Path
    as_of: date
    source_language: str
    review: bool = False
    # market id -> [(campaign slug, review counts)]: what the site index needs, handed over per market
    index: dict[str, list[tuple[str, Counter]]] = field(default_factory=dict)
    history: Path | None = None  # the price history the 30-day reference prices come from (feedgen.resolve.history)
    reviews: Reviews | None = None  # DATA/reviews.csv: the ratings of the styles it reviews (load.reviews.for_market)

    @classmethod
    def from_sources(cls, sources: Sources, data_dir: Path, locales: Path, *, review: bool = False) -> LandingPages:
        """Load landing_pages.toml now, so a bad campaign stops the build before anything is written."""
        return cls.from_config(sources.config, sources.as_of, data_dir, locales, review=review)

    @classmethod
    def from_config(cls, config: MarketConfig, as_of: date, data_dir: Path, locales: Path, *,
                    review: bool = False) -> LandingPages:
        """As from_sources, for a build that does not load the catalogue (nothing changed)."""
        campaigns = load_campaigns(data_dir / FILE_NAME, config)
        reviews = load_reviews(data_dir / REVIEWS_FILE, as_of) if (data_dir / REVIEWS_FILE).is_file() else None
        return cls(config, campaigns, locales, as_of, config.project.source_language, review, reviews=reviews)

    def ui_for(self, market: Market) -> UiText:
        # the source language too: en_US / en_GB catalogues hold the wording that differs from the source
        catalog = ui_catalogue(self.locales, market.locale, market.language)
        return UiText(market.language, self.source_language, catalog, market.allow_machine_translation, self.review,
                      lower_in_sentence=lower_in_sentence(self.locales, market.locale, market.language))

    def market_reviews(self, offers: pd.DataFrame, market: Market) -> pd.DataFrame | None:
        """The market's publishable reviews, as in its review feed (load.reviews.for_market): one rule for
        the feed, the page's stars and the reviews it quotes. reviews.csv's own diagnostics are the review
        feed's to report (google_reviews.finish), not repeated here."""
        if self.reviews is None:
            return None
        shown, _ = for_market(self.reviews, market.country, offers["sku"], offers["style_id"], market.id)
        return shown

    def hero_styles(self, market: Market) -> set[str]:
        """The styles the market's pages can show: what a build keeps of each slice for them."""
        return {style for campaign in self.campaigns if market.id in campaign.markets for style in campaign.hero_styles}

    def render_market(self, market_offers: MarketOffers) -> MarketPages:
        market = market_offers.market
        # a page only shows its hero styles: every lookup below runs on those rows, not the catalogue
        heroes = self.hero_styles(market)
        reviews = self.market_reviews(market_offers.offers, market)
        all_offers = market_offers.offers if reviews is None else with_review_ratings(market_offers.offers, reviews)
        diagnostics: list[Diagnostic] = []
        market_offers = MarketOffers(market, all_offers[all_offers["style_id"].isin(heroes)], market_offers.diagnostics)
        ui = self.ui_for(market)
        env = environment(ui, market.locale)
        pages: list[tuple[Campaign, RenderedPage]] = []
        offers = priced(market_offers.offers)
        for campaign in self.campaigns:
            if market.id not in campaign.markets:
                continue
            if campaign.valid_until < self.as_of:
                diagnostics.append(Diagnostic("pages.campaign.expired", "warning",
                                              f"campaign {campaign.slug} ended {campaign.valid_until}; no page written",
                                              market=market.id, channel=CHANNEL))
                continue
            for style in campaign.hero_styles:
                if not (offers["style_id"] == style).any():
                    diagnostics.append(Diagnostic("pages.style.unavailable", "warning",
                                                  f"hero style {style} of {campaign.slug} has no priced SKU in this market "
                                                  "(not in the catalogue, or no valid price); left off the page",
                                                  market=market.id, channel=CHANNEL))
            hero_rows = offers[offers["style_id"].isin(campaign.hero_styles)]
            found = references(self.history, market, hero_rows, self.as_of)
            page = render_campaign(campaign, market_offers, self.config, ui, env, found, reviews, self.as_of)
            if page is None:
                continue
            diagnostics.extend(reference_diagnostics(market, campaign.slug, hero_rows, found))
            diagnostics.extend(copy_diagnostics(market, campaign.slug, campaign.offer,  # a checkout discount too
                                                any(s.discounted for s in page.styles)
                                                or campaign.promotion_running(self.as_of)))
            rows = offers[offers["style_id"].isin([s.style_id for s in page.styles])]
            diagnostics.extend(check_page(page.html, rows, [s.sku for s in page.styles], market))
            pages.append((campaign, page))
        for source, problem in sorted(set(ui.broken)):
            rule = "pages.text.bad_markup" if problem.startswith("markup") else "pages.text.bad_placeholder"
            diagnostics.append(Diagnostic(rule, "warning", f"translation of {source!r} is not used ({problem}); English shown",
                                          market=market.id, channel=CHANNEL))
        untranslated = summarize([f for _, page in pages for f in page.flagged if f.where != "product"])
        if untranslated:
            diagnostics.append(Diagnostic(
                "pages.text.untranslated", "warning",
                f"{untranslated['missing']} missing and {untranslated['fuzzy']} unreviewed (fuzzy) page text(s) in "
                f"{market.language}; check them with `feedgen serve --review`", market=market.id, channel=CHANNEL))
        index_html = render_market_index(market, pages, self.config.project.brand, ui, env) if pages else ""
        result = MarketPages(market, pages, index_html, diagnostics)
        self.index[market.id] = index_row(result)
        return result

    def export_state(self, market_id: str) -> list | None:
        """The market's row of the site index, as JSON-ready data (see build: parallel and reused markets)."""
        pages = self.index.pop(market_id, None)
        return None if pages is None else [[slug, dict(counts)] for slug, counts in pages]

    def import_state(self, market_id: str, state: list | None) -> None:
        if state is not None:
            self.index[market_id] = [(slug, Counter(counts)) for slug, counts in state]

    def write(self, market_offers: MarketOffers, stage) -> tuple[list[Artifact], list[Diagnostic]]:
        result = self.render_market(market_offers)
        artifacts = []
        for campaign, page in result.pages:
            artifacts.append(_write(stage, page_path(result.market, campaign.slug), page.html, result.market.id, 1))
        if result.pages:
            artifacts.append(_write(stage, f"pages/{result.market.id.lower()}/index.html", result.index_html,
                                    result.market.id, 0))
        return artifacts, result.diagnostics

    def site_index(self, *, report_href: str | None = None) -> str:
        columns = [c.slug for c in self.campaigns if any(c.slug == slug for pages in self.index.values() for slug, _ in pages)]
        rows = []
        for market_id, pages in self.index.items():
            if not pages:
                continue
            prefix = market_id.lower()
            cells = {slug: {"href": f"{prefix}/{slug}.html", "flagged": counts} for slug, counts in pages}
            rows.append({"market": self.config.markets[market_id], "cells": cells})
        env = environment(UiText("en", "en", None, False, self.review))
        return render_site_index(columns, rows, self.config.project.brand, env, review=self.review,
                                 report_href=report_href)

    def finish(self, stage) -> list[Artifact]:
        if not any(self.index.values()):
            return []
        return [_write(stage, "pages/index.html", self.site_index(), "", 0)]


def index_row(built: MarketPages) -> list[tuple[str, Counter]]:
    """A market's row of the site index: each campaign page and its review counts."""
    return [(campaign.slug, summarize(page.flagged)) for campaign, page in built.pages]


def _write(stage, relative: str, html: str, market: str, items: int) -> Artifact:
    with stage.open(relative) as handle:
        handle.write(html.encode("utf-8"))
    return Artifact(CHANNEL, market, relative, items)
