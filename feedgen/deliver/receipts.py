"""Receipts: what each destination was last sent, kept inside the output so it travels with it.

`output/.feedgen-deliveries/<destination>.json`. Inside the output, because publishing carries files
it did not write over into the new build (feedgen.publish.stage.Stage.carry_over, by hard link) and the
nightly job caches output/ as a whole: the receipts survive both, unlike a file beside output/.
Each write replaces the file atomically (new inode), so a hard link held by an older build is never
written through.

A receipt holds, per remote file, what the remote now has as far as feedgen knows (sha256, bytes,
items, confirmation, remote id, pending state), updated after every file that got through. That is
the basis of idempotency (an unchanged file is not sent again, even after a night where half the
files failed), of the shrink guard (compare with what the platform has, not with the last build)
and of `deliver --status`. No secret is ever put in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from feedgen.files import write_text_atomic

RECEIPTS = ".feedgen-deliveries"
FORMAT = 1


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Receipt:
    destination: str
    url: str = ""
    manifest_sha256: str = ""  # of the build most recently delivered in full
    outcome: str = ""  # of the last attempt: delivered, up to date, pending, failed, refused
    message: str = ""
    time: str = ""
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # by remote name

    def to_json(self) -> str:
        payload = {"format": FORMAT, "destination": self.destination, "url": self.url,
                   "manifest_sha256": self.manifest_sha256, "outcome": self.outcome, "message": self.message,
                   "time": self.time, "files": dict(sorted(self.files.items()))}
        return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def delivered(self, remote: str, sha256: str) -> bool:
        record = self.files.get(remote)
        return record is not None and record.get("sha256") == sha256 and record.get("status") == "delivered"

    def pending(self) -> dict[str, dict[str, Any]]:
        return {remote: record for remote, record in self.files.items() if record.get("status") == "pending"}


def receipt_path(out: Path, name: str) -> Path:
    return out / RECEIPTS / f"{name}.json"


def load_receipt(out: Path, name: str, url: str) -> tuple[Receipt, str | None]:
    """The destination's receipt (empty if none), and a warning if one existed but was unusable or
    was for another URL (then nothing in it describes this destination's remote)."""
    path = receipt_path(out, name)
    if not path.is_file():
        return Receipt(destination=name, url=url), None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        receipt = Receipt(destination=name, url=str(data["url"]), manifest_sha256=str(data["manifest_sha256"]),
                          outcome=str(data["outcome"]), message=str(data.get("message", "")),
                          time=str(data.get("time", "")), files=dict(data["files"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        return Receipt(destination=name, url=url), f"ignoring {path}: not a delivery receipt ({type(error).__name__})"
    if receipt.url != url:
        return (Receipt(destination=name, url=url),
                f"{name}: the url changed since the last delivery; treating it as a new destination")
    return receipt, None


def save_receipt(out: Path, receipt: Receipt) -> None:
    write_text_atomic(receipt_path(out, receipt.destination), receipt.to_json())
