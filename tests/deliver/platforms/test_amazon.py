"""SP-API Feeds 2021-06-30 client against the strict local fake (tests/deliver/fakes/amazon.py).

Spec: amzn/selling-partner-api-models models/feeds-api-model/feeds_2021-06-30.json; the Feeds API
use case guide; schemas/feeds/listings-feed-processing-report-schema-v2.json; SPECS.md §5 "Amazon
SP-API Feeds 2021-06-30" and §3.1. Every test asserts what the client sent, not only what it returned."""

from __future__ import annotations

import gzip
import json
import logging

import pytest

from feedgen.deliver.errors import AuthenticationError, DeliveryError
from feedgen.deliver.platforms.amazon import FeedsClient, read_report
from feedgen.deliver.retry import GaveUp
from tests.deliver.fakes.fixtures import fake_clock, sp_api  # noqa: F401

pytestmark = pytest.mark.timeout(30)

SE = "A2NODRKZP88ZB9"


def feed_bytes(*skus: str) -> bytes:
    """A small JSON_LISTINGS_FEED (listings-feed-schema-v2.json) with non-ASCII text, as the channel writes it."""
    messages = [
        {
            "messageId": n,
            "sku": sku,
            "operationType": "UPDATE",
            "productType": "SHOES",
            "attributes": {"item_name": [{"value": "Løpesko «Fjord» – grå", "language_tag": "sv_SE", "marketplace_id": SE}]},
        }
        for n, sku in enumerate(skus, 1)
    ]
    return json.dumps({"header": {"sellerId": "A3FAKESELLER", "version": "2.0"}, "messages": messages}, ensure_ascii=False, indent=2).encode()


def client(sp_api, fake_clock, **overrides) -> FeedsClient:
    settings = dict(client_id=sp_api.client_id, client_secret=sp_api.client_secret, refresh_token=sp_api.refresh_token, timeout=5.0)
    settings.update(overrides)
    return FeedsClient(sp_api.url, sp_api.token_url, backoff=fake_clock.backoff(), **settings)


def secrets_of(sp_api) -> list[str]:
    signatures = [d.signature for d in sp_api.documents.values()]
    return [sp_api.client_secret, sp_api.refresh_token, *sp_api.issued_tokens(), *signatures]


def test_submit_sends_exact_bytes_content_type_and_marketplace(sp_api, fake_clock):
    """Use case guide steps 1-4: createFeedDocument {contentType} → PUT the bytes to the presigned URL with
    that Content-Type → createFeed {feedType, marketplaceIds, inputFeedDocumentId}; x-amz-access-token on
    each SP-API call (SP-API changelog 2023-10-02: no SigV4), never on the presigned URL."""
    data = feed_bytes("SKU-1", "SKU-2")
    with client(sp_api, fake_clock) as feeds:
        feed_id = feeds.submit(data, [SE])
        outcome = feeds.wait(feed_id, max_wait=600, market="SE")

    (token,) = sp_api.calls("token")
    assert token.form() == {
        "grant_type": "refresh_token",
        "refresh_token": sp_api.refresh_token,
        "client_id": sp_api.client_id,
        "client_secret": sp_api.client_secret,
    }
    (create_doc,) = sp_api.calls("createFeedDocument")
    assert create_doc.json() == {"contentType": "application/json; charset=UTF-8"}
    (upload,) = sp_api.calls("upload")
    assert upload.body == data and "Løpesko".encode() in upload.body
    assert upload.headers["content-type"] == "application/json; charset=UTF-8"
    assert "x-amz-access-token" not in upload.headers and "authorization" not in upload.headers
    (create_feed,) = sp_api.calls("createFeed")
    assert create_feed.json() == {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": [SE],
        "inputFeedDocumentId": upload.path.rsplit("/", 1)[1],
    }
    assert sp_api.uploaded(feed_id) == data
    api_calls = [r for r in sp_api.requests if r.operation not in ("token", "upload", "download")]
    assert api_calls and all(r.headers["x-amz-access-token"] == sp_api.issued_tokens()[0] for r in api_calls)
    assert len(sp_api.calls("token")) == 1  # cached across calls

    assert outcome.status == "DONE" and not outcome.pending and not outcome.failed
    assert outcome.diagnostics == []
    assert outcome.summary["messagesAccepted"] == 2 and outcome.summary["messagesProcessed"] == 2
    assert outcome.confirmation() == f"feed {feed_id} DONE: 2 accepted, 0 invalid, 0 errors, 0 warnings"


