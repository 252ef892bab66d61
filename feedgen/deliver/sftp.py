"""sftp:// destinations (Merchant Center's partnerupload.google.com:19321, any OpenSSH server), with paramiko.

Atomic on the remote: each file is written under a hidden temporary name in the target folder, its
size checked with stat, then moved over the final name with `posix-rename@openssh.com` (rename(2)
on the server, replacing in one step). A dropped or killed upload leaves at most a stray temporary
file, never a half file under the name a platform processes; the previous file stays whole.

Host keys are checked against the configured known_hosts file (an unknown or changed key is one
line and no retry); `check_host_key = false` is the explicit opt-out. A refused login is an
AuthenticationError (never retried). A dropped connection or timeout is Transient: the caller
retries the whole file on a new connection, and the stray temporary file is removed then.
"""

from __future__ import annotations

import posixpath
import secrets
import socket
from typing import Any

import paramiko

from feedgen.deliver.config import Destination
from feedgen.deliver.transport import Sent, no_poll
from feedgen.deliver.errors import AuthenticationError, DeliveryError
from feedgen.deliver.plan import OutFile
from feedgen.deliver.retry import Backoff, Transient
from feedgen.files import checkpoint

CHUNK = 32768


class UnknownHostKey(DeliveryError):
    """The server's host key is not in known_hosts: maybe a new server, maybe not the server."""


class _Reject(paramiko.MissingHostKeyPolicy):
    def __init__(self, name: str, known_hosts: str) -> None:
        self.name, self.known_hosts = name, known_hosts

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        raise UnknownHostKey(f"{self.name}: the host key of {hostname} ({key.get_name()} "
                             f"SHA256:{key.fingerprint.split(':', 1)[-1]}) is not in {self.known_hosts}; if this is "
                             f"the right server, add its key (ssh-keyscan -p PORT HOST >> {self.known_hosts})")


