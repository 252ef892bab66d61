"""file:// destinations: a mounted share or a folder a web server publishes.

The file is written to a temporary name in the target folder (same filesystem), fsynced, then
os.replace()d over the final name: a reader, or a platform fetching over HTTP, sees the whole old
file or the whole new one. The copy is then read back and its sha256 compared.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from feedgen.deliver.config import Destination
from feedgen.deliver.transport import Sent, no_poll
from feedgen.deliver.errors import DeliveryError
from feedgen.deliver.plan import OutFile
from feedgen.files import checkpoint, fsync_dir


def _file_mode() -> int:
    """What a plain `open()` would create: a share or web root must be able to read the file
    (mkstemp's 0600 would hide it from the web server)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


class LocalFolder:
    def __init__(self, destination: Destination) -> None:
        self.destination = destination
        self.root = Path(destination.parts.path)

    def send(self, file: OutFile) -> Sent:
        target = self.root.joinpath(*PurePosixPath(file.remote).parts)
        try:
            if not self.root.is_dir():
                raise DeliveryError(f"{self.destination.name}: {self.root} is not a folder (is the share mounted?)")
            target.parent.mkdir(parents=True, exist_ok=True)
            for stray in target.parent.glob(f".{glob.escape(target.name)}.*.feedgen-tmp"):  # a killed run's
                stray.unlink(missing_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".feedgen-tmp", dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as handle, file.local.open("rb") as source:
                    shutil.copyfileobj(source, handle, 1 << 20)
                    checkpoint("deliver:uploaded")
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else _file_mode())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            fsync_dir(target.parent)
            with target.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as error:
            raise DeliveryError(f"{self.destination.name}: {error.filename or target}: "
                                f"{error.strerror or error}") from None
        if digest != file.sha256:
            raise DeliveryError(f"{self.destination.name}: {target} does not read back as what was written")
        return Sent(remote=file.remote, confirmation="sha256 read back")

    def poll(self, remote: str, record: dict) -> Sent:
        return no_poll(remote)

    def remove(self, remote: str) -> str:
        target = self.root.joinpath(*PurePosixPath(remote).parts)
        try:
            target.unlink(missing_ok=True)
            fsync_dir(target.parent)
        except OSError as error:
            raise DeliveryError(f"{self.destination.name}: {target}: {error.strerror or error}") from None
        return "deleted"

    def close(self) -> None:
        pass
