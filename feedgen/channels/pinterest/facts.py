"""Pinterest catalog facts: the data source's columns, limits and enums, and the locales a data
source can be created with.

Sources ([D] = the platform's own documentation or machine-readable spec):
- [D] Pinterest API v5 OpenAPI description, github.com/pinterest/api-description `v5/openapi.yaml`
  (commit c05b18971472342ebdf4bafc15fea8a91c78bf79): `CatalogsFormat` (TSV, CSV, XML),
  `CatalogsFeedsCreateRequest` (a data source has one `default_country`, `default_locale` and
  `default_currency`), `CatalogsLocale`, `ItemAttributes` (the fields and their limits below).
- [D] help.pinterest.com/en-gb/business/article/before-you-get-started-with-catalogs: required
  fields id, title, description, link, image_link, price, availability; up to 20 million items per
  retail catalog, fetched daily; up to 50 data sources (SPECS.md §6).
- Column headers must be exactly these lower-case names (Pinterest Business Community FAQ
  "Most Commonly Asked Questions: Shopping", community.pinterest.biz).

Why CSV: Pinterest documents CSV, TSV and XML alike, but only CSV has a quoting rule (RFC 4180):
a tab or line break in a description cannot break a row, and the comma-separated
additional_image_link list is one quoted cell, as Pinterest asks. feedgen's csvout also
neutralises formula cells (OWASP CSV injection). XML would be Google's RSS envelope, for which
Pinterest publishes no sample.

One data source per market: country, language and currency are set when the data source is
created and cannot be changed later, so a market's file is `pinterest/<market>.csv`, created in
Pinterest with the market's country, `LOCALES[market.locale]` and currency.
"""

from __future__ import annotations

from feedgen.channels.parts import FileLimit

# The data source's columns, in file order: the 7 required fields first, then the optional ones
# feedgen fills from the resolved offers (ItemAttributes names, lower case).
REQUIRED_COLUMNS = ("id", "title", "description", "link", "image_link", "price", "availability")
COLUMNS = (
    *REQUIRED_COLUMNS, "item_group_id", "additional_image_link", "sale_price", "sale_price_effective_date",
    "condition", "brand", "gtin", "mpn", "google_product_category", "product_type", "color", "size",
    "size_system", "gender", "age_group", "material",
    "custom_label_0", "custom_label_1", "custom_label_2", "custom_label_3", "custom_label_4",
)

# ItemAttributes enums (openapi), as feedgen's offer values map onto them.
AVAILABILITY = {"in_stock": "in stock", "out_of_stock": "out of stock"}  # also: preorder
CONDITIONS = frozenset({"new", "used", "refurbished"})
GENDERS = frozenset({"male", "female", "unisex"})
AGE_GROUPS = frozenset({"newborn", "infant", "toddler", "kids", "adult"})
SIZE_SYSTEMS = frozenset({"US", "UK", "EU", "DE", "FR", "JP", "CN", "IT", "BR", "MEX", "AU"})

# Hard limits (characters): an item over one of them is rejected by Pinterest, so it is an error here.
LIMITS = {"sku": 127, "style_id": 127, "link": 511, "image_link": 2000}
# Text Pinterest caps: shortened at a word boundary, with a warning.
SHORTENED = {"title": 500, "description": 10000, "product_type": 1000}
CUSTOM_LABEL_LIMIT = 511
MAX_ADDITIONAL_IMAGES = 10  # comma-separated in one cell, each URL without an unencoded comma
TEXT_FIELDS = ("title", "description", "brand", "mpn", "color", "size", "material", "product_type")

# CatalogsLocale values (openapi) by the market's locale: German and Dutch have no region there.
LOCALES = {
    "nb_NO": "nb-NO", "sv_SE": "sv-SE", "da_DK": "da-DK", "fi_FI": "fi-FI",
    "de_DE": "de", "nl_NL": "nl", "en_GB": "en-GB", "en_US": "en-US",
}

# Per-file size: Pinterest's help pages give no byte limit for a data source file. They cap items, not
# bytes: "a maximum of 5 million products per business profile … we will only process the first 5 million
# rows in each update", "We also recommend compressing files bigger than 500MB" (help.pinterest.com
# data-source-setup), and up to 20 million items per retail catalog (before-you-get-started-with-catalogs).
# So no platform byte limit: `[pinterest] max_file_bytes` splits a feed when a setup needs smaller files.
FILE_LIMIT = FileLimit(None, "none documented (help.pinterest.com data-source-setup: items, not bytes)")
