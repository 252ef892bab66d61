"""Landing pages as a stage of the build: per market after the channels, then one index.

Like a channel it reads the market's resolved offers and writes into the build's stage, so pages
are published atomically with the feeds. Layout under the output directory:

    pages/index.html               markets x campaigns (for the team)
    pages/<market>/index.html      the market's campaigns
    pages/<market>/<slug>.html     one landing page
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from feedgen.channels.base import Artifact
from feedgen.diagnostics import Diagnostic
from feedgen.markets import Market, MarketConfig
from feedgen.offers import MarketOffers, Sources
from feedgen.pages.campaigns import FILE_NAME, Campaign, load_campaigns
from feedgen.pages.check import CHANNEL, check_page
from feedgen.pages.render import (
    RenderedPage, environment, page_path, render_campaign, render_market_index, render_site_index,
)
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
    built: list[MarketPages] = field(default_factory=list)

    @classmethod
    def from_sources(cls, sources: Sources, data_dir: Path, locales: Path, *, review: bool = False) -> LandingPages:
        """Load landing_pages.toml now, so a bad campaign stops the build before anything is written."""
        campaigns = load_campaigns(data_dir / FILE_NAME, sources.config)
        return cls(sources.config, campaigns, locales, sources.as_of, sources.config.project.source_language, review)

    def ui_for(self, market: Market) -> UiText:
        catalog = None if market.language == self.source_language else ui_catalogue(self.locales, market.locale, market.language)
        return UiText(market.language, self.source_language, catalog, market.allow_machine_translation, self.review)

    def render_market(self, market_offers: MarketOffers) -> MarketPages:
        market = market_offers.market
        ui = self.ui_for(market)
        env = environment(ui, market.locale)
        diagnostics: list[Diagnostic] = []
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
            page = render_campaign(campaign, market_offers, self.config, ui, env)
            if page is None:
                continue
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
        self.built.append(result)
        return result

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
        columns = [c.slug for c in self.campaigns if any(c.slug == p[0].slug for m in self.built for p in m.pages)]
        rows = []
        for built in self.built:
            if not built.pages:
                continue
            prefix = built.market.id.lower()
            cells = {c.slug: {"href": f"{prefix}/{c.slug}.html", "flagged": summarize(p.flagged)}
                     for c, p in built.pages}
            rows.append({"market": built.market, "cells": cells})
        env = environment(UiText("en", "en", None, False, self.review))
        return render_site_index(columns, rows, self.config.project.brand, env, review=self.review,
                                 report_href=report_href)

    def finish(self, stage) -> list[Artifact]:
        if not any(built.pages for built in self.built):
            return []
        return [_write(stage, "pages/index.html", self.site_index(), "", 0)]


def _write(stage, relative: str, html: str, market: str, items: int) -> Artifact:
    with stage.open(relative) as handle:
        handle.write(html.encode("utf-8"))
    return Artifact(CHANNEL, market, relative, items)
