"""The check of every finished page, a plain function of strings: it parses the HTML
once and returns what it found, so it runs the same in this process or in a worker
process beside the build (``worker_process``).

- ``secure_page``: the finished page, parsed whole: refuse what is not allowed (outside
  the content, anything the theme did not write; inside, anything the content allowlist
  does not list), add ``noreferrer`` to
  outbound links and scan its anchors and links for the link check, from one parse.
  The scan goes to ``built_pages`` in the process that runs the check (its one side
  effect), where the page's links are checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import built_pages
from html_elements import elements
from link_check.html_scan import scan_tree
from survivor_safety.html_rules import Violation, page_violations, parse_document
from survivor_safety.links import add_noreferrer
from survivor_safety.page_shape import compare


@dataclass(frozen=True)
class SecuredPage:
    violations: tuple[Violation, ...]
    html: str | None  # the page with ``noreferrer`` added; None when nothing changed


def secure_page(html: str, allowed_script_hashes: set[str], site_host: str, path: str = "",
                shape_probe: str = "", skip_to: str = "", allowed_scripts: frozenset[str] = frozenset()) -> SecuredPage:
    """The finished page checked against the allowlists, parsed whole as the browser
    parses it: given the theme's ``shape_probe`` rendering of it, everything outside the
    content must be the probe's and the content must pass the content allowlist
    (``page_shape``); the content note's ``skip_to`` must be an id on the page. When it
    passes, its outbound links are made ``noreferrer`` and, given its ``path`` in the
    site, its scan is recorded for the link check (``built_pages.record``)."""
    tree = parse_document(html)
    violations: list[Violation] = []
    if shape_probe:
        violations += compare(tree, parse_document(shape_probe), site_host)
    walked = elements(tree)
    violations += page_violations(tree, allowed_script_hashes, site_host, walked, path, allowed_scripts)
    if skip_to and tree.css_first(f'[id="{skip_to[1:]}"]') is None:
        violations.append(Violation(f"'content_note.skip_to: {skip_to}' is not an id on this page",
                                    "use the id of a heading below the note (hover the heading and copy its ¶ link)",
                                    "skip_to"))
    if violations:
        return SecuredPage(tuple(violations), None)
    # Unchanged, the page is served as written: the browser parses it as checked above.
    changed = tree.html if add_noreferrer(tree, walked) else None
    if path:
        built_pages.record(scan_tree(path, tree, walked))
    return SecuredPage((), changed)
