#!/usr/bin/env python3
"""Generate the sample product catalogue for the fictional brand *Alfa Sko*.

Writes ``product_data/catalogue.csv`` (one row per SKU, sorted by SKU).

The script is fully deterministic: every style, colour, price, text and rating is
hand-authored in the tables below, and the per-variant values (GTIN, stock,
weight, image links) are derived from those tables with pure functions
(stock uses an MD5 hash of the SKU, never a random generator).  Running it
twice produces byte-identical output.  Standard library only.

Usage:
    python tools/make_sample_catalogue.py [--output PATH]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "product_data" / "catalogue.csv"

BRAND = "Alfa Sko"
GOOGLE_PRODUCT_CATEGORY = "187"  # Apparel & Accessories > Shoes
IMAGE_BASE = "https://images.alfasko.no/products"

# Fictional GS1 company prefix under Norway's GS1 range (70).  With a 7-digit
# company prefix we have a 5-digit item reference: SS C ZZ
#   SS = style number - 1000 (01..99), C = colour index, ZZ = size index.
GS1_COMPANY_PREFIX = "7094512"

COLUMNS = [
    "sku", "style_id", "gtin", "mpn", "brand", "title", "description", "color",
    "size", "gender", "age_group", "material", "product_type",
    "google_product_category", "image_link", "additional_image_links", "price",
    "sale_price", "sale_start", "sale_end", "stock", "weight_g",
    "country_of_origin", "features", "rating", "review_count", "handle",
]

# Colour code -> English colour name (fixed vocabulary).
COLOURS = {
    "BLK": "Black",
    "BRN": "Brown",
    "COG": "Cognac",
    "NAV": "Navy",
    "OLV": "Olive",
    "GRY": "Grey",
    "SND": "Sand",
    "WHT": "White",
    "BUR": "Burgundy",
    "FGR": "Forest Green",
    "RED": "Red",
    "BLU": "Blue",
    "PNK": "Pink",
    "YLW": "Yellow",
    "NVW": "Navy/White",
    "PKW": "Pink/White",
}

# EU size runs (whole sizes only) and the reference size used for weights.
SIZE_RUNS = {
    "women": (list(range(36, 43)), 38),   # 36-42
    "men": (list(range(40, 48)), 42),     # 40-47
    "kids": (list(range(28, 36)), 31),    # 28-35
    "unisex": (list(range(36, 47)), 40),  # 36-46
}

# fit -> (gender, age_group)
FIT = {
    "women": ("female", "adult"),
    "men": ("male", "adult"),
    "unisex": ("unisex", "adult"),
    "kids": ("unisex", "kids"),
}

PT_HIKING = "Shoes > Boots > Hiking Boots"
PT_WINTER = "Shoes > Boots > Winter Boots"
PT_CHELSEA = "Shoes > Boots > Chelsea Boots"
PT_RAIN = "Shoes > Boots > Rain Boots"
PT_SNEAKERS = "Shoes > Sneakers"
PT_LOAFERS = "Shoes > Loafers"
PT_SANDALS = "Shoes > Sandals"
PT_SLIPPERS = "Shoes > Slippers"
PT_KIDS_BOOTS = "Shoes > Kids > Boots"
PT_KIDS_RAIN = "Shoes > Kids > Rain Boots"
PT_KIDS_SNEAKERS = "Shoes > Kids > Sneakers"

# ---------------------------------------------------------------------------
# Style table.  Fields:
#   id, title, handle, fit, product_type, material, origin, price (NOK incl.
#   VAT), colours, weight_g at the run's reference size (per pair), number of
#   images per colour (3-5), rating, review_count, description, features.
# Rating/review_count of None means "new style, no reviews yet".
# ---------------------------------------------------------------------------
STYLES = [
    dict(
        id="AS-1001",
        title="Fjellvand Women's Waterproof Hiking Boots",
        handle="fjellvand-womens-waterproof-hiking-boots",
        fit="women", product_type=PT_HIKING, material="Nubuck/Textile",
        origin="PT", price=2499, colours=["BRN", "GRY"], weight=1080, images=5,
        rating="4.6", reviews=412,
        description=(
            "Built for long days on Norway's coastal trails, the Fjellvand pairs "
            "full-grain nubuck with abrasion-resistant textile panels and a "
            "waterproof, breathable membrane that keeps out bog water and sleet. "
            "A women's-specific last gives a snug heel and a roomy toe box, while "
            "the dual-density midsole and rubber lug sole grip wet granite without "
            "feeling stiff on the first outing."
        ),
        features=[
            "Waterproof, breathable membrane sealed to a gusseted tongue",
            "Full-grain nubuck upper with abrasion-resistant textile panels",
            "Women's-specific last with a locked-in heel and roomy toe box",
            "Dual-density EVA midsole for all-day cushioning",
            "Multidirectional rubber lug sole for wet rock and gravel",
        ],
    ),
    dict(
        id="AS-1002",
        title="Fjellvand Men's Waterproof Hiking Boots",
        handle="fjellvand-mens-waterproof-hiking-boots",
        fit="men", product_type=PT_HIKING, material="Nubuck/Textile",
        origin="PT", price=2599, colours=["BRN", "OLV", "BLK"], weight=1290,
        images=5, rating="4.7", reviews=868,
        # One of exactly two styles with an HTML description (feeds must strip it).
        description=(
            "<p>The men's Fjellvand is our best-selling three-season hiking boot, "
            "made for everything from forest paths above Bergen to scree-covered "
            "ridges in Jotunheimen.</p>"
            "<ul><li>Full-grain nubuck and textile upper</li>"
            "<li>Waterproof, breathable membrane</li>"
            "<li>Cushioned EVA midsole with a supportive TPU shank</li>"
            "<li>Rubber lug sole with a self-cleaning tread pattern</li></ul>"
        ),
        features=[
            "Full-grain nubuck and textile upper with protective toe cap",
            "Waterproof, breathable membrane for wet Nordic conditions",
            "Cushioned EVA midsole with supportive TPU shank",
            "Self-cleaning rubber lug sole that sheds mud",
        ],
    ),
    dict(
        id="AS-1003",
        title="Trolltunga Men's Leather Mountain Boots",
        handle="trolltunga-mens-leather-mountain-boots",
        fit="men", product_type=PT_HIKING, material="Leather",
        origin="IT", price=3299, colours=["BRN", "BLK"], weight=1560, images=4,
        rating="4.8", reviews=156,
        description=(
            "The Trolltunga is a stiff, supportive boot for off-trail scrambles and "
            "multi-day treks with a heavy pack. Its 2.6 mm full-grain leather upper "
            "is cut from a single hide to minimise seams, backed by a waterproof "
            "membrane and a protective rubber rand. A half-length nylon shank and a "
            "rockered rubber lug sole give precision on rock and stability under load."
        ),
        features=[
            "One-piece 2.6 mm full-grain leather upper with minimal seams",
            "Waterproof membrane and protective rubber rand",
            "Half-length nylon shank for stability under a heavy pack",
            "Rockered rubber lug sole with a defined heel brake",
            "Compatible with strap-on crampons",
        ],
    ),
    dict(
        id="AS-1004",
        title="Rondane Women's Lightweight Hiking Boots",
        handle="rondane-womens-lightweight-hiking-boots",
        fit="women", product_type=PT_HIKING, material="Suede/Textile",
        origin="VN", price=2199, colours=["GRY", "FGR"], weight=860, images=4,
        rating="4.4", reviews=203,
        description=(
            "Weighing well under a kilo per pair, the Rondane is a nimble mid-cut "
            "boot for day hikes, hut-to-hut walks and travel. A breathable mesh and "
            "suede upper dries quickly after stream crossings, and the waterproof "
            "membrane handles wet grass and morning dew. The cushioned midsole and "
            "flexible rubber sole feel comfortable straight out of the box, with no "
            "break-in period needed."
        ),
        features=[
            "Mid-cut design weighing around 860 g per pair in size 38",
            "Quick-drying suede and mesh upper with waterproof membrane",
            "Cushioned midsole that is comfortable straight out of the box",
            "Flexible rubber sole with shallow lugs for mixed terrain",
        ],
    ),
    dict(
        id="AS-1005",
        title="Vinterly Women's Insulated Winter Boots",
        handle="vinterly-womens-insulated-winter-boots",
        fit="women", product_type=PT_WINTER, material="Suede/Wool",
        origin="RO", price=2299, colours=["BLK", "BRN", "SND"], weight=1180,
        images=4, rating="4.5", reviews=537,
        description=(
            "Vinterly is the boot we reach for from the first frost until the snow "
            "melts. Water-repellent suede sits over a waterproof membrane, and a "
            "removable felted wool insole adds warmth underfoot while wicking "
            "moisture on long days. The rubber sole uses a soft winter compound with "
            "fine siping that stays flexible and grippy on packed snow down to -20 °C."
        ),
        features=[
            "Water-repellent suede upper with waterproof membrane",
            "Removable felted wool insole for warmth and moisture control",
            "Soft winter rubber compound with siping for packed snow",
            "Warm lining rated for temperatures down to -20 °C",
            "Inside zip for quick on and off",
        ],
    ),
    dict(
        id="AS-1006",
        title="Nordkapp Men's Insulated Winter Boots",
        handle="nordkapp-mens-insulated-winter-boots",
        fit="men", product_type=PT_WINTER, material="Leather/Wool",
        origin="RO", price=2799, colours=["BLK", "BRN"], weight=1620, images=4,
        rating="4.7", reviews=321,
        description=(
            "Named after the North Cape, the clifftop at the very top of Norway, the Nordkapp is "
            "built for proper Arctic winters. The waxed full-grain leather upper is "
            "fully waterproof and lined with a wool blend that keeps feet warm while "
            "standing still at a bus stop or on a frozen lake. A deep-lugged rubber "
            "sole with a flat ice-grip zone at the forefoot completes a boot made to "
            "last many winters."
        ),
        features=[
            "Waxed full-grain leather upper with waterproof membrane",
            "Warm wool-blend lining and insulated footbed",
            "Deep-lugged rubber sole with a forefoot ice-grip zone",
            "Padded collar and gusseted tongue keep snow out",
            "Comfort rated to -30 °C",
        ],
    ),
    dict(
        id="AS-1007",
        title="Polarnatt Women's Tall Winter Boots",
        handle="polarnatt-womens-tall-winter-boots",
        fit="women", product_type=PT_WINTER, material="Leather/Wool",
        origin="PT", price=2699, colours=["BLK", "COG"], weight=1420, images=3,
        rating="4.3", reviews=98,
        description=(
            "A knee-high winter boot that works as well in town as on a snowy forest "
            "road. Soft waterproof leather shapes to the calf, with a full-length "
            "inside zip and an adjustable gusset at the back for a close fit over "
            "jeans or leggings. Inside, a wool-blend lining keeps the chill out, and "
            "the low stacked rubber heel has a patterned tread for icy pavements."
        ),
        features=[
            "Knee-high waterproof leather upper with full-length inside zip",
            "Adjustable back gusset for a close fit over jeans or leggings",
            "Wool-blend lining for warmth without bulk",
            "3.5 cm stacked rubber heel with anti-slip tread",
        ],
    ),
    dict(
        id="AS-1008",
        title="Snøfonn Unisex Snow Boots",
        handle="snofonn-unisex-snow-boots",
        fit="unisex", product_type=PT_WINTER, material="Textile/Rubber",
        origin="VN", price=1999, colours=["BLK", "OLV", "RED"], weight=1380,
        images=4, rating="4.2", reviews=174,
        description=(
            "The Snøfonn is a classic pac-style snow boot for deep snow, dog walks "
            "and weekends at the cabin. A vulcanised rubber shell rises above the "
            "ankle to keep slush out, topped by a water-resistant nylon shaft with a "
            "drawstring snow collar. The removable thermal liner can be dried "
            "overnight by the fire, and the chunky lug sole bites into fresh powder."
        ),
        features=[
            "Vulcanised rubber lower shell for fully waterproof protection",
            "Water-resistant nylon shaft with drawstring snow collar",
            "Removable thermal liner that dries quickly overnight",
            "Chunky rubber lug sole for deep, fresh snow",
            "Unisex fit in EU sizes 36 to 46",
        ],
    ),
    dict(
        id="AS-1009",
        title="Solstreif Men's Leather Sneakers",
        handle="solstreif-mens-leather-sneakers",
        fit="men", product_type=PT_SNEAKERS, material="Leather",
        origin="PT", price=1499, colours=["WHT", "BLK", "NAV"], weight=860,
        images=5, rating="4.6", reviews=644,
        description=(
            "A clean, low-profile sneaker in smooth full-grain leather, the "
            "Solstreif goes with everything from chinos to a relaxed suit. Its "
            "cupsole is stitched rather than only glued, so it holds its shape and "
            "can be resoled, and the leather lining and cork-latex footbed mould to "
            "your foot over time. Made in northern Portugal by a family-run factory "
            "we have worked with since 1998."
        ),
        features=[
            "Smooth full-grain leather upper with leather lining",
            "Stitched rubber cupsole that can be resoled",
            "Cushioned cork-latex footbed that moulds to your foot",
            "Waxed cotton laces with a spare pair included",
        ],
    ),
    dict(
        id="AS-1010",
        title="Solstreif Women's Leather Sneakers",
        handle="solstreif-womens-leather-sneakers",
        fit="women", product_type=PT_SNEAKERS, material="Leather",
        origin="PT", price=1449, colours=["WHT", "PNK", "SND"], weight=690,
        images=5, rating="4.5", reviews=389,
        description=(
            "Our women's Solstreif is cut on a slimmer last with a slightly lower "
            "heel counter, so it feels broken in from the first wear. The full-grain "
            "leather upper has tonal stitching and perforations at the toe for "
            "airflow, while a stitched rubber cupsole gives it a crisp silhouette "
            "that lasts. Wear it with wide trousers, summer dresses or cropped denim."
        ),
        features=[
            "Full-grain leather upper with perforated toe for airflow",
            "Slimmer women's last with a softer, lower heel counter",
            "Stitched rubber cupsole with a crisp, durable edge",
            "Removable leather-covered insole",
        ],
    ),
    dict(
        id="AS-1011",
        title="Bølge Unisex Knit Sneakers",
        handle="bolge-unisex-knit-sneakers",
        fit="unisex", product_type=PT_SNEAKERS, material="Textile",
        origin="VN", price=1199, colours=["GRY", "NAV", "BLK"], weight=580,
        images=3, rating="4.1", reviews=267,
        description=(
            "Bølge means wave, and this airy knit sneaker is made for easy movement "
            "through a busy day. The one-piece upper is knitted from yarn spun with "
            "recycled polyester and hugs the foot like a sock, with no pressure "
            "points. A lightweight foam midsole cushions commutes and city miles, "
            "and rubber outsole pods are placed only where you need grip, to save "
            "weight."
        ),
        features=[
            "Seamless knit upper made with recycled polyester yarn",
            "Sock-like fit with a pull-on heel loop",
            "Lightweight foam midsole for everyday cushioning",
            "Machine washable at 30 °C",
            "Rubber outsole pods for grip at key wear zones",
        ],
    ),
    dict(
        id="AS-1012",
        title="Sentrum Unisex Suede Court Sneakers",
        handle="sentrum-unisex-suede-court-sneakers",
        fit="unisex", product_type=PT_SNEAKERS, material="Suede/Leather",
        origin="PT", price=1399, colours=["NVW", "OLV"], weight=760, images=4,
        rating=None, reviews=None,
        description=(
            "Inspired by the indoor court shoes of the 1970s, the Sentrum combines a "
            "soft suede upper with smooth leather overlays and a contrast side "
            "stripe. The gum rubber cupsole has a herringbone tread that grips "
            "polished floors and wet cobblestones alike. A padded collar and a "
            "breathable textile lining make it an easy everyday shoe from spring "
            "through autumn."
        ),
        features=[
            "Suede upper with smooth leather overlays and side stripe",
            "Gum rubber cupsole with herringbone tread",
            "Padded collar and breathable textile lining",
            "Retro court silhouette in unisex sizing",
        ],
    ),
    dict(
        id="AS-1013",
        title="Nordnes Men's Leather Penny Loafers",
        handle="nordnes-mens-leather-penny-loafers",
        fit="men", product_type=PT_LOAFERS, material="Leather",
        origin="IT", price=1899, colours=["COG", "BLK", "BUR"], weight=780,
        images=4, rating="4.4", reviews=88,
        description=(
            "Hand-sewn moccasin construction gives the Nordnes loafer its soft, "
            "flexible feel and the characteristic raised seam across the toe. The "
            "calfskin upper is finished by hand for depth of colour, and the leather "
            "sole has a discreet rubber heel insert for better grip on wet streets. "
            "Wear it with tailoring or rolled-up chinos; it shapes to your foot over "
            "the first few weeks."
        ),
        features=[
            "Hand-sewn moccasin construction with raised apron seam",
            "Hand-finished calfskin upper",
            "Leather sole with rubber heel insert for wet-weather grip",
            "Classic saddle strap with a penny slot",
            "Made in the Marche region of Italy",
        ],
    ),
    dict(
        id="AS-1014",
        title="Nordnes Women's Suede Loafers",
        handle="nordnes-womens-suede-loafers",
        fit="women", product_type=PT_LOAFERS, material="Suede",
        origin="IT", price=1799, colours=["SND", "NAV", "BUR"], weight=560,
        images=3, rating="4.0", reviews=61,
        description=(
            "A relaxed take on the classic loafer, with an unstructured suede upper "
            "and a heel that folds down so it can also be worn as a mule. The "
            "lightweight rubber sole is flexible enough to pack flat in a weekend "
            "bag, and the leather sock lining keeps feet cool on warm days. A "
            "minimal design that works with trousers, skirts and summer dresses."
        ),
        features=[
            "Soft, unstructured suede upper",
            "Collapsible heel for wearing as a loafer or a mule",
            "Flexible rubber sole that packs flat",
            "Breathable leather sock lining",
        ],
    ),
    dict(
        id="AS-1015",
        title="Fjære Women's Leather Sandals",
        handle="fjaere-womens-leather-sandals",
        fit="women", product_type=PT_SANDALS, material="Leather/Suede",
        origin="PT", price=899, colours=["COG", "BLK", "SND"], weight=420,
        images=4, rating="4.3", reviews=142,
        description=(
            "Fjære is the Norwegian word for the shoreline at low tide, and this "
            "sandal is made for long summer days by the sea. Three adjustable "
            "leather straps with brass-toned buckles give a secure fit, while the "
            "contoured cork and latex footbed is covered in soft suede that moulds "
            "to your foot. A thin rubber outsole keeps the sandal light and flexible."
        ),
        features=[
            "Three adjustable vegetable-tanned leather straps",
            "Contoured cork and latex footbed with suede lining",
            "Lightweight, flexible rubber outsole",
            "Brass-toned buckles that will not rust in sea air",
        ],
    ),
    dict(
        id="AS-1016",
        title="Fjære Men's Trail Sandals",
        handle="fjaere-mens-trail-sandals",
        fit="men", product_type=PT_SANDALS, material="Textile/Rubber",
        origin="VN", price=999, colours=["OLV", "BLK"], weight=620, images=3,
        rating="4.5", reviews=77,
        description=(
            "An open sandal with the grip of a trail shoe, made for river crossings, "
            "island hopping and hot days on the trail. Quick-drying webbing straps "
            "adjust in three places with hook-and-loop closures, and a shaped EVA "
            "footbed with a textured top keeps your foot in place even when wet. The "
            "lugged rubber outsole holds on wet rock and smooth boat decks."
        ),
        features=[
            "Quick-drying polyester webbing straps",
            "Three-point hook-and-loop adjustment",
            "Textured EVA footbed for grip when wet",
            "Lugged rubber outsole for wet rock and boat decks",
            "Neoprene-padded heel strap",
        ],
    ),
    dict(
        id="AS-1017",
        title="Havbris Women's Slide Sandals",
        handle="havbris-womens-slide-sandals",
        fit="women", product_type=PT_SANDALS, material="Rubber",
        origin="PT", price=699, colours=["WHT", "BLK", "SND"], weight=340,
        images=3, rating="3.8", reviews=45,
        description=(
            "Havbris slides are our go-to for the beach, the pool deck and recovery "
            "after a long hike. Moulded in one piece from a cushioned natural-rubber "
            "blend, they are soft, springy and completely waterproof, with a gently "
            "ridged footbed that massages the sole of the foot. They rinse clean in "
            "seconds, and the lightly textured outsole holds on wet tiles."
        ),
        features=[
            "One-piece moulded natural-rubber blend",
            "Ridged, contoured footbed for recovery after activity",
            "Fully waterproof and rinses clean in seconds",
            "Textured outsole for grip on wet tiles",
        ],
    ),
    dict(
        id="AS-1018",
        title="Lofoten Men's Leather Chelsea Boots",
        handle="lofoten-mens-leather-chelsea-boots",
        fit="men", product_type=PT_CHELSEA, material="Leather",
        origin="PT", price=2299, colours=["BRN", "BLK"], weight=1120, images=5,
        rating="4.9", reviews=296,
        description=(
            "Our Lofoten Chelsea boot has a stitched storm welt that keeps rain out "
            "of the seam and lets the boot be resoled again and again. The waxed "
            "full-grain leather upper develops a rich patina with wear, elastic side "
            "gussets make it easy to pull on, and the chunky rubber lug sole handles "
            "wet streets, gravel paths and slippery harbour quays."
        ),
        features=[
            "Waxed full-grain leather upper that develops a patina",
            "Stitched storm welt construction, fully resoleable",
            "Elastic side gussets with front and back pull tabs",
            "Chunky rubber lug sole for wet streets and gravel",
        ],
    ),
    dict(
        id="AS-1019",
        title="Lofoten Women's Suede Chelsea Boots",
        handle="lofoten-womens-suede-chelsea-boots",
        fit="women", product_type=PT_CHELSEA, material="Suede",
        origin="PT", price=2199, colours=["SND", "BLK", "OLV"], weight=860,
        images=4, rating="4.6", reviews=184,
        description=(
            "A slimmer, lighter Chelsea boot with a subtly almond-shaped toe and a "
            "4 cm block heel. The suede is treated at the tannery to repel rain and "
            "light snow, so with a little care it can be worn through a Bergen "
            "autumn. A cushioned leather insole and a grippy, low-profile rubber "
            "sole keep it comfortable from morning meetings to evening plans."
        ),
        features=[
            "Water-repellent suede treated at the tannery",
            "4 cm block heel and subtly almond-shaped toe",
            "Cushioned leather-covered insole",
            "Low-profile rubber sole with fine tread",
            "Elastic side gussets and back pull tab",
        ],
    ),
    dict(
        id="AS-1020",
        title="Vestland Unisex Tall Rain Boots",
        handle="vestland-unisex-tall-rain-boots",
        fit="unisex", product_type=PT_RAIN, material="Rubber/Textile",
        origin="PT", price=1099, colours=["NAV", "YLW", "OLV"], weight=1320,
        images=4, rating="4.7", reviews=512,
        # The second of exactly two styles with an HTML description.
        description=(
            "<p>A tall, hand-laid natural rubber boot built for the west coast of "
            "Norway, where Bergen sees rain on more than 200 days a year.</p>"
            "<ul><li>Natural rubber, hand-laid from 28 separate pieces</li>"
            "<li>Soft cotton jersey lining that dries quickly</li>"
            "<li>Adjustable side buckle for a closer fit at the calf</li>"
            "<li>Deep-tread sole that sheds mud and grips wet quays</li></ul>"
        ),
        features=[
            "Hand-laid natural rubber, built from 28 separate pieces",
            "Soft cotton jersey lining",
            "Adjustable side buckle for a closer fit at the calf",
            "Deep-tread sole that sheds mud",
        ],
    ),
    dict(
        id="AS-1021",
        title="Skodde Women's Ankle Rain Boots",
        handle="skodde-womens-ankle-rain-boots",
        fit="women", product_type=PT_RAIN, material="Rubber/Textile",
        origin="PT", price=799, colours=["BLK", "RED", "YLW"], weight=880,
        images=3, rating="3.9", reviews=133,
        description=(
            "Skodde is a low, ankle-height rain boot that slips on quickly for the "
            "school run, a wet commute or a walk along the fjord. It is made from "
            "flexible natural rubber with a soft cotton lining, with a pull tab at "
            "the back and a gently shaped heel cup so your foot stays put. The "
            "shallow-lugged sole grips wet pavement and cobbles."
        ),
        features=[
            "Ankle-height natural rubber upper",
            "Soft cotton lining",
            "Back pull tab for quick on and off",
            "Shallow-lugged sole for wet pavement and cobbles",
        ],
    ),
    dict(
        id="AS-1022",
        title="Troll Kids' Waterproof Winter Boots",
        handle="troll-kids-waterproof-winter-boots",
        fit="kids", product_type=PT_KIDS_BOOTS, material="Textile/Rubber",
        origin="VN", price=1099, colours=["BLU", "PNK", "BLK"], weight=760,
        images=4, rating="4.8", reviews=729,
        description=(
            "Tested in Norwegian kindergartens, the Troll winter boot keeps small "
            "feet warm and dry through long days of sledging and snowball fights. A "
            "waterproof membrane sits under a durable textile upper with a rubber "
            "toe cap, and the warm fleece lining is rated down to -20 °C. A single "
            "hook-and-loop strap lets children put them on by themselves, and "
            "reflective details help them be seen on dark afternoons."
        ),
        features=[
            "Waterproof membrane with rubber toe cap and heel",
            "Warm fleece lining rated down to -20 °C",
            "Single hook-and-loop strap for independent dressing",
            "Reflective details for dark winter afternoons",
            "Grippy rubber sole with winter tread",
        ],
    ),
    dict(
        id="AS-1023",
        title="Pytt Kids' Rain Boots",
        handle="pytt-kids-rain-boots",
        fit="kids", product_type=PT_KIDS_RAIN, material="Rubber",
        origin="PT", price=699, colours=["YLW", "RED", "BLU"], weight=620,
        images=3, rating="4.6", reviews=351,
        description=(
            "Pytt means puddle, and these rain boots are made for jumping in as many "
            "of them as possible. The soft natural rubber is free of PVC and "
            "phthalates, flexible enough for running and easy to wipe clean. "
            "Handles at the top make them easy for little hands to pull on, and the "
            "sturdy lug sole grips muddy paths and wet playground tarmac."
        ),
        features=[
            "PVC- and phthalate-free natural rubber",
            "Pull-on handles for little hands",
            "Removable insole that dries quickly",
            "Grippy lug sole for mud and wet tarmac",
        ],
    ),
    dict(
        id="AS-1024",
        title="Lekeplass Kids' Hook-and-Loop Sneakers",
        handle="lekeplass-kids-sneakers",
        fit="kids", product_type=PT_KIDS_SNEAKERS, material="Textile/Leather",
        origin="VN", price=799, colours=["NAV", "PKW", "WHT"], weight=440,
        images=3, rating="4.2", reviews=118,
        description=(
            "A hard-wearing everyday sneaker for school, the playground and PE "
            "lessons. Two hook-and-loop straps make it easy to take on and off "
            "without help, and a rubber bumper reinforces the toe against football "
            "and scooter braking. The breathable mesh and leather upper is lined "
            "with soft textile, and the non-marking rubber sole is approved for "
            "indoor sports halls."
        ),
        features=[
            "Two hook-and-loop straps for easy on and off",
            "Rubber toe bumper for extra durability",
            "Breathable mesh and leather upper",
            "Non-marking rubber sole suitable for indoor sports halls",
        ],
    ),
    dict(
        id="AS-1025",
        title="Tind Kids' Waterproof Hiking Boots",
        handle="tind-kids-waterproof-hiking-boots",
        fit="kids", product_type=PT_KIDS_BOOTS, material="Suede/Textile",
        origin="VN", price=1199, colours=["BRN", "BLU"], weight=680, images=4,
        rating=None, reviews=None,
        description=(
            "A proper hiking boot in small sizes, the Tind gives young walkers the "
            "same ankle support and grip as our adult boots. The suede and textile "
            "upper has a waterproof membrane, a padded collar and speed laces with "
            "a locking hook, so it can be tightened quickly at the trailhead. The "
            "rubber lug sole is softer than on adult boots to suit lighter bodies."
        ),
        features=[
            "Waterproof membrane in a suede and textile upper",
            "Speed lacing with locking hook for quick adjustment",
            "Padded collar for ankle support",
            "Softer rubber lug sole tuned for lighter bodies",
        ],
    ),
    dict(
        id="AS-1026",
        # The one title that needs XML/HTML escaping ("&").
        title="Bryggen Leather & Wool Slippers",
        handle="bryggen-leather-wool-slippers",
        fit="unisex", product_type=PT_SLIPPERS, material="Leather/Wool",
        origin="NO", price=699, colours=["GRY", "BRN"], weight=460, images=3,
        rating="4.9", reviews=203,
        description=(
            "Bryggen slippers are made in a small workshop outside Bergen from "
            "Norwegian wool felt and soft leather off-cuts from our boot production. "
            "The thick felt upper keeps feet warm on cold wooden floors, while the "
            "leather sole gives a little grip and wears to a soft shine. A classic "
            "house shoe in the tradition of the slippers once worn on the old "
            "Hanseatic wharf."
        ),
        features=[
            "Thick Norwegian wool felt upper",
            "Soft leather sole made from boot production off-cuts",
            "Handmade in a small workshop outside Bergen",
            "Naturally temperature-regulating and odour-resistant",
        ],
    ),
    dict(
        id="AS-1027",
        title="Hytte Women's Felted Wool Slipper Boots",
        handle="hytte-womens-felted-wool-slipper-boots",
        fit="women", product_type=PT_SLIPPERS, material="Wool/Rubber",
        origin="NO", price=549, colours=["GRY", "RED", "FGR"], weight=380,
        images=3, rating="4.8", reviews=27,
        description=(
            "Hytte is the cabin slipper: a fully felted wool bootie that rises over "
            "the ankle to keep draughts away. Boiled and shaped on a wooden last, "
            "the wool is dense and hard-wearing yet breathable, and it regulates "
            "temperature so feet stay comfortable by the fire. A thin latex-dipped "
            "sole adds grip on wooden floors and stairs."
        ),
        features=[
            "Fully felted wool bootie that covers the ankle",
            "Shaped on a wooden last for a snug fit",
            "Latex-dipped sole for grip on wooden floors and stairs",
            "Breathable and naturally temperature-regulating",
        ],
    ),
    dict(
        id="AS-1028",
        title="Peis Men's Shearling-Lined Moccasin Slippers",
        handle="peis-mens-shearling-moccasin-slippers",
        fit="men", product_type=PT_SLIPPERS, material="Suede/Sheepskin/Rubber",
        origin="PT", price=799, colours=["BRN", "NAV"], weight=520, images=4,
        rating=None, reviews=None,
        description=(
            "Peis is Norwegian for fireplace, and these moccasin slippers are made "
            "for evenings in front of one. A soft suede upper is lined throughout "
            "with genuine shearling that breathes and keeps feet warm without "
            "getting clammy. The hand-stitched moccasin toe and lightweight rubber "
            "sole mean you can step out to fetch firewood or the post without "
            "changing shoes."
        ),
        features=[
            "Soft suede upper with full shearling lining",
            "Hand-stitched moccasin toe",
            "Lightweight rubber sole for quick trips outdoors",
            "Breathable lining that keeps feet warm without overheating",
        ],
    ),
]

# Sales: style_id -> (sale_price, start, end, colour codes or None for all).
# AS-1015's window ended in October 2026 (already expired); the others run
# from late November 2026 into January 2027.
SALES = {
    "AS-1005": (1699, "2026-11-20", "2026-12-31", None),
    "AS-1009": (1099, "2026-11-27", "2026-11-30", ["WHT"]),
    "AS-1013": (1299, "2026-12-26", "2027-01-10", ["BUR"]),
    "AS-1015": (649, "2026-10-01", "2026-10-31", None),
    "AS-1021": (559, "2026-11-23", "2027-01-15", None),
}


def gs1_check_digit(body: str) -> str:
    """GS1 mod-10 check digit for a GTIN body (all digits except the check digit)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return str((10 - total % 10) % 10)


