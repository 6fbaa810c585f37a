"""The script attacks that build (escaped into inert text), loaded in Chromium.

A page built from hostile front matter and a hostile bibliography must open no dialog,
make no request to another host and navigate nowhere, on load and when its title is
shown in search results (which Material writes into the page with innerHTML).
"""

from __future__ import annotations

import pytest

from browser_support import CSP_RECORDER, StaticSite, is_third_party
from conftest import MINIMAL_BIBLIOGRAPHY
from test_hostile_input import hostile_site

pytestmark = pytest.mark.browser

PAGES = {
    "index.md": (
        '---\ntitle: "<img src=x onerror=alert(1)>"\n'
        'description: "\\"><img src=x onerror=alert(2)>"\n'
        "content_note:\n"
        '  text: "<img src=x onerror=alert(3)> [x](javascript:alert(4)) ![t](https://elsewhere.example/t.png)"\n'
        '  skip_label: "<script>alert(5)</script>"\n'
        '  skip_to: "#later"\n---\n\n'
        "# Home\n\nCited [@vera-unjust-burden-2018].\n\n## Later\n\nText.\n\n"
        # Text that only looks like markup: escaped in the page, and in the search index.
        "Escaped: \\<img src=x onerror=alert(11)\\> and code `<img src=x onerror=alert(12)>` "
        "and &lt;svg onload=alert(13)&gt;.\n"
    ),
    "values.md": ('---\ntitle: "</title><script>alert(6)</script>"\ndescription: "<svg onload=alert(7)>"\n---\n\n'
                  "# Values\n\nCited [@vera-unjust-burden-2018].\n"),
}
BIBLIOGRAPHY = MINIMAL_BIBLIOGRAPHY.replace(
    "- family: Hinton\n      given: Elizabeth",
    "- literal: 'x](https://elsewhere.example/ \"t\"){onmouseover=alert(8)} <img src=x onerror=alert(9)> [y'",
).replace('title: "An Unjust Burden"', 'title: "![a](https://elsewhere.example/t.png) <svg onload=alert(10)>"')


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    site = hostile_site(tmp_path_factory.mktemp("hostile"))
    for name, text in PAGES.items():
        site.page(name, text)
    site.bibliography(BIBLIOGRAPHY)
    result = site.build()
    assert result.returncode == 0, result.output
    server = StaticSite(result.site_dir)
    yield server
    server.close()


class Watch:
    """Dialogs, requests and navigations of one page."""

    def __init__(self, page) -> None:
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.navigations: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.navigations.append(frame.url))

    def third_party(self) -> list[str]:
        return [url for url in self.requests if is_third_party(url)]


def open_page(browser, url: str):
    context = browser.new_context()
    context.route("**/*", lambda route: route.abort() if is_third_party(route.request.url) else route.continue_())
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    watch = Watch(page)
    page.goto(url, wait_until="networkidle")
    return context, page, watch


@pytest.mark.parametrize("path", ["", "values/", "sources/"])
def test_hostile_pages_are_inert(browser, hostile_server, path):
    context, page, watch = open_page(browser, f"{hostile_server.url}/{path}")
    page.hover("body")
    for link in page.locator("article a").all()[:20]:  # mouse over every link: onmouseover must not exist
        link.hover()
    page.wait_for_timeout(300)
    assert watch.dialogs == []
    assert watch.third_party() == []
    assert watch.navigations == [f"{hostile_server.url}/{path}"]
    assert page.evaluate("window.__csp") == []  # nothing even had to be blocked
    context.close()


@pytest.mark.parametrize("query", ["img", "onerror", "svg"])
def test_hostile_titles_in_search_results_are_inert(browser, hostile_server, query):
    context, page, watch = open_page(browser, f"{hostile_server.url}/")
    page.keyboard.press("/")
    page.keyboard.type(query, delay=20)
    page.locator(".md-search-result__meta").wait_for()
    page.wait_for_timeout(300)
    assert watch.dialogs == []
    assert watch.third_party() == []
    assert len(watch.navigations) == 1
    assert page.evaluate("window.__csp") == []
    context.close()


def test_the_watch_sees_what_an_attack_would_do(browser, tmp_path):
    """Negative control: the same watch on a page that does run a script."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>x</title><script>alert('ran')</script>"
        '<img alt="" src="https://elsewhere.example/x.png"><script>location.replace("/next.html")</script>')
    (tmp_path / "next.html").write_text("<!doctype html><title>next</title>")
    server = StaticSite(tmp_path)
    try:
        context, page, watch = open_page(browser, f"{server.url}/")
        page.wait_for_url("**/next.html")
        assert watch.dialogs == ["ran"]
        assert watch.third_party() == ["https://elsewhere.example/x.png"]
        assert watch.navigations[-1] == f"{server.url}/next.html"
        context.close()
    finally:
        server.close()
