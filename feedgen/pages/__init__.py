"""Localized landing pages: one page per campaign and market, rendered from the resolved offers.

campaigns.py (landing_pages.toml) -> views.py (what a page shows, from the offer frame) ->
render.py (Jinja2 + gettext, texts.py) with jsonld.py -> check.py (page price == feed price) ->
site.py (the build stage) and serve.py (`feedgen serve`, `--review`).
"""

from __future__ import annotations

from feedgen.pages.site import LandingPages

__all__ = ["LandingPages"]
