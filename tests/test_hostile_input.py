"""A hostile contributor's pull request, one class of attack per case.

Each case is built with the real `mkdocs build --strict` and must end one of two ways:
a one-line error naming the file (non-zero exit, no traceback), or an inert build whose
output holds the attack only as text. The browser half (test_hostile_browser.py) loads
the inert builds in Chromium and watches for dialogs, requests and navigation.
"""

from __future__ import annotations

import json

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import MINIMAL_BIBLIOGRAPHY, FixtureSite, assert_linear_work, assert_one_line_error

GOOD_PAGE = "---\ntitle: Home\ndescription: A page.\n---\n\n# Home\n\nCited [@vera-unjust-burden-2018].\n"
HOOKS = ["mkdocs_contributors.py", "mkdocs_citations.py", "mkdocs_safety.py", "mkdocs_links.py"]


def hostile_site(root: Path) -> FixtureSite:
    """The project's hooks and the Markdown extensions mkdocs.yml uses, snippets included."""
    site = FixtureSite(root)
    site.hooks = list(HOOKS)
    site.markdown_extensions = (
        "[abbr, attr_list, md_in_html, toc, pymdownx.superfences, pymdownx.details, "
        f"{{pymdownx.snippets: {{check_paths: true, base_path: ['{root / 'docs' / '_snippets'}'], "
        "auto_append: [glossary.md]}}]"
    )
    site.page("index.md", GOOD_PAGE)
    site.page("sources.md", "---\ndescription: Every source.\n---\n# Sources\n\n<!-- citations:sources-list -->\n")
    site.page("staying-safe-online.md", "---\ndescription: Safety advice.\n---\n# Staying safe online\n\nAdvice.\n")
    site.page("_snippets/glossary.md", "*[NSN]: National Survivor Network\n")
    return site


@pytest.fixture
def site(tmp_path) -> FixtureSite:
    return hostile_site(tmp_path)


def page_with(body: str) -> str:
    return GOOD_PAGE + "\n" + body + "\n"


def assert_builds(site: FixtureSite):
    """An inert build: exit 0 (the output is then checked by the caller)."""
    result = site.build()
    assert result.returncode == 0, result.output
    return result


def shown_text(html: str) -> str:
    """The text a reader sees in the page body, as a browser builds it (so the test does
    not depend on which character references the build wrote)."""
    return LexborHTMLParser(html).body.text(deep=True)


def assert_inert(html: str) -> None:
    """Nothing in the page runs code or loads from another site, read as a browser reads it."""
    from survivor_safety.html_rules import parse_document

    for node in parse_document(html).root.traverse(include_text=False):
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), (node.tag, name, value)
            if name.lower() in ("href", "src", "srcset", "xlink:href", "poster"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), value
            if name.lower() in ("src", "srcset", "poster"):
                assert "elsewhere.example" not in (value or ""), value
        if node.tag == "script":
            assert "alert" not in node.text(), node.text()


