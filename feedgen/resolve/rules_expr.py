"""The condition language of rules.toml, parsed once and evaluated vectorised over an offers frame.

    price >= 2000 and product_type contains 'boots'
    not (color in ['black', 'grey']) or stock between 1 and 3
    on_sale and gtin is empty
    title matches '(?i)^alfa'

Comparisons: == != < <= > >= (numbers, or text), contains / startswith / endswith (text),
matches (a regular expression, run by RE2 in linear time: feedgen.resolve.rules_regex), in [..] / not in [..],
between A and B (inclusive), is empty / is not empty; a boolean field alone is a condition. Combine with and, or,
not and parentheses. Text comparisons ignore case; `matches` uses the pattern as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field as dataclass_field
from decimal import Decimal

import pandas as pd

from feedgen.columns import map_distinct
from feedgen.load.offer_schema import CUSTOM_LABELS
from feedgen.resolve.rules_regex import PatternError, compile_pattern, search_column

NUMBER_FIELDS = frozenset({
    "price", "sale_price", "current_price", "stock", "weight_g", "rating", "review_count", "shipping_price",
    "discount_percent",
})
BOOL_FIELDS = frozenset({"sale_active", "on_sale", "gtin_valid"})
TEXT_FIELDS = frozenset({
    "sku", "style_id", "gtin", "mpn", "brand", "title", "description", "color", "size", "eu_size", "size_system",
    "gender", "age_group", "material", "product_type", "google_product_category", "fb_product_category", "image_link",
    "additional_image_links", "availability", "country_of_origin", "features", "handle", "link", "condition",
    "return_policy_label", "market", "currency", "language", "text_status", "sale_effective_date", *CUSTOM_LABELS,
})
FIELDS = NUMBER_FIELDS | BOOL_FIELDS | TEXT_FIELDS
TEXT_OPERATORS = ("contains", "startswith", "endswith", "matches")
MAX_DEPTH = 50  # nesting of 'not' and parentheses: deeper is a generated or garbled condition

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>'[^']*'|"[^"]*")
    | (?P<number>-?\d+(?:\.\d+)?)(?![\w.])
    | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""", re.VERBOSE)


class ExpressionError(ValueError):
    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column  # 1-based position in the expression


@dataclass(frozen=True)
class Token:
    kind: str  # string | number | op | word | end
    text: str
    column: int

    @property
    def value(self):
        if self.kind == "string":
            return self.text[1:-1]
        if self.kind == "number":
            return float(self.text)
        return self.text


def tokenize(source: str) -> list[Token]:
    tokens, position = [], 0
    while source[position:].strip():
        match = _TOKEN.match(source, position)
        if not match or match.end() == position:
            column = position + len(source[position:]) - len(source[position:].lstrip()) + 1
            raise ExpressionError(f"cannot read {source[column - 1:column + 9]!r}", column)
        kind = match.lastgroup
        assert kind is not None  # every alternative of _TOKEN is a named group
        text = match[kind]
        tokens.append(Token(kind, text, match.start(kind) + 1))
        position = match.end()
    tokens.append(Token("end", "", len(source) + 1))
    return tokens


# ----------------------------------------------------------------------------- evaluation helpers
def column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A field's values, with the derived fields (on_sale, discount_percent) computed."""
    if name == "on_sale":
        name = "sale_active"
    if name == "discount_percent":  # from offers.resolve's current_price: the sale price while it runs
        price, now = numbers(column(frame, "price")), numbers(column(frame, "current_price"))
        return ((price - now) / price * 100).where(now < price, 0.0).round(1)
    if name in frame.columns:
        return frame[name]
    return pd.Series(False if name in BOOL_FIELDS else ("" if name in TEXT_FIELDS else None), index=frame.index)


def numbers(values: pd.Series) -> pd.Series:
    """Decimal / int / float / numeric text -> float, NaN where there is no number."""
    def one(value):
        if value is None or value == "":
            return float("nan")
        if isinstance(value, (int, float, Decimal)):
            return float(value)
        try:
            return float(str(value).replace(",", "."))
        except ValueError:
            return float("nan")
    return map_distinct(values, one).astype(float)  # equal values convert alike: once per distinct value


def texts(values: pd.Series) -> pd.Series:
    return values.map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v)).astype(object)


