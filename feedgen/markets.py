"""markets.toml -> frozen Market objects.

Market rules are data. This module only checks them strictly (unknown keys are typos, and a
typo must not pass silently) and turns them into typed objects; nothing here knows any
particular market.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency

from feedgen.errors import InputError
from feedgen.tomlfile import TomlFile, read_toml

SIZE_SYSTEMS = ("EU", "UK", "US")
CHANNELS = ("google", "meta", "amazon")
RETURN_FEES = ("free", "customer_pays_shipping", "flat_fee")
RETURN_METHODS = ("by_mail", "in_store", "kiosk")
PAYMENT_KINDS = ("wallet", "card", "bank", "credit")
META_LAYOUTS = ("localized", "per_market")
# What a market does with an item whose text has no usable translation (README "Localisation"):
# leave the item out of the market's channels (default), publish the source text, or stop the build.
UNTRANSLATED_POLICIES = ("omit", "source", "fail")
URL_PLACEHOLDERS = ("handle", "sku", "style_id")  # storefront_url {placeholders}: offer columns, URL-encoded


@dataclass(frozen=True)
class RoundingRule:
    decimals: int
    ending: str = ""  # digits the rounded price must end with, e.g. "9" (whole units) or "95" (cents)


@dataclass(frozen=True)
class ReturnPolicy:
    days: int
    fees: str
    method: str
    policy_label: str
    fee_amount: Decimal | None = None


@dataclass(frozen=True)
class Shipping:
    service: str
    price: Decimal
    free_over: Decimal | None
    handling_days: tuple[int, int]
    transit_days: tuple[int, int]


@dataclass(frozen=True)
class PaymentMethod:
    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class AmazonMarketplace:
    marketplace_id: str
    language_tag: str
    fulfillment_channel: str


REFERENCE_PRICE_RULES = ("none", "lowest_30_days")  # lowest_30_days: 98/6/EC Art. 6a, PAngV §11, NO §9a
TAX_NOTE_PLACES = ("footer", "with_price")  # with_price: PAngV §3 / §6 — "inkl. MwSt., zzgl. Versand" by the price
PAGE_LINKS = ("imprint", "terms", "privacy", "withdrawal", "contact")  # the legal/trust frame, in footer order


@dataclass(frozen=True)
class PageRules:
    """[markets.XX.pages]: what a market's law and shoppers want on its landing pages."""

    reference_price: str = "none"
    tax_note: str = "footer"
    links: tuple[tuple[str, str], ...] = ()  # (PAGE_LINKS name, https URL), in PAGE_LINKS order


@dataclass(frozen=True)
class PageImages:
    """[pages] image_url: most image CDNs resize by URL (Shopify, imgix, Cloudinary)."""

    url: str = ""  # template with {url} (the catalogue's image URL) and {width}; "" = no srcset
    widths: tuple[int, ...] = ()
    size: tuple[int, int] | None = None  # width, height of the largest rendition (for width/height)


@dataclass(frozen=True)
class Market:
    id: str
    name: str
    country: str
    language: str
    locale: str
    currency: str
    timezone: str
    vat_rate: Decimal
    prices_include_tax: bool
    size_system: str
    channels: tuple[str, ...]
    storefront_url: str
    allow_machine_translation: bool
    rounding: RoundingRule
    whole_units: bool
    returns: ReturnPolicy
    shipping: Shipping
    payment_methods: tuple[PaymentMethod, ...]
    amazon: AmazonMarketplace | None = None
    landing_url: str = ""  # public URL pattern of campaign landing pages, with {slug}
    untranslated: str = "omit"  # UNTRANSLATED_POLICIES: text with no usable translation in this market
    page_rules: PageRules = PageRules()

    def landing_page_url(self, slug: str) -> str:
        return self.landing_url.replace("{slug}", slug)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def home_url(self) -> str:
        """Scheme and host of the storefront, for feed channel links."""
        parts = urlsplit(self.storefront_url)
        return f"{parts.scheme}://{parts.netloc}/"


