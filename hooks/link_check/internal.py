"""Internal links on the final HTML: pages, files, anchors, mailto: and tel:.

MkDocs' own ``validation:`` reads Markdown. This reads what readers get, so it also
sees links in raw HTML, theme templates, generated pages and anchors added by hooks,
and every URL a page loads (images, scripts, stylesheets, media), not only ``<a href>``.

Fragments follow the HTML standard's "find a potential indicated element": the raw
fragment is tried first, then its percent-decoded form; ``#top`` (any case) and an
empty fragment mean the top of the document; a text directive (``:~:text=…``) is not
part of the id.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from link_check.html_scan import Link, ScannedPage, line_in_html

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
PHONE = re.compile(r"^\+?[0-9][0-9().\- ]{2,30}$")
# Schemes a reader's browser opens elsewhere; never fetched, checked for syntax only or ignored.
IGNORED_SCHEMES = {"data", "sms", "geo"}
FORBIDDEN_SCHEMES = {"javascript", "file", "vbscript"}
CLIMBS = re.compile(r"(?:\.\./)*")  # the "../" a relative link starts with
URL_DROPPED = frozenset("\t\r\n")  # urlsplit removes these anywhere (the URL standard does too)


@dataclass(frozen=True)
class InternalProblem:
    """A broken internal link: page, link, what is wrong and how to fix it."""

    page: str
    line: int
    url: str
    problem: str
    fix: str
    target: str = ""      # the site file the link resolves to, when it resolves
    fragment: str = ""

    kind: str = "link"    # "link", or the element and attribute, e.g. "img src"

    def __str__(self) -> str:
        where = f"{self.page}:{self.line}" if self.line else self.page
        return f"{where}: {self.kind} '{self.url}': {self.problem} — {self.fix}"


def indicated_anchor(fragment: str, anchors: set[str]) -> bool:
    """Whether ``fragment`` (without '#') names a place in a page with ``anchors``."""
    fragment = fragment.split(":~:", 1)[0]  # text fragment directives are not ids
    if fragment == "" or fragment.lower() == "top":
        return True
    return fragment in anchors or unquote(fragment) in anchors


def site_base_path(site_url: str | None) -> str:
    """The path the site is served under, from ``site_url`` ("/" when it has none)."""
    return urlsplit(site_url or "").path or "/"


def is_external(url: str) -> bool:
    """An http(s) URL on another host (or protocol-relative): checked over the network."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False  # malformed: check_link reports it
    return parts.scheme in ("http", "https") or (not parts.scheme and url.startswith("//"))


def check_internal(pages: dict[str, ScannedPage], site_dir: Path, base_path: str = "/") -> list[InternalProblem]:
    """Every problem with links that stay inside the site, in page order.

    ``base_path`` is the path the site is served under (from ``site_url``), which
    root-relative links such as Material's 404 page use.
    """
    problems = []
    files = SiteFiles(site_dir)
    fine: set[tuple[str, str]] = set()
    for page in pages.values():
        folders = _folders_up(page.path)
        for link in page.links:
            key = _same_target_key(link, folders)
            if key is not None and key in fine:
                continue
            problem = check_link(link, pages, site_dir, base_path, files)
            if problem:
                problems.append(_with_line(problem, site_dir))
            elif key is not None:
                fine.add(key)
    return problems


