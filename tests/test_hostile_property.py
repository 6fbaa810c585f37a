"""Issue 21: hostile pages generated from a grammar of the attacks' causes, and the
invariants that must hold for every one of them.

Each example is a page (a title, headings with ids, and content mixing Markdown's
elements with everything the causes use: reserved ids and classes, unknown attributes,
stray <html>/<body>/<head> tags, closing tags of the theme's elements, script and
style, URLs with tabs, newlines, backslashes and other schemes, look-alike hosts and
bidi controls). It goes through the checks as the build runs them: the title and
heading ids where they are written (``template_values``), then the finished page
against its shape probe (``page_checks.secure_page``). Either a check refuses the page,
or the page the browser builds holds every invariant, read by an oracle written
independently of the checks (whole-document facts, not the walk the checks make).

CI runs a few hundred examples; ``HYPOTHESIS_EXAMPLES=20000`` runs more.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from page_model import EXIT_URL, THEME_SCRIPT, THEME_SCRIPTS, check, theme_page
from survivor_safety.html_rules import inline_scripts, script_hash
from survivor_safety.template_values import heading_problems, title_problems
from survivor_safety.urls import BIDI_CONTROLS, SAFE_SCHEMES, read_url

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "300"))

TAGS = ["p", "div", "span", "a", "img", "em", "h2", "table", "td", "details", "summary", "aside", "ul", "li",
        "body", "html", "head", "title", "script", "style", "meta", "base", "link", "label", "input", "svg",
        "image", "iframe", "form", "article", "main", "nav", "header", "template", "noscript", "math", "marquee"]
ATTRIBUTES = ["id", "class", "href", "src", "srcset", "title", "style", "inert", "popover", "onclick", "tabindex",
              "target", "hidden", "data-x", "rel", "for", "lang", "dir", "role", "http-equiv", "content",
              "xlink:href", "data-quick-exit-destination", "aria-hidden", "download", "align"]
VALUES = ["quick-exit", "quick-exit-button", "quick-exit__button", "js-quick-exit", "md-header", "__drawer",
          "section-1", "ok", "x y", 'a"b', "javascript:alert(1)", "java\tscript:alert(1)", "java&#9;script:x",
          "http:elsewhere.example", "//elsewhere.example/x", "https:\\\\elsewhere.example", "ht\ntps://elsewhere.example",
          "https://elsewhere.example/x.png", "../values/", "#top", "data:text/html,x", "https://\u0430pple.com/",
          "https://www.weather.gov/", "mailto:a@b.example", "refresh", "0;url=https://elsewhere.example/",
          "\u202egnp.exe", "", "1", "_blank", "left"]
TEXT = st.sampled_from(["Text", "elsewhere.example", "https://www.weather.gov/", "a \u202e b", "&lt;/title&gt;",
                        "<!--", "-->", "]]>", "&amp;", "\"'", "www.example.org"])
CLOSERS = ["</article>", "</main>", "</body>", "</html>", "</aside>", "</nav>", "</title>", "</script>", "</head>"]


@st.composite
def element(draw, depth=0):
    tag = draw(st.sampled_from(TAGS))
    attributes = draw(st.lists(st.tuples(st.sampled_from(ATTRIBUTES), st.sampled_from(VALUES)), max_size=3))
    written = "".join(f' {name}="{value}"' for name, value in attributes)
    children = draw(st.lists(st.one_of(TEXT, element(depth + 1)) if depth < 3 else TEXT, max_size=3))
    closer = draw(st.sampled_from(["", f"</{tag}>", f"</{tag}>", f"</{tag}>", *CLOSERS]))
    return f"<{tag}{written}>{''.join(children)}{closer}"


@st.composite
def hostile_page(draw):
    content = "".join(draw(st.lists(st.one_of(element(), TEXT), min_size=1, max_size=5)))
    title = draw(st.sampled_from(["Page", "A &lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;", "Plain &amp; text",
                                  "Q \"quoted\"", "x\x02wzxhzdk:1\x03"]))
    headings = draw(st.lists(st.tuples(st.sampled_from(VALUES + ["a-section", "b.c", "fn:1"]), TEXT), max_size=3))
    return title, headings, content


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(hostile_page())
def test_a_hostile_page_is_refused_or_inert(example):
    title, headings, content = example
    if title_problems(title) or list(heading_problems([(i, t, []) for i, t in headings])):
        return  # refused where the value is written: the build stops before the theme prints it
    result = check(content, title=title, headings=headings)
    if result.violations:
        return  # refused: the page is never written
    html = result.html or theme_page(title, headings, content)
    assert_inert(html, theme_page("Page", [(f"heading-{n}", "Heading") for n, _ in enumerate(headings, 1)],
                                  "<p>Text</p>"))


def assert_inert(html: str, theme: str) -> None:
    """What must be true of any page the checks let through, read from the document."""
    tree, reference = LexborHTMLParser(html), LexborHTMLParser(theme)
    for name in ("html", "head", "body"):
        node, expected = tree.css_first(name), reference.css_first(name)
        assert node.attributes == expected.attributes, (name, node.attributes)
    # The exit: one button, the theme's, first in the document, with its destination.
    exits = [node for node in tree.root.traverse(include_text=False) if node.is_element_node and (
        "quick-exit" in (node.attributes.get("id") or "") or "quick-exit" in (node.attributes.get("class") or "")
        or "data-quick-exit-destination" in node.attributes)]
    assert [node.attributes.get("id") for node in exits] == ["quick-exit-button"], exits
    assert exits[0].attributes["data-quick-exit-destination"] == EXIT_URL
    assert exits[0].attributes["href"] == EXIT_URL
    for node in tree.root.traverse(include_text=False):
        if not node.is_element_node:
            continue
        for name, value in node.attributes.items():
            assert name not in ("inert", "popover", "style", "tabindex", "target", "hidden") \
                and not name.startswith("on"), (node.tag, name)
            if name in ("href", "src", "srcset", "xlink:href", "action", "formaction", "data", "poster"):
                read = read_url(value or "")
                assert not read.scheme or read.scheme in SAFE_SCHEMES, (node.tag, name, value)
                if name != "href":
                    assert not read.leaves_site, (node.tag, name, value)
            for token in (value or "").split() if name == "class" else []:
                assert not token.startswith(("md-", "js-", "quick-exit", "__")) or _theme_class(reference, token)
        if node.tag == "a" and read_url(node.attributes.get("href") or "").leaves_site:
            assert "noreferrer" in (node.attributes.get("rel") or "").split()
        assert node.tag not in ("iframe", "object", "embed", "form", "base", "template", "style"), node.tag
        if node.tag == "meta":
            assert node.attributes.get("http-equiv") is None
    scripts = [node.attributes.get("src") for node in tree.css("script[src]")]
    assert set(scripts) <= THEME_SCRIPTS, scripts
    assert {script_hash(text) for text in inline_scripts(tree)} <= {script_hash(THEME_SCRIPT)}
    assert not BIDI_CONTROLS & set(tree.body.text(deep=True))


def _theme_class(reference: LexborHTMLParser, token: str) -> bool:
    return any(token in (node.attributes.get("class") or "").split()
               for node in reference.root.traverse(include_text=False) if node.is_element_node)
