"""Content notes: information and choice, not alarm.

Evidence (Bridgland, Jones & Bellet 2023) finds warnings do not reduce distress and can
raise anticipatory anxiety, so the note is short, specific, calm and always visible,
and it offers choices: skip ahead, leave the page, or read about staying safe.
"""

from __future__ import annotations

import re
from html import escape

from inert_text import inert_text

FIRST_H1 = re.compile(r"^# .*$", re.MULTILINE)
# An in-page target: '#' and an id of letters, digits, '-', '_', '.' (what the toc
# extension writes), so it can go into a Markdown link unchanged.
SKIP_TO = re.compile(r"^#[A-Za-z][A-Za-z0-9_.\-]*$")


def content_note_markdown(note: str, exit_url: str, safety_page: str, skip_to: str = "",
                          skip_label: str = "", label: str = "Content note") -> str:
    """The note as a Markdown block (md_in_html), so MkDocs validates its links.

    ``safety_page`` and ``skip_to`` are ordinary Markdown link targets (a relative .md
    path, an ``#anchor`` checked against ``SKIP_TO``); front-matter text is made inert.
    """
    options = []
    if skip_to:
        if not SKIP_TO.match(skip_to):
            raise ValueError(f"'{skip_to}' is not an #id")
        options.append(f"[{_markdown_text(skip_label or 'Skip ahead')}]({skip_to})")
    # Not the header's classes (the content allowlist reserves them): the exit script
    # binds this class too, and always goes to the button's destination.
    options.append(f'<a class="content-note__exit" href="{escape(exit_url)}" rel="nofollow noreferrer">'
                   "Exit this page</a> (or press Shift three times)")
    options.append(f"[Read about staying safe online]({safety_page})")
    items = "\n".join(f"- {option}" for option in options)
    return (
        f'<aside class="content-note" aria-label="{escape(label)}" markdown>\n\n'
        f"**Content note:** {_markdown_text(note)}\n\n"
        '<div class="content-note__options" markdown>\n\n'
        f"You can stop reading at any time:\n\n{items}\n\n"
        "</div>\n\n"
        "</aside>"
    )


def _markdown_text(text: str) -> str:
    """Front-matter text as literal text: no Markdown or HTML in it takes effect."""
    return inert_text(text)


def insert_after_title(markdown: str, block: str) -> str:
    """Place ``block`` right after the first level-1 heading (or at the top if none)."""
    match = FIRST_H1.search(markdown)
    if not match:
        return f"{block}\n\n{markdown}"
    return f"{markdown[:match.end()]}\n\n{block}\n{markdown[match.end():]}"
