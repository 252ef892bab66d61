"""The offer frame's columns: what each holds, of which kind, and which step sets it.

One market's offers are a DataFrame with one row per SKU (feedgen.resolve.offers.resolve). Columns are
added by several steps — the catalogue reader, the category mapping, the localizer, resolve, and
rules.toml — and read by the channels, the landing pages and rules.toml's conditions. This table
is the one place they are named: a channel declares the columns it reads (`Channel.reads`, checked
against this table when the channel is defined), rules.toml's field names and types come from it,
and tests/test_offer_schema.py holds resolve's output and every channel to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

Kind = Literal["text", "money", "number", "count", "bool", "date"]
# Who sets a column, in pipeline order. "catalogue": the catalogue file (or an importer); "categories":
# categories.toml and Google's taxonomy (feedgen.load.categories.apply_categories); "localizer": the market's
# language (feedgen.i18n); "resolve": feedgen.resolve.offers.resolve; "rules": rules.toml, per channel.
SetBy = Literal["catalogue", "categories", "localizer", "resolve", "rules"]


@dataclass(frozen=True)
class OfferColumn:
    name: str
    kind: Kind  # money: Decimal or None (never a float); date: datetime.date or None; count: int
    set_by: SetBy
    meaning: str


def _columns(set_by: SetBy, *rows: tuple[str, Kind, str]) -> tuple[OfferColumn, ...]:
    return tuple(OfferColumn(name, kind, set_by, meaning) for name, kind, meaning in rows)


CUSTOM_LABELS = tuple(f"custom_label_{n}" for n in range(5))
STATUS_PREFIX = "status_"  # status_<field>: the review status of a localized field (see LOCALIZED)
LOCALIZED = ("title", "description", "color", "material", "features")  # the localizer's fields

OFFER_COLUMNS: tuple[OfferColumn, ...] = (
    *_columns(
        "catalogue",
        ("source_row", "count", "the row of the catalogue file the item came from (imports only; 0 otherwise)"),
        ("sku", "text", "the variant's id: unique, the id in every feed"),
        ("style_id", "text", "the item group: variants of one style share it"),
        ("gtin", "text", "GTIN-8/12/13/14 as digits, or empty"),
        ("gtin_valid", "bool", "the GTIN's check digit is right (an invalid one is reported and not sent)"),
        ("mpn", "text", "manufacturer part number, or empty"),
        ("brand", "text", "brand name"),
        ("title", "text", "product title; localized"),
        ("description", "text", "plain-text description; localized"),
        ("color", "text", "colour name(s), '/'-separated; localized"),
        ("size", "text", "the catalogue's size (EU for shoes); resolve puts the market's size here"),
        ("gender", "text", "female, male or unisex"),
        ("age_group", "text", "newborn, infant, toddler, kids or adult"),
        ("material", "text", "material; localized"),
        ("features", "text", "bullet points, '|'-separated; localized"),
        ("product_type", "text", "the shop's own category path 'A > B > C'; localized per channel after the rules"),
        ("google_product_category", "text", "Google taxonomy id or path (the catalogue's, else categories.toml's)"),
        ("image_link", "text", "main image URL"),
        ("additional_image_links", "text", "more image URLs, '|'-separated"),
        ("price", "money", "the base price in the project's currency; resolve puts the market's here"),
        ("sale_price", "money", "the sale price, or None; resolve puts the market's here"),
        ("sale_start", "date", "first day of the sale, or None"),
        ("sale_end", "date", "last day of the sale, or None"),
        ("stock", "count", "units in stock"),
        ("weight_g", "number", "shipping weight in grams, or NaN"),
        ("country_of_origin", "text", "ISO 3166-1 alpha-2, or empty"),
        ("rating", "number", "average review rating 1-5 from the catalogue, or NaN"),
        ("review_count", "number", "number of reviews from the catalogue, or NaN"),
        ("handle", "text", "the storefront's URL handle (for storefront_url's {handle})"),
    ),
    *_columns(
        "categories",
        ("fb_product_category", "text", "Meta's category (categories.toml), or empty"),
    ),
    *_columns(
        "localizer",
        ("text_status", "text", "the weakest review status of the item's localized text: reviewed, machine, source"),
        *((f"{STATUS_PREFIX}{name}", "text", f"review status of {name}") for name in LOCALIZED),
    ),
    *_columns(
        "resolve",
        ("market", "text", "the market id"),
        ("currency", "text", "the market's ISO 4217 currency"),
        ("language", "text", "the market's language"),
        ("sale_effective_date", "text", "ISO 8601 interval of the sale in the market's time zone, or empty"),
        ("sale_active", "bool", "the sale price applies on the build date"),
        ("availability", "text", "in_stock or out_of_stock"),
        ("eu_size", "text", "the catalogue's size, before conversion"),
        ("size_system", "text", "EU, UK or US for a converted shoe size, else empty"),
        ("size_chart", "text", "the size chart group the size came from (women, men, kids …), or empty"),
        ("size_men", "text", "a unisex adult shoe's men's size on the market's scale, or empty"),
        ("size_women", "text", "a unisex adult shoe's women's size on the market's scale, or empty"),
        ("link", "text", "the product page URL (the market's storefront_url filled in)"),
        ("condition", "text", "always new"),
        ("current_price", "money", "what the shopper pays on the build date (sale if active, else price)"),
        ("shipping_price", "money", "shipping for this item in the market (0 above the free-shipping threshold)"),
        ("return_policy_label", "text", "the market's return policy label"),
    ),
    *_columns(
        "rules",
        *((label, "text", "a Google custom label set by rules.toml, or empty") for label in CUSTOM_LABELS),
    ),
)

OFFER_SCHEMA: dict[str, OfferColumn] = {column.name: column for column in OFFER_COLUMNS}


def offer_columns(*names: str | Iterable[str]) -> frozenset[str]:
    """The named columns, checked against the schema: a channel or stage declaring what it reads
    fails on import if it names a column nobody sets."""
    flat: set[str] = set()
    for name in names:
        flat.update([name] if isinstance(name, str) else name)
    unknown = sorted(flat - OFFER_SCHEMA.keys())
    if unknown:
        raise KeyError(f"not offer columns (feedgen.load.offer_schema): {', '.join(unknown)}")
    return frozenset(flat)
