"""A deterministic synthetic catalogue of N SKUs with realistic field lengths, for benchmarks."""

from __future__ import annotations

import csv
import random
import re
import shutil
from pathlib import Path

from feedgen.load.gtin import check_digit

COLOURS = ["Black", "Brown", "Cognac", "Navy", "Olive", "Grey", "Sand", "White", "Burgundy", "Forest Green"]
KINDS = [
    ("Hiking Boots", "Shoes > Boots > Hiking Boots", 2199, 3299, "Nubuck/Textile"),
    ("Winter Boots", "Shoes > Boots > Winter Boots", 1999, 2799, "Suede/Wool"),
    ("Sneakers", "Shoes > Sneakers", 1099, 1599, "Leather"),
    ("Loafers", "Shoes > Loafers", 1499, 2199, "Leather"),
    ("Sandals", "Shoes > Sandals", 699, 999, "Leather/Rubber"),
    ("Chelsea Boots", "Shoes > Boots > Chelsea Boots", 1899, 2599, "Suede"),
]
RUNS = {("female", "adult"): range(36, 43), ("male", "adult"): range(40, 48), ("unisex", "kids"): range(28, 36)}
WORDS = ("trail coast granite fjord weather leather sole lining membrane comfort grip warmth stitch heel toe "
         "insole rubber winter summer city mountain light durable waterproof breathable classic").split()
COLUMNS = ["sku", "style_id", "gtin", "mpn", "brand", "title", "description", "color", "size", "gender", "age_group",
           "material", "product_type", "google_product_category", "image_link", "additional_image_links", "price",
           "sale_price", "sale_start", "sale_end", "stock", "weight_g", "country_of_origin", "features", "rating",
           "review_count", "handle"]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def write_catalogue(path: Path, skus: int, seed: int = 7) -> int:
    """Write about `skus` rows (whole styles) and return the exact count."""
    rng = random.Random(seed)
    written = 0
    style = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        while written < skus:
            style += 1
            kind, product_type, low, high, material = KINDS[style % len(KINDS)]
            (gender, age), sizes = list(RUNS.items())[style % len(RUNS)]
            style_id = f"SY-{style:06d}"
            title = f"Model {style} {'Women' if gender == 'female' else 'Men' if gender == 'male' else 'Kids'}'s {kind}"
            description = " ".join(sentence(rng, rng.randint(12, 22)) for _ in range(rng.randint(3, 5)))
            features = "|".join(sentence(rng, rng.randint(5, 10)) for _ in range(4))
            price = rng.randrange(low, high, 100) + 99
            on_sale = rng.random() < 0.15
            for colour in rng.sample(COLOURS, rng.randint(2, 3)):
                code = colour[:3].upper()
                for size in sizes:
                    if written >= skus:
                        break
                    body = f"709451{(written % 10**6):06d}"
                    sku = f"{style_id}-{code}-{size}"
                    base = f"https://images.alfasko.no/products/{style_id.lower()}/{code.lower()}"
                    writer.writerow([
                        sku, style_id, body + str(check_digit(body)), sku.replace("-", ""), "Alfa Sko", title,
                        description, colour, size, gender, age, material, product_type, "187", f"{base}/1.jpg",
                        "|".join(f"{base}/{n}.jpg" for n in range(2, 5)), f"{price}.00",
                        f"{int(price * 0.7) // 10 * 10 + 9}.00" if on_sale else "",
                        "2026-11-20" if on_sale else "", "2026-12-31" if on_sale else "",
                        0 if rng.random() < 0.08 else rng.randint(1, 60), 700 + 20 * (size - 28), "PT", features,
                        f"{rng.uniform(3.8, 4.9):.1f}", rng.randint(5, 900), f"model-{style}",
                    ])
                    written += 1
    return written


def write_project(data_dir: Path, skus: int, sample: Path) -> int:
    """A project folder: the sample's markets, FX rates and size chart, `skus` synthetic SKUs, and
    the sample's landing-page campaigns pointed at synthetic styles. No translations: every market
    says untranslated = "source", so foreign markets carry every item in the source text (one
    warning each) and the build does the full work of each market."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in ("markets.toml", "fx_rates.csv", "size_chart.csv"):
        shutil.copy(sample / name, data_dir / name)
    markets = data_dir / "markets.toml"
    markets.write_text(re.sub(r"(?m)^(\[markets\.[A-Z]{2}\]\n)", '\\1untranslated = "source"\n',
                              markets.read_text(encoding="utf-8")), encoding="utf-8")
    campaigns = (sample / "landing_pages.toml").read_text(encoding="utf-8")
    styles = iter(f"SY-{n:06d}" for n in range(1, 100))
    campaigns = re.sub(r'"AS-\d+"', lambda match: f'"{next(styles)}"', campaigns)
    (data_dir / "landing_pages.toml").write_text(campaigns, encoding="utf-8")
    return write_catalogue(data_dir / "catalogue.csv", skus)
