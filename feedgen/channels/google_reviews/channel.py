"""Google product review feed: `google_reviews/<market>.xml`, the reviews written in the market's country
(facts.py says why one file per market, which schema version and why no `deleted_reviews`).

The reviews come from `DATA/reviews.csv`, read once per build by feedgen.load.reviews (spam, contact details
and bad rows are left out there, names shortened); this channel only ties each review to the market's
resolved offers: the product is identified by every variant of the reviewed style the market sells (GTINs,
MPNs, SKUs, brand: Google matches mostly by GTIN, GMC 6059553), and `product_url` is the reviewed SKU's page
in the market's shop (its `link`), else the style's first SKU's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Mapping

import pandas as pd
from lxml import etree

from feedgen.channels.base import NO_REMOVALS, Artifact, Channel, Removals
from feedgen.channels.parts import SplitFile
from feedgen.channels.xmlout import document_shell
from feedgen.channels.google_reviews.facts import (
    FILE_LIMIT, MIN_REVIEWS, RATING_MAX, RATING_MIN, REVIEW_URL_TYPE, SCHEMA_LOCATION, VC, VERSION, XSI,
)
from feedgen.diagnostics import Diagnostic
from feedgen.load.offer_schema import offer_columns
from feedgen.load.reviews import FILE_NAME as REVIEWS_FILE, Reviews, for_market, load_reviews


CHUNK = 5000  # reviews serialised at once


class GoogleReviewsChannel(Channel):
    name: ClassVar[str] = "google_reviews"
    reads: ClassVar[frozenset[str]] = offer_columns("sku", "style_id", "title", "link", "brand", "gtin", "gtin_valid",
                                                     "mpn")
    inputs: ClassVar[tuple[str, ...]] = (REVIEWS_FILE,)
    file_limit = FILE_LIMIT

    def __init__(self, config) -> None:
        super().__init__(config)
        self.reviews: Reviews | None = None
        self._named: tuple[frozenset[str], frozenset[str]] | None = None  # styles and SKUs reviews.csv names

    def use_inputs(self, paths: Mapping[str, Path], as_of: date) -> None:
        self.reviews = load_reviews(paths[REVIEWS_FILE], as_of) if REVIEWS_FILE in paths else None

    def gather(self, offers: pd.DataFrame) -> pd.DataFrame:
        """Only the rows a review can name: every variant of a reviewed style, and any SKU a review names
        (for_market's checks ask only whether those are sold; the feed needs only their products)."""
        if self.reviews is None:
            return super().gather(offers.iloc[0:0])
        if self._named is None:
            items = self.reviews.items
            self._named = (frozenset(items["style_id"].astype(str)), frozenset(items["sku"].astype(str)))
        styles, skus = self._named
        return super().gather(offers.loc[offers["style_id"].isin(styles) | offers["sku"].isin(skus)])

    # ------------------------------------------------------------------ rules
    def prepare(self, market_offers, blocked: pd.Series) -> tuple[pd.DataFrame, list[Diagnostic]]:
        """The market's reviews with their product: a review whose style the market does not sell is left
        out (reviews.style_id.unknown), one whose product has no page cannot be sent (product_url is required)."""
        market = market_offers.market
        if self.reviews is None:
            return pd.DataFrame(), []  # said once, in finish
        offers = market_offers.offers
        kept, found = for_market(self.reviews, market.country, offers["sku"], offers["style_id"], market.id)
        diagnostics = [replace(diagnostic, channel=self.name) for diagnostic in found]
        if kept.empty:
            diagnostics.append(Diagnostic(
                "google_reviews.reviews.none", "warning", f"no publishable review from {market.country} in "
                f"{REVIEWS_FILE}: no review feed is written for {market.id} (an empty full feed would delete every "
                "review Google holds)", market=market.id, channel=self.name))
            return kept, diagnostics
        kept = _with_products(kept, offers)
        no_url = kept["product_url"].eq("")
        for review_id, sku in kept.loc[no_url, ["review_id", "style_id"]].itertuples(index=False):
            diagnostics.append(Diagnostic(
                "google_reviews.product_url.missing", "error", f"review {review_id!r}: the product has no page in "
                f"{market.id} (product_url is required); set storefront_url in markets.toml", sku=sku,
                market=market.id, channel=self.name, field="link"))
        kept = kept.loc[~no_url]
        if len(kept) < MIN_REVIEWS:
            diagnostics.append(Diagnostic(
                "google_reviews.reviews.too_few", "warning", f"{len(kept)} reviews for {market.id}: Google's product "
                f"ratings need at least {MIN_REVIEWS} in a feed (GMC 6098512); the feed is written, stars may not show",
                market=market.id, channel=self.name))
        return kept, diagnostics

    # ------------------------------------------------------------------ files
    def write(self, items: pd.DataFrame, market_offers, stage, removed: Removals = NO_REMOVALS) -> list[Artifact]:
        """One full feed (no deleted_reviews: facts.py); nothing when the market has no review to send."""
        if items.empty:
            return []
        market = market_offers.market
        relative = f"google_reviews/{market.id.lower()}.xml"
        head, tail = feed_shell(stage.brand)
        with SplitFile(stage, relative, head, tail, self.part_limit()) as feed:  # over 100 MB: numbered parts
            for start in range(0, len(items), CHUNK):
                records = items.iloc[start:start + CHUNK].to_dict("records")
                feed.write_rows([review_bytes({str(key): value for key, value in record.items()})
                                 for record in records], [str(record["review_id"]) for record in records])
        return self.artifacts(market.id, feed.parts())

    def finish(self, stage) -> tuple[list[Artifact], list[Diagnostic]]:
        """What reading reviews.csv found (said once, not per market), and reviews no market can carry."""
        if self.reviews is None:
            return [], [Diagnostic("google_reviews.reviews.no_file", "warning",
                                   f"the google_reviews channel is on but the project has no {REVIEWS_FILE}: "
                                   "no review feed is written", channel=self.name)]
        diagnostics = list(self.reviews.diagnostics)
        countries = {market.country for market in self.config.markets.values()}
        orphans = self.reviews.items.loc[~self.reviews.items["country"].isin(countries), "country"].value_counts()
        for country, count in sorted(orphans.items()):
            diagnostics.append(Diagnostic(
                "google_reviews.country.no_market", "warning", f"{count} review(s) from {country}: no market in "
                "markets.toml sells there, so they are in no feed", channel=self.name, field="country"))
        return [], diagnostics

    @staticmethod
    def read_items(path: Path) -> dict[str, dict[str, str]]:  # type: ignore[override]  # the base's ClassVar
        """A written feed back as {review_id: {field: text}} for `feedgen diff`, the report and the manifest
        counts; repeated ids are joined with `|`."""
        items: dict[str, dict[str, str]] = {}
        for _, review in etree.iterparse(str(path), tag="review", resolve_entities=False, no_network=True):
            fields = {name: "|".join(element.text or "" for element in review.iterfind(where))
                      for name, where in _READ_BACK.items()}
            items[review.findtext("review_id") or ""] = {key: value for key, value in fields.items() if value}
            review.clear()
        return items


# What read_items reports of a review: field -> its path in <review>.
_READ_BACK = {"reviewer": "reviewer/name", "review_timestamp": "review_timestamp", "title": "title",
              "rating": "ratings/overall", "product_url": "products/product/product_url",
              "skus": "products/product/product_ids/skus/sku", "gtins": "products/product/product_ids/gtins/gtin"}


def _with_products(reviews: pd.DataFrame, offers: pd.DataFrame) -> pd.DataFrame:
    """Each review with its product's identifiers (every variant of the style in this market) and page."""
    offers = offers.sort_values("sku", kind="stable")
    styles: dict[str, dict[str, Any]] = {}
    for style, group in offers.groupby("style_id", sort=False):
        styles[str(style)] = {
            "gtins": _distinct(group.loc[group["gtin_valid"].astype(bool), "gtin"]),
            "mpns": _distinct(group["mpn"]), "skus": _distinct(group["sku"]), "brands": _distinct(group["brand"]),
            "first": str(group["sku"].iloc[0]),
        }
    pages = dict(zip(offers["sku"].astype(str), zip(offers["link"].astype(str), offers["title"].astype(str),
                                                    strict=True), strict=True))
    rows = []
    for style, sku in reviews[["style_id", "sku"]].itertuples(index=False):
        product = styles[style]
        link, title = pages[sku if sku in pages else product["first"]]
        rows.append({**{key: product[key] for key in ("gtins", "mpns", "skus", "brands")},
                     "product_url": link, "product_name": title})
    return pd.concat([reviews.reset_index(drop=True), pd.DataFrame(rows, columns=[
        "gtins", "mpns", "skus", "brands", "product_url", "product_name"])], axis=1)


def _distinct(values: pd.Series) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(value) for value in values.tolist() if str(value).strip()))


