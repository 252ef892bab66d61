"""Meta's section of markets.toml: `[meta] layout` (README "Meta")."""

from __future__ import annotations

from feedgen.config.schema import Field, Table, text
from feedgen.config.markets import ChannelSettings, MarketConfig

LAYOUTS = ("localized", "per_market")

SETTINGS = ChannelSettings(project=Table((Field("layout", text(LAYOUTS), "localized"),)))  # [meta]


def layout(config: MarketConfig) -> str:
    return config.project.settings.get("meta", {}).get("layout", "localized")