def make_gtin(style_id: str, colour_idx: int, size_idx: int) -> str:
    style_no = int(style_id.split("-")[1]) - 1000
    item_ref = f"{style_no:02d}{colour_idx:01d}{size_idx:02d}"
    body = GS1_COMPANY_PREFIX + item_ref
    assert len(body) == 12
    return body + gs1_check_digit(body)


def stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.md5(text.encode("ascii")).digest()[:8], "big")


def stock_for(sku: str, size: int, sizes: list[int]) -> int:
    """Deterministic stock level: ~8 % sold out, fewer units at the edge sizes."""
    h = stable_hash(sku)
    if h % 100 < 9:
        return 0
    base = 3 + (h >> 8) % 58  # 3..60
    if size in (sizes[0], sizes[-1]):
        base = max(3, base // 3)
    elif size in (sizes[1], sizes[-2]):
        base = max(3, (base * 2) // 3)
    return base


def weight_for(ref_weight: int, size: int, ref_size: int) -> int:
    """Pair weight, ~3 % per EU size around the reference size, rounded to 10 g."""
    grams = ref_weight * (1 + 0.03 * (size - ref_size))
    return int(round(grams / 10.0)) * 10


def money(nok: int) -> str:
    return f"{nok}.00"


def build_rows() -> list[dict[str, str]]:
    rows = []
    for style in STYLES:
        sid = style["id"]
        sizes, ref_size = SIZE_RUNS[style["fit"]]
        gender, age_group = FIT[style["fit"]]
        sale = SALES.get(sid)
        for c_idx, code in enumerate(style["colours"]):
            img_dir = f"{IMAGE_BASE}/{sid.lower()}/{code.lower()}"
            image_link = f"{img_dir}/1.jpg"
            extra = "|".join(f"{img_dir}/{n}.jpg" for n in range(2, style["images"] + 1))
            on_sale = sale is not None and (sale[3] is None or code in sale[3])
            for s_idx, size in enumerate(sizes):
                sku = f"{sid}-{code}-{size}"
                rows.append({
                    "sku": sku,
                    "style_id": sid,
                    "gtin": make_gtin(sid, c_idx, s_idx),
                    "mpn": sku.replace("-", ""),
                    "brand": BRAND,
                    "title": style["title"],
                    "description": style["description"],
                    "color": COLOURS[code],
                    "size": str(size),
                    "gender": gender,
                    "age_group": age_group,
                    "material": style["material"],
                    "product_type": style["product_type"],
                    "google_product_category": GOOGLE_PRODUCT_CATEGORY,
                    "image_link": image_link,
                    "additional_image_links": extra,
                    "price": money(style["price"]),
                    "sale_price": money(sale[0]) if on_sale else "",
                    "sale_start": sale[1] if on_sale else "",
                    "sale_end": sale[2] if on_sale else "",
                    "stock": str(stock_for(sku, size, sizes)),
                    "weight_g": str(weight_for(style["weight"], size, ref_size)),
                    "country_of_origin": style["origin"],
                    "features": "|".join(style["features"]),
                    "rating": style["rating"] or "",
                    "review_count": "" if style["reviews"] is None else str(style["reviews"]),
                    "handle": style["handle"],
                })
    rows.sort(key=lambda r: r["sku"])
    return rows


def write_catalogue(path: Path) -> int:
    rows = build_rows()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n",
                                quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"output CSV path (default: {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    n = write_catalogue(args.output)
    print(f"wrote {n} rows for {len(STYLES)} styles to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
