"""Merchant API v1 fileUploads/latest reader against the strict fake (tests/deliver/fakes/google.py).

Spec: developers.google.com/merchant/api/reference/rest/datasources_v1/accounts.dataSources.fileUploads
(FileUpload, ProcessingState, Issue, Severity); RFC 7523 §2.1 and Google's "Using OAuth 2.0 for Server to
Server Applications" (service-account JWT grant); SPECS.md §5 "Google Merchant Center" (Merchant API v1 only)."""

from __future__ import annotations

import json
import re
import logging
from datetime import datetime, timezone

import pytest

from feedgen.deliver.errors import AuthenticationError, DeliveryError
from feedgen.deliver.platforms.google import MerchantClient, latest_upload
from feedgen.deliver.retry import GaveUp
from tests.deliver.fakes.fixtures import fake_clock, merchant_api  # noqa: F401
from tests.deliver.fakes.google import upload

pytestmark = pytest.mark.timeout(30)


def read(merchant_api, fake_clock, credentials=None, **kwargs):
    settings = dict(backoff=fake_clock.backoff(), market="NO", timeout=5.0)
    settings.update(kwargs)
    return latest_upload(
        merchant_api.url, merchant_api.account_id, merchant_api.data_source_id,
        credentials if credentials is not None else merchant_api.key_json(), **settings,
    )


