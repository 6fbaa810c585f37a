"""The letter page (the highlights in full), paragraph links and the coverage check: pure helpers, fixture
builds that must fail with one line, and the real site."""

from __future__ import annotations

import markdown
import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, assert_linear_work, assert_one_line_error
from letter.coverage import covered_paragraphs, paragraph_links, sections, uncovered_sections
from letter.paragraphs import read_letter, split_paragraphs
from letter.render import escape_markdown, letter_markdown

LETTER = ROOT / "source" / "nsn-racial-equity-letter-2022.txt"
SITE_EXTENSIONS = ["abbr", "admonition", "attr_list", "md_in_html", "footnotes", "tables", "toc",
                   "pymdownx.details", "pymdownx.superfences"]


# Pure helpers


def test_paragraphs_are_the_non_empty_lines_numbered_in_order():
    paragraphs = split_paragraphs("Title\n\n  First.  \n\n\n  • An item.\n")
    assert [(p.number, p.line, p.text, p.anchor) for p in paragraphs] == [
        (1, 1, "Title", "para-1"), (2, 3, "First.", "para-2"), (3, 6, "• An item.", "para-3")]


@pytest.mark.parametrize("text", [
    "*not em* _not em_ **x** `not code` [not](a link) ![not](an image)",
    "# not a heading", "1. not a list", "- not a list", "> not a quote", "a | b | c",
    "<script>alert(1)</script> & &amp; &#60;", "back\\slash \\* {: #id } [@not-a-citation]",
    "“Curly” quotes, 2SLGBTQIA+, 100%, heighten[ing] and [make] it possible.",
])
def test_escaped_text_renders_as_exactly_itself(text):
    html = markdown.markdown(escape_markdown(text), extensions=SITE_EXTENSIONS)
    assert LexborHTMLParser(html).body.text(deep=True) == text


def test_web_addresses_in_the_letter_become_links():
    text = "here (https://example.org/report.pdf). See: https://example.org/a-b_c/ now"
    html = markdown.markdown(escape_markdown(text), extensions=SITE_EXTENSIONS)
    tree = LexborHTMLParser(html)
    assert [a.attributes["href"] for a in tree.css("a")] == ["https://example.org/report.pdf",
                                                             "https://example.org/a-b_c/"]
    assert tree.body.text(deep=True) == text


def test_every_paragraph_of_the_letter_renders_exactly():
    paragraphs = read_letter(LETTER)
    html = markdown.markdown(letter_markdown(paragraphs, {}, {}), extensions=SITE_EXTENSIONS)
    rendered = LexborHTMLParser(html).css("p.letter-paragraph")
    assert len(rendered) == len(paragraphs) == 48
    for paragraph, node in zip(paragraphs, rendered):
        assert node.attributes["id"] == paragraph.anchor
        number = node.css_first("a.letter-number")
        assert number.text() == f"¶{paragraph.number}"
        assert node.text(deep=True) == f"¶{paragraph.number} {paragraph.text}"


LINKS_PAGE = """\
# Title

From the letter: [¶1](../letter.md#para-1)

## A section

From the letter: [¶2–3](../letter.md#para-2), and `[¶9](../letter.md#para-9)` in code is text.

## Another section

No paragraph link here.

```
## Not a heading
```
"""


def test_paragraph_links_ranges_and_sections():
    links, problems = paragraph_links(LINKS_PAGE, "topics/page.md", "letter.md", 3)
    assert problems == []
    assert [(link.line, link.first, link.last) for link in links] == [(3, 1, 1), (7, 2, 3)]
    assert covered_paragraphs(links) == {1, 2, 3}
    assert [(s.line, s.title) for s in sections(LINKS_PAGE)] == [(1, "Title"), (5, "A section"),
                                                                   (9, "Another section")]
    (problem,) = uncovered_sections(LINKS_PAGE, links)
    assert problem.render("docs/topics/page.md").startswith(
        "docs/topics/page.md:9: section 'Another section' cites no paragraph of the letter — add ")


