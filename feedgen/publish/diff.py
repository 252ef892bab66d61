"""`feedgen diff OLD NEW`: what a build changes, per market and channel, item by item.

Before a launch a coordinator wants to know which items appear, which disappear and whose
price moves. Files are matched by path; each channel reads its own format back through its
`read_items` hook (see channels.base), so this module knows nothing about XML or JSON feeds.
Files whose sha256 is equal in both manifests are not read at all.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from feedgen.channels import CHANNELS
from feedgen.publish.manifest import FileEntry, Manifest, feed_of, sha256_file

PRICE_FIELDS = ("price", "sale_price")
Reader = Callable[[Path], dict[str, dict[str, str]]]
Change = tuple[str | None, str | None]


@dataclass
class FileDiff:
    path: str
    channel: str
    market: str
    before: int | None  # items in the old file; None when there was no such file (or unknown)
    after: int | None
    in_old: bool = True
    in_new: bool = True
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, Change]] = field(default_factory=dict)
    note: str = ""
    # a feed split into numbered parts (feedgen.channels.parts) is compared as one: `path` is the feed's
    # unsplit name and these are its files on each side (empty: the side has the one file at `path`)
    old_parts: list[str] = field(default_factory=list)
    new_parts: list[str] = field(default_factory=list)

    @property
    def shown_path(self) -> str:
        """`path`, and how many parts it is in where it is split."""
        old, new = len(self.old_parts), len(self.new_parts)
        if not old and not new:
            return self.path
        return f"{self.path} ({old or 1} → {new or 1} files)" if old != new else f"{self.path} ({new} parts)"

    @property
    def status(self) -> str:
        if not self.in_old:
            return "added"
        if not self.in_new:
            return "removed"
        return "changed" if self.added or self.removed or self.changed or self.note else "unchanged"

    def to_dict(self) -> dict:
        return {
            "path": self.path, "channel": self.channel, "market": self.market, "status": self.status,
            "before": self.before, "after": self.after, "added": self.added, "removed": self.removed,
            "changed": {sku: {name: {"old": old, "new": new} for name, (old, new) in fields.items()}
                        for sku, fields in self.changed.items()},
            "note": self.note,
            **({"old_parts": self.old_parts, "new_parts": self.new_parts} if self.old_parts or self.new_parts else {}),
        }


@dataclass
class BuildDiff:
    files: list[FileDiff] = field(default_factory=list)

    def totals(self) -> tuple[int, int, int]:
        return (sum(len(f.added) for f in self.files), sum(len(f.removed) for f in self.files),
                sum(len(f.changed) for f in self.files))

    def price_changes(self) -> list[tuple[FileDiff, str, str, str | None, str | None]]:
        """(file, sku, field, old, new) for every price or sale price that changed."""
        return [(f, sku, name, old, new) for f in self.files for sku, fields in f.changed.items()
                for name, (old, new) in fields.items() if name in PRICE_FIELDS]

    def to_json(self) -> str:
        added, removed, changed = self.totals()
        payload = {"summary": {"added": added, "removed": removed, "changed": changed,
                               "files_changed": sum(f.status != "unchanged" for f in self.files)},
                   "files": [f.to_dict() for f in self.files]}
        return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def listed_files(directory: Path) -> dict[str, FileEntry | None]:
    """The channel files of a build: from its manifest, or (older builds) by top-level folder name."""
    manifest = Manifest.read(directory) if directory.is_dir() else None
    if manifest is not None:
        return dict(manifest.files)
    found: dict[str, FileEntry | None] = {}
    for name in CHANNELS:
        folder = directory / name
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
                found[path.relative_to(directory).as_posix()] = None
    return found


# What reading a damaged or foreign feed file raises (truncated XML or JSON, binary CSV, wrong shapes).
READ_ERRORS = (ValueError, KeyError, TypeError, AttributeError, SyntaxError, csv.Error, OSError)


def _reader(channel: str) -> Reader | None:
    return CHANNELS[channel].read_items if channel in CHANNELS else None


def _field_changes(old: dict[str, str], new: dict[str, str]) -> dict[str, Change]:
    return {name: (old.get(name), new.get(name)) for name in sorted(old.keys() | new.keys())
            if old.get(name) != new.get(name)}


def _same(old_path: Path, new_path: Path, old: FileEntry | None, new: FileEntry | None) -> bool:
    if old and new:
        return old.sha256 == new.sha256
    return sha256_file(old_path) == sha256_file(new_path)


def _new_file_diff(path: str, old: FileEntry | None, new: FileEntry | None,
                   old_exists: bool, new_exists: bool) -> FileDiff:
    """The diff's frame: channel and market from a manifest entry, else from the path (`channel/market.ext`)."""
    entry = new or old
    channel = entry.channel if entry else PurePosixPath(path).parts[0]
    market = entry.market if entry else PurePosixPath(path).stem.upper()
    return FileDiff(path, channel, market, old.items if old and old_exists else None,
                    new.items if new and new_exists else None, in_old=old_exists, in_new=new_exists)


def _read_both(read: Reader, result: FileDiff, old_dir: Path, new_dir: Path
               ) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]] | None:
    """Both sides' items, or None (with a note on `result`) when a side is damaged: compared by checksum only."""
    try:
        before = read(old_dir / result.path) if result.in_old else {}
        after = read(new_dir / result.path) if result.in_new else {}
    except READ_ERRORS as error:  # a damaged build (truncated, edited by hand): say so instead of crashing
        result.note = f"cannot read the file ({type(error).__name__}: {str(error)[:80]}): compared by checksum only"
        return None
    return before, after


