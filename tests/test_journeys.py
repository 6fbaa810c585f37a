"""Whole paths through the site, walked in the browser as a reader, a policymaker and a
contributor walk them (issue 23). Nothing leaves 127.0.0.1: other hosts are answered by stubs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import MINIMAL_BIBLIOGRAPHY
from test_browser import EXIT_URL, PREVIOUS_SITE, open_context, page_url, site  # noqa: F401 - site is a fixture
from test_hostile_input import hostile_site
from test_serve import serving

pytestmark = pytest.mark.browser


def test_a_reader_on_a_phone_follows_evidence_searches_and_leaves(browser, site):  # noqa: F811
    context, recorder = open_context(browser, "phone")
    page = context.new_page()
    page.route(PREVIOUS_SITE, lambda route: route.fulfill(
        status=200, content_type="text/html",
        body=f'<!doctype html><title>Before</title><a id="go" href="{page_url(site, "index.html")}">site</a>'))
    page.goto(PREVIOUS_SITE)
    page.locator("#go").click()
    page.wait_for_load_state()
    # Home → a recommendation, as the home page lists them.
    page.locator('article a[href$="framework/#no-mandatory-engagement"]').first.click()
    expect(page).to_have_url(re.compile(r"/framework/#no-mandatory-engagement$"))
    page.wait_for_load_state()
    # → its evidence: an in-text citation leads to the reference, which names its source.
    citations = page.locator('article a[role="doc-biblioref"]')
    target = next(href for href in (citations.nth(i).get_attribute("href") for i in range(citations.count()))
                  if page.locator(f'[id="{href[1:]}"] a.reference-url').count())  # one with a web address
    # Material closes search 125 ms after the address's #fragment changes (a timer it sets
    # on "hashchange"). A longer timer set on the same event fires after it whatever the
    # load, so the journey goes on once that has happened.
    page.evaluate("() => { window.__hashChanged = new Promise(resolve => addEventListener('hashchange', resolve, {once: true})); }")
    page.locator(f'article a[role="doc-biblioref"][href="{target}"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    page.evaluate("() => window.__hashChanged.then(() => new Promise(resolve => setTimeout(resolve, 250)))")
    reference = page.locator(f'[id="{target[1:]}"]')
    expect(reference).to_be_in_viewport()
    source = reference.locator("a.reference-url").first
    assert source.get_attribute("href").startswith("https://")
    assert "noreferrer" in source.get_attribute("rel").split()  # the source never learns where the reader came from
    # Search → a result opens with the words marked.
    page.locator('label[for="__search"].md-header__button').click()
    query = page.locator(".md-search__input")
    expect(query).to_be_visible()
    # Typed key by key, as a reader types: Material reads the query on keyup (a filled-in
    # value is read only if its delayed read on focus comes after the filling).
    query.press_sequentially("coercive")
    result = page.locator(".md-search-result__list .md-search-result__link").first
    expect(result).to_be_visible(timeout=15_000)  # the index loads when search first opens
    result.click()
    page.wait_for_load_state()
    expect(page.locator("article mark").first).to_be_visible()
    # Exit → Back leaves the site: none of the pages read is on the Back list.
    page.locator("#quick-exit-button").click()
    expect(page).to_have_url(EXIT_URL)
    page.go_back()
    expect(page).to_have_url(PREVIOUS_SITE)
    assert [url for url in recorder.third_party() if not url.startswith(PREVIOUS_SITE)] == []
    context.close()


def test_a_policymaker_goes_from_a_paragraph_link_to_the_letter_and_the_brief(browser, site):  # noqa: F811
    context, recorder = open_context(browser, "desktop")
    page = context.new_page()
    page.goto(page_url(site, "barriers/index.html"))
    page.get_by_role("link", name="¶24").first.click()
    expect(page).to_have_url(re.compile(r"/letter/#para-24$"))
    expect(page.locator("#para-24")).to_be_in_viewport()
    assert "demand reduction" in page.locator("#para-24").inner_text()
    page.locator('.md-nav--primary a[href$="brief/"]').first.click()
    expect(page).to_have_url(page_url(site, "brief/index.html"))
    expect(page.locator("#the-asks")).to_be_visible()
    assert page.locator(".brief-asks li").count() == 13
    expect(page.locator("#evidence")).to_contain_text("What the asks rest on")
    assert recorder.third_party() == []
    context.close()


NEW_SOURCE = """\
- id: nsn-survivor-leadership-2022
  type: webpage
  title: "Survivor leadership"
  author:
    - literal: National Survivor Network
  issued: "2022-03"
  URL: https://example.org/survivor-leadership
  custom:
    confidence: likely
"""
NEW_PAGE = """\
---
title: Survivor leadership
description: How survivors lead the work.
---

# Survivor leadership

Survivors lead [@{key}].
"""


def test_a_contributor_adds_a_page_and_a_source_and_sees_a_mistake_in_the_browser_until_fixed(browser, tmp_path):
    site = hostile_site(tmp_path / "project")
    with serving(site, tmp_path / "serve.log") as address:
        context, recorder = open_context(browser, "desktop")
        page = context.new_page()
        # A source added to the bibliography, then a page that cites it.
        site.bibliography(MINIMAL_BIBLIOGRAPHY + NEW_SOURCE)
        site.page("survivor-leadership.md", NEW_PAGE.format(key="nsn-survivor-leadership-2022"))
        new_page = f"{address}/survivor-leadership/"
        for _ in range(60):
            if page.goto(new_page).status == 200:
                break
            page.wait_for_timeout(500)
        citation = page.locator('article a[role="doc-biblioref"]')
        expect(citation).to_contain_text("National Survivor Network")
        # A typo in the key: the open page reloads by itself and shows the message.
        site.page("survivor-leadership.md", NEW_PAGE.format(key="nsn-survivor-leadrship-2022"))
        messages = page.locator("#build-messages")
        expect(messages).to_contain_text("docs/survivor-leadership.md:8: unknown citation key "
                                         "'nsn-survivor-leadrship-2022' — did you mean "
                                         "'nsn-survivor-leadership-2022'?", timeout=60_000)
        expect(page).to_have_title(re.compile("^The site did not build"))
        # The fix, saved: the page comes back without the contributor touching the browser.
        site.page("survivor-leadership.md", NEW_PAGE.format(key="nsn-survivor-leadership-2022"))
        expect(citation).to_contain_text("National Survivor Network", timeout=60_000)
        expect(page).to_have_url(new_page)
        assert recorder.third_party() == []
        context.close()