@pytest.mark.parametrize("gzipped", [False, True])
def test_report_issues_become_diagnostics(sp_api, fake_clock, gzipped):
    """Processing report v2: issues[{messageId, sku, code, severity, message, attributeName}] → one Diagnostic
    each (amazon.report.<code>, sku, field=attributeName); FeedDocument.compressionAlgorithm GZIP is gunzipped."""
    sp_api.gzip_reports = gzipped
    sp_api.rejections = {
        "SKU-2": [
            {"code": "90220", "severity": "ERROR", "message": "'brand' is required but not supplied.", "attributeName": "brand"},
            {"code": "99022", "severity": "WARNING", "message": "Colour map value is not recommended.", "attributeName": "color"},
        ]
    }
    with client(sp_api, fake_clock) as feeds:
        outcome = feeds.wait(feeds.submit(feed_bytes("SKU-1", "SKU-2"), [SE]), max_wait=600, market="SE")

    assert outcome.status == "DONE" and not outcome.failed
    rules = [(d.rule_id, d.severity, d.sku, d.field, d.market, d.channel) for d in outcome.diagnostics]
    assert rules == [
        ("amazon.report.90220", "error", "SKU-2", "brand", "SE", "amazon"),
        ("amazon.report.99022", "warning", "SKU-2", "color", "SE", "amazon"),
    ]
    assert outcome.diagnostics[0].message == "'brand' is required but not supplied. (message 2)"
    assert outcome.summary == {"errors": 1, "warnings": 1, "messagesProcessed": 2, "messagesAccepted": 1, "messagesInvalid": 1}
    (document,) = sp_api.calls("getFeedDocument")
    assert document.headers["x-amz-access-token"]
    assert "x-amz-access-token" not in sp_api.calls("download")[0].headers


def test_done_with_every_message_rejected_is_a_failure(sp_api, fake_clock):
    """'DONE — examine the result document' (Feed.processingStatus enum): DONE with 0 accepted is not a success."""
    issue = {"code": "8541", "severity": "ERROR", "message": "Conflicting values."}
    sp_api.rejections = {"A": [issue], "B": [issue]}
    with client(sp_api, fake_clock) as feeds:
        outcome = feeds.wait(feeds.submit(feed_bytes("A", "B"), [SE]), max_wait=600)
    assert outcome.status == "DONE" and outcome.failed
    assert outcome.diagnostics[0].rule_id == "amazon.feed.all_rejected"
    assert [d.sku for d in outcome.diagnostics[1:]] == ["A", "B"]


def test_fatal_feed_report_still_becomes_diagnostics(sp_api, fake_clock):
    """FATAL: 'aborted due to a fatal error; some, none, or all operations may have completed' — its report is read."""
    sp_api.script = ["IN_PROGRESS", "FATAL"]
    sp_api.rejections = {"SKU-1": [{"code": "5000", "severity": "ERROR", "message": "Bad value.", "attributeName": "item_name"}]}
    with client(sp_api, fake_clock) as feeds:
        outcome = feeds.wait(feeds.submit(feed_bytes("SKU-1"), [SE]), max_wait=600, market="SE")
    assert outcome.status == "FATAL" and outcome.failed and not outcome.pending
    assert [d.rule_id for d in outcome.diagnostics] == ["amazon.feed.fatal", "amazon.report.issue", "amazon.report.5000"]
    assert outcome.diagnostics[2].field == "item_name"


def test_unparseable_feed_is_fatal_with_feed_level_issue(sp_api, fake_clock):
    """The fake processes what was uploaded: bytes that are no listings feed end FATAL with a feed-level issue."""
    with client(sp_api, fake_clock) as feeds:
        outcome = feeds.wait(feeds.submit(b'{"not": "a feed"}', [SE]), max_wait=600)
    assert outcome.status == "FATAL"
    assert [d.rule_id for d in outcome.diagnostics] == ["amazon.feed.fatal", "amazon.report.issue"]
    assert outcome.diagnostics[1].sku == ""


def test_cancelled_feed_has_no_report(sp_api, fake_clock):
    sp_api.script = ["CANCELLED"]
    with client(sp_api, fake_clock) as feeds:
        outcome = feeds.wait(feeds.submit(feed_bytes("A"), [SE]), max_wait=60)
    assert outcome.status == "CANCELLED" and outcome.failed
    assert [d.rule_id for d in outcome.diagnostics] == ["amazon.feed.cancelled"]
    assert sp_api.calls("getFeedDocument") == []


