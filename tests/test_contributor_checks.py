"""Checks on contributors' Markdown: front matter, unsafe content, and every message
a contributor can meet, compared word for word with the table in CONTRIBUTING.md."""

from __future__ import annotations

import re

import pytest

from conftest import MINIMAL_BIBLIOGRAPHY, ROOT, assert_one_line_error
from contributor_checks.content_safety import check_content
from contributor_checks.front_matter import FrontMatterError, read_front_matter, validate_front_matter

GOOD = "---\ntitle: Home\ndescription: A page.\n---\n\n# Home\n\n[@vera-unjust-burden-2018]\n"

# Each mistake a contributor can make, the page that makes it, and the exact message.
# CONTRIBUTING.md's table must list every one of these messages word for word.
CATALOGUE = [
    ("malformed front matter",
     "---\ntitle: [Home\n---\n# Home\n",
     "docs/index.md:2: front matter is not valid YAML (did not find expected ',' or ']') — "
     "check the indentation, and put values containing ': ' in quotes"),
    ("unclosed front matter",
     "---\ntitle: Home\n# Home\n",
     "docs/index.md:1: front matter is never closed — end it with a line of three dashes: ---"),
    ("unknown field",
     "---\ntitel: Home\ndescription: A page.\n---\n# Home\n",
     "docs/index.md:2: unknown front matter field 'titel' — did you mean 'title'? "
     "(allowed: title, description, content_note, last_reviewed, tags, presents_letter, search)"),
    ("wrong type",
     "---\ntitle: Home\ndescription: A page.\ntags: policy\n---\n# Home\n",
     "docs/index.md:4: 'tags' must be a list of words — write tags: [policy, prevention] or one '- tag' per line"),
    ("bad date",
     "---\ntitle: Home\ndescription: A page.\nlast_reviewed: 2026-02-30\n---\n# Home\n",
     "docs/index.md:4: 'last_reviewed: 2026-02-30' is not a date — write it as YYYY-MM-DD, e.g. "
     "last_reviewed: 2026-11-28"),
    ("script tag",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n<script>alert(1)</script>\n",
     "docs/index.md:7: raw <script> is not allowed — remove it: pages run no scripts of their own "
     "(ask a maintainer if you need one)"),
    ("frame",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n<iframe src=\"video.html\"></iframe>\n",
     "docs/index.md:7: <iframe> is not allowed — embedded content loads another site in the reader's browser; "
     "link to it instead"),
    ("event handler",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n<p onclick=\"go()\">Click</p>\n",
     "docs/index.md:7: inline event handler 'onclick=' is not allowed — remove the attribute"),
    ("javascript link",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n[Click](javascript:alert(1))\n",
     "docs/index.md:7: 'javascript:' links are not allowed — link to a page of the site or an https address"),
    ("third-party image",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n![A chart](https://cdn.example.org/chart.png)\n",
     "docs/index.md:7: image or media from another site ('https://cdn.example.org/chart.png') — save the file "
     "under docs/assets/images/ and link to it there, so readers' browsers contact no other site"),
    ("unattributed quote",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n> Words without a speaker.\n",
     "docs/index.md:7: quotation has no attribution — end the blockquote with a line '> — who said it, where'"),
    ("missing description",
     "---\ntitle: Home\n---\n# Home\n",
     "docs/index.md:1: no 'description' in the front matter — add one or two sentences for search engines "
     "and link previews"),
    ("unknown citation key",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\nText [@hintn-2018].\n",
     "docs/index.md:7: unknown citation key 'hintn-2018' — did you mean 'vera-unjust-burden-2018'?"),
    ("entry the style cannot print",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\nText [@vera-unjust-burden-2018; @call-2021].\n",
     "docs/index.md:7: Pandoc: Bibliography entry with no printed form: call-2021 in "
     "'[@vera-unjust-burden-2018; @call-2021]' — the style prints nothing for this entry (APA leaves personal "
     "communications out of the list): add where it was published (container-title, publisher or URL), or "
     "change its type"),
    ("invalid bibliography entry",
     GOOD,
     "docs/_data/bibliography.yaml:9: entry 'vera-unjust-burden-2018': 'issued: 2018-13' is not a real date — "
     "check the month and day"),
    ("uncited source",
     GOOD,
     "docs/_data/bibliography.yaml:13: entry 'unused-2020' is not cited on any page — cite it with [@unused-2020], "
     "or remove it (it is listed under Further reading until then)"),
    ("HTML block never closed",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n<div class=\"note\">\n\nText.\n",
     "docs/index.md:7: <div> is never closed — add </div> where the block ends; until then it swallows the rest "
     "of the page"),
    ("style attribute",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n<p style=\"color: red\">Text</p>\n",
     "docs/index.md:7: attribute 'style=' is not allowed — inline styles are blocked by the page's security "
     "policy; use a class from the site's stylesheet"),
    ("meta tag",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n<meta http-equiv=\"refresh\" content=\"0\">\n",
     "docs/index.md:7: <meta> is not allowed — a <meta> tag can redirect readers or change the page's policy; "
     "the theme writes them"),
    ("skip_to not on the page",
     "---\ntitle: Home\ndescription: A page.\ncontent_note:\n  text: Discusses policing.\n  skip_to: \"#later\"\n"
     "---\n# Home\n\n[@vera-unjust-burden-2018]\n",
     "docs/index.md:6: 'content_note.skip_to: #later' is not an id on this page — use the id of a heading below "
     "the note (hover the heading and copy its ¶ link)"),
    ("YAML anchor",
     "---\ntitle: &t Home\ndescription: *t\n---\n# Home\n",
     "docs/index.md:2: front matter is not valid YAML (anchors (&t) are not allowed) — write the value out in "
     "full instead of reusing it with & and *"),
    ("duplicate field",
     "---\ntitle: Home\ndescription: A page.\ntitle: Again\n---\n# Home\n",
     "docs/index.md:4: front matter is not valid YAML (duplicate key 'title' (the first is on line 1)) — keep "
     "one of the two"),
    ("not UTF-8", GOOD,
     "docs/notes.md:1: the file is not UTF-8 text (byte 0xe9) — save it as UTF-8 in your editor"),
    ("static file type", GOOD,
     "docs/extra.html:1: static file type '.html' is not allowed — pages are Markdown (.md); other files may be "
     ".avif, .csv, .gif, .ico, .jpeg, .jpg, .pdf, .png, .svg, .webp"),
    ("theme file replaced", GOOD,
     "docs/assets/javascripts/quick-exit.js:1: 'assets/javascripts/quick-exit.js' would replace the theme's own "
     "file of that name — rename it: the theme's file (the quick exit, the site's styles...) must not be replaced"),
    ("SVG with a script", GOOD,
     "docs/assets/images/chart.svg:1: SVG element <script> is not allowed — save the image without scripts, "
     "animation or styles (for example, export it again as 'plain SVG')"),
    ("symbolic link", GOOD,
     "docs/assets/data.txt:1: symbolic links are not allowed in docs/ — copy the file itself into docs/ instead "
     "of linking to it"),
    ("bibliography URL", GOOD,
     "docs/_data/bibliography.yaml:10: entry 'vera-unjust-burden-2018': URL 'https://www.vera.org/a b.pdf' is "
     "not an http(s) address — paste the full address, starting with https://"),
    ("broken link in raw HTML",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n[@vera-unjust-burden-2018]\n\n"
     "<p><a href=\"sources/#nowhere\">sources</a></p>\n",
     "docs/index.md:9: link 'sources/#nowhere': 'sources/index.html' has no anchor '#nowhere' — "
     "use an id that exists on that page (see its headings' permalinks)"),
    ("Markdown link to a missing page",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n[@vera-unjust-burden-2018]\n\n"
     "See [the home page](idnex.md).\n",
     "docs/index.md:9: link 'idnex.md': no page or file 'idnex.md' in docs/ — did you mean 'index.md'?"),
    ("Markdown link to a missing heading",
     "---\ntitle: Home\ndescription: A page.\n---\n# Home\n\n[@vera-unjust-burden-2018]\n\n"
     "## Survivor leadership\n\nSee [above](#survivor-leadershp).\n",
     "docs/index.md:11: link '#survivor-leadershp': 'index.md' has no heading or anchor '#survivor-leadershp' "
     "— did you mean '#survivor-leadership'?"),
]
# Mistakes with paragraph links (a letter of three paragraphs; see LETTER_SETUP).
LETTER_PAGE = "---\ntitle: Home\ndescription: A page.\npresents_letter: true\n---\n# Home\n\n"
CATALOGUE += [
    ("section without a paragraph link",
     LETTER_PAGE + "From the letter: [¶1–3](letter.md#para-1)\n\n## More\n\nText.\n",
     "docs/index.md:10: section 'More' cites no paragraph of the letter — add 'From the letter: "
     "[¶N](letter.md#para-N)' under the heading, with the paragraphs it presents"),
    ("link to a paragraph the letter does not have",
     LETTER_PAGE + "From the letter: [¶1–3](letter.md#para-1), [¶12](letter.md#para-12)\n",
     "docs/index.md:8: '[¶12](letter.md#para-12)' points at paragraph 12, which the letter does not have — "
     "use a paragraph from ¶1 to ¶3 (the numbers on the letter page)"),
    ("paragraph no page presents",
     LETTER_PAGE + "From the letter: [¶1–2](letter.md#para-1)\n",
     "mkdocs.yml: extra.letter.not_presented: paragraph ¶3 (\"The third paragraph.\") is presented by no page — link it "
     "from the section that presents it, e.g. [¶3](letter.md#para-3), or list it under "
     "not_presented with the reason"),
]
LETTER_CASES = {"section without a paragraph link", "link to a paragraph the letter does not have",
                "paragraph no page presents"}
WARNINGS = {"unattributed quote", "missing description", "broken link in raw HTML", "uncited source",
            "Markdown link to a missing page", "Markdown link to a missing heading"}
BIBLIOGRAPHY_CHANGES = {
    "entry the style cannot print": ("  custom:\n    confidence: likely\n", "  custom:\n    confidence: likely\n"
                                     "- {id: call-2021, type: personal_communication, title: A call, "
                                     "author: [{family: Voice}], custom: {confidence: verified}}\n"),
    "invalid bibliography entry": ('issued: "2018-05"', 'issued: "2018-13"'),
    "bibliography URL": ("URL: https://www.vera.org/example.pdf", 'URL: "https://www.vera.org/a b.pdf"'),
    "uncited source": ("  custom:\n    confidence: likely\n", "  custom:\n    confidence: likely\n"
                       "- {id: unused-2020, type: report, title: T, publisher: P, custom: {confidence: verified}}\n"),
}


# Mistakes made with files rather than a page's text.
FILE_CHANGES = {
    "not UTF-8": lambda docs: (docs / "notes.md").write_bytes("# Caf\u00e9\n".encode("latin-1")),
    "static file type": lambda docs: (docs / "extra.html").write_text("<p>x</p>"),
    "theme file replaced": lambda docs: _write(docs / "assets" / "javascripts" / "quick-exit.js", ""),
    "SVG with a script": lambda docs: _write(docs / "assets" / "images" / "chart.svg",
                                             '<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'),
    "symbolic link": lambda docs: _symlink(docs / "assets" / "data.txt", "/etc/hostname"),
}


def _add_letter(site) -> None:
    """The letter hook with a three-paragraph letter, as a site that presents one has."""
    (site.root / "letter.txt").write_text("The first paragraph.\n\nThe second.\n\nThe third paragraph.\n")
    site.page("letter.md", "---\ntitle: Letter\ndescription: The letter.\n---\n# Letter\n\n<!-- letter:full-text -->\n")
    site.hooks.insert(1, "mkdocs_letter.py")
    site.extra_config = "  letter:\n    text: letter.txt\n"


def _write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _symlink(path, target: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def contributing_messages() -> set[str]:
    """The first column of the error table in CONTRIBUTING.md, backticks removed."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    table = text.split("## What the checks tell you", 1)[1]
    return {m.group(1) for m in re.finditer(r"^\| `(.+?)` \|", table, re.MULTILINE)}


@pytest.mark.parametrize(("case", "page", "message"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_every_message_is_one_line_with_file_and_line(fixture_site, case, page, message):
    fixture_site.hooks.insert(0, "mkdocs_contributors.py")
    fixture_site.page("index.md", page)
    if case in BIBLIOGRAPHY_CHANGES:
        old, new = BIBLIOGRAPHY_CHANGES[case]
        assert old in MINIMAL_BIBLIOGRAPHY
        fixture_site.bibliography(MINIMAL_BIBLIOGRAPHY.replace(old, new))
    if case in FILE_CHANGES:
        FILE_CHANGES[case](fixture_site.docs)
    if case in LETTER_CASES:
        _add_letter(fixture_site)
    result = fixture_site.build()
    assert_one_line_error(result, message)
    assert (("WARNING" if case in WARNINGS else "ERROR") + " ") in result.output


@pytest.mark.parametrize(("case", "page", "message"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_every_message_is_in_the_contributing_table(case, page, message):
    assert message in contributing_messages(), f"CONTRIBUTING.md does not list: {message}"


def test_the_table_lists_no_message_the_code_cannot_produce():
    produced = {message for _, _, message in CATALOGUE}
    assert contributing_messages() - produced == set()


def test_valid_page_passes(fixture_site):
    fixture_site.hooks.insert(0, "mkdocs_contributors.py")
    fixture_site.page("index.md", GOOD)
    fixture_site.page("sources.md", "---\ntitle: Sources\ndescription: All sources.\n---\n# Sources\n\n"
                                    "<!-- citations:sources-list -->\n")
    fixture_site.page("staying-safe-online.md", "---\ntitle: Safety\ndescription: Safety.\n---\n# Safety\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output


def test_several_errors_are_reported_together(fixture_site):
    fixture_site.hooks.insert(0, "mkdocs_contributors.py")
    fixture_site.page("index.md", "---\ntitle: Home\ndescription: A.\n---\n# Home\n<script></script>\n"
                                  "<b onmouseover=\"x()\">b</b>\n")
    fixture_site.page("other.md", "---\ncolour: red\n---\n# Other\n")
    result = fixture_site.build()
    assert "docs/index.md:6: raw <script>" in result.output
    assert "docs/index.md:7: inline event handler 'onmouseover='" in result.output
    assert "docs/other.md:2: unknown front matter field 'colour'" in result.output


# The plain functions


def test_front_matter_lines_and_types():
    data, body_line = read_front_matter("---\ntitle: Home\ntags: [a, b]\nlast_reviewed: 2026-11-28\n---\n# Home\n")
    assert data == {"title": "Home", "tags": ["a", "b"], "last_reviewed": "2026-11-28"}
    assert body_line == 6
    assert validate_front_matter(data) == []


def test_no_front_matter_is_fine():
    assert read_front_matter("# Just a page\n") == ({}, 1)


@pytest.mark.parametrize(("text", "problem"), [
    ("---\n- a list\n---\n", "front matter is not a list of 'field: value' lines"),
    ("---\ntitle: a: b\n---\n", "front matter is not valid YAML"),
])
def test_unusable_front_matter(text, problem):
    with pytest.raises(FrontMatterError) as caught:
        read_front_matter(text)
    assert caught.value.finding.problem.startswith(problem)


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("title", "[a]", "'title' must be text"),
    ("description", "''", "'description' must be text"),
    ("content_note", "{skip_to: '#x'}", "'content_note' must be text, or 'text:'"),
    ("content_note", "{text: Hi, skip: '#x'}", "unknown field 'content_note.skip'"),
    ("content_note", "{text: Hi, skip_to: 'other.md'}", "'content_note.skip_to' must be an #anchor"),
    ("presents_letter", "yes", "'presents_letter: yes' must be true or false"),
    ("last_reviewed", "28/11/2026", "'last_reviewed: 28/11/2026' is not a date"),
    ("tags", "[a, [b]]", "'tags' must be a list of words"),
])
def test_field_types(field, value, problem):
    data, _ = read_front_matter(f"---\n{field}: {value}\n---\n")
    (finding,) = validate_front_matter(data)
    assert finding.problem.startswith(problem) and finding.line == 2


def test_content_rules_ignore_code_and_allow_own_images():
    markdown = ("Use `<script>` in prose.\n\n```html\n<iframe src='x'></iframe>\n<a onclick='x()'>\n```\n\n"
                "![Logo](assets/images/logo.svg) ![Ours](https://our.example/a.png)\n\n"
                "> A quote.\n>\n> — Someone, in the letter\n")
    errors, warnings = check_content(markdown, site_host="our.example")
    assert errors == [] and warnings == []


def test_every_third_party_media_form_is_caught():
    markdown = ('<img src="https://a.example/x.png">\n<video poster="//b.example/p.jpg"></video>\n'
                '<audio src="http://c.example/a.mp3"></audio>\n![x](<https://d.example/y.png>)\n')
    errors, _ = check_content(markdown)
    assert [finding.line for finding in errors] == [1, 2, 3, 4]


# A newcomer following only CONTRIBUTING.md


def guide_block(language: str, after: str) -> str:
    """The first ```language block after a heading in CONTRIBUTING.md."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split(after, 1)[1]
    return text.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_a_newcomer_can_add_a_page_with_a_citation_and_a_new_source(site_copy):
    """Follow the guide's own examples: the page template, the source entry, a citation."""
    from conftest import run_mkdocs_build

    entry = guide_block("yaml", "## Add a source")
    assert entry.startswith("- id: natapoff-misdemeanor-decriminalization-2015")
    # The guide's example is a real entry of ours; give the copy its own id.
    entry = entry.replace("- id: natapoff-misdemeanor-decriminalization-2015", "- id: guide-example-2015")
    bibliography = site_copy / "docs" / "_data" / "bibliography.yaml"
    bibliography.write_text(bibliography.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + entry,
                            encoding="utf-8")
    page = guide_block("markdown", "## Edit or add a page").replace("Your text here.",
                                                                    "Natapoff explains it [@guide-example-2015, p. 1055].")
    (site_copy / "docs" / "new-page.md").write_text(page, encoding="utf-8")
    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - Recommendations at a glance: recommendations.md\n",
        "  - Recommendations at a glance: recommendations.md\n  - New page: new-page.md\n"), encoding="utf-8")
    result = run_mkdocs_build(config, site_copy / "site")
    assert result.returncode == 0, result.output
    built = result.page("new-page/index.html")
    assert 'href="#ref-guide-example-2015"' in built
    assert "<strong>Content note:</strong>" in built

    # ...and forgetting the nav entry is reported, not silently published.
    config.write_text(config.read_text(encoding="utf-8").replace("  - New page: new-page.md\n", ""), encoding="utf-8")
    missing = run_mkdocs_build(config, site_copy / "site")
    assert missing.returncode == 1
    assert "new-page.md" in missing.output and "not included in the \"nav\" configuration" in missing.output
