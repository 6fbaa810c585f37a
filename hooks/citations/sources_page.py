"""The generated list of every source, with backlinks to every page that cites it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from citations.render import Styled, reference_anchor
from citations.slots import HtmlSlots


@dataclass(frozen=True)
class Backlink:
    """One citing place: the page's docs-relative path, its title, section and anchor."""

    page_path: str
    page_title: str
    section: str
    anchor: str


@dataclass
class SourcesListing:
    """The Sources page's Markdown: headings, and a placeholder for each list of entries
    (cited ones, then uncited ones as Further reading), filled by ``fill_sources``."""

    markdown: str
    cited: list[str]
    uncited: list[str]
    cited_slot: int
    uncited_slot: int | None


def sources_markdown(keys: list[str], cited: set[str], slots: HtmlSlots) -> SourcesListing:
    """Markdown for the Sources page. The headings are Markdown (the table of contents
    reads them); each list of entries is one HTML placeholder, so Markdown never reads
    hundreds of entries, and it can be made before the citation engine has run."""
    cited_keys = [key for key in keys if key in cited]
    uncited = [key for key in keys if key not in cited]
    cited_slot = slots.reserve()
    parts = ["## Cited on this site { #cited }\n", slots.placeholder(cited_slot) + "\n"]
    uncited_slot = None
    if uncited:
        uncited_slot = slots.reserve()
        parts += ["## Further reading { #further-reading }\n", "Sources in the bibliography that no page cites yet.\n",
                  slots.placeholder(uncited_slot) + "\n"]
    return SourcesListing("\n".join(parts), cited_keys, uncited, cited_slot, uncited_slot)


def fill_sources(listing: SourcesListing, styled: Styled, backlinks: dict[str, list[Backlink]],
                 url_of: Callable[[str], str], slots: HtmlSlots) -> None:
    """Each list's entries in the style's bibliography order, with "Cited on" backlinks.
    ``url_of`` turns a page's docs-relative path into its URL relative to the Sources
    page; the post-build link check checks every backlink and its anchor. The backlinks
    are excluded from search: they repeat the site's page titles under every source."""
    for keys, number in ((listing.cited, listing.cited_slot), (listing.uncited, listing.uncited_slot)):
        if number is None:
            continue
        ordered = styled.ordered(keys)
        html = "\n".join(_entry_html(key, styled, backlinks.get(key, []), url_of) for key in ordered)
        slots.fill_in(number, html, [reference_anchor(key) for key in ordered])


def _entry_html(key: str, styled: Styled, links: list[Backlink], url_of: Callable[[str], str]) -> str:
    entry = styled.bibliography[key]
    note = entry.get("custom", {}).get("note", "")
    parts = [f'<div class="source-entry" id="{reference_anchor(key)}">',
             f'<p class="source-reference">{styled.reference_html(key)}</p>']
    if note:
        parts.append(f'<p class="source-note">{escape(note)}</p>')
    if links:
        parts.append('<div class="source-backlinks" data-search-exclude>\n<p>Cited on:</p>\n<ul>')
        parts += [f'<li><a href="{escape(url_of(link.page_path))}#{escape(link.anchor)}">{_link_text(link)}</a></li>'
                  for link in links]
        parts.append("</ul>\n</div>")
    return "\n".join([*parts, "</div>"])


def _link_text(link: Backlink) -> str:
    """The page's title (front-matter text) and section, as literal text."""
    text = link.page_title
    if link.section and link.section != link.page_title:
        text += f" › {link.section}"
    return escape(" ".join(text.split()))