def test_stuck_feed_is_pending_after_bounded_wait_and_checked_later_without_resubmitting(sp_api, fake_clock):
    """A feed IN_PROGRESS forever: `wait` returns pending within max_wait (on the fake clock), polls at no
    more than getFeed's 2/s (the fake answers 429 above it), and a later `wait` on the same feedId finishes it."""
    sp_api.script = ["IN_PROGRESS"]
    with client(sp_api, fake_clock) as feeds:
        feed_id = feeds.submit(feed_bytes("A"), [SE])
        started = fake_clock.now
        outcome = feeds.wait(feed_id, max_wait=900)
        assert outcome.status == "IN_PROGRESS" and outcome.pending and not outcome.failed
        assert outcome.diagnostics == [] and outcome.summary == {}
        assert fake_clock.now - started <= 900
        polls = len(sp_api.calls("getFeed"))
        assert 3 <= polls <= 40  # growing intervals, not a busy loop

        sp_api.script = ["DONE"]
        assert feeds.wait(feed_id, max_wait=0).status == "DONE"
    assert len(sp_api.calls("createFeed")) == 1 and len(sp_api.calls("upload")) == 1
    assert all(r.operation != "getFeed" or r.path.endswith(feed_id) for r in sp_api.requests)


def test_rate_limits_are_respected_without_429(sp_api, fake_clock):
    """Usage plans: createFeed 0.0083/s burst 15, createFeedDocument 0.0083/s burst 15 (model) — twenty feeds in
    a row go through without a single 429 from the fake, which enforces them on the same clock."""
    with client(sp_api, fake_clock) as feeds:
        ids = [feeds.submit(feed_bytes(f"S{n}"), [SE]) for n in range(20)]
    assert len(set(ids)) == 20
    assert len(sp_api.calls("createFeed")) == 20  # no 429 → no repeat
    assert [r for r in sp_api.requests if r.status == 429] == []
    assert fake_clock.now - 1000.0 >= 5 / 0.0083 * 0.99  # five over the burst had to wait for tokens


def test_429_with_retry_after_is_honoured(sp_api, fake_clock):
    """429 'The frequency of requests was greater than allowed' is retried, waiting at least Retry-After."""
    sp_api.fail("createFeed", 429, headers={"Retry-After": "42"}, body={"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota."}]})
    with client(sp_api, fake_clock) as feeds:
        feed_id = feeds.submit(feed_bytes("A"), [SE])
    assert feed_id and len(sp_api.calls("createFeed")) == 2
    assert max(fake_clock.sleeps) >= 42


def test_server_errors_are_retried_then_given_up(sp_api, fake_clock):
    sp_api.fail("getFeed", 500, times=2)
    with client(sp_api, fake_clock) as feeds:
        feed_id = feeds.submit(feed_bytes("A"), [SE])
        assert feeds.wait(feed_id, max_wait=600).status == "DONE"
        sp_api.fail("getFeed", 503, times=100)
        with pytest.raises(GaveUp) as raised:
            feeds.wait(feed_id, max_wait=0)
    assert "amazon getFeed: HTTP 503" in str(raised.value) and "\n" not in str(raised.value)


def test_expired_presigned_url_gets_one_fresh_document(sp_api, fake_clock):
    """createFeedDocument's url 'expires after 5 minutes': a 403 on the PUT → a new document, once."""
    sp_api.expire_next_documents(1)
    data = feed_bytes("A")
    with client(sp_api, fake_clock) as feeds:
        feed_id = feeds.submit(data, [SE])
    first, second = sp_api.calls("upload")
    assert first.path != second.path and second.body == data
    assert len(sp_api.calls("createFeedDocument")) == 2
    assert sp_api.calls("createFeed")[0].json()["inputFeedDocumentId"] == second.path.rsplit("/", 1)[1]
    assert sp_api.uploaded(feed_id) == data


def test_presigned_url_refused_twice_is_one_line_without_signature(sp_api, fake_clock):
    sp_api.expire_next_documents(2)
    with client(sp_api, fake_clock) as feeds, pytest.raises(DeliveryError) as raised:
        feeds.submit(feed_bytes("A"), [SE])
    message = str(raised.value)
    assert message == "amazon upload: the presigned URL was refused twice (HTTP 403 AccessDenied)"
    assert not any(secret in message for secret in secrets_of(sp_api))
    assert sp_api.calls("createFeed") == []


