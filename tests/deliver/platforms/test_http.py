"""The shared HTTP rules: secret redaction, Retry-After (RFC 9110 §10.2.3), token-bucket rate limits."""

from __future__ import annotations

import email.utils

import httpx

from feedgen.deliver.platforms.http import RateLimit, RateLimiter, Redactor, describe, retry_after
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