# Script, redirect and third-party attacks written in a page: each stops the build.
# (case, page body, message; the line is where the attack sits in docs/index.md)
PAGE_ATTACKS = [
    ("plain script", "<script>alert(1)</script>",
     "docs/index.md:10: raw <script> is not allowed"),
    ("backslash-escaped backticks", "\\`<script>alert(1)</script>\\`",
     "docs/index.md:10: raw <script> is not allowed"),
    ("code span inside an HTML block", "<div>\n`<img src=x onerror=alert(1)>`\n</div>",
     "docs/index.md:11: inline event handler 'onerror=' is not allowed"),
    ("indented line inside an HTML block", "<div>\n\n    <img src=x onerror=alert(1)>\n\n</div>",
     "docs/index.md:12: inline event handler 'onerror=' is not allowed"),
    ("empty comment <!-->", "<!--><script>alert(1)</script><!-- -->",
     "docs/index.md:10: raw <script> is not allowed"),
    ("empty comment <!--->", "<!---><img src=x onerror=alert(1)><!-- -->",
     "docs/index.md:10: inline event handler 'onerror=' is not allowed"),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=https://elsewhere.example/">',
     "docs/index.md:10: <meta> is not allowed"),
    ("base tag", '<base href="https://elsewhere.example/">', "docs/index.md:10: <base> is not allowed"),
    ("stylesheet link", '<link rel="stylesheet" href="https://elsewhere.example/x.css">',
     "docs/index.md:10: <link> is not allowed"),
    ("style element", "<style>body{background:url(https://elsewhere.example/x.png)}</style>",
     "docs/index.md:10: <style> is not allowed"),
    ("style attribute", '<p style="background:url(https://elsewhere.example/x.png)">x</p>',
     "docs/index.md:10: attribute 'style=' is not allowed"),
    ("form", '<form action="https://elsewhere.example/"><input name="q"></form>',
     "docs/index.md:10: <form> is not allowed"),
    ("entity-encoded javascript: URL", '<a href="jav&#x09;ascript:alert(1)">x</a>',
     "'javascript:' URLs are not allowed (in href=)"),
    ("vbscript: URL", '<a href="vbscript:msgbox(1)">x</a>', "'vbscript:' URLs are not allowed (in href=)"),
    ("data: URL", '<a href="data:text/html,<script>alert(1)</script>">x</a>', "docs/index.md:10:"),
    ("SVG animation to a script URL",
     '<svg><a><animate attributeName="href" to="javascript:alert(1)"/><text y="20">x</text></a></svg>',
     "docs/index.md:10: <animate> is not allowed"),
    ("SVG image from another site", '<svg><image href="https://elsewhere.example/x.png"/></svg>',
     "docs/index.md:10: image or media from another site ('https://elsewhere.example/x.png')"),
    ("srcset from another site", '<img alt="x" srcset="https://elsewhere.example/x.png 1x">',
     "docs/index.md:10: image or media from another site ('https://elsewhere.example/x.png')"),
    ("ping attribute", '<a href="../" ping="https://elsewhere.example/track">x</a>',
     "docs/index.md:10: attribute 'ping=' is not allowed"),
    ("duplicated attribute, the first is read", '<img alt="x" src="https://elsewhere.example/a.png" src="a.png">',
     "image or media from another site ('https://elsewhere.example/a.png')"),
    ("unclosed div swallows References", "<div>\n\n```\ncode\n```\n",
     "docs/index.md:10: <div> is never closed — add </div> where the block ends"),
]


@pytest.mark.parametrize(("case", "body", "message"), PAGE_ATTACKS, ids=[case for case, _, _ in PAGE_ATTACKS])
def test_page_attacks_stop_the_build(site, case, body, message):
    site.page("index.md", page_with(body))
    assert_one_line_error(site.build(), message)


def test_errors_become_github_annotations_in_ci(site):
    site.page("index.md", page_with("<script>alert(1)</script>"))
    result = site.build(env={"GITHUB_ACTIONS": "true"})
    assert_one_line_error(result, "docs/index.md:10: raw <script> is not allowed")
    assert ("::error file=docs/index.md,line=10::raw <script> is not allowed — remove it: pages run no "
            "scripts of their own (ask a maintainer if you need one)") in result.output
    assert "::error" not in site.build(env={"GITHUB_ACTIONS": ""}).output


# Front matter: escaped wherever it reaches HTML, typed as the schema says.


def test_front_matter_title_and_description_are_inert(site):
    site.page("index.md", '---\ntitle: "</title><script>alert(1)</script>"\n'
                          'description: "\\"><script>alert(2)</script>"\n---\n\n# Home\n\n'
                          "Cited [@vera-unjust-burden-2018].\n")
    result = assert_builds(site)
    for page in ("index.html", "sources/index.html"):
        html = result.page(page)
        assert_inert(html)
        assert "<script>alert" not in html
        assert "</title><script>alert(1)</script>" in LexborHTMLParser(html).root.text(deep=True)  # as text
    description = LexborHTMLParser(result.page("index.html")).css_first('meta[name="description"]')
    assert description.attributes["content"] == '"><script>alert(2)</script>'  # one attribute, as text


