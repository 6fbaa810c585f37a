"""The citations found on a page are the ones Pandoc finds (citations/syntax.py).

Every case is one paragraph. For each, the clusters ``find_citations`` returns are
compared with the ``Cite`` elements of ``pandoc -f markdown -t json`` on the same
paragraph: the same number, the same keys and modes, the same text. The cases are our
own, one or more per rule of the Pandoc manual's "Citation syntax" section, plus the
silent failures and false alarms of the earlier hand-written parser.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from selectolax.lexbor import LexborHTMLParser

from citations.engine import pandoc_binary
from citations.syntax import CitationItem, find_citations, mask_code
from conftest import assert_linear_work

KEYS = frozenset({
    "a", "b", "c", "doe99", "smith04", "smith2000", "doe:2020", "Doe2020", "curly.key", "müller2020",
    "_under", "1999report", "a-b", "x/y", "a.b.c", "k#1", "a+b", "q?r", "t~u", "p<q", "amp&co", "per%c",
    "dol$", "with spaces}", "https://example.org/x",
})

# (rule, paragraph): what Pandoc finds in each is the expected answer.
CASES = [
    # Bracketed clusters: one key, several keys, prefixes, suffixes
    ("one key", "Blah blah [@doe99]."),
    ("semicolons", "Blah blah [@doe99; @smith2000; @smith04]."),
    ("prefix and locator", "Blah [see @doe99, pp. 33-35; also @smith04, chap. 1]."),
    ("locator and suffix", "Blah [@doe99, pp. 33-35, 38-39 and *passim*]."),
    ("suffix without comma", "Blah [@doe99 and elsewhere]."),
    ("prefix with emphasis", "Blah [*see* @doe99]."),
    ("suppress author", "Smith says blah [-@smith04]."),
    ("suppress author with locator", "Smith says blah [-@smith04, p. 44]."),
    ("prefix before suppressed", "Smith [see -@smith04]."),
    ("wrapped over two lines", "As shown [@a;\n@b]."),
    ("spaces inside the brackets", "Blah [ @a ; @b ]."),
    # Locators: every en-US term Pandoc knows, braces, several pages, ranges
    *[(f"locator term {term}", f"Blah [@a, {term} 3].") for term in (
        "bk.", "chap.", "chaps.", "chapter", "fig.", "no.", "l.", "ll.", "n.", "op.", "p.", "pp.",
        "page", "para.", "paras.", "pt.", "sec.", "section", "s.v.", "v.", "vv.", "vol.", "¶", "§")],
    ("braced locator", "Blah [@a, {1.2-1.3}]."),
    ("braced locator after key", "Blah [@a{ii, A, D-Z}, with a suffix]."),
    ("braced locator with punctuation", "Blah [@a, {pp. iv, vi-xi, (xv)-(xvii)} with suffix here]."),
    ("empty braced locator", "Blah [@a{}, 99 years later]."),
    ("several pages", "Blah [@a, p. 3, 5]."),
    ("short range", "Blah [@a, 123-79]."),
    ("word after comma", "Blah [@a, civil]."),
    ("roman numerals", "Blah [@a, p. iv]."),
    # Brackets and punctuation around clusters (the silent failures)
    ("brackets inside a suffix", "Blah [@a, p. 3 [emphasis added]]."),
    ("colon right after", "According to [@a]: the results hold."),
    ("bracket right before", "See [x][@a] for more."),
    ("nested brackets twice", "Blah [@a, [x] and [y]]."),
    # Ordinary text that is not a citation
    ("at sign on its own", "Let's [meet @ 5pm] today."),
    ("mentions after a semicolon", "Here is [a list; of @-mentions]."),
    ("no key at all", "Plain [brackets] here."),
    ("e-mail address", "Write to team@example.org today."),
    ("e-mail in brackets", "Write [to team@example.org] today."),
    ("key after a period", "Ask e.g.@a today."),
    ("empty key", "Blah [@] here."),
    ("key starting with punctuation", "Blah [@-a] here."),
    ("unclosed bracket", "Blah [@a and more"),
    ("link after cluster", "Blah [@a](https://example.org/) here."),
    ("reference link after cluster", "Blah [@a][ref] here.\n\n[ref]: https://example.org/"),
    ("link title", 'See [x](https://example.org/ "[@a] and @a") here.'),
    ("reference definition title", 'See [x][r] here.\n\n[r]: https://example.org/ "[@a]"\n\nAfter [@a].'),
    ("reference definition title on the next line", 'See [x][r].\n\n[r]: https://example.org/\n  "[@a]"\n\nAnd [@b].'),
    ("footnote definition", "Noted.[^n]\n\n[^n]: A note [@a]."),
    ("reference definition with brackets in its label", 'See [a [b] c].\n\n[a [b] c]: https://example.org/ "[@a]"'),
    ("reference definition with attributes", 'See [r].\n\n[r]: https://example.org/ "[@a]" {.note}\n\nAnd [@b].'),
    ("text after a reference definition's title", 'See [r].\n\n[r]: https://example.org/ "[@a]" and more'),
    ("cluster where a definition's label stands", "[@a]: https://example.org/"),
    ("colon after a cluster opening a paragraph", "[@a]: the results hold."),
    ("attributes after cluster", "Blah [@a]{.note} here."),
    ("escaped bracket", "Blah \\[@a] here."),
    ("escaped at sign", "Blah [\\@a] here."),
    ("footnote reference", "Blah[^1] here.\n\n[^1]: A note."),
    ("link containing an at sign", "See [the post](https://example.org/@a) here."),
    ("autolink", "See <https://example.org/@a> here."),
    ("raw HTML attribute", 'See <span title="@a">x</span> here.'),
    ("code span", "Write `[@a]` to cite."),
    ("HTML comment", "Before <!-- [@a] --> after."),
    # Keys: case, Unicode, internal punctuation, braces, trailing punctuation
    ("colon in key", "Blah [@doe:2020]."),
    ("capitals in key", "Blah [@Doe2020]."),
    ("Unicode key", "Blah [@müller2020]."),
    ("underscore first", "Blah [@_under]."),
    ("digit first", "Blah [@1999report]."),
    ("hyphen in key", "Blah [@a-b]."),
    ("slash in key", "Blah [@x/y]."),
    ("periods in key", "Blah [@a.b.c]."),
    ("hash in key", "Blah [@k#1]."),
    ("plus in key", "Blah [@a+b]."),
    ("question mark in key", "Blah [@q?r]."),
    ("tilde in key", "Blah [@t~u]."),
    ("less-than in key", "Blah [@p<q]."),
    ("ampersand in key", "Blah [@amp&co]."),
    ("percent in key", "Blah [@per%c]."),
    ("braced key", "Blah [@{curly.key}]."),
    ("braced URL key", "Blah [@{https://example.org/x}]."),
    ("trailing period", "Blah [@a.]."),
    ("trailing comma", "Blah @a, then more."),
    ("trailing colon", "Blah [@doe:]."),
    ("double punctuation ends key", "Blah [@a--b]."),
    # In-text citations
    ("in-text", "@smith04 says blah."),
    ("in-text with locator", "@smith04 [p. 33] says blah."),
    ("in-text with locator and more", "@smith04 [p. 33; see also @doe99] says blah."),
    ("in-text then cluster", "@smith04 [@doe99] says blah."),
    ("in-text suppressed", "-@smith04 says blah."),
    ("in-text at line start", "Text\n@a continues."),
    ("in-text followed by link", "@a [x](https://example.org/) here."),
    ("in-text in emphasis", "*@a* says."),
    ("in-text after hyphen", "Pre-@a here."),
    ("in-text after bracket", "([@a]) here."),
    ("in-text locator on next line", "@a\n[p. 4] says."),
    ("in-text with parenthesis after", "@a [p. 4](x) says."),
    ("two in-text", "@a and @b agree."),
    ("nested in-text in suffix", "Blah [@a, and @b too]."),
    ("nested cluster in suffix", "Blah [@a, see [@b]]."),
]

# In-text @words that are not keys: Pandoc makes them citations, this site leaves them
# text (its one deliberate difference), and never with a bracket that follows.
MENTIONS = [
    ("handle", "Follow @survivorvoices for news."),
    ("handle with locator", "Ask @someone [today] please."),
    ("unknown in-text before known", "@someone said [@a]."),
]


def pandoc_cites(markdown: str) -> list[dict]:
    """Top-level Cite elements of Pandoc's parse: keys, modes and raw text."""
    completed = subprocess.run([str(pandoc_binary()), "-f", "markdown", "-t", "json"], input=markdown,
                               capture_output=True, text=True, check=True)
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                citations, raw = node["c"]
                nested = []
                for citation in citations:
                    for part in citation["citationPrefix"] + citation["citationSuffix"]:
                        nested.extend(_cites_in(part))
                found.append({
                    "items": [(c["citationId"], c["citationMode"]["t"]) for c in citations],
                    "nested": nested,
                    "text": _stringify(raw),
                })
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(completed.stdout)["blocks"])
    return found


