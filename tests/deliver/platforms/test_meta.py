"""Graph API product-feed upload trigger and result, against the strict fake (tests/deliver/fakes/meta.py).

Spec: developers.facebook.com/docs/marketing-api/reference/product-feed/uploads,
…/reference/product-feed-upload, …/product-feed-upload/errors; Graph error codes
(developers.facebook.com/docs/graph-api/guides/error-handling); SPECS.md §5 "Meta catalogs"."""

from __future__ import annotations

import logging

import pytest

from feedgen.deliver.errors import AuthenticationError, DeliveryError
from feedgen.deliver.platforms.meta import check_upload, trigger_upload
from feedgen.deliver.retry import GaveUp
from tests.deliver.fakes.fixtures import fake_clock, graph_api  # noqa: F401

pytestmark = pytest.mark.timeout(30)
FILE_URL = "https://feeds.example.com/meta/country-se.csv"


def run(graph_api, fake_clock, **overrides):
    settings = dict(backoff=fake_clock.backoff(), max_wait=120, market="SE", timeout=5.0)
    settings.update(overrides)
    return trigger_upload(graph_api.url, graph_api.product_feed_id, FILE_URL, graph_api.token, **settings)


def test_trigger_sends_url_with_token_in_header_only(graph_api, fake_clock, caplog):
    """POST /{version}/{product_feed_id}/uploads with `url` → {"id"}; then the session is read with
    documented fields only (the fake refuses a nonexisting field with #100)."""
    caplog.set_level(logging.DEBUG)
    result = run(graph_api, fake_clock)

    (trigger,) = graph_api.calls("trigger")
    assert trigger.path == f"/v24.0/{graph_api.product_feed_id}/uploads"
    assert trigger.form() == {"url": FILE_URL}  # update_only stays Meta's default (false: replace)
    assert trigger.headers["content-type"] == "application/x-www-form-urlencoded"
    for request in graph_api.requests:
        assert request.headers["authorization"] == f"Bearer {graph_api.token}"
        assert "access_token" not in request.query and graph_api.token not in request.path
    assert graph_api.token not in caplog.text

    assert not result.pending and result.session_id in graph_api.sessions
    assert (result.num_detected_items, result.num_persisted_items, result.num_deleted_items) == (120, 120, 0)
    assert result.diagnostics == [] and graph_api.calls("errors") == []  # no errors: edge not read
    assert result.confirmation() == f"upload session {result.session_id}: 120 read, 120 saved, 0 deleted, 0 errors, 0 warnings"


def test_errors_and_deleted_items_become_diagnostics(graph_api, fake_clock):
    """ProductFeedUploadError (severity fatal|warning) → meta.remote.<error_type>; num_deleted_items > 0 is a
    warning, because the default replace mode deletes what the file lacks. The errors edge is paged (cursors)."""
    graph_api.result["num_deleted_items"] = 37
    graph_api.errors = [
        {"id": "1", "summary": "Missing Required Field", "description": "Items need a price.", "severity": "fatal",
         "error_type": "MISSING_REQUIRED_FIELD", "total_count": 1, "samples": [{"id": "s1", "retailer_id": "SKU-9", "row_number": 4}]},
        {"id": "2", "summary": "Invalid GTIN", "description": "GTIN check digit.", "severity": "warning", "total_count": 3,
         "samples": [{"id": "s2", "retailer_id": "A", "row_number": 5}, {"id": "s3", "retailer_id": "B", "row_number": 6}]},
        {"id": "3", "summary": "Image too small", "description": "", "severity": "warning", "error_type": "image.too_small", "total_count": 2},
    ]
    result = run(graph_api, fake_clock)
    got = [(d.rule_id, d.severity, d.sku, d.market, d.channel) for d in result.diagnostics]
    assert got == [
        ("meta.remote.deleted_items", "warning", "", "SE", "meta"),
        ("meta.remote.missing_required_field", "error", "SKU-9", "SE", "meta"),
        ("meta.remote.warning", "warning", "", "SE", "meta"),
        ("meta.remote.image_too_small", "warning", "", "SE", "meta"),
    ]
    assert result.diagnostics[1].message == "Missing Required Field: Items need a price. (1 items)"
    assert result.diagnostics[2].message == "Invalid GTIN: GTIN check digit. (3 items); e.g. A, B"
    assert len(graph_api.calls("errors")) == 2  # page size 2 on the fake: followed the cursor
    assert graph_api.calls("errors")[1].query["after"] == ["2"]
    assert (result.error_count, result.warning_count, result.num_deleted_items) == (1, 2, 37)


