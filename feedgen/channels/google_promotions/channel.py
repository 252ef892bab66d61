"""Google promotions feed: `google_promotions/<market>.txt`, the running and coming checkout discounts of
the campaigns in landing_pages.toml (facts.py says why a text file, which countries, and why the price in
the product feeds and on the page never includes the discount).

Which promotions a market sends is decided by promotions.market_promotions, the same function that gives
the Google product feed its `promotion_id`s, so the two files agree by construction; the build checks it
anyway (`finish`), because a promotion_id without its promotion, or a specific_products promotion without
a product, is what Merchant Center rejects (GMC 6396257).
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Mapping

import pandas as pd

from feedgen.channels.base import NO_REMOVALS, Artifact, Channel, Removals
from feedgen.channels.csvout import neutralise, restore
from feedgen.channels.google_promotions.facts import COLUMNS, REDEMPTION_CHANNEL
from feedgen.channels.google_promotions.promotions import CHANNEL, MarketPromotion, market_promotions
from feedgen.diagnostics import Diagnostic
from feedgen.load.offer_schema import offer_columns
from feedgen.pages.campaigns import FILE_NAME as CAMPAIGNS_FILE, Campaign, load_campaigns


class GooglePromotionsChannel(Channel):
    name: ClassVar[str] = CHANNEL
    reads: ClassVar[frozenset[str]] = offer_columns("sku", "style_id")
    inputs: ClassVar[tuple[str, ...]] = (CAMPAIGNS_FILE,)
    gated: ClassVar[bool] = False  # promotions end by their dates: a file that empties or goes is no accident

    def __init__(self, config) -> None:
        super().__init__(config)
        self.campaigns: list[Campaign] = []
        self.as_of = date.today()
        self.written: dict[str, list[str]] = {}  # market id -> the promotion ids of its file

    def use_inputs(self, paths: Mapping[str, Path], as_of: date) -> None:
        self.campaigns = load_campaigns(paths[CAMPAIGNS_FILE], self.config) if CAMPAIGNS_FILE in paths else []
        self.as_of = as_of

    def gather(self, offers: pd.DataFrame) -> pd.DataFrame:
        """Only the rows of the campaigns' hero styles: `prepare` asks no more of the market's offers than
        whether a promotion's hero styles are sold (the rest of a million-SKU market is not kept)."""
        heroes = {style for campaign in self.campaigns for style in campaign.hero_styles}
        return super().gather(offers.loc[offers["style_id"].astype(str).isin(heroes)])

    def prepare(self, market_offers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]:
        """The market's promotions, one row each; none (and no file) where there is nothing to send."""
        styles = set(market_offers.offers.loc[~blocked.reindex(market_offers.offers.index, fill_value=False),
                                              "style_id"].astype(str))
        found, diagnostics = market_promotions(self.campaigns, market_offers.market, self.as_of, styles)
        return pd.DataFrame({"promotion": found}), diagnostics

    def write(self, items: pd.DataFrame, market_offers, stage, removed: Removals = NO_REMOVALS) -> list[Artifact]:
        """A full feed of the market's promotions; nothing when it has none (an empty file would say nothing
        Google needs: a promotion ends by its dates)."""
        if items.empty:
            return []
        market = market_offers.market
        relative = f"google_promotions/{market.id.lower()}.txt"
        with stage.open(relative) as handle:
            handle.write(feed_text(list(items["promotion"])).encode("utf-8"))
        self.written[market.id] = [promotion.promotion_id for promotion in items["promotion"]]
        return [Artifact(self.name, market.id, relative, len(items))]

    def export_state(self, market_id: str) -> Any:
        return self.written.get(market_id, [])

    def import_state(self, market_id: str, state: Any) -> None:
        if state:
            self.written[market_id] = list(state)

    def finish(self, stage) -> tuple[list[Artifact], list[Diagnostic]]:
        """The cross-check of the two files Google joins (GMC 6396257, 7050148): every promotion has products
        carrying its id in the market's Google product feed, and every promotion_id there has its promotion."""
        diagnostics: list[Diagnostic] = []
        for market_id, written in sorted(self.written.items()):
            whole = f"google/{market_id.lower()}.xml"
            products = [path for path in (stage.path(whole), *sorted(stage.path(whole).parent.glob(
                f"{market_id.lower()}-[0-9][0-9][0-9].xml"))) if path.exists()]  # the feed, or its parts
            if not products:
                continue  # the product feed is not part of this build's output for the market
            used = product_promotion_ids(products)
            for promotion_id in sorted(set(written) - used):
                diagnostics.append(Diagnostic(
                    "google_promotions.products.unmapped", "error", f"promotion {promotion_id!r} is in "
                    f"google_promotions/{market_id.lower()}.txt but no item of google/{market_id.lower()}.xml carries "
                    "it: Google rejects it (GMC 6396257)", market=market_id, channel=self.name))
            for promotion_id in sorted(used - set(written)):
                diagnostics.append(Diagnostic(
                    "google_promotions.products.orphan", "error", f"items of google/{market_id.lower()}.xml carry "
                    f"promotion_id {promotion_id!r}, which google_promotions/{market_id.lower()}.txt does not hold",
                    market=market_id, channel=self.name))
        return [], diagnostics

    @staticmethod
    def read_items(path: Path) -> dict[str, dict[str, str]]:  # type: ignore[override]  # the base's ClassVar
        """A written feed back as {promotion_id: {column: text}}; the repeated promotion_destination joined
        with `|`, empty cells left out."""
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines:
            return {}
        header = lines[0].split("\t")
        items: dict[str, dict[str, str]] = {}
        for line in lines[1:]:
            fields: dict[str, str] = {}
            for column, value in zip(header, line.split("\t"), strict=True):
                if value:
                    value = restore(value)
                    fields[column] = f"{fields[column]}|{value}" if column in fields else value
            items[fields.get("promotion_id", "")] = fields
        return items


