"""Localisation: gettext catalogues for product text and UI strings, machine translation of
only what is missing, and the review status that decides what a market may ship.

Layout (standard gettext, so Poedit, Weblate and `msgfmt --check` work on it):

    locales/products.pot                          template, written by `feedgen translations extract`
    locales/<lang>/LC_MESSAGES/products.po        product text, keyed by msgctxt "<style_id>:<field>"
    locales/messages.pot, <lang>/.../messages.po  UI strings (landing pages), extracted via babel.cfg

An entry is *reviewed* when it is translated and not fuzzy, *machine* when it is fuzzy and carries
a `# MT: <engine> <date>` comment, *fuzzy* when it is fuzzy for any other reason (usually its
source text changed), and *missing* when it has no translation.
"""

from __future__ import annotations

PRODUCTS = "products"
MESSAGES = "messages"
DOMAINS = (PRODUCTS, MESSAGES)
