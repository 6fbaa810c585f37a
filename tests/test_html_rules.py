"""The rules on parsed HTML (plain module), and the fixed policy on the real site."""

from __future__ import annotations

import re

import pytest

from page_model import THEME_SCRIPT, problems
from survivor_safety.html_rules import inline_scripts, page_violations, parse_document, script_hash


@pytest.mark.parametrize("html", [
    "<p>Plain <a href='../values/'>link</a>, <a href='https://a.org/'>away</a>, <a href='mailto:x@y.org'>mail</a></p>",
    '<img alt="chart" src="../assets/images/chart.png" srcset="a.png 1x, b.png 2x">',
    '<details class="quote"><summary>Cite</summary><pre><code>&lt;script&gt;</code></pre></details>',
    '<a href="https://site.example/x.png">own site</a><img alt="" src="https://site.example/x.png">',
    '<h2 id="a-section">A section<a class="headerlink" href="#a-section" title="Link to this section">¶</a></h2>',
    '<div class="footnote"><hr><ol><li id="fn:1"><p>Note<a class="footnote-backref" href="#fnref:1">↩</a></p></li></ol></div>',
    '<table><thead><tr><th align="left">a</th></tr></thead><tbody><tr><td align="right">1</td></tr></tbody></table>',
])
def test_safe_content_passes(html):
    assert problems(html) == []


@pytest.mark.parametrize(("html", "problem"), [
    ("<script>x()</script>", "<script> is not allowed"),
    ("<SCRIPT>x()</SCRIPT>", "<script> is not allowed"),
    ("<svg><script>x()</script></svg>", "<script> is not allowed"),
    ('<img src="a.png" OnError="x()">', "inline event handler 'onerror=' is not allowed"),
    ('<a href="java&#x0A;script:x()">x</a>', "'javascript:' URLs are not allowed (in href=)"),
    ('<a href=" &#x01;javascript:x()">x</a>', "'javascript:' URLs are not allowed (in href=)"),
    ('<a href="JaVaScRiPt:x()">x</a>', "'javascript:' URLs are not allowed (in href=)"),
    ('<img src="data:image/svg+xml,<svg onload=x()>">', "'data:' URLs are not allowed (in src=)"),
    ('<svg><a xlink:href="javascript:x()"><text>x</text></a></svg>', "<svg> is not allowed"),
    ('<video poster="https://t.example/p.png"></video>', "<video> is not allowed"),
    ('<img src="//t.example/p.png">', "image or media from another site ('//t.example/p.png')"),
    ('<img src="\\\\t.example/p.png">', "image or media from another site ('\\\\t.example/p.png')"),
    ('<img alt="" srcset="a.png 1x, https://t.example/b.png 2x">',
     "image or media from another site ('https://t.example/b.png')"),
    ('<svg><image href="https://t.example/p.png"/></svg>', "image or media from another site ('https://t.example/p.png')"),
    ('<div inert>x</div>', "attribute 'inert=' is not allowed on <div>"),
    ('<p popover>x</p>', "attribute 'popover=' is not allowed on <p>"),
    ('<p class="quick-exit__button">x</p>', 'class "quick-exit__button" is reserved for the site\'s own controls'),
    ('<p id="__drawer">x</p>', 'id="__drawer" is reserved for the site\'s own controls'),
    ('<p id="md-top">x</p>', 'id="md-top" is reserved for the site\'s own controls'),
    ('<p class="js-x">x</p>', 'class "js-x" is reserved for the site\'s own controls'),
    ('<p id="a&quot;b">x</p>', 'id="a"b" is not a plain name'),
    ('<label for="__drawer">x</label>', "<label> is not allowed"),
    ('<body inert>', "<body> has other attributes than the theme writes (inert)"),
    ('<html data-x="1">', "<html> has other attributes than the theme writes (data-x)"),
    ('</article></main><div>x</div>', "the page around the content differs from the theme's"),
    ('<a href="http:t.example">x</a><img alt="" src="http:t.example/x.png">', "image or media from another site"),
    ('<object data="x.swf"></object>', "<object> is not allowed"),
    ("<template><img src=x onerror=x()></template>", "<template> is not allowed"),
    ('<iframe srcdoc="<script>x()</script>"></iframe>', "<iframe> is not allowed"),
    ('<div srcdoc="x">x</div>', "attribute 'srcdoc=' is not allowed"),
    ('<button formaction="https://t.example/">x</button>', "attribute 'formaction=' is not allowed"),
])
def test_unsafe_content_is_found_as_the_browser_reads_it(html, problem):
    found = problems(html)
    assert any(problem in line for line in found), found


