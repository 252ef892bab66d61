"""The destination interface: one object per configured destination, opened once per run.

`send(file)` makes the remote hold exactly `file`'s bytes under its remote name, atomically, checks
it, and says how it knows (`Sent.confirmation`). It raises `retry.Transient` for a fault worth
trying again (the caller retries the whole file, never a half), `errors.AuthenticationError` when
the credentials are refused and `errors.DeliveryError` for anything else; messages never hold a
secret. `poll(remote, record)` checks a job the platform had not finished last time (Amazon feeds).
A new scheme is a module with a class like these and one line in `open_destination`.
"""

from __future__ import annotations

from typing import Any

from feedgen.deliver.config import HOOKS, Destination
from feedgen.deliver.retry import Backoff
from feedgen.deliver.transport import Transport


def open_destination(destination: Destination, backoff: Backoff, context: dict[str, Any]) -> Transport:
    """The transport for `destination`'s scheme (credentials already resolved into it), with the
    platform read-back when the destination has a [destination.meta] / [destination.google] table.
    Connecting happens lazily on the first send, inside the retry loop."""
    transport = _transport(destination, backoff, context)
    if any(hook in destination.options for hook in HOOKS):
        from feedgen.deliver.hooks import ReadBack
        return ReadBack(transport, destination, backoff)
    return transport


def _transport(destination: Destination, backoff: Backoff, context: dict[str, Any]) -> Transport:
    if destination.scheme == "file":
        from feedgen.deliver.local import LocalFolder
        return LocalFolder(destination)
    if destination.scheme == "sftp":
        from feedgen.deliver.sftp import SftpFolder
        return SftpFolder(destination, backoff)
    if destination.scheme == "s3":
        from feedgen.deliver.s3 import S3Prefix
        return S3Prefix(destination, backoff)
    if destination.scheme == "sp-api":
        from feedgen.deliver.spapi import SpApiFeeds
        return SpApiFeeds(destination, backoff, context)
    raise ValueError(destination.scheme)  # pragma: no cover - config admits only the schemes above
