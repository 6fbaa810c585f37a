"""Issue 21, cause 10: input built to exhaust the build (deep nesting, thousands of '[',
headings or entries, snippets that multiply, BibTeX macros that double) stops with one
line naming the file and the line, before any parser reads it; never a traceback."""

from __future__ import annotations

import pytest

from conftest import assert_one_line_error
from test_hostile_input import GOOD_PAGE, hostile_site, page_with


@pytest.fixture
def site(tmp_path):
    return hostile_site(tmp_path)


PAGE_LIMITS = [
    ("markdown blocks nested 500 deep", "<div markdown>\n\n" * 500 + "x\n\n" + "</div>\n\n" * 500,
     "docs/index.md:110: quotes, lists or HTML blocks are nested more than 50 levels deep"),
    ("quotes nested 2,000 deep", ">" * 2_000 + " deep", "docs/index.md:10: quotes, lists or HTML blocks are nested"),
    ("lists nested 300 deep", "".join("    " * depth + "- x\n" for depth in range(300)),
     "docs/index.md:61: quotes, lists or HTML blocks are nested"),
    ("20,000 unmatched brackets", "[" * 20_000, "docs/index.md:10: a paragraph has more than 500 '[' characters"),
    ("5,000 identical headings", "## Same\n\n" * 5_000, "docs/index.md:1: the page has 5001 headings, more than 500"),
    ("a page of 2 MB", "word " * 400_000, "docs/index.md:1: the page has 2,000,"),
]


@pytest.mark.parametrize(("case", "body", "message"), PAGE_LIMITS, ids=[case for case, _, _ in PAGE_LIMITS])
def test_page_limits_stop_the_build_before_markdown(site, case, body, message):
    site.page("index.md", page_with(body))
    result = site.build()
    assert_one_line_error(result, message)
    assert "Traceback" not in result.output and "RecursionError" not in result.output


def test_snippets_that_include_each_other_twice_stop_at_the_cap(site):
    for level in range(20):  # each includes the next twice: 2**20 copies without the cap
        site.page(f"_snippets/s{level}.md", f'--8<-- "s{level + 1}.md"\n\n--8<-- "s{level + 1}.md"\n')
    site.page("_snippets/s20.md", "Text.\n")
    site.page("index.md", page_with('--8<-- "s0.md"'))
    result = site.build()
    assert_one_line_error(result, "the page includes more than 50 snippets")
    assert "Traceback" not in result.output


def test_bibtex_macros_that_double_are_refused(site):
    macros = '@string{m0 = "ab"}\n' + "".join(f"@string{{m{n} = m{n - 1} # m{n - 1}}}\n" for n in range(1, 40))
    site.bibliography_name = "bibliography.bib"
    (site.docs / "_data" / "bibliography.bib").write_text(
        macros + "@report{vera-unjust-burden-2018, title = m39, author = {Hinton, Elizabeth}, year = 2018, "
                 "institution = {Vera}}\n", encoding="utf-8")
    result = site.build()
    assert_one_line_error(result, "docs/_data/bibliography.bib:2: entry '-': an @string macro is built from other macros with '#'")


def test_fifty_thousand_entries_are_refused_before_parsing(site):
    entry = "- id: e{n}\n  type: webpage\n  title: T\n  author: [{{literal: A}}]\n  URL: https://example.org/{n}\n"
    site.bibliography("references:\n" + "".join(entry.format(n=n) for n in range(50_000)))
    assert_one_line_error(site.build(), "docs/_data/bibliography.yaml:1: entry '-': the file has ")


def test_a_huge_recommendations_table_is_refused_before_the_brief_prints(site_copy):
    from conftest import run_mkdocs_build

    page = site_copy / "docs" / "recommendations.md"
    text = page.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| ") and "---" not in line)
    page.write_text(text.replace(row, "\n".join([row] * 200), 1), encoding="utf-8")
    brief = site_copy / "docs" / "brief.md"  # a page that copies the table, as the brief can
    brief.write_text(brief.read_text(encoding="utf-8") + "\n<!-- letter:recommendations -->\n", encoding="utf-8")
    result = run_mkdocs_build(site_copy / "mkdocs.yml", site_copy / "site")
    assert_one_line_error(result, "docs/recommendations.md:")
    assert "rows, more than 100 — keep one row per recommendation" in result.output

