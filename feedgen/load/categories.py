"""product_type -> Google product category and Meta's product category, from product_data/categories.toml,
and what an item's Google category says about the rules it falls under.

    [default]                          # optional: items no prefix matches (without it they get no category)
    google = 187                       # Apparel & Accessories > Shoes (GMC 6324436; taxonomy-with-ids)
    meta = ""                          # fb_product_category: Meta taxonomy path or id (optional)

    [product_types]                    # product_type prefix = categories; the longest prefix wins
    "Shoes > Kids" = { google = 187 }
    "Socks" = { google = 209, meta = "…" }

Prefixes match whole " > " segments and ignore case. The mapping fills google_product_category
only where the catalogue left it empty (an explicit category always wins) and fills
fb_product_category for Meta. A product type that is itself a path of Google's taxonomy (Shopify's
"Product Category" column uses those names) gets that category. Anything else is left without one:
Google assigns a category itself (GMC 6324436), which is better than a wrong one, and a warning per
product type says where to map it.

The category decides which of Google's apparel rules apply (`category_kind`): colour, gender and age
group are required for Apparel & Accessories (166) only (GMC 6324487, 6324479, 6324463), size only
for Clothing (1604) and Shoes (187) (GMC 6324492), and feedgen converts sizes through the shoe
size chart only for Shoes. Google's taxonomy (version 2021-09-21, the current one) ships as
feedgen/data/google-taxonomy-with-ids.en-US.txt, from
https://www.google.com/basepages/producttype/taxonomy-with-ids.en-US.txt.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from feedgen.columns import map_distinct
from feedgen.diagnostics import Diagnostic
from feedgen.config.schema import Field, Place, Table, in_table, table, top
from feedgen.config.tomlfile import TomlFile, read_toml

APPAREL, CLOTHING, SHOES = "166", "1604", "187"  # Google taxonomy ids (SPECS.md §1.1)
TAXONOMY_FILE = Path(__file__).resolve().parents[1] / "data" / "google-taxonomy-with-ids.en-US.txt"
# Apparel & Accessories sub-categories for which gender and age group are optional (GMC 6324479, 6324463):
# pinback buttons, tie clips, wristbands, shoe covers, shoelaces, spurs, watch bands, keychains, wallet
# chains, lanyards, checkbook covers, badge holders, watch winders, watch stickers, handkerchiefs, fans.
GENDER_OPTIONAL = frozenset({"4179", "180", "1893", "5385", "1856", "2427", "5123", "175", "5841", "6277", "6460",
                             "6170", "6870", "7471", "5207", "5114"})
# What an item's Google category makes it, for the rules that depend on it: "shoes" and "clothing" need a
# size, every apparel kind colour, gender and age group; "accessory" the colour only; "" none of them.
KINDS = ("shoes", "clothing", "apparel", "accessory", "")


@dataclass(frozen=True)
class Taxonomy:
    """Google's product taxonomy: id -> path, and path (case-folded) -> id."""

    paths: dict[str, str]
    ids: dict[str, str]

    def resolve(self, value: str) -> str:
        """The id of a category given as an id or a full path; '' when it is neither."""
        value = value.strip()
        if value in self.paths:
            return value
        return self.ids.get(" > ".join(_segments(value)), "")

    def prefix_id(self, path: str) -> str:
        """The id of the longest leading part of `path` that is a Google category ('' if none)."""
        parts = _segments(path)
        for length in range(len(parts), 0, -1):
            found = self.ids.get(" > ".join(parts[:length]))
            if found:
                return found
        return ""

    def within(self, category_id: str, ancestor: str) -> bool:
        path, top = self.paths.get(category_id), self.paths.get(ancestor)
        return path is not None and top is not None and (path == top or path.startswith(top + " > "))


