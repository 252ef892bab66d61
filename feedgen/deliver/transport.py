"""What a destination's transport is and says: `Transport.send(file) -> Sent`. The transports
(local, sftp, s3, spapi, and the read-back wrapper in hooks) import this module; destinations.py
picks one per URL scheme, so nothing here imports a transport (no cycle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from feedgen.deliver.plan import OutFile
from feedgen.diagnostics import Diagnostic


@dataclass
class Sent:
    remote: str
    confirmation: str
    remote_id: str | None = None
    pending: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: str | None = None  # the platform took the file but refused it (FATAL, CANCELLED)


class Transport(Protocol):
    def send(self, file: OutFile) -> Sent: ...

    def poll(self, remote: str, record: dict[str, Any]) -> Sent: ...

    def remove(self, remote: str) -> str:
        """Delete a file this destination no longer gets (a part of a feed that has shrunk into fewer
        files); returns how, for the summary. Only ever called after the whole new set is delivered."""
        ...

    def close(self) -> None: ...


def no_poll(remote: str) -> Sent:
    """For schemes whose upload is complete when send returns: nothing is ever pending."""
    return Sent(remote=remote, confirmation="nothing pending")
