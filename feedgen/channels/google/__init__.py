"""Google Merchant Center product feed: one RSS 2.0 file per market (channel.py)."""

from feedgen.channels.google.channel import G, GoogleChannel, item_fields

__all__ = ["G", "GoogleChannel", "item_fields"]
