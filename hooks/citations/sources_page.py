"""The generated list of every source, with backlinks to every page that cites it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from inert_text import inert_text

from citations.render import Styled, reference_anchor
from citations.slots import HtmlSlots


@dataclass(frozen=True)
class Backlink:
    """One citing place: the page's docs-relative path, its title, section and anchor."""

    page_path: str
    page_title: str
    section: str
    anchor: str


def sources_markdown(styled: Styled, backlinks: dict[str, list[Backlink]], link_prefix: str = "",
                     slots: HtmlSlots | None = None) -> str:
    """Markdown for the Sources page: cited entries, then uncited ones as Further reading.

    ``link_prefix`` is the relative path from the Sources page to the docs root, so the
    backlinks are ordinary Markdown links that MkDocs validates (anchors included). The
    references themselves are HTML in ``slots``, filled in after conversion.
    """
    slots = slots if slots is not None else HtmlSlots()
    keys = styled.ordered(styled.bibliography.keys())  # the style's bibliography order
    cited = [key for key in keys if backlinks.get(key)]
    uncited = [key for key in keys if not backlinks.get(key)]
    parts = ["## Cited on this site { #cited }\n"]
    parts += [_entry_markdown(key, styled, backlinks[key], link_prefix, slots) for key in cited]
    if uncited:
        parts.append("## Further reading { #further-reading }\n")
        parts.append("Sources in the bibliography that no page cites yet.\n")
        parts += [_entry_markdown(key, styled, [], link_prefix, slots) for key in uncited]
    return "\n".join(parts)


def _entry_markdown(key: str, styled: Styled, links: list[Backlink], link_prefix: str, slots: HtmlSlots) -> str:
    entry = styled.bibliography[key]
    note = entry.get("custom", {}).get("note", "")
    note_html = f'\n<p class="source-note">{escape(note)}</p>' if note else ""
    reference = slots.slot(f'<p class="source-reference">{styled.reference_html(key)}</p>{note_html}')
    html = f'<div class="source-entry" id="{reference_anchor(key)}" markdown>\n\n{reference}\n'
    if links:
        items = "\n".join(
            f"- [{_link_text(link)}]({link_prefix}{link.page_path}#{link.anchor})" for link in links
        )
        html += f"\nCited on:\n\n{items}\n"
    return html + "\n</div>\n"


def _link_text(link: Backlink) -> str:
    text = link.page_title
    if link.section and link.section != link.page_title:
        text += f" › {link.section}"
    # A page title is front-matter text: it must not become Markdown (or end the link early).
    return inert_text(text)