def _cites_in(node) -> list[str]:
    keys = []
    if isinstance(node, dict):
        if node.get("t") == "Cite":
            for citation in node["c"][0]:
                keys.append(citation["citationId"])
                for part in citation["citationPrefix"] + citation["citationSuffix"]:
                    keys.extend(_cites_in(part))
            return keys
        for value in node.values():
            keys.extend(_cites_in(value))
    elif isinstance(node, list):
        for value in node:
            keys.extend(_cites_in(value))
    return keys


def _stringify(inlines) -> str:
    parts = []
    for inline in inlines:
        if inline["t"] == "Str":
            parts.append(inline["c"])
        elif inline["t"] in ("Space", "SoftBreak"):
            parts.append(" ")
    return "".join(parts)


def ours(markdown: str) -> list[dict]:
    mode = {(False, False): "NormalCitation", (True, False): "SuppressAuthor",
            (False, True): "AuthorInText", (True, True): "SuppressAuthor"}
    return [{
        "items": [(item.key, mode[(item.suppress_author, item.in_text)]) for item in cluster.items],
        "nested": [item.key for item in cluster.nested],
        "text": " ".join(cluster.text.split()),
    } for cluster in find_citations(markdown, KEYS)]


@pytest.mark.parametrize(("rule", "paragraph"), CASES, ids=[rule for rule, _ in CASES])
def test_clusters_are_the_ones_pandoc_finds(rule, paragraph):
    expected = pandoc_cites(paragraph)
    found = ours(paragraph)
    for cite in expected + found:
        # Pandoc's raw text spells a cluster as written, up to spacing, and an in-text
        # -@key without its '-'.
        cite["text"] = " ".join(cite["text"].split()).removeprefix("-")
    assert found == expected


