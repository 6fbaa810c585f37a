"""Issue 23's small repairs, read from the built site: "Cite this page" is dated like the
page, the bibliography exports download, and the home page's title is the site's name once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from selectolax.lexbor import LexborHTMLParser

from test_browser import open_context, page_url, site  # noqa: F401 - site is a fixture


def test_cite_this_page_carries_the_pages_date(built_site):
    tree = LexborHTMLParser(built_site.page("values/index.html"))
    cite = tree.css_first(".cite-this-page p").text(deep=True)
    updated = tree.css_first(".page-actions")
    shown = re.search(r"Last updated: (\d{1,2}) (\w+) (\d{4})", updated.text(deep=True)) if updated else None
    if shown:  # a build with git history: the same day, in APA's order
        day, month, year = shown.groups()
        assert f"({year}, {month} {day})" in cite, cite
        assert "n.d." not in cite
    else:
        assert "(n.d.)" in cite


def test_cite_this_page_without_a_date_says_no_date():
    from citations.render import cite_this_page_html

    assert "(n.d.)" in cite_this_page_html("A", "T", "S", "", "k")
    assert "(2026, December 3)" in cite_this_page_html("A", "T", "S", "", "k", "2026-12-03")
    assert "year = {2026}" in cite_this_page_html("A", "T", "S", "", "k", "2026-12-03")
    assert "(n.d.)" in cite_this_page_html("A", "T", "S", "", "k", "not a date")


def test_bibliography_exports_download(built_site):
    tree = LexborHTMLParser(built_site.page("sources/index.html"))
    links = {node.attributes.get("download"): node.attributes.get("href") for node in tree.css("a[download]")}
    assert links == {"bibliography.json": "../bibliography.json", "bibliography.bib": "../bibliography.bib",
                     "bibliography.ris": "../bibliography.ris"}


def test_the_home_page_title_is_the_site_name_once(built_site):
    assert LexborHTMLParser(built_site.page("index.html")).css_first("title").text() == \
        "Racial Equity in Anti-Trafficking Work"
    assert LexborHTMLParser(built_site.page("values/index.html")).css_first("title").text() == \
        "Values - Racial Equity in Anti-Trafficking Work"


@pytest.mark.browser
def test_code_has_a_copy_button_that_copies_without_adding_landmarks(browser, site):  # noqa: F811
    """"Cite this page" keeps its BibTeX in a code block: one button copies it. Material's
    <nav> around each button is no landmark (code-copy.js), so axe's landmark-unique holds
    on pages with several code blocks (every page is also walked by the axe tests)."""
    context, recorder = open_context(browser, "desktop")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/"))
    page = context.new_page()
    page.goto(page_url(site, "contributing/index.html"))
    navs = page.locator("article nav.md-code__nav")
    assert navs.count() >= 2
    assert page.locator("article nav.md-code__nav:not([role='none'])").count() == 0
    assert page.get_by_role("navigation").filter(has=page.locator(".md-code__button")).count() == 0
    expect(page.get_by_role("button", name="Copy to clipboard").first).to_be_visible()
    page.goto(page_url(site, "values/index.html"))
    page.locator(".cite-this-page summary, .cite-this-page").first.click()
    button = page.locator(".cite-this-page button.md-code__button[data-md-type='copy']")
    expect(button).to_have_attribute("title", "Copy to clipboard")
    button.click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("@misc{") and "title = {{Values}}" in copied, copied
    assert copied.strip() == page.locator(".cite-this-page pre code").inner_text().strip()
    assert recorder.third_party() == []
    context.close()
