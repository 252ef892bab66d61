"""Incremental builds: a (market, channel) whose inputs have not changed is not built again.

What a market's outputs depend on, and so what its key hashes:
- the whole build: every input file but markets.toml and the translations (catalogue, fx rates,
  size chart, prices, rules, categories, mapping, landing pages), the [project]
  settings and [pages] image template, which markets and channels this build selects, every market's locale and landing URL
  (a page links to the other markets' versions), the build date (sale windows), the
  options that change output (--on-removed, --require-reviewed, --catalogue-format), each
  channel's own `cache_key` (Amazon's seller id) and `inputs` (its files, hashed with the others), and feedgen itself (its version and a hash of its own files, so an upgrade or a
  local change rebuilds everything);
- the market: its parsed [markets.XX] table and the translation files of its language
  (locales/<locale>/ and locales/<language>/; anything else under locales/ counts for all).

The last published build leaves `.feedgen-state.json` in the output: per market its key and,
per part (its resolve step, each channel, its landing pages), the artifacts it wrote, its
diagnostics and the state the channel's `finish` needs. A part is reused when the key is the
same, its files are still the ones the manifest lists, and it is not a one-off: an Amazon feed
that withdrew SKUs is built again, because the next one must not send the withdrawals again.
When every part is reused, the catalogue is not even loaded: hashing the raw files decides.
Reused files are carried into the new build as hard links, with their manifest entries, so
diff, gate and report see exactly what a full rebuild would have written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from feedgen import __version__
from feedgen.channels.base import Artifact, Channel
from feedgen.diagnostics import Diagnostic
from feedgen.publish.manifest import STATE, Manifest
from feedgen.config.markets import Market, MarketConfig

FORMAT = 1
RESOLVE = "resolve"  # the part holding a market's resolve diagnostics
PACKAGE = Path(__file__).resolve().parents[1]  # the feedgen package


@dataclass
class Part:
    """One output of a market: its resolve step, a channel, or its landing pages."""

    artifacts: list[Artifact] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    state: Any = None  # what the channel's finish needs (export_state), JSON-ready
    reusable: bool = True  # False: the output depends on more than the inputs (Amazon withdrawals)

    def to_json(self) -> dict:
        return {"artifacts": [[a.channel, a.market, a.path, a.items, *([a.part_of] if a.part_of else [])]
                              for a in self.artifacts],
                "diagnostics": [list(asdict(d).values()) for d in self.diagnostics],
                "state": self.state, "reusable": self.reusable}

    @classmethod
    def from_json(cls, data: dict) -> Part:
        return cls(artifacts=[Artifact(*entry) for entry in data["artifacts"]],
                   diagnostics=[Diagnostic(*entry) for entry in data["diagnostics"]],
                   state=data["state"], reusable=data["reusable"])


@dataclass
class BuildState:
    """What the last published build remembers about itself, for the next one."""

    key: str = ""  # the whole build's key (see module docstring)
    catalogue: list[Diagnostic] = field(default_factory=list)  # the catalogue's own diagnostics
    markets: dict[str, tuple[str, dict[str, Part]]] = field(default_factory=dict)  # id -> (key, parts)

    def to_json(self) -> str:
        payload = {"format": FORMAT, "key": self.key,
                   "catalogue": [list(asdict(d).values()) for d in self.catalogue],
                   "markets": {market: {"key": key, "parts": {name: part.to_json() for name, part in parts.items()}}
                               for market, (key, parts) in sorted(self.markets.items())}}
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"

    @classmethod
    def read(cls, out_dir: Path) -> BuildState | None:
        """The state of the published build in `out_dir`, or None (none, unreadable, other format)."""
        try:
            data = json.loads((out_dir / STATE).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            return cls(key=data["key"], catalogue=[Diagnostic(*entry) for entry in data["catalogue"]],
                       markets={market: (entry["key"], {name: Part.from_json(part) for name, part in entry["parts"].items()})
                                for market, entry in data["markets"].items()})
        except (OSError, ValueError, KeyError, TypeError):
            return None


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of feedgen's own files: output can change with the code even if the version did not."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Keys:
    build: str
    markets: dict[str, str]


def build_keys(*, config: MarketConfig, markets: list[Market], inputs: dict[str, str], as_of: date,
               options: dict[str, Any], markets_file: str, channels: Mapping[str, type[Channel]]) -> Keys:
    """The build's key and each market's (which includes the build's). `inputs`: the manifest's
    input hashes (name -> sha256), `markets_file` the name of markets.toml among them (its content
    counts as parsed: [project] for all, each [markets.XX] for its market); `options`: what the
    request sets that can change output; `channels`: the build's channels, each adding its own
    `cache_key` (what it reads besides the offers, e.g. Amazon's seller id)."""
    languages = {folder: market.id for market in config.markets.values() for folder in (market.locale, market.language)}
    shared = {path: sha for path, sha in inputs.items() if not _locale_folder(path, languages) and path != markets_file}
    build = _digest({
        "feedgen": code_fingerprint(), "inputs": shared, "project": repr(config.project), "as_of": as_of.isoformat(),
        "images": repr(config.images),  # markets.toml [pages]: every page's image URLs
        "options": options,
        "channels": {name: channel.cache_key(config) for name, channel in sorted(channels.items())},
        "selection": [(market.id, market.channels) for market in markets],
        # every page links to the other markets' versions (hreflang, x-default): their URLs and locales
        "links": [(m.id, m.locale, m.country, m.landing_url) for m in sorted(config.markets.values(), key=lambda m: m.id)],
        # which languages have catalogues at all: a market without one names those that exist (i18n.catalogue.missing)
        "catalogue_folders": sorted({path.split("/")[1] for path in inputs if path.startswith("locales/")}),
    })
    keys = {}
    for market in markets:
        folders = {market.locale, market.language}
        own = {path: sha for path, sha in inputs.items() if _locale_folder(path, languages) in folders}
        keys[market.id] = _digest({"build": build, "market": repr(market), "translations": own})
    return Keys(build, keys)


def _locale_folder(path: str, languages: dict[str, str]) -> str | None:
    """`locales/nb/LC_MESSAGES/products.po` -> `nb` when some market reads that folder."""
    parts = path.split("/")
    if len(parts) > 2 and parts[0] == "locales" and parts[1] in languages:
        return parts[1]
    return None


def reusable_parts(state: BuildState | None, keys: Keys, plan: dict[str, list[str]], pages: bool,
                   previous: Manifest | None, out_dir: Path) -> dict[str, dict[str, Part]]:
    """market -> {part name: stored part} for every part this build may take over unchanged."""
    if state is None or previous is None:
        return {}
    reuse: dict[str, dict[str, Part]] = {}
    for market_id, wanted in plan.items():
        stored = state.markets.get(market_id)
        if stored is None or stored[0] != keys.markets[market_id]:
            continue
        names = [RESOLVE, *wanted, *(["pages"] if pages else [])]
        parts = {name: stored[1][name] for name in names
                 if name in stored[1] and stored[1][name].reusable and _still_there(stored[1][name], previous, out_dir)}
        if parts:
            reuse[market_id] = parts
    return reuse


def _still_there(part: Part, previous: Manifest, out_dir: Path) -> bool:
    """Every file of the part is in the published manifest and on disk with the listed size."""
    for artifact in part.artifacts:
        entry = previous.files.get(artifact.path)
        if entry is None or entry.items != artifact.items:
            return False
        try:
            if (out_dir / artifact.path).stat().st_size != entry.bytes:
                return False
        except OSError:
            return False
    return True
