"""Load: the catalogue (native, Shopify, WooCommerce, mapped CSV/XLSX/JSON) and the reference data beside
it (FX rates, price list, size chart, categories), validated, with per-row diagnostics; and the offer
schema that names every column the later stages read."""
