"""Google product review feed facts (Product Ratings), with their sources.

Sources ([D] = Google's own documentation or schema; research notes: channels-research.md §1):
- [D] https://developers.google.com/product-review-feeds/schema — the schema is published at
  http://www.google.com/shopping/reviews/schema/product/2.4/product_reviews.xsd and "Currently only
  <version>2.4</version> is supported"; "Our system always expects a full feed. Any reviews previously submitted,
  but not included in your next full feed will be deleted."
- [D] https://developers.google.com/product-review-feeds/sample — the 2.4 sample: element order of a review
  (review_id, reviewer, is_verified_purchase, is_incentivized_review, review_timestamp, title, content,
  review_language, review_country, pros, cons, review_url, reviewer_images, ratings, products, is_spam,
  collection_method, transaction_id); an anonymous reviewer is `<name is_anonymous="true">Anonymous</name>`.
- [D] product_reviews.xsd 2.2 (/work/shared/specs/google/product_reviews-2.2.xsd), Google's last schema file we
  hold: types and constraints of every element 2.2 has (xs:sequence order, `review_url type="singleton|group"`,
  `overall` with required integer min/max, `collection_method` in {unsolicited, post_fulfillment}, unique review
  ids). 2.3/2.4 add optional elements only (the sample above: asins, is_verified_purchase,
  is_incentivized_review, review_language, review_country).
- [D] GMC 7075038 (support.google.com/merchants/answer/7075038): a single XML file must not exceed 100 MB; "An
  incremental feed may use the <deleted_reviews> element …  The full feed should not use the <deleted_reviews>
  element."
- [D] GMC 6098512 (Product Ratings policies): at least 50 reviews; no spam, e-mail addresses, phone numbers, URLs or
  full names in reviews (applied when reviews.csv is read, feedgen.load.reviews).
- [D] GMC 14549080 (eligibility): the domains of `<product_url>` must match the Merchant Center account's domain.
- [D] GMC 6059553: reviews are matched to products mostly by GTIN; MPN needs the brand too.

Decisions these facts force:
- Version 2.4, the only one Google accepts. Validation (tests/channels/test_google_reviews.py): every feed against
  Google's 2.2 XSD extended by exactly the documented 2.3/2.4 additions, and the same feed with those additions
  removed and version 2.2 against Google's 2.2 file untouched. The 2.4 .xsd itself is not in this workplace
  (no network); with it, the test's derived schema should be replaced by the file.
- One file per market, `google_reviews/<market>.xml`, holding the reviews written in that market's country
  (`reviews.csv` `country`): every market has its own shop domain (alfasko.no, alfasko.de …), and a review feed's
  product URLs must be on the domain of the Merchant Center account that receives it (GMC 14549080). One file for
  all markets would mix eight domains in one account's feed. The cost: each account needs its own 50 reviews.
- A full feed every build, never `<deleted_reviews>` (GMC 7075038): a review gone from reviews.csv (deleted, or
  now flagged as spam) is deleted at Google by its absence from the next full feed. An incremental mode that lists
  `deleted_reviews` is possible later (the last published feed is readable with `read_items`).
- Spam is left out, not sent with `<is_spam>true</is_spam>`: nothing of it is published (issue #17).
- A review dated after the build date is left out (feedgen.load.reviews): it has not happened yet, and Google
  would show a review from the future.
"""

from __future__ import annotations

from feedgen.channels.parts import FileLimit

VERSION = "2.4"
SCHEMA_LOCATION = f"http://www.google.com/shopping/reviews/schema/product/{VERSION}/product_reviews.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
VC = "http://www.w3.org/2007/XMLSchema-versioning"

RATING_MIN, RATING_MAX = 1, 5  # `overall min/max`: min is the worst rating, not "no rating"
REVIEW_URL_TYPE = "group"  # the product page shows all of a product's reviews, not this one alone
MIN_REVIEWS = 50  # GMC 6098512: fewer and the account is not eligible for product ratings
# GMC 7075038: one XML file must not exceed 100 MB, even inside a zip; a bigger feed goes as numbered parts
FILE_LIMIT = FileLimit(100 * 1000 * 1000, "GMC 7075038: a single XML file must not exceed 100 MB")