@pytest.mark.parametrize(("markdown_text", "problem"), [
    ("[¶4](letter.md#para-4)", "points at paragraph 4, which the letter does not have"),
    ("[¶2–7](letter.md#para-2)", "points at paragraph 7, which the letter does not have"),
    ("[¶3–2](letter.md#para-3)", "the range runs backwards"),
    ("[¶2](letter.md#para-3)", "says ¶2 but points at #para-3"),
    ("[¶2](values.md#para-2)", "does not point at the letter page"),
    ("[the announcement](letter.md#para-0)", "points at paragraph 0, which the letter does not have"),
    ("[see this](letter.md#para-intro)", "points at paragraph intro, which the letter does not have"),
])
def test_paragraph_link_mistakes(markdown_text, problem):
    links, problems = paragraph_links(f"# T\n\n{markdown_text}\n", "index.md", "letter.md", 3)
    assert links == [] and len(problems) == 1
    assert problem in problems[0].problem and problems[0].line == 3


# Builds: the hook on a small letter


SMALL_LETTER = "A heading\n\nFirst paragraph.\n\n  • Second, a list item with [brackets] and *stars*.\n"


@pytest.fixture
def letter_site(fixture_site):
    (fixture_site.root / "letter.txt").write_text(SMALL_LETTER, encoding="utf-8")
    fixture_site.hooks.insert(0, "mkdocs_letter.py")
    fixture_site.extra_config = "  letter:\n    text: letter.txt\n    data_file: docs/_data/letter.yaml\n"
    fixture_site.letter_data = ("presented_by: [topic.md]\n"
                                "not_presented:\n  1: A heading only.\n"
                                "sources:\n  2: 'Named: [@vera-unjust-burden-2018]'\n")
    fixture_site.page("letter.md", "---\ntitle: Letter\ndescription: The letter.\n---\n\n# The letter\n\n"
                                   "<!-- letter:full-text -->\n")
    fixture_site.page("index.md", "---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n\nSee [¶3](letter.md#para-3).\n")
    fixture_site.page("topic.md", "---\ntitle: Topic\ndescription: A topic.\n---\n\n# Topic\n\n"
                                  "From the letter: [¶2](letter.md#para-2)\n\n## Detail\n\n"
                                  "From the letter: [¶2–3](letter.md#para-2)\n\nText.\n")
    return fixture_site


def test_the_letter_page_shows_every_paragraph_with_its_sources(letter_site):
    result = letter_site.build()
    assert result.returncode == 0, result.output
    tree = LexborHTMLParser(result.page("letter/index.html"))
    texts = [node.text(deep=True) for node in tree.css("p.letter-paragraph")]
    assert texts == ["¶1 A heading", "¶2 First paragraph.",
                     "¶3 • Second, a list item with [brackets] and *stars*."]
    sources = tree.css_first("p.letter-sources")
    assert sources.text(deep=True).startswith("Named: (Hinton, 2018")
    assert tree.css_first('a[href="#ref-vera-unjust-burden-2018"]') is not None  # the page's References


def test_a_section_without_a_paragraph_link_stops_the_build(letter_site):
    letter_site.page("topic.md", "---\ntitle: Topic\ndescription: A topic.\n---\n\n# Topic\n\n"
                                 "From the letter: [¶2–3](letter.md#para-2)\n\n## Detail\n\nText only.\n")
    assert_one_line_error(letter_site.build(), "docs/topic.md:10: section 'Detail' cites no paragraph of the letter")


def test_a_page_can_declare_itself_in_its_front_matter(letter_site):
    letter_site.page("other.md", "---\ntitle: Other\ndescription: More.\npresents_letter: true\n---\n\n"
                                 "# Other\n\nNo link.\n")
    assert_one_line_error(letter_site.build(), "docs/other.md:7: section 'Other' cites no paragraph of the letter")


def test_a_link_to_a_paragraph_that_does_not_exist_stops_the_build(letter_site):
    letter_site.page("index.md", "---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n\n"
                                 "See [¶3](letter.md#para-3) and [¶4](letter.md#para-4).\n")
    assert_one_line_error(letter_site.build(), "docs/index.md:8: '[¶4](letter.md#para-4)' points at paragraph 4, "
                                               "which the letter does not have — use a paragraph from ¶1 to ¶3")


def test_a_paragraph_no_page_presents_stops_the_build(letter_site):
    letter_site.page("index.md", "---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n\nWelcome.\n")
    letter_site.page("topic.md", "---\ntitle: Topic\ndescription: A topic.\n---\n\n# Topic\n\n"
                                 "From the letter: [¶2](letter.md#para-2)\n")
    result = letter_site.build()
    assert_one_line_error(result, "docs/_data/letter.yaml:2: paragraph ¶3 (\"• Second, a list item with [brackets] "
                                   "and…\") is presented by no page — link it from the section that presents "
                                   "it, e.g. [¶3](letter.md#para-3), or list it under not_presented "
                                   "with the reason")
    assert "¶2 (" not in result.output


