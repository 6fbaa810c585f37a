"""Outbound links that do not tell the next site where the reader came from."""

from __future__ import annotations

from html_elements import Element, elements
from selectolax.lexbor import LexborHTMLParser
from survivor_safety.urls import read_url

LINK_TAGS = {"a", "area"}


def is_external(url: str, site_host: str = "") -> bool:
    """Whether following ``url`` leaves this site, read as the browser reads it (the URL
    standard: tabs and newlines dropped, ``\\`` as ``/``, ``http:host`` with no slashes)."""
    return read_url(url, site_host).leaves_site


def add_noreferrer(tree: LexborHTMLParser, walked: list[Element] | None = None) -> int:
    """Add ``noreferrer`` to the ``rel`` of every external <a> and <area> in the parsed
    document, keeping other values; return how many links changed. ``walked``: the
    tree's ``html_elements.elements``, when the caller shares it.

    Working on the parse rather than the text means attribute order, quoting and
    duplicates are read exactly as the browser reads them.
    """
    changed = 0
    for node, tag, attributes in elements(tree) if walked is None else walked:
        if tag not in LINK_TAGS or not is_external(attributes.get("href") or ""):
            continue
        values = (attributes.get("rel") or "").split()
        if "noreferrer" in (value.lower() for value in values):
            continue
        node.attrs["rel"] = " ".join([*values, "noreferrer"])
        changed += 1
    return changed
