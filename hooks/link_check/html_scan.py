"""Read built HTML pages: the anchors each page offers and the links it contains."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass(frozen=True)
class Link:
    """One link found in a built page."""

    page: str       # the page's path in the site, e.g. "values/index.html"
    url: str        # the href as written
    line: int
    text: str = ""


@dataclass
class ScannedPage:
    """Anchors (ids and <a name>) and links of one page."""

    path: str
    anchors: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ScannedPage(path)
        self._open_link: tuple[str, int] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.page.anchors.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.page.anchors.add(attributes["name"])
        if tag == "a" and attributes.get("href") is not None:
            self._open_link = (attributes["href"] or "", self.getpos()[0])
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._open_link:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open_link:
            url, line = self._open_link
            text = " ".join("".join(self._text).split())
            self.page.links.append(Link(self.page.path, url, line, text))
            self._open_link = None


def scan_html(path: str, html: str) -> ScannedPage:
    """Scan one page's HTML."""
    parser = _PageParser(path)
    parser.feed(html)
    parser.close()
    return parser.page


def scan_site(site_dir: Path) -> dict[str, ScannedPage]:
    """Scan every .html file under ``site_dir``, keyed by its site-relative path."""
    pages = {}
    for file in sorted(site_dir.rglob("*.html")):
        if not file.is_file():
            continue  # a folder named like a page, e.g. from docs/notes.html/index.md
        relative = file.relative_to(site_dir).as_posix()
        pages[relative] = scan_html(relative, file.read_text(encoding="utf-8", errors="replace"))
    return pages


def ids_in_html(html: str) -> set[str]:
    """Every id and <a name> in an HTML document (used for external pages)."""
    return scan_html("", html).anchors
