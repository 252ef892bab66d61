"""`feedgen serve`: walk the landing pages locally, on 127.0.0.1 only (stdlib http.server).

    /                      -> /pages/index.html
    /pages/index.html      markets x campaigns (live), with the build report when output/report.html exists
    /pages/<m>/<slug>.html the built page from the output directory; with --review, rendered from
                           the project on request, every machine-translated (fuzzy) and missing
                           text highlighted, with a legend and counts
    /report.html           the build report, if the publishing step wrote one

Review mode re-reads the project whenever an input file changes (catalogue, markets, campaigns,
catalogues in locales/), so a reviewer edits a .po file and reloads the page.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from feedgen.pipeline.build import BuildRequest, load_sources
from feedgen.errors import InputError
from feedgen.resolve.history import FILE as HISTORY

from feedgen.i18n.localizer import for_review
from feedgen.resolve.offers import Sources, resolve
from feedgen.pages.campaigns import FILE_NAME, load_campaigns
from feedgen.pages.render import environment, render_site_index
from feedgen.pages.site import LandingPages, MarketPages, index_row
from feedgen.pages.texts import UiText
from feedgen.config.paths import ProjectPaths
from feedgen.channels import read_markets

HOST = "127.0.0.1"
ROBOTS = b"User-agent: *\nAllow: /\n"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json",
                 ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8"}


@dataclass
class Project:
    """Where the served project lives; review renders are cached until an input changes."""

    paths: ProjectPaths
    review: bool = False
    as_of: date | None = None
    _signature: tuple = ()
    _pages: LandingPages | None = None
    _sources: Sources | None = None
    _markets: dict[str, MarketPages] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def data_dir(self) -> Path:
        return self.paths.data_dir

    @property
    def out(self) -> Path:
        return self.paths.out

    @property
    def locales(self) -> Path:
        return self.paths.locales_dir

    def signature(self) -> tuple:
        files = [p for folder in (self.data_dir, self.locales) if folder.is_dir() for p in folder.rglob("*") if p.is_file()]
        return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))

    def _fresh(self) -> LandingPages:
        """Reload everything when any input changed since the last request (the rebuild-on-change)."""
        signature = self.signature()
        if self._pages is None or signature != self._signature:
            # product text from the same catalogue folder as the UI strings (--locales)
            locales = self.locales if self.locales.is_dir() else None
            sources = load_sources(BuildRequest(data_dir=self.data_dir, catalogue=self.paths.catalogue,
                                                markets=self.paths.markets, mapping=self.paths.mapping, out=self.out,
                                                as_of=self.as_of, locales_dir=locales))
            self._pages = LandingPages.from_sources(sources, self.data_dir, self.locales, review=self.review)
            self._pages.history = self.out / HISTORY  # the published record: the 30-day reference prices
            self._sources = sources
            self._markets = {}
            self._signature = signature
        return self._pages

    def market_pages(self, market_id: str) -> MarketPages | None:
        with self._lock:
            pages = self._fresh()
            market = pages.config.markets.get(market_id.upper())
            if market is None:
                return None
            if market.id not in self._markets:
                shown = for_review(market) if self.review else market  # untranslated text marked, not left out
                self._markets[market.id] = pages.render_market(resolve(self._sources, shown))
            return self._markets[market.id]

    def index(self) -> str:
        """The live index: review counts in review mode, else links to the pages that were built."""
        report = "../report.html" if (self.out / "report.html").is_file() else None
        if self.review:
            with self._lock:
                pages = self._fresh()
                ids = list(pages.config.markets)
            for market_id in ids:
                self.market_pages(market_id)
            with self._lock:
                site = LandingPages(pages.config, pages.campaigns, self.locales, pages.as_of, pages.source_language,
                                    review=True, index={m: index_row(self._markets[m]) for m in ids})
                return site.site_index(report_href=report)
        config = read_markets(self.paths.input("markets.toml"))
        campaigns = load_campaigns(self.data_dir / FILE_NAME, config)
        columns = [c.slug for c in campaigns]
        rows = []
        for market in config.markets.values():
            cells = {slug: {"href": f"{market.id.lower()}/{slug}.html", "flagged": {}} for slug in columns
                     if (self.out / "pages" / market.id.lower() / f"{slug}.html").is_file()}
            if cells:
                rows.append({"market": market, "cells": cells})
        env = environment(UiText("en", "en", None, False))
        return render_site_index(columns, rows, config.project.brand, env, report_href=report)


def make_handler(project: Project) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "feedgen-serve"

        def log_message(self, format: str, *args) -> None:  # quieter than the default stderr line per request
            pass

        def send_body(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
            """Compressed when the browser accepts gzip. Review pages change with every edit, so they
            are never stored; built files may be kept but are revalidated (ETag, 304): `no-cache`
            rather than `no-store`, which would keep pages out of the back/forward cache."""
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            if status == HTTPStatus.OK and not project.review and self.headers.get("If-None-Match") == etag:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if _compressible(content_type) and _accepts_gzip(self.headers.get("Accept-Encoding", "")):
                body = gzip.compress(body, compresslevel=6, mtime=0)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(len(body)))
            if project.review or status != HTTPStatus.OK:
                self.send_header("Cache-Control", "no-store")
            else:
                self.send_header("Cache-Control", "no-cache")
                self.send_header("ETag", etag)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            try:
                self.route(path)
            except InputError as error:
                self.send_body(HTTPStatus.INTERNAL_SERVER_ERROR, _error_page(error.one_line()))

        def route(self, path: str) -> None:
            if path in ("/", "/pages", "/pages/"):
                self.send_response(HTTPStatus.FOUND)
                self.send_header("Location", "/pages/index.html")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if path == "/robots.txt":
                return self.send_body(HTTPStatus.OK, ROBOTS, CONTENT_TYPES[".txt"])
            if path == "/pages/index.html":
                return self.send_body(HTTPStatus.OK, project.index().encode("utf-8"))
            parts = [p for p in path.split("/") if p]
            if project.review and len(parts) == 3 and parts[0] == "pages" and parts[2].endswith(".html"):
                return self.review_page(parts[1], parts[2][: -len(".html")])
            file = _inside(project.out, parts)
            if file is None or not (parts[0] == "pages" or parts == ["report.html"]):
                return self.send_body(HTTPStatus.NOT_FOUND, _error_page(f"not found: {path}"))
            self.send_body(HTTPStatus.OK, file.read_bytes(), CONTENT_TYPES.get(file.suffix, "application/octet-stream"))

        def review_page(self, market_id: str, name: str) -> None:
            built = project.market_pages(market_id)
            if built is not None and name == "index" and built.index_html:
                return self.send_body(HTTPStatus.OK, built.index_html.encode("utf-8"))
            for campaign, page in built.pages if built else []:
                if campaign.slug == name:
                    return self.send_body(HTTPStatus.OK, page.html.encode("utf-8"))
            self.send_body(HTTPStatus.NOT_FOUND, _error_page(f"no page {name!r} for market {market_id!r}"))

    return Handler


def _compressible(content_type: str) -> bool:
    return content_type.startswith(("text/", "application/json", "application/xml", "image/svg"))


def _accepts_gzip(header: str) -> bool:
    """Accept-Encoding (RFC 9110 §12.5.3) names gzip (or *) without q=0."""
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.replace(" ", "").partition("q=")[2]
            try:
                return not quality or float(quality) > 0
            except ValueError:
                return False
    return False


def _inside(root: Path, parts: list[str]) -> Path | None:
    """A file under root named by URL parts, never outside it (no '..', no absolute parts)."""
    if not parts or any(part in ("", ".", "..") or "\\" in part or "\x00" in part for part in parts):
        return None
    base = root.resolve()
    candidate = base.joinpath(*parts).resolve()
    if base not in candidate.parents or not candidate.is_file():
        return None
    return candidate


def _error_page(message: str) -> bytes:
    from markupsafe import escape

    return (f'<!doctype html><html lang="en"><meta charset="utf-8"><title>feedgen serve</title>'
            f"<p>{escape(message)}</p></html>").encode("utf-8")


def make_server(project: Project, port: int = 0) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1 (port 0: a free one; see server.server_address)."""
    server = ThreadingHTTPServer((HOST, port), make_handler(project))
    server.daemon_threads = True
    return server
