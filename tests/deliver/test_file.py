"""file:// delivery end to end on the small sample: placement, receipts, idempotency, the shrink
guard, --dry-run, --status, pages, and receipts surviving the next publish."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .conftest import deliver, deliver_paused_at, manifest_files, receipt, write_destinations
from ..publishing_helpers import build, edit_catalogue


def _share(project: Path, tmp_path: Path, channel: str = "google", extra: str = "") -> Path:
    share = tmp_path / f"share-{channel}"
    share.mkdir(exist_ok=True)
    write_destinations(project, f'[[destination]]\nname = "share"\nchannel = "{channel}"\n'
                                f'url = "file://{share}"\n{extra}')
    return share


def test_every_feed_arrives_byte_identical_with_a_receipt_and_a_second_run_sends_nothing(built, tmp_path):
    share = _share(built, tmp_path)
    result = deliver(built)
    assert result.exit_code == 0, result.output
    files = manifest_files(built, "google")
    for path in files:
        assert (share / Path(path).name).read_bytes() == (built / "output" / path).read_bytes()
    assert sorted(os.listdir(share)) == sorted(Path(p).name for p in files)  # no temporary file left
    record = receipt(built, "share")
    assert record["outcome"] == "delivered"
    assert {r["path"]: r["sha256"] for r in record["files"].values()} == {p: e["sha256"] for p, e in files.items()}
    assert "share" in result.output and "delivered" in result.output

    before = {p: p.stat().st_mtime_ns for p in share.iterdir()}
    again = deliver(built)
    assert again.exit_code == 0
    assert "up to date" in again.output
    assert {p: p.stat().st_mtime_ns for p in share.iterdir()} == before

    forced = deliver(built, "--again")
    assert forced.exit_code == 0 and "delivered" in forced.output
    assert any(p.stat().st_mtime_ns != before[p] for p in share.iterdir())


def test_receipts_survive_the_next_publish_and_only_changed_files_go(built, tmp_path):
    share = _share(built, tmp_path)
    assert deliver(built).exit_code == 0
    edit_catalogue(built, lambda rows: [dict(r, title=r["title"] + " v2") if r["style_id"] == "AS-1001" else r
                                        for r in rows])
    assert build(built).exit_code == 0
    assert receipt(built, "share")["outcome"] == "delivered"  # carried over by the publish swap
    result = deliver(built)
    assert result.exit_code == 0, result.output
    for path in manifest_files(built, "google"):
        assert (share / Path(path).name).read_bytes() == (built / "output" / path).read_bytes()


def test_dry_run_is_offline_needs_no_credentials_and_writes_nothing(built, tmp_path):
    share = _share(built, tmp_path, extra='')
    write_destinations(built, (built / "product_data" / "delivery.toml").read_text() +
                       '\n[[destination]]\nname = "gmc"\nchannel = "google"\n'
                       'url = "sftp://feeds-user@partnerupload.google.com:19321/"\n'
                       'password_env = "GMC_SFTP_PASSWORD"\nknown_hosts = "known_hosts"\n')
    (built / "product_data" / "known_hosts").write_text("")  # a local file --dry-run checks (no secret)
    result = deliver(built, "--dry-run")  # GMC_SFTP_PASSWORD is not set, and no network is reachable
    assert result.exit_code == 0, result.output
    assert "sftp://feeds-user@partnerupload.google.com:19321/" in result.output
    assert "google/no.xml -> no.xml" in result.output
    assert "a real run needs GMC_SFTP_PASSWORD set" in result.output
    assert os.listdir(share) == []
    assert not (built / "output" / ".feedgen-deliveries").exists()


def test_pages_go_as_a_folder_tree(built, tmp_path):
    site = _share(built, tmp_path, channel="pages")
    assert deliver(built).exit_code == 0
    for path in manifest_files(built, "pages"):
        assert (site / Path(path).relative_to("pages")).read_bytes() == (built / "output" / path).read_bytes()


def test_shrink_guard_compares_with_what_was_last_delivered_there(built, tmp_path):
    share = _share(built, tmp_path)
    assert deliver(built).exit_code == 0
    delivered = {p.name: p.read_bytes() for p in share.iterdir()}
    # Two nights of shrinking: the build gate compares with the last build, the shrink guard with
    # what this destination has.
    edit_catalogue(built, lambda rows: [r for r in rows if r["style_id"] != "AS-1001"])
    assert build(built, "--force").exit_code in (0, 1)
    result = deliver(built)
    assert result.exit_code == 3, result.output
    assert "shrink guard" in result.output and "fewer than the" in result.output
    assert {p.name: p.read_bytes() for p in share.iterdir()} == delivered
    assert receipt(built, "share")["outcome"] == "refused"
    forced = deliver(built, "--force")
    assert forced.exit_code == 0, forced.output
    assert (share / "no.xml").read_bytes() == (built / "output" / "google" / "no.xml").read_bytes()


def test_a_lower_max_drop_and_an_empty_feed_are_refused(built, tmp_path):
    _share(built, tmp_path, extra="max_drop = 0\n")
    assert deliver(built).exit_code == 0
    edit_catalogue(built, lambda rows: [r for r in rows if r["style_id"] == "AS-1001"])
    assert build(built, "--force").exit_code in (0, 1)
    result = deliver(built)
    assert result.exit_code == 3 and "max_drop 0%" in result.output


def test_an_empty_feed_is_refused_even_the_first_time(built, tmp_path):
    _share(built, tmp_path, channel="amazon")
    manifest_path = built / "output" / "manifest.json"
    data = json.loads(manifest_path.read_text())
    for entry in data["files"].values():
        if entry["channel"] == "amazon":
            entry["items"] = 0
    manifest_path.write_text(json.dumps(data))
    result = deliver(built)
    assert result.exit_code == 3 and "has no items" in result.output


def test_status_shows_the_last_delivery(built, tmp_path):
    _share(built, tmp_path)
    assert "never" in deliver(built, "--status").output
    deliver(built)
    status = deliver(built, "--status")
    assert status.exit_code == 0
    assert "delivered" in status.output and "no.xml delivered" in status.output


def test_a_file_changed_after_publishing_is_refused(built, tmp_path):
    share = _share(built, tmp_path)
    feed = built / "output" / "google" / "no.xml"
    feed.write_bytes(feed.read_bytes().replace(b"<item>", b"<item >", 1))
    result = deliver(built)
    assert result.exit_code == 5
    assert "changed since it was published" in result.output
    assert not (share / "no.xml").exists()


def test_independent_destinations_one_failing_does_not_stop_the_other(built, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    write_destinations(built, f'[[destination]]\nname = "gone"\nchannel = "meta"\nurl = "file://{tmp_path}/unmounted"\n'
                              f'[[destination]]\nname = "share"\nchannel = "google"\nurl = "file://{share}"\n')
    result = deliver(built)
    assert result.exit_code == 5
    assert "error: gone:" in result.output and "is not a folder" in result.output
    assert receipt(built, "share")["outcome"] == "delivered"
    assert receipt(built, "gone")["outcome"] == "failed"


def test_sigkill_after_the_copy_before_the_rename_leaves_the_previous_file(built, tmp_path):
    share = _share(built, tmp_path, extra='markets = ["NO"]\n')
    (share / "no.xml").write_bytes(b"yesterday's whole feed")
    with deliver_paused_at(built, "deliver:uploaded"):
        pass
    assert (share / "no.xml").read_bytes() == b"yesterday's whole feed"
    assert [p.name for p in share.iterdir() if p.name.startswith(".no.xml.")]  # killed with its copy made
    assert deliver(built).exit_code == 0
    assert os.listdir(share) == ["no.xml"]  # the stray copy is swept
    assert (share / "no.xml").read_bytes() == (built / "output" / "google" / "no.xml").read_bytes()


def test_deliver_never_runs_while_a_build_holds_the_output(built, tmp_path):
    from feedgen.publish.lock import OutputLock

    share = _share(built, tmp_path)
    with OutputLock(built / "output"):
        result = deliver(built)
    assert result.exit_code == 2 and "is writing this output directory" in result.output
    assert os.listdir(share) == []