def test_corpus_covers_every_kind_of_case():
    """The corpus has clusters, in-text citations and non-citations (the test above
    would pass vacuously on a corpus of plain text)."""
    found = [pandoc_cites(paragraph) for _, paragraph in CASES]
    assert sum(1 for cites in found if not cites) >= 15
    modes = {mode for cites in found for cite in cites for _, mode in cite["items"]}
    assert modes == {"NormalCitation", "SuppressAuthor", "AuthorInText"}
    assert len(CASES) >= 100


@pytest.mark.parametrize(("rule", "paragraph"), MENTIONS, ids=[rule for rule, _ in MENTIONS])
def test_mentions_that_are_not_keys_stay_text(rule, paragraph):
    pandoc_keys = {key for cite in pandoc_cites(paragraph) for key, _ in cite["items"]}
    assert pandoc_keys - KEYS, "Pandoc reads an unknown @word as a citation"
    assert all(key in KEYS for cite in ours(paragraph) for key, _ in cite["items"])


def test_mentions_inside_a_cluster_are_escaped_for_the_engine():
    (cluster,) = find_citations("Blah [@a, thanks @someone].", KEYS)
    assert cluster.engine_text == "[@a, thanks \\@someone]"
    assert cluster.keys == ["a"]


def test_line_numbers_and_offsets():
    markdown = "# Title\n\nFirst [@a].\n\nSecond [@b].\n"
    clusters = find_citations(markdown, KEYS)
    assert [c.line for c in clusters] == [3, 5]
    assert [markdown[c.start:c.end] for c in clusters] == ["[@a]", "[@b]"]


