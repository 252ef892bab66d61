"""Real servers on 127.0.0.1 for the delivery tests.

- `Sshd`: Debian's OpenSSH sshd with a throwaway host key, a throwaway client key for the current
  user, and the internal-sftp subsystem; exactly what Merchant Center's partnerupload speaks.
- `FaultySftp`: paramiko's server interface over a folder, for faults sshd cannot be asked to
  produce on cue: a connection dropped mid-upload, a refused rename, a full disk, a wrong password.
- `moto_s3`: moto's ThreadedMotoServer, a real HTTP S3 implementation.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import paramiko

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def known_hosts_line(port: int, public_key: str) -> str:
    kind, blob = public_key.split()[:2]
    return f"[127.0.0.1]:{port} {kind} {blob}\n"


class Sshd:
    """`with Sshd(folder) as sshd:` — sshd on a free port; sshd.known_hosts, sshd.identity, sshd.user."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.user = getpass.getuser()
        self.identity = folder / "client_key"
        self.known_hosts = folder / "known_hosts"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Sshd":
        f = self.folder
        f.mkdir(parents=True, exist_ok=True)
        for key in ("host_key", "client_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(f / key)], check=True)
        shutil.copy(f / "client_key.pub", f / "authorized_keys")
        self.known_hosts.write_text(known_hosts_line(self.port, (f / "host_key.pub").read_text()))
        config = f / "sshd_config"
        config.write_text("\n".join([
            f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {f / 'host_key'}", f"PidFile {f / 'sshd.pid'}",
            f"AuthorizedKeysFile {f / 'authorized_keys'}", "PubkeyAuthentication yes", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password", "StrictModes no", "UsePAM no",
            f"AllowUsers {self.user}", "Subsystem sftp internal-sftp", "LogLevel ERROR", "",
        ]))
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation directory
        self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_port(self.port, self.process)
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


# --- the in-process server ------------------------------------------------------------------------
class Faults:
    """What the next connections should do wrong. Counters tell the test what the client tried."""

    def __init__(self) -> None:
        self.drop_after_bytes: int | None = None  # close the connection once this much was written (once)
        self.deny_rename = False
        self.disk_full_after: int | None = None  # writes past this many bytes of a file fail
        self.logins = 0
        self.failed_logins = 0
        self.renames = 0


class _Auth(paramiko.ServerInterface):
    def __init__(self, user: str, password: str, faults: Faults) -> None:
        self.user, self.password, self.faults = user, password, faults

    def get_allowed_auths(self, username: str) -> str:
        return "password"

    def check_auth_password(self, username: str, password: str) -> int:
        self.faults.logins += 1
        if username == self.user and password == self.password:
            return paramiko.AUTH_SUCCESSFUL
        self.faults.failed_logins += 1
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class _Handle(paramiko.SFTPHandle):
    def __init__(self, server: "_Folder", path: Path, flags: int) -> None:
        super().__init__(flags)
        self.server = server
        self.written = 0
        mode = "r+b" if path.exists() and not flags & os.O_TRUNC else "wb" if flags & os.O_CREAT else "rb"
        self.filename = str(path)
        handle = open(path, mode)
        self.readfile = self.writefile = handle

    def write(self, offset: int, data: bytes) -> int:
        faults = self.server.faults
        if faults.disk_full_after is not None and self.written + len(data) > faults.disk_full_after:
            return paramiko.SFTP_FAILURE  # what OpenSSH answers for ENOSPC under SFTP v3
        if faults.drop_after_bytes is not None and self.server.total_written + len(data) > faults.drop_after_bytes:
            faults.drop_after_bytes = None
            self.server.transport.close()
            return paramiko.SFTP_CONNECTION_LOST
        self.written += len(data)
        self.server.total_written += len(data)
        return super().write(offset, data)


class _Folder(paramiko.SFTPServerInterface):
    """SFTP over `root`; paths are relative to it, '/' being root itself."""

    def __init__(self, server: paramiko.ServerInterface, *, root: Path, faults: Faults,
                 transport: paramiko.Transport) -> None:
        super().__init__(server)
        self.root, self.faults, self.transport = root, faults, transport
        self.total_written = 0

    def _path(self, path: str) -> Path:
        resolved = (self.root / path.lstrip("/")).resolve()
        if resolved != self.root and self.root not in resolved.parents:
            raise PermissionError(path)
        return resolved

    def open(self, path: str, flags: int, attr) -> _Handle | int:
        try:
            return _Handle(self, self._path(path), flags)
        except OSError as error:
            return paramiko.SFTPServer.convert_errno(error.errno or 13)

    def stat(self, path: str):
        try:
            return paramiko.SFTPAttributes.from_stat(os.stat(self._path(path)))
        except OSError as error:
            return paramiko.SFTPServer.convert_errno(error.errno or 13)

    lstat = stat

    def remove(self, path: str) -> int:
        try:
            os.remove(self._path(path))
        except OSError as error:
            return paramiko.SFTPServer.convert_errno(error.errno or 13)
        return paramiko.SFTP_OK

    def mkdir(self, path: str, attr) -> int:
        try:
            os.mkdir(self._path(path))
        except OSError as error:
            return paramiko.SFTPServer.convert_errno(error.errno or 13)
        return paramiko.SFTP_OK

    def rename(self, oldpath: str, newpath: str) -> int:  # SFTP v3 rename: refuses an existing target
        if self._path(newpath).exists():
            return paramiko.SFTP_FAILURE
        return self.posix_rename(oldpath, newpath)

    def posix_rename(self, oldpath: str, newpath: str) -> int:
        self.faults.renames += 1
        if self.faults.deny_rename:
            return paramiko.SFTP_PERMISSION_DENIED
        os.replace(self._path(oldpath), self._path(newpath))
        return paramiko.SFTP_OK

    def list_folder(self, path: str):
        folder = self._path(path)
        return [paramiko.SFTPAttributes.from_stat(os.stat(folder / name), name) for name in os.listdir(folder)]


class FaultySftp:
    """`with FaultySftp(root, user, password) as server:` — server.port, server.known_hosts, server.faults."""

    def __init__(self, root: Path, user: str, password: str, keys_folder: Path) -> None:
        self.root = root.resolve()
        self.user, self.password = user, password
        self.faults = Faults()
        keys_folder.mkdir(parents=True, exist_ok=True)
        self.host_key = paramiko.RSAKey.generate(2048)  # throwaway; paramiko makes it, no ssh-keygen needed
        self.port = free_port()
        self.known_hosts = keys_folder / "faulty_known_hosts"
        self.known_hosts.write_text(known_hosts_line(self.port, f"{self.host_key.get_name()} {self.host_key.get_base64()}"))
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(8)
        self.listener.settimeout(0.2)
        self.stopping = threading.Event()
        self.transports: list[paramiko.Transport] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "FaultySftp":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for transport in self.transports:
            transport.close()
        self.listener.close()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except (socket.timeout, OSError):
                continue
            transport = paramiko.Transport(connection)
            transport.add_server_key(self.host_key)
            folder = self

            class Folder(_Folder):
                def __init__(self, server, *args, **kwargs):
                    super().__init__(server, root=folder.root, faults=folder.faults, transport=transport)

            transport.set_subsystem_handler("sftp", paramiko.SFTPServer, Folder)
            self.transports.append(transport)
            try:
                transport.start_server(server=_Auth(self.user, self.password, self.faults))
            except (paramiko.SSHException, EOFError, OSError):
                transport.close()


class S3Faults:
    """An HTTP proxy in front of moto's S3 that answers the next PUTs with scripted S3 errors
    (status, code, headers) — SlowDown with Retry-After, InternalError, InvalidAccessKeyId — and
    forwards everything else unchanged. Error bodies are S3's documented XML Error shape."""

    def __init__(self, upstream: str) -> None:
        import http.client
        import http.server
        from urllib.parse import urlsplit

        self.upstream = urlsplit(upstream)
        self.script: list[tuple[int, str, dict[str, str]]] = []
        self.puts = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                if self.command == "PUT" and "/" in self.path.strip("/"):
                    proxy.puts += 1
                    if proxy.script:
                        status, code, headers = proxy.script.pop(0)
                        data = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
                                f"<Message>scripted {code}</Message></Error>").encode()
                        self.send_response(status)
                        for name, value in {"Content-Type": "application/xml", **headers}.items():
                            self.send_header(name, value)
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                        return
                connection = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=30)
                connection.request(self.command, self.path, body=body, headers=dict(self.headers))
                answer = connection.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                length = answer.getheader("content-length") if self.command == "HEAD" else None
                self.send_header("Content-Length", length or str(len(data)))  # HEAD: the object's size
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                connection.close()

            do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "S3Faults":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
