"""categories.toml: product_type prefix -> google_product_category / fb_product_category; defaults; errors.

Google ids from the taxonomy file (GMC 6324436): 187 = Apparel & Accessories > Shoes.
"""

from __future__ import annotations

import pandas as pd
import pytest

from feedgen.load.categories import apply_categories, load_categories
from feedgen.errors import InputError

from .conftest import SAMPLE_DATA, write_catalogue
from .helpers import build_project, google_items


def items(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"product_type": [r[0] for r in rows], "google_product_category": [r[1] for r in rows]})


def write(tmp_path, text: str):
    path = tmp_path / "categories.toml"
    path.write_text(text, encoding="utf-8")
    return load_categories(path)


def test_longest_prefix_wins_and_explicit_categories_stay(tmp_path) -> None:
    categories = write(tmp_path, '''
[default]
google = 166
meta = "Clothing & Accessories"

[product_types]
"Shoes" = { google = 187, meta = "shoes-path" }
"shoes > socks" = { google = "Apparel & Accessories > Clothing > Underwear & Socks > Socks" }
"Shoes>Kids" = { meta = "kids-path" }
''')
    frame = items(
        ("Shoes > Boots > Hiking Boots", ""),   # "Shoes"
        ("Shoes > Socks > Wool", ""),           # the longer "Shoes > Socks" (case and spacing ignored)
        ("Shoes > Kids > Boots", ""),           # meta only: Google from nothing -> default
        ("Shoessss", ""),                       # whole segments only: no match
        ("Shoes > Sandals", "1604"),            # an explicit category always wins
    )
    diagnostics = apply_categories(frame, categories)
    assert list(frame["google_product_category"]) == [
        "187", "Apparel & Accessories > Clothing > Underwear & Socks > Socks", "166", "166", "1604"]
    assert list(frame["fb_product_category"]) == ["shoes-path", "", "kids-path", "Clothing & Accessories", "shoes-path"]
    assert [(d.rule_id, d.severity) for d in diagnostics] == [("category.unmapped", "warning")] * 2
    message = next(d.message for d in diagnostics if "'Shoessss'" in d.message)
    assert message.startswith("1 item(s) with product_type 'Shoessss' have no Google category: sent with the [default] "
                              "google_product_category 166; fix: map the product type under [product_types] in categories.toml")


def test_without_a_file_nothing_is_invented(tmp_path) -> None:
    """Issue #14, defect 2: product types that map to nothing were sent as Shoes (187). Without a mapping
    or a [default], google_product_category stays empty: Google assigns one (GMC 6324436)."""
    categories = load_categories(tmp_path / "categories.toml")
    frame = items(("Sneakers", ""), ("Sneakers", ""), ("Boots", "187"), ("Home & Garden > Decor > Vases", ""))
    diagnostics = apply_categories(frame, categories)
    # a product type that is a Google taxonomy path (Shopify's Product Category names) is that category
    assert list(frame["google_product_category"]) == ["", "", "187", "602"]
    assert len(diagnostics) == 1 and "2 item(s) with product_type 'Sneakers'" in diagnostics[0].message
    assert "sent without google_product_category (Google assigns one" in diagnostics[0].message
    assert diagnostics[0].message.endswith("fix: map the product type under [product_types] in categories.toml, "
                                           "e.g. 'Sneakers' = { google = 187 }")


def test_a_category_outside_the_taxonomy_is_a_warning(tmp_path) -> None:
    frame = items(("Boots", "99999"), ("Boots", "Apparel & Accessories > Shoes"))
    diagnostics = apply_categories(frame, load_categories(tmp_path / "categories.toml"))
    assert [(d.rule_id, d.severity) for d in diagnostics] == [("category.unknown", "warning")]
    assert "'99999', which is not in Google's product taxonomy" in diagnostics[0].message


@pytest.mark.parametrize("category, kind", [
    ("187", "shoes"), ("Apparel & Accessories > Shoes", "shoes"), ("1604", "clothing"), ("212", "clothing"),
    ("188", "apparel"),                       # Jewelry is Apparel & Accessories: colour, gender, age group
    ("5123", "accessory"),                    # watch bands: gender and age group optional (GMC 6324479)
    ("536", ""), ("Home & Garden > Decor", ""), ("", ""), ("99999", ""),
])
def test_category_kind_follows_the_taxonomy_subtree(category, kind) -> None:
    from feedgen.load.categories import category_kind
    assert category_kind(category) == kind


@pytest.mark.parametrize("text, message, row", [
    ('[product_types]\n"Shoes" = { gogle = 187 }\n', "unknown key 'gogle' (allowed: google, meta)", 2),
    ('[product_types]\n"Shoes" = 187\n', "must be a table like { google = 187 }", 2),
    ('[product_types]\n"Shoes" = { google = true }\n', "must be a category id or path", 2),
    ('[product_types]\n"Shoes" = { google = 187 }\n"shoes" = { google = 187 }\n', "the same prefix twice", 3),
    ('[defaults]\ngoogle = 187\n', "unknown table [defaults]", 1),
    ('[default]\ngoogle = -1\n', "-1 is not a category id", 2),
])
def test_bad_file_names_line_and_why(tmp_path, text, message, row) -> None:
    with pytest.raises(InputError) as caught:
        write(tmp_path, text)
    assert message in caught.value.message and caught.value.row == row


def test_sample_file_maps_every_sample_product_type() -> None:
    categories = load_categories(SAMPLE_DATA / "categories.toml")
    catalogue = pd.read_csv(SAMPLE_DATA / "catalogue.csv", dtype=str, keep_default_na=False)
    assert all(categories.lookup(t) for t in catalogue["product_type"].unique())


def test_empty_categories_are_filled_in_the_feed(project) -> None:
    """The sample's categories.toml has no [default]: 'Umbrellas' is sent without a category, with a warning."""
    write_catalogue(project / "product_data" / "catalogue.csv", [
        {"sku": "A", "google_product_category": "", "product_type": "Shoes > Sneakers"},
        {"sku": "B", "google_product_category": "", "product_type": "Umbrellas"},
    ])
    result = build_project(project, channels=["google"], market_ids=["NO"])
    feed = google_items(project / "output" / "google" / "no.xml")
    assert feed["A"]["google_product_category"] == ["187"] and "google_product_category" not in feed["B"]
    unmapped = [d for d in result.diagnostics if d.rule_id == "category.unmapped"]
    assert len(unmapped) == 1 and "'Umbrellas'" in unmapped[0].message