def _compare_items(result: FileDiff, before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> None:
    result.before = len(before) if result.in_old else None
    result.after = len(after) if result.in_new else None
    result.added = sorted(after.keys() - before.keys())
    result.removed = sorted(before.keys() - after.keys())
    for sku in sorted(before.keys() & after.keys()):
        changes = _field_changes(before[sku], after[sku])
        if changes:
            result.changed[sku] = changes


def diff_file(path: str, old_dir: Path, new_dir: Path, old: FileEntry | None, new: FileEntry | None,
              old_exists: bool, new_exists: bool) -> FileDiff:
    result = _new_file_diff(path, old, new, old_exists, new_exists)
    read = _reader(result.channel)
    if old_exists and new_exists and _same(old_dir / path, new_dir / path, old, new):
        if (old is None or new is None) and read is not None:
            result.before = result.after = len(read(new_dir / path))
        return result
    if read is None:
        result.note = f"no item reader for channel {result.channel!r}: compared by checksum only"
        return result
    items = _read_both(read, result, old_dir, new_dir)
    if items is not None:
        _compare_items(result, *items)
    return result


def diff_dirs(old_dir: Path, new_dir: Path) -> BuildDiff:
    """Compare two output directories (either may lack a manifest; old_dir may not exist), feed by feed:
    the parts of a split feed are read together, so an item that moved to another part is not a change."""
    old_files, new_files = listed_files(old_dir), listed_files(new_dir)
    sides: dict[str, tuple[list[str], list[str]]] = {}
    for index, (directory, listed) in enumerate(((old_dir, old_files), (new_dir, new_files))):
        for path, entry in listed.items():
            if (directory / path).is_file():
                sides.setdefault(feed_of(path, entry), ([], []))[index].append(path)
    files = []
    for feed, (old_paths, new_paths) in sorted(sides.items()):
        if old_paths in ([], [feed]) and new_paths in ([], [feed]):  # a whole file on both sides
            files.append(diff_file(feed, old_dir, new_dir, old_files.get(feed), new_files.get(feed),
                                   bool(old_paths), bool(new_paths)))
        else:
            files.append(_diff_parts(feed, old_dir, new_dir, old_files, new_files, sorted(old_paths),
                                     sorted(new_paths)))
    files.sort(key=lambda f: (f.channel, f.market, f.path))
    return BuildDiff(files)


def _diff_parts(feed: str, old_dir: Path, new_dir: Path, old_files: dict[str, FileEntry | None],
                new_files: dict[str, FileEntry | None], old_paths: list[str], new_paths: list[str]) -> FileDiff:
    """A feed that is split into parts on at least one side: its items over all its files."""
    entry = next(e for e in (*(new_files[p] for p in new_paths), *(old_files[p] for p in old_paths)) if e is not None)
    result = FileDiff(feed, entry.channel, entry.market, None, None, in_old=bool(old_paths), in_new=bool(new_paths),
                      old_parts=old_paths if old_paths != [feed] else [],
                      new_parts=new_paths if new_paths != [feed] else [])
    if old_paths == new_paths and all(_same(old_dir / p, new_dir / p, old_files[p], new_files[p]) for p in new_paths):
        result.before = result.after = sum(e.items for e in (new_files[p] for p in new_paths) if e is not None)
        return result
    read = _reader(result.channel)
    if read is None:
        result.note = f"no item reader for channel {result.channel!r}: compared by checksum only"
        return result
    try:
        before = _union(read, old_dir, old_paths)
        after = _union(read, new_dir, new_paths)
    except READ_ERRORS as error:
        result.note = f"cannot read the file ({type(error).__name__}: {str(error)[:80]}): compared by checksum only"
        return result
    _compare_items(result, before, after)
    return result


def _union(read: Reader, directory: Path, paths: list[str]) -> dict[str, dict[str, str]]:
    items: dict[str, dict[str, str]] = {}
    for path in paths:
        items.update(read(directory / path))
    return items


def _short(value: str | None, width: int = 60) -> str:
    if value is None:
        return "(none)"
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"


def format_text(diff: BuildDiff, limit: int = 20) -> str:
    """A summary table, then per file the changed (~), removed (-) and added (+) items.
    `limit` caps the lines of each kind per file (0 = all)."""
    lines = [f"{'channel':8} {'market':6} {'file':24} {'before':>6} {'after':>6} {'added':>6} {'removed':>7} "
             f"{'changed':>7}"]
    for f in diff.files:
        lines.append(f"{f.channel:8} {f.market or '-':6} {f.shown_path:24} {_count(f.before):>6} {_count(f.after):>6} "
                     f"{len(f.added):>6} {len(f.removed):>7} {len(f.changed):>7}")
    added, removed, changed = diff.totals()
    lines.append(f"{'total':8} {'':6} {'':24} {'':>6} {'':>6} {added:>6} {removed:>7} {changed:>7}")
    for f in diff.files:
        if f.status == "unchanged":
            continue
        lines.append(f"\n{f.channel} {f.market or '-'} ({f.shown_path}): {f.status}"
                     + (f" — {f.note}" if f.note else ""))
        for mark, entries in (
            ("~", [f"{sku}  " + "; ".join(f"{name}: {_short(old)} → {_short(new)}"
                                          for name, (old, new) in fields.items())
                   for sku, fields in f.changed.items()]),
            ("-", f.removed),
            ("+", f.added),
        ):
            shown = entries if limit <= 0 else entries[:limit]
            lines.extend(f"  {mark} {entry}" for entry in shown)
            if len(entries) > len(shown):
                lines.append(f"  {mark} … and {len(entries) - len(shown)} more (--limit 0 shows all)")
    return "\n".join(lines) + "\n"


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)
