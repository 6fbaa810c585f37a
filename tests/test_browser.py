"""Real-browser tests (Playwright driving Debian's Chromium) of every built page.

Privacy, CSP, console errors, WCAG 2.2 AA (axe), the site's scripts and the quick exit on
every page, in both palettes, at every width; then content notes, search, storage and print.
Nothing leaves 127.0.0.1: other hosts do not resolve, and every request to them is
aborted (the quick-exit destination is answered by a local stub).
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from browser_support import AXE_TAGS, CSP_RECORDER, StaticSite, is_third_party
from conftest import ROOT, site_pages

pytestmark = pytest.mark.browser

EXIT_URL = "https://www.weather.gov/"
# 320 px: WCAG 1.4.10 reflow; "zoom-200": a 1280 x 800 window at 200% zoom is 640 x 400 CSS px.
VIEWPORTS = {"small-phone": {"width": 320, "height": 640}, "phone": {"width": 390, "height": 844},
             "desktop": {"width": 1280, "height": 800}, "zoom-200": {"width": 640, "height": 400}}
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
AXE = Axe()


@pytest.fixture(scope="session")
def site(built_site):
    server = StaticSite(built_site.site_dir)
    yield server
    server.close()


class Recorder:
    """What one browser context tried to fetch, and what its pages logged."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.console_errors: list[str] = []

    def third_party(self) -> list[str]:
        return [url for url in self.requests if is_third_party(url) and not url.startswith(EXIT_URL)]


def open_context(browser, viewport="desktop", scheme="light", javascript=True):
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme,
                                  java_script_enabled=javascript)
    recorder = Recorder()
    context.on("request", lambda request: recorder.requests.append(request.url))

    def route(route):
        url = route.request.url
        if not is_third_party(url):
            return route.continue_()
        if url.startswith(EXIT_URL):  # the quick-exit destination, answered locally
            return route.fulfill(status=200, content_type="text/html",
                                 body="<!doctype html><title>Weather</title><p>Weather</p>")
        return route.abort()

    context.route("**/*", route)
    context.add_init_script(CSP_RECORDER)
    context.on("console", lambda message: message.type == "error" and recorder.console_errors.append(message.text))
    return context, recorder


@pytest.fixture
def desktop(browser):
    context, recorder = open_context(browser)
    yield context.new_page(), recorder
    context.close()


@pytest.fixture
def phone(browser):
    context, recorder = open_context(browser, viewport="phone")
    yield context.new_page(), recorder
    context.close()


def page_url(site, path: str) -> str:
    return f"{site.url}/{path.removesuffix('index.html')}"


