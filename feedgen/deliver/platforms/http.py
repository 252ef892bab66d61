"""One HTTP path for the platform APIs: timeouts, rate limits, retry classes, secret-free messages.

Every platform client sends its requests through `ApiSession.send`, so the rules that keep a
nightly delivery safe hold for all of them in one place:

- every call has a timeout (httpx refuses to send without one; we set connect/read/write explicitly);
- 429 and 5xx, resets and timeouts become `Transient` (with the server's `Retry-After`), which
  `call_with_retry` retries within its budget; everything else is final;
- a request that may have changed state on the server (a POST that creates something) is NOT
  retried after the request went out and no answer came back: trying again could create it twice;
- per-operation token buckets keep us under the platform's published rate (Amazon publishes a rate
  and a burst per operation and answers 429 above it);
- messages are one line, name the platform and the operation, never a URL's query string (a
  presigned URL's signature is a credential) and never a secret: every message passes through
  `Redactor`, which knows the session's secrets, before it leaves.

httpx rather than requests: its timeouts are on by default and per phase, and a client object carries
no global state (requests has no default timeout at all, so one forgotten argument hangs the job).
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, TypeVar

import httpx

from feedgen.deliver.errors import AuthenticationError, DeliveryError
from feedgen.deliver.retry import Backoff, Transient, call_with_retry

T = TypeVar("T")
MAX_MESSAGE = 300
SLACK_S = 0.05
_QUERY = re.compile(r"\?[^\s\"']*")


class _NoQueryStrings(logging.Filter):
    """httpx logs every request's full URL at INFO; a presigned URL's query string is a credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = _QUERY.sub("?…", record.getMessage()), ()
        return True


