"""Helpers for the publishing tests: a small copy of the sample, CLI builds, directory snapshots."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Callable

from click.testing import CliRunner, Result
from lxml import etree

from feedgen.cli import main

from .conftest import publish_source_text

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-22"
# Three styles keep builds fast: one plain, one on sale (AS-1005), one with "&" in its title (AS-1026).
SMALL_STYLES = ("AS-1001", "AS-1005", "AS-1026")

Rows = list[dict[str, str]]


def small_project(root: Path) -> Path:
    """root/product_data with the sample's markets and a catalogue of SMALL_STYLES; returns root."""
    shutil.copytree(REPO / "product_data", root / "product_data")
    edit_catalogue(root, lambda rows: [r for r in rows if r["style_id"] in SMALL_STYLES])
    return publish_source_text(root)  # no locales/: foreign markets publish the English text


def edit_catalogue(project: Path, change: Callable[[Rows], Rows], name: str = "catalogue.csv") -> Path:
    """Rewrite product_data/catalogue.csv (or write it as `name`) through `change`."""
    source = project / "product_data" / "catalogue.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    target = project / "product_data" / name
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(change(rows))
    return target


def build(project: Path, *args: str, out: Path | None = None) -> Result:
    """`feedgen build` on the project (fixed build date) into project/output unless `out` is given."""
    argv = ["build", "--data", str(project / "product_data"), "-o", str(out or project / "output"),
            "--as-of", AS_OF, *args]
    return CliRunner().invoke(main, argv, catch_exceptions=False)


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` (relative POSIX path -> bytes); {} if it does not exist."""
    if not directory.exists():
        return {}
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


FEED_FOLDERS = ("google/", "meta/", "amazon/")


def parse_feeds(directory: Path) -> int:
    """Parse every feed and the manifest under `directory` as its format says; returns
    how many feed files (those in a channel folder) there are. Raises if one is broken:
    - XML (Google): well-formed;
    - JSON: valid JSON, and an Amazon feed valid against Amazon's listings feed schema;
    - CSV (Meta): UTF-8, RFC 4180 (strict quoting), every record as long as the header, the last
      one complete (CRLF-terminated), so a file cut off at a record boundary fails too."""
    from .channels.feeds import feed_errors

    count = 0
    for path in sorted(directory.rglob("*")):
        if path.suffix == ".xml":
            etree.parse(str(path))
        elif path.suffix == ".json":
            document = json.loads(path.read_text(encoding="utf-8"))
            if path.parent.name == "amazon":
                assert feed_errors(document) == [], path
        elif path.suffix == ".csv":
            text = path.read_bytes().decode("utf-8")
            assert text.endswith("\r\n"), f"{path}: the last record is incomplete"
            records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
            assert records and all(len(record) == len(records[0]) for record in records), path
        elif path.suffix == ".html":  # landing pages and the report: complete documents
            assert path.read_bytes().rstrip().endswith(b"</html>"), f"{path}: the page is incomplete"
            continue
        else:
            continue
        count += path.relative_to(directory).as_posix().startswith(FEED_FOLDERS)
    return count


def feed_files(files: dict[str, bytes]) -> list[str]:
    """The channel feeds of a snapshot (landing pages and reports are checked elsewhere)."""
    return sorted(path for path in files if path.startswith(FEED_FOLDERS))


def leftovers(parent: Path) -> list[str]:
    """Staging, aside and journal entries feedgen left in `parent` (the lock file is meant to stay)."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".feedgen-") and not p.name.startswith(".feedgen-lock-"))
