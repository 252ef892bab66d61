"""Fixtures for the delivery tests: a built project, a delivery.toml writer, the CLI, the servers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner, Result

from feedgen.cli import main

from .servers import SSHD, FaultySftp, Sshd, free_port

SECRET = "s3cr3t-Pa55w0rd-do-not-print"


def deliver(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """`feedgen deliver` on project/output with project/product_data/delivery.toml."""
    argv = ["deliver", "--data", str(project / "product_data"), "-o", str(project / "output"), *args]
    return CliRunner().invoke(main, argv, env=env or {}, catch_exceptions=False)


@contextmanager
def deliver_paused_at(project: Path, checkpoint: str) -> Iterator[None]:
    """Run `feedgen deliver` as a real process until it reaches `checkpoint` (feedgen.publish.stage.checkpoint),
    let the body look at the remote mid-transfer, then SIGKILL it, as a power cut or OOM kill would."""
    env = {**os.environ, "FEEDGEN_TEST_PAUSE_AT": checkpoint}
    child = subprocess.Popen([sys.executable, "-m", "feedgen.cli", "deliver", "--data", str(project / "product_data"),
                              "-o", str(project / "output")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for line in child.stderr:
            if f"feedgen-test-paused-at {checkpoint}".encode() in line:
                break
        else:
            pytest.fail(f"deliver exited with {child.wait(30)} before reaching {checkpoint}")
        yield
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(30)


def write_destinations(project: Path, text: str) -> Path:
    path = project / "product_data" / "delivery.toml"
    path.write_text(text, encoding="utf-8")
    return path


def spapi_destination(server, extra: str = "") -> str:
    """A [[destination]] table for the SP-API fake `server` (tests/deliver/fakes/amazon.py)."""
    return f'''[[destination]]
name = "amazon"
channel = "amazon"
url = "sp-api://sellingpartnerapi-eu.amazon.com"
endpoint = "{server.url}"
token_url = "{server.token_url}"
refresh_token_env = "LWA_REFRESH_TOKEN"
client_id_env = "LWA_CLIENT_ID"
client_secret_env = "LWA_CLIENT_SECRET"
{extra}'''


def spapi_env(server) -> dict[str, str]:
    return {"LWA_REFRESH_TOKEN": server.refresh_token, "LWA_CLIENT_ID": server.client_id,
            "LWA_CLIENT_SECRET": server.client_secret}


def receipt(project: Path, name: str) -> dict:
    return json.loads((project / "output" / ".feedgen-deliveries" / f"{name}.json").read_text(encoding="utf-8"))


def manifest_files(project: Path, channel: str) -> dict[str, dict]:
    data = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    return {path: entry for path, entry in data["files"].items() if entry["channel"] == channel}


def everything_written(*roots: Path) -> bytes:
    """Every byte under the given folders, for the secret grep."""
    return b"".join(p.read_bytes() for root in roots if root.exists() for p in sorted(root.rglob("*")) if p.is_file())


@pytest.fixture
def built(small_built: Path) -> Path:
    """A freshly built small project (see tests/conftest.py small_built)."""
    return small_built


@pytest.fixture
def sshd(tmp_path: Path):
    if SSHD is None:
        pytest.skip("OpenSSH sshd is not installed (.ci/run installs Debian's openssh-server)")
    with Sshd(tmp_path / "sshd") as server:
        yield server


@pytest.fixture
def faulty_sftp(tmp_path: Path):
    root = tmp_path / "sftp-root"
    root.mkdir()
    with FaultySftp(root, "feeds-user", SECRET, tmp_path / "faulty-keys") as server:
        yield server


@pytest.fixture
def s3_server():
    """moto's S3 over HTTP on 127.0.0.1; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
