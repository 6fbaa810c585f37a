"""Outbound links that do not tell the next site where the reader came from."""

from __future__ import annotations

import re

ANCHOR_TAG = re.compile(r"<a\s(?P<attrs>[^>]*)>", re.IGNORECASE)
HREF = re.compile(r"""\shref\s*=\s*(?P<quote>["'])(?P<url>.*?)(?P=quote)""", re.IGNORECASE)
REL = re.compile(r"""\srel\s*=\s*(?P<quote>["'])(?P<value>.*?)(?P=quote)""", re.IGNORECASE)


def is_external(url: str) -> bool:
    """An absolute http(s) or protocol-relative URL: it leaves this site."""
    return bool(re.match(r"^(?:https?:)?//", url.strip(), re.IGNORECASE))


def add_noreferrer(html: str) -> str:
    """Add ``noreferrer`` to the ``rel`` of every external <a>, keeping other values."""

    def patch(match: re.Match[str]) -> str:
        attrs = " " + match["attrs"]
        href = HREF.search(attrs)
        if not href or not is_external(href["url"]):
            return match.group(0)
        rel = REL.search(attrs)
        if rel is None:
            return f'<a{attrs.rstrip()} rel="noreferrer">'
        values = rel["value"].split()
        if "noreferrer" in (value.lower() for value in values):
            return match.group(0)
        new_rel = f' rel="{" ".join([*values, "noreferrer"])}"'
        return f"<a{attrs[:rel.start()]}{new_rel}{attrs[rel.end():]}>"

    return ANCHOR_TAG.sub(patch, html)
