"""Pinterest catalogs: one CSV data source per market (channel.py)."""

from feedgen.channels.pinterest.channel import PinterestChannel

__all__ = ["PinterestChannel"]
