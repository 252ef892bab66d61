"""sftp:// against a real OpenSSH sshd on 127.0.0.1 (Debian's openssh-server, internal-sftp), and
against paramiko's server interface for the faults sshd cannot produce on cue.

Merchant Center's file upload is plain SFTP (partnerupload.google.com:19321, user and password from
Merchant Center; SPECS.md part 3 §5); the file it processes is the one with the registered name, so
the final name must never hold a partial file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import (SECRET, deliver, deliver_paused_at, everything_written, manifest_files, receipt,
                       write_destinations)

pytestmark = pytest.mark.timeout(120)


def _sshd_destination(project: Path, sshd, remote: Path, extra: str = "") -> None:
    write_destinations(project, f'''[[destination]]
name = "gmc"
channel = "google"
url = "sftp://{sshd.user}@127.0.0.1:{sshd.port}{remote}/"
identity_file = "{sshd.identity}"
known_hosts = "{sshd.known_hosts}"
timeout = 10
{extra}''')


def _faulty_destination(project: Path, server, name: str = "gmc", channel: str = "google", extra: str = "") -> str:
    text = f'''[[destination]]
name = "{name}"
channel = "{channel}"
url = "sftp://feeds-user@127.0.0.1:{server.port}/"
password_env = "GMC_SFTP_PASSWORD"
known_hosts = "{server.known_hosts}"
timeout = 10
{extra}'''
    return text


def test_real_sshd_gets_every_feed_byte_identical_and_a_second_run_sends_nothing(built, sshd, tmp_path):
    remote = tmp_path / "remote"
    remote.mkdir()
    _sshd_destination(built, sshd, remote, 'remote_name = "alfasko-{market}.xml"\n')
    result = deliver(built)
    assert result.exit_code == 0, result.output
    files = manifest_files(built, "google")
    for path, entry in files.items():
        assert (remote / f"alfasko-{entry['market'].lower()}.xml").read_bytes() == (built / "output" / path).read_bytes()
    assert len(os.listdir(remote)) == len(files)  # no temporary file left behind
    assert all("renamed into place" in r["confirmation"] for r in receipt(built, "gmc")["files"].values())
    mtimes = {p.name: p.stat().st_mtime_ns for p in remote.iterdir()}
    second = deliver(built)
    assert second.exit_code == 0 and "up to date" in second.output
    assert {p.name: p.stat().st_mtime_ns for p in remote.iterdir()} == mtimes


def test_real_sshd_pages_create_their_folders(built, sshd, tmp_path):
    remote = tmp_path / "site"
    remote.mkdir()
    write_destinations(built, f'''[[destination]]
name = "site"
channel = "pages"
url = "sftp://{sshd.user}@127.0.0.1:{sshd.port}{remote}"
identity_file = "{sshd.identity}"
known_hosts = "{sshd.known_hosts}"
''')
    assert deliver(built).exit_code == 0
    for path in manifest_files(built, "pages"):
        assert (remote / Path(path).relative_to("pages")).read_bytes() == (built / "output" / path).read_bytes()


def test_an_unknown_host_key_is_refused_in_one_line(built, sshd, tmp_path):
    remote = tmp_path / "remote"
    remote.mkdir()
    other = tmp_path / "other_known_hosts"
    other.write_text("")
    _sshd_destination(built, sshd, remote)
    toml = built / "product_data" / "delivery.toml"
    toml.write_text(toml.read_text().replace(str(sshd.known_hosts), str(other)))
    result = deliver(built)
    assert result.exit_code == 5
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "is not in" in errors[0] and "ssh-keyscan" in errors[0]
    assert os.listdir(remote) == []


def test_a_changed_host_key_is_refused(built, sshd, tmp_path):
    remote = tmp_path / "remote"
    remote.mkdir()
    _sshd_destination(built, sshd, remote)
    kind, _ = sshd.known_hosts.read_text().split()[1:3]
    fake = (sshd.folder / "client_key.pub").read_text().split()[1]  # some other ed25519 key
    sshd.known_hosts.write_text(f"[127.0.0.1]:{sshd.port} {kind} {fake}\n")
    result = deliver(built)
    assert result.exit_code == 5 and "does NOT match" in result.output
    assert os.listdir(remote) == []


def test_wrong_password_is_one_line_no_retry_and_no_secret(built, faulty_sftp):
    write_destinations(built, _faulty_destination(built, faulty_sftp))
    result = deliver(built, env={"GMC_SFTP_PASSWORD": "wrong-" + SECRET})
    assert result.exit_code == 5
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [f"error: gmc: 127.0.0.1:{faulty_sftp.port} refused the login of 'feeds-user' (wrong password or key?)"]
    assert faulty_sftp.faults.failed_logins == 1  # never retried
    assert SECRET not in result.output


def test_connection_dropped_mid_upload_is_retried_and_no_partial_file_is_left(built, faulty_sftp):
    (faulty_sftp.root / "de.xml").write_bytes(b"yesterday's whole feed")
    faulty_sftp.faults.drop_after_bytes = 200_000
    write_destinations(built, _faulty_destination(built, faulty_sftp))
    result = deliver(built, env={"GMC_SFTP_PASSWORD": SECRET})
    assert result.exit_code == 0, result.output
    assert faulty_sftp.faults.logins >= 2  # a new connection after the drop
    for path in manifest_files(built, "google"):
        assert (faulty_sftp.root / Path(path).name).read_bytes() == (built / "output" / path).read_bytes()
    assert not [n for n in os.listdir(faulty_sftp.root) if n.startswith(".")]  # the stray temporary was removed


def test_rename_denied_keeps_the_previous_file_and_removes_the_temporary(built, faulty_sftp):
    (faulty_sftp.root / "de.xml").write_bytes(b"yesterday's whole feed")
    faulty_sftp.faults.deny_rename = True
    write_destinations(built, _faulty_destination(built, faulty_sftp))
    result = deliver(built, env={"GMC_SFTP_PASSWORD": SECRET})
    assert result.exit_code == 5
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "renaming" in errors[0] and "Permission denied" in errors[0], errors
    assert faulty_sftp.faults.renames == 1  # a refusal is not retried
    assert os.listdir(faulty_sftp.root) == ["de.xml"]
    assert (faulty_sftp.root / "de.xml").read_bytes() == b"yesterday's whole feed"
    assert receipt(built, "gmc")["outcome"] == "failed"


def test_disk_full_keeps_the_previous_file(built, faulty_sftp):
    (faulty_sftp.root / "de.xml").write_bytes(b"yesterday's whole feed")
    faulty_sftp.faults.disk_full_after = 100_000
    write_destinations(built, _faulty_destination(built, faulty_sftp))
    result = deliver(built, env={"GMC_SFTP_PASSWORD": SECRET})
    assert result.exit_code == 5
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "full disk" in errors[0] and "untouched" in errors[0], errors
    assert os.listdir(faulty_sftp.root) == ["de.xml"]
    assert (faulty_sftp.root / "de.xml").read_bytes() == b"yesterday's whole feed"


def test_secrets_appear_nowhere(built, faulty_sftp, tmp_path):
    """Every byte feedgen wrote (output with receipts, --report, console) is searched for the secret."""
    report = tmp_path / "report.json"
    faulty_sftp.faults.deny_rename = True
    write_destinations(built, _faulty_destination(built, faulty_sftp) +
                       _faulty_destination(built, faulty_sftp, name="meta", channel="meta"))
    failing = deliver(built, "--report", str(report), env={"GMC_SFTP_PASSWORD": SECRET})
    faulty_sftp.faults.deny_rename = False
    working = deliver(built, "--report", str(report), env={"GMC_SFTP_PASSWORD": SECRET})
    wrong = deliver(built, env={"GMC_SFTP_PASSWORD": SECRET + "x"})
    dry = deliver(built, "--dry-run", env={"GMC_SFTP_PASSWORD": SECRET})
    status = deliver(built, "--status", env={"GMC_SFTP_PASSWORD": SECRET})
    assert failing.exit_code == 5 and working.exit_code == 0 and report.is_file()
    written = everything_written(built / "output", tmp_path / "report.json")
    console = "".join(r.output for r in (failing, working, wrong, dry, status))
    assert SECRET.encode() not in written and SECRET not in console
    assert "GMC_SFTP_PASSWORD" not in console or "$GMC_SFTP_PASSWORD" not in console


def _make_large_feed(project: Path, path: str, megabytes: int) -> bytes:
    """Replace a published feed with a large one, manifest included, as a build of a big catalogue would."""
    import hashlib
    import json

    feed = project / "output" / path
    item = feed.read_bytes().split(b"<item>")[1].split(b"</item>")[0]
    head, tail = feed.read_bytes().split(b"<item>")[0], b"</channel>\n</rss>\n"
    body = b"".join(b"<item>" + item + b"</item>\n" for _ in range(megabytes * 1_000_000 // len(item)))
    data = head + body + tail
    feed.write_bytes(data)
    manifest_path = project / "output" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][path].update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return data


def test_sigkill_during_a_large_upload_leaves_the_whole_previous_file(built, sshd, tmp_path):
    remote = tmp_path / "remote"
    remote.mkdir()
    previous = b"<rss>yesterday's complete feed</rss>\n"
    (remote / "de.xml").write_bytes(previous)
    new = _make_large_feed(built, "google/de.xml", 40)
    _sshd_destination(built, sshd, remote, 'markets = ["DE"]\n')
    with deliver_paused_at(built, "deliver:uploading"):  # half of the feed went over the wire
        partial = [p for p in remote.iterdir() if p.name.startswith(".de.xml.feedgen-")]
        assert partial and 0 < partial[0].stat().st_size < len(new)  # mid-upload for real
    assert (remote / "de.xml").read_bytes() == previous  # the whole old file, never a half new one

    result = deliver(built)  # the next run delivers the whole new file and sweeps the stray
    assert result.exit_code == 0, result.output
    assert (remote / "de.xml").read_bytes() == new
    assert os.listdir(remote) == ["de.xml"]
