"""The package's import graph follows the pipeline: no import cycles, no backward imports.

DESIGN.md's stages, low to high, are the package's folders: foundation (the root: errors,
diagnostics, text, columns, interrupt, files) < config < load (catalogue, importers, reference data,
offer schema) < resolve (offers, rules, fixes, price history) < render (channels, pages, i18n) <
publish (stage, lock, release, manifest, gate, diff, reports) < pipeline (build and its helpers) <
deliver < cli. A module may import its own stage and the stages below, never one above; nothing below the CLI imports
`feedgen.cli`. The graph is read with `ast` from every module, with module-level AND
function-level imports (an import inside a function is still a dependency, often one that hides
a cycle). `if TYPE_CHECKING:` imports never run, so they cannot form an import cycle and are left
out of the cycle check; they are kept in the layering check, because a type from a higher stage
in a lower stage's signature is the same coupling as a runtime import.

KNOWN_VIOLATIONS and KNOWN_CYCLES hold the exceptions (issue #16 shrank them to empty). A new
violation fails; an entry that no longer occurs fails too, so the lists only shrink.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "feedgen"

# stage -> module prefixes, low to high (the longest matching prefix decides). The stages are the
# package's folders (docs/DESIGN.md); the root holds only what every stage uses.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("feedgen", "feedgen.errors", "feedgen.diagnostics", "feedgen.text", "feedgen.columns",
                    "feedgen.interrupt", "feedgen.files")),
    ("config", ("feedgen.config",)),
    ("load", ("feedgen.load",)),
    ("resolve", ("feedgen.resolve",)),
    ("render", ("feedgen.channels", "feedgen.pages", "feedgen.i18n")),
    ("publish", ("feedgen.publish",)),
    ("pipeline", ("feedgen.pipeline",)),
    ("deliver", ("feedgen.deliver",)),
    ("cli", ("feedgen.cli", "feedgen.__main__")),
]

# (importer, imported): backward imports still there. Empty: a new one fails, and an entry that no
# longer occurs fails too.
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()

# Today's import cycles (each a strongly connected set of modules); the same rule: only shrink.
KNOWN_CYCLES: list[frozenset[str]] = []


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    line: int
    type_only: bool  # under `if TYPE_CHECKING:`


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _target(name: str) -> str | None:
    """The package module an import names (an attribute import resolves to its module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def edges_of(module: str) -> list[Edge]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    type_only = _type_checking_lines(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            target = _target(name) if name.startswith("feedgen") else None
            if target and target != module:
                found.append(Edge(module, target, node.lineno, node.lineno in type_only))
    return found


def all_edges() -> list[Edge]:
    return [edge for module in MODULES for edge in edges_of(module)]


def stage_of(module: str) -> tuple[int, str]:
    best = max(((len(prefix), rank, stage) for rank, (stage, prefixes) in enumerate(LAYERS) for prefix in prefixes
                if module == prefix or module.startswith(prefix + ".")), default=None)
    assert best is not None, f"{module} is in no stage of LAYERS: add it"
    return best[1], best[2]


def backward_imports() -> dict[tuple[str, str], Edge]:
    found = {}
    for edge in all_edges():
        if stage_of(edge.imported)[0] > stage_of(edge.importer)[0]:
            found.setdefault((edge.importer, edge.imported), edge)
    return found


def cycles() -> list[frozenset[str]]:
    """Strongly connected sets of more than one module (Tarjan), over runtime imports only."""
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for edge in all_edges():
        if not edge.type_only:
            graph[edge.importer].add(edge.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def _describe(edge: Edge) -> str:
    return (f"{edge.importer} ({stage_of(edge.importer)[1]}) imports {edge.imported} ({stage_of(edge.imported)[1]}) "
            f"at {MODULES[edge.importer].relative_to(PACKAGE.parent)}:{edge.line}")


def test_every_module_has_a_stage() -> None:
    for module in MODULES:
        stage_of(module)


def test_no_new_backward_import() -> None:
    new = [edge for pair, edge in sorted(backward_imports().items()) if pair not in KNOWN_VIOLATIONS]
    assert not new, "a lower stage imports a higher one:\n" + "\n".join(map(_describe, new))


def test_known_violations_only_shrink() -> None:
    gone = sorted(KNOWN_VIOLATIONS - backward_imports().keys())
    assert not gone, f"fixed, remove from KNOWN_VIOLATIONS: {gone}"


def test_no_new_import_cycle() -> None:
    new = [cycle for cycle in cycles() if not any(cycle <= known for known in KNOWN_CYCLES)]
    assert not new, "import cycles:\n" + "\n".join(" ⇄ ".join(sorted(cycle)) for cycle in new)


def test_known_cycles_only_shrink() -> None:
    found = cycles()
    gone = [sorted(known) for known in KNOWN_CYCLES if not any(cycle == known for cycle in found)]
    assert not gone, f"a known cycle is gone or smaller: update KNOWN_CYCLES to what is left: {gone}"


def test_nothing_below_the_cli_imports_it() -> None:
    top = len(LAYERS) - 1
    offenders = [_describe(edge) for edge in all_edges()
                 if edge.imported.startswith("feedgen.cli") and stage_of(edge.importer)[0] < top]
    assert not offenders, "\n".join(offenders)


def test_the_graph_reader_sees_function_level_and_type_checking_imports() -> None:
    """The reader itself: an import inside a function and one under TYPE_CHECKING both count."""
    type_only = {(e.importer, e.imported) for e in all_edges() if e.type_only}
    assert ("feedgen.channels.base", "feedgen.resolve.offers") in type_only
    # a function-level import: destinations imports each transport only when its scheme is used
    inner = [e for e in all_edges() if e.importer == "feedgen.deliver.destinations" and e.imported == "feedgen.deliver.sftp"]
    assert inner, "function-level import of feedgen.deliver.sftp from feedgen.deliver.destinations not seen"