for _name in ("httpx", "httpcore"):
    if not any(isinstance(f, _NoQueryStrings) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(_NoQueryStrings())


class Redactor:
    """Replaces every known secret in a text with `***` and folds it onto one short line."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        # Very short values would blank out ordinary words; real tokens are long.
        self._secrets.update(s for s in secrets if s and len(s) >= 6)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        line = " ".join(text.split())
        return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 1] + "…"


def retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


@dataclass(frozen=True)
class RateLimit:
    """A published usage plan: `rate` requests per second, bucket of `burst`."""

    rate: float
    burst: int


@dataclass
class _Bucket:
    limit: RateLimit
    tokens: float
    at: float


class RateLimiter:
    """Token buckets per operation, on the backoff's (injectable) clock and sleep, so tests run instantly.

    The bucket starts full, as the platform's does for a caller that has been quiet; if another process
    spent it, the platform's 429 is retried like any transient fault."""

    def __init__(self, limits: Mapping[str, RateLimit], backoff: Backoff) -> None:
        self._limits = dict(limits)
        self._backoff = backoff
        self._buckets: dict[str, _Bucket] = {}

    def acquire(self, operation: str) -> None:
        limit = self._limits.get(operation)
        if limit is None:
            return
        now = self._backoff.clock()
        bucket = self._buckets.setdefault(operation, _Bucket(limit, float(limit.burst), now))
        bucket.tokens = min(float(bucket.limit.burst), bucket.tokens + (now - bucket.at) * bucket.limit.rate)
        bucket.at = now
        if bucket.tokens < 1.0:
            # a hair more than the exact refill time: the platform's clock is not ours, and an exact wait
            # meets rounding on its side (0.99999 tokens is a 429)
            wait = (1.0 - bucket.tokens) / bucket.limit.rate + SLACK_S
            self._backoff.sleep(wait)
            bucket.tokens, bucket.at = 1.0, now + wait
        bucket.tokens -= 1.0

    def observe(self, operation: str, header: str | None) -> None:
        """Adopt the rate the platform says applies to us (Amazon's `x-amzn-RateLimit-Limit`)."""
        bucket = self._buckets.get(operation)
        try:
            rate = float(header) if header else 0.0
        except ValueError:
            return
        if bucket and rate > 0:
            bucket.limit = RateLimit(rate, bucket.limit.burst)


@dataclass
class ApiSession:
    """An httpx client plus the rules above, for one platform (`platform` names it in messages)."""

    platform: str
    backoff: Backoff = field(default_factory=Backoff)
    timeout: float = 30.0
    limits: Mapping[str, RateLimit] = field(default_factory=dict)
    redact: Redactor = field(default_factory=Redactor)
    client: httpx.Client | None = None

    def __post_init__(self) -> None:
        if self.client is None:
            # No redirects: a redirect could carry an Authorization header to another host.
            self.client = httpx.Client(timeout=httpx.Timeout(self.timeout), follow_redirects=False)
        self.limiter = RateLimiter(self.limits, self.backoff)

    def close(self) -> None:
        assert self.client is not None
        self.client.close()

    def fail(self, operation: str, what: str) -> DeliveryError:
        return DeliveryError(self.redact(f"{self.platform} {operation}: {what}"))

    def send(
        self,
        operation: str,
        method: str,
        url: str,
        *,
        ok: Iterable[int] = (200,),
        idempotent: bool = True,
        classify: Callable[[httpx.Response], Exception | None] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request with retries; returns a response whose status is in `ok`.

        `classify` lets a platform turn its own error bodies into the right exception (an auth refusal,
        a rate-limit code in a 400) before the generic rules apply; return None to fall through."""
        accepted = frozenset(ok)

        def attempt() -> httpx.Response:
            self.limiter.acquire(operation)
            assert self.client is not None
            try:
                response = self.client.request(method, url, **kwargs)
            except (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL) as error:  # our mistake: final
                raise self.fail(operation, f"unusable URL or request ({type(error).__name__})") from None
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:  # nothing reached the server
                raise Transient(self.redact(f"{self.platform} {operation}: cannot connect ({type(error).__name__})")) from None
            except httpx.TimeoutException as error:
                raise self._lost(operation, idempotent, f"timed out ({type(error).__name__})") from None
            except httpx.TransportError as error:
                raise self._lost(operation, idempotent, f"connection failed ({type(error).__name__})") from None
            self.limiter.observe(operation, response.headers.get("x-amzn-RateLimit-Limit"))
            if response.status_code in accepted:
                return response
            if classify is not None:
                special = classify(response)
                if special is not None:
                    raise special
            what = f"HTTP {response.status_code}{describe(response)}"
            if response.status_code == 429 or response.status_code >= 500:  # the server says it did not do it
                raise Transient(
                    self.redact(f"{self.platform} {operation}: {what}"),
                    retry_after=retry_after(response.headers.get("Retry-After")),
                )
            raise self.fail(operation, what)

        return call_with_retry(attempt, self.backoff)

    def _lost(self, operation: str, idempotent: bool, what: str) -> Exception:
        """The request may have reached the server: retry only what is safe to repeat."""
        if idempotent:
            return Transient(self.redact(f"{self.platform} {operation}: {what}"))
        return self.fail(operation, f"{what} after the request was sent; it may have been applied, so it is not sent again")

    def json(self, response: httpx.Response, operation: str) -> Any:
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise self.fail(operation, f"HTTP {response.status_code} answer is not JSON") from None


def describe(response: httpx.Response) -> str:
    """The platform's own short error text, if the body has one in a shape we know (never the URL)."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ""
    texts: list[str] = []
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list):  # SP-API ErrorList
            texts += [f"{e.get('code', '')} {e.get('message', '')}".strip() for e in errors if isinstance(e, dict)]
        error = body.get("error")
        if isinstance(error, dict):  # Graph API / Google APIs
            texts.append(str(error.get("message") or error.get("status") or ""))
        elif isinstance(error, str):  # OAuth 2.0 token endpoint (RFC 6749 §5.2)
            texts.append(error)
    texts = [t for t in texts if t]
    return f" ({'; '.join(texts)})" if texts else ""


class PlatformClient:
    """Base of the platform clients: owns an `ApiSession` (`self.http`) and closes it as a context manager."""

    http: ApiSession

    def close(self) -> None:
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def poll(check: Callable[[], T], pending: Callable[[T], bool], max_wait: float, backoff: Backoff, first: float, cap: float) -> T:
    """Call `check` until its result is no longer `pending` or `max_wait` seconds have passed (0: once).

    Intervals grow from `first` by half each time up to `cap`, on the backoff's clock and sleep; the last
    check happens at the deadline, so a result that just finished is not reported as pending."""
    deadline, interval = backoff.clock() + max_wait, first
    while True:
        result = check()
        remaining = deadline - backoff.clock()
        if not pending(result) or remaining <= 0:
            return result
        backoff.sleep(min(interval, remaining))
        interval = min(interval * 1.5, cap)


TOKEN_MARGIN_S = 60.0  # refresh an access token this long before its stated expiry


def oauth_token(http: ApiSession, operation: str, url: str, form: dict[str, str], refused: str) -> tuple[str, float]:
    """An OAuth 2.0 token request (RFC 6749 §4 / RFC 7523): → (access token, clock time to refresh it).

    400/401/403 are refusals of the credentials (RFC 6749 §5.2: invalid_grant, invalid_client, …):
    `AuthenticationError` naming the OAuth error code and `refused`, never retried. The token joins the
    session's secrets at once."""

    def classify(response: httpx.Response) -> Exception | None:
        if response.status_code not in (400, 401, 403):
            return None
        try:
            code = response.json().get("error", "")
        except (ValueError, AttributeError):
            code = ""
        reason = f" ({code})" if isinstance(code, str) and re.fullmatch(r"[a-z_]{1,40}", code) else ""
        return AuthenticationError(http.redact(f"{http.platform} {operation}: HTTP {response.status_code}{reason}: {refused}"))

    response = http.send(
        operation, "POST", url, data=form, headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
        classify=classify,
    )
    body = http.json(response, operation)
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise http.fail(operation, "answer has no access_token")
    http.redact.add(token)
    try:
        lifetime = float(body.get("expires_in", 3600))
    except (TypeError, ValueError):
        lifetime = 3600.0
    return token, http.backoff.clock() + max(0.0, lifetime - TOKEN_MARGIN_S)
