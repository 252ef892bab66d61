"""pytest fixtures for the platform fakes; import them into a conftest or a test module:

    from tests.deliver.fakes.fixtures import fake_clock, sp_api, graph_api, merchant_api  # noqa: F401

`fake_clock` is an instant clock: a `Backoff` built by `fake_clock.backoff()` sleeps by moving it, and
the SP-API fake runs its rate limits and URL/token expiries on the same clock, so polling for an hour
takes milliseconds and a too-fast client meets a 429 exactly as it would at Amazon."""

from __future__ import annotations

import random
from typing import Iterator

import pytest

from feedgen.deliver.retry import Backoff
from tests.deliver.fakes.amazon import FakeSpApi


class FakeClock:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, seconds
        self.sleeps.append(seconds)
        self.now += seconds

    def backoff(self, **kwargs) -> Backoff:
        return Backoff(sleep=self.sleep, clock=self.clock, rng=random.Random(7), **kwargs)


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sp_api(fake_clock: FakeClock) -> Iterator[FakeSpApi]:
    """SP-API Feeds + LWA + presigned store on 127.0.0.1, on `fake_clock`. Client settings:
    endpoint=sp_api.url, token_url=sp_api.token_url, client_id/client_secret/refresh_token=sp_api.<same>."""
    with FakeSpApi(clock=fake_clock.clock) as server:
        yield server


@pytest.fixture
def graph_api():
    """Graph API product-feed uploads on 127.0.0.1: graph_url=graph_api.url, token=graph_api.token,
    product_feed_id=graph_api.product_feed_id."""
    from tests.deliver.fakes.meta import FakeGraphApi

    with FakeGraphApi() as server:
        yield server


@pytest.fixture
def merchant_api():
    """Merchant API v1 dataSources.fileUploads + OAuth token endpoint on 127.0.0.1: endpoint=merchant_api.url,
    credentials=merchant_api.key_json() (a service-account key whose token_uri points here), account and
    data source ids merchant_api.account_id / merchant_api.data_source_id."""
    from tests.deliver.fakes.google import FakeMerchantApi

    with FakeMerchantApi() as server:
        yield server
