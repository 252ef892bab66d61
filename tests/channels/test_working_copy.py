"""A channel's `prepare` changes its own view of the offers (shortened titles, filled-in custom labels), never the
market's offers the other channels read after it: `working_copy` shares the columns under pandas' copy-on-write
and copies only what a channel writes to, so this holds it to what the deep copy it replaced guaranteed."""

from __future__ import annotations

import pandas as pd
import pytest

from feedgen.channels import CHANNELS
from feedgen.channels.base import working_copy
from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.resolve.offers import resolve

from ..conftest import AS_OF


def test_a_write_to_the_working_copy_stays_in_it() -> None:
    offers = pd.DataFrame({"title": pd.Series(["a", "b"], dtype="str"), "size": ["S", "M"]})
    items = working_copy(offers)
    items.loc[items.index[:1], "title"] = "changed"
    items.loc[items.index[:1], "size"] = "XL"
    items["custom_label_0"] = ""
    assert offers["title"].tolist() == ["a", "b"] and offers["size"].tolist() == ["S", "M"]
    assert list(offers.columns) == ["title", "size"]


@pytest.mark.parametrize("name", ["google", "meta", "pinterest", "tiktok", "amazon"])
def test_prepare_leaves_the_market_offers_as_they_were(project, name: str) -> None:
    sources = load_sources(BuildRequest(data_dir=project / "product_data", as_of=AS_OF))
    market = next(market for market in sources.config.markets.values() if name in market.channels)
    market_offers = resolve(sources, market)
    offers = market_offers.offers
    first = offers.index[0]
    offers.loc[first, "title"] = "Long " * 60  # over every channel's title limit: shortened by prepare
    offers.loc[first, "description"] = "<b>Text</b> " * 900  # over Google's 5000 and Meta's limits; HTML for Meta
    before = offers.copy(deep=True)
    channel = CHANNELS[name](sources.config)
    channel.plan([market])
    accepted, _ = channel.prepare(market_offers, offers["sku"].isna())
    assert len(accepted)
    pd.testing.assert_frame_equal(offers, before)