@dataclass(frozen=True)
class Project:
    brand: str
    base_currency: str
    base_vat_rate: Decimal
    source_language: str
    fx_date: str
    default_market: str
    amazon_seller_id: str
    meta_layout: str


@dataclass(frozen=True)
class MarketConfig:
    path: Path
    project: Project
    markets: dict[str, Market]
    images: PageImages = PageImages()

    def select(self, ids: list[str] | None) -> list[Market]:
        """Markets by id, case-insensitively, in file order; all of them when ids is empty."""
        if not ids:
            return list(self.markets.values())
        chosen = []
        for raw in ids:
            key = raw.strip().upper()
            if key not in self.markets:
                known = ", ".join(self.markets)
                raise InputError(self.path, f"unknown market {raw!r} (known: {known})")
            chosen.append(self.markets[key])
        return chosen


# ----------------------------------------------------------------------------- schema checking
class _Reader:
    """Walks the parsed TOML with the key path at hand, so every error names its place (TomlFile finds the line)."""

    def __init__(self, toml: TomlFile) -> None:
        self.toml = toml

    def fail(self, dotted: str, message: str) -> InputError:
        return self.toml.fail_at(dotted, message)

    def table(self, data: Any, dotted: str, required: set[str], optional: set[str] = frozenset()) -> dict:
        if not isinstance(data, dict):
            raise self.fail(dotted, "must be a table")
        for key in data:
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                raise self.fail(f"{dotted}.{key}", f"unknown key {key!r} (allowed: {allowed})")
        for key in sorted(required):
            if key not in data:
                raise self.fail(dotted, f"missing required key {key!r}")
        return data

    def text(self, data: dict, dotted: str, key: str, choices: tuple[str, ...] = ()) -> str:
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{dotted}.{key}", "must be a non-empty string")
        if choices and value not in choices:
            raise self.fail(f"{dotted}.{key}", f"{value!r} is not one of {', '.join(choices)}")
        return value

    def number(self, data: dict, dotted: str, key: str, low: Decimal, high: Decimal, *, whole: bool = False) -> Decimal:
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{dotted}.{key}", f"must be a number, got {value!r}")
        try:
            number = Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - TOML numbers always convert
            raise self.fail(f"{dotted}.{key}", f"not a number: {value!r}") from None
        if not number.is_finite():  # TOML has nan and inf; comparing a Decimal NaN raises
            raise self.fail(f"{dotted}.{key}", f"must be a number, got {value!r}")
        if not low <= number <= high:
            raise self.fail(f"{dotted}.{key}", f"{value} is outside {low}–{high}")
        if whole and number != number.to_integral_value():
            raise self.fail(f"{dotted}.{key}", f"must be a whole number, got {value!r}")
        return number

    def boolean(self, data: dict, dotted: str, key: str, default: bool | None = None) -> bool:
        if key not in data and default is not None:
            return default
        if not isinstance(data[key], bool):
            raise self.fail(f"{dotted}.{key}", "must be true or false")
        return data[key]

    def day_range(self, data: dict, dotted: str, key: str) -> tuple[int, int]:
        value = data[key]
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 60 for v in value)
            or value[0] > value[1]
        ):
            raise self.fail(f"{dotted}.{key}", "must be [min, max] whole days, 0–60, min ≤ max")
        return (value[0], value[1])


