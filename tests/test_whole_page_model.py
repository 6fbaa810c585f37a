"""Issue 21: nothing a contributor writes can touch the quick exit or the page around the
content. One test per cause, each with a page that exploits it; the build must stop with
one line naming the file (or, where stated, publish the attack only as text).
"""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import assert_one_line_error
from test_hostile_input import GOOD_PAGE, hostile_site, page_with

EVIL = "https://elsewhere.example/"


@pytest.fixture
def site(tmp_path):
    return hostile_site(tmp_path)


def built(site, name="index.html") -> LexborHTMLParser:
    result = site.build()
    assert result.returncode == 0, result.output
    return LexborHTMLParser(result.page(name))


# Cause 1: values from content (heading ids, titles) printed by the theme outside it.
TEMPLATE_VALUE_ATTACKS = [
    ("heading id closes its attribute in the toc and the skip link",
     f"## Section {{ id='x\"><a class=\"js-quick-exit\" href=\"{EVIL}\">' }}", "is not a plain name"),
    ("heading id with a space", "## Section { id='a b' }", "heading id 'a b' is not a plain name"),
    ("heading id reserved by the theme", "## Section { #quick-exit-button }", "is reserved for the site's own controls"),
    ("title ends </title>", None, "docs/other.md:1: "),
    ("title with an escaped tag", "", "holds markup or control characters"),
]


@pytest.mark.parametrize(("case", "body", "message"), TEMPLATE_VALUE_ATTACKS,
                         ids=[case for case, _, _ in TEMPLATE_VALUE_ATTACKS])
def test_values_the_theme_prints_outside_the_content_are_checked_where_written(site, case, body, message):
    if body is None:
        site.page("other.md", "# Other </title><a class=js-quick-exit href=https://elsewhere.example/>x</a>\n\nText.\n")
    elif body == "":
        site.page("other.md", "# Other &lt;/title&gt;&lt;script&gt;\n\nText.\n")
    else:
        site.page("index.md", page_with(body))
    result = site.build()
    assert_one_line_error(result, message)
    assert "Traceback" not in result.output


def test_front_matter_title_cannot_break_out_of_the_title_element(site):
    site.page("other.md", "---\ntitle: \"Other </title><script>alert(1)</script>\"\ndescription: A page.\n---\n"
                          "# Other\n\nText.\n")
    tree = built(site, "other/index.html")
    assert tree.css_first("title").text().startswith("Other </title><script>")
    assert all("alert" not in node.text() for node in tree.css("script"))


# Cause 2: deny-lists. Unknown attributes, the site's own classes, <body> attributes.
CONTENT_ALLOWLIST_ATTACKS = [
    ("<body inert> merged into the real body", '<body inert>\n', "<body> has other attributes than the theme writes"),
    ("inert on a block", '<div inert markdown>\nText\n</div>', "attribute 'inert=' is not allowed on <div>"),
    ("popover", '<div popover>Text</div>', "attribute 'popover=' is not allowed on <div>"),
    ("an attribute no browser knows yet", '<p data-future="1">Text</p>', "attribute 'data-future=' is not allowed"),
    ("the exit button's classes", f'<div class="quick-exit"><a class="quick-exit__button" href="{EVIL}">Exit</a></div>',
     "class \"quick-exit\" is reserved"),
    ("the exit button's id", f'<a id="quick-exit-button" href="{EVIL}">Exit</a>', "is reserved for the site's own controls"),
    ("a theme class via attr_list", "Text\n{ .md-header }", "class \"md-header\" is reserved"),
    ("a label that toggles the theme's menu", '<label for="__drawer">Menu</label>', "<label> is not allowed"),
    ("tabindex traps focus", '<p tabindex="1">Text</p>', "attribute 'tabindex=' is not allowed"),
    ("an element outside the list", "<marquee>Text</marquee>", "<marquee> is not allowed"),
    ("content closes the theme's article", "</article></div><div class=\"x\">Text</div>", "docs/index.md:10: "),
    ("target opens another window", f'<a href="{EVIL}" target="_blank">x</a>', "attribute 'target=' is not allowed"),
]


@pytest.mark.parametrize(("case", "body", "message"), CONTENT_ALLOWLIST_ATTACKS,
                         ids=[case for case, _, _ in CONTENT_ALLOWLIST_ATTACKS])
