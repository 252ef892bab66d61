"""What there is to translate: product text from the catalogue, UI strings from templates.

Product entries are keyed so a translator sees the style and field (msgctxt "AS-1001:title") and
get an extracted comment naming the product and the tightest channel length limit. msgids are
exactly the texts the catalogue loader produces, so the build can look them up without guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from jinja2 import TemplateSyntaxError

from feedgen.errors import InputError
from feedgen.i18n import MESSAGES, PRODUCTS
from feedgen.i18n.catalogues import Key, new_catalogue

FEATURE_SEPARATOR = "|"
STYLE_FIELDS = ("title", "description")  # one entry per distinct text of a style; features one per bullet
VALUE_FIELDS = ("color", "material")
PRODUCT_TYPE = "product_type"  # msgctxt of one level of a product_type path ("Shoes > Boots"): one entry per level
PRODUCT_TYPE_SEPARATOR = " > "  # one entry per distinct value, shared by every style
FIELD_NOTES = {
    "title": "product title",
    "description": 'description, plain text; keep the line breaks and the "• " list bullets',
    "feature": "feature bullet",
    "color": 'colour name; "A/B" names two colours, keep the "/"',
    "material": 'material; "A/B" names two materials, keep the "/"',
    PRODUCT_TYPE: 'one level of the shop\'s product type path (Google/Meta product_type, e.g. "Shoes > Boots"); '
                  "a plural category name, no \">\"",
}
MAX_STYLES_NAMED = 6


@dataclass(frozen=True)
class SourceText:
    context: str
    text: str
    comment: str

    @property
    def key(self) -> Key:
        return (self.context, self.text)


def split_features(value: str) -> list[str]:
    return [bullet.strip() for bullet in value.split(FEATURE_SEPARATOR) if bullet.strip()]


def channel_limits() -> dict[str, list[tuple[str, int]]]:
    """field -> [(channel, max characters)] from each channel's own `text_limits` (platform facts stay there)."""
    from feedgen.channels import CHANNELS

    limits: dict[str, list[tuple[str, int]]] = {}
    for name, channel in sorted(CHANNELS.items()):
        for field, limit in channel.text_limits.items():
            limits.setdefault(field, []).append((name, limit))
    return limits


def _limit_note(field: str, limits: dict[str, list[tuple[str, int]]]) -> str:
    entries = sorted(limits.get(field, []), key=lambda pair: (pair[1], pair[0]))
    if not entries:
        return ""
    unit = " per colour" if field == "color" else ""
    return " Limit: " + ", ".join(f"{channel} {limit} characters{unit}" for channel, limit in entries) + "."


def product_sources(items: pd.DataFrame) -> list[SourceText]:
    """Every distinct translatable product text, in a stable order: styles by id, then shared values.

    Every row counts, not one per style: variants of a style may have their own title ("… – Grey"),
    description or bullets, and the build looks each of them up by (style:field, text)."""
    limits = channel_limits()
    texts = items.drop_duplicates(["style_id", *STYLE_FIELDS, "features"]).sort_values("style_id", kind="stable")
    sources: dict[Key, SourceText] = {}

    def add(context: str, text: str, comment: str) -> None:
        if text and (context, text) not in sources:
            sources[(context, text)] = SourceText(context, text, comment)

    for style in texts.itertuples(index=False):
        label = f'{style.style_id} "{style.title}"'
        for field in STYLE_FIELDS:
            add(f"{style.style_id}:{field}", getattr(style, field), f"{label}: {FIELD_NOTES[field]}.{_limit_note(field, limits)}")
        bullets = split_features(style.features)
        for number, bullet in enumerate(bullets, 1):
            add(f"{style.style_id}:feature", bullet,
                f'{label}: {FIELD_NOTES["feature"]} {number} of {len(bullets)}, one line (no "|").{_limit_note("features", limits)}')
    for field in VALUE_FIELDS:
        used_by = items.loc[items[field].ne(""), ["style_id", field]].drop_duplicates()
        for value, group in sorted(used_by.groupby(field)["style_id"], key=lambda pair: pair[0]):
            ids = sorted(group)
            named = ", ".join(ids[:MAX_STYLES_NAMED]) + (f" (+{len(ids) - MAX_STYLES_NAMED} more)" if len(ids) > MAX_STYLES_NAMED else "")
            add(field, value, f"{FIELD_NOTES[field]}.{_limit_note(field, limits)} Used by {named}.")
    if PRODUCT_TYPE in items.columns:
        levels = sorted({level for path in items[PRODUCT_TYPE].unique() for level in split_product_type(path)})
        for level in levels:
            add(PRODUCT_TYPE, level, FIELD_NOTES[PRODUCT_TYPE] + ".")
    return list(sources.values())


def split_product_type(path: str) -> list[str]:
    return [level.strip() for level in str(path or "").split(">") if level.strip()]


def product_template(sources: list[SourceText], project: str) -> Catalog:
    template = new_catalogue(None, project, PRODUCTS)
    template.header_comment = (
        f"# Translation template: {project}.\n"
        "# Written by `feedgen translations extract` from the catalogue; do not edit by hand.\n"
        "# msgctxt is <style_id>:<field> (title, description, feature) or color / material."
    )
    for source in sources:
        template.add(source.text, context=source.context, auto_comments=[source.comment])
    return template


# ----------------------------------------------------------------------------- UI strings
def ui_template(mapping: Path, source_dir: Path, project: str) -> Catalog:
    """Extract UI strings like `pybabel extract -F mapping source_dir`, failing loudly on a broken template.

    babel.cfg must set `silent = false` for Jinja2 (its default silently skips templates with
    syntax errors) and the same newstyle/trimmed options as the runtime (see feedgen.i18n.ui).
    """
    try:
        with mapping.open(encoding="utf-8") as handle:
            method_map, options_map = parse_mapping_cfg(handle, filename=str(mapping))
    except FileNotFoundError:
        raise InputError(mapping, "mapping file not found (a babel.cfg with [python: …] / [jinja2: …] sections)") from None
    template = new_catalogue(None, project, MESSAGES)
    current = {"file": str(source_dir)}

    def remember(filename: str, method: str, options: dict) -> None:
        current["file"] = filename

    try:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(source_dir), method_map, options_map, keywords=DEFAULT_KEYWORDS,
            comment_tags=("TRANSLATORS:",), callback=remember, strip_comment_tags=True,
        ):
            template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    except TemplateSyntaxError as exc:  # with silent = false a broken template stops extraction
        raise InputError(source_dir / current["file"], f"template syntax error: {exc.message}", row=exc.lineno) from None
    except ValueError as exc:  # e.g. "Unknown extraction method 'jinja2'" when Jinja2 is missing
        raise InputError(mapping, f"cannot extract UI strings: {exc}") from None
    return template