@pytest.mark.parametrize(("value", "shown"), [("2022", "2022"), ("yes", "yes"), ("1.10", "1.10"),
                                              ("2024-05-01", "2024-05-01"), ("null", "null")])
def test_front_matter_title_is_text_whatever_it_looks_like(site, value, shown):
    site.page("index.md", f"---\ntitle: {value}\ndescription: A page.\n---\n\n# Home\n\n"
                          "Cited [@vera-unjust-burden-2018].\n")
    result = assert_builds(site)
    assert f"<title>{shown} - Fixture</title>" in result.page("index.html")


@pytest.mark.parametrize(("front_matter", "message"), [
    ("title: &a Home\ndescription: *a", "docs/index.md:2: front matter is not valid YAML (anchors (&a) are not "
                                        "allowed) — write the value out in full instead of reusing it with & and *"),
    ("title: Home\ntitle: Again", "docs/index.md:3: front matter is not valid YAML (duplicate key 'title' (the first "
                                  "is on line 1)) — keep one of the two"),
    ("? [title]\n: Home", "docs/index.md:2: front matter is not valid YAML (a key must be plain text, not a list or "
                          "mapping) — write the field name as plain text before the colon"),
    ("title: !!binary aGVsbG8=", "docs/index.md:2: front matter is not valid YAML (tags such as "
                                 "'tag:yaml.org,2002:binary' are not allowed) — remove the tag"),
    ("title: " + "[" * 300 + "]" * 300, "docs/index.md:2: front matter is not valid YAML (nested more than 20 levels "
                                        "deep) — flatten the structure"),
    ("title: [a, list]", "docs/index.md:2: 'title' must be text"),
    ("title: {a: b}", "docs/index.md:2: 'title' must be text"),
])
def test_malformed_front_matter_is_one_line(site, front_matter, message):
    site.page("index.md", f"---\n{front_matter}\n---\n\n# Home\n\nCited [@vera-unjust-burden-2018].\n")
    assert_one_line_error(site.build(), message)


def test_content_note_skip_to_cannot_inject(site):
    site.page("index.md", '---\ntitle: Home\ndescription: A page.\ncontent_note:\n  text: Discusses policing.\n'
                          '  skip_to: "#x)[y](javascript:alert(1)"\n---\n\n# Home\n\nCited [@vera-unjust-burden-2018].\n')
    assert_one_line_error(site.build(), "docs/index.md:4: 'content_note.skip_to' must be an #anchor on this page")


def test_content_note_text_is_inert(site):
    site.page("index.md", '---\ntitle: Home\ndescription: A page.\ncontent_note: "[x](javascript:alert(1)) '
                          '<img src=x onerror=alert(1)> ![t](https://elsewhere.example/t.png)"\n---\n\n# Home\n\n'
                          "Cited [@vera-unjust-burden-2018].\n")
    result = assert_builds(site)
    html = result.page("index.html")
    assert_inert(html)
    assert "[x](javascript:alert(1)) <img src=x onerror=alert(1)> ![t](https://elsewhere.example/t.png)" in shown_text(html)


# Other input paths: the glossary, snippets, static files, the theme's own files.


def test_glossary_snippet_is_checked_like_a_page(site):
    site.page("_snippets/glossary.md", "*[NSN]: National Survivor Network\n\n<script>alert(1)</script>\n")
    assert_one_line_error(site.build(), "docs/_snippets/glossary.md:3: raw <script> is not allowed")


def test_included_snippet_is_checked_like_a_page(site):
    site.page("_snippets/part.md", "Text.\n\n<img src=x onerror=alert(1)>\n")
    site.page("index.md", page_with('--8<-- "part.md"'))
    assert_one_line_error(site.build(), "docs/_snippets/part.md:3: inline event handler 'onerror=' is not allowed")


