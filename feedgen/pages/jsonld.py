"""schema.org JSON-LD for a landing page: one ProductGroup per hero style, one Product per SKU.

Google merchant listings (developers.google.com/search/docs/appearance/structured-data/
merchant-listing, product-variants, return-policy, shipping-policy; SPECS Part B §3):
- Offer.price is a bare number with a point (schema.org/price) and must equal the feed price
  (GMC 6098334: a mismatch disapproves the item), so it comes from feedgen.load.pricing.plain_amount
  on the same resolved offer the Google feed writes;
- a sale carries the regular price as a StrikethroughPrice price specification;
- returns and shipping are stated per Offer (hasMerchantReturnPolicy, shippingDetails);
- aggregateRating only where there are real ratings (and they are shown on the page): the market's reviews
  (feedgen.load.reviews.with_review_ratings, the reviews of its review feed), else the catalogue's.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from feedgen.config.markets import Market
from feedgen.load.pricing import plain_amount

SCHEMA = "https://schema.org/"
AVAILABILITY = {"in_stock": "InStock", "out_of_stock": "OutOfStock", "preorder": "PreOrder", "backorder": "BackOrder"}
RETURN_METHOD = {"by_mail": "ReturnByMail", "in_store": "ReturnInStore", "kiosk": "ReturnAtKiosk"}
RETURN_FEES = {"free": "FreeReturn", "customer_pays_shipping": "ReturnFeesCustomerResponsibility",
               "flat_fee": "ReturnShippingFees"}


def return_policy(market: Market) -> dict[str, Any]:
    returns = market.returns
    policy: dict[str, Any] = {"@type": "MerchantReturnPolicy", "applicableCountry": market.country}
    if returns.days == 0:
        policy["returnPolicyCategory"] = SCHEMA + "MerchantReturnNotPermitted"
        return policy
    policy.update({
        "returnPolicyCategory": SCHEMA + "MerchantReturnFiniteReturnWindow",
        "merchantReturnDays": returns.days,
        "returnMethod": SCHEMA + RETURN_METHOD[returns.method],
        "returnFees": SCHEMA + RETURN_FEES[returns.fees],
    })
    if returns.fees == "flat_fee" and returns.fee_amount is not None:
        policy["returnShippingFeesAmount"] = {
            "@type": "MonetaryAmount", "value": plain_amount(returns.fee_amount, market.currency),
            "currency": market.currency,
        }
    return policy


def shipping_details(market: Market, shipping_price) -> dict[str, Any]:
    shipping = market.shipping

    def days(pair: tuple[int, int]) -> dict[str, Any]:
        return {"@type": "QuantitativeValue", "minValue": pair[0], "maxValue": pair[1], "unitCode": "DAY"}

    return {
        "@type": "OfferShippingDetails",
        "shippingRate": {"@type": "MonetaryAmount", "value": plain_amount(shipping_price, market.currency),
                         "currency": market.currency},
        "shippingDestination": {"@type": "DefinedRegion", "addressCountry": market.country},
        "deliveryTime": {"@type": "ShippingDeliveryTime", "handlingTime": days(shipping.handling_days),
                         "transitTime": days(shipping.transit_days)},
    }


def strikethrough(row: Any, market: Market, references: dict | None):
    """The struck-through price a SKU's offer may claim: the regular price, or where the market's
    rule is the 30-day lowest price, that price (None when it is unknown or not above the sale
    price) - the same claim the visible page makes (feedgen.pages.views)."""
    if not (row.sale_active and row.sale_price is not None):
        return None
    if market.page_rules.reference_price != "lowest_30_days":
        return row.price
    reference = (references or {}).get(row.sku)
    if reference is None or reference.lowest is None or reference.lowest <= row.current_price:
        return None
    return reference.lowest


def offer(row: Any, market: Market, references: dict | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "Offer",
        "url": row.link,
        "sku": row.sku,
        "price": plain_amount(row.current_price, market.currency),  # offers.resolve: sale price while active
        "priceCurrency": market.currency,
        "availability": SCHEMA + AVAILABILITY.get(row.availability, "OutOfStock"),
        "itemCondition": SCHEMA + "NewCondition",
    }
    if row.gtin and row.gtin_valid:
        data["gtin"] = row.gtin
    struck = strikethrough(row, market, references)
    if struck is not None:
        data["priceSpecification"] = {
            "@type": "UnitPriceSpecification", "priceType": SCHEMA + "StrikethroughPrice",
            "price": plain_amount(struck, market.currency), "priceCurrency": market.currency,
        }
        if row.sale_end is not None:
            data["priceValidUntil"] = row.sale_end.isoformat()
    data["hasMerchantReturnPolicy"] = return_policy(market)
    data["shippingDetails"] = shipping_details(market, row.shipping_price)
    return data


def rated(rating: Any, review_count: Any) -> bool:
    """Whether a style has a rating to show: the page and its aggregateRating use this one rule, as
    Google wants them to match (a 0 rating is outside schema.org's default 1–5 worstRating/bestRating)."""
    return pd.notna(rating) and pd.notna(review_count) and review_count > 0 and rating > 0


def review_markup(author: str, rating: int, title: str, text: str, day_iso: str) -> dict[str, Any]:
    """One review the page quotes, as schema.org Review (Google's review snippet: author, reviewRating)."""
    data: dict[str, Any] = {"@type": "Review", "author": {"@type": "Person", "name": author},
                            "datePublished": day_iso,
                            "reviewRating": {"@type": "Rating", "ratingValue": rating, "bestRating": 5,
                                             "worstRating": 1}}
    if title.strip():
        data["name"] = title
    data["reviewBody"] = text
    return data


def product_group(rows: pd.DataFrame, market: Market, page_url: str, references: dict | None = None,
                  reviews: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The style as a ProductGroup varying by size and colour, each SKU a Product with its Offer;
    `reviews`: the reviews the page quotes (review_markup), only those (Google: mark up what is shown)."""
    first = next(rows.itertuples(index=False))
    group: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ProductGroup",
        "productGroupID": first.style_id,
        "name": first.title,
        "description": first.description,
        "url": page_url,
        "brand": {"@type": "Brand", "name": first.brand},
        "variesBy": [SCHEMA + "size", SCHEMA + "color"],
    }
    if first.material:
        group["material"] = first.material
    if rated(first.rating, first.review_count):
        group["aggregateRating"] = {"@type": "AggregateRating", "ratingValue": round(float(first.rating), 1),
                                    "reviewCount": int(first.review_count), "bestRating": 5}
    if reviews:
        group["review"] = reviews
    variants = []
    for row in rows.itertuples(index=False):
        variant: dict[str, Any] = {
            "@type": "Product",
            "sku": row.sku,
            "name": f"{row.title} – {row.color}, {row.size_system} {row.size}",
            "image": row.image_link,  # the variant's own colour; the gallery is on the page
            "color": row.color,
            "size": row.size,
            "offers": offer(row, market, references),
        }
        if row.gtin and row.gtin_valid:
            variant["gtin"] = row.gtin
        if row.mpn:
            variant["mpn"] = row.mpn
        variants.append(variant)
    group["hasVariant"] = variants
    return group


def script_json(data: Any) -> str:
    """JSON for inside <script>: `<`, `>` and `&` as \\u escapes, so product text cannot end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
