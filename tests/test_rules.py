"""rules.toml: the condition language (each operator), actions, scoping, order, errors, and `rules check`."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from feedgen.errors import InputError

from feedgen.resolve.rules import apply_rules, load_rules
from feedgen.resolve.rules_expr import ExpressionError, parse_condition
from feedgen.channels import read_markets

from .conftest import GOLDEN, SAMPLE_DATA
from .helpers import assert_golden, build_project, google_items
from .test_cli import invoke

CONFIG = read_markets(SAMPLE_DATA / "markets.toml")


@pytest.fixture
def offers() -> pd.DataFrame:
    return pd.DataFrame({
        "sku": ["A", "B", "C", "D"],
        "title": ["Fjellvand Boot", "Solstreif Sneaker", "Troll Kids Boot", "Bryggen Slipper"],
        "brand": ["Alfa Sko"] * 4,
        "color": ["Brown", "White", "", "Grey"],
        "size": ["38", "43", "28", "40.5"],
        "product_type": ["Shoes > Boots > Hiking Boots", "Shoes > Sneakers", "Shoes > Kids > Boots", "Shoes > Slippers"],
        "age_group": ["adult", "adult", "kids", "adult"],
        "gtin": ["7094512010001", "", "7094512222008", ""],
        "price": [Decimal("2499"), Decimal("1499"), Decimal("1099"), Decimal("699")],
        "sale_price": [Decimal("1999"), None, None, None],
        "sale_active": [True, False, False, False],
        "current_price": [Decimal("1999"), Decimal("1499"), Decimal("1099"), Decimal("699")],  # as offers.resolve sets it
        "stock": [10, 0, 2, 34],
        "weight_g": [1020.0, float("nan"), 690.0, 460.0],
        "availability": ["in_stock", "out_of_stock", "in_stock", "in_stock"],
        "currency": ["NOK"] * 4,
    })


@pytest.mark.parametrize("condition, expected", [
    ("price >= 1499", "AB"),
    ("price > 1499", "A"),
    ("price < 1099", "D"),
    ("price <= 1099", "CD"),
    ("price == 699", "D"),
    ("price != 699", "ABC"),
    ("stock between 1 and 10", "AC"),
    ("price in [699, 1099]", "CD"),
    ("color == 'brown'", "A"),  # text ignores case
    ("color != 'Brown'", "BCD"),
    ("product_type contains 'BOOTS'", "AC"),
    ("title startswith 'bryggen'", "D"),
    ("title endswith 'boot'", "AC"),
    ("title matches '^(Fjell|Sol)'", "AB"),
    ("title matches '(?i)^troll'", "C"),
    ("age_group in ['kids', 'toddler']", "C"),
    ("color not in ['brown', 'white']", "CD"),
    ("gtin is empty", "BD"),
    ("color is not empty", "ABD"),
    ("on_sale", "A"),
    ("sale_active == false", "BCD"),
    ("discount_percent >= 20", "A"),  # (2499 - 1999) / 2499 = 20.0 %
    ("current_price < 2000 and price >= 2000", "A"),  # review #21: the price paid today is a field
    ("size >= 40", "BD"),  # a number compares text fields numerically
    ("weight_g > 500", "AC"),  # unknown weight matches no comparison
    ("not on_sale and stock > 0", "CD"),
    ("age_group == 'kids' or price > 2000", "AC"),
    ("not (product_type contains 'boots' or stock == 0)", "D"),
    ("(price > 1000 and stock > 5) or title contains 'slipper'", "AD"),
])
def test_each_operator(offers, condition, expected) -> None:
    mask = parse_condition(condition).evaluate(offers)
    assert "".join(offers.loc[mask, "sku"]) == expected


@pytest.mark.parametrize("condition, message, column", [
    ("colour == 'red'", "unknown field 'colour'", 1),
    ("price >= 'cheap'", "price is a number: compare it with a number", 10),
    ("color > 'm'", "> compares numbers", 9),
    ("price contains '9'", "price is a number", 16),
    ("title matches '(['", "bad regular expression", 15),
    ("price >= 1000 stock > 1", "unexpected 'stock' (missing 'and' / 'or'?)", 15),
    ("price between 200 and 100", "between needs two numbers, the lower first", 15),
    ("color in ['a', 1]", "a list mixes numbers and text", 10),
    ("(price > 1", "expected ')'", 11),
    ("on_sale == 'yes'", "on_sale is true or false", 12),
    ("color", "expected a comparison after 'color'", 6),
    ("price >= 1 and", "expected a field name, found 'the end'", 15),
    ("title == \"x", "cannot read", 10),
])
def test_expression_errors_point_at_the_spot(condition, message, column) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_condition(condition)
    assert message in str(caught.value) and caught.value.column == column


def write_rules(tmp_path, text: str):
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return load_rules(path, CONFIG)


def test_actions_templates_and_order(tmp_path, offers) -> None:
    rules = write_rules(tmp_path, '''
[[rule]]
name = "Brand and colour in titles"
set = { title = "{brand} {title} – {color}" }

[[rule]]
name = "Boots get a sub-type"
when = "product_type contains 'boots' and title contains 'brown'"   # sees the title rule's change
append = { product_type = "Brown" }

[[rule]]
name = "Stock label"
when = "stock < 5"
set.custom_label_3 = "low stock: {stock}"

[[rule]]
name = "Sold out"
when = "availability == 'out_of_stock'"
exclude = true
''')
    market = CONFIG.markets["NO"]
    result, diagnostics = apply_rules(rules, offers, market, "google")
    assert list(result["sku"]) == ["A", "C", "D"]
    titles = dict(zip(result["sku"], result["title"]))
    assert titles["A"] == "Alfa Sko Fjellvand Boot – Brown"
    assert titles["C"] == "Alfa Sko Troll Kids Boot"  # empty colour: no dangling " –"
    assert result.loc[result["sku"] == "A", "product_type"].item() == "Shoes > Boots > Hiking Boots > Brown"
    assert result.loc[result["sku"] == "C", "custom_label_3"].item() == "low stock: 2"
    assert result.loc[result["sku"] == "A", "custom_label_0"].item() == ""  # every label column exists
    assert [(d.rule_id, d.severity, d.sku, d.market, d.channel) for d in diagnostics] == [
        ("rules.excluded", "info", "B", "NO", "google")]
    assert "'Sold out' (line 16)" in diagnostics[0].message
    assert list(offers["title"]) == ["Fjellvand Boot", "Solstreif Sneaker", "Troll Kids Boot", "Bryggen Slipper"]  # input untouched


def test_template_tidies_only_around_empty_values(tmp_path, offers) -> None:
    rules = write_rules(tmp_path, '[[rule]]\nset = { title = "{title} – {color}" }\n')
    offers.loc[0, "title"] = "-20 °C Boot"
    result, _ = apply_rules(rules, offers, CONFIG.markets["NO"], "google")
    assert list(result["title"]) == ["-20 °C Boot – Brown", "Solstreif Sneaker – White", "Troll Kids Boot", "Bryggen Slipper – Grey"]


def test_scope_by_market_and_channel(tmp_path, offers) -> None:
    rules = write_rules(tmp_path, '''
[[rule]]
name = "Nordic Meta only"
markets = ["no", "SE"]
channels = ["Meta"]
exclude = true
''')
    no, se, de = (CONFIG.markets[m] for m in ("NO", "SE", "DE"))
    assert len(apply_rules(rules, offers, no, "meta")[0]) == 0
    assert len(apply_rules(rules, offers, se, "meta")[0]) == 0
    assert apply_rules(rules, offers, no, "google")[0] is offers  # nothing in scope: untouched
    assert len(apply_rules(rules, offers, de, "meta")[0]) == 4


@pytest.mark.parametrize("text, message, row", [
    ('[[rule]]\nname = "x"\nwhen = "colour == 1"\nexclude = true\n', "rule 1 (x).when: unknown field 'colour'", 3),
    ('[[rule]]\nexclude = true\n\n[[rule]]\nname = "y"\nwhen = "price >>= 1"\nexclude = true\n', "rule 2 (y).when: expected a value", 6),
    ('[[rule]]\nname = "x"\nmarkets = ["NO", "XX"]\nexclude = true\n', "unknown market 'XX' (known: NO, SE", 3),
    ('[[rule]]\nname = "x"\nchannels = ["snapchat"]\nexclude = true\n', "unknown channel 'snapchat' (known: google, meta, amazon, pinterest, tiktok, google_reviews, google_promotions)", 3),
    ('[[rule]]\nname = "x"\nset = { price = "1" }\n', "rule 1 (x).set.price: cannot be changed by a rule", 3),
    ('[[rule]]\nname = "x"\nset = { title = "{brand} {titel}" }\n', "unknown field {titel}", 3),
    ('[[rule]]\nname = "x"\nset = { title = "{brand" }\n', "unbalanced { }", 3),
    ('[[rule]]\nname = "x"\nwhen = "price > 1"\n', "does nothing", 1),
    ('[[rule]]\nname = "x"\nexclude = true\nset = { title = "t" }\n', "exclude = true with set/append", 1),
    ('[[rule]]\nname = "x"\nexclude = "yes"\n', "exclude: must be true or false", 3),
    ('[[rule]]\nname = "x"\nwhenever = "price > 1"\nexclude = true\n', "unknown key 'whenever'", 3),
    ('[rule]\nname = "x"\n', "write each one as [[rule]]", None),
    ('[[rule]\nname = "x"\n', "invalid TOML", 1),
])
def test_bad_rules_name_file_line_and_why(tmp_path, text, message, row) -> None:
    with pytest.raises(InputError) as caught:
        write_rules(tmp_path, text)
    assert caught.value.path == str(tmp_path / "rules.toml")
    assert message in caught.value.message and caught.value.row == row


def test_bad_rules_stop_the_build_before_anything_is_written(mini_project) -> None:
    (mini_project / "product_data" / "rules.toml").write_text('[[rule]]\nwhen = "stok > 1"\nexclude = true\n', encoding="utf-8")
    result = invoke(mini_project, "build", "-c", "google", "--as-of", "2026-11-22")
    assert result.exit_code == 2
    assert "rules.toml, row 2: rule 1 (rule 1).when: unknown field 'stok'" in result.output
    assert not (mini_project / "output" / "google").exists()


def test_rules_change_the_google_feed(mini_project) -> None:
    (mini_project / "product_data" / "rules.toml").write_text('''
[[rule]]
name = "Premium"
when = "price >= 2000"
markets = ["NO"]
set = { custom_label_0 = "premium", title = "{brand} {title} – {color}" }

[[rule]]
name = "No kids on Google US"
when = "age_group == 'kids'"
markets = ["US"]
channels = ["google"]
exclude = true
''', encoding="utf-8")
    result = build_project(mini_project, channels=["google"], market_ids=["NO", "US"])
    no = google_items(mini_project / "output" / "google" / "no.xml")
    us = google_items(mini_project / "output" / "google" / "us.xml")
    assert no["AS-1005-BLK-38"]["custom_label_0"] == ["premium"]  # GMC 6324473
    # templates see the market's localized text (the sample ships reviewed Norwegian)
    assert no["AS-1005-BLK-38"]["title"] == ["Alfa Sko Vinterly fôrede vintersko til dame – Svart"]
    assert "custom_label_0" not in no["AS-1026-BRN-40"]
    assert "AS-1022-BLK-28" in no and "AS-1022-BLK-28" not in us
    assert {d.sku for d in result.diagnostics if d.rule_id == "rules.excluded"} == {"AS-1022-BLK-28", "AS-1022-BLK-29"}


def test_long_custom_label_is_shortened_with_a_warning(mini_project) -> None:
    (mini_project / "product_data" / "rules.toml").write_text(
        '[[rule]]\nset = { custom_label_4 = "' + "campaign " * 15 + '" }\n', encoding="utf-8")
    result = build_project(mini_project, channels=["google"], market_ids=["NO"])
    label = google_items(mini_project / "output" / "google" / "no.xml")["AS-1026-BRN-40"]["custom_label_4"][0]
    assert len(label) <= 100 and label.endswith("…")
    assert {d.rule_id for d in result.diagnostics if d.severity == "warning"} >= {"google.custom_label_4.shortened"}


def test_sample_rules_keep_the_sample_build_clean(project) -> None:
    result = build_project(project, channels=["google"])
    assert result.diagnostics.errors == 0
    gb = google_items(project / "output" / "google" / "gb.xml")
    labels = {label for item in gb.values() for label in item.get("custom_label_2", [])}
    assert labels == {"premium", "core"}


def test_rules_check_is_a_dry_run(mini_project) -> None:
    result = invoke(mini_project, "rules", "check", "--as-of", "2026-11-22", "-m", "no,us")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    winter = next(line for line in lines if "Season: winter" in line)
    # 11 feeds (NO: google, meta, google_promotions, google_reviews; US: + amazon, pinterest, tiktok); 3 SKUs
    assert winter.split()[-4:] == ["11", "33", "33", "0"]
    assert "note: rule 5 'Price band: premium (DKK)' (line 34) matches no item" in result.output  # no DKK here
    assert not (mini_project / "output").exists() or not any((mini_project / "output").iterdir())
    detail = invoke(mini_project, "rules", "check", "--as-of", "2026-11-22", "-m", "us", "-c", "google", "--by-market")
    assert any(line.split()[-4:] == ["google", "5", "5", "0"] for line in detail.output.splitlines() if "core" in line)


def test_rules_check_help() -> None:
    from click.testing import CliRunner

    from feedgen.cli import main

    result = CliRunner().invoke(main, ["rules", "check", "--help"])
    assert result.exit_code == 0 and "--by-market" in result.output


def test_rules_check_without_a_rules_file(mini_project) -> None:
    (mini_project / "product_data" / "rules.toml").unlink()
    result = invoke(mini_project, "rules", "check")
    assert result.exit_code == 2 and "rules.toml: file not found" in result.output


def test_golden_feeds_carry_the_sample_labels(mini_project) -> None:
    build_project(mini_project, channels=["google"], market_ids=["NO"])
    assert_golden(mini_project / "output" / "google" / "no.xml", GOLDEN / "google" / "no.xml")
