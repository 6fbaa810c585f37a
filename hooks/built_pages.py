"""The finished pages of one build, each scanned once from the single parse that the
safety pass makes of it (``hooks/mkdocs_safety.py``, ``on_post_page``).

The link check reads them here instead of parsing every file again. Plain Python, no
MkDocs import; the links hook clears it at the start of each build, because
`mkdocs serve` keeps hook modules loaded.
"""

from __future__ import annotations

from link_check.html_scan import ScannedPage

_scanned: dict[str, ScannedPage] = {}


def clear() -> None:
    _scanned.clear()


def record(page: ScannedPage) -> None:
    """Keep the scan of one finished page, keyed by its path in the site."""
    _scanned[page.path] = page


def scanned() -> dict[str, ScannedPage]:
    return dict(_scanned)
