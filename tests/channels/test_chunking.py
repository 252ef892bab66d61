"""Writers that hold a few thousand items at a time give the same bytes whatever the chunk size."""

from __future__ import annotations

from functools import partial

import feedgen.channels.amazon.messages as amazon_messages
import feedgen.channels.google.channel as google
from feedgen.pipeline.build import BuildRequest, run

from ..conftest import AS_OF
from ..publishing_helpers import snapshot


def test_chunk_boundaries_do_not_show_in_the_feeds(mini_project, tmp_path, monkeypatch) -> None:
    def build(out):
        run(BuildRequest(data_dir=mini_project / "product_data", out=out, as_of=AS_OF, channels=["google", "amazon"],
                         jobs=1, pages=False))
        return {path: data for path, data in snapshot(out).items() if path.startswith(("google/", "amazon/"))}

    whole = build(tmp_path / "whole")
    monkeypatch.setattr(google, "CHUNK", 2)  # 7 SKUs: chunks of 2, 2, 2 and 1 items
    monkeypatch.setattr(amazon_messages, "listing_messages", partial(amazon_messages.listing_messages, rows=2))
    assert build(tmp_path / "chunked") == whole and len(whole) == 10
