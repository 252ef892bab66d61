"""Where a problem is fixed, for the diagnostics that have a known fix (issue #14: a message should
lead to the fix, not to a day of guessing). Each hint names the file and the place in it."""

from __future__ import annotations

MAPPING = "[defaults] in the mapping file (mapping.toml)"

# catalogue field -> where to give it: the native column, the shop export's option/column, or a default.
FIELDS: dict[str, str] = {
    "color": f"fill the catalogue's color column (a shop export: a Color / Colour option or attribute), or set "
             f"color for the whole export under {MAPPING}",
    "size": "fill the catalogue's size column (a shop export: a Size option or attribute)",
    "gender": f"fill the catalogue's gender column (Shopify: Google Shopping / Gender; or a word such as Women or "
              f"Men in the type, tags or title), or set gender for the whole export under {MAPPING}",
    "age_group": f"fill the catalogue's age_group column (Shopify: Google Shopping / Age Group), or set age_group "
                 f"for the whole export under {MAPPING}",
    "material": f"fill the catalogue's material column, or set material under {MAPPING}",
    "brand": f"fill the catalogue's brand column (Shopify: Vendor), or set brand under {MAPPING}",
    "country_of_origin": f"fill the catalogue's country_of_origin column, or set it under {MAPPING}",
    "gtin": "fill the catalogue's gtin column (Shopify: Variant Barcode; WooCommerce: GTIN, UPC, EAN, or ISBN)",
    "google_product_category": "map the product type under [product_types] in categories.toml",
}


def fix(field: str) -> str:
    """'; fix: …' for a message about `field`, or '' when there is no known fix."""
    hint = FIELDS.get(field)
    return f"; fix: {hint}" if hint else ""
