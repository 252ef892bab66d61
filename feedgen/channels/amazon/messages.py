"""Amazon listing messages as JSON text, column by column (see feedgen.channels.amazon).

A message is the JSON text json.dumps gives for its dict, assembled from attribute texts that the
json module serialised once per distinct input (a style's description, bullets and images serve
all its sizes): every byte of escaping still comes from the json module. Each attribute text
starts with its comma, so a message is one join of its row's texts. Styles are taken about 5,000
items at a time, so memory does not grow with the feed.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime, time
from decimal import Decimal
from typing import Callable, Iterator

import pandas as pd

from feedgen.channels.amazon.facts import (
    AGE_RANGES, DEPARTMENTS, FOOTWEAR_SIZE_SYSTEMS, MAX_OTHER_IMAGES, PRODUCT_TYPE, SIZE_GENDER, VARIATION_THEME,
    footwear_age_group, footwear_size_value, json_number,
)
from feedgen.load.gtin import gtin_type
from feedgen.channels.amazon.settings import marketplace


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps(value, ensure_ascii=False, separators=…)


def dumps(value: object) -> str:
    return _JSON.encode(value)


def _attribute(name: str, build: Callable[..., object], *columns: list) -> list[str]:
    """`,"name":<json of build(*row values)>` per row, '' where build gives an empty list (left out)."""
    label = "," + dumps(name) + ":"
    keys = columns[0] if len(columns) == 1 else list(zip(*columns))
    table = {}
    for key in dict.fromkeys(keys):
        value = build(key) if len(columns) == 1 else build(*key)
        table[key] = label + dumps(value) if value else ""
    return [table[key] for key in keys]


def listing_messages(items: pd.DataFrame, groups: list[tuple[str, int]], market, rows: int = 5000) -> Iterator[tuple[bool, str]]:
    """The messages of whole styles, about `rows` items at a time, so memory does not grow with the feed."""
    start, batch, count = 0, [], 0
    for group in groups:
        batch.append(group)
        count += group[1]
        if count >= rows:
            yield from _messages(items.iloc[start:start + count], batch, market)
            start, batch, count = start + count, [], 0
    if batch:
        yield from _messages(items.iloc[start:start + count], batch, market)


def _messages(items: pd.DataFrame, groups: list[tuple[str, int]], market) -> Iterator[tuple[bool, str]]:
    """(is_child, message text after `{"messageId":n,`): each style's parent, then its children."""
    mp, tag = marketplace(market).marketplace_id, marketplace(market).language_tag
    column = {name: items[name].tolist() for name in (
        "sku", "style_id", "title", "brand", "description", "bullets", "gtin", "price", "sale_price", "sale_start",
        "sale_end", "sale_active", "currency", "color", "size", "eu_size", "gender", "age_group", "size_chart", "size_men", "size_women", "image_link",
        "additional_image_links", "country_of_origin")}
    rows = len(items)

    def text(value: str) -> list[dict]:
        return [{"value": value, "language_tag": tag, "marketplace_id": mp}]

    def plain(value: str) -> list[dict]:
        return [{"value": value, "marketplace_id": mp}]

    def constant(name: str, value: object) -> list[str]:
        return ["," + dumps(name) + ":" + dumps(value)] * rows

    def attribute(name: str, build: Callable[..., object], *names: str) -> list[str]:
        return _attribute(name, build, *(column[n] for n in names))

    common = {
        "item_name": attribute("item_name", text, "title"),
        "brand": attribute("brand", text, "brand"),
        "product_description": attribute("product_description", text, "description"),
        "bullet_point": attribute("bullet_point", lambda bullets: [text(b)[0] for b in bullets], "bullets"),
        "target_gender": attribute("target_gender", plain, "gender"),
        "age_range_description": attribute("age_range_description", lambda age, eu: text(
            AGE_RANGES[tag][footwear_age_group(age, eu)]), "age_group", "eu_size"),
        "department": attribute("department", lambda gender, age: text(
            DEPARTMENTS[tag][(gender, age == "adult")]), "gender", "age_group"),
        "country_of_origin": attribute("country_of_origin", plain, "country_of_origin"),
        "supplier_declared_dg_hz_regulation": constant("supplier_declared_dg_hz_regulation", plain("not_applicable")),
        "main_product_image_locator": attribute("main_product_image_locator", lambda url: [
            {"media_location": url, "marketplace_id": mp}], "image_link"),
    }
    parent_columns = [*common.values(), constant("parentage_level", plain("parent")),
                      constant("variation_theme", [{"name": VARIATION_THEME}])]
    child_columns = [
        common["item_name"], common["brand"],
        attribute("externally_assigned_product_identifier", lambda gtin: [
            {"type": gtin_type(gtin), "value": gtin, "marketplace_id": mp}], "gtin"),
        constant("condition_type", plain("new_new")),
        attribute("list_price", lambda price, currency: [{
            "value_with_tax" if market.prices_include_tax else "value": json_number(price, currency),
            "currency": currency, "marketplace_id": mp}], "price", "currency"),
        attribute("purchasable_offer", lambda *offer: [_offer(market, *offer)],
                  "price", "sale_price", "sale_start", "sale_end", "sale_active", "currency"),
        constant("fulfillment_availability", [{"fulfillment_channel_code": marketplace(market).fulfillment_channel}]),
        common["product_description"], common["bullet_point"],
        attribute("color", text, "color"),
        attribute("size", text, "size"),
        attribute("footwear_size", lambda *size: _footwear(market, *size),
                  "age_group", "eu_size", "gender", "size_chart", "size", "size_men", "size_women"),
        common["target_gender"], common["age_range_description"], common["department"],
        constant("parentage_level", plain("child")),
        attribute("child_parent_sku_relationship", lambda style: [
            {"child_relationship_type": "variation", "parent_sku": style, "marketplace_id": mp}], "style_id"),
        common["main_product_image_locator"],
        _other_images(column["additional_image_links"], mp),
        common["country_of_origin"], common["supplier_declared_dg_hz_regulation"],
    ]
    head = ',"operationType":"UPDATE","productType":' + dumps(PRODUCT_TYPE) + ',"requirements":'
    children = zip(column["sku"], *child_columns)  # joined one message at a time: memory stays flat
    row = 0
    for style, size in groups:
        parent = "".join(values[row] for values in parent_columns)[1:]
        yield False, '"sku":' + dumps(style) + head + '"LISTING_PRODUCT_ONLY","attributes":{' + parent + "}}"
        for sku, *parts in itertools.islice(children, size):
            yield True, '"sku":' + dumps(sku) + head + '"LISTING","attributes":{' + "".join(parts)[1:] + "}}"
        row += size


