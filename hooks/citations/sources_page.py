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


def sources_markdown(styled: Styled, backlinks: dict[str, list[Backlink]], url_of: Callable[[str], str],
                     slots: HtmlSlots) -> str:
    """Markdown for the Sources page: cited entries, then uncited ones as Further reading.

    The headings are Markdown (the table of contents reads them); each list of entries
    is one HTML placeholder in ``slots``, filled in after conversion, so Markdown never
    reads hundreds of entries. ``url_of`` turns a page's docs-relative path into its URL
    relative to the Sources page; the post-build link check checks every backlink and
    its anchor.
    """
    keys = styled.ordered(styled.bibliography.keys())  # the style's bibliography order
    cited = [key for key in keys if backlinks.get(key)]
    uncited = [key for key in keys if not backlinks.get(key)]
    parts = ["## Cited on this site { #cited }\n", _entries_slot(cited, styled, backlinks, url_of, slots)]
    if uncited:
        parts.append("## Further reading { #further-reading }\n")
        parts.append("Sources in the bibliography that no page cites yet.\n")
        parts.append(_entries_slot(uncited, styled, {}, url_of, slots))
    return "\n".join(parts)


def _entries_slot(keys: list[str], styled: Styled, backlinks: dict[str, list[Backlink]],
                  url_of: Callable[[str], str], slots: HtmlSlots) -> str:
    entries = "\n".join(_entry_html(key, styled, backlinks.get(key, []), url_of) for key in keys)
    return slots.slot(entries, tuple(reference_anchor(key) for key in keys)) + "\n"


def _entry_html(key: str, styled: Styled, links: list[Backlink], url_of: Callable[[str], str]) -> str:
    entry = styled.bibliography[key]
    note = entry.get("custom", {}).get("note", "")
    parts = [f'<div class="source-entry" id="{reference_anchor(key)}">',
             f'<p class="source-reference">{styled.reference_html(key)}</p>']
    if note:
        parts.append(f'<p class="source-note">{escape(note)}</p>')
    if links:
        parts.append("<p>Cited on:</p>\n<ul>")
        parts += [f'<li><a href="{escape(url_of(link.page_path))}#{escape(link.anchor)}">{_link_text(link)}</a></li>'
                  for link in links]
        parts.append("</ul>")
    return "\n".join([*parts, "</div>"])


def _link_text(link: Backlink) -> str:
    """The page's title (front-matter text) and section, as literal text."""
    text = link.page_title
    if link.section and link.section != link.page_title:
        text += f" › {link.section}"
    return escape(" ".join(text.split()))
