"""Meta (Facebook/Instagram) catalog: CSV data feeds per market and language (channel.py)."""

from feedgen.channels.meta.channel import MetaChannel

__all__ = ["MetaChannel"]
