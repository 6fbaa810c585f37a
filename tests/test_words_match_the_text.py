"""Issue 24: the site names what it presents as what it is, the NSN's published
highlights of its letter, not the whole letter. The phrases that said otherwise must not
come back anywhere a reader or a journalist would see them: pages, navigation, page
descriptions, README, the brief (its Markdown and the built page)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

OVERCLAIMS = re.compile(r"the letter in full|complete text|every recommendation in the letter", re.IGNORECASE)


def sources() -> list:
    return [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "mkdocs.yml", ROOT / "README.md", ROOT / "CONTRIBUTING.md",
            *sorted((ROOT / "docs" / "_data").glob("*.yaml"))]


@pytest.mark.parametrize("path", sources(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_page_calls_the_highlights_the_whole_letter(path):
    found = [(number, line.strip()) for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if OVERCLAIMS.search(line)]
    assert found == [], f"{path.relative_to(ROOT)}: {found} — say 'the highlights' (the NSN published highlights)"


def test_no_built_page_calls_the_highlights_the_whole_letter(built_site):
    for page in sorted(built_site.site_dir.rglob("*.html")):
        match = OVERCLAIMS.search(page.read_text(encoding="utf-8"))
        assert match is None, f"{page.relative_to(built_site.site_dir)}: '{match.group(0)}'"


def test_the_letter_page_says_where_the_full_response_is_and_that_it_is_unverified(built_site):
    text = " ".join(built_site.page("letter/index.html").split())
    assert "NSN Response: Racial Equity in the Human Trafficking Movement" in text
    assert "has not seen that full response and has not verified" in text


def test_a_check_that_would_pass_on_anything_fails_on_the_old_wording():
    assert OVERCLAIMS.search("- The letter in full: letter.md")
    assert OVERCLAIMS.search("This is the complete text of the highlights")
