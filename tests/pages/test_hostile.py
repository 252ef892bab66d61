"""Untrusted product text on a page: escaped in HTML and attributes, inert in JSON-LD, never a template."""

from __future__ import annotations

from ..conftest import write_catalogue
from ..helpers import build_project
from .pagetools import jsonld, parse

TITLE = 'Vinterly <script>alert("x")</script> "Quote" \'single\' {{ 7*7 }} {% raw %}'
COLOUR = 'Black"><img src=x onerror=alert(1)>'
FEATURE = "</script><!-- {{ config }} & more"


def test_hostile_product_text_is_escaped(mini_project) -> None:
    base = {"style_id": "AS-1005", "title": TITLE, "color": COLOUR, "features": f"{FEATURE}|plain",
            "description": "Ends the script? </script><script>alert(2)</script>", "rating": "4.5", "review_count": "10"}
    write_catalogue(mini_project / "product_data" / "catalogue.csv", [
        {**base, "sku": "AS-1005-BLK-38", "gtin": "7094512050007", "size": "38"},
        {**base, "sku": "AS-1005-BLK-39", "gtin": "7094512050014", "size": "39"},
    ])
    result = build_project(mini_project, market_ids=["NO"])
    assert not [d for d in result.diagnostics if d.channel == "pages" and d.severity == "error"]
    html = (mini_project / "output" / "pages" / "no" / "winter-boots.html").read_text(encoding="utf-8")

    assert "<script>alert" not in html and "<img src=x" not in html and "<!-- {{" not in html
    assert "49" not in html.replace("7094512050", "")  # the text is data, never evaluated as a template
    assert "{{ 7*7 }}" in html and "{% raw %}" in html
    root = parse(html)
    assert [s.get("type") for s in root.xpath("//script")] == ["application/ld+json"]  # no injected script element
    assert root.xpath("//h2")[0].text_content() == TITLE
    alt = root.xpath('//img[@class="main"]/@alt')[0]
    assert TITLE in alt and COLOUR.lower() in alt  # quotes stayed inside the attribute (nb writes colours lower-case mid-sentence)
    [group] = jsonld(root)
    assert group["name"] == TITLE and group["hasVariant"][0]["color"] == COLOUR
    assert "</script>" not in root.xpath("//script")[0].text_content()  # escaped as \u003c/script\u003e
    features = [li.text_content() for li in root.xpath('//ul[@class="features"]/li')]
    assert features == [FEATURE, "plain"]
