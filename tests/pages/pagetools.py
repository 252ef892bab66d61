"""Reading a rendered landing page back the way a crawler does (lxml), for the tests."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html


def parse(path_or_html: Path | str):
    text = path_or_html.read_text(encoding="utf-8") if isinstance(path_or_html, Path) else path_or_html
    return lxml.html.fromstring(text)


def jsonld(root) -> list[dict]:
    return [json.loads(s.text_content()) for s in root.xpath('//script[@type="application/ld+json"]')]


def alternates(root) -> dict[str, str]:
    return {link.get("hreflang"): link.get("href") for link in root.xpath('//link[@rel="alternate"][@hreflang]')}


def canonical(root) -> list[str]:
    return [link.get("href") for link in root.xpath('//link[@rel="canonical"]')]


def visible_prices(root) -> dict[str, tuple[str, str]]:
    """sku -> (value attribute, displayed text) of the price element."""
    return {d.get("data-sku"): (d.get("value"), d.text_content()) for d in root.xpath('//data[contains(@class, "price-now")]')}


def variant_offers(root) -> dict[str, dict]:
    return {v["sku"]: v["offers"] for group in jsonld(root) for v in group["hasVariant"]}
