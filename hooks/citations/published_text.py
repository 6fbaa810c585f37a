"""Checks on what a page says about citations before and after Markdown has read it.

- ``near_misses``: bracketed text that a contributor surely meant as a citation but that
  Pandoc's grammar reads as text: ``[@]``, ``[@ key]``, ``[-@]``, or ``[@key`` with no
  cluster (an unclosed bracket, say), where the citation scanner reads text (never in
  code, a tag's attributes or a link's target or title). Each is a warning naming the fix.
- ``raw_citations``: the invariant after rendering. No citation of a known key may be
  left as text outside code anywhere in the finished page (text, headings, tables,
  lists, footnotes, and images' ``alt`` text, where Pandoc also reads citations; never
  in a ``title``, which Pandoc reads as a plain string). One would mean Markdown did not
  read that text as Markdown (a raw HTML block, say), and the citation would be
  published raw.

Plain Python, no MkDocs import.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html import unescape

from selectolax.lexbor import LexborHTMLParser

from citations.syntax import find_citations, mask_code

# "[@" or "[-@" and what follows, up to the end of the would-be key.
BRACKET_AT = re.compile(r"\[-?@(?P<key>\{[^}\s]*\}?|[^\s\]\[;,]*)")
# "@" and the key-like text after it, for a first pass over the page's HTML.
AT_KEY = re.compile(r"@\{?(?P<key>[^\s\]\[;,{}]+)")
CODE_ELEMENTS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})
TEXT_ATTRIBUTES = ("alt",)


@dataclass(frozen=True)
class NearMiss:
    line: int
    text: str
    fix: str

    def message(self, shown_file: str) -> str:
        return f"{shown_file}:{self.line}: '{self.text}' is not a citation (Pandoc reads it as text) — {self.fix}"


def near_misses(markdown: str, strays: list[int]) -> list[NearMiss]:
    """Each stray ``[@`` (``find_citations(..., strays=...)``: in text, starting no
    citation) with its line and fix."""
    found = []
    for position in strays:
        match = BRACKET_AT.match(markdown, position)
        line_end = markdown.find("\n", position)
        close = markdown.find("]", position, min(len(markdown) if line_end < 0 else line_end, position + 80))
        shown = markdown[position:close + 1 if close >= 0 else match.end()]
        if match["key"] in ("", "{}", "{"):
            fix = "put the key right after @, with no space: [@key]; to show an @, write \\@"
        else:
            fix = "close the bracket after the key: [@key] or [@key, p. 3]; to show an @, write \\@"
        found.append(NearMiss(markdown.count("\n", 0, position) + 1, shown.strip(), fix))
    return found


def unescaped_raw_citations(html: str, markdown: str, known_keys) -> list[str]:
    """``raw_citations`` less those the page keeps literal on purpose: an ``@`` written
    ``\\@`` cites nothing, as in Pandoc (``\\@key``, ``[\\@key]``), and an image's
    description keeps the text of its code and comments (Markdown makes ``alt`` plain
    text). Each such spelling in the page allows one."""
    kept: Counter[str] = Counter()
    found = []
    masked = None
    for text, in_alt in _raw_citations(html, known_keys):
        allowed = _escaped_spellings(text, markdown)
        if in_alt:
            masked = mask_code(markdown) if masked is None else masked
            allowed += markdown.count(text) - masked.count(text)  # written in code or a comment
        if kept[text] < allowed:
            kept[text] += 1
            continue
        found.append(text)
    return found


def _escaped_spellings(text: str, markdown: str) -> int:
    """How often ``text`` is written in ``markdown`` with at least one of its @ escaped."""
    spelling = re.compile(re.escape(text).replace("@", r"(\\?)@"))
    return sum(1 for match in spelling.finditer(markdown) if any(match.groups()))


def raw_citations(html: str, known_keys) -> list[str]:
    """The text of every citation of a known key left as text outside code in ``html``."""
    return [text for text, _ in _raw_citations(html, known_keys)]


def _raw_citations(html: str, known_keys) -> list[tuple[str, bool]]:
    """Each raw citation's text, and whether it is in an image's ``alt``."""
    if not any(_known_at(match, known_keys) for match in AT_KEY.finditer(unescape(html))):
        return []  # no "@" before a known key anywhere in the page: nothing to look for
    tree = LexborHTMLParser(html)
    if tree.body is None:
        return []
    found: list[tuple[str, bool]] = []

    def check(text: str, in_alt: bool) -> None:
        if "@" in text:
            found.extend((cluster.text, in_alt) for cluster in find_citations(text, known_keys, code=False)
                         if any(key in known_keys for key in cluster.keys))

    for node in tree.body.traverse(include_text=True):
        if node.tag == "-text":
            if not _in_code(node) and not _is_autolink_text(node):
                check(node.text_content or "", in_alt=False)
            continue
        for name in TEXT_ATTRIBUTES:
            value = node.attributes.get(name)
            if value:
                check(value, in_alt=True)
    return found


def _known_at(match: re.Match, known_keys) -> bool:
    """Whether the text after an "@" starts with a known key (Pandoc's keys may end in
    punctuation that also ends a sentence, so each shorter prefix is tried too)."""
    key = match["key"]
    return any(key[:end] in known_keys for end in range(len(key), 0, -1)
               if end == len(key) or not key[end].isalnum())


def _is_autolink_text(node) -> bool:
    """The text of a link that shows its own address (``<https://…/@name>``): an address,
    never a citation, in Pandoc as in Python-Markdown."""
    parent = node.parent
    if parent is None or parent.tag != "a":
        return False
    text, href = (node.text_content or "").strip(), parent.attributes.get("href") or ""
    return bool(text) and href in (text, f"mailto:{text}")


def _in_code(node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in CODE_ELEMENTS:
            return True
        parent = parent.parent
    return False