# ----------------------------------------------------------------------------- the tree
class Node:
    def evaluate(self, frame: pd.DataFrame) -> pd.Series:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class AllOf(Node):
    parts: tuple[Node, ...]

    def evaluate(self, frame):
        result = pd.Series(True, index=frame.index)
        for part in self.parts:
            result &= part.evaluate(frame)
        return result


@dataclass(frozen=True)
class AnyOf(Node):
    parts: tuple[Node, ...]

    def evaluate(self, frame):
        result = pd.Series(False, index=frame.index)
        for part in self.parts:
            result |= part.evaluate(frame)
        return result


@dataclass(frozen=True)
class Not(Node):
    part: Node

    def evaluate(self, frame):
        return ~self.part.evaluate(frame)


@dataclass(frozen=True)
class Flag(Node):
    field: str

    def evaluate(self, frame):
        return column(frame, self.field).fillna(False).astype(bool)


@dataclass(frozen=True)
class Compare(Node):
    field: str
    op: str
    value: object  # str, float, bool, tuple of those, or (low, high) for between

    def evaluate(self, frame):
        values = column(frame, self.field)
        op, value = self.op, self.value
        if op == "empty":
            return texts(values).str.strip().eq("")
        if self.field in BOOL_FIELDS:
            flags = values.fillna(False).astype(bool)
            return flags.eq(value) if op == "==" else flags.ne(value)
        numeric = isinstance(value, float) or (isinstance(value, tuple) and value and isinstance(value[0], float))
        if numeric:
            data = numbers(values)
            if op == "between":
                return data.between(value[0], value[1])
            if op == "in":
                return data.isin(value)
        else:
            data = texts(values).str.casefold()
            if op in ("contains", "startswith", "endswith"):
                method = {"contains": lambda s: s.str.contains(value.casefold(), regex=False),
                          "startswith": lambda s: s.str.startswith(value.casefold()),
                          "endswith": lambda s: s.str.endswith(value.casefold())}[op]
                return method(data)
            if op == "in":
                return data.isin([v.casefold() for v in value])
            value = value.casefold()
        compare = {"==": data.eq, "!=": data.ne, "<": data.lt, "<=": data.le, ">": data.gt, ">=": data.ge}[op]
        return compare(value).fillna(False)


@dataclass(frozen=True)
class Matches(Node):
    """`field matches 'pattern'`: a search anywhere in the text, on RE2 (feedgen.resolve.rules_regex), so no
    pattern and no product text can make it backtrack for ever."""

    field: str
    pattern: str  # as written in rules.toml
    regex: object = dataclass_field(compare=False, repr=False)  # compiled once, when rules.toml is read

    def evaluate(self, frame):
        return search_column(self.regex, texts(column(frame, self.field)))


