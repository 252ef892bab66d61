"""Readers for the Meta and Amazon files the channel tests inspect (parsed, never string-matched)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from jsonschema import Draft7Validator, Draft201909Validator, FormatChecker

from feedgen.channels.csvout import restore

AMAZON_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "amazon"


def meta_rows(path: Path) -> dict[str, dict[str, str]]:
    """id -> {column: value} of a Meta CSV, read as RFC 4180 and with neutralised cells restored."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {restore(row["id"]): {k: restore(v) for k, v in row.items()} for row in csv.DictReader(handle)}


def amazon_document(path: Path) -> dict:
    """A listings feed with numbers read as Decimal, so prices compare exactly."""
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def amazon_messages(out: Path, market: str) -> dict[str, dict]:
    """sku -> message over every file of a marketplace (split or not)."""
    messages = {}
    for path in sorted((out / "amazon").glob(f"{market}*.json")):
        for message in amazon_document(path)["messages"]:
            messages[message["sku"]] = message
    return messages


@cache
def feed_validator() -> Draft7Validator:
    schema = json.loads((AMAZON_FIXTURES / "listings-feed-schema-v2.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


@cache
def product_schema() -> dict:
    """Amazon's public PRODUCT definition, numbers as Decimal (so multipleOf 0.01 is exact)."""
    return json.loads((AMAZON_FIXTURES / "Product.json").read_text(encoding="utf-8"), parse_float=Decimal)


def feed_errors(document: dict) -> list[str]:
    return [f"{list(error.path)}: {error.message}" for error in feed_validator().iter_errors(document)]


def attribute_errors(attributes: dict, skip: frozenset[str] = frozenset()) -> list[str]:
    """Check each attribute PRODUCT also defines against PRODUCT's definition of it."""
    product = product_schema()
    shared = {name: product["properties"][name] for name in attributes if name in product["properties"] and name not in skip}
    schema = {"$defs": product["$defs"], "type": "object", "properties": shared}
    validator = Draft201909Validator(schema, format_checker=FormatChecker())
    return [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(attributes)]
