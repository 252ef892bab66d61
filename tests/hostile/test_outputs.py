"""The output checks of the corpus catch what they claim to: each gets a file that is wrong in one way."""

from __future__ import annotations

import json

import pytest

from .outputs import check_csv, check_html, check_json, check_tree, check_xml, snapshot


def _run(check, name: str, text: str) -> list[str]:
    return check(name, text.encode("utf-8"), text)


def test_csv_must_be_canonical_rfc4180_without_formula_cells() -> None:
    assert _run(check_csv, "meta/x.csv", 'id,title\r\nA,"x, y"\r\nB,-5\r\nC,\'=1+1\r\n') == []
    assert "not canonical" in _run(check_csv, "meta/x.csv", "id,title\nA,b\n")[0]  # LF line ends
    assert "not canonical" in _run(check_csv, "meta/x.csv", 'id,title\r\n"A",b\r\n')[0]  # needless quotes
    assert any("formula-like" in p for p in _run(check_csv, "meta/x.csv", "id,title\r\nA,=HYPERLINK(1)\r\n"))
    assert any("formula-like" in p for p in _run(check_csv, "meta/x.csv", "id,title\r\nA,@SUM(1)\r\n"))
    assert any("fields" in p for p in _run(check_csv, "meta/x.csv", "id,title\r\nA\r\n"))
    assert "not strict CSV" in _run(check_csv, "meta/x.csv", 'id,title\r\nA,"b"c\r\n')[0]


def test_xml_must_be_well_formed_with_http_links() -> None:
    good = '<rss xmlns:g="http://base.google.com/ns/1.0"><item><g:link>https://a.example/</g:link></item></rss>'
    assert _run(check_xml, "google/no.xml", good) == []
    assert "not well-formed" in _run(check_xml, "google/no.xml", "<rss><item>a & b</item></rss>")[0]
    bad_link = good.replace("https://a.example/", "javascript:alert(1)")
    assert "not an http(s) URL" in _run(check_xml, "google/no.xml", bad_link)[0]
    assert "DOCTYPE" in _run(check_xml, "google/no.xml", '<!DOCTYPE rss [<!ENTITY x "y">]><rss/>')[0]


def test_json_must_be_strict_and_amazon_feeds_valid_against_the_schema() -> None:
    assert _run(check_json, "manifest.json", '{"a": 1}') == []
    assert "invalid JSON" in _run(check_json, "manifest.json", '{"a": NaN}')[0]
    assert any(p.startswith("schema:") for p in _run(check_json, "amazon/us.json", '{"header": {}, "messages": []}'))


HTML = '<!doctype html><html><head><title>t</title>{head}</head><body>{body}</body></html>'
JSON_LD = '<script type="application/ld+json">{"name":"a \\u003c/script\\u003e"}</script>'


@pytest.mark.parametrize("body, problem", [
    ("<script>alert(1)</script>", "<script type=None>"),
    ('<img src="x" onerror="alert(1)">', "event handler"),
    ('<a href=" JaVa\tScript:alert(1)">x</a>', "script URL"),
    ("<iframe src=x></iframe>", "<iframe>"),
    ("<svg onload=alert(1)></svg>", "<svg>"),
])
def test_html_rejects_live_payloads(body: str, problem: str) -> None:
    found = _run(check_html, "pages/no/x.html", HTML.format(head=JSON_LD, body=body))
    assert any(problem in p for p in found), found


def test_html_accepts_escaped_payloads_and_rejects_a_broken_json_ld() -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img onerror=x&gt;"
    assert _run(check_html, "pages/no/x.html", HTML.format(head=JSON_LD, body=escaped)) == []
    broken = '<script type="application/ld+json">{"name":"a </script><script>alert(1)</script>"}</script>'
    found = _run(check_html, "pages/no/x.html", HTML.format(head=broken, body=""))
    assert any("JSON-LD does not parse" in p for p in found) and any("<script type=None>" in p for p in found)


def test_tree_flags_forbidden_characters_symlinks_and_unknown_files(tmp_path) -> None:
    (tmp_path / "google").mkdir()
    (tmp_path / "google" / "no.xml").write_text("<rss>\x01</rss>", encoding="utf-8")
    (tmp_path / "notes.md").write_text("hello", encoding="utf-8")
    (tmp_path / "link.json").symlink_to(tmp_path / "notes.md")
    (tmp_path / "promotions.txt").write_text("a\tb\n=cmd()\tx\ty\n", encoding="utf-8")  # a tab-delimited feed
    problems = check_tree(tmp_path)
    assert any("forbidden character U+0001" in p for p in problems)
    assert any("notes.md: unexpected kind" in p for p in problems)
    assert any("link.json: a symlink" in p for p in problems)
    assert any("promotions.txt: line 2: 3 fields, the header has 2" in p for p in problems)
    assert any("promotions.txt: line 2: formula-like cell" in p for p in problems)
    before = snapshot(tmp_path)
    (tmp_path / "google" / "new.xml").write_text("<rss/>", encoding="utf-8")
    assert snapshot(tmp_path) != before
    assert json.dumps(before)  # plain data, printable in an assertion message