# ----------------------------------------------------------------------------- the parser
class Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.at = 0
        self.depth = 0

    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.at + offset, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.at += 1
        return token

    def word(self, *words: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text.lower() in words

    def expect(self, kind: str, text: str | None, what: str) -> Token:
        token = self.take()
        if token.kind != kind or (text is not None and token.text.lower() != text):
            raise ExpressionError(f"expected {what}, found {token.text or 'the end'!r}", token.column)
        return token

    def parse(self) -> Node:
        node = self.either()
        if self.peek().kind != "end":
            token = self.peek()
            raise ExpressionError(f"unexpected {token.text!r} (missing 'and' / 'or'?)", token.column)
        return node

    def either(self) -> Node:
        parts = [self.both()]
        while self.word("or"):
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def both(self) -> Node:
        parts = [self.negation()]
        while self.word("and"):
            self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def negation(self) -> Node:
        if self.word("not") or self.peek().text == "(":
            token = self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:  # the parser (and evaluation) recurse once per level
                raise ExpressionError(f"'not' and parentheses nested more than {MAX_DEPTH} deep", token.column)
            if token.text == "(":
                node = self.either()
                self.expect("op", ")", "')'")
            else:
                node = Not(self.negation())
            self.depth -= 1
            return node
        return self.condition()

    def literal(self):
        token = self.take()
        if token.kind in ("string", "number"):
            return token.value, token
        if token.kind == "word" and token.text.lower() in ("true", "false"):
            return token.text.lower() == "true", token
        raise ExpressionError(f"expected a value ('text', a number, true or false), found {token.text or 'the end'!r}",
                              token.column)

    def condition(self) -> Node:
        """`field OP value`, `field in [...]`, `field between A and B`, `field is [not] empty`, or a bare flag."""
        field = self.field_name()
        op_token = self.peek()
        if op_token.kind == "op" and op_token.text in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            value, value_token = self.literal()
            return self.checked(field, op_token.text, value, value_token)
        if self.word(*TEXT_OPERATORS):
            return self.text_condition(field)
        if self.word("in") or (self.word("not") and self.peek(1).kind == "word" and self.peek(1).text.lower() == "in"):
            return self.in_condition(field)
        if self.word("between"):
            return self.between_condition(field)
        if self.word("is"):
            return self.empty_condition(field)
        if field in BOOL_FIELDS:
            return Flag(field)
        raise ExpressionError(f"expected a comparison after {field!r} (==, contains, in, between, is empty …)",
                              op_token.column)

    def field_name(self) -> str:
        token = self.take()
        if token.kind != "word" or token.text.lower() in ("and", "or", "not", "in", "is"):
            raise ExpressionError(f"expected a field name, found {token.text or 'the end'!r}", token.column)
        if token.text not in FIELDS:
            raise ExpressionError(f"unknown field {token.text!r} (fields: {', '.join(sorted(FIELDS))})", token.column)
        return token.text

    def text_condition(self, field: str) -> Node:
        """contains / startswith / … / matches 'text' (a regular expression is compiled here, once)."""
        op = self.take().text.lower()
        value, value_token = self.literal()
        if not isinstance(value, str):
            raise ExpressionError(f"{op} needs a 'text' value", value_token.column)
        if op == "matches":
            self.checked(field, op, value, value_token)
            try:
                return Matches(field, value, compile_pattern(value))
            except PatternError as exc:
                raise ExpressionError(f"bad regular expression {value!r}: {exc}", value_token.column) from None
        return self.checked(field, op, value, value_token)

    def in_condition(self, field: str) -> Node:
        """`[not] in [a, b, …]`: one kind of value per list."""
        negate = self.take().text.lower() == "not"
        if negate:
            self.take()
        start = self.expect("op", "[", "'[' starting a list")
        values = [self.literal()[0]]
        while self.peek().text == ",":
            self.take()
            values.append(self.literal()[0])
        self.expect("op", "]", "']' or ','")
        kinds = {type(v) for v in values}
        if len(kinds) > 1:
            raise ExpressionError("a list mixes numbers and text", start.column)
        node = self.checked(field, "in", tuple(values), start)
        return Not(node) if negate else node

    def between_condition(self, field: str) -> Node:
        self.take()
        low, low_token = self.literal()
        self.expect("word", "and", "'and' in 'between A and B'")
        high, _ = self.literal()
        if not isinstance(low, float) or not isinstance(high, float) or low > high:
            raise ExpressionError("between needs two numbers, the lower first", low_token.column)
        return self.checked(field, "between", (low, high), low_token)

    def empty_condition(self, field: str) -> Node:
        self.take()
        negate = self.word("not")
        if negate:
            self.take()
        self.expect("word", "empty", "'empty' after 'is'")
        node = Compare(field, "empty", None)
        return Not(node) if negate else node

    def checked(self, field: str, op: str, value, token: Token) -> Compare:
        sample = value[0] if isinstance(value, tuple) else value
        if field in BOOL_FIELDS and (op not in ("==", "!=") or not isinstance(sample, bool)):
            raise ExpressionError(f"{field} is true or false: compare it with == true / == false", token.column)
        if field not in BOOL_FIELDS and isinstance(sample, bool):
            raise ExpressionError(f"{field} is not true/false", token.column)
        if field in NUMBER_FIELDS and isinstance(sample, str):
            raise ExpressionError(f"{field} is a number: compare it with a number", token.column)
        if op in ("<", "<=", ">", ">=") and isinstance(sample, str):
            raise ExpressionError(f"{op} compares numbers; for text use ==, contains, startswith …", token.column)
        return Compare(field, op, value)


def parse_condition(source: str) -> Node:
    return Parser(source).parse()
