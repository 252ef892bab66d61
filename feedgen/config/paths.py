"""Which files a feedgen project is: the one place its default paths are worked out.

build, validate, the translation commands, `rules check` and `serve` all read the same project;
each used to compute "DATA/catalogue.csv unless --catalogue" and "locales/ next to DATA" itself,
and one that drifted would read a different catalogue than the build. They all ask this object.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectPaths:
    """The project's folders and the files the user named explicitly (None: the default)."""

    data_dir: Path = Path("product_data")
    catalogue: Path | None = None
    markets: Path | None = None
    mapping: Path | None = None  # the export mapping file (not babel.cfg)
    locales: Path | None = None
    out: Path = Path("output")

    def input(self, name: str) -> Path:
        """An input file by its default name in DATA (catalogue.csv, markets.toml, rules.toml …),
        or the file given instead of it."""
        explicit = {"catalogue.csv": self.catalogue, "markets.toml": self.markets, "mapping.toml": self.mapping}.get(name)
        return Path(explicit) if explicit else Path(self.data_dir) / name

    @property
    def locales_dir(self) -> Path:
        """The gettext catalogues: --locales, else locales/ next to DATA (it may not exist)."""
        return Path(self.locales) if self.locales is not None else Path(self.data_dir).parent / "locales"

    @property
    def mapping_file(self) -> Path | None:
        """The export mapping: the one given, else DATA/mapping.toml when it exists, else none."""
        path = self.input("mapping.toml")
        return path if self.mapping or path.exists() else None