# The dark palette changes only colours, so it is checked with axe's colour rules (the
# light one with every rule).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# Colours are checked, in both palettes, at one width of each layout the site has: below
# 720 px (Material's and site.css's card, drawer and header breakpoint) the same text in
# the same colours and sizes shows at 320, 390 and 640 px, but for the header's title
# (hidden below 360 px, white on the same indigo in both palettes). Every other rule runs
# at every width.
COLOUR_VIEWPORTS = {"phone", "desktop"}
ALL_RULES = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
ALL_BUT_COLOUR_RULES = {**ALL_RULES, "rules": {rule: {"enabled": False} for rule in COLOUR_RULES}}
ONLY_COLOUR_RULES = {"runOnly": {"type": "rule", "values": COLOUR_RULES}}
# Kept in test-artifacts/screenshots/ for review (the CI workflow uploads them): a phone and a desktop.
SCREENSHOT_PAGES = {"index.html", "diversion-courts/index.html", "sources/index.html", "recommendations/index.html"}
SCREENSHOT_VIEWPORTS = {"phone", "desktop"}
# Shift×3 is a keyboard's way out: it is tried where readers have a keyboard. Its listener
# is the same at every width; the button, which does depend on the layout, is clicked at every one.
KEYBOARD_VIEWPORT = "desktop"
# What Material does when the device turns dark (or the reader picks dark): its palette
# input for the dark media query is chosen, and its own change handler recolours the page.
TURN_DARK = """() => {
  const input = document.querySelector("input[name=__palette][data-md-color-media='(prefers-color-scheme: dark)']");
  input.checked = true;
  input.dispatchEvent(new Event("change", {bubbles: true}));
}"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", site_pages())
def test_page_is_private_csp_clean_accessible_and_exits(browser, site, built_site, path, viewport):
    """Every page read from docs/ (new pages included), at every width: nothing from another
    host, no refused script, no console error, no sideways scroll, the exit button on top
    and WCAG 2.2 AA (axe; colours in both palettes once per layout); only the site's own
    scripts load, and a click (and, where there is a keyboard, Shift×3) reaches the exit's
    destination (issue 21)."""
    assert (built_site.site_dir / path).exists(), f"{path} was not built"
    where = f"{path} at {viewport}"
    context, recorder = open_context(browser, viewport)
    scripts: list[str] = []
    context.on("request", lambda request: request.resource_type == "script" and scripts.append(request.url))
    page = context.new_page()
    page.goto(page_url(site, path), wait_until="load")
    assert page.evaluate("window.__csp") == [], where
    assert recorder.console_errors == [], where
    # Reflow (WCAG 1.4.10): the page never scrolls sideways; tables and code scroll inside their box.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"], f"{where}: {width} px wide"
    assert_exit_button_visible_and_on_top(page, where)
    assert_no_referrer_leaves(page, where)
    colours = viewport in COLOUR_VIEWPORTS
    assert_no_axe_violations(page, ALL_RULES if colours else ALL_BUT_COLOUR_RULES, f"{where}, light")
    if path in SCREENSHOT_PAGES and viewport in SCREENSHOT_VIEWPORTS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = (path.removesuffix("index.html").strip("/") or "home") + f"-{viewport}.png"
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    if colours:
        page.emulate_media(color_scheme="dark")
        page.evaluate(TURN_DARK)
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        assert_exit_button_visible_and_on_top(page, f"{where}, dark")
        assert_no_axe_violations(page, ONLY_COLOUR_RULES, f"{where}, dark")
    assert_only_the_sites_scripts_ran(page, scripts, site.url, where)
    assert recorder.console_errors == [], where
    # Checked after axe's runs, seconds after the load, so a late request is caught too.
    assert recorder.third_party() == [], where
    assert_the_exit_leaves(page, page_url(site, path), keyboard=viewport == KEYBOARD_VIEWPORT)
    assert recorder.third_party() == [], where
    context.close()


PALETTE_STATE = """() => [document.body.dataset.mdColorScheme, document.body.dataset.mdColorPrimary,
  document.body.dataset.mdColorAccent, getComputedStyle(document.body).backgroundColor,
  getComputedStyle(document.querySelector(".md-typeset a")).color,
  getComputedStyle(document.querySelector(".md-header")).backgroundColor]"""


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_dark_device_loads_the_palette_the_matrix_switches_to(browser, site, viewport):
    """The matrix checks the dark palette by switching the loaded page as Material does;
    a page loaded on a device set to dark has exactly that palette (phones have no switch)."""
    loaded, _ = open_context(browser, viewport, "dark")
    page = loaded.new_page()
    page.goto(page_url(site, "values/index.html"), wait_until="load")
    dark_at_load = page.evaluate(PALETTE_STATE)
    loaded.close()
    switched, _ = open_context(browser, viewport, "light")
    page = switched.new_page()
    page.goto(page_url(site, "values/index.html"), wait_until="load")
    light = page.evaluate(PALETTE_STATE)
    page.emulate_media(color_scheme="dark")
    page.evaluate(TURN_DARK)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert page.evaluate(PALETTE_STATE) == dark_at_load != light
    switched.close()


def test_the_matrix_checks_fail_on_a_page_that_breaks_them(desktop):
    """The matrix's checks can fail: an image with no text, grey-on-white text, a page with
    no referrer policy and a link to another site that would send one."""
    page, _ = desktop
    page.set_content('<!doctype html><html lang="en"><title>t</title><main><h1>t</h1>'
                     '<img src="data:,"><p style="color:#bbb;background:#fff">faint words</p></main></html>')
    with pytest.raises(AssertionError, match="image-alt") as everything_else:
        assert_no_axe_violations(page, ALL_BUT_COLOUR_RULES, "light")
    assert "color-contrast" not in str(everything_else.value)  # left to the widths that check colours
    with pytest.raises(AssertionError, match="color-contrast"):
        assert_no_axe_violations(page, ALL_RULES, "light")
    with pytest.raises(AssertionError, match="color-contrast"):
        assert_no_axe_violations(page, ONLY_COLOUR_RULES, "dark")
    with pytest.raises(AssertionError, match="referrer policy None"):
        assert_no_referrer_leaves(page, "no referrer policy")
    page.set_content('<base href="http://127.0.0.1:9/"><meta name="referrer" content="no-referrer">'
                     '<a href="//other.example/x" rel="noopener">x</a>')
    with pytest.raises(AssertionError, match="other.example"):
        assert_no_referrer_leaves(page, "a link")


def assert_no_referrer_leaves(page, where: str) -> None:
    """The page sends no referrer, and every link to another site says so too."""
    policy = page.evaluate("document.querySelector('meta[name=referrer]')?.content")
    assert policy == "no-referrer", f"{where}: referrer policy {policy!r}"
    leaking = page.evaluate("""() => [...document.querySelectorAll("a[href]")]
        .filter(link => link.protocol.startsWith("http") && link.host !== location.host)
        .filter(link => !link.relList.contains("noreferrer")).map(link => link.href)""")
    assert leaking == [], f"{where}: {leaking}"


def assert_no_axe_violations(page, rules: dict, where: str) -> None:
    # Only violations are kept in full: passes for every node of a long page would double
    # axe's time and are never read (axe's own advice for large pages).
    results = AXE.run(page, options={**rules, "resultTypes": ["violations"]})
    assert results.violations_count == 0, f"{where}\n" + results.generate_report()


def assert_only_the_sites_scripts_ran(page, scripts: list[str], site_url: str, where: str) -> None:
    from survivor_safety.verify import SITE_SCRIPTS  # the site's own scripts, as the verifier allows them

    loaded = {url.removeprefix(site_url + "/").split("?")[0] for url in scripts}
    bundles = {path for path in loaded if path.startswith("assets/javascripts/bundle.")}
    assert loaded - bundles <= SITE_SCRIPTS and len(bundles) == 1, (where, loaded)
    assert page.evaluate("window.__csp") == [], where  # no inline script was refused, so none but the theme's ran


def assert_the_exit_leaves(page, url: str, keyboard: bool = True) -> None:
    """The exit button's click, then (with a keyboard) Shift pressed three times, each
    reach the exit's destination."""
    page.locator("#quick-exit-button").click()
    expect(page).to_have_url(EXIT_URL)
    if keyboard:
        page.goto(url, wait_until="load")
        for _ in range(3):
            page.keyboard.press("Shift")
        expect(page).to_have_url(EXIT_URL)


