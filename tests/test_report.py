"""report.html (self-contained, escaped, grid + rules + diff) and the JUnit XML for CI."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree, html

from feedgen.channels import Artifact
from feedgen.diagnostics import Diagnostic, Diagnostics
from feedgen.publish.gate import GateResult
from feedgen.publish.junit import junit_xml
from .publishing_helpers import build, edit_catalogue, small_project


def page(project: Path) -> html.HtmlElement:
    return html.fromstring((project / "output" / "report.html").read_bytes())


def test_report_is_self_contained(small_built: Path) -> None:
    project = small_built
    document = page(project)
    assert document.xpath("//script | //link | //img | //iframe | //object | //@src") == []
    hrefs = document.xpath("//a/@href")
    assert hrefs and all(h.startswith("./") and "//" not in h for h in hrefs)
    for href in hrefs:
        assert (project / "output" / href).is_file()


def test_report_grid_rules_and_changes(small_built: Path) -> None:
    project = small_built
    assert "No previous build in this output directory" in page(project).text_content()

    def changes(rows):
        rows[0]["price"] = "2999.00"
        rows[1]["gtin"] = "7094512010002"  # an error: left out of every feed
        rows[2]["sku"] = "AS-<b>bold</b>"  # untrusted text must come out escaped
        rows[2]["gtin"] = "123"
        return rows

    edit_catalogue(project, changes)
    result = build(project)
    assert result.exit_code == 1, result.output
    raw = (project / "output" / "report.html").read_text()
    assert "<b>bold</b>" not in raw and "AS-&lt;b&gt;bold&lt;/b&gt;" in raw
    document = page(project)
    text = document.text_content()

    grid = document.xpath("//h2[.='Markets × channels']/following::table[1]")[0]
    header = [th.text_content() for th in grid.xpath("tr[1]/th")]
    assert header == ["Market", "google", "meta", "amazon", "pinterest", "tiktok", "google_reviews", "google_promotions",
                      "pages", "Market data"]
    rows = {tr.xpath("th")[0].text_content().split()[0]: [td.text_content() for td in tr.xpath("td")]
            for tr in grid.xpath("tr[position() > 1]")}
    assert list(rows) == ["NO", "SE", "DK", "FI", "DE", "NL", "GB", "US"]
    assert rows["NO"][0].startswith("55 items")  # 57 rows, 2 left out of Google for their GTIN errors
    assert rows["NO"][1].startswith("57 items")  # Meta does not need a GTIN: its country feed keeps them
    assert rows["NO"][2] == "—" and rows["DE"][2].startswith("55 items")  # Amazon: DE and US only, GTIN required
    assert rows["NO"][3] == "—" and rows["DE"][3].startswith("57 items")  # Pinterest: not in the Nordics, no GTIN needed
    assert rows["NL"][4] == "—" and rows["GB"][4].startswith("57 items")  # TikTok: DE, GB and US
    assert rows["NO"][5].startswith("4 items")  # reviews of the small catalogue's styles written in Norway
    assert rows["DE"][6].startswith("no file")  # no hero style of the promotion in the small catalogue

    rules = document.xpath("//h2[.='Diagnostics by rule']/following::table[1]")[0]
    gtin = [tr for tr in rules.xpath("tr") if "catalogue.gtin.invalid" in tr.text_content()][0]
    cells = [td.text_content() for td in gtin.xpath("td")]
    assert cells[0] == "error" and cells[2] == "2"
    assert cells[3] == "2"  # SKUs
    assert "AS-1001-BRN-37" in cells[5] and "AS-<b>bold</b>" in cells[5]

    assert "Published, but 2 error(s)" in text
    prices = document.xpath("//h3[.='Price changes']/following::table[1]")[0]
    price_rows = [[td.text_content() for td in tr.xpath("td")] for tr in prices.xpath("tr[td]")]
    for row in (["NO", "google", "AS-1001-BRN-36", "price", "2499.00 NOK", "2999.00 NOK"],
                ["NO", "meta", "AS-1001-BRN-36", "price", "2499.00 NOK", "2999.00 NOK"],  # country-no.csv
                ["meta/main.csv", "meta", "AS-1001-BRN-36", "price", "178.99 GBP", "213.99 GBP"],  # default market
                ["DE", "amazon", "AS-1001-BRN-36", "price", "203.95 EUR", "243.95 EUR"]):
        assert row in price_rows
    assert {row[1] for row in price_rows if row[2] == "AS-1001-BRN-36"} == {"google", "meta", "amazon", "pinterest", "tiktok"}
    removed = {summary.text_content() for summary in document.xpath("//details/summary")}
    assert "google NO: 0 added, 2 removed" in removed  # left out now, so removed from the feed
    assert "amazon DE: 0 added, 2 removed" in removed
    assert "meta NO: 1 added, 1 removed" in removed  # Meta: only the renamed SKU changes
    assert "AS-1001-BRN-37" in text


def diagnostics() -> Diagnostics:
    return Diagnostics([
        Diagnostic("catalogue.gtin.invalid", "error", "bad gtin", sku="S1", field="gtin"),
        Diagnostic("google.title.shortened", "warning", "shortened", sku="S2", market="NO", channel="google"),
        Diagnostic("i18n.untranslated", "warning", "source text", market="NO"),
    ])


def test_junit_shows_errors_as_failures_and_warnings_only_when_strict() -> None:
    artifacts = [Artifact("google", "NO", "google/no.xml", 3)]
    root = etree.fromstring(junit_xml(diagnostics(), artifacts, None, strict=False))
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "1"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert sorted(suites) == ["catalogue", "google.NO", "market.NO"]
    failure = suites["catalogue"].find("testcase[@name='catalogue.gtin.invalid']/failure")
    assert failure.get("type") == "error" and "S1" in failure.text
    assert suites["google.NO"].find("testcase[@name='google.title.shortened']/failure") is None
    assert suites["google.NO"].find("testcase[@name='google/no.xml']/system-out").text == "3 items"

    strict = etree.fromstring(junit_xml(diagnostics(), artifacts, None, strict=True))
    assert strict.get("failures") == "3"


def test_junit_publish_gate_case() -> None:
    refused = etree.fromstring(junit_xml(Diagnostics(), [], GateResult(["google/no.xml would be empty"]), False))
    case = refused.find("testsuite[@name='publish']/testcase[@name='publish gate']")
    assert case.find("failure").text == "google/no.xml would be empty"
    passed = etree.fromstring(junit_xml(Diagnostics(), [], GateResult(), False))
    assert passed.find("testsuite[@name='publish']/testcase/failure") is None


def test_cli_writes_junit_and_json_reports(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    junit, report = tmp_path / "ci" / "junit.xml", tmp_path / "ci" / "diagnostics.json"
    result = build(project, "--strict", "--junit", str(junit), "--report", str(report))
    assert result.exit_code == 1  # the sample has i18n warnings, --strict fails on them
    failures = etree.parse(str(junit)).xpath("//testcase[failure]/@name")
    found = json.loads(report.read_text())["diagnostics"]
    rules = {d["rule_id"] for d in found if d["severity"] != "info"}  # info is never a failure, even --strict
    assert failures and set(failures) == rules
    assert {d["rule_id"] for d in found if d["severity"] == "info"} >= {"reviews.spam"}
