"""The letter page: every paragraph exactly as written, numbered, with a stable anchor,
and under a paragraph that names a source, a line citing it from the bibliography.

The text is escaped for Markdown character by character, so nothing in it can become
markup; addresses written in the letter become links.
"""

from __future__ import annotations

from letter.paragraphs import URL, Paragraph

# Python-Markdown's backslash escapes (its ESCAPED_CHARS, plus '|' from tables).
MARKDOWN_ESCAPES = frozenset("\\`*_{}[]()>#+-.!|")
HTML_ESCAPES = {"&": "&amp;", "<": "&lt;"}


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders to exactly ``text``; web addresses as links."""
    pieces, position = [], 0
    for match in URL.finditer(text):
        pieces.append(_escape_plain(text[position:match.start()]))
        pieces.append(f"<{match[0]}>")
        position = match.end()
    pieces.append(_escape_plain(text[position:]))
    return "".join(pieces)


def letter_markdown(paragraphs: list[Paragraph], sources: dict[int, str], classes: dict[int, str],
                    notes: dict[int, str] | None = None) -> str:
    """Markdown for the letter's text. ``sources`` maps a paragraph number to Markdown
    citing what it names; ``classes`` gives some paragraphs an extra CSS class (the
    federal request's questions, the announcement's title); ``notes``, a content note's
    Markdown to put right before the paragraph it covers."""
    blocks = []
    for paragraph in paragraphs:
        if notes and paragraph.number in notes:
            blocks.append(notes[paragraph.number])
        extra = f" .{classes[paragraph.number]}" if paragraph.number in classes else ""
        number = f"[¶{paragraph.number}](#{paragraph.anchor}){{ .letter-number }}"
        blocks.append(f"{number} {escape_markdown(paragraph.text)}\n"
                      f"{{ #{paragraph.anchor} .letter-paragraph{extra} }}")
        if paragraph.number in sources:
            blocks.append(f"{sources[paragraph.number]}\n{{ .letter-sources }}")
    return "\n\n".join(blocks) + "\n"


# One table for both: str.translate escapes the whole text in one pass.
_ESCAPE_TABLE = {ord(ch): "\\" + ch for ch in MARKDOWN_ESCAPES} | {ord(ch): value for ch, value in HTML_ESCAPES.items()}


def _escape_plain(text: str) -> str:
    return text.translate(_ESCAPE_TABLE)
