"""Broken links reported in the terms of the Markdown a contributor wrote.

MkDocs checks the links written in Markdown while it renders each page, and says so in
its own words ("Doc file 'x.md' contains a link …"), with no line and, mostly, no fix.
The links hook catches those messages before they are printed, reads each back into a
``WrittenLink`` here, and reports it as every other check does:

    docs/values.md:12: link 'framwork.md': no page or file 'framwork.md' in docs/ — did you mean 'framework.md'?

with the nearest page, file or anchor as the suggestion. Plain Python: no MkDocs import.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import unquote, urlsplit

# MkDocs 1.6's link messages (mkdocs/structure/pages.py), each read into a WrittenLink kind.
_DOC_FILE = r"^Doc file '(?P<source>.+?)' contains "
MKDOCS_MESSAGES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("missing", re.compile(_DOC_FILE + r"a link '(?P<link>.+?)', but the target(?: '.+?')? is not found "
                           r"among documentation files\.")),
    ("anchor", re.compile(_DOC_FILE + r"a link '(?P<link>.+?)', but the doc '(?P<target>.+?)' does not "
                          r"contain an anchor '#(?P<fragment>.*?)'\.")),
    ("anchor", re.compile(_DOC_FILE + r"a link '(?P<link>.+?)', but there is no such anchor on this page\."
                          r"(?P<footnote> This seems to be a footnote)?")),
    ("unrecognized", re.compile(_DOC_FILE + r"an unrecognized relative link '(?P<link>.+?)', it was left as is\.")),
    ("absolute", re.compile(_DOC_FILE + r"an absolute link '(?P<link>.+?)', it was left as is\.")),
    ("excluded", re.compile(_DOC_FILE + r"a link to '(?P<target>.+?)' which is excluded from the built site\.")),
)
HEADING_HINT = "hover a heading and copy its ¶ link"


@dataclass(frozen=True)
class WrittenLink:
    """One link as written in a page's Markdown that MkDocs could not follow."""

    source: str          # the page's path in docs/, e.g. "values.md"
    link: str            # as written; for "excluded", the excluded file
    kind: str            # "missing", "anchor", "unrecognized", "absolute" or "excluded"
    target: str = ""     # the file in docs/ the link reaches ("anchor", "excluded")
    fragment: str = ""   # the missing anchor ("anchor")
    footnote: bool = False

    @property
    def path(self) -> str:
        """The file the link names, resolved in docs/ from the page's folder."""
        path = unquote(urlsplit(self.link).path) if "://" not in self.link else ""
        if not path:
            return self.source
        folder = "" if path.startswith("/") else posixpath.dirname(self.source)  # "/x" is read from docs/
        return posixpath.normpath(posixpath.join(folder, path.lstrip("/")))


def read_mkdocs_message(message: str) -> WrittenLink | None:
    """The WrittenLink an MkDocs link message is about; None for any other message."""
    for kind, pattern in MKDOCS_MESSAGES:
        match = pattern.match(message)
        if match is None:
            continue
        found = match.groupdict()
        link = found.get("link") or found.get("target") or ""
        if kind == "anchor" and not found.get("target"):
            return WrittenLink(found["source"], link, kind, found["source"], unquote(link.partition("#")[2]),
                               bool(found.get("footnote")))
        return WrittenLink(found["source"], link, kind, found.get("target") or "", found.get("fragment") or "")
    return None


def line_of_link(text: str, link: str) -> int:
    """The line where ``link`` is written as a link's address in Markdown or HTML (1-based);
    0 when it is not in the text as written (it came from a snippet, say)."""
    for written in (f"]({link}", f"]: {link}", f"]:{link}", f'="{link}"', f"='{link}'", f"<{link}>", link):
        position = text.find(written)
        if position >= 0:
            return text.count("\n", 0, position) + 1
    return 0


def problem_and_fix(written: WrittenLink, files: Iterable[str],
                    anchors_of: Callable[[str], set[str]]) -> tuple[str, str]:
    """What is wrong with the link and how to fix it, with the nearest page, file or
    anchor as the suggestion. ``files``: every path in docs/; ``anchors_of(path)``: the
    anchors of a page of docs/."""
    if written.kind == "anchor":
        nearest = _nearest(written.fragment, anchors_of(written.target))
        if written.footnote:
            return (f"no footnote reference '#{written.fragment}' on this page",
                    "cite the footnote in the text with [^name], or remove the footnote")
        page = written.link.partition("#")[0]
        suggestion = f"did you mean '{page}#{nearest}'?" if nearest else f"use an id that exists there ({HEADING_HINT})"
        return f"'{written.target}' has no heading or anchor '#{written.fragment}'", suggestion
    if written.kind == "excluded":
        return (f"'{written.target}' is not published (the site excludes it)",
                "link to a published page, or to the file's https address")
    nearest_file = _nearest(written.path, files, folder=posixpath.dirname(written.source))
    relative = _relative(nearest_file, written.source) if nearest_file else ""
    if written.kind == "absolute":
        return ("an absolute link breaks when the site is published under a folder",
                f"write it relative to this page, e.g. '{relative}'" if relative else "write it relative to this page")
    if written.kind == "unrecognized":
        return (f"'{written.link}' is not a page or file of docs/",
                f"link to the Markdown file, e.g. '{relative}'" if relative else
                "link to the page's Markdown file (name.md) or to a file in docs/")
    return (f"no page or file '{written.path}' in docs/",
            f"did you mean '{relative}'?" if relative else "fix the path, or add the page or file to docs/")


def message(written: WrittenLink, shown_file: str, line: int, files: Iterable[str],
            anchors_of: Callable[[str], set[str]]) -> str:
    """``FILE:LINE: link 'L': problem — fix`` (``FILE`` alone when the line is unknown)."""
    problem, fix = problem_and_fix(written, files, anchors_of)
    where = f"{shown_file}:{line}" if line else f"{shown_file} (in an included snippet)"
    return f"{where}: link '{written.link}': {problem} — {fix}"


def nearest_anchor(fragment: str, anchors: Iterable[str]) -> str | None:
    """The anchor most like ``fragment``, if one is close enough to be a typo of it."""
    return _nearest(fragment, anchors)


def _nearest(wanted: str, candidates: Iterable[str], folder: str = "") -> str | None:
    """The candidate closest to ``wanted`` (difflib's ratio, at least 0.6), compared
    whole and by file name; ties go to a candidate in ``folder``."""
    candidates = sorted(set(candidates))
    if not wanted or not candidates:
        return None
    found = difflib.get_close_matches(wanted, candidates, n=3, cutoff=0.6)
    if not found:
        by_name: dict[str, list[str]] = {}
        for candidate in candidates:
            by_name.setdefault(posixpath.basename(candidate), []).append(candidate)
        names = difflib.get_close_matches(posixpath.basename(wanted), list(by_name), n=1, cutoff=0.6)
        found = by_name[names[0]] if names else []
    if not found:
        return None
    return next((candidate for candidate in found if posixpath.dirname(candidate) == folder), found[0])


def _relative(path: str, source: str) -> str:
    return posixpath.relpath(path, posixpath.dirname(source) or ".")