def _check_currency(reader: _Reader, dotted: str, code: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", code) or not is_currency(code):
        raise reader.fail(dotted, f"unknown currency {code!r} (ISO 4217, e.g. NOK, EUR)")
    return code


_TERRITORIES = {code for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", code)}


def _market(reader: _Reader, market_id: str, raw: Any, payments: dict[str, PaymentMethod]) -> Market:
    dotted = f"markets.{market_id}"
    data = reader.table(
        raw,
        dotted,
        required={
            "name", "country", "language", "locale", "currency", "timezone", "vat_rate",
            "prices_include_tax", "size_system", "channels", "storefront_url", "rounding",
            "returns", "shipping", "payments",
        },
        optional={"allow_machine_translation", "display", "amazon", "landing_url", "untranslated", "pages"},
    )
    if not re.fullmatch(r"[A-Z]{2}", market_id):
        raise reader.fail(dotted, f"market id {market_id!r} must be an ISO 3166 alpha-2 code in capitals")
    country = reader.text(data, dotted, "country")
    if country not in _TERRITORIES:
        raise reader.fail(f"{dotted}.country", f"{country!r} is not an ISO 3166 alpha-2 country (GB, not UK)")
    locale = reader.text(data, dotted, "locale")
    try:
        parsed_locale = Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        raise reader.fail(f"{dotted}.locale", f"{locale!r} is not a locale Babel knows (e.g. nb_NO)") from None
    language = reader.text(data, dotted, "language")
    if parsed_locale.language != language:
        raise reader.fail(f"{dotted}.language", f"{language!r} does not match locale {locale!r}")
    timezone = reader.text(data, dotted, "timezone")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise reader.fail(f"{dotted}.timezone", f"unknown time zone {timezone!r}") from None
    channels = data["channels"]
    if not isinstance(channels, list) or not channels or any(c not in CHANNELS for c in channels):
        raise reader.fail(f"{dotted}.channels", f"must be a list drawn from {', '.join(CHANNELS)}")
    url = reader.text(data, dotted, "storefront_url")
    if not url.startswith("https://") or "{sku}" not in url and "{handle}" not in url:
        raise reader.fail(f"{dotted}.storefront_url", "must be an https:// URL with {handle} and/or {sku}")
    unknown = [name for name in re.findall(r"\{([a-z_]+)\}", url) if name not in URL_PLACEHOLDERS]
    if unknown:  # offers.fill_template fills every {name} from the offer of that name
        raise reader.fail(f"{dotted}.storefront_url", f"unknown placeholder {{{unknown[0]}}} "
                          f"(known: {', '.join('{' + name + '}' for name in URL_PLACEHOLDERS)})")

    landing_url = data.get("landing_url", "")
    if "landing_url" in data:
        landing_url = reader.text(data, dotted, "landing_url")
        if not landing_url.startswith("https://") or landing_url.count("{slug}") != 1 or "?" in landing_url:
            raise reader.fail(f"{dotted}.landing_url", "must be an https:// URL with {slug} once and no query string")

    rounding_path = f"{dotted}.rounding"
    rounding = reader.table(data["rounding"], rounding_path, {"decimals"}, {"ending"})
    decimals = int(reader.number(rounding, rounding_path, "decimals", Decimal(0), Decimal(4), whole=True))
    ending = rounding.get("ending", "")
    if not isinstance(ending, str) or (ending and not ending.isdigit()) or len(ending) > 4:
        raise reader.fail(f"{rounding_path}.ending", 'must be up to four digits, e.g. "9" or "95"')

    display = reader.table(data.get("display", {}), f"{dotted}.display", set(), {"whole_units"})
    returns_path = f"{dotted}.returns"
    returns = reader.table(data["returns"], returns_path, {"days", "fees", "method", "policy_label"}, {"fee_amount"})
    fees = reader.text(returns, returns_path, "fees", RETURN_FEES)
    fee_amount = None
    if fees == "flat_fee":
        if "fee_amount" not in returns:
            raise reader.fail(returns_path, "fees = 'flat_fee' needs fee_amount")
        fee_amount = reader.number(returns, returns_path, "fee_amount", Decimal(0), Decimal(10**6))
    label = reader.text(returns, returns_path, "policy_label")
    if len(label) > 50:
        raise reader.fail(f"{returns_path}.policy_label", "Merchant Center policy labels are at most 50 characters")

    shipping_path = f"{dotted}.shipping"
    shipping = reader.table(
        data["shipping"], shipping_path, {"service", "price", "handling_days", "transit_days"}, {"free_over"}
    )
    payment_path = f"{dotted}.payments"
    payment_data = reader.table(data["payments"], payment_path, {"methods"}, {"credit_first_allowed"})
    methods = payment_data["methods"]
    if not isinstance(methods, list) or not methods:
        raise reader.fail(f"{payment_path}.methods", "must be a non-empty list of payment method ids")
    for method in methods:
        if method not in payments:
            raise reader.fail(f"{payment_path}.methods", f"unknown payment method {method!r} (see [payment_methods])")
    credit_first = reader.boolean(payment_data, payment_path, "credit_first_allowed", default=True)
    if not credit_first and payments[methods[0]].kind == "credit":
        raise reader.fail(
            f"{payment_path}.methods", f"{methods[0]!r} is a credit option and this market forbids showing credit first"
        )

    amazon = None
    if "amazon" in data:
        amazon_path = f"{dotted}.amazon"
        amazon_data = reader.table(data["amazon"], amazon_path, {"marketplace_id", "language_tag", "fulfillment_channel"})
        amazon = AmazonMarketplace(
            marketplace_id=reader.text(amazon_data, amazon_path, "marketplace_id"),
            language_tag=reader.text(amazon_data, amazon_path, "language_tag"),
            fulfillment_channel=reader.text(amazon_data, amazon_path, "fulfillment_channel"),
        )
    elif "amazon" in channels:
        raise reader.fail(f"{dotted}.channels", "the amazon channel needs an amazon = { marketplace_id = … } entry")

    return Market(
        id=market_id,
        name=reader.text(data, dotted, "name"),
        country=country,
        language=language,
        locale=str(parsed_locale),
        currency=_check_currency(reader, f"{dotted}.currency", reader.text(data, dotted, "currency")),
        timezone=timezone,
        vat_rate=reader.number(data, dotted, "vat_rate", Decimal(0), Decimal(50)),
        prices_include_tax=reader.boolean(data, dotted, "prices_include_tax"),
        size_system=reader.text(data, dotted, "size_system", SIZE_SYSTEMS),
        channels=tuple(channels),
        storefront_url=url,
        allow_machine_translation=reader.boolean(data, dotted, "allow_machine_translation", default=False),
        rounding=RoundingRule(decimals=decimals, ending=ending),
        whole_units=reader.boolean(display, f"{dotted}.display", "whole_units", default=False),
        returns=ReturnPolicy(
            days=int(reader.number(returns, returns_path, "days", Decimal(0), Decimal(365), whole=True)),
            fees=fees,
            method=reader.text(returns, returns_path, "method", RETURN_METHODS),
            policy_label=label,
            fee_amount=fee_amount,
        ),
        shipping=Shipping(
            service=reader.text(shipping, shipping_path, "service"),
            price=reader.number(shipping, shipping_path, "price", Decimal(0), Decimal(10**6)),
            free_over=(
                reader.number(shipping, shipping_path, "free_over", Decimal(0), Decimal(10**9))
                if "free_over" in shipping
                else None
            ),
            handling_days=reader.day_range(shipping, shipping_path, "handling_days"),
            transit_days=reader.day_range(shipping, shipping_path, "transit_days"),
        ),
        payment_methods=tuple(payments[m] for m in methods),
        amazon=amazon,
        landing_url=landing_url,
        untranslated=reader.text(data, dotted, "untranslated", UNTRANSLATED_POLICIES) if "untranslated" in data else "omit",
        page_rules=_page_rules(reader, dotted, data.get("pages", {})),
    )


def _https(reader: _Reader, data: dict, dotted: str, key: str) -> str:
    value = reader.text(data, dotted, key)
    if not value.startswith("https://") or any(c.isspace() for c in value):
        raise reader.fail(f"{dotted}.{key}", "must be an https:// URL")
    return value


def _page_rules(reader: _Reader, market: str, raw: Any) -> PageRules:
    dotted = f"{market}.pages"
    data = reader.table(raw, dotted, set(), {"reference_price", "tax_note", "links"})
    links = reader.table(data.get("links", {}), f"{dotted}.links", set(), set(PAGE_LINKS))
    return PageRules(
        reference_price=reader.text(data, dotted, "reference_price", REFERENCE_PRICE_RULES) if "reference_price" in data else "none",
        tax_note=reader.text(data, dotted, "tax_note", TAX_NOTE_PLACES) if "tax_note" in data else "footer",
        links=tuple((name, _https(reader, links, f"{dotted}.links", name)) for name in PAGE_LINKS if name in links),
    )


def _page_images(reader: _Reader, raw: Any) -> PageImages:
    data = reader.table(raw, "pages", set(), {"image_url", "image_widths", "image_size"})
    if "image_url" not in data:
        return PageImages()
    url = reader.text(data, "pages", "image_url")
    if "{url}" not in url or "{width}" not in url or set(re.findall(r"\{([a-z_]+)\}", url)) - {"url", "width", "height"}:
        raise reader.fail("pages.image_url", "must contain {url} and {width} (and may contain {height}), e.g. \"{url}?width={width}\"")
    widths, size = data.get("image_widths"), data.get("image_size")
    if not isinstance(widths, list) or not widths or not all(
            isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= 8192 for w in widths) or widths != sorted(set(widths)):
        raise reader.fail("pages.image_widths", "must list increasing pixel widths 16–8192, e.g. [400, 800, 1200]")
    if not isinstance(size, list) or len(size) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) and 16 <= v <= 8192 for v in size):
        raise reader.fail("pages.image_size", "must be [width, height] of the largest image in pixels, e.g. [1200, 1200]")
    return PageImages(url=url, widths=tuple(widths), size=(size[0], size[1]))


