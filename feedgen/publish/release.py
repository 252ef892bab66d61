"""Between a finished build and the output directory: carry-over, manifest, diff, gate, report.

build.run renders every channel into a Stage; this module turns that stage into a release the
gate can judge and a person can read, relative to the last published build in the output.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Container, Iterable

from feedgen.channels import CHANNELS, Artifact
from feedgen.channels.base import RemovedAction, Removals
from feedgen.diagnostics import Diagnostics
from feedgen.publish.diff import READ_ERRORS, BuildDiff, diff_dirs, listed_files
from feedgen.errors import InputError
from feedgen.publish.gate import GatePolicy, GateResult, check
from feedgen.publish.manifest import DELIVERY_PAGE, MANIFEST, Manifest, STATE, delivered_manifest, file_entry
from feedgen.config.markets import Market
from feedgen.publish.stage import Stage
from feedgen.publish.report import REPORT, render_html

RESERVED = frozenset({MANIFEST, REPORT, STATE})  # always written fresh, never carried over
OUTPUT_NAMES = frozenset({*CHANNELS, "pages", MANIFEST, REPORT, STATE, DELIVERY_PAGE})  # what a build puts at the top of the output


def guard_output(out: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output folder that publishing would wreck, before anything is read or written.

    Publishing replaces the output folder as a whole and carries over what it already holds (see
    feedgen.publish.stage). `-o /`, `-o ~`, `-o .` or `-o product_data` would therefore swap away the
    system, the home folder or the inputs, and `-o /etc` would hard-link all of /etc into the
    build. So the output must not hold an input, and an existing folder must be empty or look
    like a feedgen output: a manifest.json, or only channel folders, pages, the report, dotfiles
    (.gitkeep) and README files."""
    if out.is_symlink():  # the swap would replace the link with a folder and leave the folder it names stale
        raise InputError(out, f"is a symbolic link (to {os.readlink(out)}): publishing replaces the output folder as a "
                         "whole, which would replace the link; give the folder itself with -o")
    resolved = out.resolve()
    ancestor = resolved.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(out, f"{ancestor} is not a directory, so it cannot hold the output folder")
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise InputError(out, "refusing to publish into the filesystem root or the home folder: "
                         "publishing replaces the whole output folder; use a folder of its own")
    for path in inputs:
        if resolved == path.resolve() or resolved in path.resolve().parents:
            raise InputError(out, f"the output folder holds the input {path}: publishing replaces the whole "
                             "output folder; use a folder of its own")
    if resolved.exists() and not resolved.is_dir():
        raise InputError(out, "the output path exists and is not a directory")
    if resolved.is_dir() and not (resolved / MANIFEST).is_file():
        foreign = sorted(name for name in os.listdir(resolved)
                         if not name.startswith(".") and not name.upper().startswith("README") and name not in OUTPUT_NAMES)
        if foreign:
            raise InputError(out, f"is not empty and not a feedgen output (it holds {foreign[0]!r} and no {MANIFEST}): "
                             "publishing replaces the whole folder; use a new or empty one")


@dataclass(frozen=True)
class ReleaseOptions:
    gate: GatePolicy = GatePolicy()
    stamp: bool = False  # add built_at to the manifest and the report


@dataclass
class Release:
    manifest: Manifest
    diff: BuildDiff | None
    gate: GateResult
    carried: list[str]


