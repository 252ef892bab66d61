"""Which diagnostic rule ids the package can emit, read from its source (for tests/test_rule_catalogue.py).

A rule id reaches a report through a few emitters; each is listed in EMITTERS with the position (or
keyword) of its rule-id argument. A string literal there is an id; an f-string is a family
(`meta.{rule}.too_long` -> `meta.<rule>.too_long`); `rule_id("amazon.report", code)` (platform codes)
is the family `amazon.report.<code>`. Where the id is held in a variable first, the literals
assigned to a `rule`/`rule_id` name (also in an `a if c else b`) or iterated as the `rule` of a
`for kind, rule, severity in ((...), ...)` loop are read too.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "feedgen"

# callee name -> (index of the rule-id argument, its keyword name, prefix the emitter adds)
EMITTERS: dict[str, tuple[int, str | None, str]] = {
    "Diagnostic": (0, "rule_id", ""),
    "flag": (1, "rule_id", ""),  # channels.base.Check.flag(mask, rule_id, severity, field, message)
    "too_long": (2, "rule_id", ""),  # Check.too_long(field, limit, rule_id)
    "missing": (1, "rule_id", ""),  # Check.missing(field, rule_id)
    "_flag": (2, None, ""),  # catalogue._flag(frame, mask, rule, severity, ...)
    "duplicate_variants": (0, "rule_id", ""),  # Check.duplicate_variants(rule_id)
    "problem": (0, None, ""),  # pages.check's problem(rule, sku, message)
    "add": (0, None, "import."),  # importers.common.ImportLog.add(rule, severity, ...): "import." + rule
    "per_sku": (0, None, "import."),
}
FAMILY_HELPERS = {"rule_id"}  # deliver.platforms.issues.rule_id(prefix, code) -> prefix.<code>
RULE_NAMES = {"rule", "rule_id"}
# ImportLog's own Diagnostic(f"import.{rule}") passes its callers' ids through (read above with the prefix)
PASS_THROUGH = {"import.<rule>"}
SEVERITIES = {"error", "warning", "info"}
SHAPE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_<>]+)+")


@dataclass(frozen=True, order=True)
class Emitted:
    rule: str  # an id, or a family with <placeholders>
    path: str
    line: int

    @property
    def family(self) -> bool:
        return "<" in self.rule


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else None


def _template(node: ast.AST) -> str | None:
    """A literal id, or an f-string as a family with each {expression} as <expression>."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                parts.append(f"<{ast.unparse(value.value)}>")  # type: ignore[attr-defined]
        return "".join(parts)
    if isinstance(node, ast.Call) and _callee(node) in FAMILY_HELPERS and node.args:
        prefix = _template(node.args[0])
        return f"{prefix}.<code>" if prefix else None
    if isinstance(node, ast.IfExp):
        return None  # handled by _literals
    return None


def _literals(node: ast.AST) -> list[str]:
    """Every id a rule expression can take: both branches of `a if c else b`, families as above."""
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    found = _template(node)
    return [found] if found else []


def _rule_argument(call: ast.Call) -> tuple[ast.AST, str] | None:
    spec = EMITTERS.get(_callee(call) or "")
    if spec is None:
        return None
    index, keyword, prefix = spec
    if prefix:  # ImportLog.add/per_sku: only with a severity literal next (not Diagnostics.add, set.add …)
        if len(call.args) < 2 or not (isinstance(call.args[1], ast.Constant) and call.args[1].value in SEVERITIES):
            return None
    for kw in call.keywords:
        if keyword and kw.arg == keyword:
            return kw.value, prefix
    if len(call.args) > index and not isinstance(call.args[index], ast.Starred):
        return call.args[index], prefix
    return None


def _loop_rules(loop: ast.For) -> list[ast.AST]:
    """`for kind, rule, severity in ((..., "i18n.text.machine", ...), ...)`: the rule column."""
    if not isinstance(loop.target, ast.Tuple) or not isinstance(loop.iter, (ast.Tuple, ast.List)):
        return []
    names = [t.id if isinstance(t, ast.Name) else "" for t in loop.target.elts]
    columns = [i for i, name in enumerate(names) if name in RULE_NAMES]
    return [row.elts[i] for row in loop.iter.elts if isinstance(row, ast.Tuple) for i in columns if i < len(row.elts)]


def emitted_in(path: Path) -> list[Emitted]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    where = path.relative_to(PACKAGE.parent).as_posix()
    found: list[Emitted] = []

    def keep(node: ast.AST, prefix: str = "") -> None:
        for text in _literals(node):
            if SHAPE.fullmatch(prefix + text) and prefix + text not in PASS_THROUGH:
                found.append(Emitted(prefix + text, where, node.lineno))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            argument = _rule_argument(node)
            if argument is not None:
                keep(*argument)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in RULE_NAMES for t in node.targets):
            keep(node.value)
        elif isinstance(node, ast.For):
            for element in _loop_rules(node):
                keep(element)
    return found


def emitted() -> list[Emitted]:
    """Every rule id and family the package can emit, with where (sorted, one entry per site)."""
    return sorted(e for path in sorted(PACKAGE.rglob("*.py")) for e in emitted_in(path))