@lru_cache(maxsize=1)
def google_taxonomy() -> Taxonomy:
    paths: dict[str, str] = {}
    for line in TAXONOMY_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            number, _, path = line.partition(" - ")
            paths[number.strip()] = path.strip()
    return Taxonomy(paths=paths, ids={" > ".join(_segments(path)): number for number, path in paths.items()})


def category_kind(value: str) -> str:
    """Which of Google's category-dependent rules an item's google_product_category brings (see KINDS).

    A value that is not in the taxonomy (or empty: Google assigns one) brings none: feedgen cannot
    know, and requiring apparel attributes of a sofa is what gets a whole catalogue refused."""
    taxonomy = google_taxonomy()
    category = taxonomy.resolve(value) or taxonomy.prefix_id(value)
    if not taxonomy.within(category, APPAREL):
        return ""
    if taxonomy.within(category, SHOES):
        return "shoes"
    if taxonomy.within(category, CLOTHING):
        return "clothing"
    return "accessory" if category in GENDER_OPTIONAL else "apparel"


def kind_column(categories: pd.Series) -> pd.Series:
    return map_distinct(categories.astype(str), category_kind)


def known_category(value: str) -> bool:
    """Whether the value is an id or a full path of Google's taxonomy."""
    return bool(google_taxonomy().resolve(value))


@dataclass(frozen=True)
class Categories:
    path: Path | None = None
    default_google: str = ""  # only what categories.toml's [default] says: feedgen invents no category
    default_meta: str = ""
    prefixes: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalised prefix -> (google, meta)

    def lookup(self, product_type: str) -> tuple[str, str] | None:
        """(google, meta) of the longest matching prefix, or None."""
        parts = _segments(product_type)
        for length in range(len(parts), 0, -1):
            found = self.prefixes.get(" > ".join(parts[:length]))
            if found:
                return found
        return None


def _segments(path: str) -> list[str]:
    return [part.strip().casefold() for part in path.split(">") if part.strip()]


