"""What a landing page shows about one hero style in one market, computed from the offer frame.

Every number here is read from the resolved offers (the same rows the Google feed writes) and only
formatted; the page never computes a price of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from markupsafe import Markup

from feedgen.resolve.history import Reference
from feedgen.config.markets import Market, PageImages
from feedgen.pages.jsonld import rated
from feedgen.pages.money import discount_percent, format_day, format_number, format_price
from feedgen.pages.texts import UiText, field_status
from feedgen.load.pricing import plain_amount


@dataclass
class Block:
    """A run of description text: a paragraph, or a bullet list (lines starting with '• ')."""

    bullets: bool
    lines: list[Markup]


@dataclass
class SizeOption:
    """A size chip: a link to its own Buy button (CSS :target, no script), which opens its variant."""

    size: str
    available: bool
    sku: str
    link: str


@dataclass
class Image:
    src: str
    srcset: str = ""  # empty without a project image_url template
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class ReviewView:
    """One customer review as a page shows it (and its JSON-LD `review`): the customer's own words, never
    translated; the name already shortened by feedgen.load.reviews."""

    author: str
    rating: int
    title: str
    text: str
    day: str  # in the market's date format
    day_iso: str


SHOWN_REVIEWS = 3  # per style: enough to read, few enough that the offer stays the page's subject


def showcase(reviews: pd.DataFrame | None, style_id: str, market: Market) -> list[ReviewView]:
    """The reviews a page shows for a style: written in the market's language, by a named reviewer (an
    anonymous review has no author for schema.org's Review, so it counts in the rating but is not quoted),
    best rated first, then newest. The rating shown above them is still the mean of *all* of the
    market's reviews of the style, so picking the best ones never changes the stars."""
    if reviews is None or reviews.empty:
        return []
    mine = reviews[reviews["style_id"].eq(style_id) & reviews["language"].eq(market.language) & ~reviews["anonymous"]]
    if mine.empty:
        return []
    moment = pd.to_datetime(mine["time"], utc=True, format="ISO8601")
    ordered = mine.assign(_moment=moment).sort_values(["rating", "_moment", "review_id"],
                                                      ascending=[False, False, True], kind="stable")
    shown = ordered.head(SHOWN_REVIEWS)
    return [ReviewView(author=str(author), rating=int(rating), title=str(title), text=str(text),
                       day=format_day(date.fromisoformat(str(time)[:10]), market), day_iso=str(time)[:10])
            for author, rating, title, text, time in zip(shown["reviewer"].tolist(), shown["rating"].tolist(),
                                                         shown["title"].tolist(), shown["text"].tolist(),
                                                         shown["time"].tolist(), strict=True)]


@dataclass
class StyleView:
    style_id: str
    sku: str  # the SKU whose price and link the page shows (first in stock of the shown colour)
    title: Markup
    link: str
    price_now: str
    price_now_value: str
    price_was: str | None
    price_was_value: str | None
    discount: str | None
    in_stock: bool
    colour: Markup
    colour_in_sentence: Markup  # as it reads mid-sentence (alt texts): lower case where the language wants it
    other_colours: list[Markup]  # only ever shown mid-sentence ("also available in …")
    material: Markup
    size_system: str
    sizes: list[SizeOption]  # the shown colour's sizes, in the market's system
    images: list[Image]
    description: list[Block]
    features: list[Markup]
    rating: str | None = None
    rating_value: float | None = None
    review_count: int | None = None
    review_count_text: str = ""
    reference: str | None = None  # the lowest price of the 30 days before the sale (markets with that rule)
    sale_end_day: date | None = None  # date the shown sale price ends, for the page's one "offer valid until"
    reviews: list[ReviewView] = field(default_factory=list)  # a few of the market's reviews (showcase)

    @property
    def discounted(self) -> bool:
        """Whether the page claims a reduction for this style (badge, struck price)."""
        return self.discount is not None

    @property
    def size_first(self) -> str:
        return self.sizes[0].size if self.sizes else ""

    @property
    def size_last(self) -> str:
        return self.sizes[-1].size if self.sizes else ""


def _eu_order(value: str) -> float:
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return float("inf")


def _blocks(description: Markup | str, ui: UiText, status: str) -> list[Block]:
    blocks: list[Block] = []
    for line in (part.strip() for part in str(description).split("\n")):
        if not line:
            continue
        bullet = line.startswith("• ")
        text = ui.product_text(line[2:] if bullet else line, status)
        if blocks and bullet and blocks[-1].bullets:
            blocks[-1].lines.append(text)
        else:
            blocks.append(Block(bullet, [text]))
    return blocks


