"""A catalogue read in chunks (stream_catalogue, issue #19) is the catalogue read whole (load_catalogue).

The build streams a native CSV into its slices' files so that no process holds a million rows; these
tests hold the two readers to the same rows (values, types, positions), the same diagnostics and the
same one-line InputError for an unusable file, whatever the chunk size, on a catalogue with a problem
of every kind load_catalogue knows.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedgen.diagnostics import Diagnostics
from feedgen.errors import InputError
from feedgen.load.catalogue import (Catalogue, SeenSkus, _check_duplicate_hashes, _check_duplicates, load_catalogue,
                                    stream_catalogue)

from .conftest import MINI, write_catalogue

HOSTILE = [  # one row per problem load_catalogue diagnoses, spread so that chunks of 1 to 7 rows cut between them
    {"sku": "A-1", "style_id": "A"},
    {"sku": "", "style_id": "A"},  # catalogue.sku.missing
    {"sku": "A-2", "style_id": "A", "title": "Boot\x07 with a bell"},  # control character
    {"sku": "B-1", "style_id": "B", "price": "12,345"},  # ambiguous
    {"sku": "B-2", "style_id": "B", "price": "abc", "sale_price": "-3"},
    {"sku": "=C-1", "style_id": "@C", "description": "<p>Warm &amp; <b>dry</b></p>"},  # formula-like, markup
    {"sku": "C-2", "style_id": "@C", "gtin": "1234567890123", "image_link": "ftp://x/y.jpg"},
    {"sku": "D-1", "style_id": "D", "gender": "Robot", "age_group": "ADULT", "stock": "-4"},
    {"sku": "D-2", "style_id": "D", "rating": "9", "review_count": "x", "weight_g": "1e400"},
    {"sku": "E-1", "style_id": "E", "sale_price": "99", "sale_start": "2026-13-01", "sale_end": "2026-01-01"},
    {"sku": "E-2", "style_id": "E", "additional_image_links": "https://a.example/1.jpg|javascript:alert(1)"},
    {"sku": "", "style_id": "F"},
    {"sku": "F-1", "style_id": "", "title": "", "brand": ""},
    {"sku": "G-1", "style_id": "G", "handle": ""},
]


def chunks_of(catalogue: Catalogue) -> pd.DataFrame:
    return pd.concat(list(catalogue.read_chunks()))


def assert_same(path: Path, tmp_path: Path, rows: int) -> Catalogue:
    whole = load_catalogue(path)
    folder = tmp_path / f"chunks-{rows}"
    folder.mkdir()
    streamed = stream_catalogue(path, directory=folder, rows=rows)
    assert streamed is not None
    read = len(whole.items) + sum(d.rule_id == "catalogue.sku.missing" for d in whole.diagnostics)
    assert len(streamed.chunks) == -(-read // rows)  # ceil: every chunk but the last has `rows` rows
    items = chunks_of(streamed)
    assert list(items.index) == list(range(len(whole.items)))  # positions in the catalogue, as load_catalogue's
    pd.testing.assert_frame_equal(items.reset_index(drop=True), whole.items)
    assert list(Diagnostics(streamed.diagnostics)) == list(Diagnostics(whole.diagnostics))  # report order: the same
    assert len(streamed.diagnostics) == len(whole.diagnostics)
    keys = streamed.keys()
    pd.testing.assert_frame_equal(keys, whole.keys())
    styles = keys["style_id"].tolist()  # one object per distinct style id, however many SKUs and chunks share it
    assert len({id(style) for style in styles}) == len(set(styles))
    assert streamed.items.empty and list(streamed.items.columns) == list(whole.items.columns)
    return streamed


@pytest.mark.parametrize("rows", [1, 2, 3, 7, 1000])
def test_every_chunk_size_gives_the_rows_and_diagnostics_of_the_whole_file(tmp_path: Path, rows: int) -> None:
    path = write_catalogue(tmp_path / "catalogue.csv", HOSTILE)
    streamed = assert_same(path, tmp_path, rows)
    rules = {d.rule_id for d in streamed.diagnostics}
    assert {"catalogue.sku.missing", "catalogue.title.control_characters", "catalogue.price.ambiguous",
            "catalogue.sku.formula_like", "catalogue.gtin.invalid", "catalogue.gender.invalid",
            "catalogue.stock.invalid", "catalogue.sale_start.invalid", "catalogue.additional_image_links.invalid",
            "catalogue.style_id.missing"} <= rules


def test_the_mini_catalogue_with_a_bom_and_semicolons_streams_the_same(tmp_path: Path) -> None:
    """Excel's Nordic export: semicolons (the Python parser) and a byte-order mark."""
    frame = pd.read_csv(MINI / "catalogue.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "catalogue.csv"
    path.write_bytes(b"\xef\xbb\xbf" + frame.to_csv(index=False, sep=";").encode("utf-8"))
    assert_same(path, tmp_path, 5)


def test_chunks_are_pickled_and_only_keys_stay_in_memory(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path / "catalogue.csv", HOSTILE)
    streamed = stream_catalogue(path, directory=tmp_path, rows=4)
    assert streamed is not None
    assert [p.name for p in streamed.chunks] == [f"chunk-{n:05d}.pickle" for n in range(4)]
    assert all(isinstance(pickle.loads(p.read_bytes()), pd.DataFrame) for p in streamed.chunks)
    assert len(streamed.packed_keys) == 4 and all(isinstance(text, str) for chunk in streamed.packed_keys for text in chunk[:2])


def error_of(call) -> str:
    with pytest.raises(InputError) as caught:
        call()
    return caught.value.one_line()


@pytest.mark.parametrize("rows", [1, 2, 50])
def test_a_duplicate_sku_in_a_later_chunk_is_the_same_one_line_error(tmp_path: Path, rows: int) -> None:
    path = write_catalogue(tmp_path / "catalogue.csv", [*HOSTILE, {"sku": "A-2", "style_id": "A"}])
    whole = error_of(lambda: load_catalogue(path))
    assert "row 16, column sku: duplicate sku 'A-2' (first seen on row 4)" in whole
    assert error_of(lambda: stream_catalogue(path, directory=tmp_path, rows=rows)) == whole


def test_a_malformed_line_deep_in_the_file_names_its_line(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path / "catalogue.csv", HOSTILE)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[12] = lines[12].rstrip("\n") + ",one,too,many\n"
    path.write_text("".join(lines), encoding="utf-8")
    whole = error_of(lambda: load_catalogue(path))
    assert "row 13" in whole and "malformed CSV" in whole
    assert error_of(lambda: stream_catalogue(path, directory=tmp_path, rows=3)) == whole


@pytest.mark.parametrize("case", ["header only", "missing column", "not utf-8", "empty"])
def test_an_unusable_file_is_the_same_error_streamed(tmp_path: Path, case: str) -> None:
    header = (MINI / "catalogue.csv").read_text(encoding="utf-8").splitlines()[0]
    content = {"header only": (header + "\n").encode(), "missing column": b"sku,title\nA-1,Boot\n",
               "not utf-8": (header + "\n").encode() + b"A-1,\xff\n", "empty": b""}[case]
    path = tmp_path / "catalogue.csv"
    path.write_bytes(content)
    assert error_of(lambda: stream_catalogue(path, directory=tmp_path, rows=2)) == error_of(lambda: load_catalogue(path))


def test_what_cannot_stream_is_left_to_load_catalogue(tmp_path: Path) -> None:
    """An export (its importer works on whole products), a NUL byte (the whole-text path), a workbook, a
    missing file, and prices declared as a market's shelf prices (rebased on the whole frame) are read whole."""
    exports = MINI.parent / "exports"
    assert stream_catalogue(exports / "shopify-jewellery.csv", directory=tmp_path, rows=5) is None
    assert stream_catalogue(MINI / "catalogue.csv", "shopify", directory=tmp_path, rows=5) is None
    nul = write_catalogue(tmp_path / "nul.csv", [{"sku": "A-1", "title": "Boot\x00"}])
    assert stream_catalogue(nul, directory=tmp_path, rows=5) is None
    assert stream_catalogue(tmp_path / "catalogue.xlsx", directory=tmp_path, rows=5) is None
    assert stream_catalogue(tmp_path / "missing.csv", directory=tmp_path, rows=5) is None
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[import]\ncurrency = "SEK"\n', encoding="utf-8")
    assert stream_catalogue(MINI / "catalogue.csv", mapping=mapping, directory=tmp_path, rows=5) is None
    assert list(tmp_path.glob("chunk-*")) == []


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["A", "B", "C", "DD", "EE", "FFF"]), max_size=12), st.integers(1, 5))
def test_the_hashed_duplicate_check_is_the_whole_one_even_when_hashes_collide(skus: list[str], size: int) -> None:
    """_check_duplicate_hashes against _check_duplicates on every SKU at once, with a hash that collides on purpose
    (the length of the SKU): the same error (SKU, row, first row) or none, whatever the chunks."""
    path = Path("catalogue.csv")
    rows = [row * 3 + 2 for row in range(len(skus))]  # source rows need not be consecutive
    chunks = [SeenSkus("\0".join(skus[start:start + size]), np.array(rows[start:start + size]),
                       np.array([len(sku) for sku in skus[start:start + size]], dtype=np.uint64))
              for start in range(0, len(skus), size)]

    def outcome(check) -> str | None:
        try:
            check()
        except InputError as error:
            return str(error)
        return None
    whole = outcome(lambda: _check_duplicates(path, pd.Series(skus, dtype=object), pd.Series(rows)))
    assert outcome(lambda: _check_duplicate_hashes(path, chunks)) == whole
    assert (whole is None) == (len(set(skus)) == len(skus))
