"""EU sizes -> the market's size system, by women / men / kids (and unisex)."""

from __future__ import annotations

import pandas as pd
import pytest

from feedgen.errors import InputError
from feedgen.sizes import load_size_chart, size_group

from .conftest import SAMPLE_DATA


@pytest.fixture(scope="module")
def chart():
    return load_size_chart(SAMPLE_DATA / "size_chart.csv")


@pytest.mark.parametrize(
    "gender, age, eu, system, expected",
    [
        ("female", "adult", "38", "UK", "5"),
        ("female", "adult", "38", "US", "7.5"),
        ("male", "adult", "42", "UK", "8"),
        ("male", "adult", "42", "US", "9"),
        ("unisex", "kids", "28", "UK", "10"),
        ("unisex", "kids", "33", "US", "1.5"),
        ("unisex", "adult", "42", "US", "9"),   # unisex adults use the men's chart …
        ("unisex", "adult", "36", "UK", "3.5"),  # … and the women's below where the men's run ends
        ("female", "adult", "38", "EU", "38"),
    ],
)
def test_conversion(chart, gender, age, eu, system, expected) -> None:
    groups = size_group(pd.Series([gender]), pd.Series([age]))
    assert chart.convert(pd.Series([eu]), groups, system).iloc[0] == expected


def test_unknown_size_is_empty_for_the_caller_to_report(chart) -> None:
    groups = size_group(pd.Series(["male"]), pd.Series(["adult"]))
    assert chart.convert(pd.Series(["60"]), groups, "US").iloc[0] == ""


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
    groups = size_group(pd.Series(["female"]), pd.Series(["adult"]))
    assert chart.convert(pd.Series(["38"]), groups, "US").tolist() == ["7.5"]
    path.write_text("group;eu;uk;us\nwomen;38;5;7.5\nwomen;39;;8\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 3: every size column needs a value"):
        load_size_chart(path)


def test_charts_name_the_scale_each_size_is_read_from(chart) -> None:
    # Amazon's footwear_size needs the shoe-size gender of a unisex adult size (SPECS.md §3.3)
    groups = size_group(pd.Series(["female", "male", "unisex", "unisex", "unisex", "male"]),
                        pd.Series(["adult", "adult", "adult", "adult", "kids", "adult"]))
    charts = chart.charts(pd.Series(["38", "42", "42", "36", "28", "60"]), groups)
    assert charts.tolist() == ["women", "men", "men", "women", "kids", ""]


@pytest.mark.parametrize("age", ["newborn", "infant", "toddler", "kids"])
def test_every_child_age_group_uses_the_kids_chart(chart, age) -> None:
    # Review finding #4: toddler/infant/newborn were looked up on the adult charts (size.unmapped in GB/US).
    groups = size_group(pd.Series(["female", "male", "unisex"]), pd.Series([age] * 3))
    assert groups.tolist() == ["kids"] * 3
    assert chart.convert(pd.Series(["27"] * 3), groups, "US").tolist() == ["10"] * 3