def priced(rows: pd.DataFrame) -> pd.DataFrame:
    """SKUs the page can offer: those with a price (a price error leaves a SKU out, as in the feed)."""
    return rows[rows["price"].notna()]


def image(url: str, images: PageImages) -> Image:
    """srcset and intrinsic size from the project's image-URL template (a CDN that resizes by URL)."""
    if not images.url:
        return Image(url)
    template = images.url.replace("{url}?", "{url}&") if "?" in url else images.url
    width, height = images.size or (None, None)

    def sized(w: int) -> str:
        h = round(w * height / width) if width and height else w
        return template.replace("{url}", url).replace("{width}", str(w)).replace("{height}", str(h))

    return Image(sized(images.widths[-1]), ", ".join(f"{sized(w)} {w}w" for w in images.widths), width, height)


def _claim(price, now, reference: Reference | None, market: Market, on_sale: bool) -> tuple[str | None, str | None, str | None]:
    """(struck "was" price, its plain value, discount) the page may claim, or Nones.

    Where the market's rule is the 30-day lowest price (98/6/EC Art. 6a; PAngV §11; NO §9a), the
    reduction is measured from that price (CJEU C-330/23), and with no record of it no reduction is
    claimed at all: the sale price is shown as the price."""
    if not on_sale:
        return None, None, None
    if market.page_rules.reference_price == "lowest_30_days":
        if reference is None or reference.lowest is None or reference.lowest <= now:
            return None, None, None
        price = reference.lowest  # jsonld.strikethrough makes the same claim
    return format_price(price, market), plain_amount(price, market.currency), discount_percent(price, now, market)


def style_view(rows: pd.DataFrame, market: Market, ui: UiText, references: dict[str, Reference] | None = None,
               images: PageImages = PageImages()) -> StyleView:
    """`rows`: one style's priced SKUs from the market's offer frame, sorted by SKU; `references`:
    the 30-day lowest prices of the SKUs on sale (feedgen.pages.reference)."""
    ordered = rows.assign(_eu=rows["eu_size"].map(_eu_order)).sort_values(["_eu", "sku"], kind="stable")
    in_stock = ordered[ordered["stock"] > 0]
    shown = (in_stock if len(in_stock) else ordered).sort_values("sku", kind="stable").iloc[0]
    colour_rows = ordered[ordered["color"] == shown["color"]]
    colours = ordered.drop_duplicates("color")  # each other colour marked by its own review status
    now = shown["current_price"]
    on_sale = bool(shown["sale_active"]) and shown["sale_price"] is not None
    reference = (references or {}).get(str(shown["sku"]))
    was, was_value, discount = _claim(shown["price"], now, reference, market, on_sale)
    view = StyleView(
        style_id=str(shown["style_id"]),
        sku=str(shown["sku"]),
        title=ui.product_text(str(shown["title"]), field_status(shown, "title")),
        link=str(shown["link"]),
        price_now=format_price(now, market),
        price_now_value=plain_amount(now, market.currency),
        price_was=was,
        price_was_value=was_value,
        discount=discount,
        in_stock=bool(shown["stock"] > 0),
        colour=ui.product_text(str(shown["color"]), field_status(shown, "color")),
        colour_in_sentence=ui.product_text(ui.in_sentence("color", str(shown["color"])), field_status(shown, "color")),
        other_colours=[ui.product_text(ui.in_sentence("color", row["color"]), field_status(row, "color"))
                       for _, row in colours.iterrows() if row["color"] != shown["color"]],
        material=ui.product_text(str(shown["material"] or ""), field_status(shown, "material")),
        size_system=str(shown["size_system"]),
        sizes=[SizeOption(str(size), bool(stock > 0), str(sku), str(link)) for size, stock, sku, link
               in zip(colour_rows["size"], colour_rows["stock"], colour_rows["sku"], colour_rows["link"])],
        images=[image(url, images) for url in [shown["image_link"], *str(shown["additional_image_links"]).split("|")] if url],
        description=_blocks(str(shown["description"]), ui, field_status(shown, "description")),
        features=[ui.product_text(f, field_status(shown, "features", number))
                  for number, f in enumerate(f for f in str(shown["features"] or "").split("|") if f.strip())],
    )
    if discount:
        view.sale_end_day = shown["sale_end"]
        if reference is not None and market.page_rules.reference_price == "lowest_30_days":
            view.reference = was
    if rated(shown["rating"], shown["review_count"]):
        view.rating = format_number(float(shown["rating"]), market)
        view.rating_value = round(float(shown["rating"]), 1)
        view.review_count = int(shown["review_count"])
        view.review_count_text = format_number(view.review_count, market, digits=0)
    return view
