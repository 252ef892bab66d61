"""Read `DATA/reviews.csv` (customer reviews, optional) into one validated frame.

The same two kinds of problems as the catalogue (feedgen.load.catalogue), kept apart:
- the file cannot be used (unreadable, a required column missing, a review id twice): an
  InputError, one line naming file, row and column;
- one review is wrong: a Diagnostic (`reviews.*`) naming the review id and its row, and the review
  is left out of every output (a review cannot be half published: its words are the customer's).

What a published review may carry follows Google's Product Ratings policies (GMC 6098512, see
channels-research §1.3): no spam, no e-mail addresses, phone numbers or URLs in the text, no full
names. Reviews with contact details are left out rather than edited (we do not rewrite a customer's
words); names are shortened here, once, so every output that shows a reviewer shows the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterable

import pandas as pd
from babel import Locale

from feedgen.diagnostics import Diagnostic, Severity
from feedgen.errors import InputError
from feedgen.load.csvfile import read_table
from feedgen.text import strip_html

FILE_NAME = "reviews.csv"  # in DATA, optional
REQUIRED_COLUMNS = ("review_id", "style_id", "rating", "text", "review_time", "country")
OPTIONAL_COLUMNS = ("sku", "title", "reviewer_name", "reviewer_anonymous", "language", "collection_method", "is_spam")
COLLECTION_METHODS = ("unsolicited", "post_fulfillment")  # Google's collectionMethodType (XSD 2.2)
ANONYMOUS = "Anonymous"  # the name Google's sample feed gives an anonymous reviewer

# The frame's columns, in order: what every output of a review reads.
COLUMNS = ("review_id", "source_row", "style_id", "sku", "rating", "title", "text", "reviewer", "anonymous",
           "time", "language", "country", "collection_method")

_TRUE = frozenset({"true", "yes", "1", "y"})
_FALSE = frozenset({"false", "no", "0", "n", ""})
_COUNTRIES = frozenset(str(code) for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", str(code)))
_LANGUAGES = frozenset(str(code) for code in Locale("en").languages if re.fullmatch(r"[a-z]{2,3}", str(code)))
# ISO 8601 date and time with seconds and a UTC offset (or Z): an offset-less time is a different
# instant in every market, so it is refused rather than guessed.
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")

# Contact details Google's policy forbids in review content (GMC 6098512). Deliberately broad: a
# review left out by mistake costs one review, one published with a phone number costs eligibility.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"(?i)\b(https?://|www\.)\S+|\b[\w-]+(\.[\w-]+)*\.(com|net|org|example|no|se|dk|fi|de|nl|uk|io)"
                  r"(/\S*)?\b")
_PHONE = re.compile(r"(?<![\w])(\+|00)?\d[\d ()./-]{6,}\d(?![\w])")
_DATE = re.compile(r"\d{4}-\d\d-\d\d|\d\d?[./-]\d\d?[./-]\d{2,4}")  # 2026-01-14, 14.01.2026: not phones
# Surname particles kept before the initial ("Lotte van den B."): in Dutch and German the particle
# belongs to the surname, and the initial of "van" would say nothing.
PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la", "ten", "ter",
                       "te", "zu", "af", "av", "'t", "op"})


@dataclass
class Reviews:
    path: Path
    items: pd.DataFrame  # one row per publishable review, COLUMNS; sorted by review_id
    diagnostics: list[Diagnostic]


def short_name(name: str) -> str:
    """A reviewer's full name as Google's policy allows it: the first given name and the surname's
    initial ("Kari Nilsen" -> "Kari N.", "Mary Ellen Carter" -> "Mary C.", "Anne-Lise Strand" ->
    "Anne-Lise S.", "Siobhan O'Neill" -> "Siobhan O."), lower-case particles before the surname kept
    ("Lotte van den Berg" -> "Lotte van den B."). A one-word name (a nickname) is published as given."""
    words = name.split()
    if len(words) < 2:
        return name.strip()
    surname = words[-1]
    particles: list[str] = []
    for word in reversed(words[1:-1]):
        if word not in PARTICLES:
            break
        particles.insert(0, word)
    letter = next((char for char in surname if char.isalpha()), surname[0])
    return " ".join([words[0], *particles, letter.upper() + "."])


def contact_details(text: str) -> str:
    """Which kind of contact detail the text holds ('email', 'url', 'phone'), or ''."""
    for kind, pattern in (("email", _EMAIL), ("url", _URL)):
        if pattern.search(text):
            return kind
    for match in _PHONE.finditer(text):  # eight digits or more that are not a date (Nordic numbers have eight)
        number = match.group()
        if sum(char.isdigit() for char in number) >= 8 and not _DATE.fullmatch(number.strip()):
            return "phone"
    return ""


def _flag(frame: pd.DataFrame, mask: pd.Series, rule: str, severity: Severity, field: str, message: str,
          diagnostics: list[Diagnostic]) -> None:
    """One diagnostic per flagged review, naming its id and row; `message` may use {value}."""
    for review_id, row, sku, value in frame.loc[mask, ["review_id", "source_row", "sku_or_style", field]].itertuples(
            index=False):
        text = f"review {review_id!r} (row {row}): " + message.format(value=value)
        diagnostics.append(Diagnostic(rule, severity, text, sku=sku, field=field))


def _boolean(frame: pd.DataFrame, column: str, safe: bool, diagnostics: list[Diagnostic]) -> pd.Series:
    """true/false (yes/no, 1/0); an unreadable flag takes the `safe` value (spam: left out;
    anonymous: no name), with a warning."""
    words = frame[column].str.lower()
    unreadable = ~words.isin(_TRUE | _FALSE)
    _flag(frame, unreadable, f"reviews.{column}.invalid", "warning", column,
          f"{column} {{value!r}} is not true or false; treated as {str(safe).lower()}", diagnostics)
    return words.isin(_TRUE) | (unreadable & safe)


def load_reviews(path: str | Path, as_of: date | None = None) -> Reviews:
    """The reviews a channel or page may publish on `as_of` (the build date), with a diagnostic for every
    review left out or changed."""
    path = Path(path)
    frame = read_table(path, set(REQUIRED_COLUMNS), "a reviews CSV file")
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[["source_row", *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]].copy()
    ids = frame["review_id"]
    twice = ids.ne("") & ids.duplicated(keep="first")
    if twice.any():
        row = int(frame.loc[twice, "source_row"].iloc[0])
        raise InputError(path, f"duplicate review_id {ids[twice].iloc[0]!r}: a review id must be permanent and unique "
                         "(Google replaces a review by its id)", row=row, column="review_id")
    frame["sku_or_style"] = frame["sku"].where(frame["sku"].ne(""), frame["style_id"])
    diagnostics: list[Diagnostic] = []
    left_out = pd.Series(False, index=frame.index)

    def flag(mask: pd.Series, rule_id: str, field: str, message: str, severity: Severity = "error") -> None:
        """Leave the flagged reviews out, one diagnostic each (a review already left out gets no more)."""
        nonlocal left_out
        _flag(frame, mask & ~left_out, rule_id, severity, field, message, diagnostics)
        left_out = left_out | mask

    spam = _boolean(frame, "is_spam", True, diagnostics)
    # Spam first and alone: nothing else about a spam review is worth a line, and it is never published.
    flag(spam, "reviews.spam", "is_spam", "marked as spam: left out of every output", "info")
    for column in REQUIRED_COLUMNS:
        flag(frame[column].eq(""), f"reviews.{column}.missing", column, f"{column} is empty; the review is left out")

    rating = pd.to_numeric(frame["rating"], errors="coerce")
    bad_rating = frame["rating"].ne("") & ~(rating.between(1, 5) & (rating % 1 == 0))
    flag(bad_rating, "reviews.rating.invalid", "rating", "rating {value!r} is not a whole number from 1 to 5")
    frame["rating"] = rating.where(~bad_rating & rating.notna(), 0).astype("int64")

    timestamps = frame["review_time"].map(_timestamp)
    flag(frame["review_time"].ne("") & timestamps.isna(), "reviews.review_time.invalid", "review_time",
           "review_time {value!r} is not an ISO 8601 time with a UTC offset, e.g. 2026-01-14T19:32:05+01:00")
    if as_of is not None:  # its date where it was written: 23:30 on the 6th in New York is the 6th, not the 7th
        future = timestamps.map(lambda moment: moment is not None and moment.date() > as_of)
        flag(future.astype(bool), "reviews.review_time.future", "review_time",
             f"review_time {{value!r}} is after the build date {as_of.isoformat()}; the review is left out until then",
             "warning")
    frame["time"] = frame["review_time"]

    frame["country"] = frame["country"].str.upper()
    flag(frame["country"].ne("") & ~frame["country"].isin(_COUNTRIES), "reviews.country.invalid", "country",
           "country {value!r} is not an ISO 3166 alpha-2 code (GB, not UK)")
    frame["language"] = frame["language"].str.lower()
    unknown_language = frame["language"].ne("") & ~frame["language"].isin(_LANGUAGES)
    _flag(frame, unknown_language & ~left_out, "reviews.language.invalid", "warning", "language",
          "language {value!r} is not an ISO 639 code (nb, sv, de …); sent without a language", diagnostics)
    frame.loc[unknown_language, "language"] = ""
    methods = frame["collection_method"].str.lower()
    unknown_method = methods.ne("") & ~methods.isin(COLLECTION_METHODS)
    _flag(frame, unknown_method & ~left_out, "reviews.collection_method.invalid", "warning", "collection_method",
          "collection_method {value!r} is not one of " + ", ".join(COLLECTION_METHODS) + "; left out", diagnostics)
    frame["collection_method"] = methods.where(~unknown_method, "")

    for column in ("title", "text"):
        markup = frame[column].str.contains("<", regex=False)
        plain = frame.loc[markup, column].map(_plain)
        changed = plain.ne(frame.loc[markup, column])
        _flag(frame, (markup & changed.reindex(frame.index, fill_value=False)) & ~left_out,
              f"reviews.{column}.html", "warning", column, "HTML markup was removed (reviews are sent as plain text)",
              diagnostics)
        frame.loc[markup, column] = plain
    flag(frame["text"].str.strip().eq("") & ~left_out, "reviews.text.missing", "text",
           "text is empty once HTML is removed; the review is left out")
    # A warning, not an error: the review is withheld as moderation would withhold it, and nothing in the
    # catalogue or the feeds is wrong (an error would fail every build over one customer's sentence).
    for column in ("title", "text"):
        kinds = frame[column].map(contact_details)
        for kind, what in (("email", "an e-mail address"), ("url", "a link"), ("phone", "a phone number")):
            flag(kinds.eq(kind), f"reviews.{column}.{kind}", column,
                   f"{column} contains {what}, which Google's review policy forbids (GMC 6098512); the review is "
                   "left out rather than edited: fix it in the review system if the customer agrees", "warning")

    anonymous = _boolean(frame, "reviewer_anonymous", True, diagnostics) | frame["reviewer_name"].eq("")
    frame["anonymous"] = anonymous
    frame["reviewer"] = frame["reviewer_name"].map(short_name).where(~anonymous, ANONYMOUS)

    items = frame.loc[~left_out, list(COLUMNS)].sort_values("review_id", kind="stable").reset_index(drop=True)
    return Reviews(path=path, items=items, diagnostics=diagnostics)


def _timestamp(text: str) -> datetime | None:
    if not _TIME.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:  # 2026-02-30T…: the shape is right, the day is not
        return None


def _plain(text: str) -> str:
    """Review text without markup; a <script>'s code goes with its element (lxml drops it in
    strip_html only as text, so it is removed first)."""
    return strip_html(re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text)).strip()


def match_offers(reviews: pd.DataFrame, skus: Iterable[str], styles: Iterable[str],
                 market: str = "") -> tuple[pd.DataFrame, list[Diagnostic]]:
    """The reviews whose product is among `skus`/`styles` (a market's offers), and a warning for each
    that is not. A review of a SKU no longer sold but of a style still sold stays, for the style (the
    customer reviewed the product; the ratings count for its item group); a review of an unknown style
    is left out (nothing to attach it to)."""
    skus, styles = set(skus), set(styles)
    diagnostics: list[Diagnostic] = []
    unknown_style = ~reviews["style_id"].isin(styles)
    unknown_sku = ~unknown_style & reviews["sku"].ne("") & ~reviews["sku"].isin(skus)
    for review in reviews.loc[unknown_style, ["review_id", "source_row", "style_id", "sku"]].itertuples(index=False):
        review_id, row, style, sku = (str(value) for value in review)
        diagnostics.append(Diagnostic(
            "reviews.style_id.unknown", "warning",
            f"review {review_id!r} (row {row}): style {style!r} is not in the catalogue"
            f"{' of market ' + market if market else ''}; the review is left out "
            "(fix: correct style_id in reviews.csv)",
            sku=sku or style, market=market, field="style_id"))
    for review in reviews.loc[unknown_sku, ["review_id", "source_row", "style_id", "sku"]].itertuples(index=False):
        review_id, row, style, sku = (str(value) for value in review)
        diagnostics.append(Diagnostic(
            "reviews.sku.unknown", "warning",
            f"review {review_id!r} (row {row}): sku {sku!r} is not in the catalogue"
            f"{' of market ' + market if market else ''}; the review is kept for its style {style!r}",
            sku=sku, market=market, field="sku"))
    kept = reviews.loc[~unknown_style].copy()
    kept.loc[unknown_sku[~unknown_style], "sku"] = ""
    return kept, diagnostics


def for_market(reviews: Reviews, country: str, skus: Iterable[str], styles: Iterable[str],
               market: str) -> tuple[pd.DataFrame, list[Diagnostic]]:
    """The reviews a market publishes: those written in its country about a style it sells. One rule for
    the market's review feed and its pages' ratings, so the stars Google shows and the page agree."""
    return match_offers(reviews.items.loc[reviews.items["country"].eq(country)], skus, styles, market)


def with_review_ratings(offers: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """`offers` with `rating` (mean, one decimal, half up) and `review_count` of each style that has
    reviews; a style without reviews keeps the catalogue's columns (issue #17)."""
    if reviews.empty:
        return offers
    counts = reviews.groupby("style_id")["rating"].agg(["sum", "count"])
    means = {str(style): float((Decimal(int(total)) / Decimal(int(count))).quantize(Decimal("0.1"), ROUND_HALF_UP))
             for style, total, count in counts.itertuples()}
    reviewed = offers["style_id"].isin(list(means))
    if not reviewed.any():
        return offers
    offers = offers.copy()
    offers["rating"] = offers["rating"].where(~reviewed, offers["style_id"].map(means)).astype("float64")
    number = offers["style_id"].map(counts["count"].to_dict())
    offers["review_count"] = offers["review_count"].where(~reviewed, number).astype("float64")
    return offers
