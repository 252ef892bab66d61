"""TikTok catalogs: one CSV data feed per market, one country per catalog (channel.py)."""

from feedgen.channels.tiktok.channel import TikTokChannel

__all__ = ["TikTokChannel"]
