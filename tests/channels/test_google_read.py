"""GoogleChannel.read_items: a written feed read back for diff and removal tracking."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from feedgen.channels.google import GoogleChannel


def test_read_items_returns_every_item_with_its_attributes(small_built: Path) -> None:
    project = small_built
    feed = project / "output" / "google" / "gb.xml"
    items = GoogleChannel.read_items(feed)
    assert len(items) == len(etree.parse(str(feed)).findall("channel/item"))
    item = items["AS-1026-GRY-40"]
    assert item["title"] == "Bryggen Leather & Wool Slippers"  # unescaped text, as the platform reads it
    assert item["price"].endswith(" GBP")
    assert item["shipping.country"] == "GB"  # sub-attributes of g:shipping (GMC 6324484) are dotted
    assert item["additional_image_link"].count("|") >= 1  # repeated attribute joined with |
    assert item["id"] == "AS-1026-GRY-40"