def test_code_blocks_and_front_matter_are_never_read():
    markdown = ("---\ntitle: '[@a]'\n---\n\n```\n[@a]\n```\n\n    [@b] indented code\n\n"
                "~~~md\n@a says\n~~~\n\nReal [@c].\n")
    assert [c.items for c in find_citations(markdown, KEYS)] == [(CitationItem("c"),)]


@pytest.mark.parametrize("opener", ["!!! note", '!!! warning "Title"', "??? note", "???+ note", "[^1]:"])
def test_indented_bodies_are_text_and_code_inside_them_is_code(opener):
    """An admonition's, a details box's or a footnote's body is indented by four, as
    Python-Markdown reads it: text. Code in it is indented by four more. A line back at
    the margin ends the body, and indented code after it is code again."""
    markdown = (f"{opener}\n\n    Body [@a].\n\n        [@b] code in the body\n\n    More [@c].\n\n"
                "After.\n\n    [@doe99] code after the body\n")
    assert [cluster.keys for cluster in find_citations(markdown, KEYS)] == [["a"], ["c"]]
    # Python-Markdown, with the site's extensions, reads it the same way.
    import markdown as python_markdown

    html = python_markdown.markdown(f"x[^1]\n\n{markdown}", extensions=["admonition", "pymdownx.details", "footnotes"])
    in_code = {node.text() for node in LexborHTMLParser(html).css("code")}
    assert in_code == {"[@b] code in the body\n", "[@doe99] code after the body\n"}, html


def test_masking_keeps_offsets():
    markdown = "a `[@x]` b\n\n```\n[@y]\n```\n"
    assert len(mask_code(markdown)) == len(markdown)
    assert "[@x]" not in mask_code(markdown)


@pytest.mark.parametrize("unit", ["[see ", "[", "[@a, [", "@a [", "[-@", "[x](", "[@a; ", "\\[@a "])
def test_hostile_brackets_take_linear_work(unit):
    assert_linear_work(lambda text: find_citations(text, KEYS), unit)


def corpus_bibliography() -> list[dict]:
    """One book per key the corpus cites (bracketed keys need not be in KEYS), so that
    Pandoc can format every citation."""
    cited = {key for _, paragraph in CASES for cluster in find_citations(paragraph, KEYS) for key in cluster.keys}
    return [{"id": key, "type": "book", "title": f"Book {index}", "author": [{"family": f"Author{index}"}],
             "issued": {"date-parts": [[2000 + index]]}, "publisher": "Press"}
            for index, key in enumerate(sorted(KEYS | cited))]


def test_rendered_text_is_the_text_pandoc_renders(tmp_path):
    """Pandoc formats each paragraph of the corpus in context; the site formats each cluster
    on its own (one engine run for the whole site). The citations read the same."""
    from citations.engine import DEFAULT_STYLE, Engine

    items = corpus_bibliography()
    bibliography = tmp_path / "corpus.json"
    bibliography.write_text(json.dumps(items), encoding="utf-8")
    paragraphs = [paragraph for _, paragraph in CASES]
    found = [find_citations(paragraph, KEYS) for paragraph in paragraphs]
    formatted = Engine(DEFAULT_STYLE, cache_dir=None).format(
        [cluster.engine_text for clusters in found for cluster in clusters], items)
    for paragraph, clusters in zip(paragraphs, found):
        html = subprocess.run(
            [str(pandoc_binary()), "-f", "markdown", "-t", "html5", "--citeproc", f"--csl={DEFAULT_STYLE}",
             f"--bibliography={bibliography}", "-M", "suppress-bibliography=true"],
            input=paragraph, capture_output=True, text=True, check=True).stdout
        expected = [" ".join(span.text().split()) for span in LexborHTMLParser(html).css("span.citation")
                    if not any(parent.tag == "span" and "citation" in (parent.attributes.get("class") or "")
                               for parent in _parents(span))]
        ours = [" ".join(LexborHTMLParser(formatted.clusters[cluster.engine_text]).text().split())
                for cluster in clusters]
        assert ours == expected, paragraph


def _parents(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent
