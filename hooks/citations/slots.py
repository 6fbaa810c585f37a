"""Blocks of HTML that must not pass through Markdown: the Markdown carries a placeholder
comment on its own lines, which Markdown passes through as a raw block, and the finished
HTML takes its place after conversion.

The Sources page's lists are built here as HTML from bibliography text, once every page
has been converted (they carry each page's backlinks). Had they gone through Markdown,
every character Markdown reads (``[``, ``*``, ``{``…) would need escaping. A placeholder
carries a random token, so text in a page cannot name one. Citations themselves are
elements of Markdown's tree (``citations.markdown_extension``), never placeholders.
"""

from __future__ import annotations

import re
import secrets

# Any page's placeholders; fill() keeps those whose token is not the page's own.
PLACEHOLDER = re.compile(r"<!--citations-(?P<token>[0-9a-f]+):(?P<number>\d+)-->")


class HtmlSlots:
    """Placeholders for one page, filled in one linear pass over the converted HTML."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_hex(8)
        self.pieces: list[str] = []
        self.ids: set[str] = set()

    def slot(self, html: str, ids: tuple[str, ...] = ()) -> str:
        """A placeholder for ``html``; ``ids`` are the anchors it carries."""
        number = self.reserve()
        self.fill_in(number, html, ids)
        return self.placeholder(number)

    def reserve(self) -> int:
        """A slot whose HTML comes later (``fill_in``): the Markdown can be made before it."""
        self.pieces.append("")
        return len(self.pieces) - 1

    def fill_in(self, number: int, html: str, ids=()) -> None:
        self.pieces[number] = html
        self.ids.update(ids)

    def placeholder(self, number: int) -> str:
        return f"<!--citations-{self.token}:{number}-->"

    def fill(self, html: str) -> str:
        """The converted page with each of its placeholders replaced by its HTML."""
        def piece(match: re.Match) -> str:
            html = self._piece(match)
            return match.group() if html is None else html

        return PLACEHOLDER.sub(piece, html)

    def unfilled(self, html: str) -> bool:
        return any(self._piece(match) is not None for match in PLACEHOLDER.finditer(html))

    def _piece(self, match: re.Match) -> str | None:
        number = int(match["number"])
        if match["token"] != self.token or number >= len(self.pieces):
            return None
        return self.pieces[number]
