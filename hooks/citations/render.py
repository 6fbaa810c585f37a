"""Citations and References as HTML, from the engine's results.

The HTML of every citation and entry is Pandoc's (``citations.engine``). This module
gives each citation link the entry's text as its tooltip, marks sources that are not
fully verified, adds the archived copy, and names the anchors (``cite-<key>-<n>``,
``ref-<key>``). ``citations.markdown_extension`` puts it in Markdown's tree.
"""

from __future__ import annotations

import datetime

import re
from dataclasses import dataclass
from html import escape, unescape

from citations.bibliography import Bibliography
from citations.engine import Formatted
from citations.syntax import Cluster, find_citations

# Pandoc's link from a citation to its entry (html5 writer, link-citations: true).
CITATION_LINK = re.compile(r'<a href="#ref-(?P<key>[^"]*)" role="doc-biblioref">(?P<text>.*?)</a>', re.DOTALL)
ENTRY_LINK = re.compile(r'<a href="')
PLAIN_KEY = re.compile(r"^[A-Za-z0-9_.:-]+$")
STATUS_LABELS = {"verified": "Verified", "likely": "Partly verified", "unknown": "Not verified"}


class UnknownKeyError(KeyError):
    """A citation names a key the bibliography does not have."""

    def __init__(self, key: str, line: int) -> None:
        self.key, self.line = key, line
        super().__init__(key)


