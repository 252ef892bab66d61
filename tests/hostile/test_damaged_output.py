"""A damaged previous build (truncated by a full disk, edited by hand) never crashes a command.

`feedgen diff` and the build's own diff compare what they can and say which file they could not
read; the build's removal tracking refuses to guess (corpus case previous_amazon_feed_truncated).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from feedgen.cli import main
from feedgen.publish.diff import diff_dirs

from ..helpers import build_project


def test_diff_reports_unreadable_feeds_instead_of_crashing(mini_project: Path) -> None:
    build_project(mini_project, market_ids=["NO", "US", "GB"])
    old = mini_project / "old"
    shutil.copytree(mini_project / "output", old)
    new = mini_project / "output"
    for folder in (old, new):  # without manifests the files themselves are compared (as for older builds)
        (folder / "manifest.json").unlink()
    damaged = {"google/no.xml": b"<rss><item><g:id", "amazon/us.json": b'{"messages": [', "meta/country-no.csv": b"\xff\xfe\x00"}
    for relative, data in damaged.items():
        (old / relative).write_bytes(data)
        (new / relative).write_bytes((new / relative).read_bytes() + b" ")  # changed, so both get read

    result = diff_dirs(old, new)
    notes = {f.path: f.note for f in result.files if f.note}
    assert set(notes) == set(damaged), notes
    assert all("cannot read the file" in note for note in notes.values())

    command = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert command.exit_code == 0 and command.exception is None
    assert "google/no.xml): changed — cannot read the file (XMLSyntaxError" in command.output
