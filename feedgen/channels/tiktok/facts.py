"""TikTok catalog facts: the feed's columns, enums and limits.

Sources ([D] = TikTok's own documentation, [S] = secondary, UNVERIFIED = not confirmed):
- [D] TikTok Ads Manager "Catalog Product Parameters", https://ads.tiktok.com/help/article/catalog-product-parameters
  (last updated February 2025): "9 required fields and 27 optional fields"; a missing required field
  is an error for the feed file; `sku_id` is the id ("If there are multiple instances of the same ID,
  these will be ignored"; "valid unicode characters, avoid … control or function characters");
  `title` without control characters or emoji and without promotional text; `availability` one of
  `in stock`, `available for order`, `preorder`, `out of stock`, `discontinued`; `condition` one of
  `new`, `refurbished`, `used`; `price` "The cost of the item. Currency …".
- [D] https://ads.tiktok.com/help/article/create-manage-catalogs (September 2024): a catalog has one
  default currency, which "must match the currency of your listed products", and one targeting
  location, "the only location you can target with ads featuring the products in your catalog";
  products come from a manual form, a template file upload or a "Data Feed Schedule" (a URL).
- [D] https://ads.tiktok.com/help/article/list-of-catalog-product-issues-and-suggested-actions: the
  product link must begin with http:// or https://; images are JPEG or PNG of at least 500×500 px;
  emoji and control characters are not allowed.
- [S] link, image_link and brand as the other three required fields, and the optional fields'
  spellings (Google's names: item_group_id, sale_price, sale_price_effective_date,
  additional_image_link, gtin, mpn, google_product_category, product_type, age_group, gender, color,
  size, material, custom_label_0…4): plugins' TikTok presets (mage-os-lab/module-shopping-feed wiki)
  and feed tools (SPECS.md §6). The price as number, space, ISO 4217 code like Meta's `9.99 USD` [S].
- UNVERIFIED: TikTok's own text limits. feedgen holds title and description to Google's 150 and
  5000 characters (TikTok's fields follow Google's specification) and sends at most 10 additional
  images, as Google allows.

One feed per market: a catalog targets one country in one currency, so a market's file is
`tiktok/<market>.csv`, for a catalog created with the market's country and currency.
Why CSV: the feed file TikTok's template and data feed schedule take is a spreadsheet of these
columns; CSV (RFC 4180, via csvout) quotes tabs, line breaks and the comma-separated image list, and
formula cells are neutralised (OWASP CSV injection).
"""

from __future__ import annotations

from feedgen.channels.parts import FileLimit

REQUIRED_COLUMNS = ("sku_id", "title", "description", "availability", "condition", "price", "link", "image_link",
                    "brand")
COLUMNS = (
    *REQUIRED_COLUMNS, "item_group_id", "sale_price", "sale_price_effective_date", "additional_image_link",
    "gtin", "mpn", "google_product_category", "product_type", "age_group", "gender", "color", "size", "material",
    "custom_label_0", "custom_label_1", "custom_label_2", "custom_label_3", "custom_label_4",
)
AVAILABILITY = {"in_stock": "in stock", "out_of_stock": "out of stock"}
AVAILABILITY_VALUES = frozenset({"in stock", "available for order", "preorder", "out of stock", "discontinued"})
CONDITIONS = frozenset({"new", "refurbished", "used"})

SHORTENED = {"title": 150, "description": 5000}  # UNVERIFIED for TikTok: Google's limits (see above)
MAX_ADDITIONAL_IMAGES = 10
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")  # JPEG or PNG
TEXT_FIELDS = ("title", "description", "brand", "mpn", "color", "size", "material", "product_type")

# Per-file size: TikTok's catalog pages (create-manage-catalogs, catalog-product-parameters) state no byte
# limit for a data feed file (UNVERIFIED: none found). `[tiktok] max_file_bytes` splits when a setup needs it.
FILE_LIMIT = FileLimit(None, "none documented (ads.tiktok.com/help/article/create-manage-catalogs)")
