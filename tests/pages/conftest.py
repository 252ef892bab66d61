"""One build of the whole sample project, shared by the page tests (building takes a few seconds)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from feedgen.build import BuildResult
from feedgen.markets import load_markets
from feedgen.pages.campaigns import load_campaigns

from ..conftest import SAMPLE_DATA, SAMPLE_LOCALES
from ..helpers import build_project


class Built:
    def __init__(self, root: Path, result: BuildResult) -> None:
        self.root = root
        self.out = root / "output"
        self.result = result
        self.config = load_markets(root / "product_data" / "markets.toml")
        self.campaigns = load_campaigns(root / "product_data" / "landing_pages.toml", self.config)

    def page(self, market: str, slug: str) -> Path:
        return self.out / "pages" / market.lower() / f"{slug}.html"


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE_DATA, root / "product_data")
    shutil.copytree(SAMPLE_LOCALES, root / "locales")
    return Built(root, build_project(root))