def _offer(market, price: Decimal, sale_price: Decimal | None, start, end, active: bool, currency: str) -> dict:
    """our_price is what the shopper pays today, as in every other channel. A sale with a window is
    a discounted_price schedule (Amazon needs both ends); a running sale without one is the price."""
    windowed = sale_price is not None and start is not None and end is not None
    today = sale_price if sale_price is not None and active and not windowed else price
    offer: dict = {"marketplace_id": marketplace(market).marketplace_id, "currency": currency,
                   "our_price": [{"schedule": [{"value_with_tax": json_number(today, currency)}]}]}
    if windowed:
        zone = market.tz
        offer["discounted_price"] = [{"schedule": [{
            "value_with_tax": json_number(sale_price, currency),
            "start_at": datetime.combine(start, time(0, 0, 0), tzinfo=zone).isoformat(),
            "end_at": datetime.combine(end, time(23, 59, 59), tzinfo=zone).isoformat(),
        }]}]
    return offer


def _footwear(market, age_group: str, eu_size: str, gender: str, size_chart: str, size: str, men: str,
              women: str) -> list[dict]:
    """footwear_size entries. A unisex adult shoe gets one per shoe-size gender its size exists in: Amazon
    wants "size values for both male and female" when target_gender is unisex, and a shoe-size gender
    (men / women) on each adult size (SPECS.md §3.3; developer-docs.amazon.com/sp-api/docs/
    listings-items-guidance-for-complex-attributes)."""
    base = {"marketplace_id": marketplace(market).marketplace_id,
            "size_system": FOOTWEAR_SIZE_SYSTEMS[market.size_system],
            "age_group": footwear_age_group(age_group, eu_size)}
    if age_group != "adult":
        return [{**base, "size_class": "numeric", "width": "medium", "size": footwear_size_value(size)}]
    if gender in ("female", "male"):
        sizes = [({"female": "women", "male": "men"}[gender], size)]
    else:
        sizes = [(SIZE_GENDER[chart], value) for chart, value in (("men", men), ("women", women)) if value]
    return [{**base, "gender": shoe_gender, "size_class": "numeric", "width": "medium", "size": footwear_size_value(value)}
            for shoe_gender, value in sizes]


def _other_images(links: list[str], mp: str) -> list[str]:
    """other_product_image_locator_1 … _8: one text per distinct image list."""
    table: dict[str, str] = {}
    for value in dict.fromkeys(links):
        urls = [url for url in value.split("|") if url][:MAX_OTHER_IMAGES]
        table[value] = "".join("," + dumps(f"other_product_image_locator_{number}") + ":"
                                + dumps([{"media_location": url, "marketplace_id": mp}])
                                for number, url in enumerate(urls, start=1))
    return [table[value] for value in links]
