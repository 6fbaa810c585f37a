"""The site's settings that reach the page: a fixed list, each validated once.

Material turns some ``extra`` keys into inline scripts (analytics, consent, scope) or
into links and attributes (alternate, homepage, social); a setting that adds a script
would have its hash taken from the theme's own probe rendering and so allow itself.
So ``extra`` may hold only the keys below, analytics never, and every URL setting is
parsed with the WHATWG parser and written back from the parse, never copied.

Plain Python; no MkDocs import.
"""

from __future__ import annotations

import re
from typing import Any

from ada_url import URL

# The keys this site's hooks and overrides read, and what each is.
EXTRA_KEYS = {
    "generator": "false: no 'Made with Material' link",
    "short_title": "the header's title on small screens",
    "repository": "where 'Edit this page' and 'Report a problem' link",
    "letter": "the letter's source and page (hooks/mkdocs_letter.py)",
    "citations": "the bibliography and Sources page (hooks/mkdocs_citations.py)",
    "survivor_safety": "the quick exit and the security policy (hooks/mkdocs_safety.py)",
    "link_check": "the link checker (hooks/mkdocs_links.py)",
}
# Keys Material reads that would add scripts, trackers or other hosts to every page.
REFUSED_KEYS = {
    "analytics": "analytics send every reader's visit to another site; this site has none",
    "consent": "a consent banner exists only for analytics and cookies, which this site does not use",
    "scope": "Material writes it into an inline script; the site keeps Material's default",
    "social": "social links load icons and name other hosts on every page; link to them from a page instead",
    "alternate": "language links are written into every page's header; add them to the theme by review",
    "homepage": "the logo must link to this site's home page",
    "polyfills": "polyfills load scripts from another host",
}
PLAIN_TEXT = re.compile(r"^[^<>&\"'`\x00-\x1f\x7f]{1,80}$")
# Site-wide text Material prints raw into elements and attributes (aria-label, <title>,
# <meta content>): text without markup or a double quote.
SITE_TEXT = re.compile(r"^[^<>&\"\x00-\x08\x0b-\x1f\x7f]*$")
SITE_TEXT_SETTINGS = ("site_name", "site_description", "site_author", "copyright")


def extra_problems(extra: dict[str, Any]) -> list[str]:
    """One ``key: problem — fix`` message per setting that may not be used."""
    problems = []
    for key, value in extra.items():
        if key in REFUSED_KEYS:
            problems.append(f"extra.{key}: not allowed — {REFUSED_KEYS[key]}; remove it")
        elif key not in EXTRA_KEYS:
            problems.append(f"extra.{key}: unknown setting — remove it (allowed: {', '.join(EXTRA_KEYS)})")
        elif key == "generator" and value is not False:
            problems.append("extra.generator: must be false — the footer links to no other site")
        elif key == "short_title" and not (isinstance(value, str) and PLAIN_TEXT.match(value)):
            problems.append("extra.short_title: must be plain text of at most 80 characters, without < > & or "
                            "quotes — write a short name such as 'Racial equity'")
    return problems


def site_text_problems(config: dict[str, Any]) -> list[str]:
    """``site_name`` and the other texts every page prints: plain text."""
    return [f"{name}: must be plain text, without < > & or double quotes — the theme prints it unescaped"
            for name in SITE_TEXT_SETTINGS if config.get(name) and not SITE_TEXT.match(str(config[name]))]


def rebuilt_site_url(value: str) -> str:
    """``site_url`` rebuilt from its parse (quotes and spaces percent-encoded), http(s)."""
    try:
        parsed = URL(value)
    except ValueError:
        raise ValueError(f"site_url '{value}' is not an address") from None
    if parsed.protocol not in ("https:", "http:") or not parsed.hostname or parsed.username or parsed.password:
        raise ValueError(f"site_url '{value}' is not an http(s) address with a host")
    href = parsed.href
    if "'" in href:  # the one character the URL standard leaves in a path that an attribute could end at
        raise ValueError(f"site_url '{value}' has a quote in it")
    return href


def rebuilt_https_url(value: str, setting: str) -> str:
    """``value`` parsed as a browser would and written back from the parse: an https
    address with a host, no user name or password; else ``ValueError`` with the fix."""
    try:
        parsed = URL(value)
    except ValueError:
        raise ValueError(f"{setting} '{value}' is not an https address") from None
    if parsed.protocol != "https:" or not parsed.hostname:
        raise ValueError(f"{setting} '{value}' is not an https address")
    if parsed.username or parsed.password:
        raise ValueError(f"{setting} '{value}' carries a user name or password — remove them")
    return parsed.href
