"""Checks on what a page says about citations before and after Markdown has read it.

- ``near_misses``: bracketed text that a contributor surely meant as a citation but that
  Pandoc's grammar reads as text: ``[@]``, ``[@ key]``, ``[-@]``, or ``[@key`` with no
  cluster (an unclosed bracket, say). Each is a warning naming the fix.
- ``raw_citations``: the invariant after rendering. No citation of a known key may be
  left as text outside code anywhere in the finished page (text, headings, tables,
  lists, footnotes, and the ``alt``, ``title`` and ``aria-label`` attributes). One would
  mean the scanner and Markdown disagreed about what is code (a fence line Markdown does
  not read as a fence, say), and the citation would be published raw.

Plain Python, no MkDocs import.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from citations.syntax import Cluster, find_citations, mask_code

# "[@" or "[-@" and what follows, up to the end of the would-be key.
BRACKET_AT = re.compile(r"(?<!\\)\[-?@(?P<key>\{[^}\s]*\}?|[^\s\]\[;,]*)")
CODE_ELEMENTS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})
TEXT_ATTRIBUTES = ("alt", "title", "aria-label")


@dataclass(frozen=True)
class NearMiss:
    line: int
    text: str
    fix: str

    def message(self, shown_file: str) -> str:
        return f"{shown_file}:{self.line}: '{self.text}' is not a citation (Pandoc reads it as text) — {self.fix}"


def near_misses(markdown: str, clusters: list[Cluster]) -> list[NearMiss]:
    """Every ``[@`` that starts no citation, outside code, with its line and fix."""
    masked = mask_code(markdown)
    inside = [(cluster.start, cluster.end) for cluster in clusters]
    found = []
    for match in BRACKET_AT.finditer(masked):
        if any(start <= match.start() < end for start, end in inside):
            continue
        line_end = masked.find("\n", match.start())
        line_end = len(markdown) if line_end < 0 else line_end
        close = masked.find("]", match.start(), min(line_end, match.start() + 80))
        shown = markdown[match.start():close + 1 if close >= 0 else match.end()]
        if match["key"] in ("", "{}", "{"):
            fix = "put the key right after @, with no space: [@key]; to show an @, write \\@"
        else:
            fix = "close the bracket after the key: [@key] or [@key, p. 3]; to show an @, write \\@"
        found.append(NearMiss(markdown.count("\n", 0, match.start()) + 1, shown.strip(), fix))
    return found


def unescaped_raw_citations(html: str, markdown: str, known_keys) -> list[str]:
    """``raw_citations`` less those the page keeps literal on purpose: ``\\@key`` is
    Pandoc's way to write an @ that cites nothing (each such spelling allows one)."""
    kept: Counter[str] = Counter()
    found = []
    for text in raw_citations(html, known_keys):
        if not text.startswith("[") and kept[text] < markdown.count("\\" + text):
            kept[text] += 1
            continue
        found.append(text)
    return found


def raw_citations(html: str, known_keys) -> list[str]:
    """The text of every citation of a known key left as text outside code in ``html``."""
    tree = LexborHTMLParser(html)
    if tree.body is None:
        return []
    found: list[str] = []

    def check(text: str) -> None:
        if "@" in text:
            found.extend(cluster.text for cluster in find_citations(text, known_keys, code=False)
                         if any(key in known_keys for key in cluster.keys))

    for node in tree.body.traverse(include_text=True):
        if node.tag == "-text":
            if not _in_code(node):
                check(node.text_content or "")
            continue
        for name in TEXT_ATTRIBUTES:
            value = node.attributes.get(name)
            if value:
                check(value)
    return found


def _in_code(node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in CODE_ELEMENTS:
            return True
        parent = parent.parent
    return False
