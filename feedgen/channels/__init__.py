"""Channels: one module per platform behind one small interface (see base.Channel)."""

from __future__ import annotations

from feedgen.channels.amazon import AmazonChannel
from feedgen.channels.base import Artifact, Channel
from feedgen.channels.google import GoogleChannel
from feedgen.channels.meta import MetaChannel

CHANNELS: dict[str, type[Channel]] = {
    GoogleChannel.name: GoogleChannel,
    MetaChannel.name: MetaChannel,
    AmazonChannel.name: AmazonChannel,
}

__all__ = ["Artifact", "Channel", "CHANNELS"]
