"""A strict local Merchant API v1 (dataSources.fileUploads/latest) and OAuth 2.0 token endpoint.

Shapes: developers.google.com/merchant/api/reference/rest/datasources_v1/accounts.dataSources.fileUploads
(FileUpload: name, dataSourceId, processingState, issues[{title, description, code, count, severity,
documentationUri}], itemsTotal/Created/Updated as int64 strings, uploadTime); Google API errors
{"error": {"code", "message", "status"}}. Token endpoint: RFC 7523 §2.1 JWT bearer grant as in Google's
"Using OAuth 2.0 for Server to Server Applications" (RS256, kid = private_key_id, iss = client_email,
scope, aud = token_uri, exp ≤ iat + 3600; errors {"error": "invalid_grant", "error_description"}).

Strict: the assertion's signature is checked with the service account's public key and every claim is
checked; the API needs a Bearer token this server issued; account and data source must be known
(403 PERMISSION_DENIED / 404 NOT_FOUND). `uploads` scripts successive answers (the last one sticks)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.deliver.fakes.base import FakeServer, Recorded, Reply

SCOPE = "https://www.googleapis.com/auth/content"


@lru_cache(maxsize=1)
def throwaway_key() -> tuple[str, Any]:
    """One throwaway RSA key per test process (generating one costs ~0.1 s)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem.decode("ascii"), key.public_key()


def google_error(code: int, status: str, message: str) -> Reply:
    return Reply.json(code, {"error": {"code": code, "message": message, "status": status}})


def upload(state: str = "SUCCEEDED", issues: list[dict[str, Any]] | None = None, *, total: int = 120,
           upload_time: str = "2026-12-07T09:30:00.123456789Z") -> dict[str, Any]:
    """A FileUpload resource as the API returns it (int64 counts as strings)."""
    return {
        "name": "accounts/123456789/dataSources/987654321/fileUploads/latest",
        "dataSourceId": "987654321",
        "processingState": state,
        "issues": issues or [],
        "itemsTotal": str(total),
        "itemsCreated": "3",
        "itemsUpdated": str(total - 3),
        "uploadTime": upload_time,
    }


@dataclass
class FakeMerchantApi(FakeServer):
    account_id: str = "123456789"
    data_source_id: str = "987654321"
    client_email: str = "feedgen@alfasko-feeds.iam.gserviceaccount.com"
    private_key_id: str = field(default_factory=lambda: secrets.token_hex(20))
    uploads: list[dict[str, Any]] = field(default_factory=lambda: [upload()])

    def __post_init__(self) -> None:
        FakeServer.__init__(self)
        self.private_key, self._public_key = throwaway_key()
        self.tokens: set[str] = set()
        self.claims: list[dict[str, Any]] = []
        self._served = 0
        self.route("POST", r"/token", "token", self._token)
        self.route(
            "GET", r"/datasources/v1/accounts/(?P<account>\d+)/dataSources/(?P<source>\d+)/fileUploads/latest", "latest", self._latest
        )

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    def key_info(self) -> dict[str, Any]:
        """A service-account key file's fields (the shape the Cloud console downloads)."""
        return {
            "type": "service_account",
            "project_id": "alfasko-feeds",
            "private_key_id": self.private_key_id,
            "private_key": self.private_key,
            "client_email": self.client_email,
            "client_id": "112233445566778899",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
        }

    def key_json(self) -> str:
        return json.dumps(self.key_info())

    def _token(self, request: Recorded, _match) -> Reply:
        def refuse(description: str) -> Reply:
            return Reply.json(400, {"error": "invalid_grant", "error_description": description})

        form = request.form()
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" or "assertion" not in form:
            return Reply.json(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"})
        try:
            header = jwt.get_unverified_header(form["assertion"])
            claims = jwt.decode(
                form["assertion"], self._public_key, algorithms=["RS256"], audience=self.token_uri,
                options={"require": ["iss", "aud", "iat", "exp"]},
            )
        except jwt.PyJWTError as error:
            return refuse(f"Invalid JWT: {type(error).__name__}")
        if header.get("kid") != self.private_key_id:
            return refuse("Invalid JWT Signature.")
        if claims["iss"] != self.client_email:
            return refuse("Invalid issuer.")
        if SCOPE not in str(claims.get("scope", "")).split():
            return refuse("Invalid scope.")
        if not 0 < claims["exp"] - claims["iat"] <= 3600:
            return refuse("Invalid JWT: Token must be a short-lived token (60 minutes)")
        self.claims.append(claims)
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        self.tokens.add(token)
        return Reply.json(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _latest(self, request: Recorded, match) -> Reply:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer ") or header[len("Bearer "):] not in self.tokens:
            return google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        if match["account"] != self.account_id:
            return google_error(403, "PERMISSION_DENIED", f"The caller does not have access to the accounts: [{match['account']}]")
        if match["source"] != self.data_source_id:
            return google_error(404, "NOT_FOUND", "Requested entity was not found.")
        answer = self.uploads[min(self._served, len(self.uploads) - 1)]
        self._served += 1
        return Reply.json(200, answer)