def test_content_is_held_to_an_allowlist_on_the_whole_page(site, case, body, message):
    site.page("index.md", page_with(body))
    assert_one_line_error(site.build(), message)


def test_ordinary_markdown_passes_the_allowlist(site):
    site.markdown_extensions = site.markdown_extensions.replace("[abbr,", "[abbr, admonition, footnotes, {tables: {use_align_attribute: true}},")
    site.page("index.md", page_with(
        "## A section { #a-section .wide lang=es }\n\n!!! note\n    Noted.\n\nA note.[^1]\n\n[^1]: The footnote.\n\n"
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n<details><summary>More</summary>\n\nText\n\n</details>\n\n"
        "[example.org](https://example.org/x) and <abbr title=\"National Survivor Network\">NSN</abbr>"))
    tree = built(site)
    assert tree.css_first("#a-section") is not None
    assert tree.css_first("article .footnote") is not None


# Cause 3: the exit script trusted the first element with the class.
def test_the_exit_destination_comes_from_the_button_found_by_id(site):
    tree = built(site)
    button = tree.css_first("#quick-exit-button")
    assert button.attributes["data-quick-exit-destination"] == "https://www.weather.gov/"
    script = (site.root / "site" / "assets" / "javascripts" / "quick-exit.js").read_text(encoding="utf-8")
    assert 'getElementById("quick-exit-button")' in script
    assert "querySelectorAll(\".js-quick-exit\")" not in script


# Cause 4: any same-site script was allowed, and .txt files could carry one.
def test_a_text_file_cannot_be_published(site):
    site.page("assets/payload.txt", "document.title='x'\n")
    assert_one_line_error(site.build(), "static file type '.txt' is not allowed")


def test_escaped_script_pointing_at_a_site_file_is_refused(site):
    site.page("assets/images/x.csv", "a,b\n")
    site.page("index.md", page_with('\\<script src="assets/images/x.csv"></script>'))
    result = site.build()
    assert result.returncode != 0, result.output
    assert "docs/index.md:" in result.output


# Cause 8: noreferrer on URLs the browser normalises.
@pytest.mark.parametrize("href", ["https://else&#9;where.example/", "https://elsewhere.example/&#10;", "ht&#10;tps://elsewhere.example/",
                                  "http:elsewhere.example", " //elsewhere.example/", "https:\\\\elsewhere.example"])
def test_noreferrer_reads_urls_as_the_browser_does(site, href):
    site.page("index.md", page_with(f'<a href="{href}">a page elsewhere</a>'))
    tree = built(site)
    links = [node for node in tree.css("article a") if "a page elsewhere" in node.text()]
    assert links and all("noreferrer" in (node.attributes.get("rel") or "").split() for node in links)


# Cause 9: phishing.
PHISHING = [
    ("text shows one address, link goes to another", "[https://www.weather.gov/](https://elsewhere.example/)",
     "the link text shows 'https://www.weather.gov/' but the link goes to 'elsewhere.example'"),
    ("bare host name as the text", "[cast.org](https://elsewhere.example/)", "the link text shows 'cast.org'"),
    ("right-to-left override in the text", "Read \u202egpj.exe\u202c now.", "RIGHT-TO-LEFT OVERRIDE"),
    ("mixed-script host", "[the NSN](https://n\u0455n.example/)", "mixes alphabets"),
]


@pytest.mark.parametrize(("case", "body", "message"), PHISHING, ids=[case for case, _, _ in PHISHING])
def test_phishing_is_refused(site, case, body, message):
    site.page("index.md", page_with(body))
    assert_one_line_error(site.build(), message)


def test_link_text_that_matches_its_address_passes(site):
    site.page("index.md", page_with("[www.example.org/x](https://example.org/x) and [https://example.org](https://example.org)"))
    built(site)


# Cause 5: settings that Material turns into inline scripts or links, and URL settings.
SETTINGS_ATTACKS = [
    ("  analytics:\n    provider: google\n    property: G-XXXX\n", "mkdocs.yml: extra.analytics: not allowed"),
    ("  scope: /\n", "mkdocs.yml: extra.scope: not allowed"),
    ("  consent:\n    title: x\n", "mkdocs.yml: extra.consent: not allowed"),
    ("  alternate:\n    - name: x\n      link: https://elsewhere.example/\n", "mkdocs.yml: extra.alternate: not allowed"),
    ("  homepage: https://elsewhere.example/\n", "mkdocs.yml: extra.homepage: not allowed"),
    ("  unheard_of: 1\n", "mkdocs.yml: extra.unheard_of: unknown setting"),
    ("  short_title: '<img src=x onerror=alert(1)>'\n", "mkdocs.yml: extra.short_title: must be plain text"),
    ("  generator: true\n", "mkdocs.yml: extra.generator: must be false"),
]


