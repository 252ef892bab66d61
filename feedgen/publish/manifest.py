"""`manifest.json`: what a published build contains and what it was made from.

Per file: channel, market, item count, byte size, sha256. Per input file actually read: sha256.
Plus the feedgen version. No time stamp unless asked for (`--stamp`), so two builds from the
same inputs are byte-for-byte identical and "did anything change?" is one hash comparison.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from feedgen import __version__

MANIFEST = "manifest.json"
# the incremental build's memory (feedgen.pipeline.incremental), published with the output
STATE = ".feedgen-state.json"
DELIVERY_PAGE = "delivery.html"  # written by `feedgen deliver` (feedgen.deliver.page), carried over by builds
# deliver.page names the manifest it delivered in this tag, so report.html can tell whether the page is current
_DELIVERED_MANIFEST = re.compile(r'<meta name="feedgen-delivered-manifest" content="([0-9a-f]{64})">')
FORMAT = 1


@dataclass(frozen=True)
class FileEntry:
    channel: str
    market: str
    items: int
    bytes: int
    sha256: str
    # the feed this file is a numbered part of (feedgen.channels.parts: `google/de.xml` for google/de-001.xml);
    # written only for parts, so an unsplit build's manifest is what it always was
    part_of: str | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        if self.part_of is None:
            del data["part_of"]
        return data


@dataclass
class Manifest:
    files: dict[str, FileEntry] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    feedgen_version: str = __version__
    built_at: str | None = None

    def to_json(self) -> str:
        payload: dict = {
            "format": FORMAT,
            "feedgen_version": self.feedgen_version,
            "files": {path: entry.to_json() for path, entry in sorted(self.files.items())},
            "inputs": dict(sorted(self.inputs.items())),
        }
        if self.built_at:
            payload["built_at"] = self.built_at
        return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        files = {path: FileEntry(**entry) for path, entry in data["files"].items()}
        return cls(files=files, inputs=dict(data.get("inputs", {})),
                   feedgen_version=data.get("feedgen_version", ""), built_at=data.get("built_at"))

    @classmethod
    def read(cls, directory: Path, warn: Callable[[str], None] = lambda message: None) -> Manifest | None:
        """The manifest of a published build, or None if there is none (or it cannot be read)."""
        path = directory / MANIFEST
        if not path.is_file():
            return None
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except (ValueError, KeyError, TypeError, AttributeError) as error:  # AttributeError: `files` not a table
            warn(f"ignoring {path}: not a feedgen manifest ({error})")
            return None

    def for_pair(self, channel: str, market: str) -> list[str]:
        return sorted(p for p, e in self.files.items() if e.channel == channel and e.market == market)

    def feeds(self, paths: Iterable[str] | None = None) -> dict[str, list[str]]:
        """feed -> its files (a whole file is its own feed; parts are grouped under the feed they split),
        for `paths` (default every file): what the gate, diff and delivery compare."""
        grouped: dict[str, list[str]] = {}
        for path in sorted(self.files if paths is None else paths):
            grouped.setdefault(feed_of(path, self.files.get(path)), []).append(path)
        return grouped


def feed_of(path: str, entry: FileEntry | None) -> str:
    """The feed a file belongs to: the unsplit name for a part, else the file's own path."""
    return entry.part_of if entry is not None and entry.part_of else path


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def input_hashes(files: dict[str, Path]) -> dict[str, str]:
    """sha256 per input file, by the key the caller chose (a stable relative path)."""
    return {key: sha256_file(path) for key, path in sorted(files.items())}


def file_entry(path: Path, channel: str, market: str, items: int, written: tuple[int, str] | None = None,
               part_of: str | None = None) -> FileEntry:
    """`written`: (bytes, sha256) taken while the file was written (feedgen.publish.stage.Stage), else read now."""
    size, sha256 = written if written is not None else (path.stat().st_size, sha256_file(path))
    return FileEntry(channel=channel, market=market, items=items, bytes=size, sha256=sha256, part_of=part_of)


def delivered_manifest(path: Path) -> str | None:
    """The sha256 of the manifest the delivery page at `path` reported on, or None (no page, or not
    one of ours). report.html uses it to say which build a carried-over page is for."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    match = _DELIVERED_MANIFEST.search(head)
    return match.group(1) if match else None
