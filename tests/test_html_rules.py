"""The rules on parsed HTML (plain module), and the fixed policy on the real site."""

from __future__ import annotations

import re

import pytest

from survivor_safety.html_rules import (content_violations, inline_scripts, page_violations, parse_document,
                                        parse_fragment, script_hash)


def problems(html: str, site_host: str = "") -> list[str]:
    return [violation.problem for violation in content_violations(parse_fragment(html), site_host)]


@pytest.mark.parametrize("html", [
    "<p>Plain <a href='../values/'>link</a>, <a href='https://a.org/'>away</a>, <a href='mailto:x@y.org'>mail</a></p>",
    '<img alt="chart" src="../assets/images/chart.png" srcset="a.png 1x, b.png 2x">',
    '<svg viewBox="0 0 1 1"><use href="#icon"/><rect fill="url(#g)"/></svg>',
    '<details class="quote"><summary>Cite</summary><pre><code>&lt;script&gt;</code></pre></details>',
    '<a href="https://site.example/x.png">own site</a><img alt="" src="https://site.example/x.png">',
])
def test_safe_content_passes(html):
    assert problems(html, site_host="site.example") == []


@pytest.mark.parametrize(("html", "problem"), [
    ("<script>x()</script>", "<script> is not allowed"),
    ("<SCRIPT>x()</SCRIPT>", "<script> is not allowed"),
    ("<svg><script>x()</script></svg>", "<script> is not allowed"),
    ('<img src="a.png" OnError="x()">', "inline event handler 'onerror=' is not allowed"),
    ('<a href="java&#x0A;script:x()">x</a>', "'javascript:' URLs are not allowed (in href=)"),
    ('<a href=" &#x01;javascript:x()">x</a>', "'javascript:' URLs are not allowed (in href=)"),
    ('<a href="JaVaScRiPt:x()">x</a>', "'javascript:' URLs are not allowed (in href=)"),
    ('<img src="data:image/svg+xml,<svg onload=x()>">', "'data:' URLs are not allowed (in src=)"),
    ('<svg><a xlink:href="javascript:x()"><text>x</text></a></svg>', "'javascript:' URLs are not allowed (in xlink:href=)"),
    ('<video poster="https://t.example/p.png"></video>', "image or media from another site ('https://t.example/p.png')"),
    ('<img src="//t.example/p.png">', "image or media from another site ('//t.example/p.png')"),
    ('<img src="\\\\t.example/p.png">', "image or media from another site ('\\\\t.example/p.png')"),
    ('<picture><source srcset="a.png 1x, https://t.example/b.png 2x"></picture>',
     "image or media from another site ('https://t.example/b.png')"),
    ('<svg><image href="https://t.example/p.png"/></svg>', "image or media from another site ('https://t.example/p.png')"),
    ('<object data="x.swf"></object>', "<object> is not allowed"),
    ("<template><img src=x onerror=x()></template>", "<template> is not allowed"),
    ('<iframe srcdoc="<script>x()</script>"></iframe>', "<iframe> is not allowed"),
    ('<div srcdoc="x">x</div>', "attribute 'srcdoc=' is not allowed"),
    ('<button formaction="https://t.example/">x</button>', "attribute 'formaction=' is not allowed"),
])
def test_unsafe_content_is_found_as_the_browser_reads_it(html, problem):
    assert problem in problems(html)


def test_first_duplicated_attribute_is_the_one_checked():
    assert problems('<img alt="" src="https://t.example/a.png" src="a.png">') == [
        "image or media from another site ('https://t.example/a.png')"]
    assert problems('<img alt="" src="a.png" src="https://t.example/a.png">') == []


def test_text_in_textarea_and_comments_is_not_markup():
    assert problems("<textarea><script>x()</script></textarea><!-- <script>x()</script> -->") == []


THEME_PAGE = ('<!doctype html><html><head><meta charset="utf-8"><script>theme()</script>'
              '<script id="__config" type="application/json">{"a": 1}</script>'
              '<link rel="stylesheet" href="assets/main.css"><link rel="canonical" href="https://site.example/">'
              '</head><body><form class="md-search__form"><input></form>{content}</body></html>')


def page_problems(content: str) -> list[str]:
    tree = parse_document(THEME_PAGE.replace("{content}", content))
    return [v.problem for v in page_violations(tree, {script_hash("theme()")}, "site.example")]


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