def test_first_duplicated_attribute_is_the_one_checked():
    assert "image or media from another site ('https://t.example/a.png')" in problems(
        '<img alt="" src="https://t.example/a.png" src="a.png">')
    assert problems('<img alt="" src="a.png" src="https://t.example/a.png">') == []


def test_text_in_textarea_and_comments_is_not_markup():
    assert problems("<textarea><script>x()</script></textarea><!-- <script>x()</script> -->") == [
        "<textarea> is not allowed"]  # the element itself; the script inside it is text


def test_an_attribute_the_page_already_has_is_not_merged():
    """The browser merges a stray <html>/<body> tag's attributes only where the real
    element lacks them; the check reads the document it builds."""
    assert problems('<html class="x" lang="fr">') == []


THEME_PAGE = ('<!doctype html><html><head><meta charset="utf-8"><script>theme()</script>'
              '<script id="__config" type="application/json">{"a": 1}</script>'
              '<link rel="stylesheet" href="assets/main.css"><link rel="canonical" href="https://site.example/">'
              '</head><body><form class="md-search__form"><input></form>{content}</body></html>')


def page_problems(content: str) -> list[str]:
    tree = parse_document(THEME_PAGE.replace("{content}", content))
    return [v.problem for v in page_violations(tree, {script_hash(THEME_SCRIPT)}, "site.example")]


def test_the_theme_page_passes_with_its_own_script_hash():
    assert page_problems("<p>x</p>") == []


@pytest.mark.parametrize(("content", "problem"), [
    ("<script>theme();steal()</script>", "inline <script> that the theme did not write"),
    ('<script src="https://t.example/x.js"></script>', "script from another site ('https://t.example/x.js')"),
    ('<meta http-equiv="refresh" content="0;url=https://t.example/">', '<meta http-equiv="refresh"> is not allowed'),
    ('<base href="https://t.example/">', "<base> is not allowed"),
    ('<link rel="stylesheet" href="https://t.example/x.css">', "<link> to another site ('https://t.example/x.css')"),
    ('<link rel="import" href="x.html">', '<link rel="import"> is not allowed'),
    ('<p style="display:none">x</p>', "attribute 'style=' is not allowed"),
    ("<style>.quick-exit{display:none}</style>", "<style> is not allowed"),
    ('<body onload="x()">', "inline event handler 'onload=' is not allowed"),
])
def test_anything_beyond_the_theme_in_a_finished_page_is_refused(content, problem):
    assert problem in page_problems(content)


def test_inline_scripts_skip_data_blocks_and_external_scripts():
    tree = parse_document('<script>a()</script><script src="x.js"></script>'
                          '<script type="application/json">{}</script><script type="module">b()</script>')
    assert inline_scripts(tree) == ["a()", "b()"]


def test_every_page_allows_exactly_the_theme_scripts_it_has(built_site):
    """On the real site each page's policy lists one hash per inline script the page has,
    and no policy anywhere allows 'unsafe-inline' or 'unsafe-eval'."""
    for path in sorted(built_site.site_dir.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
        allowed = set(re.findall(r"'sha256-[^']+'", policy))
        present = {script_hash(text) for text in inline_scripts(parse_document(html))}
        assert allowed == present, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    headers = (built_site.site_dir / "_headers").read_text()
    assert "unsafe-inline" not in headers and "unsafe-eval" not in headers
