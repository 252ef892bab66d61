"""Google Merchant API v1: what Merchant Center made of the file we just uploaded by SFTP.

Merchant Center takes file contents only by upload or fetch, never through the API, so after the SFTP
upload this reads the data source's latest file upload (SPECS.md §5 "Google Merchant Center";
developers.google.com/merchant/api/reference/rest/datasources_v1/accounts.dataSources.fileUploads):

    GET https://merchantapi.googleapis.com/datasources/v1/accounts/{account}/dataSources/{dataSource}/fileUploads/latest
    → FileUpload {name, dataSourceId, processingState FAILED|IN_PROGRESS|SUCCEEDED, issues[{title, description,
      code, count, severity WARNING|ERROR, documentationUri}], itemsTotal, itemsCreated, itemsUpdated, uploadTime}

The Content API for Shopping is being shut down (SPECS.md §5), so nothing here uses it.

Auth: a service account added as a Merchant Center user. Its key JSON signs an RS256 JWT (iss =
client_email, scope content, aud = the key's own token_uri, ≤ 1 h) that is exchanged at token_uri
(RFC 7523 §2.1, Google's "Using OAuth 2.0 for Server to Server Applications"). The signing uses PyJWT
with `cryptography`: the grant is one POST, and doing it on our own HTTP session keeps its timeouts,
retries and secret-free messages; google-auth would bring a second HTTP stack (requests) with its own
retry rules for the same POST. A plain access token (no JSON) is used as it is."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import httpx
import jwt

from feedgen.deliver.errors import AuthenticationError, DeliveryError
from feedgen.deliver.platforms.issues import count, rule_id
from feedgen.deliver.platforms.http import ApiSession, PlatformClient, Redactor, oauth_token, poll
from feedgen.deliver.retry import Backoff
from feedgen.diagnostics import Diagnostic

ENDPOINT = "https://merchantapi.googleapis.com"
SCOPE = "https://www.googleapis.com/auth/content"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
KEY_FIELDS = ("client_email", "private_key", "private_key_id", "token_uri")
SEVERITIES = {"ERROR": "error", "WARNING": "warning"}
FINISHED = frozenset({"SUCCEEDED", "FAILED"})


@dataclass
class FileUploadResult:
    """The data source's latest file upload. `pending`: still processing, or older than our upload."""

    state: str
    pending: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    items_total: int = 0
    items_created: int = 0
    items_updated: int = 0
    upload_time: str = ""

    def confirmation(self) -> str:
        if self.pending:
            return f"Merchant Center has not finished processing the upload (state {self.state})"
        return (
            f"Merchant Center {self.state}: {self.items_total} items, {self.items_created} created, "
            f"{self.items_updated} updated, {sum(d.severity == 'error' for d in self.diagnostics)} error issues"
        )


class ServiceAccountKey:
    """The fields of a service-account key JSON that the JWT grant needs; its repr shows no secret."""

    def __init__(self, info: dict[str, Any]) -> None:
        missing = [name for name in KEY_FIELDS if not isinstance(info.get(name), str) or not info.get(name)]
        if missing:
            raise DeliveryError(f"google: the service-account key lacks {', '.join(missing)}")
        self.client_email: str = info["client_email"]
        self.private_key: str = info["private_key"]
        self.private_key_id: str = info["private_key_id"]
        self.token_uri: str = info["token_uri"]

    def __repr__(self) -> str:
        return f"ServiceAccountKey({self.client_email})"


