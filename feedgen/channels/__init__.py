"""Channels: one module per platform behind one small interface (see base.Channel)."""

from __future__ import annotations

from feedgen.channels.base import Artifact, Channel
from feedgen.channels.google import GoogleChannel

CHANNELS: dict[str, type[Channel]] = {
    GoogleChannel.name: GoogleChannel,
}

__all__ = ["Artifact", "Channel", "CHANNELS"]
