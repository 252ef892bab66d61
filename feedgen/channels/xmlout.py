"""Streaming namespaced XML items, serialised by lxml one column at a time.

Building a tree per item costs dozens of Python calls per item. Instead, each attribute column
is serialised by lxml in one go (distinct values only, so a style's description is escaped once
for all its variants) and cut into per-row fragments; an item is the concatenation of its row's
fragments. Every byte of element and text markup still comes out of lxml's serialiser, and a
chunk of rows is written before the next is prepared, so memory stays flat however large the
feed grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Sequence

from lxml import etree


@dataclass(frozen=True)
class Field:
    """An element: a constant text or a column (one text per row; '' leaves it out), or, for a
    nested element such as Google's <g:shipping>, its child fields."""

    name: str
    value: str | Sequence[str] = ""
    children: tuple["Field", ...] = ()


_SEPARATOR = "\ue000"  # a private-use character: valid XML text, never produced by escaping
_SEPARATOR_BYTES = _SEPARATOR.encode("utf-8")


class ColumnSerialiser:
    def __init__(self, namespace: str, prefix: str) -> None:
        self.namespace = namespace
        self.prefix = prefix
        self.nsmap = {prefix: namespace}
        empty = etree.tostring(etree.Element("w", nsmap=self.nsmap))
        self._opening = len(empty.replace(b"/>", b">"))

    def column(self, field: Field, rows: range, indent: str) -> list[bytes] | None:
        """One fragment per row for this field (b'' where the value is empty); None when every
        row is empty, so the caller can leave the column out."""
        keys: Sequence = _slice(field, rows)
        if field.children:
            keys = list(zip(*(_slice(child, rows) for child in field.children)))
        every = dict.fromkeys(keys)
        distinct = [key for key in every if key]
        if not distinct:
            return None
        closing = f"</{self.prefix}:{field.name}>".encode()
        lead = indent.encode()
        if field.children:
            pieces = self._nested(field, distinct, indent, closing)
        else:
            pieces = self._texts(field, distinct)
        if len(distinct) == 1:
            fragment = lead + pieces[0] + closing
            return [fragment if key else b"" for key in keys]
        lookup = dict.fromkeys(every, b"")  # empty keys stay b''
        lookup.update(zip(distinct, (lead + piece + closing for piece in pieces)))
        return list(map(lookup.__getitem__, keys))

    def _texts(self, field: Field, texts: list[str]) -> list[bytes]:
        """`<g:name>text` per text, from one element whose text is all of them joined by a
        private-use separator: lxml escapes text character by character, so cutting its output
        at the separator gives each value exactly as its own element would have it."""
        tag = f"{{{self.namespace}}}{field.name}"
        joined = _SEPARATOR.join(texts)
        if joined.count(_SEPARATOR) == len(texts) - 1:
            wrapper = etree.Element("w", nsmap=self.nsmap)
            etree.SubElement(wrapper, tag).text = joined
            data = etree.tostring(wrapper, encoding="utf-8")[self._opening:-len(b"</w>")]
            opening = f"<{self.prefix}:{field.name}>".encode()
            closing = f"</{self.prefix}:{field.name}>".encode()
            if data.startswith(opening) and data.endswith(closing):
                return [opening + piece for piece in data[len(opening):-len(closing)].split(_SEPARATOR_BYTES)]
        wrapper = etree.Element("w", nsmap=self.nsmap)  # a value holds the separator itself: one element each
        for text in texts:
            etree.SubElement(wrapper, tag).text = text
        return self._split(wrapper, field)

    def _nested(self, field: Field, distinct: list[tuple[str, ...]], indent: str, closing: bytes) -> list[bytes]:
        wrapper = etree.Element("w", nsmap=self.nsmap)
        tag = f"{{{self.namespace}}}{field.name}"
        inner = indent + "  "
        child_tags = [f"{{{self.namespace}}}{child.name}" for child in field.children]
        for key in distinct:
            element = etree.SubElement(wrapper, tag)
            element.text = inner
            for child_tag, text in zip(child_tags, key):
                if text:
                    etree.SubElement(element, child_tag).text = text
                    element[-1].tail = inner
            element[-1].tail = indent
        return self._split(wrapper, field)

    def _split(self, wrapper: etree._Element, field: Field) -> list[bytes]:
        """The serialised children of `wrapper`, each without its closing tag."""
        closing = f"</{self.prefix}:{field.name}>".encode()
        data = etree.tostring(wrapper, encoding="utf-8")[self._opening:-len(b"</w>")]
        return data.split(closing)[:len(wrapper)]

    def write_items(self, handle: BinaryIO, fields: list[Field], count: int, tag: str = "item",
                    chunk: int = 5000) -> None:
        """Write `count` items of `fields`, indented inside a two-level envelope."""
        for start in range(0, count, chunk):
            handle.write(b"".join(self.item_rows(fields, range(start, min(count, start + chunk)), tag)))

    def item_rows(self, fields: list[Field], rows: range, tag: str = "item") -> list[bytes]:
        """The serialised items of `rows`, one bytes object each (feedgen.channels.parts measures them)."""
        opening, closing = f"  <{tag}>".encode(), f"\n  </{tag}>\n".encode()
        columns = [column for field in fields if (column := self.column(field, rows, "\n    ")) is not None]
        edges = [opening] * len(rows), [closing] * len(rows)
        return list(map(b"".join, zip(edges[0], *columns, edges[1])))


def _slice(field: Field, rows: range) -> Sequence[str]:
    if isinstance(field.value, str):
        return [field.value] * len(rows)
    return field.value[rows.start:rows.stop]


def document_shell(root: etree._Element, container: etree._Element) -> tuple[bytes, bytes]:
    """Serialise an envelope (e.g. <rss><channel>…) and split it where the items go."""
    marker = "items-go-here"
    container.append(etree.Comment(marker))
    container[-1].tail = "\n"
    data = etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    container.remove(container[-1])
    head, tail = data.split(f"<!--{marker}-->\n".encode())
    return head, tail