class SftpFolder:
    def __init__(self, destination: Destination, backoff: Backoff) -> None:
        self.destination = destination
        self.backoff = backoff
        self.client: paramiko.SSHClient | None = None
        self.sftp: paramiko.SFTPClient | None = None
        path = destination.parts.path or "."
        self.base = "." if path in ("", "/~", "/~/") else path[3:] if path.startswith("/~/") else path
        self.strays: list[str] = []
        self.made: set[str] = set()
        self.listed: dict[str, list[str]] = {}

    # --- connection -------------------------------------------------------------------------
    def _connect(self) -> paramiko.SFTPClient:
        if self.sftp is not None and self.client is not None and self.client.get_transport() is not None \
                and self.client.get_transport().is_active():
            return self.sftp
        self.close()
        d = self.destination
        client = paramiko.SSHClient()
        if d.options.get("check_host_key", True):
            known_hosts = d.relative(d.options["known_hosts"])
            try:
                client.load_host_keys(str(known_hosts))
            except (OSError, paramiko.SSHException) as error:
                raise DeliveryError(f"{d.name}: known_hosts {known_hosts}: cannot read ({error})") from None
            client.set_missing_host_key_policy(_Reject(d.name, str(known_hosts)))
        else:
            client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        port = d.parts.port or 22
        where = f"{d.host}:{port}"
        key = self._identity()
        try:
            client.connect(d.host, port=port, username=d.parts.username, password=d.secret("password_env"),
                           pkey=key, timeout=d.timeout, banner_timeout=d.timeout,
                           auth_timeout=d.timeout, channel_timeout=d.timeout, allow_agent=False, look_for_keys=False)
            sftp = client.open_sftp()
            sftp.get_channel().settimeout(d.timeout)
        except paramiko.BadHostKeyException as error:
            client.close()
            raise DeliveryError(f"{d.name}: the host key of {where} ({error.key.get_name()}) does NOT match the one in "
                                f"{d.options['known_hosts']}: refusing to connect (a changed server, or someone "
                                "in between)") from None
        except (paramiko.AuthenticationException, paramiko.BadAuthenticationType):
            client.close()
            raise AuthenticationError(f"{d.name}: {where} refused the login of {d.parts.username!r} "
                                      "(wrong password or key?)") from None
        except paramiko.ssh_exception.NoValidConnectionsError as error:
            client.close()
            raise Transient(f"{d.name}: cannot connect to {where} ({_reason(error)})") from None
        except (OSError, EOFError, paramiko.SSHException) as error:
            client.close()
            raise Transient(f"{d.name}: cannot connect to {where} ({_reason(error)})") from None
        except DeliveryError:
            client.close()
            raise
        self.client, self.sftp = client, sftp
        for stray in self.strays:  # temporary files of attempts whose connection dropped
            try:
                sftp.remove(stray)
            except OSError:
                pass
        self.strays.clear()
        return sftp

    def _identity(self) -> paramiko.PKey | None:
        """The private key, read before connecting: an unreadable or encrypted key is a configuration
        problem to report once, not a connection fault to retry."""
        d = self.destination
        if "identity_file" not in d.options:
            return None
        path = d.relative(d.options["identity_file"])
        try:
            return paramiko.PKey.from_path(path, d.secret("passphrase_env"))
        except paramiko.PasswordRequiredException:
            raise AuthenticationError(f"{d.name}: {path} is encrypted: set passphrase_env") from None
        except (OSError, ValueError, paramiko.SSHException) as error:
            raise DeliveryError(f"{d.name}: identity_file {path}: cannot use it ({_reason(error)})") from None

    def close(self) -> None:
        for closable in (self.sftp, self.client):
            try:
                if closable is not None:
                    closable.close()
            except Exception:  # noqa: BLE001 - closing a dead connection may raise anything; nothing to do
                pass
        self.sftp = self.client = None

    def _alive(self) -> bool:
        transport = self.client.get_transport() if self.client is not None else None
        return transport is not None and transport.is_active()

    # --- upload -----------------------------------------------------------------------------
    def send(self, file: OutFile) -> Sent:
        sftp = self._connect()
        final = posixpath.normpath(posixpath.join(self.base, file.remote))
        folder, name = posixpath.split(final)
        temporary = posixpath.join(folder, f".{name}.feedgen-{secrets.token_hex(4)}.tmp")
        step = f"creating the folder {folder or '.'}"
        try:
            self._makedirs(sftp, folder)
            self._sweep(sftp, folder, name)
            step = f"writing {temporary}"
            with sftp.open(temporary, "wb") as remote:
                remote.set_pipelined(True)
                with file.local.open("rb") as source:
                    sent, halfway = 0, False
                    while chunk := source.read(CHUNK):
                        remote.write(chunk)
                        sent += len(chunk)
                        if not halfway and sent * 2 >= file.bytes:
                            halfway = True
                            checkpoint("deliver:uploading")
            step = f"checking {temporary}"
            size = sftp.stat(temporary).st_size
            if size != file.bytes:
                raise DeliveryError(f"{self.destination.name}: the server kept {size} of {file.bytes} bytes of "
                                    f"{temporary} (a full disk or an exceeded quota does this); the previous {name} "
                                    "is untouched")
            step = f"renaming {temporary} to {name}"
            sftp.posix_rename(temporary, final)
            step = f"checking {final}"
            size = sftp.stat(final).st_size
        except DeliveryError:
            self._discard(sftp, temporary)
            raise
        except (OSError, EOFError, paramiko.SSHException) as error:
            if self._alive() and isinstance(error, OSError) and not isinstance(error, (socket.timeout, TimeoutError)):
                self._discard(sftp, temporary)
                raise DeliveryError(f"{self.destination.name}: {step} failed: {_reason(error)}"
                                    f"{_hint(error)}; the previous {name} is untouched") from None
            self.strays.append(temporary)
            self.close()
            raise Transient(f"{self.destination.name}: the connection broke while {step} ({_reason(error)})") from None
        if size != file.bytes:
            raise DeliveryError(f"{self.destination.name}: {final} holds {size} bytes after the rename, not {file.bytes}")
        return Sent(remote=file.remote, confirmation="renamed into place, size checked with stat")

    def _makedirs(self, sftp: paramiko.SFTPClient, folder: str) -> None:
        """mkdir -p for the pages' sub-folders; the destination's own folder must exist."""
        if folder in ("", ".", "/") or folder == self.base or folder in self.made:
            return
        parent = posixpath.dirname(folder)
        if parent != folder:
            self._makedirs(sftp, parent)
        try:
            sftp.stat(folder)
        except FileNotFoundError:
            sftp.mkdir(folder)
        self.made.add(folder)

    def _sweep(self, sftp: paramiko.SFTPClient, folder: str, name: str) -> None:
        """Remove temporary files of `name` that a killed run left (it could not clean up after itself).
        Servers that do not allow listing are left alone: the strays are hidden and never processed."""
        if folder not in self.listed:
            try:
                self.listed[folder] = sftp.listdir(folder or ".")
            except OSError:
                self.listed[folder] = []
        prefix = f".{name}.feedgen-"
        for entry in self.listed[folder]:
            if entry.startswith(prefix) and entry.endswith(".tmp"):
                try:
                    sftp.remove(posixpath.join(folder, entry))
                except OSError:
                    pass

    def _discard(self, sftp: paramiko.SFTPClient, temporary: str) -> None:
        try:
            sftp.remove(temporary)
        except (OSError, EOFError, paramiko.SSHException):
            self.strays.append(temporary)

    def poll(self, remote: str, record: dict[str, Any]) -> Sent:
        return no_poll(remote)

    def remove(self, remote: str) -> str:
        sftp = self._connect()
        final = posixpath.normpath(posixpath.join(self.base, remote))
        try:
            sftp.remove(final)
        except FileNotFoundError:
            return "already gone"
        except (OSError, EOFError, paramiko.SSHException) as error:
            if self._alive() and isinstance(error, OSError) and not isinstance(error, (socket.timeout, TimeoutError)):
                raise DeliveryError(f"{self.destination.name}: removing {final} failed: {_reason(error)}") from None
            self.close()
            raise Transient(f"{self.destination.name}: the connection broke while removing {final} "
                            f"({_reason(error)})") from None
        return "removed"


def _reason(error: BaseException) -> str:
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return text.strip().splitlines()[0][:200] if text.strip() else type(error).__name__


def _hint(error: BaseException) -> str:
    """OpenSSH's SFTP v3 has no 'disk full' status: ENOSPC arrives as a bare 'Failure'."""
    if str(getattr(error, "strerror", "") or error).strip() in ("Failure", "failure"):
        return " (the server gave no reason; a full disk or an exceeded quota does this)"
    return ""