def assert_exit_button_visible_and_on_top(page, where: str) -> None:
    button = page.locator(".quick-exit__button")
    box = button.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44, where
    viewport = page.viewport_size
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"], where
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], where
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('.quick-exit__button') !== null",
                         [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]), f"exit button covered: {where}"


def test_headers_file_is_served_with_frame_ancestors(site):
    import urllib.request

    with urllib.request.urlopen(site.url + "/") as response:  # noqa: S310 - loopback only
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# Quick exit


PREVIOUS_SITE = "https://previous.example/"


def arrive_and_read_three_pages(page, site) -> None:
    """A reader comes from another site, then reads three pages of this one by following
    links (the navigation and a table-of-contents anchor)."""
    page.route(PREVIOUS_SITE, lambda route: route.fulfill(
        status=200, content_type="text/html",
        body=f'<!doctype html><title>Before</title><a id="go" href="{page_url(site, "index.html")}">site</a>'))
    page.goto(PREVIOUS_SITE)
    page.locator("#go").click()
    expect(page).to_have_url(page_url(site, "index.html"))
    page.wait_for_load_state()  # the site's script runs at the end of the page
    page.locator('.md-nav--primary a[href$="values/"]').first.click()
    expect(page).to_have_url(page_url(site, "values/index.html"))
    page.wait_for_load_state()
    page.locator('.md-nav--primary a[href$="harms/"]').first.click()
    expect(page).to_have_url(page_url(site, "harms/index.html"))
    page.wait_for_load_state()
    page.locator(".md-sidebar--secondary a.md-nav__link").first.click()  # a place on the page
    expect(page).to_have_url(re.compile(r"/harms/#"))