PROMOTION_ID = re.compile(rb"<g:promotion_id>([^<]*)</g:promotion_id>")
OVERLAP = 256  # bytes a block's scan shares with the next: more than one element (an id is at most 50 characters)


def product_promotion_ids(paths: list[Path], block: int = 1 << 23) -> set[str]:
    """The promotion ids the items of a Google product feed (or its parts) carry. The feed is ours, written by
    lxml with the `g` prefix, so its bytes are scanned a block at a time: a 2 GB feed is read once at disk speed
    and never held (a parser would keep every item it passes)."""
    found: set[bytes] = set()
    for path in paths:
        carry = b""
        with path.open("rb") as handle:
            while chunk := handle.read(block):
                data = carry + chunk
                found.update(PROMOTION_ID.findall(data))
                carry = data[-OVERLAP:]  # an element cut by the block's end is whole in the next scan
    return {html.unescape(value.decode("utf-8")) for value in found}


def _cell(value: str) -> str:
    """A text cell: no tab or line break can end it early, a formula-looking start is neutralised."""
    return neutralise(" ".join(value.split()))


def feed_text(promotions: list[MarketPromotion]) -> str:
    """The tab-delimited feed: a header of Google's attribute names, one promotion per line, `\\n` line ends."""
    destinations = max(len(promotion.destinations) for promotion in promotions)
    lines = ["\t".join((*COLUMNS, *["promotion_destination"] * destinations))]
    for promotion in promotions:
        code = promotion.promotion.code
        cells = {
            "promotion_id": promotion.promotion_id,
            "product_applicability": "specific_products",
            "offer_type": "generic_code" if code else "no_code",
            "generic_redemption_code": code,
            "long_title": promotion.long_title,
            "promotion_effective_dates": promotion.effective_dates,
            "redemption_channel": REDEMPTION_CHANNEL,
            "coupon_value_type": "money_off" if promotion.money_off else "percent_off",
            "percent_off": promotion.percent_off,
            "money_off_amount": promotion.money_off,
        }
        row = [_cell(cells[column]) for column in COLUMNS]
        row += [*promotion.destinations, *[""] * (destinations - len(promotion.destinations))]
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"
