"""A Python-Markdown extension that marks two things print needs to know, in Markdown's
own tree (so it runs in any Python-Markdown host, not only MkDocs):

- ``a.shows-address``: a link whose text already is its address, so print styles do not
  print the address a second time after it;
- ``abbr.abbr-first``: the first use of each abbreviation on a page, which print styles
  expand, since paper has no tooltip.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor


class PrintMarks(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        seen: set[str] = set()
        for element in root.iter():
            if element.tag == "a" and _shows_address(element):
                _add_class(element, "shows-address")
            elif element.tag == "abbr":
                title = element.get("title") or ""
                if title and title not in seen:
                    seen.add(title)
                    _add_class(element, "abbr-first")


def _shows_address(link: etree.Element) -> bool:
    href = (link.get("href") or "").strip()
    text = "".join(link.itertext()).strip()
    bare = href.split("://", 1)[-1].rstrip("/")
    return bool(text) and text.rstrip("/") in (href.rstrip("/"), bare)


def _add_class(element: etree.Element, name: str) -> None:
    classes = (element.get("class") or "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))


class PrintMarksExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # After the inline patterns (20), which make the links and abbreviations.
        md.treeprocessors.register(PrintMarks(md), "print_marks", 4)


def makeExtension(**kwargs) -> PrintMarksExtension:  # noqa: N802 - Python-Markdown's entry point
    return PrintMarksExtension(**kwargs)
