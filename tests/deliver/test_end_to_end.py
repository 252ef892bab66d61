"""The issue's "done when": `feedgen build && feedgen deliver` on the sample project against local
servers puts every file at its destination, byte-identical, with receipts; a second run sends nothing.
Google → OpenSSH sshd, Meta → moto S3, Amazon → the SP-API fake, pages → a folder."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from tests.deliver.fakes.fixtures import fake_clock, sp_api  # noqa: F401

from .conftest import deliver, everything_written, manifest_files, receipt, write_destinations
from .test_s3 import ENV as S3_ENV, KEY_ID, SECRET_KEY

pytestmark = pytest.mark.timeout(180)


def test_build_then_deliver_everything_and_a_second_run_sends_nothing(built, sshd, s3_server, sp_api, tmp_path):
    google, site = tmp_path / "gmc", tmp_path / "site"
    google.mkdir()
    site.mkdir()
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id=KEY_ID,
                      aws_secret_access_key=SECRET_KEY)
    s3.create_bucket(Bucket="alfasko-feeds")
    sp_api.script = ["DONE"]
    write_destinations(built, f'''[[destination]]
name = "gmc"
channel = "google"
url = "sftp://{sshd.user}@127.0.0.1:{sshd.port}{google}/"
identity_file = "{sshd.identity}"
known_hosts = "{sshd.known_hosts}"
remote_name = "alfasko-{{market}}.xml"

[[destination]]
name = "meta-bucket"
channel = "meta"
url = "s3://alfasko-feeds/meta/"
endpoint_url = "{s3_server}"
access_key_id_env = "FEEDS_KEY_ID"
secret_access_key_env = "FEEDS_SECRET_KEY"

[[destination]]
name = "amazon"
channel = "amazon"
url = "sp-api://sellingpartnerapi-eu.amazon.com"
endpoint = "{sp_api.url}"
token_url = "{sp_api.token_url}"
refresh_token_env = "LWA_REFRESH_TOKEN"
client_id_env = "LWA_CLIENT_ID"
client_secret_env = "LWA_CLIENT_SECRET"

[[destination]]
name = "site"
channel = "pages"
url = "file://{site}"
''')
    env = {**S3_ENV, "LWA_REFRESH_TOKEN": sp_api.refresh_token, "LWA_CLIENT_ID": sp_api.client_id,
           "LWA_CLIENT_SECRET": sp_api.client_secret}
    first = deliver(built, env=env)
    assert first.exit_code == 0, first.output
    out = built / "output"
    for path, entry in manifest_files(built, "google").items():
        assert (google / f"alfasko-{entry['market'].lower()}.xml").read_bytes() == (out / path).read_bytes()
    for path in manifest_files(built, "meta"):
        body = s3.get_object(Bucket="alfasko-feeds", Key=f"meta/{Path(path).name}")["Body"].read()
        assert body == (out / path).read_bytes()
    records = receipt(built, "amazon")["files"]
    for path in manifest_files(built, "amazon"):
        assert sp_api.uploaded(records[Path(path).name]["remote_id"]) == (out / path).read_bytes()
    for path in manifest_files(built, "pages"):
        assert (site / Path(path).relative_to("pages")).read_bytes() == (out / path).read_bytes()
    assert {receipt(built, name)["outcome"] for name in ("gmc", "meta-bucket", "amazon", "site")} == {"delivered"}

    calls = len(sp_api.requests)
    second = deliver(built, env=env)
    assert second.exit_code == 0
    assert "4 up to date" in second.output and len(sp_api.requests) == calls
    secrets = [SECRET_KEY, sp_api.client_secret, sp_api.refresh_token, *sp_api.issued_tokens()]
    written = everything_written(out)
    for secret in secrets:
        assert secret.encode() not in written and secret not in first.output + second.output
