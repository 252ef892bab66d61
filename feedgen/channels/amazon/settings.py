"""Amazon's sections of markets.toml: `[amazon] seller_id` and `markets.XX.amazon = { … }`.

Read by the markets.toml reader with this schema (feedgen.config.schema), so a mistake names its
line and key like any other; the channel reads them back through `seller_id` and `marketplace`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from feedgen.config.schema import Field, Place, Table, text
from feedgen.config.markets import ChannelSettings, Market, MarketConfig

SELLER_ID_ENV = "FEEDGEN_AMAZON_SELLER_ID"


@dataclass(frozen=True)
class AmazonMarketplace:
    marketplace_id: str
    language_tag: str
    fulfillment_channel: str


def _seller_id(value: Any, place: Place, key: str) -> str:
    return str(value)  # any value, as text (an id that looks like a number stays what was written)


SETTINGS = ChannelSettings(
    project=Table((Field("seller_id", _seller_id, ""),)),  # [amazon]
    market=Table(  # markets.XX.amazon = { … }
        (Field("marketplace_id", text()), Field("language_tag", text()), Field("fulfillment_channel", text())),
        build=AmazonMarketplace,
    ),
)


def marketplace(market: Market) -> AmazonMarketplace:
    """The market's Amazon marketplace (required of every market that lists amazon in `channels`)."""
    return market.settings["amazon"]


def seller_id(config: MarketConfig) -> str:
    """The environment wins over markets.toml, so CI can keep the id out of the repository."""
    configured = config.project.settings.get("amazon", {}).get("seller_id", "")
    return os.environ.get(SELLER_ID_ENV, "").strip() or str(configured).strip()
