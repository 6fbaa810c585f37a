"""Turn a page's citations into links, and build its References section.

The HTML of every citation and entry is Pandoc's (``citations.engine``). This module
gives each citation link an id of its own (``cite-<key>-<n>``) and the entry's text as
its tooltip, marks sources that are not fully verified, and adds the archived copy.
Everything goes into the Markdown as placeholders (``citations.slots``): Markdown
never reads it.
"""

from __future__ import annotations

import datetime

import re
from dataclasses import dataclass, field
from html import escape, unescape

from citations.bibliography import Bibliography
from citations.engine import Formatted
from citations.slots import HtmlSlots
from citations.syntax import Cluster, find_citations, mask_code

# Pandoc's link from a citation to its entry (html5 writer, link-citations: true).
CITATION_LINK = re.compile(r'<a href="#ref-(?P<key>[^"]*)" role="doc-biblioref">(?P<text>.*?)</a>', re.DOTALL)
# Pandoc's wrapper of one cluster (the engine checks there is exactly one per cluster).
CITATION_SPAN = re.compile(r'<span class="citation" data-cites="[^"<>]*">(?P<inner>.*)</span>', re.DOTALL)
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
    """Where one citation of a key sits on a page: its anchor and section heading."""

    key: str
    anchor: str
    line: int
    section: str


@dataclass
class RenderedPage:
    """The Markdown with citations replaced by placeholders, what the page cites, and the
    HTML that fills the placeholders after conversion."""

    markdown: str
    sites: list[CitationSite] = field(default_factory=list)
    slots: HtmlSlots = field(default_factory=HtmlSlots)
    cited_keys: list[str] = field(default_factory=list)  # in the style's bibliography order

    def fill(self, html: str) -> str:
        """The converted page with the citations' HTML in place."""
        return self.slots.fill(html)


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


def page_clusters(markdown: str, bibliography: Bibliography) -> list[Cluster]:
    """Every citation of a page; an unknown key in one stops here, with its line."""
    clusters = find_citations(markdown, bibliography.entries)
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

    def link_keys(self, cluster: Cluster) -> list[str]:
        """The keys a cluster links to, in the order its links appear."""
        return [unescape(match["key"]) for match in CITATION_LINK.finditer(self._cluster_html(cluster))]

    def citation_html(self, cluster: Cluster, anchors: list[str]) -> str:
        """The cluster's HTML with each link's id (``anchors``, in link order), tooltip and mark."""
        ids = iter(anchors)

        def link(match: re.Match) -> str:
            key = unescape(match["key"])
            title = escape(self.reference_text(key))
            mark = self.status_mark_html(key)
            return (f'<a id="{next(ids)}" href="#{reference_anchor(key)}" role="doc-biblioref" '
                    f'title="{title}">{match["text"]}</a>' + (f" {mark}" if mark else ""))

        return CITATION_LINK.sub(link, self._cluster_html(cluster))

    def citation_search_form(self, cluster: Cluster) -> str:
        """The cluster as Material's search reads it: the same text and formatting without
        the span and links, whose tags and tooltips search reads only to drop (its parser is
        pure Python). Empty comments stand where the span's tags were: search ends a run of
        text at a tag, and collapses a run that is only whitespace, so the index is the same."""
        def link(match: re.Match) -> str:
            mark = self.status_mark_text(unescape(match["key"]))
            return match["text"] + (f" {mark}" if mark else "")

        html = CITATION_LINK.sub(link, self._cluster_html(cluster))
        wrapper = CITATION_SPAN.fullmatch(html)
        return f"<!---->{wrapper['inner']}<!---->" if wrapper else html

    def citation_text(self, cluster: Cluster) -> str:
        """The cluster as plain text, "(Hinton, 2018)": where it lands in an attribute (a
        heading's id, an image's alt) or a table of contents."""
        return " ".join(unescape(re.sub(r"<[^>]+>", "", self._cluster_html(cluster))).split())

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


def locate_citations(markdown: str, styled: Styled, clusters: list[Cluster] | None = None,
                     linked=lambda cluster: True) -> tuple[list[Cluster], list[CitationSite]]:
    """Find the page's clusters (unless given) and give each citation link its anchor and
    section; ``linked(cluster)``: whether the cluster is on the page as a link (one only
    in an image's alt text, say, is text there and has no anchor)."""
    clusters = page_clusters(markdown, styled.bibliography) if clusters is None else clusters
    headings = [(number, _with_citation_text(text, styled)) for number, text in _heading_lines(markdown)] \
        if clusters else []
    counts: dict[str, int] = {}
    sites = []
    for cluster in clusters:
        if not linked(cluster):
            continue
        for key in styled.link_keys(cluster):
            counts[key] = counts.get(key, 0) + 1
            sites.append(CitationSite(key, citation_anchor(key, counts[key]), cluster.line,
                                      _section_at(headings, cluster.line)))
    return clusters, sites


