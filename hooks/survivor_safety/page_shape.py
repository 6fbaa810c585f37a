"""The whole finished page against the theme's own rendering of it.

The build renders each page twice: once for real, and once as a *shape probe*, the
same template and context with everything the page's author wrote replaced by neutral
values (a fixed title and description, a table of contents of the same shape with
neutral ids, and two marker elements where the content goes). Both are parsed whole, as
the browser parses them, and walked side by side:

- outside the content, the page must be the probe: the same elements, in the same
  places, with the same attributes. Only values that carry this page's text may differ
  (a ``content``, ``title``, ``aria-label`` or ``alt``, and an in-page ``#id`` link);
  so a heading id or a title that breaks out of its attribute, a ``</title>``, a
  ``<body inert>`` merged into the real body or content that closes the theme's
  ``<article>`` all show up as a difference;
- what sits where the markers sat is the content, and every element of it goes through
  the content allowlist (``content_allowlist``).

Plain Python; no MkDocs import.
"""

from __future__ import annotations

from collections.abc import Iterator
from selectolax.lexbor import LexborHTMLParser, LexborNode

from survivor_safety.content_allowlist import ID, element_problems, link_text_problems
from survivor_safety.html_rules import Violation
from survivor_safety.urls import bidi_control

CONTENT_START = "survivor-safety-content-start"
CONTENT_END = "survivor-safety-content-end"
# Attributes whose value is this page's text: they may differ from the probe's.
TEXT_ATTRIBUTES = frozenset({"content", "title", "aria-label", "alt"})


def probe_content(content: str) -> str:
    """What the shape probe puts where the page's content goes. Material writes its own
    ``<h1>`` when the content has none, so the probe has one exactly when the page has."""
    heading = '<h1 id="survivor-safety-title">Page</h1>' if "<h1" in content else ""
    return f'<span id="{CONTENT_START}"></span>{heading}<span id="{CONTENT_END}"></span>'


def compare(page: LexborHTMLParser, probe: LexborHTMLParser, site_host: str) -> list[Violation]:
    """Every way the page differs from the probe outside its content, then every content
    element the allowlist refuses. Iterative: no page can exhaust the stack."""
    problems: list[Violation] = []
    content: list[LexborNode] = []
    content_text: list[str] = []  # text that sits in the content's place outside any element
    stack: list[tuple[LexborNode, LexborNode]] = [(page.root, probe.root)]
    while stack and not problems:
        real, expected = stack.pop()
        problem = _element_difference(real, expected)
        if problem:
            problems.append(problem)
            break
        real_children, expected_children = _children(real), _children(expected)
        marker = _marker_index(expected_children)
        if marker is None:
            if len(real_children) != len(expected_children):
                problems.append(_moved(real, "holds other elements than the theme's"))
                break
            stack.extend(reversed(list(zip(real_children, expected_children))))
            continue
        start, end = marker
        after = len(expected_children) - end - 1
        if len(real_children) < start + after:
            problems.append(_moved(real, "lost elements the theme writes"))
            break
        for node in real_children[start:len(real_children) - after]:
            if node.is_element_node:
                content.append(node)
            else:
                content_text.append(node.text() or "")
        pairs = list(zip(real_children[:start], expected_children[:start]))
        pairs += list(zip(real_children[len(real_children) - after:], expected_children[end + 1:]))
        stack.extend(reversed(pairs))
    if problems:
        return problems
    theme_ids = {node.attributes.get("id") or "" for node in _elements(probe.root)} - {""}
    found = list(content_problems(content, site_host, frozenset(theme_ids)))
    control = bidi_control("".join(content_text))
    if control:
        found.append(_bidi_problem(control))
    return found


def content_problems(roots: list[LexborNode], site_host: str, theme_ids: frozenset[str]) -> Iterator[Violation]:
    for root in roots:
        for node in _elements(root):
            attributes = node.attributes
            for problem in element_problems(node.tag, attributes, site_host, theme_ids):
                yield Violation(*problem)
            if node.tag == "a" and attributes.get("href"):
                for problem in link_text_problems(node.text(deep=True), attributes["href"] or "", site_host):
                    yield Violation(*problem)
        control = bidi_control(root.text(deep=True))
        if control:
            yield _bidi_problem(control)


def _bidi_problem(control: str) -> Violation:
    return Violation(f"the text contains the invisible control character {control}",
                        "delete it: it makes text read differently from how it is stored", "")


def _element_difference(real: LexborNode, expected: LexborNode) -> Violation | None:
    if real.tag == expected.tag == "-text":
        return None  # this page's text where the theme prints text (a title, a heading)
    if "-text" in (real.tag, expected.tag) and real.tag != expected.tag:
        return _moved(real.parent or real, "holds text where the theme writes none, or none where it writes some")
    if real.tag != expected.tag:
        return _moved(real, f"stands where the theme writes <{expected.tag}>")
    real_attributes, expected_attributes = real.attributes, expected.attributes
    if real_attributes == expected_attributes:
        return None
    if set(real_attributes) != set(expected_attributes):
        extra = sorted(set(real_attributes) ^ set(expected_attributes))
        return _moved(real, f"has other attributes than the theme writes ({', '.join(extra)})")
    for name, value in real_attributes.items():
        wanted = expected_attributes[name]
        if value == wanted or name in TEXT_ATTRIBUTES:
            continue
        if name == "href" and (value or "").startswith("#") and (wanted or "").startswith("#") and ID.match(value[1:]):
            continue  # a table-of-contents entry: this page's own heading id
        return _moved(real, f"has {name}=\"{(value or '')[:60]}\" where the theme writes {name}=\"{(wanted or '')[:60]}\"")
    return None


def _moved(node: LexborNode, what: str) -> Violation:
    return Violation(
        f"the page around the content differs from the theme's: <{node.tag}> {what}",
        "a title, heading or front-matter value was read as markup; write titles and headings as plain "
        "text and heading ids as plain names ({ #my-section })", "")


def _children(node: LexborNode) -> list[LexborNode]:
    """Elements, and text that shows (whitespace between the theme's tags does not)."""
    return [child for child in node.iter(include_text=True)
            if child.is_element_node or (child.tag == "-text" and (child.text() or "").strip())]


def _marker_index(children: list[LexborNode]) -> tuple[int, int] | None:
    start = end = None
    for index, child in enumerate(children):
        identifier = child.attributes.get("id") if child.tag == "span" else None
        if identifier == CONTENT_START:
            start = index
        elif identifier == CONTENT_END:
            end = index
    return (start, end) if start is not None and end is not None else None


def _elements(root: LexborNode) -> Iterator[LexborNode]:
    return (node for node in root.traverse(include_text=False) if node.is_element_node)
