"""sp-api:// destinations: each Amazon JSON_LISTINGS_FEED file becomes one SP-API feed.

The protocol is feedgen.deliver.platforms.amazon (Feeds API 2021-06-30). This module only decides
what goes where: the market's marketplace id comes from markets.toml (`amazon.marketplace_id`), the
feed id is handed back as soon as Amazon assigned it, and a feed still IN_QUEUE / IN_PROGRESS after
`max_wait` seconds is *pending*: the receipt keeps its feedId and the next `deliver` or
`deliver --status` asks about that feed instead of submitting another one. Once the feed was
created, a later fault (a dropped poll) also leaves it pending rather than lost, so nothing is ever
submitted twice for the same file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from feedgen.deliver.config import Destination
from feedgen.deliver.transport import Sent
from feedgen.deliver.errors import AuthenticationError, DeliveryError
from feedgen.deliver.plan import OutFile
from feedgen.deliver.platforms.amazon import FeedOutcome, FeedsClient
from feedgen.deliver.retry import Backoff, GaveUp
from feedgen.channels import read_markets
from feedgen.channels.amazon.settings import marketplace as amazon_marketplace


TOKEN_URL = "https://api.amazon.com/auth/o2/token"
MAX_WAIT = 300.0  # seconds a run waits for Amazon to process a feed before leaving it pending


class SpApiFeeds:
    def __init__(self, destination: Destination, backoff: Backoff, context: dict[str, Any]) -> None:
        self.destination = destination
        self.backoff = backoff
        self.context = context
        self.max_wait = 0.0 if context.get("status") else float(destination.options.get("max_wait", MAX_WAIT))
        self._client: FeedsClient | None = None
        self._marketplaces: dict[str, str] | None = None

    def client(self) -> FeedsClient:
        if self._client is None:
            d = self.destination
            self._client = FeedsClient(
                d.options.get("endpoint") or f"https://{d.host}", d.options.get("token_url") or TOKEN_URL,
                client_id=d.secret("client_id_env") or "", client_secret=d.secret("client_secret_env") or "",
                refresh_token=d.secret("refresh_token_env") or "", backoff=self.backoff, timeout=d.timeout)
        return self._client

    def marketplace(self, market: str) -> str:
        """The market's Amazon marketplace id, from the same markets.toml the build used."""
        if self._marketplaces is None:
            config = read_markets(Path(self.context["data_dir"]) / "markets.toml")
            self._marketplaces = {m.id.upper(): amazon_marketplace(m).marketplace_id for m in config.markets.values()
                                  if "amazon" in m.settings}
        found = self._marketplaces.get(market.upper())
        if not found:
            raise DeliveryError(f"{self.destination.name}: market {market or '(none)'} has no amazon.marketplace_id "
                                "in markets.toml")
        return found

    def send(self, file: OutFile) -> Sent:
        marketplace = self.marketplace(file.market)
        try:
            data = file.local.read_bytes()
        except OSError as error:
            raise DeliveryError(f"{self.destination.name}: {file.local}: {error.strerror or error}") from None
        feed_id = self.client().submit(data, [marketplace])
        try:
            outcome = self.client().wait(feed_id, self.max_wait, market=file.market)
        except AuthenticationError:
            raise
        except (DeliveryError, GaveUp) as error:  # the feed exists: keep its id, ask again next time
            return Sent(remote=file.remote, remote_id=feed_id, pending=True,
                        confirmation=f"feed {feed_id} submitted to {marketplace}; its status is unknown ({error})")
        return self._sent(file.remote, outcome, marketplace)

    def poll(self, remote: str, record: dict[str, Any]) -> Sent:
        feed_id = str(record.get("remote_id", ""))
        if not feed_id:
            raise DeliveryError(f"{self.destination.name}: the receipt's pending {remote} has no feed id")
        outcome = self.client().wait(feed_id, self.max_wait, market=str(record.get("market", "")))
        return self._sent(remote, outcome, None)

    def remove(self, remote: str) -> str:
        """Amazon keeps no files: a feed's messages were applied when it was processed, and a listing that
        leaves the catalogue is withdrawn by the next feed (removal tracking), so there is nothing to delete."""
        return "nothing to delete at Amazon (a feed is applied, not kept)"

    @staticmethod
    def _sent(remote: str, outcome: FeedOutcome, marketplace: str | None) -> Sent:
        where = f" ({marketplace})" if marketplace else ""
        confirmation = outcome.confirmation() + where
        if outcome.pending:
            confirmation += f"; still {outcome.status}: `feedgen deliver --status` asks again"
        return Sent(remote=remote, confirmation=confirmation, remote_id=outcome.feed_id, pending=outcome.pending,
                    diagnostics=list(outcome.diagnostics), failed=confirmation if outcome.failed else None)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
