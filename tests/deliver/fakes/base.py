"""A strict local HTTP server to build platform fakes on: 127.0.0.1, a free port, a thread.

A fake records every request exactly as it arrived (method, path, query, headers, body bytes), so a
test asserts what feedgen *sent*, and it misbehaves on cue: `fail(operation, status, …)` answers the
next N calls of an operation with that status (429 with Retry-After, 500, …) and `fail(…, drop=True)`
closes the connection without an answer (a reset). Routes are matched by regular expressions and
anything unknown is a 404, so a client that calls the wrong path fails loudly."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    """One request as the server saw it. Header names are lower-case."""

    operation: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    status: int = 0  # what the fake answered (0: no answer, the connection was dropped)

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("ascii"), keep_blank_values=True).items()}


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, **headers: str) -> Reply:
        return cls(status, json.dumps(payload).encode(), {"Content-Type": "application/json", **headers})


@dataclass
class _Fault:
    operation: str
    reply: Reply | None  # None: drop the connection
    times: int
    delay: float = 0.0


Handler = Callable[[Recorded, re.Match], Reply]


class FakeServer:
    """Subclasses call `route(method, pattern, operation, handler)` in `__init__` and implement the handlers."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._routes: list[tuple[str, re.Pattern, str, Handler]] = []
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                fake._dispatch(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ---- scripting ----------------------------------------------------------------------------

    def route(self, method: str, pattern: str, operation: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(pattern), operation, handler))

    def fail(
        self, operation: str, status: int = 500, *, times: int = 1, body: Any = None, headers: dict[str, str] | None = None,
        drop: bool = False, delay: float = 0.0,
    ) -> None:
        """The next `times` calls of `operation` get this answer instead of the real one; `delay` (real
        seconds) holds the answer back first (to trip a client's timeout), `drop` sends none at all."""
        if drop:
            reply = None
        elif isinstance(body, (bytes, str)):
            reply = Reply(status, body.encode() if isinstance(body, str) else body, dict(headers or {}))
        else:
            payload = body if body is not None else {"errors": [{"code": "InternalFailure", "message": "scripted failure"}]}
            reply = Reply.json(status, payload, **(headers or {}))
        with self._lock:
            self._faults.append(_Fault(operation, reply, times, delay))

    def calls(self, operation: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.operation == operation]

    def operations(self) -> list[str]:
        with self._lock:
            return [r.operation for r in self.requests]

    # ---- dispatch -----------------------------------------------------------------------------

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        operation, match, route_handler = "unknown", None, None
        for method, pattern, name, candidate in self._routes:
            found = pattern.fullmatch(parts.path)
            if found and method == handler.command:
                operation, match, route_handler = name, found, candidate
                break
        recorded = Recorded(
            operation,
            handler.command,
            parts.path,
            parse_qs(parts.query, keep_blank_values=True),
            {k.lower(): v for k, v in handler.headers.items()},
            body,
        )
        with self._lock:
            self.requests.append(recorded)
            fault = next((f for f in self._faults if f.operation == operation and f.times > 0), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.reply is None:
            handler.close_connection = True
            handler.connection.shutdown(2)  # reset: no status line at all
            return
        if fault is not None:
            reply = fault.reply
        elif route_handler is None or match is None:
            reply = Reply.json(404, {"errors": [{"code": "NotFound", "message": f"no route {handler.command} {parts.path}"}]})
        else:
            with self._lock:
                reply = route_handler(recorded, match)
        assert reply is not None
        recorded.status = reply.status
        handler.send_response(reply.status)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(reply.body)))
        handler.end_headers()
        handler.wfile.write(reply.body)
