"""`output/delivery.html`: what the last `feedgen deliver` did, for people who read report.html.

Written from the receipts (what each destination has) and the run's diagnostics (what the
platforms said: amazon.report.*, meta.remote.*, google.remote.*, deliver.failed), because the
console scrolls away and the --report JSON is for machines. It is not in manifest.json: like
report.html it describes a build, it is not part of one. Publishing carries it into the next
build unchanged, so the page names the manifest it delivered and report.html says when that is
not the build it belongs to. Platform text is untrusted: Jinja2 autoescapes every value, and the
rendered page passes the secret scrubber once more before it is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from jinja2 import Environment, PackageLoader, StrictUndefined

from feedgen.diagnostics import Diagnostic
from feedgen.files import write_text_atomic
from feedgen.publish.manifest import DELIVERY_PAGE



@dataclass
class DestinationView:
    """One destination as the page shows it: the run's row, its receipt's files, its diagnostics."""

    name: str
    channel: str
    url: str
    outcome: str
    confirmation: str
    sent_files: int
    sent_bytes: int
    time: str
    files: list[dict[str, Any]] = field(default_factory=list)  # receipt records, remote name added
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def pending(self) -> list[dict[str, Any]]:
        return [record for record in self.files if record.get("status") == "pending"]


FILE_KEYS = ("path", "market", "bytes", "items", "status", "remote_id", "confirmation", "time")


def file_rows(files: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """A receipt's records by remote name, each with every key the page shows (an SFTP file has no
    remote id; a receipt written by an older feedgen may lack others)."""
    return [{"remote": remote, **{key: record.get(key) for key in FILE_KEYS}} for remote, record in sorted(files.items())]


def _environment() -> Environment:
    return Environment(loader=PackageLoader("feedgen.deliver", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_page(*, views: list[DestinationView], manifest_sha256: str, built_at: str, written_at: str,
                mode: str) -> str:
    """The page; `mode` is "deliver" or "status" (a --status run only polled pending jobs)."""
    errors = sum(d.severity == "error" for v in views for d in v.diagnostics)
    warnings = sum(d.severity == "warning" for v in views for d in v.diagnostics)
    return _environment().get_template("delivery.html.j2").render(
        views=views, manifest_sha256=manifest_sha256, built_at=built_at, written_at=written_at, mode=mode,
        errors=errors, warnings=warnings)


def write_page(out: Path, html: str, scrub: Callable[[str], str]) -> Path:
    """Atomically replace output/delivery.html (a hard link held by an older build is never written
    through). `scrub` runs on the rendered text too: a fence behind the scrubbing of every value."""
    path = out / DELIVERY_PAGE
    write_text_atomic(path, scrub(html))
    return path


