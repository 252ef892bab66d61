"""Amazon SP-API Feeds API 2021-06-30, end to end, for JSON_LISTINGS_FEED.

The flow (SPECS.md §5 "Amazon SP-API Feeds 2021-06-30"; amzn/selling-partner-api-models
models/feeds-api-model/feeds_2021-06-30.json; docs "Feeds API v2021-06-30 use case guide"):

1. Login with Amazon: POST the refresh-token grant to the token URL → an access token (cached until
   shortly before `expires_in`), sent as `x-amz-access-token` (no SigV4 since 2023-10-02).
2. createFeedDocument `POST /feeds/2021-06-30/documents {contentType}` → 201 {feedDocumentId, url}.
3. PUT the exact bytes to the presigned `url` with that same Content-Type (the URL is signed for it and
   expires after 5 minutes: a 403 there gets one fresh document). The access token never goes there.
4. createFeed `POST /feeds/2021-06-30/feeds {feedType, marketplaceIds, inputFeedDocumentId}` → 202 {feedId}.
   Not retried once the request went out without an answer: it could queue the same feed twice.
5. getFeed `GET /feeds/2021-06-30/feeds/{feedId}` until DONE / FATAL / CANCELLED, or until the caller's
   bounded wait ends: then the outcome is *pending* and the caller keeps the feedId to ask again later
   (`wait` again), never resubmitting — a feed stuck IN_PROGRESS blocks the seller's later feeds anyway.
6. getFeedDocument for `resultFeedDocumentId` → {url, compressionAlgorithm?}; download, gunzip if GZIP,
   check against listings-feed-processing-report-schema-v2.json; each issue becomes a Diagnostic.

Rate limits are the published usage plans (below); 429 is retried honouring Retry-After."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Sequence

import httpx

from feedgen.deliver.errors import AuthenticationError, DeliveryError
from feedgen.deliver.platforms.issues import rule_id
from feedgen.deliver.platforms.http import ApiSession, PlatformClient, RateLimit, Redactor, oauth_token, poll
from feedgen.deliver.retry import Backoff
from feedgen.diagnostics import Diagnostic

API = "/feeds/2021-06-30"
FEED_TYPE = "JSON_LISTINGS_FEED"
CONTENT_TYPE = "application/json; charset=UTF-8"
TERMINAL = frozenset({"DONE", "FATAL", "CANCELLED"})
PENDING = frozenset({"IN_QUEUE", "IN_PROGRESS"})

# Usage plans from feeds_2021-06-30.json (operation descriptions). SPECS.md lists createFeedDocument at
# 0.5/s; the model at commit 061b6a12 says 0.0083/s: we keep to the stricter one (burst 15 covers a run).
RATE_LIMITS = {
    "createFeedDocument": RateLimit(0.0083, 15),
    "createFeed": RateLimit(0.0083, 15),
    "getFeed": RateLimit(2.0, 15),
    "getFeedDocument": RateLimit(0.0222, 10),
}
SEVERITIES = {"ERROR": "error", "WARNING": "warning", "INFO": "info"}


@dataclass
class FeedOutcome:
    """What Amazon said about one feed. `pending` outcomes carry no report yet: ask again with `wait`."""

    feed_id: str
    status: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def pending(self) -> bool:
        return self.status in PENDING

    @property
    def failed(self) -> bool:
        """FATAL, CANCELLED, or DONE with every processed message rejected."""
        if self.status in ("FATAL", "CANCELLED"):
            return True
        processed = self.summary.get("messagesProcessed", 0)
        return self.status == "DONE" and processed > 0 and self.summary.get("messagesAccepted", 0) == 0

    def confirmation(self) -> str:
        """One line for the delivery summary table."""
        if not self.summary:
            return f"feed {self.feed_id} {self.status}"
        s = self.summary
        return (
            f"feed {self.feed_id} {self.status}: {s.get('messagesAccepted', 0)} accepted, "
            f"{s.get('messagesInvalid', 0)} invalid, {s.get('errors', 0)} errors, {s.get('warnings', 0)} warnings"
        )


class _Denied(Exception):
    """SP-API refused the access token (401/403): refresh it once before calling it an auth failure."""


class _UrlRefused(Exception):
    """A presigned URL answered 403 (expired after its 5 minutes, or signed for something else)."""


class LwaTokens:
    """Login with Amazon access tokens from the refresh-token grant, cached until shortly before expiry."""

    def __init__(self, http: ApiSession, token_url: str, client_id: str, client_secret: str, refresh_token: str):
        self._http, self._url = http, token_url
        self._form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._token: str | None = None
        self._refresh_at = 0.0

    def get(self) -> str:
        if self._token is None or self._http.backoff.clock() >= self._refresh_at:
            self._token, self._refresh_at = oauth_token(
                self._http, "Login with Amazon", self._url, self._form,
                "the client id, client secret or refresh token was refused",
            )
        return self._token

    def invalidate(self) -> None:
        self._token = None


class FeedsClient(PlatformClient):
    """Submit feeds to one SP-API endpoint and read their outcome.

    `endpoint` is the regional host (https://sellingpartnerapi-eu.amazon.com), the sandbox, or a local
    test server; `token_url` the LWA token endpoint. `backoff` bounds retries and supplies the clock and
    sleep used for rate limiting and polling (tests inject instant ones)."""

    def __init__(
        self,
        endpoint: str,
        token_url: str = "https://api.amazon.com/auth/o2/token",
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        backoff: Backoff | None = None,
        timeout: float = 30.0,
        poll_first: float = 5.0,
        poll_cap: float = 60.0,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.http = ApiSession(
            "amazon",
            backoff=backoff or Backoff(),
            timeout=timeout,
            limits=RATE_LIMITS,
            redact=Redactor([client_id, client_secret, refresh_token]),
        )
        self.tokens = LwaTokens(self.http, token_url, client_id, client_secret, refresh_token)
        self.poll_first, self.poll_cap = poll_first, poll_cap

    # ---- submit -------------------------------------------------------------------------------

    def submit(
        self,
        data: bytes,
        marketplace_ids: Sequence[str],
        feed_type: str = FEED_TYPE,
        content_type: str = CONTENT_TYPE,
    ) -> str:
        """Upload `data` unchanged and create the feed; returns Amazon's feedId."""
        ids = list(marketplace_ids)
        if not 1 <= len(ids) <= 25 or not all(isinstance(m, str) and m for m in ids):
            raise DeliveryError("amazon createFeed: between 1 and 25 marketplace ids are required")
        if "charset=utf-8" in content_type.replace(" ", "").lower():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DeliveryError(f"amazon: the feed is not valid UTF-8 (byte {error.start})") from None
        document_id = self._upload(data, content_type)
        body = {"feedType": feed_type, "marketplaceIds": ids, "inputFeedDocumentId": document_id}
        answer = self._api("createFeed", "POST", f"{API}/feeds", body=body, ok=(202,), idempotent=False)
        feed_id = answer.get("feedId")
        if not isinstance(feed_id, str) or not feed_id:
            raise self.http.fail("createFeed", "answer has no feedId")
        return feed_id

    def _upload(self, data: bytes, content_type: str) -> str:
        for attempt in (1, 2):
            document = self._api("createFeedDocument", "POST", f"{API}/documents", body={"contentType": content_type}, ok=(201,))
            document_id, url = document.get("feedDocumentId"), document.get("url")
            if not isinstance(document_id, str) or not isinstance(url, str):
                raise self.http.fail("createFeedDocument", "answer lacks feedDocumentId or url")
            try:
                self.http.send(
                    "upload",
                    "PUT",
                    url,
                    content=data,
                    headers={"Content-Type": content_type},
                    classify=_presigned_refusal,
                )
                return document_id
            except _UrlRefused as refused:
                if attempt == 2:
                    raise self.http.fail("upload", f"the presigned URL was refused twice ({refused})") from None
        raise AssertionError("unreachable")  # pragma: no cover

    # ---- outcome ------------------------------------------------------------------------------

    def wait(self, feed_id: str, max_wait: float, *, market: str = "") -> FeedOutcome:
        """Poll getFeed (growing intervals, within the rate limit) for at most `max_wait` seconds.

        `max_wait=0` asks once. A terminal status fetches and reads the processing report."""
        def check() -> dict:
            feed = self._api("getFeed", "GET", f"{API}/feeds/{feed_id}")
            if feed.get("processingStatus") not in TERMINAL | PENDING:
                raise self.http.fail("getFeed", f"unknown processingStatus {str(feed.get('processingStatus'))[:40]!r}")
            return feed

        feed = poll(check, lambda f: f["processingStatus"] in PENDING, max_wait, self.http.backoff, self.poll_first, self.poll_cap)
        status = feed["processingStatus"]
        if status in PENDING:
            return FeedOutcome(feed_id, status)
        return self._finished(feed_id, status, feed.get("resultFeedDocumentId"), market)

    def _finished(self, feed_id: str, status: str, document_id: Any, market: str) -> FeedOutcome:
        outcome = FeedOutcome(feed_id, status)
        if isinstance(document_id, str) and document_id:
            raw = self._download_report(document_id)
            outcome.summary, outcome.diagnostics = read_report(raw, feed_id=feed_id, market=market)
        if status != "DONE":
            what = "was cancelled before processing" if status == "CANCELLED" else "was aborted by a fatal error"
            outcome.diagnostics.insert(
                0, Diagnostic(f"amazon.feed.{status.lower()}", "error", f"feed {feed_id} {what}", market=market, channel="amazon")
            )
        elif outcome.failed:
            outcome.diagnostics.insert(
                0,
                Diagnostic(
                    "amazon.feed.all_rejected",
                    "error",
                    f"feed {feed_id} is DONE but Amazon accepted none of its {outcome.summary['messagesProcessed']} messages",
                    market=market,
                    channel="amazon",
                ),
            )
        return outcome

    def _download_report(self, document_id: str) -> bytes:
        for attempt in (1, 2):
            document = self._api("getFeedDocument", "GET", f"{API}/documents/{document_id}")
            url = document.get("url")
            if not isinstance(url, str):
                raise self.http.fail("getFeedDocument", "answer has no url")
            try:
                response = self.http.send("download report", "GET", url, classify=_presigned_refusal)
            except _UrlRefused as refused:
                if attempt == 2:
                    raise self.http.fail("download report", f"the presigned URL was refused twice ({refused})") from None
                continue
            algorithm = document.get("compressionAlgorithm")
            if algorithm is None:
                return response.content
            if algorithm != "GZIP":
                raise self.http.fail("getFeedDocument", f"unknown compressionAlgorithm {str(algorithm)[:20]!r}")
            try:
                return gzip.decompress(response.content)
            except (OSError, EOFError, zlib.error):
                raise self.http.fail("download report", "the report is marked GZIP but does not decompress") from None
        raise AssertionError("unreachable")  # pragma: no cover

    # ---- plumbing -----------------------------------------------------------------------------

    def _api(
        self, operation: str, method: str, path: str, *, body: Any = None, ok: Sequence[int] = (200,), idempotent: bool = True
    ) -> dict:
        """A call to the SP-API itself: access token header, JSON in and out, one token refresh on 401/403."""
        for fresh in (False, True):
            headers = {"x-amz-access-token": self.tokens.get(), "Accept": "application/json"}
            kwargs: dict[str, Any] = {}
            if body is not None:
                headers["Content-Type"] = "application/json"
                kwargs["content"] = json.dumps(body).encode("utf-8")
            try:
                response = self.http.send(
                    operation, method, self.endpoint + path, ok=ok, idempotent=idempotent, classify=_token_refusal,
                    headers=headers, **kwargs,
                )
            except _Denied as denied:
                self.tokens.invalidate()
                if fresh:
                    raise AuthenticationError(
                        self.http.redact(f"amazon {operation}: the access token was refused ({denied})")
                    ) from None
                continue
            answer = self.http.json(response, operation)
            if not isinstance(answer, dict):
                raise self.http.fail(operation, "answer is not a JSON object")
            return answer
        raise AssertionError("unreachable")  # pragma: no cover


def _token_refusal(response: httpx.Response) -> Exception | None:
    if response.status_code in (401, 403):
        return _Denied(f"HTTP {response.status_code}")
    return None


def _presigned_refusal(response: httpx.Response) -> Exception | None:
    if response.status_code == 403:
        code = re.search(rb"<Code>([A-Za-z]{1,40})</Code>", response.content)
        return _UrlRefused(f"HTTP 403 {code.group(1).decode()}" if code else "HTTP 403")
    return None


@lru_cache(maxsize=1)
def _report_validator():
    from jsonschema import Draft7Validator

    text = resources.files(__package__).joinpath("schemas/listings-feed-processing-report-schema-v2.json").read_text("utf-8")
    return Draft7Validator(json.loads(text))


def read_report(raw: bytes, *, feed_id: str, market: str = "") -> tuple[dict[str, Any], list[Diagnostic]]:
    """A processing report → (summary, diagnostics). A report we cannot trust is one error diagnostic,
    not an exception: the feed itself was delivered and the other feeds go on."""

    def unreadable(why: str) -> tuple[dict[str, Any], list[Diagnostic]]:
        return {}, [
            Diagnostic("amazon.report.unreadable", "error", f"processing report of feed {feed_id}: {why}", market=market, channel="amazon")
        ]

    try:
        report = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return unreadable(f"not JSON ({type(error).__name__})")
    problem = next(iter(sorted(_report_validator().iter_errors(report), key=lambda e: list(e.absolute_path))), None)
    if problem is not None:
        where = "/".join(str(p) for p in problem.absolute_path) or "(top level)"
        return unreadable(f"does not match the processing report schema v2 at {where}: {problem.message[:120]}")
    if report["header"]["feedId"] != feed_id:
        return unreadable(f"it is the report of feed {report['header']['feedId'][:40]}")
    diagnostics = []
    for issue in report["issues"]:
        message = issue["message"]
        if "messageId" in issue:
            message += f" (message {issue['messageId']})"
        diagnostics.append(
            Diagnostic(
                rule_id("amazon.report", issue.get("code", "")),
                SEVERITIES[issue["severity"]],
                message,
                sku=issue.get("sku", ""),
                market=market,
                channel="amazon",
                field=issue.get("attributeName", ""),
            )
        )
    return dict(report["summary"]), diagnostics
