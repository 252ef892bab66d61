"""Delivering split feeds: every part goes out (`{part}` names them), the shrink guard judges a feed over its
parts, and once the whole new set is in place the files of an earlier, bigger split are removed from the
destination (a folder: unlink; S3: DeleteObject; SFTP: remove), so a platform never keeps fetching a stale
part. Merchant Center asks for a file over 4 GB to be split into several files (GMC 13813117)."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest

from ..channels.test_parts import parts_of, set_limit
from ..publishing_helpers import build, edit_catalogue, small_project
from .conftest import deliver, receipt, write_destinations
from .test_s3 import ENV, KEY_ID, SECRET_KEY, _destination as s3_destination
from .test_sftp import _sshd_destination as sshd_destination

pytestmark = pytest.mark.timeout(180)
MARKETS = ("de", "dk", "fi", "gb", "nl", "no", "se", "us")


def _project(tmp_path: Path, channel: str = "google") -> tuple[Path, int]:
    """The small sample, built once without a limit to find one that splits every feed of `channel`, then
    built split and published."""
    project = small_project(tmp_path / "project")
    assert build(project).exit_code == 0
    manifest_sizes = [p.stat().st_size for p in (project / "output" / channel).iterdir()
                      if channel != "meta" or p.name.startswith("main")]
    limit = min(manifest_sizes) - 1
    set_limit(project, channel, limit)
    result = build(project, "--force")
    assert result.exit_code == 0, result.output
    return project, limit


def _unsplit(project: Path, channel: str = "google") -> None:
    set_limit(project, channel, None)
    result = build(project)
    assert result.exit_code == 0, result.output


def _share(project: Path, tmp_path: Path, remote_name: str = "alfasko-{market}{part}.xml") -> Path:
    share = tmp_path / "share"
    share.mkdir(exist_ok=True)
    write_destinations(project, f'[[destination]]\nname = "share"\nchannel = "google"\nurl = "file://{share}"\n'
                                f'remote_name = "{remote_name}"\n')
    return share


def test_every_part_arrives_and_a_shrunk_feed_leaves_no_stale_part_at_the_destination(tmp_path):
    project, limit = _project(tmp_path)
    out = project / "output"
    share = _share(project, tmp_path)
    result = deliver(project)
    assert result.exit_code == 0, result.output
    expected = {}
    for market in MARKETS:
        for path in parts_of(out, f"google/{market}.xml"):
            number = path.rsplit("-", 1)[1].removesuffix(".xml")
            expected[f"alfasko-{market}-{number}.xml"] = (out / path).read_bytes()
    assert expected and {p.name: p.read_bytes() for p in share.iterdir()} == expected
    records = receipt(project, "share")["files"]
    assert {r["part_of"] for r in records.values()} == {f"google/{m}.xml" for m in MARKETS}

    _unsplit(project)
    dry = deliver(project, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "remove alfasko-us-001.xml" in dry.output
    assert {p.name for p in share.iterdir()} == set(expected)  # a dry run removes nothing

    result = deliver(project)
    assert result.exit_code == 0, result.output
    assert "stale file(s) of an earlier split removed" in result.output
    assert {p.name: p.read_bytes() for p in share.iterdir()} == {
        f"alfasko-{m}.xml": (out / "google" / f"{m}.xml").read_bytes() for m in MARKETS}
    assert sorted(receipt(project, "share")["files"]) == sorted(f"alfasko-{m}.xml" for m in MARKETS)
    assert "up to date" in deliver(project).output

    # and growing into parts again removes the whole files the parts replace
    set_limit(project, "google", limit)
    assert build(project, "--force").exit_code == 0
    assert deliver(project).exit_code == 0
    assert {p.name for p in share.iterdir()} == set(expected)


def test_the_shrink_guard_sums_a_feed_over_its_parts(tmp_path):
    project, limit = _project(tmp_path)
    _share(project, tmp_path, "{market}{part}.xml")
    assert deliver(project).exit_code == 0
    # fewer, bigger parts: items move between files, the feed keeps them all, nothing is refused
    set_limit(project, "google", limit * 3)
    assert build(project, "--force").exit_code == 0
    moved = deliver(project)
    assert moved.exit_code == 0, moved.output
    # two of the three styles gone: the feed over its parts drops by far more than max_drop
    edit_catalogue(project, lambda rows: [r for r in rows if r["style_id"] == rows[0]["style_id"]])
    assert build(project, "--force").exit_code == 0
    refused = deliver(project)
    assert refused.exit_code == 3, refused.output
    assert "shrink guard" in refused.output and "fewer than the" in refused.output


def test_without_part_in_the_remote_name_the_parts_are_refused_in_one_line(tmp_path):
    project, _ = _project(tmp_path)
    _share(project, tmp_path, "alfasko-{market}.xml")
    result = deliver(project)
    assert result.exit_code == 2
    assert "{part}" in result.output and "would both be sent as" in result.output


def test_a_bucket_loses_the_parts_a_shrunk_feed_no_longer_has(tmp_path, s3_server):
    project, _ = _project(tmp_path, "meta")
    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id=KEY_ID,
                      aws_secret_access_key=SECRET_KEY)
    s3.create_bucket(Bucket="feeds")
    s3_destination(project, s3_server, bucket="feeds")

    def keys() -> set[str]:
        return {item["Key"] for item in s3.list_objects_v2(Bucket="feeds").get("Contents", [])}

    assert deliver(project, env=ENV).exit_code == 0
    parts = parts_of(project / "output", "meta/main.csv")
    assert len(parts) >= 2 and {f"meta/{Path(p).name}" for p in parts} <= keys()
    _unsplit(project, "meta")
    result = deliver(project, env=ENV)
    assert result.exit_code == 0, result.output
    assert "meta/main.csv" in keys() and not any(key.startswith("meta/main-") for key in keys())
    assert sorted(keys()) == sorted(f"meta/{name}" for name in os.listdir(project / "output" / "meta"))


def test_a_real_sshd_loses_the_stale_parts_too(tmp_path, sshd):
    project, _ = _project(tmp_path)
    remote = tmp_path / "remote"
    remote.mkdir()
    sshd_destination(project, sshd, remote)
    assert deliver(project).exit_code == 0
    assert any("-001" in name for name in os.listdir(remote))
    _unsplit(project)
    result = deliver(project)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(remote)) == [f"{m}.xml" for m in MARKETS]
