"""s3:// against moto's S3 server on 127.0.0.1 (real HTTP, real SigV4 parsing, checksums).

Meta's scheduled feed fetches a URL (SPECS.md part 3 §5, developers.facebook.com/docs/marketing-api/
catalog/guides/scheduled-feeds): a bucket object replaced whole by one PUT is what it should fetch."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import boto3
import pytest

from feedgen.deliver.run import DeliverRequest, deliver as run_delivery
from tests.deliver.fakes.fixtures import fake_clock  # noqa: F401

from .conftest import deliver, everything_written, manifest_files, receipt, write_destinations
from .servers import S3Faults

pytestmark = pytest.mark.timeout(120)
KEY_ID, SECRET_KEY = "AKIAFEEDGENTEST00001", "feedgen-s3-secret-key-never-printed"
ENV = {"FEEDS_KEY_ID": KEY_ID, "FEEDS_SECRET_KEY": SECRET_KEY}


def _client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=KEY_ID,
                        aws_secret_access_key=SECRET_KEY)


def _destination(project: Path, endpoint: str, bucket: str = "alfasko-feeds", extra: str = "") -> None:
    write_destinations(project, f'''[[destination]]
name = "meta-bucket"
channel = "meta"
url = "s3://{bucket}/meta/"
endpoint_url = "{endpoint}"
access_key_id_env = "FEEDS_KEY_ID"
secret_access_key_env = "FEEDS_SECRET_KEY"
timeout = 10
{extra}''')


def test_every_meta_feed_lands_in_the_bucket_with_its_checksum(built, s3_server, tmp_path):
    s3 = _client(s3_server)
    s3.create_bucket(Bucket="alfasko-feeds")
    _destination(built, s3_server)
    report = tmp_path / "report.json"
    result = deliver(built, "--report", str(report), env=ENV)
    assert result.exit_code == 0, result.output
    files = manifest_files(built, "meta")
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket="alfasko-feeds")["Contents"]}
    assert listed == {"meta/" + Path(p).name for p in files}
    for path in files:
        local = (built / "output" / path).read_bytes()
        got = s3.get_object(Bucket="alfasko-feeds", Key="meta/" + Path(path).name, ChecksumMode="ENABLED")
        assert got["Body"].read() == local
        assert got["ContentType"] == "text/csv; charset=utf-8"
        assert got["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(local).digest()).decode()
    assert all(r["confirmation"] == "PUT, SHA-256 verified" for r in receipt(built, "meta-bucket")["files"].values())
    second = deliver(built, env=ENV)
    assert second.exit_code == 0 and "up to date" in second.output
    assert SECRET_KEY.encode() not in everything_written(built / "output", report)
    assert SECRET_KEY not in result.output + second.output


def test_a_missing_bucket_fails_that_destination_in_one_line(built, s3_server, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    _destination(built, s3_server, bucket="no-such-bucket",
                 extra=f'[[destination]]\nname = "share"\nchannel = "google"\nurl = "file://{share}"\n')
    result = deliver(built, env=ENV)
    assert result.exit_code == 5
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "NoSuchBucket" in errors[0] and "meta-bucket" in errors[0]
    assert receipt(built, "share")["outcome"] == "delivered"
    assert SECRET_KEY not in result.output


def test_slow_down_and_5xx_are_retried_honouring_retry_after(built, s3_server, fake_clock):
    _client(s3_server).create_bucket(Bucket="alfasko-feeds")
    with S3Faults(s3_server) as proxy:
        proxy.script = [(503, "SlowDown", {"Retry-After": "7"}), (500, "InternalError", {})]
        _destination(built, proxy.url, extra='markets = ["NO"]\n')
        result = run_delivery(DeliverRequest(data_dir=built / "product_data", out=built / "output", environ=ENV,
                                             backoff=fake_clock.backoff()))
    assert result.rows[0].outcome == "delivered", result.rows
    assert fake_clock.sleeps and fake_clock.sleeps[0] >= 7  # the server's Retry-After, not less
    assert len(fake_clock.sleeps) == 2


def test_refused_credentials_are_not_retried(built, s3_server, fake_clock):
    _client(s3_server).create_bucket(Bucket="alfasko-feeds")
    with S3Faults(s3_server) as proxy:
        proxy.script = [(403, "InvalidAccessKeyId", {})] * 3
        _destination(built, proxy.url, extra='markets = ["NO"]\n')
        result = run_delivery(DeliverRequest(data_dir=built / "product_data", out=built / "output", environ=ENV,
                                             backoff=fake_clock.backoff()))
        assert proxy.puts == 1
    assert result.rows[0].outcome == "failed" and "InvalidAccessKeyId" in result.rows[0].confirmation
    assert fake_clock.sleeps == [] and SECRET_KEY not in result.rows[0].confirmation