def load_markets(path: str | Path) -> MarketConfig:
    """Parse and validate markets.toml; any problem is an InputError naming the key and line."""
    toml = read_toml(path, "markets.toml")
    data, reader = toml.data, _Reader(toml)
    top = reader.table(data, "(top level)", {"project", "markets", "payment_methods"}, {"amazon", "meta", "pages"})
    project = reader.table(
        top["project"], "project",
        {"brand", "base_currency", "base_vat_rate", "source_language", "default_market"},
        {"fx_date"},
    )
    payments: dict[str, PaymentMethod] = {}
    for method_id, raw in reader.table(top["payment_methods"], "payment_methods", set(), set(top["payment_methods"])).items():
        entry = reader.table(raw, f"payment_methods.{method_id}", {"name", "kind"})
        payments[method_id] = PaymentMethod(
            id=method_id,
            name=reader.text(entry, f"payment_methods.{method_id}", "name"),
            kind=reader.text(entry, f"payment_methods.{method_id}", "kind", PAYMENT_KINDS),
        )
    raw_markets = top["markets"]
    if not isinstance(raw_markets, dict) or not raw_markets:
        raise reader.fail("markets", "define at least one [markets.XX] table")
    markets = {market_id: _market(reader, market_id, raw, payments) for market_id, raw in raw_markets.items()}

    amazon = reader.table(top.get("amazon", {}), "amazon", set(), {"seller_id"})
    meta = reader.table(top.get("meta", {}), "meta", set(), {"layout"})
    default_market = reader.text(project, "project", "default_market")
    if default_market not in markets:
        raise reader.fail("project.default_market", f"{default_market!r} is not one of the markets")
    fx_date = project.get("fx_date", "latest")
    if fx_date != "latest" and not (isinstance(fx_date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", fx_date)):
        raise reader.fail("project.fx_date", 'must be "latest" or a date YYYY-MM-DD')
    return MarketConfig(
        path=path,
        project=Project(
            brand=reader.text(project, "project", "brand"),
            base_currency=_check_currency(reader, "project.base_currency", reader.text(project, "project", "base_currency")),
            base_vat_rate=reader.number(project, "project", "base_vat_rate", Decimal(0), Decimal(50)),
            source_language=reader.text(project, "project", "source_language"),
            fx_date=fx_date,
            default_market=default_market,
            amazon_seller_id=str(amazon.get("seller_id", "")),
            meta_layout=reader.text(meta, "meta", "layout", META_LAYOUTS) if "layout" in meta else "localized",
        ),
        markets=markets,
        images=_page_images(reader, top.get("pages", {})),
    )
