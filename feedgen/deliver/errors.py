"""What can go wrong while delivering, as exceptions that carry one printable line.

Messages name the destination and what failed, never a credential: they end up in the console,
receipts, --report JSON and report.html, all of which CI logs keep."""

from __future__ import annotations


class DeliveryError(Exception):
    """A destination could not take the build; other destinations go on."""


class AuthenticationError(DeliveryError):
    """The platform refused the credentials: retrying cannot help, so nothing retries it."""


class RemoteRejected(DeliveryError):
    """The platform took the upload but reported that it could not use it (FATAL, every item rejected)."""
