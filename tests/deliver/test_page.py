"""output/delivery.html: every diagnostic a delivery produced, for the people who read report.html
(issue #13: platform issues in "the summary, --report JSON and report.html").

Runs the real command against the strict SP-API fake (SPECS.md part 3 §5: the processing report's
`issues` carry code, severity, message, attributeName per SKU) and the folder destination."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from feedgen.pipeline.build import BuildRequest, run as run_build
from feedgen.deliver.run import DeliverRequest, deliver as run_delivery
from feedgen.publish.manifest import DELIVERY_PAGE, delivered_manifest
from tests.deliver.fakes.fixtures import fake_clock, sp_api  # noqa: F401

from .conftest import deliver, everything_written, spapi_destination, spapi_env, write_destinations

pytestmark = pytest.mark.timeout(120)
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def _amazon(project: Path, server, extra: str = "") -> None:
    write_destinations(project, spapi_destination(server, extra))


_env = spapi_env


def _text(page: str) -> str:
    """What a browser shows: tags dropped, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_each_amazon_report_issue_is_on_the_page_escaped_and_no_secret(built, sp_api, fake_clock, tmp_path):
    feed = json.loads((built / "output" / "amazon" / "de.json").read_text())
    first, second = feed["messages"][0]["sku"], feed["messages"][1]["sku"]
    sp_api.rejections = {
        first: [{"code": "8560", "severity": "ERROR", "message": "SKU does not match any ASIN.",
                 "attributeName": "externally_assigned_product_identifier"}],
        second: [{"code": "90220", "severity": "WARNING", "message": HOSTILE, "attributeName": "item_name"}],
    }
    _amazon(built, sp_api)
    report = tmp_path / "report.json"
    result = deliver(built, "--report", str(report), env=_env(sp_api))
    assert result.exit_code == 1, result.output
    page = (built / "output" / DELIVERY_PAGE).read_text(encoding="utf-8")
    expected = [d for d in json.loads(report.read_text())["diagnostics"] if d["rule_id"].startswith("amazon.report.")]
    assert {d["rule_id"] for d in expected} >= {"amazon.report.8560", "amazon.report.90220"}
    rows = re.findall(r"<tr><td><code>(amazon\.report\.\d+)</code></td><td class=\"(\w+)\">\w+</td>"
                      r"<td><code>([^<]*)</code></td><td>([^<]*)</td><td><code>([^<]*)</code></td><td>(.*?)</td></tr>", page)
    shown = {(rule, severity, html.unescape(sku), market, html.unescape(field), html.unescape(message))
             for rule, severity, sku, market, field, message in rows}
    for d in expected:  # every issue, with rule id, severity, SKU, market, field and message
        assert (d["rule_id"], d["severity"], d["sku"], d["market"], d["field"], d["message"]) in shown, d
    assert "<script>" not in page and "<img" not in page  # the platform's text is escaped, not markup
    assert HOSTILE in _text(page)
    assert "<header>" in page and "<main>" in page and 'name="viewport"' in page
    assert "delivered" in page and any(r.get("remote_id", "") in page for r in _receipt_files(built))
    written = everything_written(built / "output", report)
    for secret in (sp_api.client_secret, sp_api.refresh_token, *sp_api.issued_tokens()):
        assert secret not in page and secret.encode() not in written


def _receipt_files(project: Path) -> list[dict]:
    return list(json.loads((project / "output" / ".feedgen-deliveries" / "amazon.json").read_text())["files"].values())


def test_a_pending_job_and_a_failed_destination_are_on_the_page(built, sp_api, fake_clock, tmp_path):
    sp_api.script = ["IN_PROGRESS"]
    (tmp_path / "blocker").write_text("a file where the destination folder should be")
    write_destinations(built, spapi_destination(sp_api, 'markets = ["DE"]\n') + f'''
[[destination]]
name = "share"
channel = "google"
url = "file://{tmp_path / 'blocker' / 'feeds'}"
''')
    result = run_delivery(DeliverRequest(data_dir=built / "product_data", out=built / "output",
                                         environ=_env(sp_api), backoff=fake_clock.backoff()))
    assert [row.outcome for row in result.rows] == ["pending", "failed"], result.rows
    text = _text((built / "output" / DELIVERY_PAGE).read_text(encoding="utf-8"))
    assert "amazon pending" in text and "Pending jobs 1:" in text and "de.json" in text
    assert "share failed" in text and "deliver.failed" in text


def test_dry_run_writes_no_page(built):
    write_destinations(built, '[[destination]]\nname = "x"\nchannel = "google"\nurl = "file:///nonexistent/x"\n')
    assert deliver(built, "--dry-run").exit_code == 0
    assert not (built / "output" / DELIVERY_PAGE).exists()


def test_the_next_build_carries_the_page_over_and_its_report_names_the_build_it_was_for(built, tmp_path):
    target = tmp_path / "share"
    target.mkdir()
    write_destinations(built, f'[[destination]]\nname = "share"\nchannel = "google"\nurl = "file://{target}"\n')
    assert deliver(built).exit_code == 0
    out = built / "output"
    delivered = delivered_manifest(out / DELIVERY_PAGE)
    assert delivered and len(delivered) == 64
    assert 'href="delivery.html"' not in (out / "report.html").read_text()  # written before any delivery
    catalogue = built / "product_data" / "catalogue.csv"
    lines = catalogue.read_text(encoding="utf-8").splitlines(keepends=True)
    catalogue.write_text("".join(lines[:-1]), encoding="utf-8")  # one SKU fewer: another build
    run_build(BuildRequest(data_dir=built / "product_data", out=out))
    assert delivered_manifest(out / DELIVERY_PAGE) == delivered  # carried over, unchanged
    assert "delivery.html" not in json.loads((out / "manifest.json").read_text())["files"]
    report = (out / "report.html").read_text()
    assert 'href="delivery.html"' in report and f"<code>{delivered[:12]}</code>" in report and "not this one" in report
    assert deliver(built).exit_code == 0
    assert delivered_manifest(out / DELIVERY_PAGE) != delivered  # the new build's delivery replaces it


def test_each_destination_lists_only_its_own_diagnostics(built, sp_api, fake_clock, tmp_path):
    """The run's Diagnostics iterate sorted by severity and rule, so a destination's findings are the
    ones it added, not the tail of that list: deliver.failed (error) sorts before amazon.report.*
    warnings and used to land under the wrong destination."""
    feed = json.loads((built / "output" / "amazon" / "de.json").read_text())
    sp_api.rejections = {feed["messages"][0]["sku"]: [{"code": "90220", "severity": "WARNING",
                                                        "message": "check the title", "attributeName": "item_name"}]}
    (tmp_path / "blocker").write_text("a file where the destination folder should be")
    write_destinations(built, spapi_destination(sp_api, 'markets = ["DE"]\n') + f'''
[[destination]]
name = "share"
channel = "google"
url = "file://{tmp_path / 'blocker' / 'feeds'}"
''')
    result = run_delivery(DeliverRequest(data_dir=built / "product_data", out=built / "output",
                                         environ=_env(sp_api), backoff=fake_clock.backoff()))
    amazon, share = result.rows
    assert {d.rule_id for d in amazon.diagnostics} == {"amazon.report.90220"}
    assert {d.rule_id for d in share.diagnostics} == {"deliver.failed"}