def test_expired_report_url_is_asked_again(sp_api, fake_clock):
    with client(sp_api, fake_clock) as feeds:
        feed_id = feeds.submit(feed_bytes("A"), [SE])
        sp_api.expire_next_documents(1)
        outcome = feeds.wait(feed_id, max_wait=600)
    assert outcome.status == "DONE" and len(sp_api.calls("getFeedDocument")) == 2


@pytest.mark.parametrize(
    "field, expected",
    [("refresh_token", "(invalid_grant)"), ("client_secret", "(invalid_client)")],
)
def test_refused_credentials_are_one_line_auth_errors_without_retry(sp_api, fake_clock, field, expected):
    """LWA answers 400 invalid_grant / 401 invalid_client: AuthenticationError, not retried, no secret in it."""
    wrong = f"wrong-{field}-value-123456"
    with client(sp_api, fake_clock, **{field: wrong}) as feeds, pytest.raises(AuthenticationError) as raised:
        feeds.submit(feed_bytes("A"), [SE])
    message = str(raised.value)
    assert expected in message and message.startswith("amazon Login with Amazon: HTTP 40")
    assert wrong not in message and not any(s in message for s in secrets_of(sp_api))
    assert len(sp_api.calls("token")) == 1 and sp_api.calls("createFeedDocument") == []


def test_expired_access_token_is_refreshed_once(sp_api, fake_clock):
    """SP-API answers 403 'The access token you provided has expired': one new LWA token, then go on;
    a token refused again is an AuthenticationError."""
    with client(sp_api, fake_clock) as feeds:
        feeds.submit(feed_bytes("A"), [SE])
        sp_api.tokens.clear()  # the server forgets every token it issued
        feed_id = feeds.submit(feed_bytes("B"), [SE])
        assert feed_id and len(sp_api.calls("token")) == 2
        sp_api.fail("getFeed", 403, times=2, body={"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied."}]})
        with pytest.raises(AuthenticationError, match=r"^amazon getFeed: the access token was refused \(HTTP 403\)$"):
            feeds.wait(feed_id, max_wait=0)


def test_token_cache_respects_expires_in(sp_api, fake_clock):
    sp_api.token_lifetime = 120.0
    with client(sp_api, fake_clock) as feeds:
        feed_id = feeds.submit(feed_bytes("A"), [SE])
        fake_clock.sleep(61)  # past expires_in minus the refresh margin
        feeds.wait(feed_id, max_wait=0)
    assert len(sp_api.calls("token")) == 2


def test_unknown_marketplace_is_refused_not_retried(sp_api, fake_clock):
    """CreateFeedSpecification.marketplaceIds: an id the regional endpoint does not serve is a 400 ErrorList."""
    sp_api.region = "eu"
    with client(sp_api, fake_clock) as feeds, pytest.raises(DeliveryError) as raised:
        feeds.submit(feed_bytes("A"), ["ATVPDKIKX0DER"])
    assert str(raised.value) == "amazon createFeed: HTTP 400 (InvalidInput Invalid marketplaceIds.)"
    assert len(sp_api.calls("createFeed")) == 1


def test_create_feed_is_not_resent_after_a_lost_answer(sp_api, fake_clock):
    """A createFeed whose answer was lost may have queued the feed: resending could queue it twice."""
    sp_api.fail("createFeedDocument", drop=True)
    sp_api.fail("createFeed", drop=True)
    with client(sp_api, fake_clock) as feeds, pytest.raises(DeliveryError) as raised:
        feeds.submit(feed_bytes("A"), [SE])
    assert "it may have been applied, so it is not sent again" in str(raised.value)
    assert len(sp_api.calls("createFeedDocument")) == 2  # harmless to repeat: retried
    assert len(sp_api.calls("createFeed")) == 1


def test_bad_input_is_refused_before_any_call(sp_api, fake_clock):
    with client(sp_api, fake_clock) as feeds:
        with pytest.raises(DeliveryError, match="not valid UTF-8"):
            feeds.submit("grå".encode("latin-1"), [SE])
        with pytest.raises(DeliveryError, match="marketplace ids"):
            feeds.submit(feed_bytes("A"), [])
    assert sp_api.requests == []


def test_report_that_breaks_its_schema_is_one_diagnostic(sp_api, fake_clock):
    sp_api.report_override = json.dumps({"header": {"sellerId": "X", "version": "2.0"}, "issues": []}).encode()
    with client(sp_api, fake_clock) as feeds:
        outcome = feeds.wait(feeds.submit(feed_bytes("A"), [SE]), max_wait=600)
    (diagnostic,) = outcome.diagnostics
    assert diagnostic.rule_id == "amazon.report.unreadable" and diagnostic.severity == "error"
    assert "schema v2" in diagnostic.message and outcome.summary == {}


