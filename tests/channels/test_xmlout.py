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
