"""product_type -> Google product category and Meta's product category, from product_data/categories.toml.

    [default]                          # items no prefix matches
    google = 187                       # Apparel & Accessories > Shoes (GMC 6324436; taxonomy-with-ids)
    meta = ""                          # fb_product_category: Meta taxonomy path or id (optional)

    [product_types]                    # product_type prefix = categories; the longest prefix wins
    "Shoes > Kids" = { google = 187 }
    "Socks" = { google = 209, meta = "…" }

Prefixes match whole " > " segments and ignore case. The mapping fills google_product_category
only where the catalogue left it empty (an explicit category always wins) and fills
fb_product_category for Meta. Items nothing maps get the default and one warning per product type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from feedgen.diagnostics import Diagnostic
from feedgen.tomlfile import TomlFile, read_toml

SHOES = "187"  # Google's "Apparel & Accessories > Shoes": the sensible default for a shoe catalogue


@dataclass(frozen=True)
class Categories:
    path: Path | None = None
    default_google: str = SHOES
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


def _value(toml: TomlFile, raw, where: str, **at) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise toml.fail(f"{where}: must be a category id or path, got {raw!r}", **at)
    if isinstance(raw, int) and raw <= 0:
        raise toml.fail(f"{where}: {raw} is not a category id", **at)
    return str(raw).strip()


def _entry(toml: TomlFile, raw, where: str, **at) -> tuple[str, str]:
    if not isinstance(raw, dict):
        raise toml.fail(f"{where}: must be a table like {{ google = 187 }}", **at)
    unknown = sorted(set(raw) - {"google", "meta"})
    if unknown:
        raise toml.fail(f"{where}: unknown key {unknown[0]!r} (allowed: google, meta)", **at)
    if not raw:
        raise toml.fail(f"{where}: give google and/or meta", **at)
    google, meta = ({**at, "key": at.get("key", name)} for name in ("google", "meta"))  # [default]: the key's own line
    return (_value(toml, raw["google"], f"{where}.google", **google) if "google" in raw else "",
            _value(toml, raw["meta"], f"{where}.meta", **meta) if "meta" in raw else "")


def load_categories(path: str | Path) -> Categories:
    """categories.toml, checked; a missing file means: only the built-in default (Shoes)."""
    path = Path(path)
    if not path.exists():
        return Categories()
    toml = read_toml(path, "categories.toml")
    unknown = sorted(set(toml.data) - {"default", "product_types"})
    if unknown:
        raise toml.fail(f"unknown table [{unknown[0]}] (allowed: [default], [product_types])", header=f"[{unknown[0]}]")
    google, meta = SHOES, ""
    if "default" in toml.data:
        google, meta = _entry(toml, toml.data["default"], "default", header="[default]")
        google = google or SHOES
    raw = toml.data.get("product_types", {})
    if not isinstance(raw, dict):
        raise toml.fail("product_types must be a table [product_types]", key="product_types")
    prefixes: dict[str, tuple[str, str]] = {}
    for prefix, entry in raw.items():
        at = {"header": "[product_types]", "key": prefix}
        key = " > ".join(_segments(prefix))
        if not key:
            raise toml.fail("product_types: an empty product type prefix", **at)
        if key in prefixes:
            raise toml.fail(f"product_types.{prefix!r}: the same prefix twice (case and spacing are ignored)", **at)
        prefixes[key] = _entry(toml, entry, f"product_types.{prefix!r}", **at)
    return Categories(path=path, default_google=google, default_meta=meta, prefixes=prefixes)


def apply_categories(items: pd.DataFrame, categories: Categories) -> list[Diagnostic]:
    """Fill google_product_category (where empty) and fb_product_category in place."""
    distinct = {product_type: categories.lookup(product_type) for product_type in items["product_type"].unique()}
    found = items["product_type"].map(distinct)
    mapped = found.notna()
    google = found.map(lambda pair: pair[0] if isinstance(pair, tuple) else "")
    meta = found.map(lambda pair: pair[1] if isinstance(pair, tuple) else "")
    empty = items["google_product_category"].eq("")
    fill = empty & mapped & google.ne("")
    items.loc[fill, "google_product_category"] = google[fill]
    items["fb_product_category"] = meta.where(mapped, categories.default_meta)
    unmapped = empty & ~fill
    items.loc[unmapped, "google_product_category"] = categories.default_google
    diagnostics = []
    for product_type, count in items.loc[unmapped, "product_type"].value_counts(sort=False).sort_index().items():
        where = f" in {categories.path.name}" if categories.path else " (no categories.toml)"
        diagnostics.append(Diagnostic(
            "category.unmapped", "warning",
            f"{count} item(s) with product_type {product_type or '(empty)'!r} have no category mapping{where}: "
            f"sent with google_product_category {categories.default_google}",
            field="google_product_category",
        ))
    return diagnostics
