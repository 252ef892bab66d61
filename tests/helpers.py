"""Small helpers the tests share: run a build of a project folder, parse a Google feed."""

from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from feedgen.pipeline.build import BuildRequest, BuildResult, run

from .conftest import AS_OF

G = "{http://base.google.com/ns/1.0}"


def build_project(project: Path, **options) -> BuildResult:
    options.setdefault("as_of", AS_OF)
    request = BuildRequest(data_dir=project / "product_data", out=project / "output", **options)
    return run(request)


def google_items(path: Path) -> dict[str, dict[str, list[str]]]:
    """sku -> {attribute: [values]} (repeated attributes keep every value)."""
    tree = etree.parse(str(path))
    items = {}
    for item in tree.iter("item"):
        fields: dict[str, list[str]] = {}
        for child in item:
            name = etree.QName(child).localname
            fields.setdefault(name, []).append(child.text if len(child) == 0 else {etree.QName(c).localname: c.text for c in child})
        items[fields["id"][0]] = fields
    return items


def assert_golden(actual: Path, golden: Path) -> None:
    """Compare bytes with a golden file; FEEDGEN_UPDATE_GOLDEN=1 rewrites it (review the diff!)."""
    data = actual.read_bytes()
    if os.environ.get("FEEDGEN_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(data)
    assert golden.exists(), f"no golden file {golden}; run with FEEDGEN_UPDATE_GOLDEN=1"
    assert data == golden.read_bytes(), f"{actual} differs from {golden}"
