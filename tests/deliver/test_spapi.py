"""sp-api:// end to end: `feedgen deliver` against the strict local SP-API fake (tests/deliver/fakes/
amazon.py: LWA, createFeedDocument, presigned PUT, createFeed, getFeed, processing report).

Flow and shapes: SPECS.md part 3 §5 "Amazon SP-API Feeds 2021-06-30"; marketplace ids §3.4."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedgen.deliver.run import DeliverRequest, deliver as run_delivery
from tests.deliver.fakes.fixtures import fake_clock, sp_api  # noqa: F401

from .conftest import deliver, everything_written, manifest_files, receipt, spapi_destination, spapi_env, write_destinations

pytestmark = pytest.mark.timeout(120)
MARKETPLACE = {"DE": "A1PA6795UKMFR9", "US": "ATVPDKIKX0DER"}  # product_data/markets.toml


def _destination(project: Path, server, extra: str = "") -> None:
    write_destinations(project, spapi_destination(server, extra))


_env = spapi_env


def _request(project: Path, server, clock, **options) -> DeliverRequest:
    return DeliverRequest(data_dir=project / "product_data", out=project / "output", environ=_env(server),
                          backoff=clock.backoff(), **options)


def test_each_market_becomes_one_feed_with_its_marketplace_and_exact_bytes(built, sp_api, fake_clock):
    _destination(built, sp_api)
    result = run_delivery(_request(built, sp_api, fake_clock))
    assert [(r.outcome, r.files) for r in result.rows] == [("delivered", 2)], result.rows
    created = [json.loads(call.body) for call in sp_api.calls("createFeed")]
    files = manifest_files(built, "amazon")
    assert sorted(c["marketplaceIds"][0] for c in created) == sorted(MARKETPLACE[e["market"]] for e in files.values())
    assert all(c["feedType"] == "JSON_LISTINGS_FEED" for c in created)
    uploads = sp_api.calls("upload")
    assert {u.headers["content-type"] for u in uploads} == {"application/json; charset=UTF-8"}
    records = receipt(built, "amazon")["files"]
    for path, entry in files.items():
        record = records[Path(path).name]
        assert sp_api.uploaded(record["remote_id"]) == (built / "output" / path).read_bytes()
        assert record["status"] == "delivered" and "DONE" in record["confirmation"]
    again = run_delivery(_request(built, sp_api, fake_clock))
    assert again.rows[0].outcome == "up to date"
    assert len(sp_api.calls("createFeed")) == 2  # nothing resubmitted


def test_rejected_items_become_amazon_report_diagnostics_in_the_report(built, sp_api, fake_clock, tmp_path):
    feed = json.loads((built / "output" / "amazon" / "de.json").read_text())
    sku = feed["messages"][0]["sku"]
    sp_api.script = ["DONE"]
    sp_api.rejections = {sku: [{"code": "8560", "severity": "ERROR", "message": "SKU does not match any ASIN.",
                                "attributeName": "externally_assigned_product_identifier"}]}
    _destination(built, sp_api)
    report = tmp_path / "report.json"
    result = deliver(built, "--report", str(report), env=_env(sp_api))
    assert result.exit_code == 1, result.output  # delivered, but the platform reported item errors
    found = [d for d in json.loads(report.read_text())["diagnostics"] if d["rule_id"] == "amazon.report.8560"]
    assert found and found[0]["sku"] == sku and found[0]["severity"] == "error"
    assert set(json.loads(report.read_text())) == {"summary", "diagnostics"}  # build --report's shape


def test_a_feed_still_in_progress_is_pending_and_never_resubmitted(built, sp_api, fake_clock):
    sp_api.script = ["IN_PROGRESS"]
    _destination(built, sp_api, "max_wait = 0\n")
    first = run_delivery(_request(built, sp_api, fake_clock))
    assert first.rows[0].outcome == "pending"
    feed_ids = {r["remote_id"] for r in receipt(built, "amazon")["files"].values()}
    assert len(feed_ids) == 2 and all(r["status"] == "pending" for r in receipt(built, "amazon")["files"].values())
    second = run_delivery(_request(built, sp_api, fake_clock))
    assert second.rows[0].outcome == "pending"
    assert len(sp_api.calls("createFeed")) == 2  # asked about, not sent again
    sp_api.script = ["DONE"]
    for feed in sp_api.feeds.values():
        feed.polls = 0
    status = run_delivery(_request(built, sp_api, fake_clock, status=True))
    assert status.rows[0].outcome == "delivered", status.rows
    assert {r["remote_id"] for r in receipt(built, "amazon")["files"].values()} == feed_ids
    assert len(sp_api.calls("createFeed")) == 2


def test_a_fatal_feed_fails_the_destination(built, sp_api, fake_clock):
    sp_api.script = ["IN_PROGRESS", "FATAL"]
    _destination(built, sp_api, 'markets = ["DE"]\n')
    result = run_delivery(_request(built, sp_api, fake_clock))
    assert result.rows[0].outcome == "failed" and "FATAL" in result.rows[0].confirmation
    assert any(d.rule_id == "amazon.feed.fatal" for d in result.diagnostics)


def test_a_refused_refresh_token_is_one_line_and_no_secret_anywhere(built, sp_api, tmp_path):
    _destination(built, sp_api)
    report = tmp_path / "report.json"
    wrong = {**_env(sp_api), "LWA_REFRESH_TOKEN": "Atzr|not-the-right-refresh-token-42"}
    result = deliver(built, "--report", str(report), env=wrong)
    assert result.exit_code == 5
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "amazon" in errors[0], errors
    assert len(sp_api.calls("token")) == 1 and not sp_api.calls("createFeed")
    ok = deliver(built, "--report", str(report), env=_env(sp_api))
    status = deliver(built, "--status", env=_env(sp_api))
    written = everything_written(built / "output", report)
    console = result.output + ok.output + status.output
    for secret in (sp_api.client_secret, sp_api.refresh_token, wrong["LWA_REFRESH_TOKEN"], *sp_api.issued_tokens()):
        assert secret.encode() not in written and secret not in console
