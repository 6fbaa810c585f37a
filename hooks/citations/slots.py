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

Markdown puts a heading's text into attributes too (its id, the permalink's href) and an
image's alt text into ``alt``. There a placeholder takes the piece's text form: plain
text, escaped, and in an id or a fragment the slug of that text, as the table of
contents made the rest of the id. Markup never lands inside a tag.
"""

from __future__ import annotations

import re
import secrets
from html import escape

from markdown.extensions.toc import slugify


# Any page's placeholders; fill() keeps those whose token is not the page's own (one
# pattern for every page: compiling one per page cost more than filling it).
PLACEHOLDER = re.compile(r"<!--citations-(?P<block>[0-9a-f]+):(?P<b>\d+)-->|citation(?P<inline>[0-9a-f]+)n(?P<i>\d+)z")
# A start tag holding an inline placeholder, and each attribute value in it.
TAG_WITH_PLACEHOLDER = re.compile(r"<[A-Za-z][^<>]*citation[0-9a-f]+n\d+z[^<>]*>")
ATTRIBUTE = re.compile(r'(?P<name>[A-Za-z_:][-\w:.]*)="(?P<value>[^"]*)"')
# A tag (a placeholder in its attributes is inside it), or an inline placeholder in text.
TAG_OR_INLINE_PLACEHOLDER = re.compile(r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>"
                                       r"|citation(?P<inline>[0-9a-f]+)n(?P<i>\d+)z")
# Attributes that name an anchor: they take the slug of the text.
ANCHOR_ATTRIBUTES = frozenset({"id", "href", "for", "name"})


class HtmlSlots:
    """Placeholders for one page, filled in one linear pass over the converted HTML."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_hex(8)
        self.pieces: list[str] = []
        self.ids: set[str] = set()
        self.unsearched: set[int] = set()  # pieces search skips, filled after it reads the page
        self.inline: set[int] = set()      # pieces inside a paragraph (a word, not a comment)
        self.search_forms: dict[int, str] = {}  # what search reads of a piece, when lighter than its HTML
        self.text_forms: dict[int, str] = {}    # a piece as plain text, for attributes and the toc

    def slot(self, html: str, ids: tuple[str, ...] = (), inline: bool = False, searched: bool = True) -> str:
        """A placeholder for ``html``; ``ids`` are the anchors it carries. ``searched=False``:
        a block the search index excludes (``data-search-exclude``), which ``fill`` can
        leave in place until the search plugin has read the page."""
        number = self.reserve(inline, searched)
        self.fill_in(number, html, ids)
        return self.placeholder(number)

    def reserve(self, inline: bool = False, searched: bool = True) -> int:
        """A slot whose HTML comes later (``fill_in``): the Markdown can be made before it."""
        self.pieces.append("")
        number = len(self.pieces) - 1
        if inline:
            self.inline.add(number)
        if not searched:
            self.unsearched.add(number)
        return number

    def fill_in(self, number: int, html: str, ids=(), search_form: str | None = None,
                text_form: str | None = None) -> None:
        """``search_form``: the piece as the search index reads it (the same text and the
        formatting search keeps, without the tags it skips), given to search instead.
        ``text_form``: the piece as plain text, where it lands in an attribute."""
        self.pieces[number] = html
        self.ids.update(ids)
        if search_form is not None:
            self.search_forms[number] = search_form
        if text_form is not None:
            self.text_forms[number] = text_form

    def text(self, value: str, anchor: bool = False) -> str:
        """``value`` (plain text, such as a toc entry's title or id) with each of this
        page's inline placeholders as its text form; ``anchor``: as the slug of it."""
        def piece(match: re.Match) -> str:
            if match["inline"] != self.token or int(match["i"]) >= len(self.pieces):
                return match.group()
            text = self.text_forms.get(int(match["i"]), "")
            return slugify(text, "-") if anchor else text

        return PLACEHOLDER.sub(piece, value)

    def placeholder(self, number: int) -> str:
        return f"citation{self.token}n{number}z" if number in self.inline else f"<!--citations-{self.token}:{number}-->"

    def fill(self, html: str, for_search: bool = False) -> str:
        """The converted page with every placeholder replaced by its HTML. ``for_search``:
        the page as the search index should read it: pieces in their search form, the
        unsearched blocks still placeholders (search skips comments)."""
        def piece(match: re.Match) -> str:
            html = self._piece(match, for_search)
            return match.group() if html is None else html

        return PLACEHOLDER.sub(piece, TAG_WITH_PLACEHOLDER.sub(self._in_tag, html))

    def _in_tag(self, tag: re.Match) -> str:
        """A start tag with this page's placeholders as text in its attribute values."""
        def attribute(match: re.Match) -> str:
            anchor = match["name"].lower() in ANCHOR_ATTRIBUTES
            # The value is already escaped HTML: the text goes in escaped.
            value = PLACEHOLDER.sub(lambda found: escape(self.text(found.group(), anchor)), match["value"])
            return f'{match["name"]}="{value}"'

        return ATTRIBUTE.sub(attribute, tag.group())

    def inline_in_text(self, html: str) -> set[int]:
        """The inline placeholders of this page that stand in its text: not only inside a
        tag, and not in a link's text, where a citation's own link cannot go (a link in a
        link is cut in two by the browser's parser)."""
        found, links_open = set(), 0
        for match in TAG_OR_INLINE_PLACEHOLDER.finditer(html):
            if match["name"]:
                if match["name"].lower() == "a":
                    links_open = max(0, links_open - 1) if match["close"] else links_open + 1
            elif match["inline"] == self.token and not links_open:
                found.add(int(match["i"]))
        return found

    def unfilled(self, html: str) -> bool:
        return any(self._piece(match) is not None for match in PLACEHOLDER.finditer(html))

    def _piece(self, match: re.Match, for_search: bool = False) -> str | None:
        if self.token not in (match["block"], match["inline"]):
            return None
        number = int(match["b"] or match["i"])
        if number >= len(self.pieces):
            return None
        if for_search:
            return None if number in self.unsearched else self.search_forms.get(number, self.pieces[number])
        return self.pieces[number]