@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ"])
def test_snippet_symlink_out_of_the_project_is_refused(site, target):
    (site.docs / "_snippets" / "leak.md").symlink_to(target)
    site.page("index.md", page_with('--8<-- "leak.md"'))
    result = site.build()
    assert_one_line_error(result, "docs/_snippets/leak.md:1: symbolic links are not allowed in docs/")
    assert "root:" not in result.output


@pytest.mark.parametrize("path", ["../../.git/config", "../mkdocs.yml", "/etc/passwd", "missing.md"])
def test_snippet_outside_or_missing_is_one_line(site, path):
    (site.root / ".git").mkdir()
    (site.root / ".git" / "config").write_text("[core]\n")
    site.page("index.md", page_with(f'--8<-- "{path}"'))
    assert_one_line_error(site.build(), f"docs/index.md:10: snippet '{path}' does not exist — check the file name")


def test_snippet_guard_refuses_a_link_that_the_snippet_extension_would_follow(tmp_path):
    """The guard itself, without on_files' symlink check in front of it."""
    from contributor_checks.snippet_guard import SnippetGuard, SnippetProblem

    allowed = tmp_path / "_snippets"
    allowed.mkdir()
    (allowed / "fine.md").write_text("ok")
    (allowed / "leak.md").symlink_to("/etc/passwd")
    guard = SnippetGuard([allowed], lambda problem: problem)
    assert guard.check("fine.md", str(allowed / "fine.md")) == str(allowed / "fine.md")
    with pytest.raises(SnippetProblem, match="outside docs/_snippets/ or is a link"):
        guard.check("leak.md", str(allowed / "leak.md"))
    with pytest.raises(SnippetProblem, match="does not exist"):
        guard.check("gone.md", None)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("evil.html", "<script>alert(1)</script>", "docs/evil.html:1: static file type '.html' is not allowed"),
    ("evil.xhtml", "<script>alert(1)</script>", "docs/evil.xhtml:1: static file type '.xhtml' is not allowed"),
    ("_redirects", "/* https://elsewhere.example/ 301", "docs/_redirects:1: static file type without an extension"),
    ("assets/x.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "docs/assets/x.svg:1: SVG element <script> is not allowed"),
    ("assets/x.svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>',
     "docs/assets/x.svg:1: SVG event handler 'onload=' is not allowed"),
    ("assets/x.svg", '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://elsewhere.example/a.png"/></svg>',
     "docs/assets/x.svg:1: SVG reference to another file ('https://elsewhere.example/a.png')"),
    ("assets/x.svg", '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "x">]><svg>&a;</svg>',
     "docs/assets/x.svg:1: an SVG with a DOCTYPE is not allowed"),
    ("assets/x.svg", '<svg xmlns="http://www.w3.org/2000/svg"><g></svg>',
     "docs/assets/x.svg:1: the SVG is not well-formed XML (mismatched tag) — export the image again"),
    ("assets/x.svg", '<svg xmlns="http://www.w3.org/2000/svg">' + "<g>" * 50_000,
     "docs/assets/x.svg:1: the SVG is not well-formed XML"),
    ("assets/javascripts/quick-exit.js", "", "docs/assets/javascripts/quick-exit.js:1: "
     "'assets/javascripts/quick-exit.js' would replace the theme's own file of that name"),
    ("assets/stylesheets/site.css", ".quick-exit{display:none}", "docs/assets/stylesheets/site.css:1: "
     "'assets/stylesheets/site.css' would replace the theme's own file of that name"),
])
def test_static_files_are_checked(site, name, content, message):
    site.page(name, content)
    assert_one_line_error(site.build(), message)


def test_a_plain_svg_is_published(site):
    site.page("assets/ok.svg", '<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs>'
                               '<rect fill="url(#g)" width="1" height="1"/><use href="#g"/></svg>')
    result = assert_builds(site)
    assert (result.site_dir / "assets" / "ok.svg").exists()


