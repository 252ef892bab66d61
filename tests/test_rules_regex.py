"""`matches` on RE2 (feedgen.resolve.rules_regex): linear time, Python's meaning, refusals that say why.

Python's own `re` is the oracle for what a pattern means: every pattern here that both engines
can run must find the same texts. The catastrophic patterns of issue #20 run against long texts
under a test timeout (a hang fails the test; nothing asserts a time).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from feedgen.errors import InputError

from feedgen.resolve.rules import load_rules
from feedgen.resolve.rules_expr import ExpressionError, parse_condition
from feedgen.resolve.rules_regex import PatternError, compile_pattern, search_column, translate
from feedgen.channels import read_markets

from .conftest import SAMPLE_DATA


def _assigned(cp: int) -> bool:
    return not 0xD800 <= cp <= 0xDFFF and unicodedata.category(chr(cp)) != "Cn"


@pytest.mark.parametrize("shorthand", [r"\w", r"\d", r"\s"])
def test_unicode_classes_match_what_python_matches_for_every_assigned_character(shorthand: str) -> None:
    # RE2's own \w \d \s are ASCII-only: without the rewrite `\w+` would stop at the ø of "Støvel".
    # Characters unassigned in Python's Unicode version are left out (RE2's tables may be newer).
    python, ours = re.compile(shorthand), compile_pattern(shorthand)
    negated_python, negated_ours = re.compile(shorthand.upper()), compile_pattern(shorthand.upper())
    differ = [hex(cp) for cp in range(0x110000) if _assigned(cp)
              and ((python.fullmatch(chr(cp)) is None) != (ours.fullmatch(chr(cp).encode()) is None)
                   or (negated_python.fullmatch(chr(cp)) is None) != (negated_ours.fullmatch(chr(cp).encode()) is None))]
    assert not differ, differ[:20]


TEXTS = [
    "Støvel", "Vinterly Women's Insulated Winter Boots", "ÆØÅ æøå", "٣ pairs", "size ４２", "50\u00a0%",
    "x²", "line one\nline two", "café", "cafe\u0301", "—", "a-b", "[:a]", "", "  ", "Men's 42", "a\tb", "ab\x08",
    "abc", "aaab", "AS-1009-WHT-42", "\u2028", "straße", "STRASSE", "Ω", "ω",
]
PATTERNS = [
    r"^\w+$", r"\d", r"^\D+$", r"\s", r"\S\s\S", r"[\w-]+$", r"[\d\s]", r"[\W\d]", r"[^\d\s]", r"^[\W]+$",
    r"a{,2}b", r"^a{,2}$", r"\N{EM DASH}", r"\u00f8", r"\U000000e6", r"(?i)STØVEL", r"(?i)ω", r"[[:a]", r"[[:alpha:]]",
    r"(?#comment)abc", r"[\b]", r"two\Z", r"^line", r"(?m)^line two$", r"(?s)one.line", r"one.line",
    r"(?P<size>\d+)$", r"\bMen\b", r"(?i:men)'s", r"\x41S-\d{4}", r"[]a]", r"\.", r"^$", r"(?i)^alfa|boots$",
]


@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")  # Python's warning for [[:a]
@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_pattern_finds_what_python_finds(pattern: str) -> None:
    python, ours = re.compile(pattern), compile_pattern(pattern)
    expected = [python.search(text) is not None for text in TEXTS]
    assert [ours.search(text.encode()) is not None for text in TEXTS] == expected, translate(pattern)


def test_known_differences_are_the_documented_ones() -> None:
    # README "Rules": \b sees ASCII word characters only; $ matches only at the very end.
    assert not re.search(r"\bvel", "støvel") and compile_pattern(r"\bvel").search("støvel".encode())
    assert re.search(r"boots$", "boots\n") and not compile_pattern(r"boots$").search(b"boots\n")


@pytest.mark.parametrize("pattern, reason", [
    (r"(?=boots)", "look-ahead and look-behind"),
    (r"(?<!kids )boots", "look-ahead and look-behind"),
    (r"(\w)\1", "backreferences"),
    (r"(?P<x>a)(?P=x)", "backreferences"),
    (r"(?>a+)b", "atomic groups and possessive repeats"),
    (r"a++", "atomic groups and possessive repeats"),
    (r"a{1001}", "a repeat count above 1000"),
    (r"((a{100}){100}){100}", "a repeat count above 1000"),
    (r"(?x) a b", "the flags (?a), (?L), (?u) and (?x) are not supported"),
    (r"[^\W\d]", "\\D, \\W or \\S inside [^…] cannot be run"),
    (r"\N{NO SUCH CHARACTER}", "unknown character name"),
    (r"([", "unterminated character set"),
    ("\\", "trailing \\"),
])
def test_a_pattern_the_engine_cannot_run_is_refused_with_the_reason(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError, match=re.escape(reason)):
        compile_pattern(pattern)
    with pytest.raises(ExpressionError, match=re.escape(f"bad regular expression {pattern!r}: {reason}")):
        parse_condition(f"title matches '{pattern}'")


LONG = "a" * 100_000 + "!"  # Python's re needs 2**n steps for n a's; RE2 one pass


@pytest.mark.timeout(60)
@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"(\w+\s?)+$", r"(a|aa)+$", r"(.*a){20}$", r"^(\w+\s?)*$"])
def test_catastrophic_patterns_finish_on_long_texts(pattern: str) -> None:
    words = " ".join(["Waterproof leather sneaker with a stitched cupsole"] * 2000) + " !"
    frame = pd.DataFrame({"description": [LONG, words, "aaaa", "plain words"]})
    found = parse_condition(f"description matches '{pattern}'").evaluate(frame)
    assert list(found) == [re.search(pattern, text) is not None for text in ("!", "!", "aaaa", "plain words")]


def test_lone_surrogates_from_a_json_catalogue_are_searched_not_an_error() -> None:
    values = pd.Series(["ab\ud800cd", "abcd"])
    assert list(search_column(compile_pattern("cd$"), values)) == [True, True]
    assert list(search_column(compile_pattern("^abcd"), values)) == [False, True]


def test_rules_toml_names_the_file_the_rule_line_and_why(tmp_path: Path) -> None:
    config = read_markets(SAMPLE_DATA / "markets.toml")
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nname = "ok"\nwhen = "title matches \'^Alfa\'"\nset = { custom_label_0 = "a" }\n\n'
                     '[[rule]]\nname = "Not kids"\nwhen = "title matches \'^(?!Kids)\'"\nexclude = true\n',
                     encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rules(rules, config)
    assert caught.value.path == str(rules) and caught.value.row == 8  # the rule's `when` line
    assert "rule 2 (Not kids).when: bad regular expression '^(?!Kids)': look-ahead and look-behind" in caught.value.message
