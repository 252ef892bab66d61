"""Meta catalog facts: language override codes, field limits, feed columns (SPECS.md Part A §2)."""

from __future__ import annotations

from feedgen.channels.parts import FileLimit

# Meta's language override codes, by ISO 639-1 language (evidence in /tmp/research/channels.md Q1):
# Meta's official WooCommerce plugin, facebook/facebook-for-woocommerce includes/Locale.php, maps
# "valid override values for language override feeds"; its tests pin en_GB->en_XX, nl_NL->nl_XX,
# de_DE->de_DE, no_NO->no_XX. Meta's own docs show en_XX, fr_XX, es_XX. Norwegian Bokmål is
# `no_XX` (never nb_NO / nb_XX, which the plugin rejects).
LANGUAGE_OVERRIDES = {
    "en": "en_XX", "es": "es_XX", "fr": "fr_XX", "nl": "nl_XX", "pt": "pt_XX", "ja": "ja_XX",
    "nb": "no_XX", "no": "no_XX",
    "da": "da_DK", "de": "de_DE", "fi": "fi_FI", "sv": "sv_SE",
}
AVAILABILITY = {"in_stock": "in stock", "out_of_stock": "out of stock"}  # with a space, unlike Google
MAX_ADDITIONAL_IMAGES = 20
LIMITS = {  # Meta catalog "Supported fields – products" (SPECS.md §2.2)
    "sku": 100, "style_id": 100, "brand": 100, "mpn": 100,
    "color": 200, "size": 200, "material": 200, "product_type": 750,
}
SHORTENED = {"title": 200, "description": 9999}
# Which items Shops wants size, colour and gender of (feedgen.load.categories.category_kind).
APPAREL_FIELDS: dict[str, frozenset[str]] = {
    "size": frozenset({"shoes", "clothing"}),
    "color": frozenset({"shoes", "clothing", "apparel", "accessory"}),
    "gender": frozenset({"shoes", "clothing", "apparel"}),
}

FULL_COLUMNS = (
    "id", "title", "description", "availability", "condition", "price", "sale_price",
    "sale_price_effective_date", "link", "image_link", "additional_image_link", "brand", "gtin", "mpn",
    "item_group_id", "google_product_category", "fb_product_category", "product_type", "color", "size", "gender",
    "age_group", "material", "custom_label_0", "custom_label_1", "custom_label_2", "custom_label_3", "custom_label_4",
    "status",
)
MAIN_COLUMNS = tuple(c for c in FULL_COLUMNS if not c.startswith("sale_price"))
COUNTRY_COLUMNS = ("id", "override", "status", "availability", "price", "sale_price",
                   "sale_price_effective_date", "link", "size")
LANGUAGE_COLUMNS = ("id", "override", "title", "description", "color", "material")
TEXT_FIELDS = ("title", "description", "brand", "mpn", "color", "size", "material", "product_type")


def language_code(language: str) -> str | None:
    return LANGUAGE_OVERRIDES.get(language)

# Per-file size: Meta's developer pages on catalog feeds (catalog/reference "Supported Feed Formats",
# guides/scheduled-feeds, product-feed uploads) state no byte limit for a feed file; UNVERIFIED (Commerce
# Manager help could not be read here). `[meta] max_file_bytes` splits a feed when a setup needs smaller files.
FILE_LIMIT = FileLimit(None, "none documented in Meta's catalog developer docs (UNVERIFIED)")
