"""Google product review feed: `google_reviews/<market>.xml`.

Specs: the schema page https://developers.google.com/product-review-feeds/schema (version 2.4 only; full
feeds), the 2.4 sample https://developers.google.com/product-review-feeds/sample (the order of the elements 2.3
and 2.4 added; anonymous reviewers), Google's XSD 2.2 (/work/shared/specs/google/product_reviews-2.2.xsd, published
at http://www.google.com/shopping/reviews/schema/product/2.2/product_reviews.xsd), GMC 7075038 (no
`deleted_reviews` in a full feed), GMC 6098512 (content policy) and GMC 14549080 (product_url on the account's
domain); facts and decisions in feedgen/channels/google_reviews/facts.py.
"""

from __future__ import annotations

import csv
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from feedgen.channels import read_markets
from feedgen.channels.google_reviews import GoogleReviewsChannel
from feedgen.channels.google_reviews.facts import VERSION
from feedgen.cli import main
from feedgen.publish.diff import diff_dirs

from ..conftest import AS_OF, GOLDEN, SAMPLE_DATA, copy_sample
from ..helpers import assert_golden, build_project
from ..pages.pagetools import jsonld, parse

XSD = Path("/work/shared/specs/google/product_reviews-2.2.xsd")
MARKETS = ("no", "se", "dk", "fi", "de", "nl", "gb", "us")
XS = "{http://www.w3.org/2001/XMLSchema}"
# What 2.3 and 2.4 added, as Google's 2.4 sample shows it: (element, its type, the 2.2 element it follows).
# All optional. The 2.4 .xsd is not reachable here; with it, schema_2_4() should load the file instead.
ADDED_IN_2_4 = (("is_verified_purchase", "xs:boolean", "reviewer"),
                ("is_incentivized_review", "xs:boolean", "is_verified_purchase"),
                ("review_language", "nonEmptyStringType", "content"),
                ("review_country", "nonEmptyStringType", "review_language"))


@cache
def schema_2_2() -> etree.XMLSchema:
    """Google's 2.2 file, untouched."""
    return etree.XMLSchema(etree.parse(str(XSD)))


@cache
def schema_2_4() -> etree.XMLSchema:
    """Google's 2.2 file with exactly the documented 2.4 changes: `version` fixed to 2.4 and the optional
    review elements of ADDED_IN_2_4 in the sample's order (asins is not written by feedgen, so not added)."""
    document = etree.parse(str(XSD))
    version = document.find(f".//{XS}element[@name='version']")
    version.set("fixed", "2.4")
    sequence = document.find(f"{XS}complexType[@name='reviewType']/{XS}sequence")
    for name, kind, after in ADDED_IN_2_4:
        anchor = sequence.find(f"{XS}element[@name='{after}']")
        anchor.addnext(etree.Element(f"{XS}element", name=name, type=kind, minOccurs="0"))
    return etree.XMLSchema(document)


def as_2_2(document: etree._ElementTree) -> etree._ElementTree:
    """The feed without what 2.4 added, declared as 2.2."""
    copy = etree.fromstring(etree.tostring(document)).getroottree()
    copy.find("version").text = "2.2"
    for name, _, _ in ADDED_IN_2_4:
        for element in copy.iter(name):
            element.getparent().remove(element)
    return copy


def with_reviews_channel(root: Path) -> Path:
    """The sample project, which has google_reviews on in every market."""
    project = copy_sample(root)
    markets = (project / "product_data" / "markets.toml").read_text(encoding="utf-8")
    assert markets.count('"google_reviews"') == len(MARKETS)
    return project


