"""Citations where Markdown puts text (issue 22): headings, alt text, escapes, near
misses, and the invariant that no citation of a known key is published as text."""

from __future__ import annotations

import re

import markdown
import pytest
from selectolax.lexbor import LexborHTMLParser

from citations.markdown_escapes import AtSignEscapes
from citations.published_text import near_misses, raw_citations, unescaped_raw_citations
from citations.syntax import find_citations
from conftest import assert_one_line_error
from test_hostile_input import hostile_site, page_with

KEY = "vera-unjust-burden-2018"
KNOWN = {KEY: {}}


def build_page(tmp_path, body: str, strict: bool = True):
    site = hostile_site(tmp_path)
    site.page("index.md", page_with(body))
    (site.docs / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return site.build(strict=strict)


def test_a_citation_in_a_heading_is_a_link_and_its_id_and_toc_entry_are_text(tmp_path):
    result = build_page(tmp_path, f"## What the report found [@{KEY}]\n\nText.\n")
    assert result.returncode == 0, result.output
    tree = LexborHTMLParser(result.page("index.html"))
    heading = tree.css_first("article h2#what-the-report-found-hinton-2018")
    assert heading is not None, [node.attributes for node in tree.css("article h2")]
    assert heading.css_first('a[role="doc-biblioref"]').attributes["href"] == f"#ref-{KEY}"
    entry = tree.css_first('.md-nav--secondary a[href="#what-the-report-found-hinton-2018"]')
    assert entry is not None and "What the report found (Hinton, 2018)" in " ".join(entry.text().split())
    assert "citation" not in entry.html.split(">", 1)[0]  # the toc link carries no placeholder


def test_a_citation_in_alt_text_is_text_and_leaves_no_link_behind(tmp_path):
    result = build_page(tmp_path, f"![A chart, see @{KEY}](x.png)\n")
    assert result.returncode == 0, result.output  # strict: the Sources page links to no missing anchor
    image = LexborHTMLParser(result.page("index.html")).css_first("article img")
    assert image.attributes["alt"] == "A chart, see Hinton (2018)"


def test_a_backslash_keeps_an_at_sign_literal_as_in_pandoc(tmp_path):
    result = build_page(tmp_path, f"Write to team\\@example.org, or \\@{KEY}.\n")
    assert result.returncode == 0, result.output
    text = LexborHTMLParser(result.page("index.html")).css_first("article").text()
    assert f"team@example.org, or @{KEY}." in text and "\\@" not in text


def test_at_sign_escapes_work_in_plain_python_markdown():
    html = markdown.markdown("a\\@b and `c\\@d`", extensions=[AtSignEscapes()])
    assert html == "<p>a@b and <code>c\\@d</code></p>"  # in code, Markdown keeps the backslash


@pytest.mark.parametrize(("written", "fix"), [
    ("[@]", "put the key right after @"), (f"[@ {KEY}]", "put the key right after @"), ("[-@]", "put the key right after @"),
    (f"[@{KEY}", "close the bracket after the key"),
])
def test_near_misses_are_warnings_that_name_the_fix(tmp_path, written, fix):
    strict = build_page(tmp_path, f"Text {written} more.\n")
    assert strict.returncode == 1
    assert f"docs/index.md:10: '{written}" in strict.output and fix in strict.output
    assert "Traceback" not in strict.output


def near_misses_of(text: str) -> list[str]:
    strays: list[int] = []
    find_citations(text, KNOWN, strays=strays)
    return [miss.text for miss in near_misses(text, strays)]


def test_citations_and_escaped_brackets_are_no_near_misses():
    text = f"[@{KEY}] and [see @{KEY}, p. 3] and \\[@ not] and `[@]` and\n\n```\n[@]\n```\n"
    assert near_misses_of(text) == []


def test_near_misses_are_found_where_the_citation_scanner_reads_text():
    # Text Pandoc reads no citation in is no near miss: a link's target and title, a
    # tag's attributes (Pandoc reads them as strings).
    assert near_misses_of(f'[a](#x "[@{KEY}]") [b](#x "see [@]") <span title="[@ {KEY}]">c</span>') == []
    assert near_misses_of(f"<https://example.org/[@{KEY}]>") == []
    # Everywhere Pandoc reads text, brackets included: a link's text, a heading, after "\\\\".
    assert near_misses_of(f"[see [@] here](#x)\n\n## Title [@ {KEY}]\n\nA \\\\[-@] b\n") == [
        "[@]", f"[@ {KEY}]", "[-@]"]


def test_a_link_title_holding_an_at_sign_in_brackets_builds_strict(tmp_path):
    result = build_page(tmp_path, f'A [report](https://example.org/ "see [@] or [@{KEY}]") here.\n')
    assert result.returncode == 0, result.output
    assert 'title="see [@] or [@vera-unjust-burden-2018]"' in result.page("index.html")


# Stray fence lines: every citation is formatted or stops the build; none is published raw.

FENCES = ["~~~", "```", "```python", "~~~~"]
PLACES = [
    "{fence}\n\nBefore [@" + KEY + "]. After [@" + KEY + "].\n",
    "Before [@" + KEY + "].\n\n{fence}\n\nAfter [@" + KEY + "].\n",
    "Before [@" + KEY + "].\n\nAfter [@" + KEY + "].\n{fence}\n",
    "Before [@" + KEY + "] and\n{fence}\nin the same paragraph [@" + KEY + "].\n",
]


@pytest.mark.parametrize("fence", FENCES)
@pytest.mark.parametrize("place", range(len(PLACES)))
def test_stray_fence_lines_never_let_a_citation_out_raw(tmp_path, fence, place):
    # Markdown decides what is code: a fence line it reads as text leaves every citation
    # around it a citation (the pre-pass, which took it for a fence, is not the authority).
    result = build_page(tmp_path, PLACES[place].format(fence=fence))
    assert result.returncode == 0, result.output
    article = LexborHTMLParser(result.page("index.html")).css_first("article")
    for node in article.css("code, pre"):
        node.decompose()
    assert f"[@{KEY}]" not in article.text(), result.output
    in_code = sum(node.text().count(f"[@{KEY}]") for node in LexborHTMLParser(result.page("index.html")).css("pre"))
    written = page_with(PLACES[place]).count(f"[@{KEY}]")
    assert len(article.css('a[role="doc-biblioref"]')) == written - in_code  # the rest are citations


def test_a_citation_in_raw_html_is_one_line_naming_the_fix(tmp_path):
    # Python-Markdown reads nothing inside a raw HTML block (Pandoc does): the invariant
    # stops the build rather than publish the citation raw.
    result = build_page(tmp_path, f"<div>\nRaw [@{KEY}] here\n</div>\n")
    assert_one_line_error(result, f"docs/index.md:8: citation '[@{KEY}]' would be published as text — Markdown "
                          'reads nothing inside a raw HTML block: add markdown="1" to the HTML element around it')
    assert build_page(tmp_path / "md_in_html", f'<div markdown="1">\nRaw [@{KEY}] here\n</div>\n').returncode == 0


@pytest.mark.parametrize(("html", "expected"), [
    (f"<p>Raw [@{KEY}] here</p>", [f"[@{KEY}]"]),
    (f"<h2>Title @{KEY}</h2>", [f"@{KEY}"]),
    (f'<p><img alt="see @{KEY}" src="x.png"></p>', [f"@{KEY}"]),
    (f'<table><tr><td><img alt="[@{KEY}]" src="x.png"></td></tr></table>', [f"[@{KEY}]"]),
    # Pandoc reads no citation in a title, and an address shown as a link is an address.
    (f'<p><a title="[@{KEY}]" href="#">x</a> <span title="@{KEY}">y</span></p>', []),
    (f'<p><a href="https://example.org/@{KEY}">https://example.org/@{KEY}</a></p>', []),
    (f'<p><a href="https://example.org/@{KEY}">see @{KEY}</a></p>', [f"@{KEY}"]),
    (f"<p><code>[@{KEY}]</code></p><pre><code>@{KEY}</code></pre>", []),
    ("<p>[@unknown-2020] and someone@example.org</p>", []),
    (f'<p><span class="citation" data-cites="{KEY}">(<a href="#ref-{KEY}">Hinton, 2018</a>)</span></p>', []),
])
def test_the_invariant_finds_citations_left_as_text_outside_code(html, expected):
    assert raw_citations(html, KNOWN) == expected


def test_the_invariant_reads_keys_through_html_escapes():
    # A key may hold & or < between letters (Pandoc's grammar); in HTML they are escaped.
    known = {"r&d:2020": {}, "a<b": {}}
    assert raw_citations("<p>See [@r&amp;d:2020].</p>", known) == ["[@r&d:2020]"]
    assert raw_citations("<p>As @a&lt;b says</p>", known) == ["@a<b"]
    assert raw_citations("<p>As @a&lt;bc says, and r&amp;d</p>", known) == []


def test_the_invariant_allows_what_the_page_keeps_literal_and_nothing_more():
    """An escaped @ cites nothing, in brackets or not; an image's description keeps the
    text of its code as plain text. A citation written in code does not excuse one left
    as text elsewhere."""
    cite = f"[@{KEY}]"
    assert unescaped_raw_citations(f"<p>Blah {cite} and @{KEY}</p>", f"Blah [\\@{KEY}] and \\@{KEY}", KNOWN) == []
    assert unescaped_raw_citations(f'<p><img alt="Write {cite}" src="x.png"></p>',
                                   f"![Write `{cite}`](x.png)", KNOWN) == []
    written_in_code = f"Write `{cite}`.\n\n~~~\n{cite}\n"
    assert unescaped_raw_citations(f"<p>Write <code>{cite}</code>.</p><p>{cite}</p>", written_in_code, KNOWN) == [cite]
    assert unescaped_raw_citations(f"<p>{cite} and {cite}</p>", f"[\\@{KEY}] and {cite}", KNOWN) == [cite]
