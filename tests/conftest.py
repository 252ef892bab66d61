"""Shared fixtures: the bundled sample project, copied so tests can change it freely.

Builds dominate the suite's time, so a build that many tests only read (or start from) is made
once per session or module: `built_sample` (read-only), and `Restorable` for a built project each
test may change (put back, byte for byte and at the same path, before every test)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DATA = REPO / "product_data"
SAMPLE_LOCALES = REPO / "locales"
GOLDEN = Path(__file__).resolve().parent / "golden"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
AS_OF = date(2026, 11, 22)  # fixed build date: sale windows are judged against it
BEFORE_SALE = date(2026, 11, 1)  # a build date before the sample's winter sale (20 Nov): its prices are the 30-day reference


def copy_sample(root: Path, *, mini: bool = False) -> Path:
    """root/product_data and root/locales from the sample project (with `mini`: the 7-SKU catalogue
    and round FX rates of tests/fixtures/mini); returns root."""
    shutil.copytree(SAMPLE_DATA, root / "product_data")
    if SAMPLE_LOCALES.exists():
        shutil.copytree(SAMPLE_LOCALES, root / "locales")
    return use_mini(root) if mini else root


def use_mini(project: Path) -> Path:
    """Swap in the 7-SKU catalogue and round FX rates of tests/fixtures/mini; returns project."""
    for name in ("catalogue.csv", "fx_rates.csv"):
        shutil.copy(MINI / name, project / "product_data" / name)
    return publish_source_text(project)


def publish_source_text(project: Path) -> Path:
    """Set `untranslated = "source"` on every market of project/product_data/markets.toml: for test
    projects whose catalogue the shipped translations do not cover (mini, small, hostile), so their
    foreign markets carry the English text instead of leaving every item out (the default, "omit").
    Idempotent: a market that already says so is left as it is."""
    path = project / "product_data" / "markets.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(\[markets\.[A-Z]{2}\]\n)(?!untranslated = )", '\\1untranslated = "source"\n', text), encoding="utf-8")
    return project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the sample project: tmp/product_data, tmp/locales, tmp/output."""
    return copy_sample(tmp_path)


class Restorable:
    """A project folder saved as it is now (typically just built), to be put back before each test
    that starts from it: the same bytes at the same path. The path matters: the locales folder's
    absolute path is part of the incremental build key, so a copy elsewhere would not take over
    the outputs the way the original does."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.saved = project.with_name(project.name + ".saved")
        shutil.copytree(project, self.saved, symlinks=True)

    def restore(self) -> Path:
        shutil.rmtree(self.project)
        shutil.copytree(self.saved, self.project, symlinks=True)
        return self.project


class Built:
    """A built project and what its build returned."""

    def __init__(self, root: Path, result) -> None:
        from feedgen.channels import read_markets
        from feedgen.pages.campaigns import load_campaigns

        self.root = root
        self.out = root / "output"
        self.result = result
        self.config = read_markets(root / "product_data" / "markets.toml")
        self.campaigns = load_campaigns(root / "product_data" / "landing_pages.toml", self.config)

    def page(self, market: str, slug: str) -> Path:
        return self.out / "pages" / market.lower() / f"{slug}.html"


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The whole sample project (all markets and channels, landing pages) built on AS_OF, after a
    build on BEFORE_SALE recorded the prices the 30-day reference rule needs; shared by the tests
    that only read its output."""
    from .helpers import build_project

    root = copy_sample(tmp_path_factory.mktemp("sample"))
    build_project(root, as_of=BEFORE_SALE)
    return Built(root, build_project(root))


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@pytest.fixture(scope="session")
def small_built_once(tmp_path_factory: pytest.TempPathFactory) -> Restorable:
    from .publishing_helpers import build, small_project

    project = small_project(tmp_path_factory.mktemp("small") / "project")
    assert build(project).exit_code == 0
    return Restorable(project)


@pytest.fixture
def small_built(small_built_once: Restorable) -> Path:
    """publishing_helpers.small_project as `feedgen build` (CLI defaults, fixed build date) first
    published it: built once, and put back before every test that starts from it."""
    return small_built_once.restore()


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never call out: a connection to anything but loopback fails loudly."""
    import socket

    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in LOOPBACK:
            raise RuntimeError(f"network access in tests is not allowed (tried {address!r})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)



@pytest.fixture
def mini_project(project: Path) -> Path:
    """The sample project with a 7-SKU catalogue and round FX rates: small enough for golden files."""
    return use_mini(project)


def write_catalogue(path: Path, rows: list[dict[str, str]], base: Path = MINI / "catalogue.csv") -> Path:
    """Write rows (dicts overriding a template row from the mini catalogue) as a native catalogue CSV.

    A row that names no style_id is a product of its own (style `G-<sku>`): rows that share the
    template's style, colour and size would be duplicate variants, which every channel refuses.
    Written as a project's catalogue.csv (next to a markets.toml), its made-up texts have no
    translations: the project's markets then publish them in English (untranslated = "source")."""
    import csv

    with base.open(encoding="utf-8") as handle:
        template = next(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(template), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            own_style = {} if "style_id" in row or "sku" not in row else {"style_id": f"G-{row['sku']}"[:40]}
            writer.writerow({**template, **own_style, **row})
    if (path.parent / "markets.toml").exists() and path.name == "catalogue.csv":
        publish_source_text(path.parent.parent)
    return path
