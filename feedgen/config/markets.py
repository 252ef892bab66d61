"""markets.toml -> frozen Market objects.

Market rules are data. This module only checks them strictly (unknown keys are typos, and a
typo must not pass silently) and turns them into typed objects; nothing here knows any
particular market.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency

from feedgen.config.schema import (
    Field, Kind, Place, Table, any_value, boolean, checked, dotted, integer, list_of, matching, number, table, text,
    whole,
)
from feedgen.errors import InputError
from feedgen.config.tomlfile import read_toml

SIZE_SYSTEMS = ("EU", "UK", "US")
RETURN_FEES = ("free", "customer_pays_shipping", "flat_fee")
RETURN_METHODS = ("by_mail", "in_store", "kiosk")
PAYMENT_KINDS = ("wallet", "card", "bank", "credit")
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
    # channel name -> its `markets.XX.<channel>` table as that channel's schema built it (ChannelSettings)
    settings: dict[str, Any] = field(default_factory=dict, hash=False)
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
    # channel name -> its top-level `[<channel>]` table as read by that channel's schema (ChannelSettings)
    settings: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class MarketConfig:
    path: Path
    project: Project
    markets: dict[str, Market]
    images: PageImages = PageImages()
    channels: tuple[str, ...] = ()  # every channel the file was read with (what `channels = [...]` may name)

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


# ----------------------------------------------------------------------------- channel sections (the seam)
@dataclass(frozen=True)
class ChannelSettings:
    """A channel's sections of markets.toml, as schemas the reader is given: the project-level `[name]`
    table and the market-level `markets.XX.name = { … }` table. market_required: a market that lists
    the channel in `channels` must have its market-level table."""

    project: Table | None = None
    market: Table | None = None
    market_required: bool = True




# ----------------------------------------------------------------------------- schema
_TERRITORIES = {code for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", code)}


def _currency(value: Any, place: Place, key: str) -> str:
    code = text()(value, place, key)
    if not re.fullmatch(r"[A-Z]{3}", code) or not is_currency(code):
        raise place.fail(f"unknown currency {code!r} (ISO 4217, e.g. NOK, EUR)", key)
    return code


def _locale(value: Any, place: Place, key: str) -> str:
    locale = text()(value, place, key)
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        raise place.fail(f"{locale!r} is not a locale Babel knows (e.g. nb_NO)", key) from None
    return locale


def _timezone(value: Any, place: Place, key: str) -> str:
    timezone = text()(value, place, key)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise place.fail(f"unknown time zone {timezone!r}", key) from None
    return timezone


def _storefront_url(value: Any, place: Place, key: str) -> str:
    url = text()(value, place, key)
    if not url.startswith("https://") or "{sku}" not in url and "{handle}" not in url:
        raise place.fail("must be an https:// URL with {handle} and/or {sku}", key)
    unknown = [name for name in re.findall(r"\{([a-z_]+)\}", url) if name not in URL_PLACEHOLDERS]
    if unknown:  # offers.fill_template fills every {name} from the offer of that name
        raise place.fail(f"unknown placeholder {{{unknown[0]}}} "
                         f"(known: {', '.join('{' + name + '}' for name in URL_PLACEHOLDERS)})", key)
    return url


def _https(value: Any, place: Place, key: str) -> str:
    value = text()(value, place, key)
    if not value.startswith("https://") or any(c.isspace() for c in value):
        raise place.fail("must be an https:// URL", key)
    return value


def _ending(value: Any, place: Place, key: str) -> str:
    if not isinstance(value, str) or (value and not value.isdigit()) or len(value) > 4:
        raise place.fail('must be up to four digits, e.g. "9" or "95"', key)
    return value


def _flat_fee(values: dict[str, Any], place: Place) -> None:
    """fee_amount is read (and needed) only for fees = 'flat_fee'; otherwise it is ignored."""
    if values["fees"] != "flat_fee":
        values["fee_amount"] = None
    elif values["fee_amount"] is None:
        raise place.fail("fees = 'flat_fee' needs fee_amount")
    else:
        values["fee_amount"] = number(Decimal(0), Decimal(10**6))(values["fee_amount"], place, "fee_amount")


_DAYS = list_of(whole(0, 60), "must be [min, max] whole days, 0–60, min ≤ max", min_len=2, max_len=2)


def _day_range(value: Any, place: Place, key: str) -> tuple[int, int]:
    low, high = _DAYS(value, place, key)
    if low > high:
        raise place.fail("must be [min, max] whole days, 0–60, min ≤ max", key)
    return (low, high)


def _single(**values: Any) -> Any:
    """build= of a table with one field: its value."""
    return next(iter(values.values()))


ROUNDING = Table((Field("decimals", integer(0, 4)), Field("ending", _ending, "")), build=RoundingRule)
DISPLAY = Table((Field("whole_units", boolean(), False),), build=_single)
RETURNS = Table(
    (Field("fees", text(RETURN_FEES)), Field("fee_amount", any_value, None),
     Field("policy_label", checked(text(), (lambda v: len(v) <= 50,
                                            "Merchant Center policy labels are at most 50 characters"))),
     Field("days", integer(0, 365)), Field("method", text(RETURN_METHODS))),
    checks=(_flat_fee,), build=ReturnPolicy,
)
SHIPPING = Table(
    (Field("service", text()), Field("price", number(Decimal(0), Decimal(10**6))),
     Field("free_over", number(Decimal(0), Decimal(10**9)), None),
     Field("handling_days", _day_range), Field("transit_days", _day_range)),
    build=Shipping,
)
LINKS = Table(tuple(Field(name, _https, None) for name in PAGE_LINKS),
              build=lambda **links: tuple((name, url) for name, url in links.items() if url is not None))
PAGE_RULES = Table(
    (Field("reference_price", text(REFERENCE_PRICE_RULES), "none"), Field("tax_note", text(TAX_NOTE_PLACES), "footer"),
     Field("links", table(LINKS), ())),
    build=PageRules,
)


def _methods(payments: dict[str, PaymentMethod]) -> Kind:
    def read(value: Any, place: Place, key: str) -> tuple[PaymentMethod, ...]:
        if not isinstance(value, list) or not value:
            raise place.fail("must be a non-empty list of payment method ids", key)
        for method in value:
            if method not in payments:
                raise place.fail(f"unknown payment method {method!r} (see [payment_methods])", key)
        return tuple(payments[m] for m in value)
    return read


def _credit_first(values: dict[str, Any], place: Place) -> None:
    first = values["methods"][0]
    if not values["credit_first_allowed"] and first.kind == "credit":
        raise place.fail(f"{first.id!r} is a credit option and this market forbids showing credit first", "methods")


def _market_table(payments: dict[str, PaymentMethod], channels: Mapping[str, ChannelSettings]) -> Table:
    payment = Table((Field("methods", _methods(payments)), Field("credit_first_allowed", boolean(), True)),
                    checks=(_credit_first,), build=lambda **values: values["methods"])
    sections = tuple(Field(name, table(c.market), None) for name, c in channels.items() if c.market is not None)
    return Table(
        (Field("country", checked(text(), (lambda v: v in _TERRITORIES,
                                           lambda v: f"{v!r} is not an ISO 3166 alpha-2 country (GB, not UK)"))),
         Field("locale", _locale), Field("language", text()), Field("timezone", _timezone),
         Field("channels", list_of(lambda c: c in channels, f"must be a list drawn from {', '.join(channels)}")),
         Field("storefront_url", _storefront_url),
         Field("landing_url", checked(text(), (lambda v: v.startswith("https://") and v.count("{slug}") == 1
                                               and "?" not in v,
                                               "must be an https:// URL with {slug} once and no query string")), ""),
         Field("rounding", table(ROUNDING)), Field("display", table(DISPLAY), False),
         Field("returns", table(RETURNS)), Field("shipping", table(SHIPPING)), Field("payments", table(payment)),
         *sections,
         Field("name", text()), Field("currency", _currency), Field("vat_rate", number(Decimal(0), Decimal(50))),
         Field("prices_include_tax", boolean()), Field("size_system", text(SIZE_SYSTEMS)),
         Field("allow_machine_translation", boolean(), False),
         Field("untranslated", text(UNTRANSLATED_POLICIES), "omit"), Field("pages", table(PAGE_RULES), PageRules())),
        checks=(_language_matches, _channel_sections(channels)),
    )


def _language_matches(values: dict[str, Any], place: Place) -> None:
    if Locale.parse(values["locale"]).language != values["language"]:
        raise place.fail(f"{values['language']!r} does not match locale {values['locale']!r}", "language")


def _channel_sections(channels: Mapping[str, ChannelSettings]) -> Callable[[dict[str, Any], Place], None]:
    def check(values: dict[str, Any], place: Place) -> None:
        for name, settings in channels.items():
            if settings.market is not None and settings.market_required and name in values["channels"] \
                    and values[name] is None:
                first = settings.market.fields[0].name
                raise place.fail(f"the {name} channel needs an {name} = {{ {first} = … }} entry", "channels")
    return check


def _market(table: Table, place: Place, market_id: str, raw: Any, channels: Mapping[str, ChannelSettings]) -> Market:
    if isinstance(raw, dict) and not re.fullmatch(r"[A-Z]{2}", market_id):
        raise place.fail(f"market id {market_id!r} must be an ISO 3166 alpha-2 code in capitals")
    values = table.read(raw, place)
    return Market(
        id=market_id, name=values["name"], country=values["country"], language=values["language"],
        locale=str(Locale.parse(values["locale"])), currency=values["currency"], timezone=values["timezone"],
        vat_rate=values["vat_rate"], prices_include_tax=values["prices_include_tax"],
        size_system=values["size_system"], channels=tuple(values["channels"]),
        storefront_url=values["storefront_url"], allow_machine_translation=values["allow_machine_translation"],
        rounding=values["rounding"], whole_units=values["display"], returns=values["returns"],
        shipping=values["shipping"], payment_methods=values["payments"],
        settings={name: values[name] for name, c in channels.items()
                  if c.market is not None and values[name] is not None},
        landing_url=values["landing_url"], untranslated=values["untranslated"], page_rules=values["pages"],
    )


def _image_url(value: Any, place: Place, key: str) -> str:
    url = text()(value, place, key)
    if "{url}" not in url or "{width}" not in url or set(re.findall(r"\{([a-z_]+)\}", url)) - {"url", "width", "height"}:
        raise place.fail("must contain {url} and {width} (and may contain {height}), e.g. \"{url}?width={width}\"", key)
    return url


_PIXELS = whole(16, 8192)
_WIDTHS = list_of(_PIXELS, "must list increasing pixel widths 16–8192, e.g. [400, 800, 1200]", ordered=True)
_SIZE = list_of(_PIXELS, "must be [width, height] of the largest image in pixels, e.g. [1200, 1200]", min_len=2, max_len=2)


def _images(values: dict[str, Any], place: Place) -> None:
    """image_widths and image_size are read only with an image_url (without one there is no srcset)."""
    if values["image_url"] is not None:
        values["image_widths"] = _WIDTHS(values["image_widths"], place, "image_widths")
        values["image_size"] = _SIZE(values["image_size"], place, "image_size")


PAGE_IMAGES = Table(
    (Field("image_url", _image_url, None), Field("image_widths", any_value, None), Field("image_size", any_value, None)),
    checks=(_images,),
    build=lambda image_url, image_widths, image_size: PageImages(url=image_url, widths=image_widths, size=image_size)
    if image_url is not None else PageImages(),
)


def _payment_method(value: Any, place: Place, key: str) -> PaymentMethod:
    entry = Table((Field("name", text()), Field("kind", text(PAYMENT_KINDS)))).read(value, place.inner(key))
    return PaymentMethod(id=key, **entry)


def _some_markets(value: Any, place: Place, key: str) -> dict:
    if not isinstance(value, dict) or not value:
        raise place.fail("define at least one [markets.XX] table", key)
    return value


PROJECT = Table(
    (Field("brand", text()), Field("base_currency", _currency), Field("base_vat_rate", number(Decimal(0), Decimal(50))),
     Field("source_language", text()), Field("default_market", text()),
     Field("fx_date", matching(r"latest|\d{4}-\d{2}-\d{2}", 'must be "latest" or a date YYYY-MM-DD'), "latest")),
)


def _top(channels: Mapping[str, ChannelSettings]) -> Table:
    sections = tuple(Field(name, table(c.project), c.project.defaults())
                     for name, c in channels.items() if c.project is not None)
    return Table((Field("project", table(PROJECT)), Field("payment_methods", table(Table(each=_payment_method))),
                  Field("markets", _some_markets), *sections, Field("pages", table(PAGE_IMAGES), PageImages())))


def load_markets(path: str | Path, channels: Mapping[str, ChannelSettings]) -> MarketConfig:
    """Parse and validate markets.toml; any problem is an InputError naming the key and line.

    `channels`: the channels a market may sell on, each with its sections of the file (the channel
    registry's, see feedgen.channels.read_markets: this module knows no channel)."""
    toml = read_toml(path, "markets.toml")
    root = Place(toml, "(top level)", lambda key: toml.line_of_path(f"(top level).{key}" if key else "(top level)"),
                 nest=lambda key: dotted(toml, key))
    top = _top(channels).read(toml.data, root)
    table = _market_table(top["payment_methods"], channels)
    markets = {market_id: _market(table, dotted(toml, f"markets.{market_id}"), market_id, raw, channels)
               for market_id, raw in top["markets"].items()}
    project = top["project"]
    if project["default_market"] not in markets:
        raise dotted(toml, "project").fail(f"{project['default_market']!r} is not one of the markets", "default_market")
    sections = {name: top[name] for name, c in channels.items() if c.project is not None}
    return MarketConfig(path=path, project=Project(**project, settings=sections),
                        markets=markets, images=top["pages"], channels=tuple(channels))
