"""The column serialiser: every value comes out exactly as lxml serialises it in its own element.

Spec: XML 1.0 §2.4 (character data: & and < escaped; lxml also escapes > and CR) — the fast path
joins a column's values into one text and cuts lxml's output apart, so it must agree byte for byte
with one element per value, also when a value contains the join character itself.
"""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feedgen.channels.xmlout import ColumnSerialiser, Field

NS = "http://example.com/ns"
# XML 1.0 characters (no C0 controls but tab, LF, CR; no surrogates, no U+FFFE/FFFF)
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff",
                                 min_codepoint=0x20) | st.sampled_from("\t\n\r&<>\"'\ue000]]>"), max_size=30)


def serialised(values: list[str]) -> list[bytes]:
    buffer = io.BytesIO()
    ColumnSerialiser(NS, "x").write_items(buffer, [Field("name", values)], len(values), chunk=7)
    items = buffer.getvalue().split(b"\n  </item>\n")[:-1]
    return [item.replace(b"  <item>", b"").replace(b"\n    ", b"") for item in items]


def texts_of(fragment: bytes) -> str:
    return etree.fromstring(b'<r xmlns:x="' + NS.encode() + b'">' + fragment + b"</r>").findtext(f"{{{NS}}}name") or ""


@settings(max_examples=200)
@given(st.lists(XML_TEXT, max_size=25))
def test_each_value_is_escaped_as_its_own_element_would_be(values: list[str]) -> None:
    fragments = serialised(values)
    assert len(fragments) == len(values)
    for value, fragment in zip(values, fragments):
        if not value:
            assert fragment == b""
            continue
        element = etree.Element(f"{{{NS}}}name", nsmap={"x": NS})
        element.text = value
        alone = etree.tostring(element, encoding="utf-8").replace(f' xmlns:x="{NS}"'.encode(), b"")
        assert fragment == alone
        assert texts_of(fragment) == value


def test_a_value_holding_the_separator_takes_the_slow_path() -> None:
    values = ["a\ue000b", "c & d", "a\ue000b", "", "e<f"]
    fragments = serialised(values)
    assert fragments[0] == fragments[2] == "<x:name>a\ue000b</x:name>".encode()
    assert fragments[1] == b"<x:name>c &amp; d</x:name>"
    assert fragments[3] == b""
    assert fragments[4] == b"<x:name>e&lt;f</x:name>"


def test_a_column_with_no_values_is_left_out() -> None:
    assert ColumnSerialiser(NS, "x").column(Field("name", ["", ""]), range(2), "\n") is None


def tree_items(fields: list[Field], rows: range) -> bytes:
    """The straightforward serialisation the column serialiser must equal byte for byte: one lxml element per
    item and attribute, indented as the feeds are (item at 2 spaces, attributes at 4, nested children at 6)."""
    root = etree.Element("w", nsmap={"x": NS})
    root.text = "  "
    for row in rows:
        item = etree.SubElement(root, "item")
        item.tail = "\n  "
        for field in fields:
            if field.children:
                element = etree.SubElement(item, f"{{{NS}}}{field.name}")
                element.text = "\n      "
                for child in field.children:
                    text = child.value if isinstance(child.value, str) else child.value[row]
                    if text:
                        etree.SubElement(element, f"{{{NS}}}{child.name}").text = text
                        element[-1].tail = "\n      "
                element[-1].tail = "\n    "
            else:
                text = field.value if isinstance(field.value, str) else field.value[row]
                if text:
                    etree.SubElement(item, f"{{{NS}}}{field.name}").text = text
            if len(item):
                item[-1].tail = "\n    "
        item.text = "\n    " if len(item) else "\n  "
        if len(item):
            item[-1].tail = "\n  "
    if len(root):
        root[-1].tail = "\n"
    data = etree.tostring(root, encoding="utf-8")
    return data[data.index(b">") + 1:-len(b"</w>")] if len(root) else b""


@st.composite
def columns(draw, rows: int) -> str | list[str]:
    """A constant, a column of few values (a style's texts, a price), or one whose every value differs (ids)."""
    kind = draw(st.sampled_from(["constant", "few", "unique"]))
    if kind == "constant":
        return draw(XML_TEXT)
    if kind == "few":
        pool = draw(st.lists(XML_TEXT, min_size=1, max_size=3))
        return [draw(st.sampled_from(pool)) for _ in range(rows)]
    return [f"{draw(XML_TEXT)}#{row}" for row in range(rows)]


@st.composite
def item_fields(draw) -> tuple[list[Field], int]:
    rows = draw(st.integers(0, 12))
    fields = []
    for number in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            fields.append(Field(f"f{number}", draw(columns(rows))))
            continue
        children = tuple(Field(f"c{child}", draw(columns(rows))) for child in range(draw(st.integers(1, 3))))
        fields.append(Field(f"n{number}", children=(Field("fixed", "always"), *children)))  # one child is never empty
    return fields, rows


@settings(max_examples=300, deadline=None)
@given(item_fields(), st.integers(1, 5))
def test_items_are_the_bytes_of_a_tree_built_element_by_element(case: tuple[list[Field], int], chunk: int) -> None:
    """Whatever the mix of constant, repeating, all-different, empty and nested columns, and however the rows
    are chunked, the fast paths (folded constants, unique columns without a lookup, nested rows keyed by
    their varying children) write exactly what building each item as a tree writes."""
    fields, count = case
    serialiser = ColumnSerialiser(NS, "x")
    written = []
    for start in range(0, count, chunk):
        rows = serialiser.item_rows(fields, range(start, min(count, start + chunk)))
        assert all(row.startswith(b"  <item>") and row.endswith(b"</item>\n") for row in rows)
        written.extend(rows)
    assert len(written) == count
    assert b"".join(written) == tree_items(fields, range(count))