class MerchantClient(PlatformClient):
    """Reads file uploads with either a service-account key JSON or an access token (`credentials`)."""

    def __init__(
        self,
        credentials: str,
        *,
        endpoint: str = ENDPOINT,
        backoff: Backoff | None = None,
        timeout: float = 30.0,
        poll_first: float = 10.0,
        poll_cap: float = 60.0,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.http = ApiSession("google", backoff=backoff or Backoff(), timeout=timeout, redact=Redactor([credentials]))
        self.key: ServiceAccountKey | None = None
        self._token: str | None = None
        self._expires = 0.0
        self._wall = wall_clock  # JWT iat/exp are wall-clock seconds, unlike the monotonic backoff clock
        self.poll_first, self.poll_cap = poll_first, poll_cap
        text = credentials.strip()
        if text.startswith("{"):
            try:
                info = json.loads(text)
            except json.JSONDecodeError as error:
                raise DeliveryError(f"google: the service-account key is not JSON (line {error.lineno})") from None
            self.key = ServiceAccountKey(info if isinstance(info, dict) else {})
            self.http.redact.add(self.key.private_key, self.key.private_key_id)
            # a PEM's base64 lines are secret too, should one appear on its own
            self.http.redact.add(*(line for line in self.key.private_key.splitlines() if len(line) > 20))
        elif text and not re.search(r"\s", text):
            self._token, self._expires = text, float("inf")
        else:
            raise DeliveryError("google: credentials must be a service-account key JSON or an access token")

    # ---- token --------------------------------------------------------------------------------

    def _access_token(self) -> str:
        if self._token is not None and self.http.backoff.clock() < self._expires:
            return self._token
        assert self.key is not None
        now = int(self._wall())
        claims = {"iss": self.key.client_email, "scope": SCOPE, "aud": self.key.token_uri, "iat": now, "exp": now + 3600}
        try:
            assertion = jwt.encode(claims, self.key.private_key, algorithm="RS256", headers={"kid": self.key.private_key_id})
        except (ValueError, TypeError, jwt.PyJWTError):
            raise AuthenticationError("google: the service-account key's private_key is not a usable RSA key") from None
        self.http.redact.add(assertion)  # exchangeable for a token until it expires: a credential too
        self._token, self._expires = oauth_token(
            self.http, "token", self.key.token_uri, {"grant_type": JWT_GRANT, "assertion": assertion},
            "the service-account key was refused",
        )
        return self._token

    # ---- file uploads -------------------------------------------------------------------------

    def latest(self, account_id: str, data_source_id: str, *, market: str = "", since: datetime | None = None) -> FileUploadResult:
        """One read of `fileUploads/latest`. With `since`, an upload older than it counts as pending (ours is not in yet)."""
        path = f"/datasources/v1/accounts/{_int64(account_id, 'account')}/dataSources/{_int64(data_source_id, 'data source')}/fileUploads/latest"
        response = self.http.send(
            "fileUploads.latest", "GET", self.endpoint + path,
            headers={"Authorization": f"Bearer {self._access_token()}", "Accept": "application/json"}, classify=_api_refused,
        )
        upload = self.http.json(response, "fileUploads.latest")
        if not isinstance(upload, dict):
            raise self.http.fail("fileUploads.latest", "answer is not a JSON object")
        return _result(upload, market, since)

    def wait(
        self, account_id: str, data_source_id: str, max_wait: float, *, market: str = "", since: datetime | None = None
    ) -> FileUploadResult:
        return poll(
            lambda: self.latest(account_id, data_source_id, market=market, since=since),
            lambda result: result.pending, max_wait, self.http.backoff, self.poll_first, self.poll_cap,
        )


def latest_upload(
    endpoint: str,
    account_id: str,
    data_source_id: str,
    credentials: str,
    *,
    backoff: Backoff | None = None,
    max_wait: float = 0.0,
    since: datetime | None = None,
    market: str = "",
    timeout: float = 30.0,
) -> FileUploadResult:
    """The deliver hook's one call: read (and, with `max_wait`, wait for) the latest file upload."""
    with MerchantClient(credentials, endpoint=endpoint or ENDPOINT, backoff=backoff, timeout=timeout) as client:
        return client.wait(account_id, data_source_id, max_wait, market=market, since=since)


def _int64(value: str, what: str) -> str:
    if not re.fullmatch(r"[0-9]{1,19}", str(value)):
        raise DeliveryError(f"google: the {what} id must be digits, not {str(value)[:40]!r}")
    return str(value)


def _api_refused(response: httpx.Response) -> Exception | None:
    if response.status_code in (401, 403):
        try:
            status = response.json()["error"]["status"]
        except (ValueError, KeyError, TypeError):
            status = ""
        status = status if isinstance(status, str) and re.fullmatch(r"[A-Z_]{1,40}", status) else ""
        return AuthenticationError(
            f"google fileUploads.latest: HTTP {response.status_code} {status}".rstrip()
            + ": the service account needs access to this Merchant Center account (and a registered developer)"
        )
    return None


def _result(upload: dict[str, Any], market: str, since: datetime | None) -> FileUploadResult:
    state = str(upload.get("processingState") or "PROCESSING_STATE_UNSPECIFIED")
    uploaded = str(upload.get("uploadTime") or "")
    stale = False
    if since is not None:
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
        try:
            stale = not uploaded or datetime.fromisoformat(uploaded.replace("Z", "+00:00")) < since
        except ValueError:
            stale = True
    result = FileUploadResult(
        state,
        pending=state not in FINISHED or stale,
        items_total=count(upload.get("itemsTotal")),
        items_created=count(upload.get("itemsCreated")),
        items_updated=count(upload.get("itemsUpdated")),
        upload_time=uploaded,
    )
    if result.pending:
        return result
    if state == "FAILED":
        result.diagnostics.append(
            Diagnostic("google.remote.failed", "error", "Merchant Center could not process the file, or every item has errors",
                       market=market, channel="google")
        )
    for issue in upload.get("issues") or []:
        if isinstance(issue, dict):
            result.diagnostics.append(_diagnostic(issue, market))
    return result


def _diagnostic(issue: dict[str, Any], market: str) -> Diagnostic:
    code = str(issue.get("code") or "")
    title, description = str(issue.get("title") or "").strip(), str(issue.get("description") or "").strip()
    message = ": ".join(part for part in (title, description) if part) or f"issue {code or '?'}"
    items = count(issue.get("count"))
    if items:
        message += f" ({items} items)"
    if issue.get("documentationUri"):
        message += f"; see {issue['documentationUri']}"
    severity = SEVERITIES.get(str(issue.get("severity")), "info")
    return Diagnostic(rule_id("google.remote", code, "unknown"), severity, message, market=market, channel="google")
