"""Google Merchant Center product data facts: namespace, apparel rules, limits (SPECS.md Part A §1)."""

from __future__ import annotations

from feedgen.channels.parts import FileLimit

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
# A file data source's file must be under 4 GB, compressed or not, whether uploaded (SFTP: "If your file is
# larger than 4 GB, split your file into multiple, smaller files", GMC 13813117) or fetched on a schedule
# (GMC 14991445). Read as decimal gigabytes, the stricter reading: at most 3,999,999,999 bytes.
FILE_LIMIT = FileLimit(4_000_000_000 - 1, "GMC 13813117 (SFTP upload), GMC 14991445 (scheduled fetch): under 4 GB")
