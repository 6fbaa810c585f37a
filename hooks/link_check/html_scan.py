"""Read built HTML pages as a browser does: the anchors each page offers and every URL
it links to or loads.

Parsed with lexbor (selectolax), a WHATWG-conformant HTML5 parser, so an ``<a>`` that is
never closed still links, the first of duplicated attributes wins, character
references are decoded and an ``<a>`` inside ``<textarea>`` is only text. Relative
URLs resolve against the document's ``<base href>`` when it has one.
"""

from __future__ import annotations

import posixpath
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from html_elements import Element, elements
from selectolax.lexbor import LexborHTMLParser

# Every attribute through which a page links to, or loads, another resource.
URL_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "script": ("src",), "iframe": ("src",), "frame": ("src",), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "embed": ("src",), "object": ("data",), "input": ("src",), "blockquote": ("cite",),
    "q": ("cite",), "ins": ("cite",), "del": ("cite",),
}
# <link rel> values that name another document rather than a resource of this one.
NOT_CHECKED_LINK_RELS = {"canonical", "alternate", "preconnect", "dns-prefetch"}
BASE_PLACEHOLDER = "http://site.invalid/"


class Link(NamedTuple):
    """One URL found in a built page (a tuple: a page holds every navigation link)."""

    page: str       # the page's path in the site, e.g. "values/index.html"
    url: str        # the attribute value as written (entities decoded)
    line: int = 0   # filled in only for a link with a problem (see line_in_html)
    text: str = ""
    attribute: str = "href"   # e.g. "img src", "a href"
    base: str = ""  # the document's <base href> when it has one, resolved against the page


@dataclass
class ScannedPage:
    """Anchors (ids and <a name>) and links of one page."""

    path: str
    anchors: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)


def scan_tree(path: str, tree: LexborHTMLParser, walked: list[Element] | None = None) -> ScannedPage:
    """Scan one parsed page (the parse, and ``walked``, its ``html_elements.elements``,
    are shared with the other post-build checks).

    Links carry no line: finding one costs a search per link, so it is looked up only
    for the few links that have a problem (``line_in_html``).
    """
    page = ScannedPage(path)
    if tree.root is None:
        return page
    base = _document_base(path, tree)
    anchors, links = page.anchors, page.links
    for node, tag, attributes in elements(tree) if walked is None else walked:
        if not attributes:
            continue
        element_id = attributes.get("id")
        if element_id:
            anchors.add(element_id)
        checked = URL_ATTRIBUTES.get(tag)
        if checked is None:
            continue
        if tag == "a" and attributes.get("name"):
            anchors.add(attributes["name"])
        for attribute in checked:
            value = attributes.get(attribute)
            if value is None or (tag == "link" and _not_checked_link(attributes.get("rel"))):
                continue
            # The link text is for reports on outside links; reading it for every
            # navigation link would be most of the scan's cost.
            text = " ".join(node.text(deep=True).split()) if tag == "a" and "//" in value else ""
            if attribute == "srcset":
                links += [Link(path, url, 0, text, f"{tag} {attribute}", base) for url in srcset_urls(value)]
            else:
                links.append(Link(path, value, 0, text, f"{tag} {attribute}", base))
    return page


def scan_html(path: str, html: str) -> ScannedPage:
    """Scan one page's HTML."""
    return scan_tree(path, LexborHTMLParser(html))


def scan_site(site_dir: Path, skip: Container[str] = ()) -> dict[str, ScannedPage]:
    """Scan every .html file under ``site_dir`` (files only), keyed by its site-relative
    path; ``skip``: paths already scanned."""
    pages = {}
    for file in sorted(site_dir.rglob("*.html")):
        relative = file.relative_to(site_dir).as_posix()
        if relative in skip or not file.is_file():
            continue  # scanned already, or a folder named like a page (docs/notes.html/index.md)
        pages[relative] = scan_html(relative, file.read_text(encoding="utf-8", errors="replace"))
    return pages


def ids_in_html(html: str) -> set[str]:
    """Every id and <a name> in an HTML document (used for external pages)."""
    return scan_html("", html).anchors


def line_in_html(html: str, value: str) -> int:
    """The first line of ``html`` where an attribute value is written; 0 when it is not
    found as written (character references, for instance)."""
    position = html.find(value) if value else -1
    return html.count("\n", 0, position) + 1 if position >= 0 else 0


def _document_base(path: str, tree: LexborHTMLParser) -> str:
    """The first <base href>, resolved against the page (HTML: "the frozen base URL"):
    a site-relative folder such as "docs/", an absolute URL, or "" when there is none."""
    for node in tree.css("base[href]"):
        href = (node.attributes.get("href") or "").strip()
        page_url = BASE_PLACEHOLDER + path
        try:
            resolved = urljoin(page_url, href)
            parts = urlsplit(resolved)
        except ValueError:
            return ""
        if resolved.startswith(BASE_PLACEHOLDER):
            folder = posixpath.dirname(parts.path.lstrip("/") + "x")
            return folder + "/" if folder else "./"
        return resolved
    return ""


def _not_checked_link(rel: str | None) -> bool:
    return bool(set((rel or "").lower().split()) & NOT_CHECKED_LINK_RELS)


def srcset_urls(value: str) -> list[str]:
    """The URL of each candidate in a srcset ("a.png 1x, b.png 2x")."""
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
