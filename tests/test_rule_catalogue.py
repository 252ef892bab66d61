"""docs/RULES.md lists every diagnostic rule id the code can emit, and no id it no longer emits.

Users search reports by rule id; an id without an entry leaves them with nothing to find. The ids
are read from the source (tests/rule_ids.py: the emitters' rule arguments, f-string families as
`<placeholder>` patterns). A family is documented once as a pattern (placeholder names are free:
`meta.<rule>.too_long` in the code may read `meta.<field>.too_long` in the docs).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .rule_ids import PACKAGE, SHAPE, emitted

REPO = PACKAGE.parent
CATALOGUE = REPO / "docs" / "RULES.md"
ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+) \|", re.M)
PLACEHOLDER = re.compile(r"<[^>]+>")
# Strings shaped like rule ids that are not: configuration keys named in messages.
NOT_RULE_IDS = {"meta.token_env", "google.credentials_env", "amazon.report", "google.remote", "meta.remote",
                "import.sheet", "import.currency", "pages.image_url", "pages.image_widths", "pages.image_size"}
STAGES = ("amazon", "catalogue", "category", "deliver", "google", "i18n", "import", "meta", "pages", "pinterest",
          "price", "rules", "size", "tiktok", "google_reviews", "reviews")


def shape(rule: str) -> str:
    """A family's shape, placeholder names dropped: `meta.<rule>.too_long` -> `meta.<>.too_long`."""
    return PLACEHOLDER.sub("<>", rule)


def matches(family: str, rule: str) -> bool:
    pattern = "".join("[a-z0-9_]+" if part == "<>" else re.escape(part)
                      for part in re.split(r"(<>)", shape(family)))
    return re.fullmatch(pattern, rule) is not None


def documented() -> dict[str, str]:
    """rule id or family -> severity column, from the catalogue's tables."""
    return {rule: severity.strip() for rule, severity in ROW.findall(CATALOGUE.read_text(encoding="utf-8"))}


def test_every_emitted_rule_id_is_documented() -> None:
    docs = documented()
    ids = {shape(rule) for rule in docs}
    missing = sorted({f"{e.rule}  ({e.path}:{e.line})" for e in emitted() if shape(e.rule) not in ids})
    assert not missing, "rule ids emitted but not in docs/RULES.md:\n" + "\n".join(missing)


def test_catalogue_lists_no_id_the_code_no_longer_emits() -> None:
    found = emitted()
    exact = {e.rule for e in found if not e.family}
    families = {shape(e.rule) for e in found if e.family}
    stale = sorted(rule for rule in documented()
                   if (shape(rule) not in families if "<" in rule else rule not in exact))
    assert not stale, "docs/RULES.md lists ids the code does not emit:\n" + "\n".join(stale)


def test_each_rule_is_documented_once_with_a_severity() -> None:
    rows = ROW.findall(CATALOGUE.read_text(encoding="utf-8"))
    shapes = [shape(rule) for rule, _ in rows]
    assert len(shapes) == len(set(shapes)), sorted({s for s in shapes if shapes.count(s) > 1})
    for rule, severity in rows:
        assert set(re.findall(r"[a-z]+", severity)) <= {"error", "warning", "info"}, (rule, severity)


def test_no_rule_id_literal_escapes_the_extractor() -> None:
    """A string that looks like a rule id but is emitted some way tests/rule_ids.py does not read
    (a new emitter, a table of ids) fails here instead of going undocumented silently."""
    known = {e.rule for e in emitted()}
    families = [e.rule for e in emitted() if e.family]
    loose = re.compile(rf"({'|'.join(STAGES)})(\.[a-z0-9_]+)+")
    unread = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and loose.fullmatch(node.value):
                text = node.value
                if text in known or text in NOT_RULE_IDS or any(matches(f, text) for f in families):
                    continue
                if not SHAPE.fullmatch(text) or text.rsplit(".", 1)[-1] in ("py", "json", "toml", "csv", "xml", "html", "css", "po", "mo", "j2"):
                    continue
                unread.append(f"{path.relative_to(REPO)}:{node.lineno}: {text}")
    assert not unread, "rule-id-like strings the extractor does not see (teach tests/rule_ids.py, or list them " \
                       "in NOT_RULE_IDS if they are no rule ids):\n" + "\n".join(unread)


def test_the_extractor_reads_each_way_ids_are_emitted() -> None:
    """The extractor itself, against known sites: a literal, an f-string family, ImportLog's prefix,
    a rule_id() family, an `a if c else b`, and a `for kind, rule, severity in (...)` loop."""
    rules = {e.rule for e in emitted()}
    for rule in ("google.price.missing", "meta.<rule>.too_long", "import.sku.generated", "amazon.report.<code>",
                 "pages.text.bad_markup", "pages.text.bad_placeholder", "i18n.text.machine", "i18n.text.untranslated"):
        assert rule in rules, rule
    assert "import.<rule>" not in rules  # ImportLog's pass-through, not an id


def test_readme_links_the_catalogue() -> None:
    assert "docs/RULES.md" in (REPO / "README.md").read_text(encoding="utf-8")
