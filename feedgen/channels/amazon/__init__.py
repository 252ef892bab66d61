"""Amazon Selling Partner JSON_LISTINGS_FEED: listings per marketplace (channel.py), the listings
schema's facts (facts.py), the message builder (messages.py) and withdrawals (removals.py)."""

from feedgen.channels.amazon.channel import AmazonChannel, footwear_size_value, split_points

__all__ = ["AmazonChannel", "footwear_size_value", "split_points"]
