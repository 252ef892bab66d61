"""Google product review feed (Product Ratings): one XML file per market (channel.py)."""

from feedgen.channels.google_reviews.channel import GoogleReviewsChannel

__all__ = ["GoogleReviewsChannel"]