def test_read_report_checks_feed_id_and_json():
    report = {"header": {"sellerId": "X", "version": "2.0", "feedId": "1"}, "issues": [],
              "summary": {"errors": 0, "warnings": 0, "messagesProcessed": 1, "messagesAccepted": 1, "messagesInvalid": 0}}
    assert read_report(json.dumps(report).encode(), feed_id="1")[1] == []
    assert "report of feed 1" in read_report(json.dumps(report).encode(), feed_id="2")[1][0].message
    assert "not JSON" in read_report(gzip.compress(b"{}"), feed_id="1")[1][0].message


def test_no_secret_in_logs_or_errors(sp_api, fake_clock, caplog):
    """Secrets never in logs or exceptions: httpx logs full URLs at INFO; the presigned signature is cut."""
    caplog.set_level(logging.DEBUG)
    messages = []
    with client(sp_api, fake_clock) as feeds:
        feed_id = feeds.submit(feed_bytes("A"), [SE])
        feeds.wait(feed_id, max_wait=600)
        sp_api.fail("getFeed", 400, body={"errors": [{"code": "InvalidInput", "message": f"bad {sp_api.issued_tokens()[0]}"}]})
        with pytest.raises(DeliveryError) as raised:
            feeds.wait(feed_id, max_wait=0)
        messages.append(str(raised.value))
    text = caplog.text + "\n".join(messages)
    assert "presigned" in caplog.text  # the requests were logged …
    assert "***" in messages[0]
    assert not any(secret in text for secret in secrets_of(sp_api))  # … without a secret


def test_every_call_has_a_timeout(sp_api, fake_clock):
    """A server that does not answer in time: a read (getFeed) is retried; a createFeed is not (see above)."""
    with client(sp_api, fake_clock, timeout=0.3) as feeds:
        sp_api.fail("getFeed", 200, delay=1.5, body={"processingStatus": "DONE"})
        feed_id = feeds.submit(feed_bytes("A"), [SE])
        assert feeds.wait(feed_id, max_wait=600).status == "DONE"
        assert len(sp_api.calls("getFeed")) >= 2
        sp_api.fail("createFeed", 202, delay=1.5, body={"feedId": "1"})
        with pytest.raises(DeliveryError, match=r"^amazon createFeed: timed out \(ReadTimeout\) after the request was sent"):
            feeds.submit(feed_bytes("B"), [SE])


def test_sample_builds_amazon_feeds_go_through_whole(built_sample, sp_api, fake_clock):
    """The sample project's published amazon/<market>.json files, each to its market's marketplace id (from
    markets.toml): uploaded byte for byte, and every message passes the fake's check against
    listings-feed-schema-v2.json, so Amazon's report accepts them all."""
    markets = {m.id: m for m in built_sample.config.markets.values() if "amazon" in m.settings}
    files = sorted((built_sample.out / "amazon").glob("*.json"))
    assert files  # the markets whose channels include amazon
    with client(sp_api, fake_clock) as feeds:
        for path in files:
            market = markets[path.stem.split("-")[0].upper()]
            data = path.read_bytes()
            feed_id = feeds.submit(data, [market.settings["amazon"].marketplace_id])
            outcome = feeds.wait(feed_id, max_wait=600, market=market.id)
            assert sp_api.uploaded(feed_id) == data
            assert sp_api.feeds[feed_id].marketplace_ids == [market.settings["amazon"].marketplace_id]
            assert outcome.status == "DONE" and outcome.diagnostics == [], outcome.diagnostics[:3]
            assert outcome.summary["messagesAccepted"] == len(json.loads(data)["messages"])


def test_lower_announced_rate_is_adopted(sp_api, fake_clock):
    """x-amzn-RateLimit-Limit ('Your rate limit (requests per second) for this operation'): a seller whose
    getFeed plan is lower than the published default is polled at that rate, without meeting a 429."""
    sp_api.rates["getFeed"] = (0.05, 15)
    sp_api.script = ["IN_PROGRESS"] * 30 + ["DONE"]
    with client(sp_api, fake_clock, poll_first=1.0, poll_cap=1.0) as feeds:
        outcome = feeds.wait(feeds.submit(feed_bytes("A"), [SE]), max_wait=3600)
    assert outcome.status == "DONE"
    assert [r.status for r in sp_api.requests if r.status == 429] == []
    assert fake_clock.now - 1000.0 >= 250  # 20 s apart once the burst of 15 is spent, not 1 s
