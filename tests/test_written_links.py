"""Broken links in the terms of the Markdown a contributor wrote (issue 23): MkDocs' own
link messages are read back (link_check/written_links.py) and reported once, as
``FILE:LINE: link 'L': problem — fix`` with the nearest page or anchor; MkDocs' wording
is never printed. Unit cases read the messages a real MkDocs build writes."""

from __future__ import annotations

import pytest

from conftest import FixtureSite, run_mkdocs_build
from link_check.written_links import WrittenLink, line_of_link, problem_and_fix, read_mkdocs_message
from test_hostile_input import hostile_site, page_with

FILES = ["index.md", "values.md", "framework.md", "guide/setup.md", "assets/images/chart.png"]
ANCHORS = {"framework.md": {"no-mandatory-engagement", "fund-survivor-leadership"}, "values.md": {"values"}}


def anchors_of(path: str) -> set[str]:
    return ANCHORS.get(path, set())


@pytest.mark.parametrize(("message", "expected"), [
    ("Doc file 'values.md' contains a link 'framwork.md', but the target is not found among documentation files.",
     WrittenLink("values.md", "framwork.md", "missing")),
    ("Doc file 'guide/a.md' contains a link '../x.md', but the target 'x.md' is not found among documentation "
     "files. Did you mean 'y.md'?", WrittenLink("guide/a.md", "../x.md", "missing")),
    ("Doc file 'values.md' contains a link 'framework.md#no', but the doc 'framework.md' does not contain an "
     "anchor '#no'.", WrittenLink("values.md", "framework.md#no", "anchor", "framework.md", "no")),
    ("Doc file 'values.md' contains a link '#gone', but there is no such anchor on this page.",
     WrittenLink("values.md", "#gone", "anchor", "values.md", "gone")),
    ("Doc file 'values.md' contains a link '#fnref:1', but there is no such anchor on this page. This seems to be "
     "a footnote that is never referenced.", WrittenLink("values.md", "#fnref:1", "anchor", "values.md", "fnref:1", True)),
    ("Doc file 'values.md' contains an unrecognized relative link 'framework/', it was left as is. Did you mean "
     "'framework.md'?", WrittenLink("values.md", "framework/", "unrecognized")),
    ("Doc file 'values.md' contains an absolute link '/framework/', it was left as is.",
     WrittenLink("values.md", "/framework/", "absolute")),
    ("Doc file 'values.md' contains a link to '_data/x.yaml' which is excluded from the built site.",
     WrittenLink("values.md", "_data/x.yaml", "excluded", "_data/x.yaml")),
])
def test_each_mkdocs_link_message_is_read(message, expected):
    assert read_mkdocs_message(message) == expected


@pytest.mark.parametrize("message", ["Documentation built in 1.2 seconds",
                                     "Doc file 'a.md' has an unknown front matter key",
                                     "docs/index.md:3: link 'x.md': no page — fix"])
def test_other_messages_are_left_alone(message):
    assert read_mkdocs_message(message) is None


@pytest.mark.parametrize(("written", "problem", "fix"), [
    (WrittenLink("values.md", "framwork.md", "missing"),
     "no page or file 'framwork.md' in docs/", "did you mean 'framework.md'?"),
    (WrittenLink("guide/setup.md", "../valus.md", "missing"),
     "no page or file 'valus.md' in docs/", "did you mean '../values.md'?"),  # relative to the page's folder
    (WrittenLink("values.md", "zzz.md", "missing"),
     "no page or file 'zzz.md' in docs/", "fix the path, or add the page or file to docs/"),
    (WrittenLink("values.md", "framework.md#no-mandatory-engagment", "anchor", "framework.md", "no-mandatory-engagment"),
     "'framework.md' has no heading or anchor '#no-mandatory-engagment'",
     "did you mean 'framework.md#no-mandatory-engagement'?"),
    (WrittenLink("values.md", "#valeus", "anchor", "values.md", "valeus"),
     "'values.md' has no heading or anchor '#valeus'", "did you mean '#values'?"),
    (WrittenLink("values.md", "framework.md#xyz", "anchor", "framework.md", "xyz"),
     "'framework.md' has no heading or anchor '#xyz'", "use an id that exists there (hover a heading and copy its ¶ link)"),
    (WrittenLink("values.md", "#fnref:1", "anchor", "values.md", "fnref:1", True),
     "no footnote reference '#fnref:1' on this page", "cite the footnote in the text with [^name], or remove the footnote"),
    (WrittenLink("values.md", "framework/", "unrecognized"),
     "'framework/' is not a page or file of docs/", "link to the Markdown file, e.g. 'framework.md'"),
    (WrittenLink("guide/setup.md", "/framework/", "absolute"),
     "an absolute link breaks when the site is published under a folder",
     "write it relative to this page, e.g. '../framework.md'"),
    (WrittenLink("values.md", "_data/x.yaml", "excluded", "_data/x.yaml"),
     "'_data/x.yaml' is not published (the site excludes it)", "link to a published page, or to the file's https address"),
])
def test_problem_and_fix_name_the_nearest_page_or_anchor(written, problem, fix):
    assert problem_and_fix(written, FILES, anchors_of) == (problem, fix)


