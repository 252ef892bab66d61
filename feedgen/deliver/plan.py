"""Which published files go to a destination, and under which remote names.

The only source is output/manifest.json of the last *published* build: it is written last into the
stage and swapped in with the files, so what it lists is exactly one whole build. A file whose bytes
no longer match the manifest is refused rather than sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from feedgen.deliver.config import Destination, render_template, safe_remote_name
from feedgen.errors import InputError
from feedgen.publish.manifest import MANIFEST, Manifest


@dataclass(frozen=True)
class OutFile:
    """One published file on its way to one destination."""

    path: str  # relative to the output, as in the manifest
    local: Path
    remote: str  # relative to the destination's folder / prefix
    channel: str
    market: str
    items: int
    bytes: int
    sha256: str
    part_of: str | None = None  # the feed this file is a numbered part of (feedgen.channels.parts)

    @property
    def feed(self) -> str:
        """What the platform sees as one feed: a part's unsplit name, else the file's own path."""
        return self.part_of or self.path


@dataclass(frozen=True)
class Published:
    """The last published build: its manifest and the hash of manifest.json's bytes."""

    out: Path
    manifest: Manifest
    manifest_sha256: str


def read_published(out: Path) -> Published:
    path = out / MANIFEST
    if not path.is_file():
        raise InputError(path, "no published build to deliver (run `feedgen build` first)")
    data = path.read_bytes()
    manifest = Manifest.read(out, warn=lambda message: None)
    if manifest is None:
        raise InputError(path, "not a feedgen manifest: the output cannot be delivered")
    return Published(out=out, manifest=manifest, manifest_sha256=hashlib.sha256(data).hexdigest())


def template_values(path: str, channel: str, market: str, part_of: str | None = None) -> dict[str, str]:
    """`{part}` is `-001`, `-002` … for the parts of a split feed and empty for a whole file, so
    `alfasko-{market}{part}.xml` names both (`{stem}` already holds it: `de-001`)."""
    pure = PurePosixPath(path)
    inner = PurePosixPath(*pure.parts[1:]) if len(pure.parts) > 1 and pure.parts[0] == channel else pure
    part = pure.stem[len(PurePosixPath(part_of).stem):] if part_of else ""
    return {"path": inner.as_posix(), "name": pure.name, "stem": pure.stem, "suffix": pure.suffix,
            "market": market.lower(), "MARKET": market.upper(), "channel": channel, "part": part}


def plan(destination: Destination, published: Published) -> list[OutFile]:
    """The destination's files in manifest order. A destination whose channel has no file in the
    build, a market filter naming no built market, or two files rendered to one remote name is an
    InputError: each would deliver something other than what the file says."""
    files: list[OutFile] = []
    markets_built = set()
    for path, entry in sorted(published.manifest.files.items()):
        if entry.channel != destination.channel:
            continue
        markets_built.add(entry.market)
        if destination.markets is not None and entry.market and entry.market.upper() not in destination.markets:
            continue
        remote = render_template(destination.remote_name, template_values(path, entry.channel, entry.market,
                                                                          entry.part_of))
        problem = safe_remote_name(remote)
        if problem:
            raise destination.fail("remote_name", f"gives {remote!r} for {path}, which {problem}")
        files.append(OutFile(path=path, local=published.out / path, remote=remote, channel=entry.channel,
                             market=entry.market, items=entry.items, bytes=entry.bytes, sha256=entry.sha256,
                             part_of=entry.part_of))
    if not markets_built:
        present = sorted({entry.channel for entry in published.manifest.files.values()})
        raise destination.fail("channel", f"the published build has no {destination.channel!r} files "
                               f"(it has: {', '.join(present) or 'none'})")
    if destination.markets is not None:
        missing = sorted(set(destination.markets) - {m.upper() for m in markets_built})
        if missing:
            raise destination.fail("markets", f"market(s) {', '.join(missing)} have no {destination.channel!r} "
                                   "files in the published build")
    seen: dict[str, str] = {}
    for file in files:
        if file.remote in seen:
            raise destination.fail("remote_name", f"{seen[file.remote]} and {file.path} would both be sent as "
                                   f"{file.remote!r}; add {{market}} or {{path}} to remote_name "
                                   "({part} for the parts of a split feed)")
        seen[file.remote] = file.path
    return files


def check_local(file: OutFile) -> str | None:
    """Why the file on disk is not the one the manifest describes, or None."""
    try:
        with file.local.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as error:
        return f"{file.local}: cannot read ({error.strerror or error})"
    if digest != file.sha256:
        return f"{file.local} changed since it was published (sha256 differs from manifest.json); rebuild first"
    return None
