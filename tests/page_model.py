"""A page built the way Material builds one, for unit and property tests of the
whole-page model (``survivor_safety.page_shape``): the theme prints the title through
``striptags`` and the table of contents' ids and titles raw, as Material's templates
do, so a value that is not text or not a plain name escapes exactly as it would."""

from __future__ import annotations

from markupsafe import Markup

from survivor_safety.html_rules import script_hash
from survivor_safety.page_checks import secure_page
from survivor_safety.page_shape import probe_content

EXIT_URL = "https://www.weather.gov/"
THEME_SCRIPT = "theme()"
THEME_SCRIPTS = frozenset({"assets/javascripts/quick-exit.js", "assets/javascripts/bundle.12345678.min.js"})
SITE_HOST = "site.example"


def theme_page(title: str, headings: list[tuple[str, str]], content: str) -> str:
    toc = "".join(f'<li class="md-nav__item"><a href="#{identifier}" class="md-nav__link">{text}</a></li>'
                  for identifier, text in headings)
    skip = f'<a href="#{headings[0][0]}" class="md-skip">Skip to content</a>' if headings else ""
    return (
        '<!doctype html><html lang="en" class="no-js"><head><meta charset="utf-8">'
        f"<title>{Markup(title).striptags()} - Site</title><script>{THEME_SCRIPT}</script>"
        '<link rel="stylesheet" href="assets/main.css"></head><body dir="ltr">'
        f'{skip}<aside aria-label="Quick exit"><a id="quick-exit-button" class="quick-exit__button js-quick-exit" '
        f'href="{EXIT_URL}" data-quick-exit-destination="{EXIT_URL}" rel="nofollow noreferrer">Exit this page</a></aside>'
        '<header class="md-header"><label class="md-header__button" for="__drawer">Menu</label></header>'
        f'<nav class="md-nav md-nav--secondary" aria-label="On this page"><ul>{toc}</ul></nav>'
        f'<main><article class="md-content__inner md-typeset">{content}</article></main>'
        '<script src="assets/javascripts/bundle.12345678.min.js"></script>'
        '<script src="assets/javascripts/quick-exit.js"></script></body></html>'
    )


def check(content: str, title: str = "Page", headings: list[tuple[str, str]] | None = None):
    """``secure_page`` on the page and its shape probe, as the safety hook runs it."""
    headings = headings or []
    page = theme_page(title, headings, content)
    probe = theme_page("Page", [(f"heading-{n}", "Heading") for n, _ in enumerate(headings, 1)],
                       probe_content(content))
    return secure_page(page, {script_hash(THEME_SCRIPT)}, SITE_HOST, "index.html", probe, "", THEME_SCRIPTS)


def problems(content: str, **kwargs) -> list[str]:
    return [violation.problem for violation in check(content, **kwargs).violations]
