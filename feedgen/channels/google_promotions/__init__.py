"""Google promotions feed (Merchant Promotions): one tab-delimited file per market."""

from feedgen.channels.google_promotions.channel import GooglePromotionsChannel

__all__ = ["GooglePromotionsChannel"]
