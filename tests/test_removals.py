"""Removal tracking: SKUs gone since the last published build reach channels that ask for them.

The Amazon channel turns them into DELETE messages (JSON_LISTINGS_FEED v2: a DELETE message carries
only messageId, sku and operationType; SPECS §3.1). A stand-in channel tests the mechanism here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest

from feedgen.channels import CHANNELS, Artifact
from feedgen.channels.base import Removals
from .publishing_helpers import build, edit_catalogue, small_project

RECEIVED: list[tuple[str, Removals]] = []


class FakeAmazon:
    name: ClassVar[str] = "amazon"
    required_fields: ClassVar[tuple[str, ...]] = ("gtin",)
    track_removals: ClassVar[bool] = True

    def prepare(self, market_offers, blocked: pd.Series):
        return market_offers.offers.loc[~blocked], []

    def write(self, items: pd.DataFrame, market_offers, stage, *, removed: Removals) -> list[Artifact]:
        market = market_offers.market.id
        RECEIVED.append((market, removed))
        messages = [{"sku": sku, "operationType": "DELETE"} for sku in sorted(removed.skus)]
        messages += [{"sku": sku, "operationType": "UPDATE", "productType": "SHOES",
                      "attributes": {"item_name": [{"value": title}]}}
                     for sku, title in zip(items["sku"], items["title"])]
        for number, message in enumerate(messages, start=1):
            message["messageId"] = number
        relative = f"amazon/{market.lower()}.json"
        document = {"header": {"sellerId": "A0FAKESELLER00", "version": "2.0"}, "messages": messages}
        stage.write_bytes(relative, json.dumps(document, indent=1).encode())
        return [Artifact(self.name, market, relative, len(items))]

    def finish(self, stage) -> list[Artifact]:
        return []

    @staticmethod
    def read_items(path: Path) -> dict[str, dict[str, str]]:
        messages = json.loads(path.read_text())["messages"]
        return {m["sku"]: {"operationType": m["operationType"]} for m in messages if m["operationType"] != "DELETE"}


@pytest.fixture
def amazon(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Removals]]:
    monkeypatch.setitem(CHANNELS, "amazon", FakeAmazon)
    RECEIVED.clear()
    return RECEIVED


def deletes(path: Path) -> list[str]:
    return [m["sku"] for m in json.loads(path.read_text())["messages"] if m["operationType"] == "DELETE"]


def test_skus_removed_from_the_catalogue_are_deleted_once(tmp_path: Path, amazon) -> None:
    project = small_project(tmp_path)
    assert build(project).exit_code == 0
    assert [(market, removed.skus) for market, removed in amazon] == [("DE", frozenset()), ("US", frozenset())]

    gone = {"AS-1001-BRN-36", "AS-1001-BRN-37"}
    edit_catalogue(project, lambda rows: [r for r in rows if r["sku"] not in gone])
    amazon.clear()
    assert build(project).exit_code == 0
    assert [(market, removed.skus, removed.action) for market, removed in amazon] == [
        ("DE", gone, "delete"), ("US", gone, "delete")]
    assert deletes(project / "output" / "amazon" / "us.json") == sorted(gone)
    assert deletes(project / "output" / "amazon" / "de.json") == sorted(gone)

    amazon.clear()  # the next build no longer lists them: they were deleted by the last feed
    assert build(project).exit_code == 0
    assert all(not removed.skus for _, removed in amazon)


def test_zero_stock_option_and_market_filter(tmp_path: Path, amazon) -> None:
    project = small_project(tmp_path)
    assert build(project).exit_code == 0
    edit_catalogue(project, lambda rows: [r for r in rows if r["sku"] != "AS-1005-BLK-40"])
    amazon.clear()
    assert build(project, "-m", "us", "--on-removed", "zero-stock").exit_code == 0
    assert amazon == [("US", Removals(frozenset({"AS-1005-BLK-40"}), "zero_stock"))]


def test_an_item_left_out_for_an_error_is_not_deleted(tmp_path: Path, amazon) -> None:
    project = small_project(tmp_path)
    assert build(project).exit_code == 0

    def broken_gtin(rows):
        rows[0]["gtin"] = "7094512010002"  # wrong check digit: the item is left out, not removed
        return rows

    edit_catalogue(project, broken_gtin)
    amazon.clear()
    assert build(project).exit_code == 1
    assert all(not removed.skus for _, removed in amazon)