def test_session_not_finished_is_pending_and_checked_later(graph_api, fake_clock):
    graph_api.polls_until_done = 10**6
    result = run(graph_api, fake_clock, max_wait=300)
    assert result.pending and result.diagnostics == []
    assert fake_clock.now - 1000.0 <= 300
    assert 3 <= len(graph_api.calls("session")) <= 30

    graph_api.polls_until_done = 0
    later = check_upload(graph_api.url, result.session_id, graph_api.token, backoff=fake_clock.backoff(), max_wait=0)
    assert not later.pending and later.num_persisted_items == 120
    assert len(graph_api.calls("trigger")) == 1  # checking never triggers another fetch


def test_invalid_token_is_an_auth_error_without_retry_or_secret(graph_api, fake_clock):
    """Graph error 190 'Invalid OAuth access token' → AuthenticationError, one line, token not in it."""
    wrong = "EAAwrong" + "x" * 40
    with pytest.raises(AuthenticationError) as raised:
        trigger_upload(graph_api.url, graph_api.product_feed_id, FILE_URL, wrong, backoff=fake_clock.backoff(), max_wait=0)
    message = str(raised.value)
    assert message.startswith("meta: HTTP 400, Graph error 190: Invalid OAuth access token")
    assert wrong not in message and graph_api.token not in message and "\n" not in message
    assert len(graph_api.calls("trigger")) == 1


def test_rate_limit_codes_and_server_errors_are_retried(graph_api, fake_clock):
    """Graph answers rate limits as HTTP 400 with codes 4/17/32/613/80004: retried, unlike other 400s."""
    graph_api.fail("trigger", 400, body={"error": {"message": "(#80004) There have been too many calls", "type": "OAuthException", "code": 80004}})
    graph_api.fail("session", 500, body={"error": {"message": "An unknown error occurred", "type": "OAuthException", "code": 1, "is_transient": True}})
    result = run(graph_api, fake_clock)
    assert not result.pending
    assert len(graph_api.calls("trigger")) == 2 and len(fake_clock.sleeps) >= 2


def test_unknown_feed_and_bad_parameters_are_final(graph_api, fake_clock):
    with pytest.raises(DeliveryError) as raised:
        trigger_upload(graph_api.url, "999", FILE_URL, graph_api.token, backoff=fake_clock.backoff())
    assert "HTTP 400 (Unsupported post request." in str(raised.value)
    assert len(graph_api.calls("trigger")) == 1
    with pytest.raises(DeliveryError, match="not a Graph node id"):
        trigger_upload(graph_api.url, "../me", FILE_URL, graph_api.token, backoff=fake_clock.backoff())


def test_persistent_outage_gives_up_in_bounded_time(graph_api, fake_clock):
    graph_api.fail("trigger", 503, times=100, body="Service Unavailable")
    with pytest.raises(GaveUp, match=r"^meta trigger upload: HTTP 503 \(gave up after \d+ attempt\(s\)\)$"):
        run(graph_api, fake_clock)
    assert fake_clock.now - 1000.0 <= 300  # Backoff's default budget


def test_no_token_in_logs_or_errors_on_failure_paths(graph_api, fake_clock, caplog):
    caplog.set_level(logging.DEBUG)
    graph_api.fail("session", 400, times=1, body={"error": {"message": f"Bad token {graph_api.token}", "type": "OAuthException", "code": 100}})
    with pytest.raises(DeliveryError) as raised:
        run(graph_api, fake_clock)
    assert "***" in str(raised.value) and graph_api.token not in str(raised.value)
    assert graph_api.token not in caplog.text
