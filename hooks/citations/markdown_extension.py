"""Citations as a Python-Markdown extension, for any Python-Markdown host (issue 22):

    import markdown
    from citations.markdown_extension import CitationsExtension

    md = markdown.Markdown(extensions=[CitationsExtension(bibliography=["refs.yaml"]), "toc"])
    html = md.convert(text)

Markdown itself decides where a citation can stand. An inline processor reads Pandoc's
citation grammar (``citations.syntax``) where Markdown reads text: after code spans and
backslash escapes, so neither can hold a citation, and before links and images, so a
citation in a link's or an image's text is Markdown's text like any other. Each citation
becomes elements of Markdown's tree, never HTML pasted into a string: a heading's id and
table-of-contents entry, and an image's alt text, are made by Markdown from the
citation's text. A citation in a link's text is text (a link cannot hold a link), as in
Pandoc. The References list follows the document.

At most one engine run per document: a pre-pass over the source collects the clusters
not formatted yet (by an earlier document of the same Markdown instance: each cluster's
text does not depend on its document, since every entry is given to every run) for one
Pandoc run; a cluster it missed is formatted by one more run, never dropped.

Plain Python-Markdown; no MkDocs import.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, INLINE_PLACEHOLDER_RE, STX, AtomicString

from citations.bibliography import Bibliography, load_bibliographies
from citations.engine import DEFAULT_STYLE, Engine, Formatted
from citations.exports import engine_items
from citations.markdown_escapes import AtSignEscapes
from citations.render import Styled, citation_anchor, page_clusters, references_html
from citations.syntax import Cluster, find_citations

# Where a citation may start: a bracket ("[@a]", "[see -@a]"), or "@a" or "-@a" in text.
# Zero-width, so that when "-@" starts nothing, its "@" is still asked about.
CITATION_START = r"(?=\[|-?@)"
# After Python-Markdown's code spans (190) and backslash escapes (180), before its links (160).
INLINE_PRIORITY = 175
# How Python-Markdown holds a backslash-escaped character until the end (its code point).
ESCAPED_CHARACTER = re.compile(f"{STX}([0-9]+){ETX}")


class CitationsExtension(Extension):
    def __init__(self, **kwargs) -> None:
        self.config = {
            "bibliography": [[], "bibliography files: CSL-YAML, CSL-JSON or BibTeX"],
            "style": ["", "a CSL style file; APA 7 when empty"],
            "cache_dir": ["", "where the engine keeps its results; none when empty"],
        }
        super().__init__(**kwargs)
        self.citations: DocumentCitations | None = None

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        files = self.getConfig("bibliography")
        paths = [files] if isinstance(files, (str, Path)) else list(files)
        bibliography = load_bibliographies([(path, str(path)) for path in paths])
        style = Path(self.getConfig("style")) if self.getConfig("style") else DEFAULT_STYLE
        cache_dir = Path(self.getConfig("cache_dir")) if self.getConfig("cache_dir") else None
        self.citations = DocumentCitations(bibliography, Engine(style, cache_dir=cache_dir))
        AtSignEscapes().extendMarkdown(md)  # "\@" keeps an @ literal, as in Pandoc
        md.preprocessors.register(CollectClusters(md, self.citations), "citations-collect", 25)
        md.inlinePatterns.register(CitationProcessor(CITATION_START, md, self.citations), "citation", INLINE_PRIORITY)
        md.treeprocessors.register(PlaceReferences(md, self.citations), "citations-references", 15)
        md.registerExtension(self)

    def reset(self) -> None:
        if self.citations is not None:
            self.citations.reset()


class DocumentCitations:
    """The engine's results, and one document's citations of each key so far."""

    def __init__(self, bibliography: Bibliography, engine: Engine) -> None:
        self.bibliography = bibliography
        self.engine = engine
        self.engine_runs = 0
        self.styled: Styled | None = None  # kept from document to document
        self.reset()

    def reset(self) -> None:
        self.counts: dict[str, int] = {}
        self.cited: list[str] = []
        self._scanned: tuple[str, dict[int, Cluster]] = ("", {})

    def format(self, clusters: list[Cluster]) -> None:
        """One engine run for the clusters not formatted yet (the pre-pass's, or one it missed)."""
        done = self.styled.formatted.clusters if self.styled is not None else {}
        texts = [cluster.engine_text for cluster in clusters if cluster.engine_text not in done]
        if not texts and self.styled is not None:
            return
        formatted = self.engine.format(texts, engine_items(self.bibliography))
        self.engine_runs += 1
        if self.styled is not None:  # keep what earlier runs made
            formatted = Formatted({**self.styled.formatted.clusters, **formatted.clusters},
                                  self.styled.formatted.references, self.styled.formatted.order)
        self.styled = Styled(self.bibliography, formatted)

    def cluster_at(self, data: str, start: int) -> Cluster | None:
        """The cluster that starts at ``start`` in ``data``, read as Pandoc reads it. A text
        is read once: Markdown asks again about the same text for each candidate, and
        after a citation is taken out what follows it is unchanged, so clusters are kept
        by their distance from the end."""
        text, by_end = self._scanned
        after = len(data) - start
        if not (data is text or (after <= len(text) and data.endswith(text[len(text) - after:]))):
            text, by_end = data, {len(data) - cluster.start: cluster
                                  for cluster in find_citations(data, self.bibliography.entries, code=False)}
            self._scanned = (text, by_end)
        return self._of_known_keys(by_end.get(after))

    def as_written(self, text: str) -> Cluster | None:
        """``text`` as one cluster of known keys, or None."""
        found = find_citations(text, self.bibliography.entries, code=False)
        if len(found) != 1 or (found[0].start, found[0].end) != (0, len(text)):
            return None
        return self._of_known_keys(found[0])

    def _of_known_keys(self, cluster: Cluster | None) -> Cluster | None:
        if cluster is None or not all(key in self.bibliography.entries for key in cluster.keys):
            return None
        return cluster

    def element(self, cluster: Cluster) -> etree.Element:
        """The cluster as elements: Pandoc's HTML, with each link's id, tooltip and mark."""
        assert self.styled is not None
        if cluster.engine_text not in self.styled.formatted.clusters:
            self.format([cluster])
        anchors = []
        for key in self.styled.link_keys(cluster):
            self.counts[key] = self.counts.get(key, 0) + 1
            anchors.append(citation_anchor(key, self.counts[key]))
        self.cited.extend(key for key in cluster.keys if key not in self.cited)
        return html_elements(self.styled.citation_html(cluster, anchors))


class CollectClusters(Preprocessor):
    """The pre-pass: every cluster of the source, formatted in one engine run."""

    def __init__(self, md: Markdown, citations: DocumentCitations) -> None:
        super().__init__(md)
        self.citations = citations

    def run(self, lines: list[str]) -> list[str]:
        self.citations.format(page_clusters("\n".join(lines), self.citations.bibliography))
        return lines


class CitationProcessor(InlineProcessor):
    def __init__(self, pattern: str, md: Markdown, citations: DocumentCitations) -> None:
        super().__init__(pattern, md)
        self.citations = citations

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's name
        cluster = self.citations.cluster_at(data, m.start())
        if cluster is None:
            return None, None, None
        end = m.start() + cluster.end - cluster.start
        if STX in cluster.text:  # it holds what Markdown has already read: read it as written
            # (its placeholders' text first; an escaped character's is STX, code point, ETX)
            written = ESCAPED_CHARACTER.sub(lambda escaped: "\\" + chr(int(escaped[1])), self.unescape(cluster.text))
            cluster = self.citations.as_written(written)
            if cluster is None:
                return None, None, None
        return self.citations.element(cluster), m.start(), end


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class PlaceReferences(Treeprocessor):
    """A citation in a link's text loses its own link; one in a heading, its verification
    mark (the heading's id, made next from its text, stays the same when a source is
    verified); the References list ends the document."""

    def __init__(self, md: Markdown, citations: DocumentCitations) -> None:
        super().__init__(md)
        self.citations = citations

    def run(self, root: etree.Element) -> None:
        for image in root.iter("img"):
            if INLINE_PLACEHOLDER_RE.search(image.get("alt", "")):
                image.set("alt", self._text_of_placeholders(image.get("alt")))
        for heading in (element for element in root.iter() if element.tag in HEADINGS):
            for parent in list(heading.iter()):
                for mark in [child for child in parent if "citation-status" in child.get("class", "").split()]:
                    _remove_keeping_tail(parent, mark)
        for link in root.iter("a"):
            for inner in link.iter("a"):
                if inner is not link:
                    inner.tag = "span"
                    for name in ("href", "role", "id"):
                        inner.attrib.pop(name, None)
        if self.citations.cited and self.citations.styled is not None:
            heading = etree.SubElement(root, "h2", {"id": "references"})
            heading.text = "References"
            root.append(html_elements(references_html(self.citations.cited, self.citations.styled)))

    def _text_of_placeholders(self, value: str) -> str:
        """Python-Markdown writes an image's description into alt one level deep: a link
        there whose text holds a citation left its placeholder. Each becomes its text."""
        stashed = getattr(self.md.treeprocessors["inline"], "stashed_nodes", {})

        def text(match) -> str:
            node = stashed.get(match[1])
            return node if isinstance(node, str) else "".join(node.itertext()) if node is not None else ""

        return INLINE_PLACEHOLDER_RE.sub(text, value)


def _remove_keeping_tail(parent: etree.Element, child: etree.Element) -> None:
    """Remove ``child``; its tail joins the text before it, less the space before the mark."""
    index = list(parent).index(child)
    tail = child.tail or ""
    if index:
        previous = parent[index - 1]
        previous.tail = AtomicString((previous.tail or "").rstrip(" ") + tail)
    else:
        parent.text = AtomicString((parent.text or "").rstrip(" ") + tail)
    parent.remove(child)


def html_elements(html: str) -> etree.Element:
    """One element from an HTML fragment the engine wrote; its text stays text
    (``AtomicString``: Markdown reads none of it again)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


class _TreeBuilder(HTMLParser):
    VOID = frozenset({"br", "img", "wbr", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: etree.Element | None = None
        self.open: list[etree.Element] = []

    def handle_starttag(self, tag, attrs) -> None:
        element = etree.Element(tag, {name: value or "" for name, value in attrs})
        if self.open:
            self.open[-1].append(element)
        else:
            assert self.root is None, "one element expected"
            self.root = element
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag) -> None:
        while self.open and self.open.pop().tag != tag:
            pass

    def handle_data(self, data) -> None:
        if not self.open:
            return  # whitespace between top-level pieces
        current = self.open[-1]
        if len(current):
            current[-1].tail = AtomicString((current[-1].tail or "") + data)
        else:
            current.text = AtomicString((current.text or "") + data)


def makeExtension(**kwargs) -> CitationsExtension:  # noqa: N802 - Python-Markdown's entry point name
    return CitationsExtension(**kwargs)
