"""Google product review feed facts (Product Ratings), with their sources.

Sources ([D] = Google's own documentation or schema; research notes: channels-research.md §1):
- [D] The XSD we validate against: product_reviews.xsd 2.2 (/work/shared/specs/google/product_reviews-2.2.xsd,
  http://www.google.com/shopping/reviews/schema/product/2.2/product_reviews.xsd): element order (xs:sequence),
  `<version>` fixed to "2.2", `review_url type="singleton|group"`, `overall` with required integer min/max,
  `collection_method` in {unsolicited, post_fulfillment}, unique review ids.
- [D] https://developers.google.com/product-review-feeds/schema — "Currently only <version>2.4</version> is
  supported"; "Our system always expects a full feed. Any reviews previously submitted, but not included in your
  next full feed will be deleted."
- [D] https://developers.google.com/product-review-feeds/sample — an anonymous reviewer is
  `<name is_anonymous="true">Anonymous</name>`.
- [D] GMC 7075038 (support.google.com/merchants/answer/7075038): a single XML file must not exceed 100 MB; "An
  incremental feed may use the <deleted_reviews> element …  The full feed should not use the <deleted_reviews>
  element."
- [D] GMC 6098512 (Product Ratings policies): at least 50 reviews; no spam, e-mail addresses, phone numbers, URLs or
  full names in reviews (applied when reviews.csv is read, feedgen.load.reviews).
- [D] GMC 14549080 (eligibility): the domains of `<product_url>` must match the Merchant Center account's domain.
- [D] GMC 6059553: reviews are matched to products mostly by GTIN; MPN needs the brand too.

Decisions these facts force:
- One file per market, `google_reviews/<market>.xml`, holding the reviews written in that market's country
  (`reviews.csv` `country`): every market has its own shop domain (alfasko.no, alfasko.de …), and a review feed's
  product URLs must be on the domain of the Merchant Center account that receives it (GMC 14549080). One file for
  all markets would mix eight domains in one account's feed. The cost: each account needs its own 50 reviews.
- A full feed every build, never `<deleted_reviews>` (GMC 7075038): a review gone from reviews.csv (deleted, or
  now flagged as spam) is deleted at Google by its absence from the next full feed. An incremental mode that lists
  `deleted_reviews` is possible later (the last published feed is readable with `read_items`).
- Spam is left out, not sent with `<is_spam>true</is_spam>`: nothing of it is published (issue #17).

OPEN QUESTION (version): Google's schema page says only 2.4 is accepted, but the only XSD we hold is 2.2, whose
`<version>` is fixed to "2.2" (a 2.4 feed does not validate against it). feedgen writes what 2.2 allows, version
"2.2", so every feed validates against the schema we have; `review_language`, `review_country`,
`is_verified_purchase` (2.4 additions) are not written. Before this feed is used for real: get the 2.4 XSD into
/work/shared/specs/google/, set VERSION/SCHEMA_LOCATION, add the 2.4 elements in the XSD's order, validate.
"""

from __future__ import annotations

VERSION = "2.2"
SCHEMA_LOCATION = f"http://www.google.com/shopping/reviews/schema/product/{VERSION}/product_reviews.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
VC = "http://www.w3.org/2007/XMLSchema-versioning"

RATING_MIN, RATING_MAX = 1, 5  # `overall min/max`: min is the worst rating, not "no rating"
REVIEW_URL_TYPE = "group"  # the product page shows all of a product's reviews, not this one alone
MIN_REVIEWS = 50  # GMC 6098512: fewer and the account is not eligible for product ratings
MAX_FILE_BYTES = 100 * 1000 * 1000  # GMC 7075038: one XML file, even inside a zip
