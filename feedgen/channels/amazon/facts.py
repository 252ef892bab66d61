"""Amazon's SHOES listing facts: product type, enum spellings per marketplace language, footwear
size values, how a price is written. Read by the channel's checks (amazon.py) and its message
builder (messages.py); evidence levels are noted where a value is not from Amazon's schema.
"""

from __future__ import annotations

import re
from decimal import Decimal

from feedgen.load.pricing import plain_amount

PRODUCT_TYPE = "SHOES"
# Per feed document: at most 25,000 messages (listings-feed-schema-v2.json messages.maxItems; SP-API changelog
# "Feed size and rate limit changes for the JSON_LISTINGS_FEED", 6 May 2025: 10,000 -> 25,000). Amazon's Feeds
# API best practices also *recommend* keeping a feed under 10 MiB; a recommendation, not enforced here.
MAX_MESSAGES_PER_FEED = 25_000
VARIATION_THEME = "SIZE/COLOR"  # in the PRODUCT schema's enum; public SHOES builders use it (research Q6, M)
MAX_OTHER_IMAGES = 8  # other_product_image_locator_1 … _8

# footwear_size (research Q5, M): size_system by the market's size system; size_class numeric;
# size `numeric_<n>` with `_point_5` for halves; width medium; shoe-size gender men / women.
FOOTWEAR_SIZE_SYSTEMS = {"EU": "eu_footwear_size_system", "UK": "uk_footwear_size_system", "US": "us_footwear_size_system"}
SIZE_GENDER = {"women": "women", "men": "men"}  # from the size chart the size was read from
# Shoe-size age group for kids' shoes by EU size: US conventions (toddler up to 10C, little kid
# 10.5C–3Y, big kid 3.5Y–7Y) read through our size chart (EU 27 = US 10, EU 35 = US 3, EU 36 = US 4).
# Evidence M for the spellings (research Q5), L for the bands: check them against the SHOES schema.
KIDS_BANDS = ((Decimal(28), "toddler"), (Decimal(36), "little_kid"))  # below EU 28, below EU 36
KIDS_ABOVE = "big_kid"
AGE_BUCKETS = {"newborn": "infant", "infant": "infant", "toddler": "toddler", "adult": "adult"}

# age_range_description and department are localized enums: the marketplace accepts only its own
# language's values (issue amzn/selling-partner-api-models#5239). Evidence per language_tag:
# en_US  H- for age ranges (a US SHOES rule dump quoted in public code, research Q6), L for departments;
# en_GB, de_DE, nl_NL, sv_SE  L (single public samples or our translation; de_DE "Erwachsener" follows
# the public samples). Confirm each against the marketplace's SHOES schema before going live.
AGE_RANGES = {
    "en_US": {"adult": "Adult", "big_kid": "Big Kid", "little_kid": "Little Kid", "toddler": "Toddler", "infant": "Infant"},
    "en_GB": {"adult": "Adult", "big_kid": "Big Kid", "little_kid": "Little Kid", "toddler": "Toddler", "infant": "Infant"},
    "de_DE": {"adult": "Erwachsener", "big_kid": "Kind", "little_kid": "Kind", "toddler": "Kleinkind", "infant": "Baby"},
    "nl_NL": {"adult": "Volwassenen", "big_kid": "Kind", "little_kid": "Kind", "toddler": "Peuter", "infant": "Baby"},
    "sv_SE": {"adult": "Vuxna", "big_kid": "Barn", "little_kid": "Barn", "toddler": "Småbarn", "infant": "Bebis"},
}
DEPARTMENTS = {  # (gender, adult?) -> text
    "en_US": {("female", True): "Women", ("male", True): "Men", ("unisex", True): "Unisex",
              ("female", False): "Girls", ("male", False): "Boys", ("unisex", False): "Unisex Kids"},
    "en_GB": {("female", True): "Women", ("male", True): "Men", ("unisex", True): "Unisex",
              ("female", False): "Girls", ("male", False): "Boys", ("unisex", False): "Unisex Kids"},
    "de_DE": {("female", True): "Damen", ("male", True): "Herren", ("unisex", True): "Unisex",
              ("female", False): "Mädchen", ("male", False): "Jungen", ("unisex", False): "Unisex Kinder"},
    "nl_NL": {("female", True): "Dames", ("male", True): "Heren", ("unisex", True): "Uniseks",
              ("female", False): "Meisjes", ("male", False): "Jongens", ("unisex", False): "Uniseks kinderen"},
    "sv_SE": {("female", True): "Dam", ("male", True): "Herr", ("unisex", True): "Unisex",
              ("female", False): "Flickor", ("male", False): "Pojkar", ("unisex", False): "Unisex barn"},
}
_NUMERIC_SIZE = re.compile(r"(\d{1,2})(?:[.,](0|5))?")


def footwear_size_value(size: str) -> str | None:
    """`9.5` -> `numeric_9_point_5`, `38` -> `numeric_38`; None for anything else."""
    match = _NUMERIC_SIZE.fullmatch(size.strip())
    if not match:
        return None
    return f"numeric_{int(match[1])}" + ("_point_5" if match[2] == "5" else "")


def footwear_age_group(age_group: str, eu_size: str) -> str:
    if age_group != "kids":
        return AGE_BUCKETS.get(age_group, "adult")
    try:
        eu = Decimal(eu_size.replace(",", "."))
    except ArithmeticError:  # decimal.InvalidOperation
        return "little_kid"
    for limit, bucket in KIDS_BANDS:
        if eu < limit:
            return bucket
    return KIDS_ABOVE


def json_number(value: Decimal, currency: str) -> float:
    """A money Decimal as a JSON number with the currency's digits. The float must print back as
    the same decimal, which holds for any price (< 15 significant digits); checked, not assumed."""
    text = plain_amount(value, currency)
    number = float(text)
    if Decimal(repr(number)) != Decimal(text):  # pragma: no cover - needs a 16-digit price
        raise ValueError(f"{text} cannot be written exactly as a JSON number")
    return number
