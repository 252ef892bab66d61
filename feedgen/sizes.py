"""EU shoe sizes -> the size system a market shops in, from product_data/size_chart.csv."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from feedgen.csvfile import read_table
from feedgen.columns import map_distinct
from feedgen.errors import InputError

GROUPS = ("women", "men", "kids")
CHILD_AGE_GROUPS = ("newborn", "infant", "toddler", "kids")  # catalogue age groups sized on the kids' chart
SYSTEM_COLUMNS = {"EU": "eu", "UK": "uk", "US": "us"}


@dataclass(frozen=True)
class SizeChart:
    path: Path
    rows: dict[tuple[str, str], dict[str, str]]  # (group, eu size) -> {"eu": .., "uk": .., "us": ..}

    def charts(self, eu_sizes: pd.Series, groups: pd.Series) -> pd.Series:
        """Which chart each size is read from: 'women', 'men', 'kids', or '' when none has it.

        Unisex adult styles use the men's chart, and the women's below where the men's run ends.
        Amazon needs this to say whose scale a unisex shoe's size is in.
        """
        eu = map_distinct(eu_sizes, _normalise)
        known = {f"{group}|{size}" for group, size in self.rows}
        chart = pd.Series("", index=eu_sizes.index, dtype=object)
        for group in ("men", "women", "kids"):
            candidates = groups.eq(group) | (groups.eq("unisex") & (group != "kids"))
            found = (group + "|" + eu).isin(known)
            chart[candidates & found & chart.eq("")] = group
        return chart

    def convert(self, eu_sizes: pd.Series, groups: pd.Series, system: str) -> pd.Series:
        """Sizes in `system`; '' where the chart has no entry (the caller reports those)."""
        if system == "EU":
            return eu_sizes.copy()
        column = SYSTEM_COLUMNS[system]
        lookup = {f"{group}|{eu}": row[column] for (group, eu), row in self.rows.items()}
        keys = self.charts(eu_sizes, groups) + "|" + map_distinct(eu_sizes, _normalise)
        return keys.map(lookup).fillna("").astype(object)


def size_group(gender: pd.Series, age_group: pd.Series) -> pd.Series:
    """Which chart applies: kids for every child age group (newborn to kids), else women / men / unisex by gender."""
    group = gender.map({"female": "women", "male": "men", "unisex": "unisex"}).fillna("unisex")
    return group.where(~age_group.isin(CHILD_AGE_GROUPS), "kids")


def _normalise(size: str) -> str:
    text = size.strip().replace(",", ".")
    return text[:-2] if text.endswith(".0") else text


def load_size_chart(path: str | Path) -> SizeChart:
    path = Path(path)
    frame = read_table(path, {"group", "eu", "uk", "us"}, "the size chart CSV")
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for record in frame.to_dict("records"):
        number, group = record["source_row"], record["group"].lower()
        if group not in GROUPS:
            raise InputError(path, f"group {record['group']!r} is not one of {', '.join(GROUPS)}", row=number, column="group")
        values = {column: _normalise(record[column]) for column in ("eu", "uk", "us")}
        if not all(values.values()):
            raise InputError(path, "every size column needs a value", row=number)
        rows[(group, values["eu"])] = values
    return SizeChart(path=path, rows=rows)