class UnformattedClusterError(LookupError):
    """A citation the engine was not given (the page changed after it was read)."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        super().__init__(cluster.text)


@dataclass(frozen=True)
class CitationSite:
    """Where one citation of a key sits on a page: its anchor and the heading above it."""

    key: str
    anchor: str
    section: str


def anchor_key(key: str) -> str:
    """A key as it appears in ids and fragments: as written when it is plain, otherwise
    each other character spelt as ``_<hex>_`` (a Pandoc key may hold ``<>?#%&/``)."""
    if PLAIN_KEY.match(key):
        return key
    return "".join(char if char.isascii() and (char.isalnum() or char in "-.") else f"_{ord(char):x}_"
                   for char in key)


def citation_anchor(key: str, occurrence: int) -> str:
    """The id of the n-th citation (1-based) of ``key`` on a page."""
    return f"cite-{anchor_key(key)}-{occurrence}"


def reference_anchor(key: str) -> str:
    """The id of ``key``'s entry in a page's References list and on the Sources page."""
    return f"ref-{anchor_key(key)}"


def page_clusters(markdown: str, bibliography: Bibliography, strays: list[int] | None = None) -> list[Cluster]:
    """Every citation of a page; an unknown key in one stops here, with its line.
    ``strays``: as for ``find_citations``."""
    clusters = find_citations(markdown, bibliography.entries, strays=strays)
    for cluster in clusters:
        for key in cluster.keys:
            if key not in bibliography.entries:
                raise UnknownKeyError(key, cluster.line)
    return clusters


class Styled:
    """The engine's results for one build, shaped for pages: citations with their ids,
    entries with the archived copy and the verification mark."""

    def __init__(self, bibliography: Bibliography, formatted: Formatted) -> None:
        self.bibliography = bibliography
        self.formatted = formatted
        self.position = {key: index for index, key in enumerate(formatted.order)}
        self._html: dict[str, str] = {}
        self._text: dict[str, str] = {}
        self._key_of_fragment = {f"#{reference_anchor(key)}": key for key in bibliography.keys()}

    def citation_html(self, cluster: Cluster) -> str:
        """The cluster's HTML, each link with its entry as tooltip and the mark after it."""
        def link(match: re.Match) -> str:
            key = unescape(match["key"])
            title = escape(self.reference_text(key))
            mark = self.status_mark_html(key)
            return (f'<a href="#{reference_anchor(key)}" role="doc-biblioref" '
                    f'title="{title}">{match["text"]}</a>' + (f" {mark}" if mark else ""))

        return CITATION_LINK.sub(link, self._cluster_html(cluster))

    def key_of_link(self, href: str) -> str:
        """The key a citation link (``citation_html``) points to."""
        return self._key_of_fragment[href]

    def status_mark_html(self, key: str) -> str:
        """Beside an in-text citation of a source that is not fully verified: a short
        mark that says so in words (not by colour or a symbol alone)."""
        mark = self.status_mark_text(key)
        if not mark:
            return ""
        return f'<span class="citation-status citation-status--{self.confidence(key)}">{mark}</span>'

    def status_mark_text(self, key: str) -> str:
        confidence = self.confidence(key)
        return "" if confidence == "verified" else f"[{STATUS_LABELS[confidence].lower()}]"

    def reference_html(self, key: str) -> str:
        """The entry as the style writes it, its links marked, the archived copy and the
        verification mark after it."""
        if key not in self._html:
            entry = ENTRY_LINK.sub('<a class="reference-url" href="', self.formatted.references[key])
            extras = [part for part in (_archive_html(self.bibliography[key]), self._status_html(key)) if part]
            self._html[key] = " ".join([entry, *extras])
        return self._html[key]

    def reference_text(self, key: str) -> str:
        """The entry as plain text (tooltips, ``citation_reference`` tags)."""
        if key not in self._text:
            plain = unescape(re.sub(r"<[^>]+>", "", self.formatted.references[key]))
            self._text[key] = " ".join(plain.split())
        return self._text[key]

    def ordered(self, keys) -> list[str]:
        """``keys`` in the style's bibliography order."""
        return sorted(dict.fromkeys(keys), key=lambda key: self.position.get(key, len(self.position)))

    def confidence(self, key: str) -> str:
        return self.bibliography[key].get("custom", {}).get("confidence", "unknown")

    def _status_html(self, key: str) -> str:
        confidence = self.confidence(key)
        if confidence == "verified":
            return ""
        return f'<span class="reference-status reference-status--{confidence}">[{STATUS_LABELS[confidence]}]</span>'

    def _cluster_html(self, cluster: Cluster) -> str:
        try:
            return self.formatted.clusters[cluster.engine_text]
        except KeyError:
            raise UnformattedClusterError(cluster) from None


def references_html(keys: list[str], styled: Styled) -> str:
    """The References list, in the style's order."""
    items = "\n".join(f'<li id="{reference_anchor(key)}">{styled.reference_html(key)}</li>'
                      for key in styled.ordered(keys))
    return f'<ul class="references" data-search-exclude>\n{items}\n</ul>'


def _archive_html(entry: dict) -> str:
    custom = entry.get("custom", {})
    if not custom.get("archive-url"):
        return ""
    return (f'[<a class="reference-archive" href="{escape(custom["archive-url"])}" rel="noreferrer">'
            f'archived copy</a>, {escape(custom.get("archive-date", ""))}]')


def cite_this_page_html(author: str, title: str, site_name: str, url: str, key: str, updated: str = "") -> str:
    """A collapsed "Cite this page" block with an APA citation and a BibTeX entry, dated
    by ``updated`` (the page's last change, ISO 8601) or, without one, "n.d."."""
    date = _apa_date(updated)
    apa = f"{escape(author)}. ({date}). <i>{escape(title)}</i>. {escape(site_name)}."
    if url:
        apa += f' <a href="{escape(url)}">{escape(url)}</a>'
    fields = [f"  author = {{{{{author}}}}}", f"  title = {{{{{title}}}}}", f"  howpublished = {{{site_name}}}"]
    if date != "n.d.":
        fields += [f"  year = {{{updated[:4]}}}", f"  note = {{Last updated {updated}}}"]
    if url:
        fields.append(f"  url = {{{url}}}")
    bibtex = f"@misc{{{key},\n" + ",\n".join(fields) + "\n}"
    return (
        '<details class="quote cite-this-page" data-search-exclude>\n'
        "<summary>Cite this page</summary>\n"
        f"<p>{apa}</p>\n<pre><code>{escape(bibtex)}</code></pre>\n</details>"
    )


def _apa_date(updated: str) -> str:
    """APA's date of a web page: "2026, December 3"; "n.d." without a valid date."""
    try:
        day = datetime.date.fromisoformat(updated)
    except ValueError:
        return "n.d."
    return f"{day.year}, {day:%B} {day.day}"
