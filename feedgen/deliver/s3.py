"""s3:// destinations (AWS S3 or any S3-compatible store via endpoint_url), with boto3.

Atomic by the protocol: one PutObject replaces the object whole or not at all, so a killed upload
leaves the previous object. The request carries the file's SHA-256 (`x-amz-checksum-sha256`): the
store refuses bytes that do not match it (BadDigest). Afterwards HeadObject with checksum mode
confirms size and checksum. One PUT takes up to 5 GB, far above any feed platform's limit.

Credentials: access_key_id_env / secret_access_key_env / session_token_env if set, else boto3's
standard chain (the AWS_* variables, a profile, an instance role).
"""

from __future__ import annotations

import base64
import mimetypes
from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config

from feedgen.deliver.config import Destination
from feedgen.deliver.transport import Sent, no_poll
from feedgen.deliver.errors import AuthenticationError, DeliveryError
from feedgen.deliver.plan import OutFile
from feedgen.deliver.retry import Backoff, Transient

AUTH_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken",
              "TokenRefreshRequired", "AuthorizationHeaderMalformed", "InvalidClientTokenId"}
TRANSIENT_CODES = {"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed",
                   "Throttling", "ThrottlingException", "503", "500", "502", "504"}
CONTENT_TYPES = {".xml": "application/xml", ".csv": "text/csv; charset=utf-8", ".json": "application/json",
                 ".html": "text/html; charset=utf-8", ".tsv": "text/tab-separated-values; charset=utf-8"}


def content_type(name: str) -> str:
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


class S3Prefix:
    def __init__(self, destination: Destination, backoff: Backoff) -> None:
        self.destination = destination
        self.backoff = backoff
        self.bucket = destination.parts.hostname or ""
        prefix = destination.parts.path.lstrip("/")
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self._client: Any = None

    def client(self) -> Any:
        if self._client is None:
            d = self.destination
            self._client = boto3.session.Session().client(
                "s3", endpoint_url=d.options.get("endpoint_url"), region_name=d.options.get("region") or "us-east-1",
                aws_access_key_id=d.secret("access_key_id_env"), aws_secret_access_key=d.secret("secret_access_key_env"),
                aws_session_token=d.secret("session_token_env"),
                config=Config(retries={"total_max_attempts": 1}, connect_timeout=d.timeout, read_timeout=d.timeout,
                              request_checksum_calculation="when_required", s3={"addressing_style": "path"}
                              if d.options.get("endpoint_url") else None),
            )
        return self._client

    def send(self, file: OutFile) -> Sent:
        key = self.prefix + file.remote
        checksum = base64.b64encode(bytes.fromhex(file.sha256)).decode("ascii")
        where = f"s3://{self.bucket}/{key}"
        try:
            with file.local.open("rb") as body:
                self.client().put_object(Bucket=self.bucket, Key=key, Body=body, ContentLength=file.bytes,
                                         ContentType=content_type(file.remote), ChecksumAlgorithm="SHA256",
                                         ChecksumSHA256=checksum)
            head = self.client().head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        except botocore.exceptions.ClientError as error:
            raise self._classify(error, where) from None
        except botocore.exceptions.NoCredentialsError:
            raise AuthenticationError(f"{self.destination.name}: no AWS credentials (set access_key_id_env and "
                                      "secret_access_key_env, or the standard AWS_* variables)") from None
        except (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError,
                botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectTimeoutError,
                botocore.exceptions.ProxyConnectionError) as error:
            raise Transient(f"{self.destination.name}: {where}: {type(error).__name__}") from None
        except OSError as error:
            raise DeliveryError(f"{self.destination.name}: {file.local}: {error.strerror or error}") from None
        size = head.get("ContentLength")
        stored = head.get("ChecksumSHA256")
        if size != file.bytes:
            raise DeliveryError(f"{self.destination.name}: {where} holds {size} bytes after the upload, not {file.bytes}")
        if stored is not None and stored.split("-")[0] != checksum:
            raise DeliveryError(f"{self.destination.name}: {where}: the stored SHA-256 differs from the file's")
        how = "SHA-256 verified" if stored else "size verified (the store keeps no SHA-256)"
        etag = str(head.get("ETag", "")).strip('"')
        return Sent(remote=file.remote, confirmation=f"PUT, {how}",
                    remote_id=f"version {head['VersionId']}" if head.get("VersionId") else f"ETag {etag}")

    def _classify(self, error: botocore.exceptions.ClientError, where: str) -> Exception:
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = f"{self.destination.name}: {where}: {code or status} ({_first(error)})"
        if code in AUTH_CODES or status in (401, 403):
            return AuthenticationError(message)
        if code in TRANSIENT_CODES or (isinstance(status, int) and (status == 429 or status >= 500)):
            retry_after = error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("retry-after")
            return Transient(message, retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None)
        return DeliveryError(message)

    def poll(self, remote: str, record: dict[str, Any]) -> Sent:
        return no_poll(remote)

    def remove(self, remote: str) -> str:
        """DeleteObject: a fetcher then gets 404 for the name instead of an earlier build's part."""
        key = self.prefix + remote
        try:
            self.client().delete_object(Bucket=self.bucket, Key=key)
        except botocore.exceptions.ClientError as error:
            raise self._classify(error, f"s3://{self.bucket}/{key}") from None
        except (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError,
                botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectTimeoutError) as error:
            raise Transient(f"{self.destination.name}: s3://{self.bucket}/{key}: {type(error).__name__}") from None
        return "DeleteObject"

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _first(error: botocore.exceptions.ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", "") or "no message").splitlines()[0][:200]