def test_the_line_is_where_the_link_is_written_not_where_its_text_first_appears():
    text = "---\ntitle: x.md\n---\n# x.md\n\nSee [x.md](x.md) and\n\n[ref]: other.md#a\n<a href=\"raw.md\">r</a>\n"
    assert line_of_link(text, "x.md") == 6
    assert line_of_link(text, "other.md#a") == 8
    assert line_of_link(text, "raw.md") == 9
    assert line_of_link(text, "snippet.md") == 0  # not in this file (an included snippet): no line is made up


# In real builds: every kind reported once, in our words, and MkDocs' wording never printed.


def broken_links_site(tmp_path, body: str) -> FixtureSite:
    site = hostile_site(tmp_path)
    site.page("values.md", "---\ndescription: V.\n---\n# Values\n\n## Survivor leadership\n\nText.\n")
    site.page("index.md", page_with(body))
    return site


def test_every_broken_markdown_link_is_one_line_in_our_words(tmp_path):
    site = broken_links_site(tmp_path, "[a](valeus.md)\n\n[b](values.md#survivor-leadershp)\n\n[c](#nowhere)\n\n"
                                       "[d](values/)\n\n[e](/values/)\n")
    result = site.build()
    assert result.returncode == 1
    expected = [
        "docs/index.md:10: link 'valeus.md': no page or file 'valeus.md' in docs/ — did you mean 'values.md'?",
        "docs/index.md:12: link 'values.md#survivor-leadershp': 'values.md' has no heading or anchor "
        "'#survivor-leadershp' — did you mean 'values.md#survivor-leadership'?",
        "docs/index.md:14: link '#nowhere': 'index.md' has no heading or anchor '#nowhere' — use an id that exists "
        "there (hover a heading and copy its ¶ link)",
        "docs/index.md:16: link 'values/': 'values/' is not a page or file of docs/ — link to the Markdown file, "
        "e.g. 'values.md'",
        "docs/index.md:18: link '/values/': an absolute link breaks when the site is published under a folder — "
        "write it relative to this page, e.g. 'values.md'",
    ]
    warnings = [line.split("-  ", 1)[1] for line in result.output.splitlines() if line.startswith("WARNING")]
    assert warnings == expected  # each once, nothing else, nothing of MkDocs' own wording
    assert "Aborted with 5 warnings in strict mode!" in result.output


def test_a_raw_html_link_to_a_missing_anchor_gets_the_nearest_one(tmp_path):
    site = broken_links_site(tmp_path, '<p><a href="values/#survivor-leadrship">raw</a></p>')
    result = site.build()
    assert "docs/index.md:10: link 'values/#survivor-leadrship': 'values/index.html' has no anchor " \
           "'#survivor-leadrship' — did you mean 'values/#survivor-leadership'?" in result.output
    assert "Aborted with 1 warnings in strict mode!" in result.output


def test_a_build_stopped_by_another_error_still_reports_its_broken_links(tmp_path):
    # index.md is rendered (and its links read by MkDocs) before values.md stops the build.
    site = broken_links_site(tmp_path, "[a](valeus.md)")
    site.page("values.md", "---\ndescription: V.\n---\n# Values\n\n<p style=\"color: red\">Text.</p>\n")
    result = site.build()
    assert "docs/values.md:6: attribute 'style=' is not allowed" in result.output
    assert "docs/index.md:10: link 'valeus.md': no page or file 'valeus.md' in docs/" in result.output
    assert "Doc file" not in result.output


def test_the_validation_levels_of_mkdocs_yml_still_decide(tmp_path):
    site = broken_links_site(tmp_path, "[a](valeus.md)")
    config = site.config_file()
    text = config.read_text(encoding="utf-8")
    assert "  absolute_links: warn\n" in text
    config.write_text(text.replace("  absolute_links: warn\n", "  absolute_links: warn\n  not_found: info\n"),
                      encoding="utf-8")
    result = run_mkdocs_build(config, tmp_path / "site")
    assert result.returncode == 0, result.output  # "info": told, not failed
    assert "INFO    -  docs/index.md:10: link 'valeus.md': no page or file 'valeus.md' in docs/" in result.output