def _value(raw: Any, place: Place, key: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise place.fail(f"must be a category id or path, got {raw!r}", key)
    if isinstance(raw, int) and raw <= 0:
        raise place.fail(f"{raw} is not a category id", key)
    return str(raw).strip()


def _something(values: dict[str, Any], place: Place) -> None:
    if values["google"] is None and values["meta"] is None:
        raise place.fail("give google and/or meta")


ENTRY = Table((Field("google", _value, None), Field("meta", _value, None)), checks=(_something,),
              not_table="must be a table like { google = 187 }", unknown_sorted=True, unknown_named=False,
              build=lambda google, meta: (google or "", meta or ""))


def _default(toml: TomlFile) -> Place:
    """[default]: its problems at its header, a value's at the value's own line."""
    def line(key: str | None) -> int | None:
        return toml.line_of(header="[default]", key=key if key in ("google", "meta") else None)
    return Place(toml, "default", line)


def _product_types(raw: Any, place: Place, key: str) -> dict[str, tuple[str, str]]:
    """product_type prefix -> (google, meta); every message at the prefix's own line."""
    if not isinstance(raw, dict):
        raise place.fail("product_types must be a table [product_types]", key)
    prefixes: dict[str, tuple[str, str]] = {}
    for prefix, entry in raw.items():
        at = in_table(place.toml, f"product_types.{prefix!r}", "[product_types]", fixed_key=prefix)
        normalised = " > ".join(_segments(prefix))
        if not normalised:
            raise replace(at, where="product_types").fail("an empty product type prefix")
        if normalised in prefixes:
            raise at.fail("the same prefix twice (case and spacing are ignored)")
        prefixes[normalised] = ENTRY.read(entry, at)
    return prefixes


FILE = Table((Field("default", table(ENTRY), ("", "")), Field("product_types", _product_types, {})),
             unknown="unknown table [{key}] (allowed: [default], [product_types])", unknown_sorted=True)


def load_categories(path: str | Path) -> Categories:
    """categories.toml, checked; a missing file means: no mapping and no default."""
    path = Path(path)
    if not path.exists():
        return Categories()
    toml = read_toml(path, "categories.toml")
    values = FILE.read(toml.data, top(toml, nest=lambda key: _default(toml), tables=True))
    (google, meta), prefixes = values["default"], values["product_types"]
    return Categories(path=path, default_google=google, default_meta=meta, prefixes=prefixes)


def apply_categories(items: pd.DataFrame, categories: Categories) -> list[Diagnostic]:
    """Fill google_product_category (where empty) and fb_product_category in place; what could not be
    mapped, counted per value."""
    tally = CategoryTally()
    assign_categories(items, categories, tally)
    return category_diagnostics(tally, categories)


@dataclass
class CategoryTally:
    """How many items of each product_type got no Google category, and of each category Google does not
    know: counted over a catalogue read in chunks, then said once per value (category_diagnostics)."""

    unmapped: Counter = field(default_factory=Counter)
    unknown: Counter = field(default_factory=Counter)


def assign_categories(items: pd.DataFrame, categories: Categories, tally: CategoryTally) -> None:
    """Fill google_product_category (where empty) and fb_product_category in place, counting into `tally`.

    In order: the catalogue's own category; categories.toml's longest product_type prefix; a
    product_type that is a Google taxonomy path; categories.toml's [default]; else none."""
    taxonomy = google_taxonomy()
    distinct = {product_type: categories.lookup(product_type) for product_type in items["product_type"].unique()}
    found = items["product_type"].map(distinct)
    mapped = found.notna()
    google = found.map(lambda pair: pair[0] if isinstance(pair, tuple) else "")
    meta = found.map(lambda pair: pair[1] if isinstance(pair, tuple) else "")
    empty = items["google_product_category"].eq("")
    fill = empty & mapped & google.ne("")
    items.loc[fill, "google_product_category"] = google[fill]
    items["fb_product_category"] = meta.where(mapped, categories.default_meta)
    from_taxonomy = map_distinct(items["product_type"], taxonomy.prefix_id)
    by_path = empty & ~fill & from_taxonomy.ne("")
    items.loc[by_path, "google_product_category"] = from_taxonomy[by_path]
    unmapped = empty & ~fill & ~by_path
    items.loc[unmapped, "google_product_category"] = categories.default_google
    tally.unmapped.update(items.loc[unmapped, "product_type"].value_counts(sort=False).to_dict())
    unknown = items["google_product_category"].ne("") & ~map_distinct(items["google_product_category"], known_category)
    tally.unknown.update(items.loc[unknown, "google_product_category"].value_counts(sort=False).to_dict())


def category_diagnostics(tally: CategoryTally, categories: Categories) -> list[Diagnostic]:
    """One warning per product_type left without a Google category and per category Google does not know."""
    file = categories.path.name if categories.path else "categories.toml"
    diagnostics = []
    for product_type, count in sorted(tally.unmapped.items()):
        sent = (f"sent with the [default] google_product_category {categories.default_google}" if categories.default_google
                else "sent without google_product_category (Google assigns one, and feedgen applies no apparel rules)")
        diagnostics.append(Diagnostic(
            "category.unmapped", "warning",
            f"{count} item(s) with product_type {product_type or '(empty)'!r} have no Google category: {sent}; "
            f"fix: map the product type under [product_types] in {file}, e.g. {product_type or 'Shoes'!r} = {{ google = 187 }}",
            field="google_product_category",
        ))
    for value, count in sorted(tally.unknown.items()):
        diagnostics.append(Diagnostic(
            "category.unknown", "warning",
            f"{count} item(s) have google_product_category {value!r}, which is not in Google's product taxonomy "
            f"(version 2021-09-21): Google may reject it and feedgen applies no apparel rules; fix: use an id or path "
            f"from https://www.google.com/basepages/producttype/taxonomy-with-ids.en-US.txt (in the catalogue or {file})",
            field="google_product_category",
        ))
    return diagnostics