def test_static_symlink_is_refused(site):
    (site.docs / "assets").mkdir()
    (site.docs / "assets" / "env.txt").symlink_to("/proc/self/environ")
    assert_one_line_error(site.build(), "docs/assets/env.txt:1: symbolic links are not allowed in docs/")


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfe# Home\n", "docs/index.md:1: the file is not UTF-8 text (byte 0xff) — save it as UTF-8 in your editor"),
    (b"# Home\n\x00\x01binary", "docs/index.md:2: the file is not text (it contains a NUL byte)"),
])
def test_binary_or_invalid_utf8_page_is_one_line(site, data, message):
    (site.docs / "index.md").write_bytes(data)
    assert_one_line_error(site.build(), message)


# The bibliography: text stays text; URLs and DOIs are checked before any export.

@pytest.mark.parametrize(("old", "new", "message"), [
    ('title: "An Unjust Burden"', 'title: &t "An Unjust Burden"\n  note: *t',
     "docs/_data/bibliography.yaml:4: entry 'vera-unjust-burden-2018': invalid YAML (anchors (&t) are not allowed)"),
    ('title: "An Unjust Burden"', 'title: "An Unjust Burden"\n  title: "Other"',
     "docs/_data/bibliography.yaml:5: entry 'vera-unjust-burden-2018': invalid YAML (duplicate key 'title' (the first is on line 4))"),
    ('title: "An Unjust Burden"', "title: !!binary aGVsbG8=",
     "entry 'vera-unjust-burden-2018': invalid YAML (tags such as 'tag:yaml.org,2002:binary' are not allowed)"),
    ('title: "An Unjust Burden"', "title: [a, b]",
     "docs/_data/bibliography.yaml:4: entry 'vera-unjust-burden-2018': 'title' must be text, not a list"),
    ("URL: https://www.vera.org/example.pdf", 'URL: "https://www.vera.org/x}, note={injected"',
     "docs/_data/bibliography.yaml:10: entry 'vera-unjust-burden-2018': URL 'https://www.vera.org/x}, "
     "note={injected' is not an http(s) address"),
    ("URL: https://www.vera.org/example.pdf", 'DOI: "10.1234/x}, note={injected"',
     "entry 'vera-unjust-burden-2018': DOI '10.1234/x}, note={injected' is not a DOI"),
    ("URL: https://www.vera.org/example.pdf", 'URL: "https://example]org/x"',
     "URL 'https://example]org/x' is not an http(s) address"),
])
def test_bibliography_attacks_are_one_line(site, old, new, message):
    assert old in MINIMAL_BIBLIOGRAPHY
    site.bibliography(MINIMAL_BIBLIOGRAPHY.replace(old, new))
    assert_one_line_error(site.build(), message)


def test_bibliography_alias_bomb_is_refused_before_it_grows(site):
    bomb = "".join(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 10))
    site.bibliography("l0: &l0 [lol]\n" + bomb + MINIMAL_BIBLIOGRAPHY)
    assert_one_line_error(site.build(), "docs/_data/bibliography.yaml:1: entry '-': invalid YAML (anchors (&l0) "
                                        "are not allowed)")


def test_invalid_utf8_bibliography_is_one_line(site):
    (site.docs / "_data" / "bibliography.yaml").write_bytes(b"references:\n- id: \xff\n")
    assert_one_line_error(site.build(), "docs/_data/bibliography.yaml:2: entry '-': not UTF-8 text (byte 0xff)")


def test_bibliography_text_never_becomes_markup(site):
    hostile = MINIMAL_BIBLIOGRAPHY.replace(
        "- family: Hinton\n      given: Elizabeth",
        "- literal: 'x](https://elsewhere.example/ \"t\"){onmouseover=alert(1)} [y'",
    ).replace('title: "An Unjust Burden"', 'title: "![a](https://elsewhere.example/t.png) <b>bold</b> *em*"')
    site.bibliography(hostile)
    result = assert_builds(site)
    for page in ("index.html", "sources/index.html"):
        html = result.page(page)
        assert_inert(html)
        # Markdown never reads it; only CSL's own rich text (<b>, <i>, <sup>, <sub>) is
        # formatting, as citeproc defines it.
        assert "<b>bold</b>" not in html and "<em>em</em>" not in html
        assert "<strong>bold</strong>" in html
        assert "![a](https://elsewhere.example/t.png) bold *em*" in shown_text(html)