@dataclass
class PlacedPage:
    """A page's Markdown with a placeholder for every cluster and, when it cites
    anything, a References section whose list is a placeholder too. Made before the
    engine has run: ``fill_citations`` puts the HTML in once it has."""

    markdown: str
    source: str                 # the text the clusters were found in (their offsets and lines)
    clusters: list[Cluster]
    slots: HtmlSlots
    cluster_slots: list[int] = field(default_factory=list)
    references_slot: int | None = None

    @property
    def cited_keys(self) -> set[str]:
        return {key for cluster in self.clusters for key in cluster.keys}


def place_citations(markdown: str, clusters: list[Cluster], slots: HtmlSlots | None = None) -> PlacedPage:
    """Replace every cluster with a placeholder and append a References section."""
    slots = slots or HtmlSlots()
    placed = PlacedPage("", markdown, clusters, slots)
    pieces, position = [], 0
    for cluster in clusters:
        number = slots.reserve(inline=True)
        pieces += [markdown[position:cluster.start], slots.placeholder(number)]
        placed.cluster_slots.append(number)
        position = cluster.end
    pieces.append(markdown[position:])
    placed.markdown = "".join(pieces)
    if clusters:
        # data-search-exclude: Material's search skips the section; the reference text would
        # otherwise be indexed once per citing page as well as on the Sources page.
        placed.references_slot = slots.reserve(searched=False)
        placed.markdown = (placed.markdown.rstrip("\n") + "\n\n## References { #references data-search-exclude }\n\n"
                           + slots.placeholder(placed.references_slot) + "\n")
    return placed


def fill_citations(placed: PlacedPage, styled: Styled, html: str | None = None) -> tuple[list[CitationSite], list[str]]:
    """Give the page's placeholders their HTML; return its citation sites and the keys
    it cites in the style's order. ``html``: the converted page, whose clusters only in
    attributes or in a link's text are text, with no link or anchor (as Pandoc writes a
    citation in a link). Raises ``UnformattedClusterError`` for a cluster the engine was
    not given."""
    in_text = placed.slots.inline_in_text(html) if html is not None else None
    slot_of = {id(cluster): number for cluster, number in zip(placed.clusters, placed.cluster_slots, strict=True)}

    def linked(cluster: Cluster) -> bool:
        return in_text is None or slot_of[id(cluster)] in in_text

    _, sites = locate_citations(placed.source, styled, placed.clusters, linked)
    anchors = iter(sites)
    for cluster, number in zip(placed.clusters, placed.cluster_slots, strict=True):
        text = styled.citation_text(cluster)
        if not linked(cluster):  # only in attributes or a link's text: text there, no anchor
            placed.slots.fill_in(number, escape(text), (), None, text)
            continue
        ids = [next(anchors).anchor for _ in styled.link_keys(cluster)]
        placed.slots.fill_in(number, styled.citation_html(cluster, ids), ids, styled.citation_search_form(cluster), text)
    cited = styled.ordered(placed.cited_keys)
    if placed.references_slot is not None:
        placed.slots.fill_in(placed.references_slot, references_html(cited, styled),
                             [reference_anchor(key) for key in cited])
    return sites, cited


def render_page(markdown: str, styled: Styled, slots: HtmlSlots | None = None,
                clusters: list[Cluster] | None = None) -> RenderedPage:
    """``place_citations`` and ``fill_citations`` in one step (clusters found here unless given)."""
    clusters = page_clusters(markdown, styled.bibliography) if clusters is None else clusters
    placed = place_citations(markdown, clusters, slots)
    sites, cited = fill_citations(placed, styled)
    return RenderedPage(placed.markdown, sites, placed.slots, cited)


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


def _heading_lines(markdown: str) -> list[tuple[int, str]]:
    headings = []
    for number, line in enumerate(mask_code(markdown).split("\n"), start=1):
        if line.startswith("#"):
            text = line.lstrip("#").strip()
            text = text.split("{", 1)[0].strip() if text.endswith("}") else text
            headings.append((number, text))
    return headings


def _with_citation_text(text: str, styled: Styled) -> str:
    """A heading's Markdown with each citation as its text, as readers see the heading."""
    pieces, position = [], 0
    for cluster in find_citations(text, styled.bibliography.entries):
        try:
            shown = styled.citation_text(cluster)
        except UnformattedClusterError:
            shown = ""
        pieces += [text[position:cluster.start], shown]
        position = cluster.end
    return "".join(pieces) + text[position:]


def _section_at(headings: list[tuple[int, str]], line: int) -> str:
    section = ""
    for number, text in headings:
        if number > line:
            break
        section = text
    return section


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
