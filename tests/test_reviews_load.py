"""DATA/reviews.csv -> the reviews feedgen may publish (feedgen.load.reviews).

Content rules: Google Product Ratings policies, https://support.google.com/merchants/answer/6098512
(no spam, no e-mail addresses, phone numbers or URLs, no full names); collection methods and the
anonymous reviewer: Google's product review feed schema 2.2 (/work/shared/specs/google/product_reviews-2.2.xsd)
and sample (https://developers.google.com/product-review-feeds/sample). The sample's tricky rows are
tagged in its `note` column (tools/make_sample_reviews.py).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from feedgen.errors import InputError
from feedgen.load.reviews import for_market, load_reviews, match_offers, short_name, with_review_ratings

from .conftest import SAMPLE_DATA

HEADER = ["review_id", "style_id", "sku", "rating", "title", "text", "reviewer_name", "reviewer_anonymous",
          "review_time", "language", "country", "collection_method", "is_spam"]
GOOD = {"review_id": "x-1", "style_id": "AS-1001", "sku": "AS-1001-BRN-38", "rating": "5", "title": "Good",
        "text": "Warm and dry.", "reviewer_name": "Kari Nilsen", "reviewer_anonymous": "false",
        "review_time": "2026-01-14T19:32:05+01:00", "language": "nb", "country": "NO",
        "collection_method": "post_fulfillment", "is_spam": "false"}


def write(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def tagged(tag: str) -> list[str]:
    with (SAMPLE_DATA / "reviews.csv").open(encoding="utf-8", newline="") as handle:
        return [row["review_id"] for row in csv.DictReader(handle) if tag in row["note"].split(";")]


@pytest.fixture(scope="module")
def sample():
    return load_reviews(SAMPLE_DATA / "reviews.csv")


def rules(reviews) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for diagnostic in reviews.diagnostics:
        found.setdefault(diagnostic.rule_id, set()).add(diagnostic.message.split("'")[1])
    return found


def test_spam_is_left_out(sample) -> None:
    spam = set(tagged("spam"))
    assert len(spam) == 6
    assert not spam & set(sample.items["review_id"])
    assert rules(sample)["reviews.spam"] == spam


@pytest.mark.parametrize("tag, rule", [("tricky:email", "reviews.text.email"), ("tricky:phone", "reviews.text.phone"),
                                       ("tricky:url", "reviews.text.url")])
def test_contact_details_leave_the_review_out(sample, tag, rule) -> None:
    ids = set(tagged(tag))
    assert ids and rules(sample)[rule] == ids
    assert not ids & set(sample.items["review_id"])
    assert all(d.severity == "warning" for d in sample.diagnostics if d.rule_id == rule)  # withheld, not a data error


def test_no_other_review_is_left_out(sample) -> None:
    """Every ordinary review survives: the contact-detail patterns do not catch sizes, prices or dates."""
    with (SAMPLE_DATA / "reviews.csv").open(encoding="utf-8", newline="") as handle:
        ids = [row["review_id"] for row in csv.DictReader(handle)]
    out = {i for tag in ("spam", "tricky:email", "tricky:phone", "tricky:url") for i in tagged(tag)}
    assert list(sample.items["review_id"]) == sorted(set(ids) - out)


def test_html_is_stripped_with_its_script(sample) -> None:
    (review_id,) = tagged("tricky:html")
    text = sample.items.set_index("review_id").loc[review_id, "text"]
    assert text == "Supersköna skor! Passar perfekt."
    assert rules(sample)["reviews.text.html"] == {review_id}


def test_anonymous_reviews_publish_no_name(sample) -> None:
    items = sample.items.set_index("review_id")
    for review_id in tagged("tricky:anonymous_with_name"):
        assert items.loc[review_id, "anonymous"] and items.loc[review_id, "reviewer"] == "Anonymous"
    assert items.loc["de-0022", "reviewer"] == "Anonymous"  # no name given at all


@pytest.mark.parametrize("name, short", [
    ("Kari Nilsen", "Kari N."), ("Lotte van den Berg", "Lotte van den B."), ("Mary Ellen Carter", "Mary C."),
    ("Anne-Lise Strand", "Anne-Lise S."), ("Siobhan O'Neill", "Siobhan O."), ("Jeroen de Groot", "Jeroen de G."),
    ("Torbjørn Dahl", "Torbjørn D."), ("Madonna", "Madonna"), ("  Kari   Nilsen ", "Kari N."), ("kari øvre", "kari Ø."),
])
def test_short_name(name, short) -> None:
    assert short_name(name) == short


def test_sample_names_are_shortened(sample) -> None:
    named = sample.items.loc[~sample.items["anonymous"], "reviewer"]
    assert named.str.fullmatch(r"\S+( [a-z']+)* \w\.|\S+").all()
    assert sample.items.set_index("review_id").loc[tagged("case:name_particle")[0], "reviewer"] == "Lotte van den B."


def test_bad_rows_each_get_a_diagnostic_and_the_rest_is_kept(tmp_path) -> None:
    rows = [GOOD,
            {**GOOD, "review_id": "x-2", "rating": "6"},
            {**GOOD, "review_id": "x-3", "rating": "4.5"},
            {**GOOD, "review_id": "x-4", "review_time": "2026-01-14 19:32"},
            {**GOOD, "review_id": "x-5", "review_time": "2026-01-14T19:32:05"},  # no offset: which instant?
            {**GOOD, "review_id": "x-6", "country": "UK"},
            {**GOOD, "review_id": "x-7", "language": "norsk"},
            {**GOOD, "review_id": "x-8", "collection_method": "email"},
            {**GOOD, "review_id": "x-9", "is_spam": "maybe"},
            {**GOOD, "review_id": "x-10", "reviewer_anonymous": "perhaps"},
            {**GOOD, "review_id": "x-11", "text": "<p></p>"},
            {**GOOD, "review_id": "x-12", "title": "Mail me at kari@example.no"},
            {**GOOD, "review_id": "x-13", "text": "Ring meg på +47 912 34 567"},
            {**GOOD, "review_id": "", "text": "no id"},
            {**GOOD, "review_id": "x-14", "text": "Size 42, 1299 kr, bought 2026-01-14, 3 out of 5 stars."}]
    reviews = load_reviews(write(tmp_path / "reviews.csv", rows))
    found = {(d.rule_id, d.severity) for d in reviews.diagnostics}
    assert found == {("reviews.rating.invalid", "error"), ("reviews.review_time.invalid", "error"),
                     ("reviews.country.invalid", "error"), ("reviews.language.invalid", "warning"),
                     ("reviews.collection_method.invalid", "warning"), ("reviews.is_spam.invalid", "warning"),
                     ("reviews.spam", "info"), ("reviews.reviewer_anonymous.invalid", "warning"),
                     ("reviews.text.html", "warning"), ("reviews.text.missing", "error"),
                     ("reviews.title.email", "warning"),
                     ("reviews.text.phone", "warning"), ("reviews.review_id.missing", "error")}
    items = reviews.items.set_index("review_id")
    assert sorted(items.index) == ["x-1", "x-10", "x-14", "x-7", "x-8"]
    assert items.loc["x-7", "language"] == "" and items.loc["x-8", "collection_method"] == ""
    assert items.loc["x-10", "reviewer"] == "Anonymous"  # unreadable flag: the safe reading
    assert all("row " in d.message and "review " in d.message for d in reviews.diagnostics)


@pytest.mark.parametrize("rows, header, expected", [
    ([GOOD, GOOD], HEADER, "duplicate review_id 'x-1'"),
    ([GOOD], [c for c in HEADER if c != "rating"], "missing column(s) rating"),
])
def test_unusable_file_is_one_line(tmp_path, rows, header, expected) -> None:
    with pytest.raises(InputError) as raised:
        load_reviews(write(tmp_path / "reviews.csv", rows, header))
    assert expected in str(raised.value) and "reviews.csv" in str(raised.value) and "\n" not in str(raised.value)


def test_optional_columns_may_be_absent(tmp_path) -> None:
    required = ["review_id", "style_id", "rating", "text", "review_time", "country"]
    reviews = load_reviews(write(tmp_path / "reviews.csv", [GOOD], required))
    assert reviews.diagnostics == []
    assert reviews.items.loc[0, "reviewer"] == "Anonymous" and reviews.items.loc[0, "sku"] == ""


def test_unknown_products(sample) -> None:
    (unknown_style,) = tagged("tricky:unknown_style")
    (unknown_sku,) = tagged("tricky:unknown_sku")
    catalogue = list(csv.DictReader((SAMPLE_DATA / "catalogue.csv").open(encoding="utf-8", newline="")))
    kept, diagnostics = match_offers(sample.items, [r["sku"] for r in catalogue], [r["style_id"] for r in catalogue],
                                     "FI")
    assert unknown_style not in set(kept["review_id"])
    assert kept.set_index("review_id").loc[unknown_sku, "sku"] == ""  # kept for its style
    assert {(d.rule_id, d.message.split("'")[1]) for d in diagnostics} == {
        ("reviews.style_id.unknown", unknown_style), ("reviews.sku.unknown", unknown_sku)}
    assert all(d.severity == "warning" for d in diagnostics)


def test_review_ratings_replace_the_catalogues_per_style(tmp_path) -> None:
    """Mean rounded half up to one decimal (what pages show and JSON-LD states), count of reviews; a style
    without reviews keeps the catalogue's rating and count."""
    rows = [{**GOOD, "review_id": f"r-{n}", "style_id": style, "sku": "", "rating": rating}
            for n, (style, rating) in enumerate([("A", "4"), ("A", "5"), ("A", "5"), ("A", "5"), ("B", "4"),
                                                 ("B", "4"), ("B", "5"), ("C", "1")])]
    reviews = load_reviews(write(tmp_path / "reviews.csv", rows))
    offers = pd.DataFrame({"sku": ["A-1", "A-2", "B-1", "D-1"], "style_id": ["A", "A", "B", "D"],
                           "rating": [3.0, 3.0, float("nan"), 4.6], "review_count": [10.0, 10.0, float("nan"), 868.0]})
    shown, diagnostics = for_market(reviews, "NO", offers["sku"], offers["style_id"], "NO")
    assert [d.rule_id for d in diagnostics] == ["reviews.style_id.unknown"]  # C is not sold
    rated = with_review_ratings(offers, shown)
    assert rated["rating"].tolist() == [4.8, 4.8, 4.3, 4.6]  # 4.75 -> 4.8 (half up), 4.33 -> 4.3, D: catalogue
    assert rated["review_count"].tolist() == [4.0, 4.0, 3.0, 868.0]
    assert offers["rating"].tolist()[:2] == [3.0, 3.0]  # the caller's frame is left alone
    assert with_review_ratings(offers, shown.iloc[0:0]) is offers


