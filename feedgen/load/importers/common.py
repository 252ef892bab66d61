"""What every importer needs: plain text from HTML, size/colour option names, gender and age hints.

Platform exports say things in the shop's language and in marketing words ("Dame", "Women's",
"Barn"); these helpers turn them into the catalogue's values and say so in a diagnostic, so a
guess is never silent.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from feedgen.load.catalogue_columns import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from feedgen.load.categories import kind_column, known_category
from feedgen.columns import map_distinct
from feedgen.diagnostics import Diagnostic
from feedgen.load.sizes import CHILD_AGE_GROUPS
from feedgen.text import strip_html

NATIVE_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Option / attribute names, compared case-folded. Shops name options in their own language.
SIZE_NAMES = frozenset({
    "size", "shoe size", "eu size", "størrelse", "storlek", "storlek eu", "skostørrelse", "koko", "kenkäkoko",
    "größe", "grösse", "groesse", "schuhgröße", "maat", "schoenmaat", "taille", "pointure", "talla", "taglia", "misura",
    "ring size", "ringstørrelse", "ringstorlek", "ringgröße",
})
COLOR_NAMES = frozenset({
    "color", "colour", "farge", "färg", "farve", "väri", "farbe", "kleur", "couleur", "colore",
})
MATERIAL_NAMES = frozenset({"material", "materiale", "materiaali", "materiaal", "matériau", "materiale principale",
                            "metal", "metal type"})  # jewellery shops name the material "Metal"
GENDER_NAMES = frozenset({"gender", "kjønn", "kön", "køn", "sukupuoli", "geschlecht", "geslacht"})

# Words that say who a product is for, whole words only, case-folded.
_FEMALE = r"women|womens|woman|ladies|lady|female|girls?|dame|damer|dames|dam|damen|naiset|naisten|jente|jenter|flicka|pige"
_MALE = r"men|mens|man|male|boys?|herre|herrer|herr|herren|heren|miehet|miesten|gutt|gutter|pojke|dreng"
_UNISEX = r"unisex"
_KIDS = r"kids?|children|child|junior|youth|barn|børn|lapset|lasten|kinder|kinderen|enfants?|boys?|girls?|gutt|jente|pojke|flicka"
_TODDLER = r"toddlers?|småbarn|kleinkind"
_INFANT = r"baby|babies|infants?|spedbarn|vauva"
_WORD = r"(?<![\w])(?:{})(?![\w])"
FEMALE_WORDS = re.compile(_WORD.format(_FEMALE))
MALE_WORDS = re.compile(_WORD.format(_MALE))
UNISEX_WORDS = re.compile(_WORD.format(_UNISEX))
AGE_WORDS = (("infant", re.compile(_WORD.format(_INFANT))), ("toddler", re.compile(_WORD.format(_TODDLER))),
             ("kids", re.compile(_WORD.format(_KIDS))))
GENDER_VALUES = {"female": "female", "male": "male", "unisex": "unisex", "women": "female", "men": "male",
                 "woman": "female", "man": "male", "dame": "female", "herre": "male"}
AGE_VALUES = ("newborn", "infant", "toddler", "kids", "adult")


@dataclass
class ImportLog:
    """Diagnostics of one import, all with rule ids `import.<field>.<problem>`."""

    source: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)  # [defaults] of the mapping file (and the project brand)
    mapping: str = "mapping.toml"  # the mapping file's name, for messages that say where a default goes

    def default_hint(self, field_name: str, example: str) -> str:
        """'; fix: …' naming the [defaults] line that settles a field for the whole export."""
        return f"; fix: set it in the shop, or for the whole export add {field_name} = \"{example}\" under [defaults] in {self.mapping}"

    def add(self, rule: str, severity: str, message: str, sku: str = "", field_name: str = "") -> None:
        self.diagnostics.append(Diagnostic(f"import.{rule}", severity, message, sku=sku, field=field_name))

    def per_sku(self, rule: str, severity: str, skus, message: str, field_name: str = "") -> None:
        for sku in skus:
            self.add(rule, severity, message, sku=sku, field_name=field_name)


def plain_text(value: str) -> str:
    """Shop descriptions are HTML (with entities); feeds want plain text."""
    if "<" in value:
        return strip_html(value)
    return html.unescape(value) if "&" in value else value


def plain_text_column(values: pd.Series) -> pd.Series:
    return map_distinct(values, plain_text)


def option_kind(name: str) -> str:
    """'size', 'color', 'material', 'gender' or '' for an option/attribute name in any case or language."""
    key = " ".join(name.casefold().replace("_", " ").split())
    key = key.removeprefix("pa ")  # WooCommerce global attributes are exported as their label, but be lenient
    for kind, names in (("size", SIZE_NAMES), ("color", COLOR_NAMES), ("material", MATERIAL_NAMES), ("gender", GENDER_NAMES)):
        if key in names:
            return kind
    return ""


_EU_SIZE = re.compile(r"^(?:eu\s*)?(\d{1,2}(?:[.,]\d)?)(?:\s*eu)?$", re.IGNORECASE)


def eu_size(value: str) -> str:
    """'EU 38', '38 EU', '38,5' -> '38' / '38.5'; anything else is kept as written."""
    match = _EU_SIZE.match(value.strip())
    return match[1].replace(",", ".") if match else value.strip()


def normalise_gender(value: str) -> str:
    return GENDER_VALUES.get(value.strip().casefold(), "")


def infer_gender(hints: pd.Series) -> pd.Series:
    """From words in type/tags/title: both or 'unisex' -> unisex; '' when nothing says."""
    text = hints.str.casefold()
    female = text.str.contains(FEMALE_WORDS)
    male = text.str.contains(MALE_WORDS)
    unisex = text.str.contains(UNISEX_WORDS)
    result = pd.Series("", index=hints.index, dtype=object)
    result[female] = "female"
    result[male] = "male"
    result[(female & male) | unisex] = "unisex"
    return result


def infer_age_group(hints: pd.Series) -> pd.Series:
    """infant / toddler / kids from words; '' when nothing says (the caller assumes adult)."""
    text = hints.str.casefold()
    result = pd.Series("", index=hints.index, dtype=object)
    for age, pattern in reversed(AGE_WORDS):  # most specific last, so it wins
        result[text.str.contains(pattern)] = age
    return result


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by dashes, for ids made up from option values."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def wordpress_slug(title: str) -> str:
    """The slug WordPress gives a title by default (sanitize_title_with_dashes): accents dropped,
    entities and punctuation removed (not dashed: "Women's" -> "womens"), spaces to dashes."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"&.+?;", "", text).replace(".", "-")
    text = re.sub(r"[^a-z0-9 _-]", "", text)
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", text)).strip("-")


