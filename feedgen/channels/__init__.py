"""Channels: one package per platform (`feedgen/channels/<name>/`) behind one small interface
(base.Channel). This mapping is the registry: adding a channel is its folder plus one line here."""

from __future__ import annotations

from feedgen.channels.amazon import AmazonChannel
from feedgen.channels.base import Artifact, Channel
from feedgen.channels.google import GoogleChannel
from feedgen.channels.meta import MetaChannel

CHANNELS: dict[str, type[Channel]] = {  # in report and diff order
    GoogleChannel.name: GoogleChannel,
    MetaChannel.name: MetaChannel,
    AmazonChannel.name: AmazonChannel,
}

__all__ = ["Artifact", "Channel", "CHANNELS"]
