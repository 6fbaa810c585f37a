"""APA 7 formatting of in-text labels and reference entries, as escaped HTML.

A small formatter of our own rather than a CSL engine: the bibliography holds about
twenty entries of nine types, citeproc-py does not add the year suffixes APA needs
(2022a, 2022b) and would need lxml, and pandoc is a 160 MB binary. Every field value
is HTML-escaped here; nothing from the data file reaches the page unescaped. The HTML
never passes through Markdown: pages receive it through placeholders (``citations.slots``),
so no Markdown syntax in a title or a name can take effect.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any

from citations.bibliography import Bibliography, date_parts

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# Types whose reference shows the full date, as APA does for periodicals and web pages.
FULL_DATE_TYPES = {"article-magazine", "article-newspaper", "webpage", "hearing"}
# Types whose title is italic (stand-alone works); articles and chapters are plain.
ITALIC_TITLE_TYPES = {"book", "report", "webpage", "legislation", "hearing", "regulation"}
STATUS_LABELS = {
    "verified": "Verified",
    "likely": "Partly verified",
    "unknown": "Not verified",
}


class Styler:
    """Formats entries of one bibliography; computes APA year suffixes once."""

    def __init__(self, bibliography: Bibliography) -> None:
        self.bibliography = bibliography
        self.year_labels = _year_labels(bibliography)
        self._html_cache: dict[str, str] = {}
        self._text_cache: dict[str, str] = {}

    # In-text citations

    def label(self, key: str, suppress_author: bool = False) -> str:
        """Plain-text label: ``Hinton et al., 2018`` or ``2018`` with the author suppressed."""
        year = self.year_labels[key]
        if suppress_author:
            return year
        return f"{short_author(self.bibliography[key])}, {year}"

    def status_mark_html(self, key: str) -> str:
        """Beside an in-text citation of a source that is not fully verified: a short
        mark that says so in words (not by colour or a symbol alone)."""
        confidence = self.bibliography[key].get("custom", {}).get("confidence", "unknown")
        if confidence == "verified":
            return ""
        return (f'<span class="citation-status citation-status--{confidence}">'
                f"[{STATUS_LABELS[confidence].lower()}]</span>")

    # Reference entries

    def reference_html(self, key: str) -> str:
        """The full APA reference as HTML, with links and a verification mark."""
        if key not in self._html_cache:
            self._html_cache[key] = self._format_reference(key)
        return self._html_cache[key]

    def _format_reference(self, key: str) -> str:
        entry = self.bibliography[key]
        parts = [self._lead_html(entry, key), self._source_html(entry)]
        text = " ".join(part for part in parts if part)
        links = _links_html(entry)
        status = status_html(entry)
        return " ".join(part for part in (text, links, status) if part)

    def reference_text(self, key: str) -> str:
        """The reference as plain text (for tooltips and suggested citations)."""
        if key not in self._text_cache:
            self._text_cache[key] = re.sub(r"\s+", " ", _strip_tags(self.reference_html(key))).strip()
        return self._text_cache[key]

    def _lead_html(self, entry: dict[str, Any], key: str) -> str:
        """Author. (Date). Title. — or Title. (Date). when there is no author."""
        date = self._date_text(entry, key)
        title = _title_html(entry)
        authors = entry.get("author")
        if not authors:
            return f"{title} ({escape(date)})."
        return f"{escape(reference_authors(authors))} ({escape(date)}). {title}"

    def _date_text(self, entry: dict[str, Any], key: str) -> str:
        year_label = self.year_labels[key]
        parts = date_parts(entry.get("issued", ""))
        if entry.get("type") in FULL_DATE_TYPES and len(parts) >= 2:
            month = MONTHS[parts[1] - 1]
            day = f" {parts[2]}" if len(parts) == 3 else ""
            return f"{year_label}, {month}{day}"
        return year_label

    def _source_html(self, entry: dict[str, Any]) -> str:
        """Container, volume, pages and publisher, per type."""
        pieces = []
        container = entry.get("container-title", "")
        if entry.get("type") == "article-journal" and container:
            volume = f", <i>{escape(entry['volume'])}</i>" if entry.get("volume") else ""
            issue = f"({escape(entry['issue'])})" if entry.get("issue") else ""
            page = f", {escape(entry['page'])}" if entry.get("page") else ""
            pieces.append(f"<i>{escape(container)}</i>{volume}{issue}{page}.")
        elif container:
            pieces.append(f"<i>{escape(container)}</i>.")
        publisher = entry.get("publisher", "")
        if publisher and publisher != _first_literal(entry):
            pieces.append(f"{escape(publisher)}.")
        return " ".join(pieces)


def short_author(entry: dict[str, Any]) -> str:
    """APA in-text author: Family; A &amp; B; A et al.; an organisation; or the title."""
    authors = entry.get("author") or []
    names = [person.get("literal") or person.get("family", "") for person in authors]
    if not names:
        title = entry["title"].split(":")[0]
        return f"“{title}”" if entry.get("type") not in ITALIC_TITLE_TYPES else title
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} & {names[1]}"
    return f"{names[0]} et al."


def reference_authors(authors: list[dict[str, str]]) -> str:
    """APA reference-list authors: ``Hinton, E., Henderson, L., & Reed, C.``"""
    names = [_inverted_name(person) for person in authors]
    if len(names) == 1:
        return names[0] if names[0].endswith(".") else names[0] + "."
    joined = ", ".join(names[:-1]) + f", & {names[-1]}"
    return joined if joined.endswith(".") else joined + "."


def _inverted_name(person: dict[str, str]) -> str:
    if person.get("literal"):
        return person["literal"]
    initials = " ".join(_initials(part) for part in person.get("given", "").split())
    return f"{person['family']}, {initials}" if initials else person["family"]


def _initials(given: str) -> str:
    # "EJ" is already a pair of initials: keep both letters.
    if given.isupper() and 1 < len(given) <= 3:
        return " ".join(f"{letter}." for letter in given)
    return "-".join(f"{piece[0]}." for piece in given.split("-") if piece)


def _title_html(entry: dict[str, Any]) -> str:
    title = escape(entry["title"])
    if entry.get("type") in ITALIC_TITLE_TYPES:
        title = f"<i>{title}</i>"
    details = [entry[name] for name in ("genre", "number", "collection-title") if entry.get(name)]
    description = f" [{escape('; '.join(details))}]" if details else ""
    ending = "" if not description and title.endswith(("?", "?</i>", "!", "!</i>")) else "."
    return f"{title}{description}{ending}"


def _links_html(entry: dict[str, Any]) -> str:
    links = []
    if entry.get("DOI"):
        doi = f"https://doi.org/{entry['DOI']}"
        links.append(f'<a href="{escape(doi)}" rel="noreferrer">{escape(doi)}</a>')
    if entry.get("URL"):
        url = entry["URL"]
        links.append(f'<a class="reference-url" href="{escape(url)}" rel="noreferrer">{escape(url)}</a>')
    custom = entry.get("custom", {})
    if custom.get("archive-url"):
        archive = escape(custom["archive-url"])
        date = escape(custom.get("archive-date", ""))
        links.append(f'[<a class="reference-archive" href="{archive}" rel="noreferrer">'
                     f"archived copy</a>, {date}]")
    return " ".join(links)


def status_html(entry: dict[str, Any]) -> str:
    """A visible mark for sources that are not fully verified."""
    confidence = entry.get("custom", {}).get("confidence", "unknown")
    if confidence == "verified":
        return ""
    label = STATUS_LABELS[confidence]
    return f'<span class="reference-status reference-status--{confidence}">[{label}]</span>'


def _first_literal(entry: dict[str, Any]) -> str:
    authors = entry.get("author") or [{}]
    return authors[0].get("literal", "")


def _year_labels(bibliography: Bibliography) -> dict[str, str]:
    """Year or n.d., with a/b/c suffixes where author and year collide (APA 8.19)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for key, entry in bibliography.entries.items():
        parts = date_parts(entry.get("issued", ""))
        year = str(parts[0]) if parts else "n.d."
        groups.setdefault((short_author(entry), year), []).append(key)
    labels = {}
    for (_, year), keys in groups.items():
        if len(keys) == 1:
            labels[keys[0]] = year
            continue
        ordered = sorted(keys, key=lambda k: bibliography[k]["title"].lower())
        separator = "-" if year == "n.d." else ""
        for index, key in enumerate(ordered):
            labels[key] = f"{year}{separator}{chr(ord('a') + index)}"
    return labels


def _strip_tags(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))
