"""One walk over a parsed page, shared by every check that reads the finished HTML.

The safety rules, the ``noreferrer`` rewrite and the link scan each need every element
with its tag and attributes; reading them from lexbor once per page, not once per
check, is most of what the three cost. Plain Python, no MkDocs import.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

Element = tuple[LexborNode, str, dict[str, str | None]]  # node, tag, attributes (the first of duplicates)


def elements(tree: LexborHTMLParser) -> list[Element]:
    """Every element of the document, in document order."""
    root = tree.root
    if root is None:
        return []
    return [(node, node.tag, node.attributes) for node in root.traverse(include_text=False) if node.is_element_node]
