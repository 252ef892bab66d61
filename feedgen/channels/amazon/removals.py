"""Amazon listings read back, and the messages that withdraw the ones the catalogue dropped.

Amazon keeps a listing until it is told otherwise: a SKU that is simply missing from the next
JSON_LISTINGS_FEED stays on sale. So feedgen reads the last published feed of each marketplace
(`read_items`: the sellable SKUs, i.e. the children), and the build hands the channel those that
are gone from the catalogue since then (feedgen.publish.release.removed_skus). They are sent once, in the
next feed:

- `delete` (default): `{"messageId", "sku", "operationType": "DELETE"}` and nothing else
  (listings-feed-schema-v2.json: DELETE allows no productType, requirements, attributes or
  patches). Children first, then the parent of a removed child when its style has left the
  catalogue (so every child is gone; a style that is still there, even with every size rejected
  for an error, keeps its parent).
- `zero_stock` (`--on-removed zero-stock`): the listing stays, its offer ends. FBA has no quantity
  of ours to zero: Amazon counts the units in its warehouses, `fulfillment_availability.quantity`
  is for merchant-fulfilled offers only, and `DEFAULT`, the channel a quantity goes with, is the
  merchant-fulfilled network, not ours (Product.json, fulfillment_channel_code; SPECS §3.2:
  switching channels cancels the other offer). What stops sales is the
  offer's end date, `purchasable_offer.end_at` ("Stop Selling Date" in Product.json), which
  Amazon's developer support names as the way to deactivate a listing while keeping its data
  (amzn/selling-partner-api-models#4780, #4561). It is sent as a PATCH `merge`
  (SP-API changelog 16 Jun 2025 "JSON patch merge operation", developer-docs "Merge a listing" and
  "Manage purchasable offer"), which changes only the given sub-attributes of the offer with the
  same selectors (marketplace_id, currency; no audience, as in our UPDATE messages, so Amazon's
  default ALL), so the price stays. The end is midnight at the start of the build date
  in the market's time zone: already past when the feed is uploaded that day. Parents have no
  offer and are left alone, so a relisted child finds its family. A SKU that comes back is sent
  as a full UPDATE, whose purchasable_offer has no end_at and so replaces the ended one.

A withdrawn SKU does not appear in `read_items`, so the build after next does not send it again.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

from feedgen.channels.base import Removals
from feedgen.load.pricing import format_amount
from feedgen.channels.amazon.settings import marketplace

SELECTORS = frozenset({"marketplace_id", "language_tag"})  # the same for a whole file: left out of fields
LISTED = "UPDATE"  # the only operation feedgen sends for an item it lists
PARENT = "LISTING_PRODUCT_ONLY"  # requirements of a parent SKU's message


def read_items(path: Path) -> dict[str, dict[str, str]]:
    """The SKUs a feed lists for sale (UPDATE messages of children, as the manifest counts them),
    each as flat {field: text} for `feedgen diff`. Parents are left out: they sell nothing, their
    attributes are repeated in their children, and the children name them (`parent_sku`).

    Prices are written as the other channels write them (`189.95 EUR`) under Google's names:
    `price` (our_price), `sale_price` and `sale_price_effective_date` (discounted_price),
    `list_price`. Other attributes are dotted paths (`footwear_size.size`), repeated values joined
    with `|`. A document holds at most 25,000 messages (split files are read one by one)."""
    document = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    items: dict[str, dict[str, str]] = {}
    for message in document.get("messages", []):
        if message.get("operationType") != LISTED or message.get("requirements") == PARENT:
            continue
        attributes = dict(message.get("attributes", {}))
        fields: dict[str, str] = {}
        for offer in attributes.pop("purchasable_offer", []):
            fields.update(_offer_fields(offer))
        for price in attributes.pop("list_price", []):
            amount = price.get("value_with_tax", price.get("value"))
            if amount is not None:
                fields["list_price"] = format_amount(Decimal(amount), price.get("currency", ""))
        for relationship in attributes.pop("child_parent_sku_relationship", []):
            fields["parent_sku"] = str(relationship.get("parent_sku", ""))
        for name, values in attributes.items():
            for key, text in _leaves(values, name):
                fields[key] = f"{fields[key]}|{text}" if key in fields else text
        items[message["sku"]] = fields
    return items


def _offer_fields(offer: dict) -> dict[str, str]:
    currency = offer.get("currency", "")
    fields = {}
    for name, key in (("our_price", "price"), ("discounted_price", "sale_price")):
        for entry in offer.get(name, []):
            for schedule in entry.get("schedule", []):
                fields[key] = format_amount(Decimal(schedule["value_with_tax"]), currency)
                if "start_at" in schedule or "end_at" in schedule:
                    fields["sale_price_effective_date"] = f"{schedule.get('start_at', '')}/{schedule.get('end_at', '')}"
    for name in ("start_at", "end_at"):
        if isinstance(offer.get(name), dict) and "value" in offer[name]:
            fields[f"offer_{name}"] = str(offer[name]["value"])
    return fields


def _leaves(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key not in SELECTORS:
                yield from _leaves(inner, path if key == "value" else f"{path}.{key}")
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner, path)
    else:
        yield path, str(value)


def removal_messages(removed: Removals, market, product_type: str, styles: Iterable[str]) -> list[dict]:
    """The DELETE or offer-ending PATCH messages for `removed` (children), without messageId:
    children sorted, then (delete only) their parents whose style is not among `styles`."""
    children = sorted(removed.skus)
    if removed.action == "delete":
        kept = set(styles)
        parents = sorted({removed.previous.get(sku, {}).get("parent_sku", "") for sku in children} - kept - {""})
        return [{"sku": sku, "operationType": "DELETE"} for sku in children + parents]
    ends = datetime.combine(removed.as_of or date.today(), time(0, 0, 0), tzinfo=market.tz).isoformat()
    messages = []
    for sku in children:
        listed_price = removed.previous.get(sku, {}).get("price", "")
        currency = listed_price.split()[-1] if listed_price else market.currency  # the offer's selector as listed
        offer = {"marketplace_id": marketplace(market).marketplace_id, "currency": currency, "end_at": {"value": ends}}
        messages.append({"sku": sku, "operationType": "PATCH", "productType": product_type,
                         "patches": [{"op": "merge", "path": "/attributes/purchasable_offer", "value": [offer]}]})
    return messages
