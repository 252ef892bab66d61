"""EU sizes -> the market's size system, by women / men / kids (and unisex)."""

from __future__ import annotations

import pandas as pd
import pytest

from feedgen.errors import InputError
from feedgen.load.sizes import load_size_chart, size_group

from .conftest import SAMPLE_DATA


@pytest.fixture(scope="module")
def chart():
    return load_size_chart(SAMPLE_DATA / "size_chart.csv")


def sizes(chart, gender, age, eu, system, shoes=True):
    n = len(eu)
    return chart.market_sizes(pd.Series(eu, dtype=object), pd.Series([gender] * n), pd.Series([age] * n), system,
                              pd.Series([shoes] * n))


@pytest.mark.parametrize(
    "gender, age, eu, system, expected",
    [
        ("female", "adult", "38", "UK", "5"),
        ("female", "adult", "38", "US", "7.5"),
        ("male", "adult", "42", "UK", "8"),
        ("male", "adult", "42", "US", "9"),
        ("unisex", "kids", "28", "UK", "10"),
        ("unisex", "kids", "33", "US", "1.5"),
        ("unisex", "adult", "42", "US", "M 9 / W 10.5"),  # a unisex adult shoe carries both sizes …
        ("unisex", "adult", "42", "UK", "8"),             # … one where the charts agree
        ("unisex", "adult", "36", "UK", "W 3.5"),         # … and the one chart that has it, named
        ("female", "adult", "38", "EU", "38"),
    ],
)
def test_conversion(chart, gender, age, eu, system, expected) -> None:
    assert sizes(chart, gender, age, [eu], system)["size"].iloc[0] == expected


def test_unisex_sizes_never_collide(chart) -> None:
    """Issue #14, defect 1: unisex EU 36 (women's chart) and EU 38 (men's chart) both became US "6", so
    13 variant groups had two variants with the same colour and size."""
    run = [str(size) for size in range(35, 49)]
    for system in ("US", "UK", "EU"):
        shown = sizes(chart, "unisex", "adult", run, system)["size"]
        assert shown.is_unique, (system, shown.tolist())
    us = sizes(chart, "unisex", "adult", ["36", "38"], "US")
    assert us["size"].tolist() == ["W 6", "M 6 / W 7.5"]
    assert us[["size_men", "size_women"]].values.tolist() == [["", "6"], ["6", "7.5"]]
    assert us["size_chart"].tolist() == ["women", "unisex"]


def test_unknown_size_is_empty_for_the_caller_to_report(chart) -> None:
    assert sizes(chart, "male", "adult", ["60"], "US")["size"].iloc[0] == ""
    assert sizes(chart, "unisex", "adult", ["60"], "US")["size"].iloc[0] == ""


def test_only_shoes_are_converted(chart) -> None:
    """Issue #14, defect 2: "Large" was pushed through the EU->US shoe chart and failed. A size of an item
    that is not a shoe passes through as written, without a size_system (it would mean nothing)."""
    out = sizes(chart, "female", "adult", ["Large", "38"], "US", shoes=False)
    assert out["size"].tolist() == ["Large", "38"] and out["size_system"].tolist() == ["", ""]
    assert sizes(chart, "female", "adult", ["38"], "US")["size_system"].tolist() == ["US"]


def test_bad_chart(tmp_path) -> None:
    path = tmp_path / "sizes.csv"
    path.write_text("group,eu,uk,us\nteens,38,5,7\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2, column group"):
        load_size_chart(path)


def test_a_semicolon_chart_with_decimal_commas_reads_like_the_catalogue(tmp_path) -> None:
    # Review #20: one CSV reader (dialect, BOM, row numbers) for every table input.
    path = tmp_path / "sizes.csv"
    path.write_bytes("\ufeffGroup;EU;UK;US\r\nwomen;38;5;7,5\r\nkids;28;10;11\r\n".encode("utf-8"))
    chart = load_size_chart(path)
    assert sizes(chart, "female", "adult", ["38"], "US")["size"].tolist() == ["7.5"]
    path.write_text("group;eu;uk;us\nwomen;38;5;7.5\nwomen;39;;8\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 3: every size column needs a value"):
        load_size_chart(path)


def test_charts_name_the_scale_each_size_is_read_from(chart) -> None:
    # Amazon's footwear_size needs the shoe-size gender of an adult size (SPECS.md §3.3)
    out = chart.market_sizes(pd.Series(["38", "42", "42", "36", "28", "60"]),
                             pd.Series(["female", "male", "unisex", "unisex", "unisex", "male"]),
                             pd.Series(["adult", "adult", "adult", "adult", "kids", "adult"]), "US")
    assert out["size_chart"].tolist() == ["women", "men", "unisex", "women", "kids", ""]


@pytest.mark.parametrize("age", ["newborn", "infant", "toddler", "kids"])
def test_every_child_age_group_uses_the_kids_chart(chart, age) -> None:
    # Review finding #4: toddler/infant/newborn were looked up on the adult charts (size.unmapped in GB/US).
    groups = size_group(pd.Series(["female", "male", "unisex"]), pd.Series([age] * 3))
    assert groups.tolist() == ["kids"] * 3
    for gender in ("female", "male", "unisex"):
        assert sizes(chart, gender, age, ["27"], "US")["size"].tolist() == ["10"]