def feed_shell(publisher: str) -> tuple[bytes, bytes]:
    """The feed around its reviews (version, publisher), split where the reviews go (xmlout.document_shell)."""
    root = etree.Element("feed", nsmap={"vc": VC, "xsi": XSI})
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_LOCATION)
    root.text = "\n  "
    version = etree.SubElement(root, "version")
    version.text, version.tail = VERSION, "\n  "
    owner = etree.SubElement(root, "publisher")
    owner.text, owner.tail = "\n    ", "\n  "
    name = etree.SubElement(owner, "name")
    name.text, name.tail = publisher, "\n  "
    reviews = etree.SubElement(root, "reviews")
    reviews.text, reviews.tail = "\n", "\n"
    return document_shell(root, reviews)


def review_bytes(review: dict[str, Any]) -> bytes:
    """One <review>, element order as the XSD's xs:sequence (facts.py); lxml escapes every text."""
    return etree.tostring(_review(review), encoding="utf-8", pretty_print=True)


def _review(review: dict[str, Any]) -> etree._Element:
    element = etree.Element("review")
    etree.SubElement(element, "review_id").text = review["review_id"]
    name = etree.SubElement(etree.SubElement(element, "reviewer"), "name")
    name.text = review["reviewer"]
    name.set("is_anonymous", "true" if review["anonymous"] else "false")
    etree.SubElement(element, "review_timestamp").text = review["time"]
    if review["title"].strip():
        etree.SubElement(element, "title").text = review["title"]
    etree.SubElement(element, "content").text = review["text"]
    if review["language"]:
        etree.SubElement(element, "review_language").text = review["language"]
    etree.SubElement(element, "review_country").text = review["country"]
    url = etree.SubElement(element, "review_url", type=REVIEW_URL_TYPE)
    url.text = review["product_url"]
    ratings = etree.SubElement(element, "ratings")
    overall = etree.SubElement(ratings, "overall", min=str(RATING_MIN), max=str(RATING_MAX))
    overall.text = str(review["rating"])
    product = etree.SubElement(etree.SubElement(element, "products"), "product")
    ids = etree.Element("product_ids")
    for plural, singular in (("gtins", "gtin"), ("mpns", "mpn"), ("skus", "sku"), ("brands", "brand")):
        if review[plural]:
            group = etree.SubElement(ids, plural)
            for value in review[plural]:
                etree.SubElement(group, singular).text = value
    if len(ids):
        product.append(ids)
    if review["product_name"].strip():
        etree.SubElement(product, "product_name").text = review["product_name"]
    etree.SubElement(product, "product_url").text = review["product_url"]
    if review["collection_method"]:
        etree.SubElement(element, "collection_method").text = review["collection_method"]
    return element
