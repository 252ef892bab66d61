"""Google promotions feed facts (Merchant Promotions), with their sources.

Sources ([D] = Google's own documentation; research notes: channels-research.md §2):
- [D] GMC 2906014 (support.google.com/merchants/answer/2906014, Promotions feed specification): formats XML,
  tab-delimited text or Google Sheets; "Promotions will display … in Australia, Brazil, Canada, France, Germany,
  India, Italy, Japan, South Korea, Spain, the Netherlands, the United Kingdom, and the United States."
- [D] GMC 3398330 (required fields): promotion_id, product_applicability, offer_type, long_title,
  promotion_effective_dates, redemption_channel; coupon_value_type speeds up the review.
- [D] GMC 13837465 (promotion_destination): required; `Shopping_ads`, `Free_listings` ("only available in the
  US") …; repeated, one column per value in text feeds.
- [D] GMC 13838102 (long_title): 1–60 characters, in the language of the target country, stating the specific
  value ("15% off …"); no code and no dates in it.
- [D] GMC 13836990 (promotion_effective_dates): `start/end`, each `YYYY-MM-DDThh:mm:ss±hh:mm`; GMC 3398485: at
  most 183 days; one promotions feed corresponds to product feeds of one target country; discounts are applied at
  checkout ("Discounts and promotions can only be applied at checkout or point of sale").
- [D] GMC 7050148 (product attribute promotion_id): 1–50 characters, letters, digits, `_` and `-`; up to 10 per
  item; required on the products of a `specific_products` promotion. GMC 6396257: a specific_products promotion
  mapped to no product is rejected.
- [D] GMC 13509015: a promotion is rejected when "the discounted price is stated on the product's landing page".

Decisions these facts force:
- One tab-delimited file per market, `google_promotions/<market>.txt` (the documented text format; the XML
  envelope is not documented), only for markets whose country is in PROMOTION_COUNTRIES; elsewhere a diagnostic.
- The product feeds keep the catalogue's price (and sale price); the promotion is taken off at checkout. The
  landing page names the discount ("15 % off at checkout"), never a discounted price.
- product_applicability `specific_products`: the campaign's hero styles, each of their items carrying the
  promotion's id in the Google product feed (the same function decides both: feedgen.channels.google_promotions
  .promotions.market_promotions).
"""

from __future__ import annotations

# GMC 2906014 (ISO 3166-1 alpha-2; Google's own "UK" is GB here, as in markets.toml)
PROMOTION_COUNTRIES = frozenset({"AU", "BR", "CA", "FR", "DE", "IN", "IT", "JP", "KR", "ES", "NL", "GB", "US"})
# GMC 13837465: Free_listings only in the US
DESTINATIONS = {"US": ("Shopping_ads", "Free_listings")}
DEFAULT_DESTINATIONS = ("Shopping_ads",)
MAX_DAYS = 183  # GMC 3398485
LONG_TITLE_LIMIT = 60  # GMC 13838102
PROMOTION_ID_LIMIT = 50  # GMC 7050148
REDEMPTION_CHANNEL = "online"  # the shop's checkout

# The columns of the text feed, in order (Google's feed template; promotion_destination is repeated).
COLUMNS = ("promotion_id", "product_applicability", "offer_type", "generic_redemption_code", "long_title",
           "promotion_effective_dates", "redemption_channel", "coupon_value_type", "percent_off",
           "money_off_amount")
