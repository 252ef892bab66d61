"""feedgen.config.tomlfile: the one TOML reader, and where a dotted key path is in the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedgen.errors import InputError
from feedgen.config.tomlfile import TomlFile

TEXT = """\
[project]
brand = "Alfa Sko"

[payment_methods]
vipps = { name = "Vipps", kind = "wallet" }
card = { name = "Card", kind = "card" }

[markets.NO]
name = "Norway"
returns = { days = 400, fees = "free" }

[markets.SE]
name = "Sweden"
returns = { days = 30, fees = "free" }

[markets.SE.shipping]
price = "free"
"""


@pytest.mark.parametrize("dotted, line", [
    ("project.brand", 2),
    ("payment_methods.card", 6),
    ("payment_methods.card.name", 6),  # an inline table: the line that opens it
    ("markets.NO.returns.days", 10),  # in [markets.NO], not the first `returns` of the file
    ("markets.SE.returns.days", 14),
    ("markets.SE", 12),
    ("markets.SE.shipping.price", 17),  # a sub-table header of its own
    ("(top level).payment_methods", 4),  # a misspelt top-level table is found by its header
    ("markets.DK.name", None),
])
def test_line_of_a_dotted_key_path(dotted, line) -> None:
    # Review #19: markets.toml's own line finder folded onto TomlFile
    assert TomlFile.parse(Path("markets.toml"), TEXT).line_of_path(dotted) == line


def test_fail_at_names_path_key_and_line() -> None:
    error = TomlFile.parse(Path("markets.toml"), TEXT).fail_at("markets.NO.returns.days", "400 is outside 0–365")
    assert error.one_line() == "markets.toml, row 10: markets.NO.returns.days: 400 is outside 0–365"


def test_parse_reports_a_syntax_error_with_its_line() -> None:
    with pytest.raises(InputError) as raised:
        TomlFile.parse(Path("x.toml"), 'a = 1\nb = "open\n')
    assert raised.value.row == 2
