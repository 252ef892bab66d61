"""A strict local SP-API Feeds 2021-06-30 + Login with Amazon + presigned-URL store.

Shapes and status codes come from amzn/selling-partner-api-models
models/feeds-api-model/feeds_2021-06-30.json (createFeedDocument 201 CreateFeedDocumentResponse,
createFeed 202 CreateFeedResponse, getFeed 200 Feed, getFeedDocument 200 FeedDocument, ErrorList bodies,
415 for a wrong Content-Type) and the use case guide (presigned URLs expire after 5 minutes; the PUT
must carry the Content-Type given to createFeedDocument). LWA: RFC 6749 refresh-token grant as
Amazon documents it ("Connecting to the Selling Partner API": grant_type, refresh_token, client_id,
client_secret form fields; 400 invalid_grant, 401 invalid_client).

What it refuses: a missing or unknown `x-amz-access-token`, a token sent to the presigned store, a
non-JSON Content-Type, bodies missing the model's required fields, an unknown feedType, a marketplace
id that is not of this region, a document id that was never created or never uploaded, a PUT whose
Content-Type differs from the declared one (the URL is signed for it), an expired or unsigned URL,
and calls above the published rate (429 QuotaExceeded) when `clock` is given.

Processing: each getFeed advances the feed through `script` (the last status sticks, so
`["IN_PROGRESS"]` is a feed stuck forever). On DONE or FATAL the processing report is built from what
was uploaded: every message accepted except SKUs in `rejections`; a body that is not a listings feed
is FATAL with a feed-level issue. `report_override` serves exact bytes instead."""

from __future__ import annotations

import gzip
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from jsonschema import Draft7Validator

