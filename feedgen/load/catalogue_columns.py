"""The native catalogue's columns: what catalogue.csv holds and what every importer produces.

Its own module, below both: the catalogue reads shop exports through feedgen.load.importers, and the
importers fill exactly these columns, so neither has to import the other to know them.
"""

REQUIRED_COLUMNS = (
    "sku", "style_id", "gtin", "brand", "title", "description", "color", "size",
    "gender", "age_group", "image_link", "price", "stock",
)
OPTIONAL_COLUMNS = (
    "mpn", "material", "product_type", "google_product_category", "additional_image_links",
    "sale_price", "sale_start", "sale_end", "weight_g", "country_of_origin", "features",
    "rating", "review_count", "handle",
)
