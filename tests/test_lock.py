"""One build per output directory; a lock left by a dead build is taken over with a message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feedgen.errors import InputError
from feedgen.publish.lock import LOCK, OutputLock


def test_a_held_lock_refuses_a_second_build(tmp_path: Path) -> None:
    out = tmp_path / "output"
    with OutputLock(out):
        with pytest.raises(InputError, match=rf"another feedgen build \(pid {os.getpid()} on .+\) is writing"):
            with OutputLock(out):
                pass  # pragma: no cover - never entered


def test_a_stale_lock_is_taken_over_with_a_message(tmp_path: Path) -> None:
    out = tmp_path / "output"
    lock_file = tmp_path / f"{LOCK}output"
    lock_file.write_text("pid 999999 on ci-runner\n")  # what a SIGKILLed build leaves: content, no flock
    messages: list[str] = []
    with OutputLock(out, messages.append):
        assert lock_file.read_text().startswith(f"pid {os.getpid()} ")
    assert messages == [f"taking over the lock of {out} from pid 999999 on ci-runner, which is no longer running"]
    assert lock_file.read_text() == ""  # released cleanly


def test_a_cleanly_released_lock_gives_no_message(tmp_path: Path) -> None:
    out = tmp_path / "output"
    messages: list[str] = []
    for _ in range(2):
        with OutputLock(out, messages.append):
            pass
    assert messages == []
