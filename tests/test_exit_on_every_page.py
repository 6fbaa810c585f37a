"""Issue 21, walked in the browser: on every page the site builds (found in the built
site, not from a list), at phone and desktop width, the Exit button is the element at
its own centre, a click and Shift×3 each reach the configured destination, nothing is
requested from another host and no script runs beyond the allowlist."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import site_pages
from survivor_safety.verify import SITE_SCRIPTS  # the site's own scripts, as the verifier allows them
from test_browser import EXIT_URL, open_context, page_url, site  # noqa: F401 - site is a fixture

pytestmark = pytest.mark.browser



def pytest_generate_tests(metafunc):
    if "built_page" in metafunc.fixturenames:
        metafunc.parametrize("built_page", site_pages())  # read from docs/: new pages included


def script_path(url: str, site_url: str) -> str:
    return url.removeprefix(site_url + "/").split("?")[0]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_exit_reaches_its_destination_from_every_page(browser, site, built_site, built_page, viewport):  # noqa: F811
    assert (built_site.site_dir / built_page).exists(), f"{built_page} was not built"
    context, recorder = open_context(browser, viewport)
    scripts: list[str] = []
    context.on("request", lambda request: request.resource_type == "script" and scripts.append(request.url))
    page = context.new_page()
    url = page_url(site, built_page)
    page.goto(url, wait_until="networkidle")
    box = page.locator("#quick-exit-button").bounding_box()
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('#quick-exit-button') !== null",
                         [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]), built_page
    loaded = {script_path(script, site.url) for script in scripts}
    bundles = {path for path in loaded if path.startswith("assets/javascripts/bundle.")}
    assert loaded - bundles <= SITE_SCRIPTS and len(bundles) == 1, loaded
    assert page.evaluate("window.__csp") == []  # no inline script was refused, so none but the theme's ran
    page.locator("#quick-exit-button").click()
    expect(page).to_have_url(EXIT_URL)
    page.goto(url, wait_until="load")
    for _ in range(3):
        page.keyboard.press("Shift")
    expect(page).to_have_url(EXIT_URL)
    assert recorder.third_party() == []
    context.close()