@pytest.mark.parametrize(("extra", "message"), SETTINGS_ATTACKS, ids=[m.split(":")[1] for _, m in SETTINGS_ATTACKS])
def test_settings_that_add_scripts_or_hosts_are_refused(site, extra, message):
    site.extra_config = extra
    assert_one_line_error(site.build(), message)


def test_site_name_with_markup_is_refused(site):
    config = site.config_file
    site.config_file = lambda: _with_site_name(config(), 'Fixture" onmouseover="alert(1)')
    assert_one_line_error(site.build(), "mkdocs.yml: site_name: must be plain text")


def _with_site_name(path, name):
    path.write_text(path.read_text(encoding="utf-8").replace("site_name: Fixture", f"site_name: '{name}'"),
                    encoding="utf-8")
    return path


def test_url_settings_are_rebuilt_from_their_parse(site):
    site.extra_config = ""
    config = site.config_file

    def quoted_exit():
        path = config()
        text = path.read_text(encoding="utf-8").replace(
            "quick_exit_url: https://www.weather.gov/", "quick_exit_url: 'https://www.weather.gov/\"x=\"y'")
        path.write_text(text, encoding="utf-8")
        return path

    site.config_file = quoted_exit
    tree = built(site)
    button = tree.css_first("#quick-exit-button")
    assert button.attributes["href"] == button.attributes["data-quick-exit-destination"] == \
        "https://www.weather.gov/%22x=%22y"
    assert "x" not in button.attributes


SVG_NAMESPACE_ATTACKS = [
    ('<svg xmlns="http://www.w3.org/2000/svg"><g><iframe xmlns="http://www.w3.org/1999/xhtml" '
     'src="https://elsewhere.example/"/></g></svg>', "element <iframe> is not an SVG element"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml"><h:meta http-equiv="refresh" '
     'content="0;url=https://elsewhere.example/"/></svg>', "element <meta> is not an SVG element"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><image src="https://elsewhere.example/x.png"/></svg>',
     "attribute 'src=' is not an SVG attribute"),
    ('<svg><rect/></svg>', "element <svg> has no namespace"),
]


@pytest.mark.parametrize(("svg", "message"), SVG_NAMESPACE_ATTACKS, ids=["iframe", "meta", "src", "no namespace"])
def test_svg_files_hold_only_svg(site, svg, message):
    """Issue 21, cause 7: XHTML elements inside an SVG do what they do in HTML."""
    site.page("assets/images/x.svg", svg)
    assert_one_line_error(site.build(), f"docs/assets/images/x.svg:1: {message}")


# Cause 6: mkdocs.yml settings that would reach outside the project.
@pytest.mark.parametrize(("snippets", "message"), [
    ("{pymdownx.snippets: {url_download: true}}", "pymdownx.snippets: url_download: true — remove it"),
    ("{pymdownx.snippets: {check_paths: false}}", "pymdownx.snippets: check_paths: false"),
    ("{pymdownx.snippets: {base_path: ['/etc']}}", "pymdownx.snippets: base_path '/etc' is outside the project"),
])
def test_snippet_settings_cannot_reach_outside_the_project(site, snippets, message):
    site.markdown_extensions = f"[attr_list, md_in_html, toc, {snippets}]"
    assert_one_line_error(site.build(), f"mkdocs.yml: markdown_extensions: {message}")


@pytest.mark.parametrize("field", ["title", "description"])
def test_front_matter_text_with_a_bidi_control_is_refused_where_written(site, field):
    """A case of cause 9 the issue did not list: the theme prints front-matter text in
    <title>, the navigation and link previews, outside the content (the home page has no
    "Cite this page" that would repeat it there)."""
    site.page("index.md", GOOD_PAGE.replace(f"{field}: ", f"{field}: Safe \u202egnp.exe "))
    line = 2 if field == "title" else 3
    assert_one_line_error(site.build(), f"docs/index.md:{line}: '{field}' contains the invisible control character "
                                        "RIGHT-TO-LEFT OVERRIDE")
