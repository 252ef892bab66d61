"""Optional read-back after an upload: ask the platform what it made of the file.

- Meta (`[destination.meta]`): once a file is at the URL the catalog's feed fetches, trigger that
  fetch now (`POST /{product_feed_id}/uploads`) and read the upload session: errors become
  `meta.remote.*` diagnostics, deleted items a warning (feedgen.deliver.platforms.meta).
- Google (`[destination.google]`): after the SFTP upload, read the data source's
  `fileUploads/latest` in the Merchant API v1 and turn its issues into `google.remote.*` diagnostics
  (feedgen.deliver.platforms.google). Without it, the results are in Merchant Center only.

The upload itself has succeeded when a hook runs, so a hook that cannot reach the platform is a
warning on that file, not a failed delivery: the file is in place and will be fetched on schedule.
A result the platform has not finished is pending; the receipt keeps the session (Meta) or the
upload time (Google) and the next `deliver` / `deliver --status` reads it, never triggering again.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from feedgen.deliver.config import Destination, render_template
from feedgen.deliver.transport import Sent, Transport
from feedgen.deliver.errors import DeliveryError
from feedgen.deliver.plan import OutFile, template_values
from feedgen.deliver.platforms import google, meta
from feedgen.deliver.retry import Backoff, GaveUp
from feedgen.diagnostics import Diagnostic

META, GOOGLE = "meta-upload:", "google-upload:"


class ReadBack:
    """Wraps a transport: `send` uploads, then runs the destination's hook for that remote name."""

    def __init__(self, inner: Transport, destination: Destination, backoff: Backoff, status: bool = False) -> None:
        self.inner, self.destination, self.backoff, self.status = inner, destination, backoff, status

    def send(self, file: OutFile) -> Sent:
        started = datetime.now(timezone.utc)
        sent = self.inner.send(file)
        try:
            return self._hook(file, sent, started)
        except (DeliveryError, GaveUp) as error:
            message = f"{self.destination.name}: {file.remote} is in place, but reading the platform's result failed: {error}"
            sent.diagnostics.append(Diagnostic("deliver.read_back", "warning", message, market=file.market,
                                               channel=self.destination.channel))
            sent.confirmation += "; platform result unavailable"
            return sent

    def _hook(self, file: OutFile, sent: Sent, started: datetime) -> Sent:
        d = self.destination
        if "meta" in d.options and file.remote in d.options["meta"]["product_feeds"]:
            options = d.options["meta"]
            values = template_values(file.path, file.channel, file.market, file.part_of)
            url = render_template(options["file_url"], {**values, "remote": file.remote})
            result = meta.trigger_upload(
                options.get("graph_url", "https://graph.facebook.com"), options["product_feeds"][file.remote], url,
                d.secret("meta.token_env") or "", backoff=self.backoff, max_wait=float(options.get("max_wait", 60)),
                market=file.market, api_version=options.get("api_version", meta.API_VERSION), timeout=d.timeout)
            return _merge(sent, result.confirmation(), result.pending, result.diagnostics, META + result.session_id)
        if "google" in d.options and file.remote in d.options["google"]["data_sources"]:
            options = d.options["google"]
            result = google.latest_upload(
                options.get("endpoint", google.ENDPOINT), options["account_id"], options["data_sources"][file.remote],
                d.secret("google.credentials_env") or "", backoff=self.backoff,
                max_wait=float(options.get("max_wait", 0)), since=started, market=file.market, timeout=d.timeout)
            return _merge(sent, result.confirmation(), result.pending, result.diagnostics,
                          f"{GOOGLE}{started.isoformat(timespec='seconds')}")
        return sent

    def poll(self, remote: str, record: dict[str, Any]) -> Sent:
        remote_id = str(record.get("remote_id", ""))
        d = self.destination
        market = str(record.get("market", ""))
        if remote_id.startswith(META) and "meta" in d.options:
            options = d.options["meta"]
            result = meta.check_upload(options.get("graph_url", "https://graph.facebook.com"), remote_id[len(META):],
                                       d.secret("meta.token_env") or "", backoff=self.backoff, max_wait=0.0,
                                       market=market, api_version=options.get("api_version", meta.API_VERSION))
            return _merge(Sent(remote, ""), result.confirmation(), result.pending, result.diagnostics, remote_id)
        if remote_id.startswith(GOOGLE) and "google" in d.options and remote in d.options["google"]["data_sources"]:
            options = d.options["google"]
            since = datetime.fromisoformat(remote_id[len(GOOGLE):])
            result = google.latest_upload(options.get("endpoint", google.ENDPOINT), options["account_id"],
                                          options["data_sources"][remote], d.secret("google.credentials_env") or "",
                                          backoff=self.backoff, since=since, market=market)
            return _merge(Sent(remote, ""), result.confirmation(), result.pending, result.diagnostics, remote_id)
        return self.inner.poll(remote, record)

    def remove(self, remote: str) -> str:
        return self.inner.remove(remote)

    def close(self) -> None:
        self.inner.close()


def _merge(sent: Sent, confirmation: str, pending: bool, diagnostics: list[Diagnostic], remote_id: str) -> Sent:
    sent.confirmation = f"{sent.confirmation}; {confirmation}" if sent.confirmation else confirmation
    sent.pending = pending
    sent.diagnostics.extend(diagnostics)
    sent.remote_id = remote_id
    return sent
