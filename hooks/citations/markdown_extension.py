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
Pandoc run; a cluster it missed is formatted by one more run, never dropped. A host that
formats a whole site in one run gives the extension that run's results instead
(``DocumentCitations.use``); the pre-pass then has nothing to do.

After a document, ``DocumentCitations`` holds what it cites (``cited``) and where
(``sites``: each citation link's id and the heading it stands under), for a host's list
of sources.

Plain Python-Markdown; no MkDocs import.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path

from markdown import Extension, Markdown
from markdown.blockprocessors import ReferenceProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, INLINE_PLACEHOLDER_RE, STX, AtomicString

from citations.bibliography import Bibliography, load_bibliographies
from citations.engine import DEFAULT_STYLE, Engine, Formatted
from citations.exports import engine_items
from citations.markdown_escapes import AtSignEscapes
from citations.render import CitationSite, Styled, UnknownKeyError, citation_anchor, page_clusters, references_html
from citations.syntax import Cluster, find_citations, whole_cluster

# Where a citation may start: a bracket ("[@a]", "[see -@a]"), or "@a" or "-@a" in text.
# Zero-width, so that when "-@" starts nothing, its "@" is still asked about.
CITATION_START = r"(?=\[|-?@)"
# After Python-Markdown's code spans (190) and backslash escapes (180), before its links (160).
INLINE_PRIORITY = 175
# How Python-Markdown holds a backslash-escaped character until the end (its code point).
ESCAPED_CHARACTER = re.compile(f"{STX}([0-9]+){ETX}")


class CitationsExtension(Extension):
    """``bibliography``, ``style`` and ``cache_dir`` as settings; or ``citations``, a
    ``DocumentCitations`` its host has made (MkDocs' hook does: its bibliography is
    loaded and checked once per build, and its errors name the page)."""

    def __init__(self, citations: DocumentCitations | None = None, **kwargs) -> None:
        self.config = {
            "bibliography": [[], "bibliography files: CSL-YAML, CSL-JSON or BibTeX"],
            "style": ["", "a CSL style file; APA 7 when empty"],
            "cache_dir": ["", "where the engine keeps its results; none when empty"],
        }
        super().__init__(**kwargs)
        self.citations = citations

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        if self.citations is None:  # once: a host may make a Markdown instance per document
            files = self.getConfig("bibliography")
            paths = [files] if isinstance(files, (str, Path)) else list(files)
            bibliography = load_bibliographies([(path, str(path)) for path in paths])
            style = Path(self.getConfig("style")) if self.getConfig("style") else DEFAULT_STYLE
            cache_dir = Path(self.getConfig("cache_dir")) if self.getConfig("cache_dir") else None
            self.citations = DocumentCitations(bibliography, Engine(style, cache_dir=cache_dir))
        AtSignEscapes().extendMarkdown(md)  # "\@" keeps an @ literal, as in Pandoc
        md.preprocessors.register(CollectClusters(md, self.citations), "citations-collect", 25)
        md.parser.blockprocessors.register(DefinitionsOfNoCitation(md.parser), "reference", 15)
        md.inlinePatterns.register(CitationProcessor(CITATION_START, md, self.citations), "citation", INLINE_PRIORITY)
        # After attr_list (8) has taken "{ #id }" off headings, before toc and MkDocs read ids (5).
        md.treeprocessors.register(PlaceReferences(md, self.citations), "citations-references", 6)
        md.registerExtension(self)

    def reset(self) -> None:
        if self.citations is not None:
            self.citations.reset()


class DocumentCitations:
    """The engine's results, kept from document to document, and what one document cites."""

    def __init__(self, bibliography: Bibliography, engine: Engine) -> None:
        self.bibliography = bibliography
        self.engine = engine
        self.engine_runs = 0
        self.styled: Styled | None = None
        self.collected = False  # True: the host formatted every document's clusters already
        self.start("")

    def start(self, source: str) -> None:
        """A new document, whose Markdown is ``source``."""
        self.source = source
        self.cited: list[str] = []            # the keys it cites, first citation first
        self.sites: list[CitationSite] = []   # its citation links, in document order
        self.unmarked: dict[str, str] = {}    # a citation's text -> the same without verification marks
        self._scanned: tuple[str, dict[int, Cluster]] = ("", {})

    def reset(self) -> None:
        self.start("")

    def use(self, formatted: Formatted) -> None:
        """The results of one engine run over every document the host will convert."""
        self.styled = Styled(self.bibliography, formatted)
        self.collected = True

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
        """``text`` as one cluster, or None."""
        return self._of_known_keys(whole_cluster(text, self.bibliography.entries))

    def _of_known_keys(self, cluster: Cluster | None) -> Cluster | None:
        """``cluster``, all of whose keys the bibliography has; an unknown one is an error."""
        if cluster is not None:
            for key in cluster.keys:
                if key not in self.bibliography.entries:
                    self.unknown_key(key, cluster.text)
        return cluster

    def unknown_key(self, key: str, written: str) -> None:
        """A citation (``written``) of a key the bibliography lacks, found by Markdown's
        reading; a host may override this to say so in its own words."""
        raise UnknownKeyError(key, self.line_of(written))

    def line_of(self, text: str) -> int:
        """The line of the document's source where ``text`` first stands (1 if nowhere)."""
        position = self.source.find(text)
        return self.source.count("\n", 0, position) + 1 if position >= 0 else 1

    def element(self, cluster: Cluster) -> etree.Element:
        """The cluster as elements: Pandoc's HTML, each link with its tooltip and mark
        (its id comes when the document is whole, in document order)."""
        if self.styled is None or cluster.engine_text not in self.styled.formatted.clusters:
            self.format([cluster])
        self.cited.extend(key for key in cluster.keys if key not in self.cited)
        element = html_elements(self.styled.citation_html(cluster))
        shown, unmarked = "".join(element.itertext()), _text_without_marks(element)
        if shown != unmarked:
            self.unmarked[shown] = unmarked
        return element


class CollectClusters(Preprocessor):
    """The pre-pass: every cluster of the source, formatted in one engine run."""

    def __init__(self, md: Markdown, citations: DocumentCitations) -> None:
        super().__init__(md)
        self.citations = citations

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        self.citations.start(source)
        if not self.citations.collected:
            clusters = page_clusters(source, self.citations.bibliography)
            if clusters:
                self.citations.format(clusters)
        return lines


class DefinitionsOfNoCitation(ReferenceProcessor):
    """Python-Markdown's link reference definitions, but a label that is a citation
    makes none: "[@a]: ..." is a citation and text, as Pandoc reads it (Python-Markdown
    would take the line as a definition, and the citation would vanish)."""

    def __init__(self, parser) -> None:
        super().__init__(parser)
        self.RE = _DefinitionPattern(ReferenceProcessor.RE)


class _DefinitionPattern:
    """``ReferenceProcessor.RE`` as ``ReferenceProcessor.run`` uses it (``search`` and
    ``finditer``), passing over the matches whose label is a citation."""

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern

    def finditer(self, block: str, position: int = 0):
        return (match for match in self.pattern.finditer(block, position) if whole_cluster(f"[{match[1]}]") is None)

    def search(self, block: str):
        return next(self.finditer(block), None)


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


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class PlaceReferences(Treeprocessor):
    """The document's citations, now that it is whole. A citation in a link's text loses
    its own link; one in a heading or an image's alt text, its verification mark (the
    heading's id, made next from its text, stays the same when a source is verified).
    Each citation link gets its id in document order (``cite-<key>-<n>``) and is recorded
    with the heading it stands under. The References list ends the text, before any
    footnotes, as in Pandoc."""

    def __init__(self, md: Markdown, citations: DocumentCitations) -> None:
        super().__init__(md)
        self.citations = citations

    def run(self, root: etree.Element) -> None:
        for image in root.iter("img"):
            self._alt_as_text(image)
        if not self.citations.cited:
            return
        for heading in (element for element in root.iter() if element.tag in HEADINGS):
            for parent in list(heading.iter()):
                for mark in [child for child in parent if "citation-status" in child.get("class", "").split()]:
                    _remove_keeping_tail(parent, mark)
        for link in root.iter("a"):
            for inner in link.iter("a"):
                if inner is not link:
                    inner.tag = "span"
                    for name in ("href", "role", "id", "title"):
                        inner.attrib.pop(name, None)
        self._number_citation_links(root)
        self._append_references(root)

    def _number_citation_links(self, root: etree.Element) -> None:
        counts: dict[str, int] = {}
        section = ""
        for element in root.iter():
            if element.tag in HEADINGS:
                section = " ".join("".join(element.itertext()).split())
            elif element.tag == "a" and element.get("role") == "doc-biblioref":
                key = self.citations.styled.key_of_link(element.get("href", ""))
                counts[key] = counts.get(key, 0) + 1
                anchor = citation_anchor(key, counts[key])
                element.set("id", anchor)
                self.citations.sites.append(CitationSite(key, anchor, section))

    def _append_references(self, root: etree.Element) -> None:
        heading = etree.Element("h2", {"id": "references", "data-search-exclude": ""})
        heading.text = "References"
        footnotes = [index for index, child in enumerate(root) if "footnote" in child.get("class", "").split()]
        at = footnotes[-1] if footnotes else len(root)
        root.insert(at, heading)
        root.insert(at + 1, html_elements(references_html(self.citations.cited, self.citations.styled)))

    def _alt_as_text(self, image: etree.Element) -> None:
        """An image's alt text holds a citation's text without its verification mark, as
        headings do (Python-Markdown wrote the text of the citation's elements there)."""
        alt = image.get("alt", "")
        if INLINE_PLACEHOLDER_RE.search(alt):
            alt = self._text_of_placeholders(alt)
        for shown, unmarked in self.citations.unmarked.items():
            alt = alt.replace(shown, unmarked)
        if alt != image.get("alt", ""):
            image.set("alt", alt)

    def _text_of_placeholders(self, value: str) -> str:
        """Python-Markdown writes an image's description into alt one level deep: a link
        there whose text holds a citation left its placeholder. Each becomes its text."""
        stashed = getattr(self.md.treeprocessors["inline"], "stashed_nodes", {})

        def text(match) -> str:
            node = stashed.get(match[1])
            return node if isinstance(node, str) else "".join(node.itertext()) if node is not None else ""

        return INLINE_PLACEHOLDER_RE.sub(text, value)


def _text_without_marks(element: etree.Element) -> str:
    """The element's text, less that of its verification marks (and the space before each)."""
    pieces = [element.text or ""]
    for child in element:
        if "citation-status" in child.get("class", "").split():
            pieces[-1] = pieces[-1].rstrip(" ")
        else:
            pieces.append(_text_without_marks(child))
        pieces.append(child.tail or "")
    return "".join(pieces)


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