class PageByPageCheck:
    """``check_internal`` as the pages are built, so that most of it runs while MkDocs
    renders the next page (in the worker process, see ``built_pages``).

    A link is settled when its page arrives if it is fine already: its target is a page
    that has arrived, with the anchor, or a file in the site that is not HTML (MkDocs
    copies those before it builds any page). Every other link waits for ``finish``,
    which checks it against the whole site as ``check_internal`` does; the problems,
    and their order, are the same (tested).
    """

    def __init__(self, site_dir: Path, base_path: str = "/") -> None:
        self.site_dir, self.base_path = site_dir, base_path
        self.pages: dict[str, ScannedPage] = {}
        self._fine: set[tuple[str, str]] = set()
        # Links not settled on arrival: those sharing a key (every page's navigation links
        # to the pages still to come) under it, in arrival order; the rest on their own.
        # Each is (page, index of the link on its page, link).
        self._waiting_by_key: dict[tuple[str, str], list[tuple[str, int, Link]]] = {}
        self._waiting: list[tuple[str, int, Link]] = []
        self._files_before_pages: SiteFiles | None = None

    def add(self, page: ScannedPage) -> None:
        """Check the links of one built page that can be settled now."""
        if self._files_before_pages is None:
            self._files_before_pages = SiteFiles(self.site_dir, html=False)
        self.pages[page.path] = page
        folders = _folders_up(page.path)
        waiting_by_key = self._waiting_by_key
        for index, link in enumerate(page.links):
            key = _same_target_key(link, folders)
            if key is not None:
                if key in self._fine:
                    continue
                if key in waiting_by_key:
                    waiting_by_key[key].append((page.path, index, link))
                    continue
            if check_link(link, self.pages, self.site_dir, self.base_path, self._files_before_pages) is None:
                if key is not None:
                    self._fine.add(key)
            elif key is not None:
                waiting_by_key[key] = [(page.path, index, link)]
            else:
                self._waiting.append((page.path, index, link))

    def finish(self, more_pages: dict[str, ScannedPage] | None = None) -> list[InternalProblem]:
        """The problems of every link not settled yet, in page order; ``more_pages``:
        pages that did not arrive one by one (written by another plugin, say)."""
        more_pages = {path: page for path, page in (more_pages or {}).items() if path not in self.pages}
        self.pages.update(more_pages)
        for path, page in more_pages.items():
            folders = _folders_up(path)
            for index, link in enumerate(page.links):
                key = _same_target_key(link, folders)
                if key is None:
                    self._waiting.append((path, index, link))
                elif key not in self._fine:
                    self._waiting_by_key.setdefault(key, []).append((path, index, link))
        files = SiteFiles(self.site_dir)
        # One link answers for all that share its key when it is fine (as in
        # check_internal); when it is not, each is checked, to report it where it is.
        unsettled = list(self._waiting)
        for group in self._waiting_by_key.values():
            if check_link(group[0][2], self.pages, self.site_dir, self.base_path, files) is not None:
                unsettled += group
        unsettled.sort(key=lambda item: (item[0], item[1]))
        problems = []
        for _, _, link in unsettled:
            problem = check_link(link, self.pages, self.site_dir, self.base_path, files)
            if problem:
                problems.append(_with_line(problem, self.site_dir))
        return problems


def _folders_up(page: str) -> list[str]:
    """The page's folder and each folder above it, up to the site's root ("")."""
    folders = [posixpath.dirname(page)]
    while folders[-1]:
        folders.append(posixpath.dirname(folders[-1]))
    return folders


def _same_target_key(link: Link, folders: list[str]) -> tuple[str, str] | None:
    """A key shared by links that must reach the same place: Material's navigation puts
    the same relative links on every page, and "../x/" means the same from every page
    of one folder's subfolders. So the key is the folder the link climbs to, plus the
    rest of the link. None for links this shortcut does not cover (a <base>, a scheme,
    a root-relative or protocol-relative address). ``folders``: ``_folders_up(link.page)``."""
    url = link.url
    # (every link of every page comes here: the tests are the cheapest spelling of
    # "no scheme, not root-relative, no surrounding whitespace")
    if link.base or ":" in url or url[:1] == "/" or url[:1].isspace() or url[-1:].isspace():
        return None
    climbs = CLIMBS.match(url).end() // 3  # type: ignore[union-attr]  # (matches the empty string)
    if climbs >= len(folders):
        return None  # climbs out of the site: let check_link report it
    return folders[climbs], url[3 * climbs:]


def _with_line(problem: InternalProblem, site_dir: Path) -> InternalProblem:
    """The problem with the line of the built page where its URL is written (looked up
    only for problems: most pages have none)."""
    if problem.line:
        return problem
    try:
        html = (site_dir / problem.page).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return problem
    return replace(problem, line=line_in_html(html, problem.url))


class SiteFiles:
    """Every file and folder of the built site, listed once: a link check is then a set
    lookup, not a filesystem call (Material's navigation puts every page on every page)."""

    def __init__(self, site_dir: Path, html: bool = True) -> None:
        """``html=False``: leave out .html files (pages being built may be stand-ins)."""
        self.files: set[str] = set()
        self.folders: set[str] = set()
        for folder, subfolders, names in os.walk(site_dir):
            relative = Path(folder).relative_to(site_dir).as_posix()
            prefix = "" if relative == "." else relative + "/"
            self.folders.update(prefix + name for name in subfolders)
            self.files.update(prefix + name for name in names if html or not name.endswith(".html"))

    def is_file(self, path: str) -> bool:
        return path in self.files

    def is_dir(self, path: str) -> bool:
        return path in self.folders


