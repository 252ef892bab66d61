"""Streaming namespaced XML items, serialised by lxml one column at a time.

Building a tree per item costs dozens of Python calls per item. Instead, each attribute column
is serialised by lxml in one go (distinct values only, so a style's description is escaped once
for all its variants) and cut into per-row fragments; an item is the concatenation of its row's
fragments. Every byte of element and text markup still comes out of lxml's serialiser, and a
chunk of rows is written before the next is prepared, so memory stays flat however large the
feed grows.

What an item costs is then mostly per row and column: a lookup of the row's fragment and its
place in the item's join. The fewer of those the better (issue #19: a million SKUs per market):
- a column whose every value differs (ids, links) skips the lookup: its fragments, cut from lxml's
  output with C-level bytes operations, already are in row order;
- a column that is the same in every row of a chunk (brand, condition) is no part of the join: its
  fragment becomes part of the constant text between its neighbours;
- a nested field's rows are told apart by the children that vary (Google's <g:shipping>: its price),
  as plain strings, instead of building a tuple of every child per row.
Neighbouring columns of few values were also tried as one part, keyed by the tuple of their values:
building and hashing a tuple per row cost more than the lookups it saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Hashable, Sequence

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
        keys = _keys(field, rows)
        lookup = self._lookup(field, dict.fromkeys(keys), indent)
        if lookup is None:
            return None
        return list(map(lookup.__getitem__, keys))

    def _lookup(self, field: Field, every: dict, indent: str) -> dict[Hashable, bytes] | None:
        """Each distinct key's fragment (`indent<g:name>text</g:name>`, b'' for an empty key), in
        the order of `every`; None when every key is empty."""
        distinct = list(every)
        if not field.children and not all(distinct):  # a nested field is always written
            distinct = [key for key in distinct if key]
        if not distinct:
            return None
        if field.children:
            fragments = self._nested(field, distinct, indent)
        else:
            fragments = self._texts(field, distinct, indent)
        lookup = dict.fromkeys(every, b"")  # empty keys stay b''
        lookup.update(zip(distinct, fragments))
        return lookup

    def _texts(self, field: Field, texts: list[str], indent: str) -> list[bytes]:
        """`indent<g:name>text</g:name>` per text, from one element whose text is all of them joined by
        a private-use separator: lxml escapes text character by character, so cutting its output
        at the separator gives each value exactly as its own element would have it. The cut and
        the markup around each value are two C-level bytes operations, not a Python loop: each
        separator becomes `</g:name>` + separator + indent + `<g:name>`, then the whole is split."""
        tag = f"{{{self.namespace}}}{field.name}"
        opening = f"{indent}<{self.prefix}:{field.name}>".encode()
        closing = f"</{self.prefix}:{field.name}>".encode()
        joined = _SEPARATOR.join(texts)
        if joined.count(_SEPARATOR) == len(texts) - 1:
            wrapper = etree.Element("w", nsmap=self.nsmap)
            etree.SubElement(wrapper, tag).text = joined
            data = etree.tostring(wrapper, encoding="utf-8")[self._opening:-len(b"</w>")]
            bare = opening[len(indent.encode()):]
            if data.startswith(bare) and data.endswith(closing):
                inner = data[len(bare):-len(closing)]
                return (opening + inner.replace(_SEPARATOR_BYTES, closing + _SEPARATOR_BYTES + opening)
                        + closing).split(_SEPARATOR_BYTES)
        wrapper = etree.Element("w", nsmap=self.nsmap)  # a value holds the separator itself: one element each
        for text in texts:
            etree.SubElement(wrapper, tag).text = text
        return [indent.encode() + piece + closing for piece in self._split(wrapper, field)]

    def _nested(self, field: Field, distinct: list, indent: str) -> list[bytes]:
        wrapper = etree.Element("w", nsmap=self.nsmap)
        tag = f"{{{self.namespace}}}{field.name}"
        inner = indent + "  "
        child_tags = [f"{{{self.namespace}}}{child.name}" for child in field.children]
        for key in distinct:
            element = etree.SubElement(wrapper, tag)
            element.text = inner
            for child_tag, text in zip(child_tags, _children(field, key)):
                if text:
                    etree.SubElement(element, child_tag).text = text
                    element[-1].tail = inner
            element[-1].tail = indent
        closing = f"</{self.prefix}:{field.name}>".encode()
        return [indent.encode() + piece + closing for piece in self._split(wrapper, field)]

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
        count = len(rows)
        columns: list[list[bytes]] = []
        before = f"  <{tag}>".encode()  # constant text that goes before the next column
        for field in fields:
            keys = _keys(field, rows)
            lookup = self._lookup(field, dict.fromkeys(keys), "\n    ")
            if lookup is None:  # empty in every row
                continue
            if len(lookup) == 1:  # the same in every row
                before += next(iter(lookup.values()))
                continue
            if len(lookup) == count:  # every row differs: the fragments already are in row order
                if before:
                    columns.append([before] * count)
                columns.append(list(lookup.values()))
            else:
                if before:
                    lookup = {key: before + fragment for key, fragment in lookup.items()}
                columns.append(list(map(lookup.__getitem__, keys)))
            before = b""
        columns.append([before + f"\n  </{tag}>\n".encode()] * count)
        return list(map(b"".join, zip(*columns)))


def _keys(field: Field, rows: range) -> Sequence:
    """A field's key of each row: its text. A nested field's row is told apart by its varying children
    only: the text of the one that varies (a plain string, whose hash Python keeps), else the tuple of
    theirs; `_children` rebuilds every child's text from it."""
    if not field.children:
        return _slice(field, rows)
    varying = [_slice(child, rows) for child in field.children if not isinstance(child.value, str)]
    if len(varying) == 1:
        return varying[0]
    return list(zip(*varying)) if varying else [()] * len(rows)


def _children(field: Field, key) -> list[str]:
    """Every child's text of a nested field's row, from its key (`_keys`) and the constant children."""
    varying = [child for child in field.children if not isinstance(child.value, str)]
    values = iter((key,) if len(varying) == 1 else key)
    return [child.value if isinstance(child.value, str) else next(values) for child in field.children]


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
