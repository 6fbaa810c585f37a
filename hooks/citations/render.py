"""Turn a page's citation clusters into links, and build its References section.

The links and the list are HTML, built from bibliography text with HTML escaping, and
go into the Markdown as placeholders (``citations.slots``): Markdown never reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from citations.apa import Styler
from citations.slots import HtmlSlots
from citations.syntax import CitationItem, Cluster, find_citations, mask_code

LOCATOR_SEPARATOR = " "


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

    def fill(self, html: str) -> str:
        """The converted page with the citations' HTML in place."""
        return self.slots.fill(html)

    @property
    def cited_keys(self) -> list[str]:
        """Keys in order of first citation."""
        return list(dict.fromkeys(site.key for site in self.sites))


class UnknownKeyError(KeyError):
    """A citation names a key the bibliography does not have."""

    def __init__(self, key: str, line: int) -> None:
        self.key, self.line = key, line
        super().__init__(key)


def citation_anchor(key: str, occurrence: int) -> str:
    """The id of the n-th citation (1-based) of ``key`` on a page."""
    return f"cite-{key}-{occurrence}"


def reference_anchor(key: str) -> str:
    """The id of ``key``'s entry in a page's References list and on the Sources page."""
    return f"ref-{key}"


def locate_citations(markdown: str, known_keys: set[str] | dict) -> tuple[list[Cluster], list[CitationSite]]:
    """Find clusters, check every key, and give each citation its anchor and section."""
    clusters = find_citations(markdown)
    headings = _heading_lines(markdown)
    counts: dict[str, int] = {}
    sites = []
    for cluster in clusters:
        for item in cluster.items:
            if item.key not in known_keys:
                raise UnknownKeyError(item.key, cluster.line)
            counts[item.key] = counts.get(item.key, 0) + 1
            anchor = citation_anchor(item.key, counts[item.key])
            sites.append(CitationSite(item.key, anchor, cluster.line, _section_at(headings, cluster.line)))
    return clusters, sites


def render_page(markdown: str, styler: Styler, slots: HtmlSlots | None = None) -> RenderedPage:
    """Replace every cluster with a placeholder for its links and append a References section."""
    slots = slots or HtmlSlots()
    clusters, sites = locate_citations(markdown, styler.bibliography.entries)
    anchors = iter(sites)
    pieces, position = [], 0
    for cluster in clusters:
        pieces.append(markdown[position:cluster.start])
        html, ids = _cluster_html(cluster, styler, anchors)
        pieces.append(slots.slot(html, ids, inline=True))
        position = cluster.end
    pieces.append(markdown[position:])
    rendered = RenderedPage("".join(pieces), sites, slots)
    if sites:
        rendered.markdown = rendered.markdown.rstrip("\n") + "\n\n" + references_section(rendered.cited_keys, styler,
                                                                                           slots)
    return rendered


def _cluster_html(cluster: Cluster, styler: Styler, anchors) -> tuple[str, tuple[str, ...]]:
    sites = [next(anchors) for _ in cluster.items]
    items = [_item_html(item, styler, site.anchor) for item, site in zip(cluster.items, sites)]
    return f'<span class="citation">({"; ".join(items)})</span>', tuple(site.anchor for site in sites)


def _item_html(item: CitationItem, styler: Styler, anchor: str) -> str:
    label = escape(styler.label(item.key, item.suppress_author))
    title = escape(styler.reference_text(item.key))
    link = (f'<a id="{anchor}" href="#{reference_anchor(item.key)}" '
            f'title="{title}">{label}</a>')
    prefix = f"{escape(item.prefix)} " if item.prefix else ""
    locator = f", {escape(item.locator_label)}{LOCATOR_SEPARATOR}{escape(item.locator)}" if item.locator else ""
    suffix = f", {escape(item.suffix.lstrip(', '))}" if item.suffix else ""
    status = styler.status_mark_html(item.key)
    return f"{prefix}{link}{locator}{suffix}" + (f" {status}" if status else "")


def references_section(keys: list[str], styler: Styler, slots: HtmlSlots) -> str:
    """Markdown heading (for the table of contents) plus the HTML list, entries sorted as
    APA sorts them."""
    ordered = sorted(keys, key=lambda k: styler.reference_text(k).lower())
    items = "\n".join(
        f'<li id="{reference_anchor(key)}">{styler.reference_html(key)}</li>' for key in ordered
    )
    # data-search-exclude: Material's search skips the section; the reference text would
    # otherwise be indexed once per citing page as well as on the Sources page.
    listing = f'<ul class="references" data-search-exclude>\n{items}\n</ul>'
    placeholder = slots.slot(listing, tuple(reference_anchor(key) for key in ordered))
    return f"## References {{ #references data-search-exclude }}\n\n{placeholder}\n"


def _heading_lines(markdown: str) -> list[tuple[int, str]]:
    headings = []
    for number, line in enumerate(mask_code(markdown).split("\n"), start=1):
        if line.startswith("#"):
            text = line.lstrip("#").strip()
            text = text.split("{", 1)[0].strip() if text.endswith("}") else text
            headings.append((number, text))
    return headings


def _section_at(headings: list[tuple[int, str]], line: int) -> str:
    section = ""
    for number, text in headings:
        if number > line:
            break
        section = text
    return section


def cite_this_page_html(author: str, title: str, site_name: str, url: str, key: str) -> str:
    """A collapsed "Cite this page" block with an APA citation and a BibTeX entry."""
    apa = f"{escape(author)}. (n.d.). <i>{escape(title)}</i>. {escape(site_name)}."
    if url:
        apa += f' <a href="{escape(url)}">{escape(url)}</a>'
    fields = [f"  author = {{{{{author}}}}}", f"  title = {{{{{title}}}}}", f"  howpublished = {{{site_name}}}"]
    if url:
        fields.append(f"  url = {{{url}}}")
    bibtex = f"@misc{{{key},\n" + ",\n".join(fields) + "\n}"
    return (
        '<details class="quote cite-this-page" data-search-exclude>\n'
        "<summary>Cite this page</summary>\n"
        f"<p>{apa}</p>\n<pre><code>{escape(bibtex)}</code></pre>\n</details>"
    )
