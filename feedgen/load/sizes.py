"""EU shoe sizes -> the size system a market shops in, from product_data/size_chart.csv.

Only shoes are converted (the caller says which items are shoes, from their Google category); a
unisex adult shoe carries its men's and its women's size where the two differ."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from feedgen.load.csvfile import read_table
from feedgen.columns import map_distinct
from feedgen.errors import InputError

GROUPS = ("women", "men", "kids")
CHILD_AGE_GROUPS = ("newborn", "infant", "toddler", "kids")  # catalogue age groups sized on the kids' chart
SYSTEM_COLUMNS = {"EU": "eu", "UK": "uk", "US": "us"}


# A unisex adult shoe in a system where men's and women's sizes differ (US, and UK in places) carries both,
# so two EU sizes can never show the same size: EU 38 is "M 6 / W 7.5" in the US, EU 36 (below the men's
# run) "W 6". Where both charts agree (UK 5 for EU 38) the one number is the size. Google's size is free
# text (GMC 6324492, 1-100 characters); Amazon gets both values as footwear_size entries (SPECS.md §3.3).
UNISEX_BOTH = "M {men} / W {women}"
UNISEX_ONE = {"men": "M {size}", "women": "W {size}"}
SIZE_COLUMNS = ("size", "size_system", "size_chart", "size_men", "size_women")


@dataclass(frozen=True)
class SizeChart:
    path: Path
    rows: dict[tuple[str, str], dict[str, str]]  # (group, eu size) -> {"eu": .., "uk": .., "us": ..}

    def lookup(self, group: str, eu_sizes: pd.Series, system: str) -> pd.Series:
        """Each EU size on `group`'s chart in `system`; '' where the chart has no entry."""
        column = SYSTEM_COLUMNS[system]
        table = {eu: row[column] for (chart, eu), row in self.rows.items() if chart == group}
        return map_distinct(eu_sizes, lambda size: table.get(_normalise(size), ""))

    def market_sizes(self, eu_sizes: pd.Series, gender: pd.Series, age_group: pd.Series, system: str,
                     shoes: pd.Series | None = None) -> pd.DataFrame:
        """The SIZE_COLUMNS of one market's offers.

        `shoes` marks the items whose size is an EU shoe size (their Google category is Shoes): only
        those are converted and get a size_system; any other size ("Large", "50 x 70 cm") passes
        through as written, without a system it would not mean. `size_chart` says whose scale the
        size is on (women / men / kids, or unisex when both adult charts have it); `size_men` and
        `size_women` hold a unisex adult size on each scale (Amazon lists both)."""
        shoes = pd.Series(True, index=eu_sizes.index) if shoes is None else shoes.astype(bool)
        groups = size_group(gender, age_group)
        out = pd.DataFrame({"size": eu_sizes.astype(object), "size_system": "", "size_chart": "", "size_men": "",
                            "size_women": ""}, index=eu_sizes.index).astype(object)
        out.loc[shoes, "size_system"] = system
        for group in GROUPS:
            rows = shoes & groups.eq(group)
            if not rows.any():
                continue
            found = self.lookup(group, eu_sizes[rows], system)
            out.loc[rows, "size_chart"] = found.ne("").map({True: group, False: ""})
            if system != "EU":  # an EU size is the catalogue's own (an EU market needs no chart)
                out.loc[rows, "size"] = found
        unisex = shoes & groups.eq("unisex")
        if unisex.any():
            men = self.lookup("men", eu_sizes[unisex], system)
            women = self.lookup("women", eu_sizes[unisex], system)
            out.loc[unisex, "size_men"], out.loc[unisex, "size_women"] = men, women
            out.loc[unisex, "size_chart"] = [
                "unisex" if m and w else "men" if m else "women" if w else "" for m, w in zip(men, women)]
            if system != "EU":
                labels = [m if m == w else UNISEX_BOTH.format(men=m, women=w) if m and w
                          else UNISEX_ONE["men"].format(size=m) if m else UNISEX_ONE["women"].format(size=w) if w else ""
                          for m, w in zip(men, women)]
                out.loc[unisex, "size"] = labels
        return out


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