from tests.deliver.fakes.base import FakeServer, Recorded, Reply

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "amazon"
# developer-docs.amazon.com/sp-api/docs/marketplace-ids (SPECS.md §3.4 plus the other EU/NA ones).
MARKETPLACES = {
    "na": {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC"},
    "eu": {
        "A1F83G8C2ARO7P", "A1PA6795UKMFR9", "A1805IZSGTT6HS", "A2NODRKZP88ZB9", "A13V1IB3VIYZZH",
        "APJ6JRA9NG5V4", "A1RKKUPIHCS9HS", "A1C3SOZRARQ6R3", "AMEN7PMS3EDWL",
    },
}
FEED_TYPES = {"JSON_LISTINGS_FEED"}
RATES = {  # feeds_2021-06-30.json usage plans (rate per second, burst)
    "createFeedDocument": (0.0083, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "getFeedDocument": (0.0222, 10),
}
EXPIRED = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
API = "/feeds/2021-06-30"


def error_list(status: int, code: str, message: str) -> Reply:
    return Reply.json(status, {"errors": [{"code": code, "message": message}]})


@dataclass
class Document:
    content_type: str
    created: float
    signature: str
    content: bytes | None = None
    compression: str | None = None


@dataclass
class Feed:
    feed_type: str
    marketplace_ids: list[str]
    document_id: str
    created: str
    polls: int = 0
    status: str = "IN_QUEUE"
    result_document_id: str | None = None


@dataclass
class FakeSpApi(FakeServer):
    client_id: str = "amzn1.application-oa2-client.fakeclient"
    client_secret: str = "amzn1.oa2-cs.v1.fake-client-secret-0123456789"
    refresh_token: str = "Atzr|fake-refresh-token-0123456789abcdef"
    region: str | None = None  # "na" / "eu": only that region's marketplaces; None: both
    token_lifetime: float = 3600.0
    url_lifetime: float = 300.0
    script: list[str] = field(default_factory=lambda: ["IN_QUEUE", "IN_PROGRESS", "DONE"])
    rejections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    report_override: bytes | None = None
    gzip_reports: bool = False
    clock: Callable[[], float] | None = None  # given: rate limits and expiries run on it
    rates: dict[str, tuple[float, int]] = field(default_factory=lambda: dict(RATES))  # this seller's usage plans

    def __post_init__(self) -> None:
        FakeServer.__init__(self)
        self.tokens: dict[str, float] = {}
        self.documents: dict[str, Document] = {}
        self.feeds: dict[str, Feed] = {}
        self.born_expired = 0
        self._ids = itertools.count(50001)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._feed_schema = Draft7Validator(json.loads((FIXTURES / "listings-feed-schema-v2.json").read_text("utf-8")))
        self.route("POST", r"/auth/o2/token", "token", self._token)
        self.route("POST", rf"{API}/documents", "createFeedDocument", self._create_document)
        self.route("PUT", r"/presigned/(?P<doc>[\w.-]+)", "upload", self._upload)
        self.route("POST", rf"{API}/feeds", "createFeed", self._create_feed)
        self.route("GET", rf"{API}/feeds/(?P<feed>[\w.-]+)", "getFeed", self._get_feed)
        self.route("GET", rf"{API}/documents/(?P<doc>[\w.-]+)", "getFeedDocument", self._get_document)
        self.route("GET", r"/presigned/(?P<doc>[\w.-]+)", "download", self._download)

    # ---- helpers for tests --------------------------------------------------------------------

    @property
    def token_url(self) -> str:
        return self.url + "/auth/o2/token"

    def now(self) -> float:
        return (self.clock or time.monotonic)()

    def expire_next_documents(self, count: int = 1) -> None:
        """The next `count` documents get presigned URLs that have already expired."""
        self.born_expired += count

    def uploaded(self, feed_id: str) -> bytes | None:
        return self.documents[self.feeds[feed_id].document_id].content

    def issued_tokens(self) -> list[str]:
        return list(self.tokens)

    # ---- LWA ----------------------------------------------------------------------------------

    def _token(self, request: Recorded, _match) -> Reply:
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return Reply.json(400, {"error": "invalid_request", "error_description": "form body expected"})
        form = request.form()
        if form.get("grant_type") != "refresh_token":
            return Reply.json(400, {"error": "unsupported_grant_type", "error_description": "grant_type"})
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return Reply.json(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
        if form.get("refresh_token") != self.refresh_token:
            return Reply.json(400, {"error": "invalid_grant", "error_description": "The request has an invalid grant parameter : refresh_token"})
        token = "Atza|" + secrets.token_urlsafe(24)
        self.tokens[token] = self.now() + self.token_lifetime
        return Reply.json(200, {"access_token": token, "refresh_token": self.refresh_token, "token_type": "bearer", "expires_in": int(self.token_lifetime)})

    # ---- checks shared by the API routes ------------------------------------------------------

    def _refuse(self, request: Recorded, operation: str, *, json_body: bool) -> Reply | None:
        token = request.headers.get("x-amz-access-token")
        if token is None or token not in self.tokens:
            return error_list(403, "Unauthorized", "Access to requested resource is denied.")
        if self.now() >= self.tokens[token]:
            return error_list(403, "Unauthorized", "The access token you provided has expired.")
        if json_body and request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return error_list(415, "InvalidInput", "The request's Content-Type header is invalid.")
        if self.clock is not None and operation in self.rates:
            rate, burst = self.rates[operation]
            tokens, at = self._buckets.get(operation, (float(burst), self.now()))
            tokens = min(float(burst), tokens + (self.now() - at) * rate)
            if tokens < 1.0:
                self._buckets[operation] = (tokens, self.now())
                return error_list(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")
            self._buckets[operation] = (tokens - 1.0, self.now())
        return None

    def _ok(self, operation: str, status: int, payload: Any) -> Reply:
        """A success answer with the x-amzn-RateLimit-Limit header the model documents for it."""
        return Reply.json(status, payload, **{"x-amzn-RateLimit-Limit": str(self.rates[operation][0])})

    def _body(self, request: Recorded, required: dict[str, type]) -> dict | Reply:
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError):
            return error_list(400, "InvalidInput", "Request body is not JSON.")
        if not isinstance(body, dict):
            return error_list(400, "InvalidInput", "Request body must be an object.")
        for name, kind in required.items():
            if not isinstance(body.get(name), kind):
                return error_list(400, "InvalidInput", f"Missing or invalid required field {name}.")
        return body

    def _presigned(self, document_id: str, signature_query: dict[str, list[str]]) -> Document | Reply:
        document = self.documents.get(document_id)
        if document is None or signature_query.get("X-Amz-Signature") != [document.signature]:
            return Reply(403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>", {"Content-Type": "application/xml"})
        if self.now() - document.created >= self.url_lifetime:
            return Reply(403, EXPIRED, {"Content-Type": "application/xml"})
        return document

    def _new_document(self, content_type: str, *, handed_out: bool = True) -> tuple[str, Document]:
        document_id = f"amzn1.tortuga.4.eu.{secrets.token_hex(8)}"
        created = self.now()
        if self.born_expired and handed_out:
            self.born_expired -= 1
            created -= self.url_lifetime
        document = Document(content_type, created, secrets.token_hex(16))
        self.documents[document_id] = document
        return document_id, document

    def _url(self, document_id: str, document: Document) -> str:
        return (
            f"{self.url}/presigned/{document_id}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires="
            f"{int(self.url_lifetime)}&X-Amz-SignedHeaders=content-type%3Bhost&X-Amz-Signature={document.signature}"
        )

    # ---- Feeds API ----------------------------------------------------------------------------

    def _create_document(self, request: Recorded, _match) -> Reply:
        refused = self._refuse(request, "createFeedDocument", json_body=True)
        if refused:
            return refused
        body = self._body(request, {"contentType": str})
        if isinstance(body, Reply):
            return body
        document_id, document = self._new_document(body["contentType"])
        return self._ok("createFeedDocument", 201, {"feedDocumentId": document_id, "url": self._url(document_id, document)})

    def _upload(self, request: Recorded, match) -> Reply:
        if "x-amz-access-token" in request.headers or "authorization" in request.headers:
            return Reply(400, b"<Error><Code>InvalidArgument</Code><Message>Unexpected credentials</Message></Error>")
        document = self._presigned(match["doc"], request.query)
        if isinstance(document, Reply):
            return document
        if request.headers.get("content-type") != document.content_type:
            return Reply(403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>", {"Content-Type": "application/xml"})
        document.content = request.body
        return Reply(200, b"", {"ETag": '"' + secrets.token_hex(16) + '"'})

    def _create_feed(self, request: Recorded, _match) -> Reply:
        refused = self._refuse(request, "createFeed", json_body=True)
        if refused:
            return refused
        body = self._body(request, {"feedType": str, "marketplaceIds": list, "inputFeedDocumentId": str})
        if isinstance(body, Reply):
            return body
        if body["feedType"] not in FEED_TYPES:
            return error_list(400, "InvalidInput", f"Invalid feedType {body['feedType']}.")
        ids = body["marketplaceIds"]
        known = MARKETPLACES[self.region] if self.region else set().union(*MARKETPLACES.values())
        if not 1 <= len(ids) <= 25 or any(m not in known for m in ids):
            return error_list(400, "InvalidInput", "Invalid marketplaceIds.")
        document = self.documents.get(body["inputFeedDocumentId"])
        if document is None or document.content is None:
            return error_list(400, "InvalidInput", "inputFeedDocumentId has no uploaded content.")
        feed_id = str(next(self._ids))
        self.feeds[feed_id] = Feed(body["feedType"], ids, body["inputFeedDocumentId"], "2026-12-07T09:00:00Z")
        return self._ok("createFeed", 202, {"feedId": feed_id})

    def _get_feed(self, request: Recorded, match) -> Reply:
        refused = self._refuse(request, "getFeed", json_body=False)
        if refused:
            return refused
        feed = self.feeds.get(match["feed"])
        if feed is None:
            return error_list(404, "NotFound", "The specified resource does not exist.")
        if feed.status not in ("DONE", "FATAL", "CANCELLED"):
            feed.status = self.script[min(feed.polls, len(self.script) - 1)]
            feed.polls += 1
            if feed.status in ("DONE", "FATAL"):
                feed.result_document_id = self._store_report(match["feed"], feed)
        answer = {
            "feedId": match["feed"],
            "feedType": feed.feed_type,
            "marketplaceIds": feed.marketplace_ids,
            "createdTime": feed.created,
            "processingStatus": feed.status,
        }
        if feed.status != "IN_QUEUE":
            answer["processingStartTime"] = "2026-12-07T09:01:00Z"
        if feed.status in ("DONE", "FATAL", "CANCELLED"):
            answer["processingEndTime"] = "2026-12-07T09:05:00Z"
        if feed.result_document_id:
            answer["resultFeedDocumentId"] = feed.result_document_id
        return self._ok("getFeed", 200, answer)

    def _get_document(self, request: Recorded, match) -> Reply:
        refused = self._refuse(request, "getFeedDocument", json_body=False)
        if refused:
            return refused
        document = self.documents.get(match["doc"])
        if document is None:
            return error_list(404, "NotFound", "The specified resource does not exist.")
        document.created = self.now() if not self.born_expired else self.now() - self.url_lifetime
        self.born_expired = max(0, self.born_expired - 1)
        answer = {"feedDocumentId": match["doc"], "url": self._url(match["doc"], document)}
        if document.compression:
            answer["compressionAlgorithm"] = document.compression
        return self._ok("getFeedDocument", 200, answer)

    def _download(self, request: Recorded, match) -> Reply:
        if "x-amz-access-token" in request.headers:
            return Reply(400, b"<Error><Code>InvalidArgument</Code></Error>")
        document = self._presigned(match["doc"], request.query)
        if isinstance(document, Reply):
            return document
        return Reply(200, document.content or b"", {"Content-Type": document.content_type})

    # ---- processing ---------------------------------------------------------------------------

    def _store_report(self, feed_id: str, feed: Feed) -> str:
        raw = self.report_override if self.report_override is not None else json.dumps(self.report(feed_id, feed)).encode()
        document_id, document = self._new_document("application/json", handed_out=False)
        if self.gzip_reports:
            raw, document.compression = gzip.compress(raw, mtime=0), "GZIP"
        document.content = raw
        return document_id

    def report(self, feed_id: str, feed: Feed) -> dict[str, Any]:
        """The processing report (listings-feed-processing-report-schema-v2.json) for what was uploaded."""
        content = self.documents[feed.document_id].content or b""
        header = {"sellerId": "A3FAKESELLER", "version": "2.0", "feedId": feed_id}
        try:
            submitted = json.loads(content.decode("utf-8"))
            messages = submitted["messages"]
            assert isinstance(messages, list) and isinstance(submitted.get("header"), dict)
        except (ValueError, UnicodeDecodeError, KeyError, TypeError, AssertionError):
            feed.status = "FATAL"
            return {
                "header": header,
                "issues": [{"severity": "ERROR", "message": "The feed could not be parsed as a JSON_LISTINGS_FEED."}],
                "summary": {"errors": 1, "warnings": 0, "messagesProcessed": 0, "messagesAccepted": 0, "messagesInvalid": 0},
            }
        issues: list[dict[str, Any]] = []
        invalid = 0
        for message in messages:
            found = [
                {"messageId": message.get("messageId"), "sku": message.get("sku"), "severity": "ERROR", "message": e.message[:200]}
                for e in self._feed_schema.iter_errors({"header": submitted["header"], "messages": [message]})
            ]
            found += [{"messageId": message.get("messageId"), "sku": message.get("sku"), **issue} for issue in self.rejections.get(message.get("sku"), [])]
            issues += [{k: v for k, v in issue.items() if v is not None} for issue in found]
            invalid += any(issue["severity"] == "ERROR" for issue in found)
        if feed.status == "FATAL":
            issues.insert(0, {"severity": "ERROR", "message": "Processing was aborted (scripted FATAL)."})
        return {
            "header": header,
            "issues": issues,
            "summary": {
                "errors": sum(i["severity"] == "ERROR" for i in issues),
                "warnings": sum(i["severity"] == "WARNING" for i in issues),
                "messagesProcessed": len(messages),
                "messagesAccepted": 0 if feed.status == "FATAL" else len(messages) - invalid,
                "messagesInvalid": invalid,
            },
        }