def test_a_review_dated_after_the_build_date_is_left_out_until_that_day(tmp_path) -> None:
    """The review's own date where it was written: 23:30 on the 6th in New York is the 6th (04:30 UTC on the
    7th); a build on the 6th publishes it, one on the 5th does not."""
    path = write(tmp_path / "reviews.csv", [
        {**GOOD, "review_id": "late", "review_time": "2026-12-06T23:30:00-05:00", "country": "US"},
        {**GOOD, "review_id": "now", "review_time": "2026-12-05T08:00:00+01:00"}])
    on_the_5th = load_reviews(path, date(2026, 12, 5))
    assert list(on_the_5th.items["review_id"]) == ["now"]
    (future,) = on_the_5th.diagnostics
    assert (future.rule_id, future.severity, future.field) == ("reviews.review_time.future", "warning", "review_time")
    assert "'late'" in future.message and "2026-12-05" in future.message
    assert list(load_reviews(path, date(2026, 12, 6)).items["review_id"]) == ["late", "now"]


def test_the_samples_future_review_is_not_published(sample) -> None:
    (review_id,) = tagged("tricky:future_time")
    dated = load_reviews(SAMPLE_DATA / "reviews.csv", date(2026, 12, 7))
    assert review_id not in set(dated.items["review_id"])
    assert review_id in rules(dated)["reviews.review_time.future"]
    assert review_id in set(sample.items["review_id"])  # without a build date nothing is judged
