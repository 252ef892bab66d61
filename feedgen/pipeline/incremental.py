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
import os
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Mapping

from feedgen import __version__
from feedgen.channels.base import Artifact, Channel
from feedgen.diagnostics import Diagnostic
from feedgen.packs import SkuPack
from feedgen.publish.manifest import STATE, Manifest
from feedgen.config.markets import Market, MarketConfig

FORMAT = 2  # 2: SKU lists as packs after the first line (feedgen.packs); 1 had them inline
_SKUS_OPEN, _SKUS_CLOSE = b',"skus":[\n', b"]}\n"  # around the packs, at the end of a state file
RESOLVE = "resolve"  # the part holding a market's resolve diagnostics
PACKAGE = Path(__file__).resolve().parents[1]  # the feedgen package


@dataclass
class Part:
    """One output of a market: its resolve step, a channel, or its landing pages."""

    artifacts: list[Artifact] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    state: Any = None  # what the channel's finish needs (export_state): JSON-ready, SKU lists as SkuPacks
    reusable: bool = True  # False: the output depends on more than the inputs (Amazon withdrawals)

    def to_json(self) -> dict:
        return {"artifacts": [[a.channel, a.market, a.path, a.items, *([a.part_of] if a.part_of else [])]
                              for a in self.artifacts],
                "diagnostics": [list(asdict(d).values()) for d in self.diagnostics],
                "state": self.state, "reusable": self.reusable}

    @classmethod
    def from_json(cls, data: dict, packs: Mapping[str, SkuPack]) -> Part:
        return cls(artifacts=[Artifact(*entry) for entry in data["artifacts"]],
                   diagnostics=[Diagnostic(*entry) for entry in data["diagnostics"]],
                   state=_with_packs(data["state"], packs), reusable=data["reusable"])


@dataclass
class BuildState:
    """What the last published build remembers about itself, for the next one.

    The file (FORMAT 2) is one JSON document whose first line holds everything but the SKU lists: in a
    state, a SKU list is a reference by digest (`{"sku_pack": …, "skus": n}`), and `packs` lists them as
    [digest, count, bytes]; each following line is one of them (feedgen.packs), in that order, in the list
    `skus`. Reading takes the first line only: a pack is read when `finish` needs its SKUs, which a market
    whose digest equals the main feed's never does. A file of format 1 (SKU lists inline) is not read: it
    came from another feedgen, whose outputs a build never reuses anyway (the code is part of every key),
    so the build starts afresh.
    """

    key: str = ""  # the whole build's key (see module docstring)
    catalogue: list[Diagnostic] = field(default_factory=list)  # the catalogue's own diagnostics
    markets: dict[str, tuple[str, dict[str, Part]]] = field(default_factory=dict)  # id -> (key, parts)

    def write(self, out: BinaryIO) -> None:
        """The state file, a market at a time, then the packs copied as they are from wherever they are (a
        worker's scratch file, the last state file): no string of the whole state is ever built."""
        packs: dict[str, SkuPack] = {}

        def reference(value: object) -> dict:
            if not isinstance(value, SkuPack):
                raise TypeError(f"not JSON-ready in a build state: {type(value).__name__}")
            packs.setdefault(value.digest, value)
            return value.reference()

        def dumps(value: object) -> bytes:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                              default=reference).encode("utf-8")

        out.write(b'{"catalogue":' + dumps([list(asdict(d).values()) for d in self.catalogue])
                  + b',"format":' + dumps(FORMAT) + b',"key":' + dumps(self.key) + b',"markets":{')
        for number, (market, (key, parts)) in enumerate(sorted(self.markets.items())):
            out.write((b"," if number else b"") + dumps(market) + b":"
                      + dumps({"key": key, "parts": {name: part.to_json() for name, part in parts.items()}}))
        out.write(b'},"packs":' + dumps([[pack.digest, pack.count, pack.size] for pack in packs.values()])
                  + _SKUS_OPEN)
        for number, pack in enumerate(packs.values()):
            out.write(b"," if number else b"")
            pack.copy_to(out)
            out.write(b"\n")
        out.write(_SKUS_CLOSE)

    @classmethod
    def read(cls, out_dir: Path) -> BuildState | None:
        """The state of the published build in `out_dir`, or None (none, unreadable, other format)."""
        path = (out_dir / STATE).absolute()
        try:
            with path.open("rb") as handle:
                first = handle.readline()
                if not first.endswith(_SKUS_OPEN):  # another format (1: one line, SKU lists inline)
                    return None
                data = json.loads(first[:-len(_SKUS_OPEN)] + b"}")
                if not isinstance(data, dict) or data.get("format") != FORMAT:
                    return None
                offset, packs = len(first), {}
                for number, (digest, count, size) in enumerate(data["packs"]):
                    offset += 1 if number else 0  # the comma before it
                    packs[digest] = SkuPack(digest, count, path, offset, size)
                    offset += size + 1  # and its newline
                if os.fstat(handle.fileno()).st_size != offset + len(_SKUS_CLOSE):  # cut short, or more
                    return None
            return cls(key=data["key"], catalogue=[Diagnostic(*entry) for entry in data["catalogue"]],
                       markets={market: (entry["key"], {name: Part.from_json(part, packs)
                                                        for name, part in entry["parts"].items()})
                                for market, entry in data["markets"].items()})
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _with_packs(value: Any, packs: Mapping[str, SkuPack]) -> Any:
    """A stored state with its pack references replaced by the packs (KeyError: one the file does not have)."""
    if isinstance(value, dict):
        if "sku_pack" in value:
            return packs[value["sku_pack"]]
        return {key: _with_packs(item, packs) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_packs(item, packs) for item in value]
    return value


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
