"""The fakes refuse what the real services refuse, so a client that passes against them is not just lucky.

SP-API: feeds_2021-06-30.json (403 without a valid token, 415 for a wrong Content-Type, 400 ErrorList for a
body without the required fields); presigned URLs are signed for the declared Content-Type. Graph API:
error 190 for a bad token, #100 for a nonexisting field. Merchant API: JWT claims are checked."""

from __future__ import annotations

import json
import time

import httpx
import jwt
import pytest

from tests.deliver.fakes.fixtures import fake_clock, graph_api, merchant_api, sp_api  # noqa: F401

pytestmark = pytest.mark.timeout(30)


def lwa_token(sp_api) -> str:
    form = {"grant_type": "refresh_token", "refresh_token": sp_api.refresh_token, "client_id": sp_api.client_id,
            "client_secret": sp_api.client_secret}
    return httpx.post(sp_api.token_url, data=form).json()["access_token"]


def test_sp_api_refuses_bad_requests(sp_api):
    documents = sp_api.url + "/feeds/2021-06-30/documents"
    body = json.dumps({"contentType": "application/json; charset=UTF-8"})
    assert httpx.post(documents, content=body, headers={"Content-Type": "application/json"}).status_code == 403
    token = {"x-amz-access-token": lwa_token(sp_api)}
    assert httpx.post(documents, content=body, headers={**token, "Content-Type": "text/plain"}).status_code == 415
    assert httpx.post(documents, content="{}", headers={**token, "Content-Type": "application/json"}).status_code == 400
    created = httpx.post(documents, content=body, headers={**token, "Content-Type": "application/json"})
    assert created.status_code == 201
    url = created.json()["url"]
    assert httpx.put(url, content=b"{}", headers={"Content-Type": "application/json"}).status_code == 403  # not the signed type
    assert httpx.put(url.split("?")[0], content=b"{}", headers={"Content-Type": "application/json; charset=UTF-8"}).status_code == 403
    assert httpx.put(url, content=b"{}", headers={**token, "Content-Type": "application/json; charset=UTF-8"}).status_code == 400
    feeds = sp_api.url + "/feeds/2021-06-30/feeds"
    spec = {"feedType": "JSON_LISTINGS_FEED", "marketplaceIds": ["A2NODRKZP88ZB9"], "inputFeedDocumentId": created.json()["feedDocumentId"]}
    headers = {**token, "Content-Type": "application/json"}
    assert httpx.post(feeds, json=spec, headers=headers).status_code == 400  # nothing uploaded yet
    assert httpx.put(url, content=b"{}", headers={"Content-Type": "application/json; charset=UTF-8"}).status_code == 200
    assert httpx.post(feeds, json={**spec, "marketplaceIds": ["NOPE"]}, headers=headers).status_code == 400
    assert httpx.post(feeds, json={**spec, "feedType": "POST_PRODUCT_DATA"}, headers=headers).status_code == 400
    assert httpx.post(feeds, json={k: v for k, v in spec.items() if k != "feedType"}, headers=headers).status_code == 400
    assert httpx.post(feeds, json=spec, headers=headers).status_code == 202


def test_sp_api_enforces_the_rate_on_its_clock(sp_api, fake_clock):
    headers = {"x-amz-access-token": lwa_token(sp_api)}
    statuses = [httpx.get(sp_api.url + "/feeds/2021-06-30/feeds/1", headers=headers).status_code for _ in range(16)]
    assert statuses == [404] * 15 + [429]  # burst 15, then QuotaExceeded until the clock moves
    fake_clock.sleep(0.5)
    assert httpx.get(sp_api.url + "/feeds/2021-06-30/feeds/1", headers=headers).status_code == 404


def test_graph_refuses_bad_token_and_unknown_fields(graph_api):
    trigger = f"{graph_api.url}/v24.0/{graph_api.product_feed_id}/uploads"
    bad = httpx.post(trigger, data={"url": "https://x/y.csv"}, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 190
    auth = {"Authorization": f"Bearer {graph_api.token}"}
    assert httpx.post(trigger, data={}, headers=auth).json()["error"]["code"] == 100
    session = httpx.post(trigger, data={"url": "https://x/y.csv"}, headers=auth).json()["id"]
    unknown = httpx.get(f"{graph_api.url}/v24.0/{session}", params={"fields": "id,num_items"}, headers=auth)
    assert unknown.json()["error"]["message"] == "(#100) Tried accessing nonexisting field (num_items)"


def test_merchant_token_endpoint_checks_the_jwt(merchant_api):
    key = merchant_api.key_info()
    now = int(time.time())
    claims = {"iss": key["client_email"], "scope": "https://www.googleapis.com/auth/content", "aud": merchant_api.token_uri,
              "iat": now, "exp": now + 3600}

    def grant(changes: dict, headers: dict | None = None) -> httpx.Response:
        assertion = jwt.encode(claims | changes, key["private_key"], algorithm="RS256", headers=headers or {"kid": key["private_key_id"]})
        return httpx.post(merchant_api.token_uri, data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion})

    assert grant({}).status_code == 200
    assert grant({"exp": now + 7200}).json()["error"] == "invalid_grant"  # longer than an hour
    assert grant({"aud": "https://elsewhere/token"}).status_code == 400
    assert grant({"scope": "openid"}).status_code == 400
    assert grant({}, headers={"kid": "other"}).status_code == 400
    assert grant({"iat": now - 7200, "exp": now - 3600}).status_code == 400  # expired
    api = f"{merchant_api.url}/datasources/v1/accounts/{merchant_api.account_id}/dataSources/{merchant_api.data_source_id}/fileUploads/latest"
    assert httpx.get(api).json()["error"]["status"] == "UNAUTHENTICATED"
