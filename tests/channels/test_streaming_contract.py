"""A channel with a FeedWriter must say it streams (issue #19).

`Channel.streams` is what makes the build hand a channel each slice of a market; a channel that has a
writer (`open`) but leaves `streams` at False still writes the same bytes, because the build then gathers
the whole market's columns and writes once at the end, so no byte-identity test can tell. That is how
Amazon came to hold a million SKUs' columns per worker (+575 MiB at 1M): this test is the guard.
"""

from __future__ import annotations

from feedgen.channels import CHANNELS
from feedgen.channels.base import Channel


def test_a_channel_streams_exactly_when_it_has_a_writer() -> None:
    for name, channel in CHANNELS.items():
        has_writer = channel.open is not Channel.open
        assert channel.streams == has_writer, (
            f"{name}: open() {'is' if has_writer else 'is not'} overridden but streams = {channel.streams}")