def _use_bibliography(site, name: str, text: str) -> None:
    (site.docs / "_data" / name).write_text(text, encoding="utf-8")
    site.bibliography_name = name


def test_bibtex_cannot_read_files_or_inject_markup(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    _use_bibliography(site, "bibliography.bib", (
        "@report{vera-unjust-burden-2018,\n"
        f"  title = {{A \\input{{{secret}}} B \\include{{{secret}}} <script>alert(1)</script>}},\n"
        "  author = {{x](https://elsewhere.example/){onmouseover=alert(1)}}},\n"
        f"  url = {{https://example.org/r}},\n  date = {{2020}},\n  confidence = {{likely}},\n}}\n"))
    result = assert_builds(site)
    for page in ("index.html", "sources/index.html", "bibliography.json", "bibliography.bib", "bibliography.ris"):
        assert "TOP-SECRET-VALUE" not in result.page(page), page
    for page in ("index.html", "sources/index.html"):
        assert_inert(result.page(page))


def test_csl_json_markup_stays_inert(site):
    _use_bibliography(site, "bibliography.json", json.dumps([{
        "id": "vera-unjust-burden-2018", "type": "report",
        "title": "<script>alert(1)</script><img src=x onerror=alert(2)><span style=\"color:red\">x</span>",
        "author": [{"literal": "<a href=\"javascript:alert(3)\">Org</a>"}], "issued": {"date-parts": [[2020]]},
        "custom": {"confidence": "likely"}}]))
    result = assert_builds(site)
    for page in ("index.html", "sources/index.html"):
        html = result.page(page)
        assert_inert(html)
        assert "<script>alert(1)</script>" in shown_text(html)


# Linear cost: 80 KB of tags, comments and backticks make four times the calls of 20 KB (counted, not timed).


@pytest.mark.parametrize("unit", ["<img ", "<div>", "<!--", "`", "![", "<a onx", "<img src=x onerror=1 "])
def test_source_checks_are_linear_in_page_size(unit):
    from contributor_checks.content_safety import check_content

    assert_linear_work(check_content, unit)


def test_hundred_kilobytes_of_tags_build(site):
    site.page("index.md", page_with("<img " * 20_000))
    assert_builds(site)


def test_malformed_url_in_raw_html_is_one_line(site):
    site.page("index.md", page_with('<a href="https://example]org/x">odd</a>'))
    assert_one_line_error(site.build(), "docs/index.md:10: link 'https://example]org/x': not a valid URL")


def test_folder_named_like_a_page_is_not_read_as_one(site):
    site.page("notes.html/index.md", "---\ndescription: Notes.\n---\n# Notes\n\nText.\n")
    assert_builds(site)


def test_markup_written_as_escaped_text_builds_and_stays_text(site):
    """Contributors may write about markup: escaped, it is text, and no check complains."""
    site.page("index.md", page_with("Escaped: \\<img src=x onerror=alert(1)\\> and `<script>` in code."))
    result = assert_builds(site)
    html = result.page("index.html")
    assert_inert(html)
    assert "<img src=x onerror=alert(1)>" in shown_text(html)


def test_a_page_cannot_name_the_citation_placeholders(site):
    """Citation HTML goes in after Markdown through placeholders with a random token; text
    that imitates their shape stays what it is."""
    site.page("index.md", page_with("Fake <!--citations-0123456789abcdef:0--> and citation0123456789abcdefn0z."))
    result = assert_builds(site)
    html = result.page("index.html")
    assert_inert(html)
    assert "citation0123456789abcdefn0z" in html