def first_nonempty_by(values: pd.Series, groups: pd.Series) -> pd.Series:
    """For each row, the first non-empty value of its group (the product row a variant inherits from)."""
    present = values.where(values.ne(""))
    return present.groupby(groups, sort=False).transform("first").fillna("").astype(object)


def inherit(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Keep a row's own value; fill blanks from its group's first non-empty value."""
    return values.where(values.ne(""), first_nonempty_by(values, groups))


def resolve_gender_age(frame: pd.DataFrame, hints: pd.Series, log: ImportLog) -> None:
    """Fill `age_group` and `gender` where the export left them blank, from words in `hints`.

    A field with a [defaults] value is left blank here for `finish` to fill, without a guess and
    without a warning: once the user has set the default, the warning that asked for it is gone."""
    blank_age = frame["age_group"].eq("")
    age = infer_age_group(hints)
    found = blank_age & age.ne("")
    frame.loc[found, "age_group"] = age[found]
    log.per_sku("age_group.inferred", "info", frame.loc[found, "sku"],
                "age group inferred from the product's type, tags or title", "age_group")
    assumed = blank_age & age.eq("")
    if "age_group" not in log.defaults:
        frame.loc[assumed, "age_group"] = "adult"
        log.per_sku("age_group.assumed", "info", frame.loc[assumed, "sku"],
                    "no age group in the export and no kids' words: assumed adult" + log.default_hint("age_group", "adult"),
                    "age_group")

    blank_gender = frame["gender"].eq("")
    guessed = infer_gender(hints)
    children = blank_gender & guessed.eq("") & frame["age_group"].isin(CHILD_AGE_GROUPS)
    guessed[children] = "unisex"  # children's shoes that name neither boys nor girls are for both
    found = blank_gender & guessed.ne("")
    frame.loc[found, "gender"] = guessed[found]
    log.per_sku("gender.inferred", "info", frame.loc[found, "sku"],
                "gender inferred from the product's type, tags or title", "gender")
    unknown = blank_gender & guessed.eq("")
    if "google_product_category" in frame.columns:  # a known category outside apparel needs no gender (GMC 6324479)
        category = frame["google_product_category"].astype(str)
        unknown &= ~(map_distinct(category, known_category) & kind_column(category).eq(""))
    if "gender" not in log.defaults:
        log.per_sku("gender.unknown", "warning", frame.loc[unknown, "sku"],
                    "no gender in the export and none in the product's type, tags or title"
                    + log.default_hint("gender", "unisex"), "gender")


def unique_skus(frame: pd.DataFrame, log: ImportLog) -> pd.DataFrame:
    """A feed id must be unique: keep the first row of a repeated SKU, report the others."""
    repeated = frame["sku"].ne("") & frame["sku"].duplicated(keep="first")
    for sku, row in frame.loc[repeated, ["sku", "source_row"]].itertuples(index=False):
        log.add("sku.duplicate", "error", f"sku {sku!r} appears again on row {row}; that row was skipped", sku=sku, field_name="sku")
    return frame.loc[~repeated]


def finish(frame: pd.DataFrame, defaults: dict[str, str], log: ImportLog) -> pd.DataFrame:
    """Native columns only, all strings, defaults filled, SKUs unique."""
    for column in NATIVE_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str).str.strip()
    for column, value in defaults.items():
        blank = frame[column].eq("")
        if blank.any():
            frame.loc[blank, column] = value
            log.add(f"{column}.default", "info", f"{int(blank.sum())} item(s) without {column} use the default {value!r}",
                    field_name=column)
    frame = unique_skus(frame.reset_index(drop=True), log)
    return frame[["source_row", *NATIVE_COLUMNS]].reset_index(drop=True)
