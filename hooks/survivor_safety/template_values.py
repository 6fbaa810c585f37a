"""Values the theme prints outside the content, checked where they are written.

A page's title (its first heading, or ``title:`` in its front matter) and its headings'
ids reach Material's templates, which print them in ``<title>``, the navigation, the
table of contents and the skip link; MkDocs renders with autoescaping off, and
``striptags`` turns ``&lt;`` back into ``<``. So a title must be text that no template
can read as markup, and a heading id a plain name. (The finished page is also held to
the theme's rendering of it: ``page_shape``.)

Plain Python; no MkDocs import.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

from survivor_safety.content_allowlist import ID, reserved_name
from survivor_safety.html_rules import Violation

# What a title may not hold once character references are read: markup, or controls
# (Python-Markdown leaves "\x02...\x03" placeholders where it stashed raw HTML).
NOT_TEXT = re.compile(r"[<>\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

Heading = tuple[str, str, list]  # (id, title, children), the shape of MkDocs' table of contents


def title_problems(title: str) -> list[Violation]:
    """The page's title as the templates print it."""
    text = html.unescape(title or "")
    if not NOT_TEXT.search(text):
        return []
    shown = NOT_TEXT.sub("", text).strip()[:60]
    return [Violation(f"the page title '{shown}' holds markup or control characters ({_found(text)})",
                      "write the first heading (or title: in the front matter) as plain words, without < > or "
                      "HTML tags", shown[:20] or "# ")]


def heading_problems(headings: Iterable[Heading]) -> Iterator[Violation]:
    """Each heading id in the table of contents, and each heading's text."""
    stack = list(headings)
    while stack:
        identifier, title, children = stack.pop(0)
        needle = NOT_TEXT.sub("", html.unescape(title)).strip()[:30]
        if not ID.match(identifier):
            yield Violation(f"heading id '{NOT_TEXT.sub('?', identifier)[:60]}' is not a plain name",
                            "write heading ids with letters, digits, '-' and '_' only, e.g. { #my-section }", needle)
        elif reserved_name(identifier):
            yield Violation(f"heading id '{identifier}' is reserved for the site's own controls",
                            "choose another id (ids starting quick-exit, md-, js- or __ belong to the theme)", needle)
        if NOT_TEXT.search(title):
            yield Violation(f"the heading '{needle}' holds markup the table of contents would print",
                            "write the heading as plain words", needle)
        stack.extend(children)


def _found(text: str) -> str:
    found = NOT_TEXT.search(text).group()
    return f"'{found}'" if found in "<>" else f"U+{ord(found):04X}"