def removed_skus(previous: Manifest | None, out_dir: Path, channel: str, market: str,
                 current: Container[str], action: RemovedAction = "delete",
                 as_of: date | None = None) -> Removals:
    """SKUs in the last published feed(s) of `channel` for `market` that the catalogue no longer has
    (not `in` `current`: a set, or a market build's spool that holds one slice of a million SKUs at a
    time), with what that feed said about them.

    Items still in the catalogue but rejected this time are *not* removed: a data problem should
    leave a listing alone, not delete it."""
    read = CHANNELS[channel].read_items if channel in CHANNELS else None
    if previous is None or read is None:
        return Removals(frozenset(), action, as_of=as_of)
    gone: dict[str, dict[str, str]] = {}  # only the gone SKUs' items are kept: a feed of a million is read file by file
    for path in previous.for_pair(channel, market):
        if (out_dir / path).is_file():
            try:
                for sku, fields in read(out_dir / path).items():
                    if sku not in current:
                        gone[sku] = fields
            except READ_ERRORS as error:
                # Without the last feed there is no knowing which SKUs to withdraw; guessing would
                # either leave stale listings or delete live ones, so a person decides.
                raise InputError(out_dir / path, f"the published {channel} feed cannot be read ({type(error).__name__}); "
                                 "it is needed to withdraw removed SKUs: restore it, or delete "
                                 f"{out_dir / MANIFEST} to publish without withdrawals") from None
    return Removals(frozenset(gone), action, previous={sku: gone[sku] for sku in sorted(gone)}, as_of=as_of)


def superseded(previous: Manifest | None, scope: set[tuple[str, str]], full: bool) -> set[str]:
    """Files of the last build that this build replaces: all of them, or those of the pairs it built."""
    if previous is None:
        return set()
    return {path for path, entry in previous.files.items() if full or (entry.channel, entry.market) in scope}


def prepare(
    stage: Stage,
    *,
    artifacts: list[Artifact],
    diagnostics: Diagnostics,
    markets: list[Market],
    previous: Manifest | None,
    scope: set[tuple[str, str]],
    full: bool,
    inputs: dict[str, str],
    options: ReleaseOptions,
    reused: set[str] = frozenset(),
) -> Release:
    """Complete the stage (carried-over files, manifest.json, report.html) and judge it.
    `reused`: files of the last build this one takes over unchanged (feedgen.pipeline.incremental)."""
    replaced = superseded(previous, scope, full) - reused
    carried = stage.carry_over(lambda path: path not in replaced and path not in RESERVED)
    manifest = Manifest(inputs=inputs)
    if options.stamp:
        manifest.built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for path in carried:
        if previous is not None and path in previous.files:
            manifest.files[path] = previous.files[path]
    for artifact in artifacts:
        manifest.files[artifact.path] = file_entry(stage.path(artifact.path), artifact.channel, artifact.market,
                                                   artifact.items, stage.written.get(artifact.path), artifact.part_of)
    text = manifest.to_json().encode("utf-8")
    stage.write_bytes(MANIFEST, text)

    diff = diff_dirs(stage.out_dir, stage.root) if listed_files(stage.out_dir) else None
    feeds = {a.path for a in artifacts if a.channel in CHANNELS and CHANNELS[a.channel].gated}
    guarded = {path for path in replaced if previous is None or previous.files[path].channel not in CHANNELS
               or CHANNELS[previous.files[path].channel].gated}
    gate = check(manifest, previous, feeds=feeds, superseded=guarded, errors=diagnostics.errors,
                 policy=options.gate)
    if not (_same_build(stage.out_dir, text) and stage.carry_over(lambda path: path == REPORT)):
        html = render_html(brand=stage.brand, markets=markets, manifest=manifest, diagnostics=diagnostics,
                           diff=diff, gate=gate, delivery=_delivery(stage, text))
        stage.write_bytes(REPORT, html.encode("utf-8"))
    return Release(manifest=manifest, diff=diff, gate=gate, carried=carried)


def _delivery(stage: Stage, manifest: bytes) -> dict | None:
    """The delivery.html this build carried over (feedgen.deliver.page), and which build it reported on:
    a report must never pass off an earlier build's delivery as its own."""
    page = stage.path(DELIVERY_PAGE)
    if not page.is_file():
        return None
    build = delivered_manifest(page) or ""
    return {"build": build, "current": build == hashlib.sha256(manifest).hexdigest()}


def _same_build(out_dir: Path, manifest: bytes) -> bool:
    """An identical rebuild (same manifest bytes: same files, inputs, version) keeps the report it
    already has, whose diff describes how this content came about, so rebuilding changes no byte."""
    path = out_dir / MANIFEST
    return path.is_file() and path.read_bytes() == manifest
