"""The two checks of every page, each a plain function of strings: it parses the HTML
once and returns what it found, so it runs the same in this process or in a worker
process beside the build (``worker_process``).

- ``check_content``: a page's own content, before the theme wraps it.
- ``secure_page``: the finished page: refuse what is not allowed, add ``noreferrer`` to
  outbound links and scan its anchors and links for the link check, from one parse.
  The scan goes to ``built_pages`` in the process that runs the check (its one side
  effect), where the page's links are checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import built_pages
from html_elements import elements
from link_check.html_scan import scan_tree
from survivor_safety.html_rules import Violation, content_violations, page_violations, parse_document, parse_fragment
from survivor_safety.links import add_noreferrer


@dataclass(frozen=True)
class CheckedContent:
    violations: tuple[Violation, ...]
    missing_skip_target: str  # the content note's ``skip_to`` when no element has that id, else ""


@dataclass(frozen=True)
class SecuredPage:
    violations: tuple[Violation, ...]
    html: str | None  # the page with ``noreferrer`` added; None when nothing changed


def check_content(html: str, site_host: str, skip_to: str = "") -> CheckedContent:
    """The content rules on a page's HTML, parsed as it will sit in the theme's <article>."""
    tree = parse_fragment(html)
    missing = skip_to if skip_to and tree.css_first(f'[id="{skip_to[1:]}"]') is None else ""
    return CheckedContent(tuple(content_violations(tree, site_host)), missing)


def secure_page(html: str, allowed_script_hashes: set[str], site_host: str, path: str = "") -> SecuredPage:
    """The finished page checked against the allowlist; when it passes, its outbound links
    made ``noreferrer`` and, given its ``path`` in the site, its scan recorded for the link
    check (``built_pages.record``)."""
    tree = parse_document(html)
    walked = elements(tree)
    violations = page_violations(tree, allowed_script_hashes, site_host, walked)
    if violations:
        return SecuredPage(tuple(violations), None)
    # Unchanged, the page is served as written: the browser parses it as checked above.
    changed = tree.html if add_noreferrer(tree, walked) else None
    if path:
        built_pages.record(scan_tree(path, tree, walked))
    return SecuredPage((), changed)