def test_a_paragraph_listed_as_not_presented_but_presented_is_reported(letter_site):
    letter_site.letter_data = letter_site.letter_data.replace("1: A heading only.", "2: Not needed.")
    result = letter_site.build()
    assert_one_line_error(result, "docs/_data/letter.yaml:2: not_presented: ¶2 is listed as not presented, "
                                  "but a page presents it — remove it from the list")


@pytest.mark.parametrize(("change", "message"), [
    (("1: A heading only.", "9: Out of range."),
     "docs/_data/letter.yaml:2: not_presented: '9' is not a paragraph of the letter — use a number from 1 to 3"),
    (("1: A heading only.", "1: ''"), "docs/_data/letter.yaml:2: not_presented.1: must be text"),
    (("text: letter.txt", "text: missing.txt"), "mkdocs.yml: extra.letter.text:"),
    (("text: letter.txt", "text: /etc/hostname"), "mkdocs.yml: extra.letter.text: '/etc/hostname' is outside the project"),
    (("presented_by: [topic.md]", "presented_by: [topics.md]"),
     "docs/_data/letter.yaml:1: presented_by: 'topics.md' is not a page in docs/"),
    (("presented_by: [topic.md]", "presented_by: [topic.md]\nhooks: [x]"),
     "docs/_data/letter.yaml:2: unknown key 'hooks'"),
    (("presented_by: [topic.md]", "presented_by: &a [topic.md]"), "docs/_data/letter.yaml:1: not valid YAML"),
])
def test_bad_letter_settings_stop_the_build(letter_site, change, message):
    letter_site.extra_config = letter_site.extra_config.replace(*change)
    letter_site.letter_data = letter_site.letter_data.replace(*change)
    assert_one_line_error(letter_site.build(), message)


def test_a_letter_page_without_its_marker_stops_the_build(letter_site):
    letter_site.page("letter.md", "---\ntitle: Letter\ndescription: The letter.\n---\n\n# The letter\n")
    assert_one_line_error(letter_site.build(), "docs/letter.md: no '<!-- letter:full-text -->' line")


# The real site


def test_the_letter_page_equals_the_source_paragraph_by_paragraph(built_site):
    paragraphs = read_letter(LETTER)
    tree = LexborHTMLParser(built_site.page("letter/index.html"))
    rendered = tree.css("p.letter-paragraph")
    assert [node.attributes["id"] for node in rendered] == [p.anchor for p in paragraphs]
    for paragraph, node in zip(paragraphs, rendered):
        assert node.text(deep=True) == f"¶{paragraph.number} {paragraph.text}", paragraph.number


def test_every_topic_section_links_to_the_letter(built_site):
    """Read from the built pages, independently of the build check: every h2 section of
    the topic pages holds a link to a paragraph of the letter."""
    for page in ("values", "framework", "harms", "barriers", "diversion-courts", "prevention",
                 "survivor-engagement"):
        article = LexborHTMLParser(built_site.page(f"{page}/index.html")).css_first("article")
        html = article.html
        parts = html.split("<h2")[1:]
        assert parts, page
        for part in parts:
            if 'id="references"' in part.split(">", 1)[0]:
                continue  # the References list the citations hook adds
            assert "letter/#para-" in part, f"{page}: a section without a paragraph link: {part[:80]}"


# Hostile input: the letter's text, the source notes and paragraph links


HOSTILE_LETTER = ("<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n\n"
                  "Text {: onclick=\"alert(4)\" } <!-- hidden --> &lt;b&gt;\n")


def test_markup_in_the_letter_text_stays_text(letter_site):
    (letter_site.root / "letter.txt").write_text(HOSTILE_LETTER, encoding="utf-8")
    letter_site.letter_data = letter_site.letter_data.replace("1: A heading only.", "1: Hostile.")
    letter_site.page("index.md", "---\ntitle: Home\ndescription: Home.\n---\n\n# Home\n\n"
                                 "See [¶1–4](letter.md#para-1).\n")
    letter_site.page("topic.md", "---\ntitle: Topic\ndescription: A topic.\n---\n\n# Topic\n\n"
                                 "From the letter: [¶2](letter.md#para-2)\n")
    letter_site.letter_data = letter_site.letter_data.replace("not_presented:\n  1: Hostile.\n", "")
    result = letter_site.build()
    assert result.returncode == 0, result.output
    tree = LexborHTMLParser(result.page("letter/index.html"))
    texts = [node.text(deep=True) for node in tree.css("p.letter-paragraph")]
    assert texts == [f"¶{n} {line}" for n, line in enumerate(
        [p for p in HOSTILE_LETTER.splitlines() if p.strip()], start=1)]
    article = tree.css_first("article")
    assert article.css("script, img") == []
    assert all(not name.startswith("on") for node in article.traverse() for name in node.attributes)
    assert all(not (a.attributes.get("href") or "").startswith("javascript:") for a in article.css("a"))


