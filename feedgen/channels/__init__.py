"""Channels: one package per platform (`feedgen/channels/<name>/`) behind one small interface
(base.Channel). This mapping is the registry: adding a channel is its folder plus one line here."""

from __future__ import annotations

from pathlib import Path

from feedgen.channels.amazon import AmazonChannel
from feedgen.channels.base import Artifact, Channel, limit_settings
from feedgen.channels.google import GoogleChannel
from feedgen.channels.google_promotions import GooglePromotionsChannel
from feedgen.channels.google_reviews import GoogleReviewsChannel
from feedgen.channels.meta import MetaChannel
from feedgen.channels.pinterest import PinterestChannel
from feedgen.channels.tiktok import TikTokChannel
from feedgen.config.markets import MarketConfig, load_markets

CHANNELS: dict[str, type[Channel]] = {  # in report and diff order
    GoogleChannel.name: GoogleChannel,
    MetaChannel.name: MetaChannel,
    AmazonChannel.name: AmazonChannel,
    PinterestChannel.name: PinterestChannel,
    TikTokChannel.name: TikTokChannel,
    GoogleReviewsChannel.name: GoogleReviewsChannel,
    GooglePromotionsChannel.name: GooglePromotionsChannel,
}


def read_markets(path: str | Path) -> MarketConfig:
    """markets.toml, read with every registered channel's sections (a market may sell on any of them)."""
    return load_markets(path, {name: limit_settings(channel.settings, channel.file_limit)
                              for name, channel in CHANNELS.items()})


__all__ = ["Artifact", "Channel", "CHANNELS", "read_markets"]
