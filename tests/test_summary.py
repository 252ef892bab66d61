"""The end-of-build summary finds the bad row without -v or report.html (issue 14, defect 5).

The cases from the issue: a shop export with no GTINs (Amazon produced nothing on a first build,
and used to vanish from the summary), and one changed English title that turned into a warning per
variant and market (one line per rule now, with counts and example SKUs).
"""

from __future__ import annotations

from pathlib import Path

from lxml import html

from feedgen.diagnostics import Diagnostic, Diagnostics, empty_reasons
from .conftest import copy_sample
from .publishing_helpers import build, edit_catalogue

MINI_SKUS = ["AS-1005-BLK-38", "AS-1005-BLK-39", "AS-1009-WHT-42", "AS-1009-WHT-43", "AS-1022-BLK-28",
             "AS-1022-BLK-29", "AS-1026-BRN-40"]


def section(output: str, heading: str) -> list[str]:
    """The lines of the summary after `heading`, up to the next blank line."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start + 1:end]


def no_gtins(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    for row in rows:
        row["gtin"] = ""
    return rows


def test_a_channel_with_no_items_on_a_first_build_is_in_the_summary_with_its_reason(tmp_path: Path) -> None:
    project = copy_sample(tmp_path, mini=True)
    edit_catalogue(project, no_gtins)  # a shop export without barcodes: Amazon cannot list anything
    result = build(project)
    assert result.exit_code == 1, result.output  # item errors; Google and Meta are published

    grid = section(result.output, "items ")
    header = result.output.splitlines()[result.output.splitlines().index(
        next(line for line in result.output.splitlines() if line.startswith("items ")))].split()
    cells = {row.split()[0]: dict(zip(header[1:], row.split()[1:])) for row in grid if not row.startswith(" ")}
    assert cells["DE"]["amazon"] == cells["US"]["amazon"] == "0"  # asked for, nothing written: not "-"
    assert cells["NO"]["amazon"] == "-"  # not an Amazon market
    assert cells["DE"]["google"] == "7"

    assert section(result.output, "nothing to publish for:") == [
        "  amazon DE: no feed, 0 items; every item was left out: amazon.gtin.missing (7 SKUs)",
        "  amazon US: no feed, 0 items; every item was left out: amazon.gtin.missing (7 SKUs)",
    ] + [  # a channel whose items are not SKUs names its own market-level diagnostics
        f"  google_promotions {market}: no feed, 0 items; see google_promotions.country.unsupported"
        for market in ("NO", "SE", "DK", "FI")]
    assert not (project / "output" / "amazon").exists()

    # report.html says the same in the cell of the grid
    document = html.fromstring((project / "output" / "report.html").read_bytes())
    grid_rows = document.xpath("//h2[.='Markets × channels']/following::table[1]/tr[th]")
    de = next(tr for tr in grid_rows if tr.xpath("th")[0].text_content().startswith("DE"))
    amazon = de.xpath("td")[2].text_content()
    assert "no file" in amazon and "left out: amazon.gtin.missing (7)" in amazon


def test_repeated_findings_are_one_line_per_rule_with_counts_and_example_skus(tmp_path: Path) -> None:
    project = copy_sample(tmp_path, mini=True)
    edit_catalogue(project, no_gtins)
    result = build(project)  # no -v

    rules = section(result.output, "severity rule")
    gtin = [line for line in rules if "amazon.gtin.missing" in line]
    assert len(gtin) == 1  # 14 diagnostics (7 SKUs × DE, US), one line
    assert gtin[0].split()[:5] == ["error", "amazon.gtin.missing", "14", "7", "DE,US"]
    assert gtin[0].endswith("AS-1005-BLK-38, AS-1005-BLK-39, AS-1009-WHT-42 …")  # three examples, more exist
    message = rules[rules.index(gtin[0]) + 1]  # under it, the first one in full: where and what
    assert message.strip().startswith("amazon/DE/AS-1005-BLK-38: no GTIN: Amazon needs an EAN/UPC to list "
                                      "(or a brand's GTIN exemption)")
    assert "fill the catalogue's gtin column" in message  # ... and where to fix it (feedgen/resolve/fixes.py)
    assert "ERROR   amazon.gtin.missing" not in result.output  # the per-item list is for -v
    assert "\n14 error(s), " in result.output

    verbose = build(project, "-v")
    assert sum("ERROR   amazon.gtin.missing" in line for line in verbose.output.splitlines()) == 14


def test_one_changed_title_is_one_warning_line_naming_its_skus(tmp_path: Path) -> None:
    """The issue's "126 i18n warnings came from one changed title": the translations no longer
    match, so each of the style's variants falls back to English in every translated market."""
    project = copy_sample(tmp_path, mini=True)

    def retitle(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:
            if row["style_id"] == "AS-1009":
                row["title"] += " (new)"
        return rows

    edit_catalogue(project, retitle)
    result = build(project)
    assert result.exit_code == 0, result.output
    rules = section(result.output, "severity rule")
    untranslated = [line for line in rules if "i18n.text.untranslated" in line]
    assert len(untranslated) == 1
    words = untranslated[0].split()
    assert words[:2] == ["warning", "i18n.text.untranslated"] and int(words[2]) >= 12  # 2 SKUs × 6 languages
    assert words[3] == "2"  # ... but two SKUs: one style to fix
    assert untranslated[0].endswith("AS-1009-WHT-42, AS-1009-WHT-43")


def test_empty_reasons_count_skus_per_rule_in_that_channel_and_market() -> None:
    diagnostics = Diagnostics([
        Diagnostic("amazon.gtin.missing", "error", "no GTIN", "A-1", "DE", "amazon"),
        Diagnostic("amazon.gtin.missing", "error", "no GTIN", "A-2", "DE", "amazon"),
        Diagnostic("amazon.gtin.missing", "error", "no GTIN", "A-3", "US", "amazon"),  # another market
        Diagnostic("google.color.missing", "error", "no colour", "A-4", "DE", "google"),  # another channel
        Diagnostic("catalogue.price.invalid", "error", "price 'x'", "A-5"),  # blocks every channel
        Diagnostic("rules.excluded", "info", "left out by rule 1", "A-6", "DE", "amazon"),
        Diagnostic("amazon.title.shortened", "warning", "shortened", "A-7", "DE", "amazon"),  # still listed
    ])
    assert empty_reasons(diagnostics, "amazon", "DE") == [
        ("amazon.gtin.missing", 2), ("catalogue.price.invalid", 1), ("rules.excluded", 1)]
    assert empty_reasons(diagnostics, "amazon", "DE", limit=1) == [("amazon.gtin.missing", 2)]


def test_groups_count_diagnostics_skus_and_markets_with_examples_in_report_order() -> None:
    diagnostics = Diagnostics(
        [Diagnostic("i18n.text.untranslated", "warning", f"{sku}: no translation", sku, market)
         for sku in MINI_SKUS[:4] for market in ("DE", "SE")]
        + [Diagnostic("meta.main.not_built", "info", "main.csv kept from an earlier build")])
    untranslated, not_built = diagnostics.groups(examples=3)
    assert (untranslated.rule, untranslated.count, len(untranslated.skus)) == ("i18n.text.untranslated", 8, 4)
    assert untranslated.markets == {"DE", "SE"} and untranslated.examples == MINI_SKUS[:3]
    assert untranslated.message == "AS-1005-BLK-38: no translation"
    assert (not_built.rule, not_built.count, not_built.skus, not_built.examples) == ("meta.main.not_built", 1, set(), [])
