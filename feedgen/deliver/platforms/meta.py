"""Meta Graph API: make a catalog's product feed fetch the file now, and read what the fetch did.

After the file lands where Meta's scheduled fetch reads it (a bucket, SFTP or a share), a token and the
feed's `product_feed_id` let us skip the wait for the schedule (SPECS.md §5 "Meta catalogs";
developers.facebook.com/docs/marketing-api/reference/product-feed/uploads and …/product-feed-upload):

1. `POST /{api-version}/{product_feed_id}/uploads` with `url` (the file's public URL) → {"id": session}.
   `update_only` stays false (Meta's default): the file *replaces* the feed, so items missing from it
   are deleted — `num_deleted_items` is reported as a warning so a shrunken catalog is seen.
2. `GET /{api-version}/{session}?fields=…` until `end_time` is set (bounded; then the result is
   pending and `check_upload` reads it later), then `GET /{session}/errors` (ProductFeedUploadError:
   summary, description, severity fatal|warning, error_type, total_count; `samples` edge for SKUs).

The token travels only in the Authorization header, never in a URL (URLs end up in logs); paging
follows the `after` cursor on our own URL rather than the server's `next` link for the same reason.
Graph errors are JSON {"error": {"code", "message", "type", "is_transient"}}: codes 190/102 (bad or
expired token) and 10/200-299 (permission) are authentication refusals; 4/17/32/613 and 80000-80014
(rate limits) and `is_transient` are retried."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from feedgen.deliver.errors import AuthenticationError, DeliveryError
from feedgen.deliver.platforms.issues import count, rule_id
from feedgen.deliver.platforms.http import ApiSession, PlatformClient, Redactor, poll
from feedgen.deliver.retry import Backoff, Transient
from feedgen.diagnostics import Diagnostic

API_VERSION = "v24.0"  # any supported Graph version works; override per destination when Meta retires it
SESSION_FIELDS = (
    "id,start_time,end_time,num_detected_items,num_persisted_items,num_deleted_items,num_invalid_items,"
    "error_count,warning_count"
)
ERROR_FIELDS = "id,summary,description,severity,error_type,total_count,samples.limit(5){retailer_id,row_number}"
AUTH_CODES = frozenset({102, 190, 10}) | frozenset(range(200, 300))
RATE_CODES = frozenset({4, 17, 32, 613}) | frozenset(range(80000, 80015))
MAX_ERROR_PAGES = 10
SEVERITIES = {"fatal": "error", "warning": "warning"}


@dataclass
class UploadResult:
    """One product-feed upload session. `pending`: Meta had not finished when we stopped waiting."""

    session_id: str
    pending: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    num_detected_items: int = 0
    num_persisted_items: int = 0
    num_deleted_items: int = 0
    num_invalid_items: int = 0
    error_count: int = 0
    warning_count: int = 0

    def confirmation(self) -> str:
        if self.pending:
            return f"upload session {self.session_id} still processing"
        return (
            f"upload session {self.session_id}: {self.num_detected_items} read, {self.num_persisted_items} saved, "
            f"{self.num_deleted_items} deleted, {self.error_count} errors, {self.warning_count} warnings"
        )


class GraphClient(PlatformClient):
    """Graph API calls for product-feed uploads with one token (`graph_url` may be a local test server)."""

    def __init__(
        self,
        graph_url: str,
        token: str,
        *,
        api_version: str = API_VERSION,
        backoff: Backoff | None = None,
        timeout: float = 30.0,
        poll_first: float = 5.0,
        poll_cap: float = 30.0,
    ) -> None:
        self.base = f"{graph_url.rstrip('/')}/{api_version}"
        self._auth = {"Authorization": f"Bearer {token}"}
        self.http = ApiSession("meta", backoff=backoff or Backoff(), timeout=timeout, redact=Redactor([token]))
        self.poll_first, self.poll_cap = poll_first, poll_cap

    def start_upload(self, product_feed_id: str, file_url: str, *, update_only: bool = False) -> str:
        """Ask the feed to fetch `file_url` now; returns the upload session id."""
        form = {"url": file_url}
        if update_only:
            form["update_only"] = "true"
        answer = self._call("trigger upload", "POST", f"/{_node(product_feed_id)}/uploads", data=form)
        session = answer.get("id")
        if not isinstance(session, str) or not session:
            raise self.http.fail("trigger upload", "answer has no upload session id")
        return session

    def wait(self, session_id: str, max_wait: float, *, market: str = "") -> UploadResult:
        """Poll the session until `end_time` is set or `max_wait` seconds pass (0: look once)."""
        session = poll(
            lambda: self._call("read upload", "GET", f"/{_node(session_id)}", params={"fields": SESSION_FIELDS}),
            lambda answer: not answer.get("end_time"),
            max_wait, self.http.backoff, self.poll_first, self.poll_cap,
        )
        if not session.get("end_time"):
            return UploadResult(session_id, pending=True)
        return self._finished(session_id, session, market)

    def _finished(self, session_id: str, session: dict[str, Any], market: str) -> UploadResult:
        counts = {name: count(session.get(name)) for name in (
            "num_detected_items", "num_persisted_items", "num_deleted_items", "num_invalid_items", "error_count", "warning_count"
        )}
        result = UploadResult(session_id, pending=False, **counts)
        if result.num_deleted_items:
            result.diagnostics.append(
                Diagnostic(
                    "meta.remote.deleted_items",
                    "warning",
                    f"Meta deleted {result.num_deleted_items} items that were not in the uploaded file",
                    market=market,
                    channel="meta",
                )
            )
        if result.error_count or result.warning_count or result.num_invalid_items:
            result.diagnostics += self._errors(session_id, market)
        return result

    def _errors(self, session_id: str, market: str) -> list[Diagnostic]:
        diagnostics: list[Diagnostic] = []
        params = {"fields": ERROR_FIELDS, "limit": "100"}
        for _ in range(MAX_ERROR_PAGES):
            page = self._call("read upload errors", "GET", f"/{_node(session_id)}/errors", params=params)
            for error in page.get("data") or []:
                if isinstance(error, dict):
                    diagnostics.append(_diagnostic(error, market))
            after = ((page.get("paging") or {}).get("cursors") or {}).get("after")
            if not (page.get("paging") or {}).get("next") or not after:
                break
            params = {**params, "after": after}
        return diagnostics

    def _call(self, operation: str, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.http.send(
            operation, method, self.base + path, headers={**self._auth, "Accept": "application/json"}, classify=self._graph_error,
            **kwargs,
        )
        answer = self.http.json(response, operation)
        if not isinstance(answer, dict):
            raise self.http.fail(operation, "answer is not a JSON object")
        return answer

    def _graph_error(self, response: httpx.Response) -> Exception | None:
        try:
            error = response.json().get("error")
        except (ValueError, AttributeError):
            return None
        if not isinstance(error, dict):
            return None
        code = error.get("code") if isinstance(error.get("code"), int) else -1
        text = self.http.redact(f"meta: HTTP {response.status_code}, Graph error {code}: {error.get('message', '')}")
        if code in AUTH_CODES:
            return AuthenticationError(text + " (check the token and its catalog permission)")
        if code in RATE_CODES or error.get("is_transient") is True:
            return Transient(text)
        return None  # generic rules: 5xx retried, other 4xx final


def trigger_upload(
    graph_url: str,
    product_feed_id: str,
    file_url: str,
    token: str,
    *,
    backoff: Backoff | None = None,
    max_wait: float = 60.0,
    market: str = "",
    api_version: str = API_VERSION,
    update_only: bool = False,
    timeout: float = 30.0,
) -> UploadResult:
    """Trigger the fetch of `file_url` and wait up to `max_wait` s for its result (the deliver hook's one call)."""
    with GraphClient(graph_url, token, api_version=api_version, backoff=backoff, timeout=timeout) as graph:
        session = graph.start_upload(product_feed_id, file_url, update_only=update_only)
        return graph.wait(session, max_wait, market=market)


def check_upload(
    graph_url: str, session_id: str, token: str, *, backoff: Backoff | None = None, max_wait: float = 0.0, market: str = "",
    api_version: str = API_VERSION, timeout: float = 30.0,
) -> UploadResult:
    """Read a session that was pending last time (`deliver --status`); never triggers another fetch."""
    with GraphClient(graph_url, token, api_version=api_version, backoff=backoff, timeout=timeout) as graph:
        return graph.wait(session_id, max_wait, market=market)


def _node(node_id: str) -> str:
    """Graph node ids are numeric; refusing anything else keeps a configured id from reaching another path."""
    if not re.fullmatch(r"[0-9]{1,30}", node_id):
        raise DeliveryError(f"meta: {node_id[:40]!r} is not a Graph node id (digits only)")
    return node_id


def _diagnostic(error: dict[str, Any], market: str) -> Diagnostic:
    severity = SEVERITIES.get(str(error.get("severity", "")).lower(), "error")
    kind = str(error.get("error_type") or "") or str(error.get("severity") or "issue")
    rule = rule_id("meta.remote", kind)
    summary, description = str(error.get("summary") or "").strip(), str(error.get("description") or "").strip()
    message = ": ".join(part for part in (summary, description) if part) or "Meta reported an unnamed problem"
    total = count(error.get("total_count"))
    if total:
        message += f" ({total} items)"
    samples = [s for s in ((error.get("samples") or {}).get("data") or []) if isinstance(s, dict)]
    skus = [str(s["retailer_id"]) for s in samples if s.get("retailer_id")]
    if len(skus) > 1:
        message += f"; e.g. {', '.join(skus[:5])}"
    return Diagnostic(rule, severity, message, sku=skus[0] if len(skus) == 1 else "", market=market, channel="meta")
