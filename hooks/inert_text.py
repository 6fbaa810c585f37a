"""Front-matter text, made inert for Markdown and HTML alike.

Front-matter values (a content note, a page title in the Sources page's back-links) are
text pasted into Markdown, which then becomes HTML, so escaping ``<`` and ``&`` is not
enough: ``[x](y){onclick=…}`` or ``![](https://tracker.example/)`` are Markdown, not
HTML. Every character either
language gives a meaning is written as a numeric character reference, which Markdown
passes through untouched and the browser shows as the character itself.
"""

from __future__ import annotations

# Markdown's own punctuation (Python-Markdown's escapable characters, plus what
# attr_list, abbr, footnotes, tables and pymdown-extensions read) and HTML's.
_SPECIAL = "\\`*_{}[]()#+!|~^=:<>&\"'$%"
_TABLE = {ord(char): f"&#{ord(char)};" for char in _SPECIAL}


def inert_text(value: object) -> str:
    """``value`` as literal text on one line: no markup of either kind survives.

    A ``markupsafe.Markup`` value (front matter, already escaped for the templates) is
    unescaped first, so it is not escaped twice.
    """
    if hasattr(value, "unescape"):
        value = value.unescape()
    return " ".join(str(value).split()).translate(_TABLE)