@pytest.mark.parametrize("how", ["button", "shift"])
def test_after_exit_back_leaves_the_site(desktop, site, how):
    page, recorder = desktop
    arrive_and_read_three_pages(page, site)
    if how == "button":
        page.locator("#quick-exit-button").click()
    else:
        for _ in range(3):
            page.keyboard.press("Shift")
    expect(page).to_have_url(EXIT_URL)
    page.go_back()
    expect(page).to_have_url(PREVIOUS_SITE)  # not one of the three pages read
    assert [url for url in recorder.third_party() if not url.startswith(PREVIOUS_SITE)] == []


HEADER_CONTROLS = ".md-header__button, .md-header__option label, #quick-exit-button"
SEARCH_CONTROLS = ".md-search__input, .md-search__options button[type=reset], #quick-exit-button"
HIT_TEST = """(selector) => [...document.querySelectorAll(selector)]
  .filter(el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                  return r.width && r.height && s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0'; })
  .map(el => { const r = el.getBoundingClientRect();
               const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
               return [el.className || el.id, !!hit && (hit === el || el.contains(hit))]; })"""


@pytest.mark.parametrize("viewport", ["small-phone", "phone", "desktop"])
def test_every_header_control_is_the_element_at_its_centre(browser, site, viewport):
    """No control lies under the exit button (or under anything else), with the search
    closed and open: a reader who clears a search never leaves the site by mistake."""
    context, _ = open_context(browser, viewport)
    page = context.new_page()
    page.goto(page_url(site, "values/index.html"))
    closed = page.evaluate(HIT_TEST, HEADER_CONTROLS)
    assert len(closed) >= 3 and all(ok for _, ok in closed), closed
    opener = page.locator("label[for=__search].md-header__button")
    (opener if opener.is_visible() else page.locator(".md-search__input")).click()
    page.keyboard.type("coercive")
    page.wait_for_function("() => getComputedStyle(document.querySelector("
                           "'.md-search__options button[type=reset]')).opacity > 0.5")  # shown once there is text
    opened = page.evaluate(HIT_TEST, SEARCH_CONTROLS)
    assert len(opened) == 3 and all(ok for _, ok in opened), opened
    context.close()


def test_without_javascript_links_work_and_add_history(browser, site):
    context, _ = open_context(browser, javascript=False)
    page = context.new_page()
    page.goto(page_url(site, "index.html"))
    page.locator('.md-nav--primary a[href$="values/"]').first.click()
    expect(page).to_have_url(page_url(site, "values/index.html"))
    page.go_back()
    expect(page).to_have_url(page_url(site, "index.html"))
    context.close()


def test_exit_button_is_named_and_safe(desktop, site):
    page, _ = desktop
    page.goto(page_url(site, "values/index.html"))
    button = page.locator(".quick-exit__button")
    expect(button).to_have_accessible_name("Emergency Exit this page")
    assert button.get_attribute("rel") == "nofollow noreferrer"
    assert button.get_attribute("href") == EXIT_URL


