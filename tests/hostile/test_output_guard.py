"""feedgen.publish.release.guard_output: output folders whose whole-folder swap would destroy something.

Found while probing the corpus: `feedgen build -o /` hard-linked the whole filesystem into a
staging folder (carry-over of "files feedgen did not write") before swapping; `-o product_data`
replaced the inputs' folder. These are checked on the guard itself: a build with `-o /` is never run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedgen.pipeline.build import BuildRequest, run
from feedgen.errors import InputError
from feedgen.publish.release import guard_output


def test_the_filesystem_root_and_the_home_folder_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="filesystem root or the home folder"):
        guard_output(Path("/"), [])
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(InputError, match="filesystem root or the home folder"):
        guard_output(home, [])
    with pytest.raises(InputError, match="filesystem root or the home folder"):
        guard_output(home / "sub" / "..", [])


def test_an_output_holding_an_input_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "shop" / "product_data"
    data.mkdir(parents=True)
    for out in (data, tmp_path / "shop", tmp_path):
        with pytest.raises(InputError, match="holds the input"):
            guard_output(out, [data])
    guard_output(data / "output", [data])  # an output inside the data folder holds no input


def test_an_existing_folder_must_be_empty_or_look_like_a_feedgen_output(tmp_path: Path) -> None:
    out = tmp_path / "output"
    guard_output(out, [])  # not there yet
    out.mkdir()
    guard_output(out, [])  # empty
    for name in (".gitkeep", "README.md", "google", "meta", "amazon", "pages", "report.html"):
        (out / name).touch()
    guard_output(out, [])  # what a build (or an older one, without a manifest) leaves
    (out / "holiday-photos").mkdir()
    with pytest.raises(InputError, match="'holiday-photos' and no manifest.json"):
        guard_output(out, [])
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    guard_output(out, [])  # a feedgen output: what else it holds is carried over, as documented


def test_the_guard_runs_before_the_lock_and_the_stage(tmp_path: Path) -> None:
    foreign = tmp_path / "etc"
    foreign.mkdir()
    (foreign / "passwd").write_text("root:x:0:0", encoding="utf-8")
    request = BuildRequest(data_dir=tmp_path / "product_data", out=foreign)
    with pytest.raises(InputError, match="not a feedgen output"):
        run(request)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["etc"]  # no lock file, no staging folder