def sample_rows() -> list[dict[str, str]]:
    with (SAMPLE_DATA / "reviews.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def tagged(tag: str) -> list[dict[str, str]]:
    return [row for row in sample_rows() if tag in row["note"].split(";")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = with_reviews_channel(tmp_path_factory.mktemp("reviews"))
    result = build_project(project, channels=["google_reviews"], jobs=1)
    return project, result


def feed(project: Path, market: str) -> etree._ElementTree:
    return etree.parse(str(project / "output" / "google_reviews" / f"{market}.xml"))


def reviews(project: Path, market: str) -> dict[str, etree._Element]:
    return {review.findtext("review_id"): review for review in feed(project, market).iter("review")}


def all_reviews(project: Path) -> dict[str, etree._Element]:
    return {key: value for market in MARKETS for key, value in reviews(project, market).items()}


@pytest.mark.parametrize("market", MARKETS)
def test_every_feed_validates_against_googles_xsd(built, market) -> None:
    """Version 2.4 (the only one Google accepts): valid against 2.2 plus the 2.4 additions, and, with the
    additions taken out, against Google's 2.2 file as it is."""
    project, _ = built
    document = feed(project, market)
    assert schema_2_4().validate(document), schema_2_4().error_log
    assert schema_2_2().validate(as_2_2(document)), schema_2_2().error_log
    assert not schema_2_2().validate(document)  # the 2.4 version and elements are really there
    assert document.findtext("version") == VERSION == "2.4"
    assert document.getroot().get("{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation").endswith(
        "/2.4/product_reviews.xsd")
    assert document.find("deleted_reviews") is None  # a full feed (GMC 7075038)
    for review in document.iter("review"):
        assert review.findtext("review_country") == market.upper()
        assert review.findtext("review_language")


def test_the_derived_2_4_schema_still_checks_order_and_types() -> None:
    """The derivation adds optional elements, it does not loosen the schema: a 2.4 element out of the sample's
    order, or a bad boolean, is still refused."""
    def review(*extra: str) -> bytes:
        return ("<feed><version>2.4</version><publisher><name>P</name></publisher><reviews><review>"
                "<reviewer><name>Kari N.</name></reviewer>" + "".join(extra[:1]) +
                "<review_timestamp>2026-01-14T19:32:05+01:00</review_timestamp><content>Good</content>"
                + "".join(extra[1:]) + "<review_url type='group'>https://a.example/p</review_url>"
                "<ratings><overall min='1' max='5'>5</overall></ratings>"
                "<products><product><product_url>https://a.example/p</product_url></product></products>"
                "</review></reviews></feed>").encode()
    good = review("<is_verified_purchase>true</is_verified_purchase>", "<review_language>nb</review_language>",
                  "<review_country>NO</review_country>")
    assert schema_2_4().validate(etree.fromstring(good).getroottree()), schema_2_4().error_log
    swapped = review("", "<review_country>NO</review_country>", "<review_language>nb</review_language>")
    assert not schema_2_4().validate(etree.fromstring(swapped).getroottree())
    assert not schema_2_4().validate(etree.fromstring(review("<is_verified_purchase>maybe</is_verified_purchase>"))
                                     .getroottree())


def test_golden(built) -> None:
    project, _ = built
    assert_golden(project / "output" / "google_reviews" / "nl.xml", GOLDEN / "google_reviews" / "nl.xml")


def test_each_market_has_its_countrys_reviews_on_its_own_domain(built) -> None:
    """One feed per market: product URLs must be on the receiving account's domain (GMC 14549080)."""
    project, _ = built
    config = read_markets(project / "product_data" / "markets.toml")
    countries = {row["review_id"]: row["country"] for row in sample_rows()}
    for market in MARKETS:
        domain = re.match(r"https://[^/]+/", config.markets[market.upper()].storefront_url).group()
        for review_id, review in reviews(project, market).items():
            assert countries[review_id] == market.upper()
            assert review.findtext("review_url").startswith(domain)
            assert review.findtext("products/product/product_url").startswith(domain)


def test_spam_and_policy_breaking_reviews_are_left_out(built) -> None:
    project, result = built
    published = all_reviews(project)
    out = [row["review_id"] for tag in ("spam", "tricky:email", "tricky:phone", "tricky:url", "tricky:unknown_style")
           for row in tagged(tag)]
    assert len(out) == 10 and not set(out) & set(published)
    # written after the build date (the sample's reviews run to December 2026, the tests build on AS_OF)
    later = {row["review_id"] for row in sample_rows() if row["review_time"][:10] > AS_OF.isoformat()}
    assert tagged("tricky:future_time")[0]["review_id"] in later and not later & set(published)
    assert set(published) == {row["review_id"] for row in sample_rows()} - set(out) - later  # nothing else is lost
    words = " ".join(element.text for review in published.values() for element in review
                     if element.tag in ("title", "content"))
    for fragment in ("www.", "http", "@example", "987 65 432", "<script", "alert("):
        assert fragment not in words
    assert {d.rule_id for d in result.diagnostics if d.severity == "info"} >= {"reviews.spam"}


def test_names_are_shortened(built) -> None:
    project, _ = built
    published = all_reviews(project)
    names = {review_id: review.findtext("reviewer/name") for review_id, review in published.items()}
    assert names[tagged("case:name_particle")[0]["review_id"]] == "Lotte van den B."
    assert names[tagged("case:double_first_name")[0]["review_id"]] == "Mary C."
    text = b"".join((project / "output" / "google_reviews" / f"{m}.xml").read_bytes() for m in MARKETS).decode()
    for row in sample_rows():
        if row["review_id"] in published and len(row["reviewer_name"].split()) > 1:
            assert row["reviewer_name"] not in text  # no full name anywhere (GMC 6098512)


def test_anonymous_reviews_carry_no_name(built) -> None:
    project, _ = built
    published = all_reviews(project)
    text = b"".join((project / "output" / "google_reviews" / f"{m}.xml").read_bytes() for m in MARKETS).decode()
    for row in tagged("tricky:anonymous_with_name"):
        name = published[row["review_id"]].find("reviewer/name")
        assert (name.get("is_anonymous"), name.text) == ("true", "Anonymous")  # Google's sample
        assert row["reviewer_name"].split()[-1] not in text
    assert all(n.get("is_anonymous") == "false" for r in published.values() for n in r.iterfind("reviewer/name")
               if n.text != "Anonymous")


def test_a_review_of_a_sku_no_longer_sold_counts_for_its_style(built) -> None:
    project, result = built
    (row,) = tagged("tricky:unknown_sku")
    review = reviews(project, row["country"].lower())[row["review_id"]]
    skus = [sku.text for sku in review.iterfind("products/product/product_ids/skus/sku")]
    assert skus and all(sku.startswith(row["style_id"] + "-") for sku in skus) and row["sku"] not in skus
    found = {(d.rule_id, d.sku, d.severity) for d in result.diagnostics}
    assert ("reviews.sku.unknown", row["sku"], "warning") in found
    (unknown,) = tagged("tricky:unknown_style")
    assert any(d.rule_id == "reviews.style_id.unknown" and unknown["review_id"] in d.message
               for d in result.diagnostics)


def test_product_identifiers_are_the_styles_variants_in_the_market(built) -> None:
    """GTINs (Google matches mostly by GTIN, GMC 6059553), MPNs with the brand, SKUs; the reviewed SKU's page."""
    project, _ = built
    with (project / "product_data" / "catalogue.csv").open(encoding="utf-8", newline="") as handle:
        catalogue = list(csv.DictReader(handle))
    row = next(r for r in sample_rows() if r["review_id"] == "nl-0010")
    review = reviews(project, "nl")[row["review_id"]]
    style = [item for item in catalogue if item["style_id"] == row["style_id"]]
    assert {g.text for g in review.iterfind(".//gtin")} <= {item["gtin"] for item in style}
    assert [s.text for s in review.iterfind(".//sku")] == sorted(item["sku"] for item in style)
    assert [b.text for b in review.iterfind(".//brand")] == ["Alfa Sko"]
    assert review.findtext(".//product_url").endswith(f"variant={row['sku']}")
    assert review.find("ratings/overall").attrib == {"min": "1", "max": "5"}
    assert review.findtext("ratings/overall") == row["rating"]
    assert review.findtext("review_timestamp") == row["review_time"]
    assert review.findtext("collection_method") == row["collection_method"]


def test_fewer_than_50_reviews_is_a_warning_per_market(built) -> None:
    _, result = built
    assert {d.market for d in result.diagnostics if d.rule_id == "google_reviews.reviews.too_few"} == {
        m.upper() for m in MARKETS}


def test_a_deleted_review_disappears_from_the_next_full_feed(tmp_path) -> None:
    """Google deletes what the next full feed leaves out (schema page); the full feed does not use
    <deleted_reviews> (GMC 7075038). reviews.csv is an input: the incremental build notices the change."""
    project = with_reviews_channel(tmp_path)
    build_project(project, channels=["google_reviews"], jobs=1)
    assert "no-0001" in reviews(project, "no")
    path = project / "product_data" / "reviews.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("no-0001,")), encoding="utf-8")
    result = build_project(project, channels=["google_reviews"], jobs=1)
    assert "no-0001" not in reviews(project, "no") and "no-0002" in reviews(project, "no")
    assert feed(project, "no").find("deleted_reviews") is None
    assert "google_reviews/no.xml" not in result.reused
    assert GoogleReviewsChannel.read_items(project / "output" / "google_reviews" / "no.xml").keys() == set(
        reviews(project, "no"))


def test_without_reviews_csv_no_feed_and_one_warning(tmp_path) -> None:
    project = with_reviews_channel(tmp_path)
    (project / "product_data" / "reviews.csv").unlink()
    result = build_project(project, channels=["google_reviews"], market_ids=["NO"], jobs=1)
    assert not (project / "output" / "google_reviews").exists()
    found = [d.rule_id for d in result.diagnostics if d.channel == "google_reviews"]
    assert found == ["google_reviews.reviews.no_file"]


def test_a_market_without_reviews_gets_no_empty_feed(tmp_path) -> None:
    """An empty full feed would delete every review Google holds: no file, a warning."""
    project = with_reviews_channel(tmp_path)
    path = project / "product_data" / "reviews.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + "".join(line for line in lines[1:] if line.startswith("se-")), encoding="utf-8")
    result = build_project(project, channels=["google_reviews"], market_ids=["NO", "SE"], jobs=1)
    assert sorted(p.name for p in (project / "output" / "google_reviews").iterdir()) == ["se.xml"]
    assert [(d.rule_id, d.market) for d in result.diagnostics if d.rule_id == "google_reviews.reviews.none"] == [
        ("google_reviews.reviews.none", "NO")]


def test_an_unusable_reviews_file_is_one_line_and_exit_2(tmp_path) -> None:
    project = with_reviews_channel(tmp_path)
    path = project / "product_data" / "reviews.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines) + lines[1], encoding="utf-8")  # the first review again
    result = CliRunner().invoke(main, ["build", "--data", str(project / "product_data"), "-o",
                                       str(project / "output"), "--as-of", AS_OF.isoformat(), "-c", "google_reviews"])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "reviews.csv" in errors[0] and "duplicate review_id 'de-0001'" in errors[0]
    assert "Traceback" not in result.output and not (project / "output" / "google_reviews").exists()


def test_reviews_from_a_country_without_a_market(tmp_path) -> None:
    project = with_reviews_channel(tmp_path)
    path = project / "product_data" / "reviews.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",da,DK,", ",da,GL,"), encoding="utf-8")
    result = build_project(project, channels=["google_reviews"], market_ids=["NO"], jobs=1)
    found = [d for d in result.diagnostics if d.rule_id == "google_reviews.country.no_market"]
    greenlandic = [row for row in sample_rows() if row["country"] == "DK" and row["language"] == "da"
                   and row["review_time"][:10] <= AS_OF.isoformat() and not row["note"].startswith("spam")]
    assert len(found) == 1 and found[0].message.startswith(f"{len(greenlandic)} review(s) from GL")


def test_diff_and_manifest_count_reviews(tmp_path) -> None:
    """`feedgen diff` and the manifest read the feed back by review id (read_items)."""
    project = with_reviews_channel(tmp_path)
    build_project(project, channels=["google_reviews"], market_ids=["NO"], jobs=1)
    old = project / "old"
    (project / "output").rename(old)
    path = project / "product_data" / "reviews.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("no-0001,", "no-9001,"), encoding="utf-8")
    build_project(project, channels=["google_reviews"], market_ids=["NO"], jobs=1)
    [changed] = [f for f in diff_dirs(old, project / "output").files if f.channel == "google_reviews"]
    assert (changed.market, changed.added, changed.removed) == ("NO", ["no-9001"], ["no-0001"])
    assert changed.before == changed.after == len(reviews(project, "no"))


def test_parallel_build_writes_the_same_bytes(built, tmp_path) -> None:
    """Reviews are read once in the building process; forked market workers share them."""
    project, _ = built
    other = with_reviews_channel(tmp_path)
    build_project(other, channels=["google_reviews"], jobs=2)
    for market in MARKETS:
        relative = Path("output") / "google_reviews" / f"{market}.xml"
        assert (other / relative).read_bytes() == (project / relative).read_bytes(), market


def test_the_channel_reads_only_the_offer_columns_it_declares(built, tmp_path, monkeypatch) -> None:
    """As tests/test_offer_schema.py does for the sample's channels (the sample does not turn this one on)."""
    project, _ = built

    def narrowed(method):
        original = getattr(GoogleReviewsChannel, method)
        position = 0 if method == "prepare" else 1

        def restricted(self, *args, **kwargs):
            offers = args[position]
            keep = [column for column in offers.offers.columns if column in GoogleReviewsChannel.reads]
            view = type(offers)(offers.market, offers.offers[keep], offers.diagnostics, offers.excluded,
                                offers.reported)
            return original(self, *args[:position], view, *args[position + 1:], **kwargs)
        return restricted

    for method in ("prepare", "write"):
        monkeypatch.setattr(GoogleReviewsChannel, method, narrowed(method))
    other = with_reviews_channel(tmp_path)
    build_project(other, channels=["google_reviews"], jobs=1)
    for market in MARKETS:
        relative = Path("output") / "google_reviews" / f"{market}.xml"
        assert (other / relative).read_bytes() == (project / relative).read_bytes(), market


@pytest.mark.parametrize("market", ["no", "de", "us"])
def test_pages_rate_a_style_with_the_reviews_of_its_market_feed(tmp_path, market) -> None:
    """One rule for feed, page and JSON-LD (issue #17): a landing page's aggregateRating and visible stars are
    the mean and count of the style's reviews in the market's review feed; without reviews, the catalogue's."""
    project = with_reviews_channel(tmp_path)
    build_project(project, channels=["google_reviews"], market_ids=[market.upper()], jobs=1)
    by_style: dict[str, list[int]] = {}
    for review in reviews(project, market).values():
        style = review.findtext(".//sku").rsplit("-", 2)[0]
        by_style.setdefault(style, []).append(int(review.findtext("ratings/overall")))
    root = parse(project / "output" / "pages" / market / "winter-boots.html")
    groups = jsonld(root)
    assert groups
    for group in groups:
        style = group["productGroupID"]
        rating = group["aggregateRating"]
        if style in by_style:
            ratings = by_style[style]
            expected = float((Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.1"), ROUND_HALF_UP))
            assert (rating["ratingValue"], rating["reviewCount"]) == (expected, len(ratings)), style
        else:  # the catalogue's columns (sample: hundreds of reviews)
            assert rating["reviewCount"] > 50, style
        stars = root.xpath(f'//article[@id="{style}"]//p[@class="rating"]/span[@class="stars"]/@style')
        assert stars == [f"--rating: {rating['ratingValue']}"], style


def test_an_incremental_build_rerates_pages_when_reviews_change(tmp_path) -> None:
    """reviews.csv is in every market's key (a registered channel's `inputs`), so pages are not reused."""
    project = copy_sample(tmp_path)  # the sample as it is: pages only, no review feed
    build_project(project, market_ids=["NO"], jobs=1)
    page = project / "output" / "pages" / "no" / "winter-boots.html"
    before = {g["productGroupID"]: g["aggregateRating"] for g in jsonld(parse(page))}
    assert before["AS-1005"] == {"@type": "AggregateRating", "ratingValue": 4.0, "reviewCount": 2, "bestRating": 5}
    path = project / "product_data" / "reviews.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("no-0008,AS-1005,AS-1005-SND-39,3,",
                                                             "no-0008,AS-1005,AS-1005-SND-39,4,"), encoding="utf-8")
    result = build_project(project, market_ids=["NO"], jobs=1)
    assert "pages/no/winter-boots.html" not in result.reused
    after = {g["productGroupID"]: g["aggregateRating"] for g in jsonld(parse(page))}
    assert after["AS-1005"]["ratingValue"] == 4.5 and after["AS-1006"] == before["AS-1006"]


@pytest.mark.parametrize("market", ["no", "de", "us"])
def test_pages_quote_a_few_of_the_markets_reviews_and_mark_up_exactly_those(tmp_path, market) -> None:
    """A few reviews in the market's language are shown and marked up as schema.org `review` (issue #17):
    named reviewers only (a Review needs an author), best rated first then newest, at most three a style,
    each one in the market's review feed, and the JSON-LD holds exactly the quoted ones."""
    project = with_reviews_channel(tmp_path)
    build_project(project, channels=["google_reviews"], market_ids=[market.upper()], jobs=1)
    published = reviews(project, market)
    language = read_markets(project / "product_data" / "markets.toml").markets[market.upper()].language
    root = parse(project / "output" / "pages" / market / "winter-boots.html")
    quoted_somewhere = False
    for group in jsonld(root):
        style = group["productGroupID"]
        candidates = sorted(
            (review for review in published.values() if review.findtext(".//sku").startswith(style + "-")
             and review.findtext("review_language") == language
             and review.find("reviewer/name").get("is_anonymous") == "false"),
            key=lambda review: (-int(review.findtext("ratings/overall")),
                                _instant(review.findtext("review_timestamp")), review.findtext("review_id")))
        expected = [(review.findtext("reviewer/name"), int(review.findtext("ratings/overall")),
                     review.findtext("content")) for review in candidates[:3]]
        figures = root.xpath(f'//article[@id="{style}"]//figure[@class="quote"]')
        shown = [(figure.findtext("figcaption").split(" · ")[0], int(figure.xpath('.//span[@class="stars"]/@style')[0]
                  .split(": ")[1]), figure.findtext("blockquote/p")) for figure in figures]
        assert shown == expected, style
        marked = [(item["author"]["name"], item["reviewRating"]["ratingValue"], item["reviewBody"])
                  for item in group.get("review", [])]
        assert marked == expected, style
        for item in group.get("review", []):
            assert item["@type"] == "Review" and item["reviewRating"]["bestRating"] == 5
        quoted_somewhere = quoted_somewhere or bool(expected)
    assert quoted_somewhere


def _instant(text: str) -> float:
    from datetime import datetime
    return -datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()  # newest first


def test_a_feed_over_the_limit_goes_in_numbered_parts_each_a_valid_feed(tmp_path) -> None:
    """One XML file must not exceed 100 MB (GMC 7075038): over the limit (here lowered by the setting) the feed
    is written as google_reviews/<market>-001.xml …, each part a complete, valid feed, together every review."""
    from .test_parts import set_limit
    whole = with_reviews_channel(tmp_path / "whole")
    build_project(whole, channels=["google_reviews"], market_ids=["NL"], jobs=1)
    expected = reviews(whole, "nl")
    split = with_reviews_channel(tmp_path / "split")
    set_limit(split, "google_reviews", 20_000)
    result = build_project(split, channels=["google_reviews"], market_ids=["NL"], jobs=1)
    folder = split / "output" / "google_reviews"
    parts = sorted(path.name for path in folder.iterdir())
    assert len(parts) > 1 and parts == [f"nl-{n:03d}.xml" for n in range(1, len(parts) + 1)]
    found: dict[str, str] = {}
    for name in parts:
        path = folder / name
        assert path.stat().st_size <= 20_000
        document = etree.parse(str(path))
        assert schema_2_4().validate(document), schema_2_4().error_log
        for review in document.iter("review"):
            found[review.findtext("review_id")] = etree.tostring(review)
    assert found == {key: etree.tostring(value) for key, value in expected.items()}
    assert sum(a.items for a in result.artifacts if a.channel == "google_reviews") == len(expected)