def test_skip_link_is_second_in_focus_order_and_exits(desktop, site):
    page, _ = desktop
    page.goto(page_url(site, "values/index.html"))
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Exit this page")
    expect(focused).to_have_class(re.compile(r"\bquick-exit-skiplink\b"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(EXIT_URL)


def test_shift_three_times_exits_with_announcements(desktop, site):
    page, _ = desktop
    page.goto(page_url(site, "index.html"))
    page.goto(page_url(site, "harms/index.html"))
    status = page.locator(".js-quick-exit-status")
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 2 more times to exit.")
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 1 more time to exit.")
    page.keyboard.press("Shift")
    expect(page).to_have_url(EXIT_URL)


def test_shift_as_a_modifier_does_not_exit(desktop, site):
    page, _ = desktop
    page.goto(page_url(site, "harms/index.html"))
    for _ in range(3):
        page.keyboard.press("Shift+A")
    page.wait_for_timeout(300)
    expect(page).to_have_url(page_url(site, "harms/index.html"))
    assert page.locator(".quick-exit-overlay").count() == 0


def test_other_keys_reset_the_count(desktop, site):
    page, _ = desktop
    page.goto(page_url(site, "harms/index.html"))
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    expect(page).to_have_url(page_url(site, "harms/index.html"))


def test_exit_hides_the_page_behind_a_loading_overlay(desktop, site):
    page, _ = desktop
    page.goto(page_url(site, "values/index.html"))
    # Read the page in the same task as the click: the navigation has not started yet.
    state = page.evaluate("""() => {
        document.querySelector('.quick-exit__button').click();
        const overlay = document.querySelector('.quick-exit-overlay');
        return {text: overlay.textContent, role: overlay.getAttribute('role'),
                overlay: getComputedStyle(overlay).display,
                title: getComputedStyle(document.querySelector('h1')).display,
                header: getComputedStyle(document.querySelector('.md-header')).display,
                csp: window.__csp};
    }""")
    assert state == {"text": "Loading.", "role": "alert", "overlay": "block", "title": "none", "header": "none",
                     "csp": []}
    expect(page).to_have_url(EXIT_URL)


def test_page_restored_from_the_back_forward_cache_is_shown_again(desktop, site):
    """Playwright turns the back/forward cache off, so the restore event is sent by hand."""
    page, _ = desktop
    page.goto(page_url(site, "values/index.html"))
    state = page.evaluate("""() => {
        document.querySelector('.quick-exit__button').click();
        window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: false}));  // an ordinary load
        const hiddenBefore = document.body.classList.contains('quick-exit-hide');
        window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}));   // back from the cache
        return {hiddenBefore, hiddenAfter: document.body.classList.contains('quick-exit-hide'),
                overlays: document.querySelectorAll('.quick-exit-overlay').length};
    }""")
    assert state == {"hiddenBefore": True, "hiddenAfter": False, "overlays": 0}


def test_exit_works_without_javascript(browser, site):
    context, _ = open_context(browser, javascript=False)
    page = context.new_page()
    page.goto(page_url(site, "values/index.html"))
    page.locator(".quick-exit__button").click()
    expect(page).to_have_url(EXIT_URL)
    page.goto(page_url(site, "values/index.html"))
    page.locator(".quick-exit-skiplink").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(EXIT_URL)
    context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_exit_button_is_large_visible_and_never_covered(browser, site, viewport):
    context, _ = open_context(browser, viewport)
    page = context.new_page()
    page.goto(page_url(site, "diversion-courts/index.html"))
    button = page.locator(".quick-exit__button")
    for scroll in (0, 3000):
        page.evaluate(f"window.scrollTo(0, {scroll})")
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        assert 0 <= box["y"] and box["y"] + box["height"] <= VIEWPORTS[viewport]["height"]
        on_top = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('.quick-exit__button') !== null",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert on_top, f"something covers the exit button at scroll {scroll}"
    context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_keyboard_focus_stays_visible_and_is_never_under_the_exit_button(browser, site, viewport):
    """WCAG 2.2 SC 2.4.7 and 2.4.11: tab through a long page; every focused control is on
    screen (no links in a closed drawer) and neither the exit button nor the header covers it."""
    context, _ = open_context(browser, viewport)
    page = context.new_page()
    page.goto(page_url(site, "diversion-courts/index.html"))
    seen, leaving_search = 0, False
    for _ in range(70):
        page.keyboard.press("Tab")
        if leaving_search:
            page.wait_for_timeout(400)  # let the search dialog finish closing (a 250 ms transition)
        state = page.evaluate("""() => {
            const el = document.activeElement;
            const box = el.getBoundingClientRect();
            if (!box.width || !box.height) return {skip: true};           // Material's zero-size helpers
            if (el.closest('.md-search')) return {skip: true, search: true};  // the dialog has its own layer
            const onScreen = box.right > 0 && box.left < innerWidth && box.bottom > 0 && box.top < innerHeight;
            const top = onScreen ? document.elementFromPoint(
                Math.min(box.left + box.width / 2, innerWidth - 1), Math.min(box.top + box.height / 2, innerHeight - 1)) : null;
            const cover = top && !(el === top || el.contains(top) || top.contains(el))
                ? (top.closest('.quick-exit, .md-header') ? top.closest('.quick-exit, .md-header').className : null) : null;
            return {skip: false, onScreen, cover, what: el.outerHTML.slice(0, 70)};
        }""")
        leaving_search = bool(state.get("search"))
        if state["skip"]:
            continue
        seen += 1
        assert state["onScreen"], f"focus went off screen: {state['what']}"
        assert state["cover"] is None, f"{state['cover']} covers the focused {state['what']}"
    assert seen >= 30
    context.close()


def test_phone_navigation_drawer_still_opens_and_works(phone, site):
    page, _ = phone
    page.goto(page_url(site, "index.html"))
    values = page.locator(".md-sidebar--primary").get_by_role("link", name="Recommendations at a glance", exact=True)
    expect(values).to_be_hidden()
    page.locator('label.md-header__button[for="__drawer"]').click()
    expect(values).to_be_visible()
    values.click()
    expect(page).to_have_url(page_url(site, "recommendations/index.html"))


def test_exit_button_does_not_cover_the_header_controls(phone, site):
    page, _ = phone
    page.goto(page_url(site, "index.html"))
    button = page.locator(".quick-exit__button").bounding_box()
    for selector in ('label[for="__search"].md-header__button', "form[data-md-component='palette'] label"):
        for control in page.locator(selector).all():
            if not control.is_visible():
                continue
            box = control.bounding_box()
            assert box["x"] + box["width"] <= button["x"], f"{selector} is under the exit button"


def test_print_hides_the_exit_controls_and_shows_link_addresses(desktop, site):
    page, _ = desktop
    page.goto(page_url(site, "prevention/index.html"))
    page.emulate_media(media="print")
    expect(page.locator(".quick-exit__button")).to_be_hidden()
    expect(page.locator(".md-header")).to_be_hidden()
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()
    after = page.evaluate("""() => {
        const link = document.createElement('a');
        link.href = 'https://example.org/report';
        link.textContent = 'a report';
        document.querySelector('.md-typeset p').append(link);
        return getComputedStyle(link, '::after').content;
    }""")
    assert after == '" (" attr(href) ")"' or after == '" (https://example.org/report)"'



# Content notes, search, storage


def test_content_note_follows_the_title(desktop, site):
    page, _ = desktop
    page.goto(page_url(site, "diversion-courts/index.html"))
    note = page.locator("aside.content-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Content note: This page discusses policing")
    assert page.evaluate("document.querySelector('h1').nextElementSibling.matches('aside.content-note')")
    note.get_by_role("link", name="Skip to the NSN's recommendations").click()
    expect(page).to_have_url(page_url(site, "diversion-courts/index.html") + "#recommendations")
    expect(note.get_by_role("link", name="Read about staying safe online")).to_have_attribute(
        "href", "../staying-safe-online/")
    page.goto(page_url(site, "values/index.html"))
    assert page.locator("aside.content-note").count() == 0


def test_content_note_exit_link_leaves_through_the_button_destination(desktop, site):
    page, recorder = desktop
    page.goto(page_url(site, "index.html"))
    page.goto(page_url(site, "diversion-courts/index.html"))
    # Even if a page pointed this link elsewhere, the script would take the button's destination.
    page.evaluate("document.querySelector('aside.content-note .content-note__exit').href = 'https://elsewhere.example/'")
    page.locator("aside.content-note .content-note__exit").click()
    expect(page).to_have_url(EXIT_URL)
    assert recorder.third_party() == []


def test_a_page_opened_from_a_search_result_shows_the_words_marked(desktop, site):
    """search.highlight with search on demand: the result's link carries ?h=, and the page
    loads search at once so Material can mark the words."""
    page, recorder = desktop
    page.goto(page_url(site, "index.html"))
    page.locator(".md-search__input").click()
    page.keyboard.type("coercive")
    result = page.locator(".md-search-result__link").first
    expect(result).to_be_visible()
    assert "h=coercive" in (result.get_attribute("href") or "")
    result.click()
    page.wait_for_load_state()
    expect(page.locator("article mark").first).to_be_visible()
    assert page.locator("article mark").count() >= 1
    assert recorder.third_party() == []


SEARCH_FILES = re.compile(r"/search/search_index\.json$|/workers/search\.[0-9a-f]+\.min\.js$")


def search_requests(recorder) -> list[str]:
    return [url for url in recorder.requests if SEARCH_FILES.search(url)]


def test_search_loads_on_demand_finds_diversion_and_opens_the_page(desktop, site):
    """Search costs nothing until a reader opens it (overrides/assets/javascripts/
    search-on-demand.js); then it finds what it found before."""
    page, recorder = desktop
    page.goto(page_url(site, "index.html"), wait_until="networkidle")
    page.wait_for_timeout(300)
    assert search_requests(recorder) == []  # neither the index nor the worker yet
    page.keyboard.press("/")
    page.keyboard.type("diversion", delay=20)
    result = page.locator(".md-search-result__link").first
    expect(result).to_be_visible()
    assert len(search_requests(recorder)) == 2
    expect(page.locator(".md-search-result__meta")).to_have_text(re.compile(r"^\d+ matching documents$"))
    result.click()
    expect(page).to_have_url(re.compile(r".*/diversion-courts/.*"))
    assert page.evaluate("window.__csp") == []
    assert recorder.third_party() == []


def test_words_typed_before_the_index_arrives_are_searched_when_it_does(phone, site):
    """On a slow connection a reader types before the index has arrived: the search runs
    once it has, instead of the box keeping words that nothing searched."""
    page, _ = phone
    held = []
    index = re.compile(r"/search/search_index\.json$")
    page.route(index, lambda route: held.append(route))  # answered below, after the typing
    page.goto(page_url(site, "values/index.html"), wait_until="load")
    with page.expect_request(index):  # opening search asks for the index
        page.locator('label[for="__search"].md-header__button').click()
    page.locator(".md-search__input").press_sequentially("coercive")  # key by key, as Material reads it
    expect(page.locator(".md-search-result__meta")).to_have_text(re.compile(r"^\s*Initializing search\s*$"))
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator(".md-search-result__list .md-search-result__link").first).to_be_visible()


def test_nothing_is_stored_unless_the_reader_chooses_a_palette(desktop, site):
    page, _ = desktop
    for path in ("index.html", "values/index.html", "sources/index.html"):
        page.goto(page_url(site, path))
    assert page.context.cookies() == []
    assert page.evaluate("Object.keys(localStorage)") == []
    assert page.evaluate("Object.keys(sessionStorage)") == []
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    keys = page.evaluate("Object.keys(localStorage)")
    assert len(keys) == 1 and keys[0].endswith("__palette")


def test_search_opens_by_tap_on_a_small_phone(browser, site):
    context, recorder = open_context(browser, "small-phone")
    page = context.new_page()
    page.goto(page_url(site, "values/index.html"), wait_until="networkidle")
    assert search_requests(recorder) == []
    page.locator('label[for="__search"].md-header__button').click()
    page.keyboard.type("diversion", delay=20)
    expect(page.locator(".md-search-result__link").first).to_be_visible()
    assert len(search_requests(recorder)) == 2
    context.close()


@pytest.mark.parametrize("viewport", ["small-phone", "phone"])
def test_recommendations_are_cards_on_phones_and_a_table_on_wide_screens(browser, site, viewport):
    context, _ = open_context(browser, viewport)
    page = context.new_page()
    page.goto(page_url(site, "recommendations/index.html"), wait_until="networkidle")
    width = VIEWPORTS[viewport]["width"]
    rows = page.locator(".recommendation-cards tbody tr")
    assert rows.count() == 13
    expect(page.locator(".recommendation-cards thead")).to_be_hidden()
    for cell in page.locator(".recommendation-cards td").all():  # every cell readable without scrolling sideways
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("getComputedStyle(document.querySelector('.recommendation-cards td:nth-child(5)'), "
                         "'::before').content") == '"Evidence: "'
    page.set_viewport_size(VIEWPORTS["desktop"])
    expect(page.locator(".recommendation-cards thead")).to_be_visible()
    context.close()


@pytest.mark.parametrize("viewport", ["phone", "small-phone"])
def test_the_header_title_fits_or_steps_aside(browser, site, viewport):
    """At 390 px the short title shows in full; at 320 px there is no room for any."""
    context, _ = open_context(browser, viewport)
    page = context.new_page()
    page.goto(page_url(site, "values/index.html"), wait_until="networkidle")
    title = page.locator(".md-header__topic .site-title--short").first
    if viewport == "phone":
        expect(title).to_be_visible()
        expect(title).to_have_text("Racial equity")
        assert page.evaluate("e => e.scrollWidth <= e.clientWidth",
                             page.locator(".md-header__topic .md-ellipsis").first.element_handle())
    else:
        expect(page.locator(".md-header__title")).to_be_hidden()
    context.close()