def test_service_account_grant_and_request(merchant_api, fake_clock, caplog):
    """JWT (RS256, kid, iss=client_email, scope content, aud=token_uri, ≤ 1 h) exchanged at the key's token_uri;
    then GET …/datasources/v1/accounts/{a}/dataSources/{d}/fileUploads/latest with the Bearer token."""
    caplog.set_level(logging.DEBUG)
    result = read(merchant_api, fake_clock)

    (token,) = merchant_api.calls("token")
    assert token.form()["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    (claims,) = merchant_api.claims
    assert claims["iss"] == merchant_api.client_email and claims["aud"] == merchant_api.token_uri
    assert claims["scope"] == "https://www.googleapis.com/auth/content" and claims["exp"] - claims["iat"] == 3600
    (latest,) = merchant_api.calls("latest")
    assert latest.path == f"/datasources/v1/accounts/{merchant_api.account_id}/dataSources/{merchant_api.data_source_id}/fileUploads/latest"
    assert latest.headers["authorization"] == f"Bearer {next(iter(merchant_api.tokens))}"

    assert result.state == "SUCCEEDED" and not result.pending and result.diagnostics == []
    assert (result.items_total, result.items_created, result.items_updated) == (120, 3, 117)
    assert result.confirmation() == "Merchant Center SUCCEEDED: 120 items, 3 created, 117 updated, 0 error issues"
    assert merchant_api.private_key_id not in caplog.text and next(iter(merchant_api.tokens)) not in caplog.text


def test_issues_become_diagnostics(merchant_api, fake_clock):
    """Issue {title, description, code, count, severity, documentationUri} → google.remote.<code>."""
    merchant_api.uploads = [upload("SUCCEEDED", [
        {"title": "Invalid price", "description": "Price is not a number.", "code": "validation/invalid_value",
         "count": "4", "severity": "ERROR", "documentationUri": "https://support.google.com/merchants/answer/6324371"},
        {"title": "Missing GTIN", "description": "", "code": "?", "count": "12", "severity": "WARNING"},
        {"title": "Note", "code": "info_only", "severity": "SEVERITY_UNSPECIFIED"},
    ])]
    result = read(merchant_api, fake_clock)
    assert [(d.rule_id, d.severity, d.market, d.channel) for d in result.diagnostics] == [
        ("google.remote.validation_invalid_value", "error", "NO", "google"),
        ("google.remote.unknown", "warning", "NO", "google"),
        ("google.remote.info_only", "info", "NO", "google"),
    ]
    assert result.diagnostics[0].message == (
        "Invalid price: Price is not a number. (4 items); see https://support.google.com/merchants/answer/6324371"
    )


def test_failed_processing_is_an_error(merchant_api, fake_clock):
    merchant_api.uploads = [upload("FAILED", [{"title": "File not readable", "code": "file_format", "count": "1", "severity": "ERROR"}])]
    result = read(merchant_api, fake_clock)
    assert result.state == "FAILED" and not result.pending
    assert [d.rule_id for d in result.diagnostics] == ["google.remote.failed", "google.remote.file_format"]


def test_waits_for_our_upload_and_stops_in_time(merchant_api, fake_clock):
    """`since`: the latest upload before ours is stale (pending); IN_PROGRESS is pending; bounded by max_wait."""
    since = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
    merchant_api.uploads = [
        upload(upload_time="2026-12-06T09:00:00Z"),
        upload("IN_PROGRESS", upload_time="2026-12-07T09:05:00Z"),
        upload(upload_time="2026-12-07T09:05:00Z"),
    ]
    result = read(merchant_api, fake_clock, max_wait=600, since=since)
    assert result.state == "SUCCEEDED" and not result.pending and len(merchant_api.calls("latest")) == 3
    assert len(merchant_api.calls("token")) == 1  # token cached

    merchant_api.uploads = [upload("IN_PROGRESS")]
    started = fake_clock.now
    result = read(merchant_api, fake_clock, max_wait=120)
    assert result.pending and result.diagnostics == [] and fake_clock.now - started <= 120
    assert result.confirmation() == "Merchant Center has not finished processing the upload (state IN_PROGRESS)"


def test_plain_access_token_is_used_as_is(merchant_api, fake_clock):
    merchant_api.tokens.add("ya29.given-token-abcdef")
    result = read(merchant_api, fake_clock, credentials="ya29.given-token-abcdef")
    assert result.state == "SUCCEEDED" and merchant_api.calls("token") == []
    assert merchant_api.calls("latest")[0].headers["authorization"] == "Bearer ya29.given-token-abcdef"


def test_refused_key_is_one_line_auth_error_without_secret(merchant_api, fake_clock):
    """A key the token endpoint refuses (here: another key id, so 'Invalid JWT Signature') → invalid_grant."""
    info = merchant_api.key_info() | {"private_key_id": "0" * 40}
    with pytest.raises(AuthenticationError) as raised:
        read(merchant_api, fake_clock, credentials=json.dumps(info))
    message = str(raised.value)
    assert message == "google token: HTTP 400 (invalid_grant): the service-account key was refused"
    assert len(merchant_api.calls("token")) == 1 and merchant_api.calls("latest") == []


def test_no_access_to_account_and_unknown_data_source(merchant_api, fake_clock):
    with pytest.raises(AuthenticationError, match=r"^google fileUploads.latest: HTTP 403 PERMISSION_DENIED: the service account"):
        latest_upload(merchant_api.url, "555", merchant_api.data_source_id, merchant_api.key_json(), backoff=fake_clock.backoff())
    with pytest.raises(DeliveryError, match=r"^google fileUploads.latest: HTTP 404 \(Requested entity was not found.\)$"):
        latest_upload(merchant_api.url, merchant_api.account_id, "1", merchant_api.key_json(), backoff=fake_clock.backoff())
    with pytest.raises(AuthenticationError, match="HTTP 401 UNAUTHENTICATED"):
        read(merchant_api, fake_clock, credentials="ya29.expired-token-000")


def test_transient_faults_are_retried(merchant_api, fake_clock):
    merchant_api.fail("token", 503, body={"error": "temporarily_unavailable"})
    merchant_api.fail("latest", 429, headers={"Retry-After": "30"}, body={"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "Quota"}})
    merchant_api.fail("latest", drop=True)
    result = read(merchant_api, fake_clock)
    assert result.state == "SUCCEEDED"
    assert len(merchant_api.calls("token")) == 2 and len(merchant_api.calls("latest")) == 3
    assert max(fake_clock.sleeps) >= 30


@pytest.mark.parametrize(
    "credentials, message",
    [
        ('{"type": "service_account", "client_email": "x@y"', "not JSON (line 1)"),
        ('{"type": "service_account", "private_key": "SECRETPEMSECRET"}', "lacks client_email, private_key_id, token_uri"),
        ("two words", "service-account key JSON or an access token"),
    ],
)
def test_unusable_credentials_name_the_problem_not_the_secret(merchant_api, credentials, message):
    with pytest.raises(DeliveryError, match=re.escape(message)) as raised:
        MerchantClient(credentials, endpoint=merchant_api.url)
    assert "SECRETPEM" not in str(raised.value)
    assert merchant_api.requests == []


def test_bad_private_key_and_ids(merchant_api, fake_clock):
    info = merchant_api.key_info() | {"private_key": "-----BEGIN PRIVATE KEY-----\nnotakey\n-----END PRIVATE KEY-----\n"}
    with pytest.raises(AuthenticationError, match="private_key is not a usable RSA key$"):
        read(merchant_api, fake_clock, credentials=json.dumps(info))
    with pytest.raises(DeliveryError, match="data source id must be digits"):
        latest_upload(merchant_api.url, merchant_api.account_id, "../x", merchant_api.key_json(), backoff=fake_clock.backoff())
    assert merchant_api.calls("latest") == []


def test_no_secret_in_logs_or_errors(merchant_api, fake_clock, caplog):
    """Key material, the signed assertion and the access token appear in no log line and no exception."""
    caplog.set_level(logging.DEBUG)
    key = merchant_api.key_info()
    messages = []
    merchant_api.fail("latest", 500, times=100, body={"error": {"code": 500, "status": "INTERNAL", "message": f"boom {key['private_key_id']}"}})
    with pytest.raises(GaveUp) as raised:
        read(merchant_api, fake_clock)
    messages.append(str(raised.value))
    info = key | {"client_email": "other@x.iam.gserviceaccount.com"}
    with pytest.raises(AuthenticationError) as raised:
        read(merchant_api, fake_clock, credentials=json.dumps(info))
    messages.append(str(raised.value))
    secrets = [key["private_key_id"], *merchant_api.tokens, *(line for line in key["private_key"].splitlines() if len(line) > 20)]
    secrets += [r.form()["assertion"] for r in merchant_api.calls("token")]
    text = caplog.text + "\n".join(messages)
    assert "***" in messages[0] and "fileUploads.latest: HTTP 500" in messages[0]
    assert not any(secret in text for secret in secrets)
