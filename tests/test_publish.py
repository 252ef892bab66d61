"""Stage and publish: the output is swapped as a whole, leftovers are cleaned, nothing is mixed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from feedgen.publish import stage as publish
from feedgen.publish.stage import JOURNAL, STAGING, Stage, recover
from .publishing_helpers import leftovers, snapshot


def make_output(out: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def staged(out: Path, files: dict[str, str]) -> Stage:
    stage = Stage(out, "Brand")
    for relative, text in files.items():
        stage.write_bytes(relative, text.encode())
    return stage


def test_first_publish_moves_the_stage_into_place_with_normal_permissions(tmp_path: Path) -> None:
    out = tmp_path / "output"
    mode = staged(out, {"google/no.xml": "new"}).publish()
    assert mode == "rename"
    assert snapshot(out) == {"google/no.xml": b"new"}
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask  # not mkdtemp's 0700
    assert leftovers(tmp_path) == []


def test_publish_swaps_the_whole_directory_and_keeps_carried_files(tmp_path: Path) -> None:
    out = tmp_path / "output"
    make_output(out, {"google/no.xml": "old no", "google/se.xml": "old se", ".gitkeep": ""})
    out.chmod(0o750)
    stage = staged(out, {"google/no.xml": "new no", "meta/no.csv": "new"})
    assert stage.carry_over(lambda path: path == ".gitkeep") == [".gitkeep"]
    assert stage.publish() == "exchange"
    assert snapshot(out) == {".gitkeep": b"", "google/no.xml": b"new no", "meta/no.csv": b"new"}
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert leftovers(tmp_path) == []


def test_writing_a_carried_file_never_changes_the_published_one(tmp_path: Path) -> None:
    out = tmp_path / "output"
    make_output(out, {"report.html": "published"})
    stage = Stage(out, "Brand")
    stage.carry_over(lambda path: True)
    stage.write_bytes("report.html", b"rewritten")  # the stage's copy is a hard link until now
    assert (out / "report.html").read_text() == "published"
    stage.discard()


def test_without_exchange_publish_uses_a_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    out = tmp_path / "output"
    make_output(out, {"google/no.xml": "old"})
    assert staged(out, {"google/no.xml": "new"}).publish() == "journal"
    assert snapshot(out) == {"google/no.xml": b"new"}
    assert leftovers(tmp_path) == []


def test_recover_finishes_a_publish_killed_between_the_two_renames(tmp_path: Path) -> None:
    out = tmp_path / "output"
    make_output(out, {"google/no.xml": "old"})
    stage = staged(out, {"google/no.xml": "new"})
    aside = tmp_path / (".feedgen-old-" + stage.root.name[len(STAGING):])
    (tmp_path / f"{JOURNAL}output").write_text(json.dumps({"new": stage.root.name, "old": aside.name}))
    os.rename(out, aside)  # the state a kill at "publish:moved-aside" leaves
    messages: list[str] = []
    recover(out, messages.append)
    assert snapshot(out) == {"google/no.xml": b"new"}
    assert leftovers(tmp_path) == []
    assert any("completed the publish" in m for m in messages)


def test_recover_restores_the_old_build_when_the_new_one_is_gone(tmp_path: Path) -> None:
    out = tmp_path / "output"
    make_output(tmp_path / ".feedgen-old-output.abcd1234", {"google/no.xml": "old"})
    (tmp_path / f"{JOURNAL}output").write_text(
        json.dumps({"new": ".feedgen-staging-output.abcd1234", "old": ".feedgen-old-output.abcd1234"}))
    recover(out, lambda message: None)
    assert snapshot(out) == {"google/no.xml": b"old"}
    assert leftovers(tmp_path) == []


def test_recover_ignores_a_journal_that_names_paths(tmp_path: Path) -> None:
    out = tmp_path / "output"
    make_output(out, {"a": "kept"})
    (tmp_path / f"{JOURNAL}output").write_text(json.dumps({"new": "../elsewhere", "old": "/etc"}))
    recover(out, lambda message: None)
    assert snapshot(out) == {"a": b"kept"}
    assert leftovers(tmp_path) == []


def test_recover_removes_only_this_outputs_stale_staging(tmp_path: Path) -> None:
    out = tmp_path / "output"
    for name in (".feedgen-staging-output.abcd1234", ".feedgen-old-output.abcd1234",
                 ".feedgen-staging-output-2.abcd1234", ".feedgen-staging-output.x.abcd1234"):
        make_output(tmp_path / name, {"f": "x"})
    messages: list[str] = []
    recover(out, messages.append)
    assert leftovers(tmp_path) == [".feedgen-staging-output-2.abcd1234", ".feedgen-staging-output.x.abcd1234"]
    assert len(messages) == 2


def test_a_mount_point_is_published_file_by_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    make_output(out, {"google/no.xml": "old no", "google/se.xml": "old se", "README": "mine"})
    monkeypatch.setattr(publish.os.path, "ismount", lambda path: Path(path) == out)
    stage = staged(out, {"google/no.xml": "new no"})
    stage.carry_over(lambda path: path == "README")
    messages: list[str] = []
    assert stage.publish(messages.append) == "per-file"
    assert snapshot(out) == {"README": b"mine", "google/no.xml": b"new no"}
    assert "mount point" in messages[0]
    assert leftovers(tmp_path) == []


def test_stage_paths_never_leave_the_output(tmp_path: Path) -> None:
    stage = Stage(tmp_path / "output", "Brand")
    for bad in ("../x", "/etc/passwd", "a/../../x", ""):
        with pytest.raises(ValueError):
            stage.path(bad)
    stage.discard()


def test_an_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    from feedgen.errors import InputError

    (tmp_path / "output").write_text("not a directory")
    stage = staged(tmp_path / "output", {"a": "b"})
    with pytest.raises(InputError, match="not a directory"):
        stage.publish()
    stage.discard()


def test_every_staged_file_is_made_durable_before_the_swap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The swap is the commit point: the bytes of every staged file (whichever process wrote it) are
    fsynced before it, and nothing is fsynced as a file closes, so a market's worker never waits for the disk."""
    out = tmp_path / "output"
    make_output(out, {"google/no.xml": "old"})
    events: list[tuple[str, str]] = []
    real_exchange = publish._exchange
    with monkeypatch.context() as closing:
        closing.setattr(os, "fsync", lambda fd: events.append(("os.fsync", str(fd))))
        stage = staged(out, {"google/no.xml": "new", "meta/no.csv": "new"})
    assert events == []  # closing a staged file did not wait for the disk
    (stage.root / "pages").mkdir()
    (stage.root / "pages" / "index.html").write_text("written by another process")
    monkeypatch.setattr(publish, "fsync_file", lambda path: events.append(("fsync", path.name)))
    monkeypatch.setattr(publish, "_exchange", lambda a, b: events.append(("swap", "")) or real_exchange(a, b))
    assert stage.publish() == "exchange"
    assert sorted(events[:-1]) == [("fsync", "index.html"), ("fsync", "no.csv"), ("fsync", "no.xml")]
    assert events[-1] == ("swap", "")
    assert snapshot(out) == {"google/no.xml": b"new", "meta/no.csv": b"new",
                             "pages/index.html": b"written by another process"}


def test_a_large_staged_file_goes_to_the_disk_as_it_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writeback of a staged file starts every WRITEBACK_BYTES and for the rest at its close."""
    started: list[tuple[int, int]] = []
    monkeypatch.setattr(publish, "start_writeback", lambda fd, offset, length: started.append((offset, length)))
    block = b"x" * (1 << 20)
    stage = Stage(tmp_path / "output", "Brand")
    with stage.open("google/no.xml") as handle:
        for _ in range(70):
            handle.write(block)
    step = publish.WRITEBACK_BYTES
    assert started == [(0, step), (step, step), (2 * step, 70 * len(block) - 2 * step)]
    assert stage.written["google/no.xml"][0] == 70 * len(block)
    stage.discard()


def test_a_cluster_workers_stage_fsyncs_each_file_as_it_closes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr(publish.os, "fsync", synced.append)
    stage = Stage(tmp_path / "output", "Brand")
    stage.sync_on_close = True
    stage.write_bytes("google/no.xml", b"new")
    stage.write_bytes("google/se.xml", b"new")
    assert len(synced) == 2
    stage.discard()
