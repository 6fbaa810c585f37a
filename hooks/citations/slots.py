"""HTML that must not pass through Markdown: the Markdown carries a placeholder comment,
and the finished HTML takes its place after conversion.

Citations, reference lists and "Cite this page" are built here as HTML from
bibliography text. Had they gone through Markdown, every character Markdown reads
(``[``, ``*``, ``{``…) would need escaping, and Markdown would spend time re-reading
them. A placeholder carries a random token, so text in a page cannot name one.

Two shapes: a block (a list, a details box) is an HTML comment on its own lines, which
Markdown passes through as a raw block; an inline citation is a plain word of letters
and digits, because an HTML comment at the start of a wrapped line would end the
paragraph.
"""

from __future__ import annotations

import re
import secrets


class HtmlSlots:
    """Placeholders for one page, filled in one linear pass over the converted HTML."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_hex(8)
        self.pieces: list[str] = []
        self.ids: set[str] = set()
        self._pattern = re.compile(rf"<!--citations-{self.token}:(\d+)-->|citation{self.token}n(\d+)z")

    def slot(self, html: str, ids: tuple[str, ...] = (), inline: bool = False) -> str:
        """A placeholder for ``html``; ``ids`` are the anchors it carries."""
        self.pieces.append(html)
        self.ids.update(ids)
        number = len(self.pieces) - 1
        return f"citation{self.token}n{number}z" if inline else f"<!--citations-{self.token}:{number}-->"

    def fill(self, html: str) -> str:
        """The converted page with every placeholder replaced by its HTML."""
        return self._pattern.sub(lambda match: self.pieces[int(match.group(1) or match.group(2))], html)

    def unfilled(self, html: str) -> bool:
        return bool(self._pattern.search(html))
