"""A strict local Graph API for product-feed uploads.

Follows developers.facebook.com/docs/marketing-api/reference/product-feed/uploads (POST `url`,
answer {"id"}), …/reference/product-feed-upload (fields id, start_time, end_time, num_detected_items,
num_persisted_items, num_deleted_items, num_invalid_items, error_count, warning_count, …) and
…/product-feed-upload/errors (ProductFeedUploadError fields as in facebook-python-business-sdk:
id, summary, description, severity fatal|warning, error_type, total_count, affected_surfaces; `samples`
edge with retailer_id, row_number), and Graph's error shape {"error": {"message", "type", "code",
"fbtrace_id"}} (code 190 invalid token, 100 invalid parameter / unknown field, 4 and 80004 rate limits).

Strict: the token must be valid (header `Authorization: Bearer` or, as Graph also allows, an
`access_token` parameter — tests assert feedgen never uses the latter), a field that does not exist is
refused (#100 nonexisting field), the product feed id must be known and `url` must be http(s).
`polls_until_done` GETs of a session before it has an end_time (a large number = never finishes)."""

from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from tests.deliver.fakes.base import FakeServer, Recorded, Reply

SESSION_FIELDS = {
    "id", "start_time", "end_time", "num_detected_items", "num_persisted_items", "num_deleted_items", "num_invalid_items",
    "error_count", "warning_count", "error_report", "filename", "input_method", "url",
}
ERROR_FIELDS = {"id", "summary", "description", "severity", "error_type", "total_count", "affected_surfaces", "samples"}
SAMPLE_FIELDS = {"id", "retailer_id", "row_number"}
VERSION = r"/v(?P<version>\d+\.\d+)"


def graph_error(code: int, message: str, *, status: int = 400, kind: str = "OAuthException", **extra: Any) -> Reply:
    return Reply.json(status, {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AfakeTrace", **extra}})


def split_fields(text: str) -> list[str]:
    """Top-level comma split of a Graph `fields` value (commas inside {…} belong to an expansion)."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "{"
        depth -= char == "}"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p.strip() for p in parts + [current] if p.strip()]


@dataclass
class FakeGraphApi(FakeServer):
    token: str = field(default_factory=lambda: "EAAfake" + secrets.token_hex(24))
    product_feed_id: str = "1234567890123456"
    polls_until_done: int = 1
    result: dict[str, Any] = field(default_factory=lambda: {
        "num_detected_items": 120, "num_persisted_items": 120, "num_deleted_items": 0, "num_invalid_items": 0,
    })
    errors: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2

    def __post_init__(self) -> None:
        FakeServer.__init__(self)
        self.sessions: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(900000000000001)
        self.route("POST", rf"{VERSION}/(?P<node>\d+)/uploads", "trigger", self._trigger)
        self.route("GET", rf"{VERSION}/(?P<node>\d+)/errors", "errors", self._errors)
        self.route("GET", rf"{VERSION}/(?P<node>\d+)", "session", self._session)

    def _authorised(self, request: Recorded) -> Reply | None:
        header = request.headers.get("authorization", "")
        token = header[len("Bearer "):] if header.startswith("Bearer ") else None
        token = token or (request.query.get("access_token") or [None])[0]
        if token is None:
            return graph_error(2500, "An active access token must be used to query information about the current user.")
        if token != self.token:
            return graph_error(190, "Invalid OAuth access token - Cannot parse access token")
        return None

    def _fields(self, request: Recorded, allowed: set[str]) -> list[str] | Reply:
        wanted = split_fields((request.query.get("fields") or ["id"])[0])
        for name in wanted:
            base = re.match(r"[a-z_]+", name)
            if base is None or base.group(0) not in allowed:
                return graph_error(100, f"(#100) Tried accessing nonexisting field ({name})")
            inner = re.search(r"\{(.*)\}", name)
            if inner and any(f not in SAMPLE_FIELDS for f in split_fields(inner.group(1))):
                return graph_error(100, f"(#100) Tried accessing nonexisting field ({inner.group(1)})")
        return wanted

    def _trigger(self, request: Recorded, match) -> Reply:
        refused = self._authorised(request)
        if refused:
            return refused
        if match["node"] != self.product_feed_id:
            return graph_error(
                100, f"Unsupported post request. Object with ID '{match['node']}' does not exist, cannot be loaded due to "
                "missing permissions, or does not support this operation", kind="GraphMethodException", error_subcode=33,
            )
        form = request.form() if request.body else {k: v[0] for k, v in request.query.items()}
        url = form.get("url", "")
        if not re.match(r"https?://", url):
            return graph_error(100, "(#100) The parameter url is required and must be an http(s) URL")
        session_id = str(next(self._ids))
        self.sessions[session_id] = {"url": url, "polls": 0, "update_only": form.get("update_only", "false")}
        return Reply.json(200, {"id": session_id})

    def _session(self, request: Recorded, match) -> Reply:
        refused = self._authorised(request)
        if refused:
            return refused
        session = self.sessions.get(match["node"])
        if session is None:
            return graph_error(100, f"Unsupported get request. Object with ID '{match['node']}' does not exist", kind="GraphMethodException")
        wanted = self._fields(request, SESSION_FIELDS)
        if isinstance(wanted, Reply):
            return wanted
        session["polls"] += 1
        done = session["polls"] > self.polls_until_done
        values: dict[str, Any] = {
            "id": match["node"], "start_time": "2026-12-07T09:00:00+0000", "url": session["url"], "input_method": "User initiated server fetch",
        }
        if done:
            fatal = sum(e.get("severity") == "fatal" for e in self.errors)
            values.update(self.result, end_time="2026-12-07T09:02:00+0000", error_count=fatal, warning_count=len(self.errors) - fatal)
        return Reply.json(200, {name: values[name] for name in wanted if name in values})

    def _errors(self, request: Recorded, match) -> Reply:
        refused = self._authorised(request)
        if refused:
            return refused
        if match["node"] not in self.sessions:
            return graph_error(100, "Unsupported get request.", kind="GraphMethodException")
        wanted = self._fields(request, ERROR_FIELDS)
        if isinstance(wanted, Reply):
            return wanted
        start = int((request.query.get("after") or ["0"])[0])
        limit = min(int((request.query.get("limit") or ["25"])[0]), self.page_size)
        page = self.errors[start:start + limit]
        data = []
        for error in page:
            item = {}
            for name in wanted:
                base = re.match(r"[a-z_]+", name).group(0)
                if base == "samples" and "samples" in error:
                    item["samples"] = {"data": error["samples"]}
                elif base in error:
                    item[base] = error[base]
            data.append(item)
        paging: dict[str, Any] = {"cursors": {"before": str(start), "after": str(start + len(page))}}
        if start + len(page) < len(self.errors):
            # Graph's own next link repeats the token when it came as a parameter; ours never does.
            paging["next"] = f"{self.url}/v24.0/{match['node']}/errors?after={start + len(page)}"
        return Reply.json(200, {"data": data, "paging": paging})
