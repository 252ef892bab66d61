"""The shared HTTP rules: secret redaction, Retry-After (RFC 9110 §10.2.3), token-bucket rate limits, which
transport failures are retried."""

from __future__ import annotations

import email.utils
import socket

import httpx
import pytest

from feedgen.deliver.errors import DeliveryError
from feedgen.deliver.platforms.http import ApiSession, RateLimit, RateLimiter, Redactor, describe, retry_after
from feedgen.deliver.retry import GaveUp
from tests.deliver.fakes.fixtures import FakeClock


def test_redactor_blanks_every_secret_and_folds_to_one_short_line():
    redact = Redactor(["s3cr3t-refresh", None, "abc"])  # too short to be a token: left alone
    redact.add("Atza|token-value")
    text = redact("refused s3cr3t-refresh\nand Atza|token-value, abc " + "x" * 400)
    assert "s3cr3t" not in text and "Atza|" not in text and "\n" not in text
    assert text.startswith("refused *** and ***, abc ") and len(text) == 300 and text.endswith("…")


def test_retry_after_takes_seconds_or_an_http_date():
    assert retry_after("120") == 120.0
    now = 1_800_000_000.0
    assert retry_after(email.utils.formatdate(now + 30, usegmt=True), now=lambda: now) == 30.0
    assert retry_after(email.utils.formatdate(now - 30, usegmt=True), now=lambda: now) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_rate_limiter_allows_the_burst_then_spaces_calls_at_the_rate():
    clock = FakeClock()
    limiter = RateLimiter({"createFeed": RateLimit(0.5, 3)}, clock.backoff())
    for _ in range(3):
        limiter.acquire("createFeed")
    assert clock.sleeps == []
    limiter.acquire("createFeed")
    limiter.acquire("createFeed")
    assert clock.sleeps == [2.05, 2.05]  # 1 token at 0.5/s, plus a little slack
    limiter.acquire("unlimited")  # operations without a plan are not held
    assert len(clock.sleeps) == 2


def test_rate_limiter_adopts_the_rate_the_platform_announces():
    """SP-API sends x-amzn-RateLimit-Limit with the rate that applies to this seller and operation."""
    clock = FakeClock()
    limiter = RateLimiter({"getFeed": RateLimit(2.0, 1)}, clock.backoff())
    limiter.acquire("getFeed")
    limiter.observe("getFeed", "0.25")
    limiter.observe("getFeed", "not a number")
    limiter.acquire("getFeed")
    assert clock.sleeps == [4.05]


def test_describe_reads_the_platforms_error_shapes_only():
    def response(body: bytes) -> httpx.Response:
        return httpx.Response(400, content=body)

    assert describe(response(b'{"errors": [{"code": "InvalidInput", "message": "Bad id"}]}')) == " (InvalidInput Bad id)"
    assert describe(response(b'{"error": {"message": "Invalid OAuth access token", "code": 190}}')) == " (Invalid OAuth access token)"
    assert describe(response(b'{"error": "invalid_grant", "error_description": "x"}')) == " (invalid_grant)"
    assert describe(response(b"<html>oops</html>")) == ""


def test_a_url_without_scheme_fails_at_once_and_nothing_is_retried():
    """A configuration slip (a host without https://) is one final line, not five minutes of retries."""
    clock = FakeClock()
    session = ApiSession("amazon", backoff=clock.backoff(), timeout=1.0)
    with pytest.raises(DeliveryError, match=r"^amazon getFeed: unusable URL or request \(UnsupportedProtocol\)$"):
        session.send("getFeed", "GET", "sellingpartnerapi-eu.amazon.com/feeds/2021-06-30/feeds/1")
    assert clock.sleeps == []
    session.close()


def test_connection_refused_is_transient():
    """Nothing listens on the port: retried (the service may be restarting), then given up within the budget."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = FakeClock()
    session = ApiSession("meta", backoff=clock.backoff(max_attempts=3), timeout=1.0)
    with pytest.raises(GaveUp, match=r"^meta trigger upload: cannot connect \(ConnectError\) \(gave up after 3 attempt\(s\)\)$"):
        session.send("trigger upload", "POST", f"http://127.0.0.1:{port}/v24.0/1/uploads")
    assert len(clock.sleeps) == 2
    session.close()
