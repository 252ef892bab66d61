"""Shop exports -> the native catalogue frame, before the catalogue's own validation runs.

Each importer returns a DataFrame of strings with the native columns (catalogue_columns.REQUIRED_COLUMNS
+ OPTIONAL_COLUMNS) plus `source_row`, and records what it had to guess or skip as `import.*`
diagnostics. catalogue.load_catalogue then checks the frame exactly as it checks a hand-made
catalogue.csv, so an import can never smuggle in a value a native file could not have.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from feedgen.diagnostics import Diagnostic
from feedgen.errors import InputError
from feedgen.load.importers.common import ImportLog, finish
from feedgen.load.importers.detect import detect_format
from feedgen.load.importers.mapped import import_mapped
from feedgen.load.importers.settings import ImportSettings, load_settings
from feedgen.load.importers.shopify import import_shopify
from feedgen.load.importers.woocommerce import import_woocommerce

FORMATS = ("auto", "native", "shopify", "woocommerce", "mapped")
Importer = Callable[[Path, pd.DataFrame, ImportSettings, ImportLog], pd.DataFrame]
IMPORTERS: dict[str, Importer] = {
    "shopify": import_shopify,
    "woocommerce": import_woocommerce,
    "mapped": import_mapped,
}


def import_frame(
    path: Path, raw: pd.DataFrame, fmt: str, settings: ImportSettings, defaults: dict[str, str],
) -> tuple[pd.DataFrame, list[Diagnostic], str]:
    """(frame, diagnostics, format). A native file comes back untouched, without `source_row`."""
    if fmt not in FORMATS:
        raise InputError("--catalogue-format", f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if fmt == "auto":
        fmt = detect_format(raw.columns, has_column_mapping=bool(settings.columns))
    if fmt == "native":
        return raw, [], fmt
    if raw.empty:  # a header-only export: the importers' string operations need at least one row
        raise InputError(path, f"read as a {fmt} export, but it has no rows below the header", row=2)
    log = ImportLog(fmt, defaults={**defaults, **settings.defaults},
                    mapping=str(settings.path) if settings.path else "mapping.toml (--mapping)")
    frame = IMPORTERS[fmt](path, raw, settings, log)
    frame = finish(frame, log.defaults, log)
    if frame.empty:
        raise InputError(path, f"read as a {fmt} export, but it has no products to import", row=2)
    return frame, log.diagnostics, fmt


__all__ = ["FORMATS", "ImportSettings", "detect_format", "import_frame", "load_settings"]
