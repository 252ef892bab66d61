"""The optional read-back after an upload, end to end through `deliver`: Meta's product-feed upload
trigger (Graph API) and Merchant Center's fileUploads/latest (Merchant API v1), against the strict
local fakes in tests/deliver/fakes/. Specs: SPECS.md part 3 §5 (Meta catalogs; Google Merchant Center)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from feedgen.deliver.run import DeliverRequest, deliver as run_delivery
from tests.deliver.fakes.fixtures import fake_clock, graph_api, merchant_api  # noqa: F401
from tests.deliver.fakes.google import upload

from .conftest import everything_written, receipt, write_destinations

pytestmark = pytest.mark.timeout(60)


def _request(project: Path, clock, env: dict[str, str], **options) -> DeliverRequest:
    return DeliverRequest(data_dir=project / "product_data", out=project / "output", environ=env,
                          backoff=clock.backoff(), **options)


def _meta(project: Path, share: Path, graph_api, max_wait: int = 60) -> None:
    write_destinations(project, f'''[[destination]]
name = "meta-share"
channel = "meta"
url = "file://{share}"

[destination.meta]
token_env = "META_TOKEN"
file_url = "https://feeds.example.com/meta/{{remote}}"
product_feeds = {{ "main.csv" = "{graph_api.product_feed_id}" }}
graph_url = "{graph_api.url}"
max_wait = {max_wait}
''')


def test_meta_fetch_is_triggered_for_the_mapped_file_and_its_errors_become_diagnostics(built, graph_api, fake_clock,
                                                                                     tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    _meta(built, share, graph_api)
    graph_api.result["num_deleted_items"] = 2
    result = run_delivery(_request(built, fake_clock, {"META_TOKEN": graph_api.token}))
    assert result.rows[0].outcome == "delivered", result.rows
    (trigger,) = graph_api.calls("trigger")  # only main.csv is mapped to a product feed
    assert trigger.form() == {"url": "https://feeds.example.com/meta/main.csv"}
    assert (share / "main.csv").is_file()  # uploaded before Meta was asked to fetch it
    assert any(d.rule_id == "meta.remote.deleted_items" for d in result.diagnostics)
    record = receipt(built, "meta-share")["files"]["main.csv"]
    assert record["remote_id"].startswith("meta-upload:") and "2 deleted" in record["confirmation"]
    assert graph_api.token.encode() not in everything_written(built / "output")


def test_a_meta_session_still_processing_is_pending_then_read_by_status(built, graph_api, fake_clock, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    _meta(built, share, graph_api, max_wait=0)
    graph_api.polls_until_done = 10**6
    env = {"META_TOKEN": graph_api.token}
    first = run_delivery(_request(built, fake_clock, env))
    assert first.rows[0].outcome == "pending"
    graph_api.polls_until_done = 0
    status = run_delivery(_request(built, fake_clock, env, status=True))
    assert status.rows[0].outcome == "delivered"
    assert len(graph_api.calls("trigger")) == 1  # read again, never triggered again


def _google(project: Path, share: Path, merchant_api) -> None:
    write_destinations(project, f'''[[destination]]
name = "gmc"
channel = "google"
url = "file://{share}"
markets = ["NO"]

[destination.google]
credentials_env = "GMC_SERVICE_ACCOUNT"
account_id = "{merchant_api.account_id}"
data_sources = {{ "no.xml" = "{merchant_api.data_source_id}" }}
endpoint = "{merchant_api.url}"
max_wait = 60
''')


def test_merchant_center_issues_become_google_remote_diagnostics(built, merchant_api, fake_clock, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    _google(built, share, merchant_api)
    later = (datetime.now(timezone.utc) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    merchant_api.uploads = [upload("SUCCEEDED", [{"title": "Missing GTIN", "description": "Add a GTIN.",
                                                  "code": "missing_gtin", "severity": "WARNING", "count": "4"}],
                                   upload_time=later)]
    result = run_delivery(_request(built, fake_clock, {"GMC_SERVICE_ACCOUNT": merchant_api.key_json()}))
    assert result.rows[0].outcome == "delivered", result.rows
    found = [d for d in result.diagnostics if d.rule_id == "google.remote.missing_gtin"]
    assert found and found[0].market == "NO" and found[0].severity == "warning"
    assert "Merchant Center SUCCEEDED" in receipt(built, "gmc")["files"]["no.xml"]["confirmation"]
    key = merchant_api.key_info()
    written = everything_written(built / "output")
    assert key["private_key"].encode() not in written and key["private_key_id"].encode() not in written


def test_a_refused_read_back_is_a_warning_the_file_is_delivered(built, merchant_api, fake_clock, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    _google(built, share, merchant_api)
    result = run_delivery(_request(built, fake_clock, {"GMC_SERVICE_ACCOUNT": "not-a-valid-token"}))
    assert result.rows[0].outcome == "delivered"
    assert (share / "no.xml").read_bytes() == (built / "output" / "google" / "no.xml").read_bytes()
    (warning,) = [d for d in result.diagnostics if d.rule_id == "deliver.read_back"]
    assert warning.severity == "warning" and "not-a-valid-token" not in warning.message
