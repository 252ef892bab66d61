"""What must hold for every file a build writes, however hostile its input was.

Each check parses a file with an independent reader (lxml, the csv module, json, jsonschema) and
looks for payloads that survived: formula cells, script elements, event-handler attributes,
`javascript:` URLs, characters XML 1.0 forbids. The checks know nothing about the case that
produced the file, so they run on every output of every corpus case.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from functools import lru_cache
from pathlib import Path

import lxml.html
from jsonschema import Draft7Validator
from lxml import etree

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# XML 1.0 Char production (W3C XML 1.0 §2.2) plus DEL and C1 controls, which no output should carry.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d+)?|[.,]\d+)")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href")
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
URL_ELEMENTS = {"link", "image_link", "additional_image_link"}  # Google feed elements holding URLs


@lru_cache(maxsize=1)
def amazon_validator() -> Draft7Validator:
    schema = json.loads((FIXTURES / "amazon" / "listings-feed-schema-v2.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema)


def snapshot(root: Path, ignore: tuple[str, ...] = ()) -> dict[str, str]:
    """relative path -> sha256 of every file and symlink under root (directories by their files)."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if any(relative == i or relative.startswith(i + "/") for i in ignore):
            continue
        if path.is_symlink():
            found[relative] = "symlink:" + str(path.readlink())
        elif path.is_file():
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir() and not any(path.iterdir()):
            found[relative + "/"] = "empty dir"
    return found


def check_tree(out: Path) -> list[str]:
    """Problems with the files in an output directory (an empty list: all good)."""
    problems: list[str] = []
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out).as_posix()
        if path.is_symlink():
            problems.append(f"{relative}: a symlink in the output")
            continue
        if not path.is_file():
            continue
        if path.suffix == ".sqlite":  # the price history (feedgen.resolve.history): a database, checked as one
            problems += [f"{relative}: {problem}" for problem in check_sqlite(path)]
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{relative}: not UTF-8 ({exc})")
            continue
        bad = FORBIDDEN.search(text)
        if bad:
            problems.append(f"{relative}: forbidden character U+{ord(bad[0]):04X} at {bad.start()}")
        checker = CHECKS.get(path.suffix)
        if checker is None:
            problems.append(f"{relative}: unexpected kind of output file")
            continue
        problems += [f"{relative}: {problem}" for problem in checker(relative, data, text)]
    return problems


def check_sqlite(path: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return ([] if verdict == "ok" else [f"integrity_check: {verdict}"]) + ([] if tables == {"prices"} else [f"tables {tables}"])


def check_xml(relative: str, data: bytes, text: str) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    problems = []
    if root.getroottree().docinfo.doctype:
        problems.append("has a DOCTYPE")
    for element in root.iter(etree.Element):
        if etree.QName(element).localname in URL_ELEMENTS and element.text:
            if not element.text.startswith(("https://", "http://")):
                problems.append(f"<{element.tag}> is not an http(s) URL: {element.text[:60]!r}")
    return problems


def check_csv(relative: str, data: bytes, text: str) -> list[str]:
    """RFC 4180 strictly: the file is byte for byte what a minimal-quoting CRLF writer makes of its
    own parse, every record has the header's field count, and no cell starts like a formula."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return [f"not strict CSV: {exc}"]
    if not rows:
        return ["no header"]
    again = io.StringIO(newline="")
    csv.writer(again, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    problems = []
    if again.getvalue() != text:
        problems.append("not canonical RFC 4180 (line ends, quoting or a missing final CRLF)")
    return problems + table_problems(rows, "record")


def table_problems(rows: list[list[str]], unit: str) -> list[str]:
    """Every row the header's field count (nothing leaked out of a cell), no cell starting like a formula."""
    problems = []
    width = len(rows[0]) if rows else 0
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            problems.append(f"{unit} {number}: {len(row)} fields, the header has {width}")
        for cell in row:
            if cell.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(cell):
                problems.append(f"{unit} {number}: formula-like cell {cell[:40]!r}")
    return problems


def _strict_json(text: str) -> object:
    def no_constants(name: str) -> None:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=no_constants)


def check_json(relative: str, data: bytes, text: str) -> list[str]:
    try:
        document = _strict_json(text)
    except ValueError as exc:
        return [f"invalid JSON: {exc}"]
    problems = []
    if relative.startswith("amazon/"):
        problems += [f"schema: {error.message[:120]}" for error in amazon_validator().iter_errors(document)]
        for url in _values(document, "media_location"):
            if not str(url).startswith(("https://", "http://")):
                problems.append(f"media_location is not an http(s) URL: {url!r}")
    return problems


def _values(document: object, key: str):
    if isinstance(document, dict):
        for name, value in document.items():
            if name == key:
                yield value
            else:
                yield from _values(value, key)
    elif isinstance(document, list):
        for value in document:
            yield from _values(value, key)


def check_html(relative: str, data: bytes, text: str) -> list[str]:
    """No script but JSON-LD (which must parse and never contain a raw `<`), no event handlers,
    no script URLs, no embedding elements."""
    problems = []
    root = lxml.html.document_fromstring(data)
    for element in root.iter(etree.Element):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "script":
            if (element.get("type") or "").lower() != "application/ld+json":
                problems.append(f"<script type={element.get('type')!r}> element")
                continue
            body = element.text or ""
            if "<" in body:
                problems.append("raw '<' inside JSON-LD")
            try:
                _strict_json(body)
            except ValueError as exc:
                problems.append(f"JSON-LD does not parse: {exc}")
        if tag in ("iframe", "object", "embed", "svg", "math", "frame", "frameset", "base", "form"):
            problems.append(f"<{tag}> element")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"<{tag} {name}=…> event handler attribute")
            if name.lower() in URL_ATTRIBUTES:
                compact = re.sub(r"[\s\x00-\x1f]+", "", value).lower()
                if compact.startswith(BAD_SCHEMES):
                    problems.append(f"<{tag} {name}={value[:40]!r}> script URL")
    script_tags = len(re.findall(r"<script\b", text, re.IGNORECASE))
    json_ld = len(re.findall(r'<script type="application/ld\+json">', text))
    if script_tags != json_ld:
        problems.append(f"{script_tags - json_ld} raw <script> tag(s) besides JSON-LD")
    return problems


def check_tsv(relative: str, data: bytes, text: str) -> list[str]:
    """A tab-delimited text feed (Google promotions, GMC 2906014): LF lines, every line the header's field
    count (no tab or line break leaked out of a cell), no cell starting like a formula."""
    problems = [] if text.endswith("\n") and "\r" not in text else ["not LF-terminated lines"]
    return problems + table_problems([line.split("\t") for line in text.split("\n")[:-1]], "line")


CHECKS = {".xml": check_xml, ".csv": check_csv, ".json": check_json, ".html": check_html, ".txt": check_tsv}