def test_a_source_note_is_held_to_the_page_rules(letter_site):
    letter_site.letter_data = letter_site.letter_data.replace(
        "'Named: [@vera-unjust-burden-2018]'", "'<img src=x onerror=alert(1)> [@vera-unjust-burden-2018]'")
    result = letter_site.build()
    assert_one_line_error(result, "inline event handler 'onerror=' is not allowed — remove the attribute")
    assert "docs/letter.md:" in result.output


@pytest.mark.parametrize("unit", ["[¶1](", "](", "](a#para-", "[¶1–", "## ", "```\n"])
def test_paragraph_links_are_found_with_linear_work(unit):
    def check(text: str) -> None:
        links, _ = paragraph_links(text, "page.md", "letter.md", 48)
        uncovered_sections(text, links)

    assert_linear_work(check, unit)


# Content notes declared on the passage they cover (issue 23)


# A page that presents ¶2 with its own content note.
NOTED_TOPIC = ("---\ntitle: Topic\ndescription: A topic.\ncontent_note: Discusses policing.\n---\n\n"
               "# Topic\n\nFrom the letter: [¶2](letter.md#para-2)\n\n## Detail\n\n"
               "From the letter: [¶2–3](letter.md#para-2)\n\nText.\n")


def test_a_noted_paragraph_carries_its_note_wherever_the_letter_is_shown(letter_site):
    letter_site.letter_data += "content_notes:\n  2: 'The next paragraph discusses policing.'\n"
    letter_site.page("topic.md", NOTED_TOPIC)
    result = letter_site.build()
    assert result.returncode == 0, result.output
    tree = LexborHTMLParser(result.page("letter/index.html"))
    note = tree.css_first("#para-2").prev
    while note is not None and not note.is_element_node:
        note = note.prev
    assert note is not None and note.tag == "aside" and "content-note" in note.attributes["class"]
    assert "The next paragraph discusses policing." in note.text(deep=True)
    assert [a.attributes["href"] for a in note.css("a")][:2] == ["#para-3", "https://www.weather.gov/"]


def test_a_page_that_presents_a_noted_paragraph_without_a_note_stops_the_build(letter_site):
    letter_site.letter_data += "content_notes:\n  2: 'The next paragraph discusses policing.'\n"
    assert_one_line_error(letter_site.build(), "docs/topic.md:8: this page presents ¶2, which has a content note "
                                               "(docs/_data/letter.yaml) — add a content_note to the front matter")


def test_a_passage_note_is_inert_text(letter_site):
    """content_notes is contributor data: markup in it is shown as text, never applied."""
    letter_site.letter_data += ("content_notes:\n  2: \"<script>alert(1)</script> [x](javascript:alert(2)) "
                                "![t](https://elsewhere.example/t.png) {onclick=alert(3)}\"\n")
    letter_site.page("topic.md", NOTED_TOPIC)
    result = letter_site.build()
    assert result.returncode == 0, result.output
    tree = LexborHTMLParser(result.page("letter/index.html"))
    note = tree.css_first('aside[aria-label="Content note on ¶2"]')
    assert "<script>alert(1)</script> [x](javascript:alert(2))" in note.text(deep=True)
    assert note.css("script, img") == [] and not any(
        name.startswith("on") for node in note.traverse() for name in node.attributes)


@pytest.mark.parametrize(("notes", "message"), [
    ("content_notes:\n  99: Out of range.\n", "docs/_data/letter.yaml:6: content_notes: '99' is not a paragraph"),
    ("content_notes:\n  2: ''\n", "docs/_data/letter.yaml:6: content_notes.2: must be text"),
    ("content_notes: [a, b]\n", "docs/_data/letter.yaml:6: content_notes must be 'number: text' lines"),
])
def test_malformed_passage_notes_are_one_line(letter_site, notes, message):
    letter_site.letter_data += notes
    assert_one_line_error(letter_site.build(), message)
