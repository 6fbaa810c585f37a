"""``\\@`` keeps an ``@`` literal, as in Pandoc (its manual: "Citation syntax").

Python-Markdown turns a backslash into an escape only before the characters in its own
list, which has no ``@``: ``team\\@example`` was published with its backslash. This
extension adds ``@`` to that list, so Markdown itself drops the backslash, exactly where
it reads text (never in code). Usable in any Python-Markdown host.
"""

from __future__ import annotations

from markdown import Extension, Markdown


class AtSignEscapes(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        if "@" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS = [*md.ESCAPED_CHARS, "@"]  # a copy: never the class's shared list


def makeExtension(**kwargs) -> AtSignEscapes:  # noqa: N802 - Python-Markdown's entry point name
    return AtSignEscapes(**kwargs)