def check_link(link: Link, pages: dict[str, ScannedPage], site_dir: Path, base_path: str = "/",
               files: SiteFiles | None = None) -> InternalProblem | None:
    """Check one link; ``None`` when it is fine or not internal."""
    files = files or SiteFiles(site_dir)
    url = link.url.strip()
    if url[:1] == "#" and not link.base and link.page in pages and not URL_DROPPED.intersection(url):
        # A place on this page (tables of contents, permalinks, citations: most links no
        # other page shares). urlsplit would give the same fragment: all after the "#".
        fragment = url[1:]
        return None if indicated_anchor(fragment, pages[link.page].anchors) else _no_anchor(link, link.page, fragment)
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return _problem(link, f"not a valid URL ({error})", "fix the address: check its brackets and host name")
    scheme = parts.scheme.lower()
    if is_external(url) or scheme in IGNORED_SCHEMES:
        return None
    if scheme == "mailto":
        return _check_mailto(link, parts.path)
    if scheme == "tel":
        return _check_tel(link, parts.path)
    if scheme in FORBIDDEN_SCHEMES:
        return _problem(link, f"'{scheme}:' links are not allowed", "link to a page of the site or an https address")
    if scheme:
        return _problem(link, f"unknown link scheme '{scheme}:'", "use a relative link, https://, mailto: or tel:")
    if not url:
        return _problem(link, "empty link", "give the link a target, or remove it")
    if url.startswith("/"):
        # Root-relative ("/x/"): resolved from where the site is served (Material's 404 page uses these).
        base = base_path if base_path.endswith("/") else base_path + "/"
        if not (parts.path + "/").startswith(base):
            return _problem(link, f"points outside the site (it is served under '{base}')",
                            "use a relative link to a page of the site")
        target = _resolve("", parts.path[len(base):] or ".")
    elif link.base and not link.base.endswith("/") and "://" in link.base:
        return None  # <base href> on another site: every relative link leaves this one
    elif link.base:
        target = _resolve(posixpath.join(link.base, "x"), parts.path) if parts.path else link.page
    else:
        target = _resolve(link.page, parts.path)
    if target is None:
        return _problem(link, "points outside the site", "link to a file inside docs/, or use its https address")
    if files.is_dir(target) and files.is_file(posixpath.join(target, "index.html")):
        target = posixpath.join(target, "index.html")
    if target not in pages and not files.is_file(target):
        return _problem(link, f"no file '{target}' in the built site", "fix the path, or add the page or file")
    if parts.fragment and target in pages and not indicated_anchor(parts.fragment, pages[target].anchors):
        return _no_anchor(link, target, parts.fragment)
    return None


def _no_anchor(link: Link, target: str, fragment: str) -> InternalProblem:
    anchor = unquote(fragment.split(":~:", 1)[0])
    return InternalProblem(link.page, link.line, link.url, f"'{target}' has no anchor '#{anchor}'",
                           "use an id that exists on that page (see its headings' permalinks)", target, anchor,
                           _kind(link))


def _resolve(page: str, path: str) -> str | None:
    """The site-relative file a relative link from ``page`` reaches, or None if it escapes."""
    base = posixpath.dirname(page)
    if not path:
        return page
    joined = posixpath.normpath(posixpath.join(base, unquote(path)))
    if joined == ".." or joined.startswith("../"):
        return None
    if path.endswith("/") or joined == ".":
        joined = posixpath.join("" if joined == "." else joined, "index.html")
    return joined


def _check_mailto(link: Link, address_part: str) -> InternalProblem | None:
    addresses = [unquote(a).strip() for a in address_part.split(",") if a.strip()]
    if not addresses:
        return _problem(link, "mailto: without an address", "write mailto:name@example.org")
    for address in addresses:
        if not EMAIL.match(address):
            return _problem(link, f"'{address}' is not an e-mail address", "check the address after mailto:")
    return None


def _check_tel(link: Link, number: str) -> InternalProblem | None:
    number = unquote(number).strip()
    if not PHONE.match(number) or sum(ch.isdigit() for ch in number) < 3:
        return _problem(link, f"'{number}' is not a phone number",
                        "write tel: followed by the number, e.g. tel:+1-555-0100")
    return None


def _problem(link: Link, problem: str, fix: str) -> InternalProblem:
    return InternalProblem(link.page, link.line, link.url, problem, fix, kind=_kind(link))


def _kind(link: Link) -> str:
    return "link" if link.attribute in ("a href", "area href") else link.attribute
