"""Google Merchant Center product data facts: namespace, apparel rules, limits (SPECS.md Part A §1)."""

from __future__ import annotations

G = "http://base.google.com/ns/1.0"
# Google requires colour, size, gender and age group for apparel only when targeting these
# countries (GMC 6324487, 6324492, 6324479, 6324463); elsewhere a missing one limits the item.
APPAREL_STRICT_COUNTRIES = frozenset({"BR", "FR", "DE", "JP", "GB", "US"})
# ... and only for items in these parts of the taxonomy (feedgen.load.categories.category_kind): colour, gender
# and age group for Apparel & Accessories (166; gender and age group optional for a few accessories),
# size for Clothing (1604) and Shoes (187) only (SPECS.md §1.1-1.2).
APPAREL_FIELDS: dict[str, frozenset[str]] = {
    "color": frozenset({"shoes", "clothing", "apparel", "accessory"}),
    "gender": frozenset({"shoes", "clothing", "apparel"}),
    "age_group": frozenset({"shoes", "clothing", "apparel"}),
    "size": frozenset({"shoes", "clothing"}),
}
MAX_ADDITIONAL_IMAGES = 10
CUSTOM_LABEL_LIMIT, CUSTOM_LABEL_VALUES = 100, 1000  # characters per value, distinct values per label
