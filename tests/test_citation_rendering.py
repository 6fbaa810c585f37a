"""Citations and entries are Pandoc citeproc's own output (citations/engine.py, render.py).

The reference: ``pandoc --citeproc`` run directly on the fixture's CSL-YAML file, as any
Pandoc user would run it. The site reads the same file with its own loader, formats it
through ``Engine`` and shapes it for pages with ``Styled``; every entry and every in-text
citation must come out with the same text.
"""

from __future__ import annotations

import os
import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from citations.bibliography import load_bibliography, parse_bibliography
from citations.engine import DEFAULT_STYLE, Engine, EngineError, pandoc_binary
from citations.exports import engine_items
from citations.markdown_extension import CitationsExtension, DocumentCitations
from citations.render import Styled, UnknownKeyError, anchor_key, page_clusters
from citations.slots import HtmlSlots
from conftest import HOOKS, ROOT

TYPES = ROOT / "tests" / "fixtures" / "csl-types.yaml"
CHICAGO = HOOKS / "citations" / "styles" / "chicago-author-date.csl"


def pandoc_reading_the_file(bibliography: Path, style: Path, clusters: list[str]) -> tuple[list[str], dict[str, str]]:
    """Citation texts and entry texts from Pandoc run on the file itself."""
    document = "---\nnocite: '@*'\n---\n\n" + "\n\n".join(clusters) + "\n"
    html = subprocess.run(
        [str(pandoc_binary()), "-f", "markdown", "-t", "html5", "--citeproc", f"--csl={style}",
         f"--bibliography={bibliography}"],
        input=document, capture_output=True, text=True, check=True,
    ).stdout
    tree = LexborHTMLParser(html)
    citations = [_text(node.text()) for node in tree.css("p > span.citation")]
    entries = {node.attributes["id"].removeprefix("ref-"): _text(node.text()) for node in tree.css("div.csl-entry")}
    return citations, entries


def _text(value: str) -> str:
    return " ".join(value.split())


def _plain(html: str) -> str:
    return _text(unescape(re.sub(r"<[^>]+>", "", html)))


@pytest.fixture(scope="module")
def bibliography():
    return load_bibliography(TYPES)


@pytest.fixture(scope="module")
def clusters(bibliography):
    keys = bibliography.keys()
    return ([f"[@{key}]" for key in keys] + [f"@{key} [p. 3]" for key in keys[:5]]
            + ["[see @shared-first-a, chap. 2; @shared-first-b, 123-79]", "[-@org-2022-zeta; @org-2022-alpha]"])


def styled_with(style: Path, bibliography, clusters) -> tuple[Styled, list[str]]:
    engine = Engine(style, cache_dir=None)
    formatted = engine.format(clusters, engine_items(bibliography))
    found = [cluster for text in clusters for cluster in page_clusters(text, bibliography)]
    return Styled(bibliography, formatted), [_plain(formatted.clusters[c.engine_text]) for c in found]


@pytest.fixture(scope="module")
def apa(bibliography, clusters):
    return styled_with(DEFAULT_STYLE, bibliography, clusters)


def test_fixture_spans_the_csl_types(bibliography):
    assert len(bibliography.keys()) >= 30
    assert len({entry["type"] for entry in bibliography.entries.values()}) >= 20


@pytest.mark.parametrize("style", [DEFAULT_STYLE, CHICAGO], ids=["apa", "chicago-author-date"])
def test_every_entry_is_what_pandoc_makes_of_the_file(style, bibliography, clusters):
    styled, _ = styled_with(style, bibliography, clusters)
    _, expected = pandoc_reading_the_file(TYPES, style, clusters)
    assert set(expected) == set(bibliography.keys())
    for key in bibliography.keys():
        assert styled.reference_text(key) == expected[key], key


@pytest.mark.parametrize("style", [DEFAULT_STYLE, CHICAGO], ids=["apa", "chicago-author-date"])
def test_every_citation_is_what_pandoc_makes_of_it(style, bibliography, clusters):
    _, ours = styled_with(style, bibliography, clusters)
    expected, _ = pandoc_reading_the_file(TYPES, style, clusters)
    assert ours == expected


def test_entries_follow_the_styles_order(apa, bibliography):
    styled, _ = apa
    assert styled.ordered(bibliography.keys()) == styled.formatted.order
    assert styled.ordered(["particle", "chapter"]) == [k for k in styled.formatted.order if k in ("particle", "chapter")]


def test_year_suffixes_are_the_same_in_text_and_in_the_list(apa):
    styled, _ = apa
    labels = {}
    for key in ("org-2022-zeta", "org-2022-alpha"):
        cited = _plain(styled.formatted.clusters[f"[@{key}]"])
        labels[key] = re.search(r"2022[a-z]", cited).group(0)
        assert labels[key] in styled.reference_text(key)
    assert len(set(labels.values())) == 2


def test_a_second_style_formats_differently(bibliography, clusters, apa):
    chicago, _ = styled_with(CHICAGO, bibliography, clusters)
    assert chicago.reference_text("book-edition") != apa[0].reference_text("book-edition")


# Shaping for pages

HOSTILE = """\
references:
- id: hostile
  type: report
  title: "<script>alert(1)</script> & <img src=x onerror=alert(2)>"
  author: [{literal: "<b onmouseover=alert(3)>Org</b>"}]
  URL: "https://example.org/r?a=1&b=2"
  issued: "2020"
  custom: {confidence: likely, archive-url: "https://web.archive.org/web/2020/x", archive-date: "2020-01-02"}
- id: plain
  type: report
  title: "Plain"
  author: [{family: Doe, given: Jane}]
  issued: "2021"
  custom: {confidence: verified}
"""


@pytest.fixture(scope="module")
def small():
    bibliography = parse_bibliography(HOSTILE, "b.yaml")
    page = "# T\n\nOne [see @hostile, p. 3; @plain].\n\n## Later\n\n@plain [p. 4] says.\n"
    clusters = [cluster.engine_text for cluster in page_clusters(page, bibliography)]
    engine = Engine(DEFAULT_STYLE, cache_dir=None)
    return Styled(bibliography, engine.format(clusters, engine_items(bibliography))), page


def converted(text: str, styled: Styled) -> tuple[str, DocumentCitations]:
    """``text`` through Python-Markdown with the citations extension, given the results of
    one engine run beforehand (as the MkDocs hook gives it the build's run)."""
    import markdown

    citations = DocumentCitations(styled.bibliography, Engine(DEFAULT_STYLE, cache_dir=None))
    citations.use(styled.formatted)
    html = markdown.markdown(text, extensions=[CitationsExtension(citations=citations), "toc"])
    return html, citations


def test_page_citations_get_ids_tooltips_and_marks(small):
    styled, page = small
    html, citations = converted(page, styled)
    assert [site.anchor for site in citations.sites] == ["cite-hostile-1", "cite-plain-1", "cite-plain-2"]
    assert [site.section for site in citations.sites] == ["T", "T", "Later"]
    assert '<a href="#ref-hostile" id="cite-hostile-1" role="doc-biblioref" title="' in html
    assert '<span class="citation-status citation-status--likely">[partly verified]</span>' in html
    assert '<h2 data-search-exclude="" id="references">References</h2>' in html
    assert '<li id="ref-plain">' in html and "archived copy</a>, 2020-01-02]" in html
    assert styled.ordered(citations.cited) == styled.ordered(["hostile", "plain"])
    assert citations.engine_runs == 0  # the run given beforehand had every cluster


def test_bibliography_markup_stays_text(small):
    styled, page = small
    html, _ = converted(page, styled)
    tree = LexborHTMLParser(html)
    assert not tree.css("script, img, b")
    assert all(not name.startswith("on") for node in tree.css("*") for name in node.attributes)
    assert "<script>alert(1)</script>" in styled.reference_text("hostile")
    assert "&lt;script&gt;" in html


def test_page_without_citations_is_unchanged(small):
    import markdown

    styled, _ = small
    text = "# T\n\nNo citations, write to me@example.org.\n"
    assert converted(text, styled)[0] == markdown.markdown(text, extensions=["toc"])


def test_unknown_key_reports_the_line(small):
    styled, _ = small
    with pytest.raises(UnknownKeyError) as caught:  # found by the pre-pass
        page_clusters("# T\n\n\nText [@hostlie].\n", styled.bibliography)
    assert (caught.value.key, caught.value.line) == ("hostlie", 4)
    with pytest.raises(UnknownKeyError) as caught:  # found by Markdown's reading
        converted("# T\n\n\nText [@hostlie].\n", styled)
    assert (caught.value.key, caught.value.line) == ("hostlie", 4)


def test_a_citation_where_a_link_definition_could_stand_is_published(small):
    """Python-Markdown would read "[@plain]: ..." as a link reference definition and drop
    it; Pandoc reads a citation and text. Definitions around it are still definitions."""
    styled, _ = small
    page = ("See [the report][r] and [the plan][s].\n\n"
            "[r]: https://example.org/r\n[@plain]: https://example.org/x\n[s]: https://example.org/s\n\n"
            "- [see @plain, p. 2]: as listed\n")
    html, citations = converted(page, styled)
    tree = LexborHTMLParser(html)
    assert [link.attributes["href"] for link in tree.css("p a:not([role])")] == [
        "https://example.org/r", "https://example.org/s"]
    assert [link.text() for link in tree.css('a[role="doc-biblioref"]')] == ["Doe, 2021", "Doe, 2021, p. 2"]
    assert "(Doe, 2021): https://example.org/x" in tree.body.text()
    assert "[r]:" not in html and "[s]:" not in html and "@plain" not in html
    assert citations.cited == ["plain"]


def test_a_citation_the_engine_was_not_given_gets_one_more_run(small):
    styled, _ = small
    html, citations = converted("Text [@plain, p. 99].\n", styled)
    assert citations.engine_runs == 1 and "Doe, 2021, p. 99</a>" in html


def test_odd_keys_make_safe_anchors():
    assert anchor_key("vera-unjust-burden-2018") == "vera-unjust-burden-2018"
    assert anchor_key("doe:2020") == "doe:2020"
    assert anchor_key("p<q") == "p_3c_q"
    assert anchor_key("müller") == "m_fc_ller"


def test_pandoc_warnings_are_errors():
    bibliography = parse_bibliography(HOSTILE, "b.yaml")
    engine = Engine(DEFAULT_STYLE, cache_dir=None)
    with pytest.raises(EngineError) as caught:
        engine.format(["[@missing-key]"], engine_items(bibliography))
    assert caught.value.key == "missing-key"
    assert caught.value.cluster == "[@missing-key]"
    assert "citation missing-key not found" in caught.value.problem


def test_an_entry_the_style_cannot_print_is_an_error():
    text = HOSTILE + "- id: chat\n  type: personal_communication\n  title: A call\n  author: [{family: Voice, given: Val}]\n  issued: \"2021\"\n  custom: {confidence: verified}\n"
    engine = Engine(DEFAULT_STYLE, cache_dir=None)
    with pytest.raises(EngineError) as caught:
        engine.format(["[@plain]"], engine_items(parse_bibliography(text, "b.yaml")))
    assert caught.value.key == "chat"
    assert "add where it was published" in caught.value.fix


@pytest.mark.parametrize("style", [DEFAULT_STYLE, CHICAGO], ids=["apa", "chicago-author-date"])
def test_a_split_document_formats_exactly_as_one(style, bibliography, clusters):
    whole = Engine(style, cache_dir=None)
    whole.split_from = 10**9
    split = Engine(style, cache_dir=None)
    split.split_from = 2
    items = engine_items(bibliography)
    one, parts = whole._format(clusters, items), split._format(clusters, items)
    assert one == parts
    assert len(split._parts(clusters)) == (1 if b"position=" in split.style_bytes else min(os.cpu_count(), 4))


def test_results_are_cached_by_content(tmp_path):
    bibliography = parse_bibliography(HOSTILE, "b.yaml")
    first = Engine(DEFAULT_STYLE, cache_dir=tmp_path)
    first._memory.clear()
    first.format(["[@plain]"], engine_items(bibliography))
    assert first.calls == 1 and len(list(tmp_path.glob("*.json"))) == 1
    first._memory.clear()
    second = Engine(DEFAULT_STYLE, cache_dir=tmp_path)
    second.format(["[@plain]"], engine_items(bibliography))
    assert second.calls == 0  # answered from disk
    second.format(["[@plain]", "[@hostile]"], engine_items(bibliography))
    assert second.calls == 1  # a new cluster is a new question


def test_a_corrupt_cache_file_is_recomputed(tmp_path):
    bibliography = parse_bibliography(HOSTILE, "b.yaml")
    engine = Engine(DEFAULT_STYLE, cache_dir=tmp_path)
    engine._memory.clear()
    engine.format(["[@plain]"], engine_items(bibliography))
    (cached,) = tmp_path.glob("*.json")
    cached.write_text("{not json", encoding="utf-8")
    engine._memory.clear()
    again = Engine(DEFAULT_STYLE, cache_dir=tmp_path)
    formatted = again.format(["[@plain]"], engine_items(bibliography))
    assert again.calls == 1 and "Doe" in formatted.references["plain"]


def test_contributing_shows_what_readers_really_see():
    """Each row of CONTRIBUTING's citation table, rendered with the site's bibliography,
    reads as the table says ('…' stands for the rest of a long name)."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index("## Cite a source"):text.index("## Add a source")]
    rows = re.findall(r"^\| `(?P<written>[^`]+)` \| (?P<seen>[^|]+) \|$", section, re.MULTILINE)
    assert len(rows) >= 7
    site = load_bibliography(ROOT / "docs" / "_data" / "bibliography.yaml")
    engine = Engine(DEFAULT_STYLE, cache_dir=None)
    found = {written: page_clusters(written, site) for written, _ in rows}
    formatted = engine.format([c.engine_text for clusters in found.values() for c in clusters], engine_items(site))
    for written, seen in rows:
        (cluster,) = found[written]
        shown = written[:cluster.start] + _plain(formatted.clusters[cluster.engine_text]) + written[cluster.end:]
        pattern = ".*?".join(re.escape(part) for part in seen.strip().split("…"))
        assert re.fullmatch(pattern, shown), (written, shown, seen)


def test_slots_fill_only_their_own_placeholders():
    slots, other = HtmlSlots(), HtmlSlots()
    block = slots.slot("<ul></ul>", ("ref-a",))
    empty = slots.slot("")
    foreign = other.slot("<b>other page</b>")
    out_of_range = block.replace(":0-->", ":9-->")
    html = f"<h1>Sources</h1>\n{block}\n{empty}|{foreign}|{out_of_range}"
    assert slots.unfilled(html)
    filled = slots.fill(html)
    assert filled == f"<h1>Sources</h1>\n<ul></ul>\n|{foreign}|{out_of_range}"
    assert not slots.unfilled(filled) and slots.ids == {"ref-a"}
    assert other.fill(filled) == "<h1>Sources</h1>\n<ul></ul>\n|<b>other page</b>|" + out_of_range


def _search_sections(html: str) -> list[tuple[str | None, str, str]]:
    """What Material's search plugin indexes of ``html`` (its own parser)."""
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(section.id, "".join(section.title), "".join(section.text)) for section in parser.data]


def test_search_reads_a_citation_as_the_page_shows_it_and_no_references(small):
    styled, page = small
    html, _ = converted(page, styled)
    indexed = " ".join(text for _, _, text in _search_sections(html))
    assert ("(see &lt;b onmouseover=alert(3)&gt;Org&lt;/b&gt;, 2020, p. 3 [partly verified]; Doe, 2021)"
            in " ".join(indexed.split()))  # the index holds escaped HTML: the entry's markup stays text
    assert "archived copy" not in indexed and "References" not in [title for _, title, _ in _search_sections(html)]


def test_search_reads_the_sources_list_without_its_backlinks(small):
    # "Cited on" lists are excluded from search: they repeat the site's page titles.
    from citations.sources_page import Backlink, fill_sources, sources_markdown

    styled, _ = small
    slots = HtmlSlots()
    listing = sources_markdown(styled.ordered(["hostile", "plain"]), {"hostile", "plain"}, slots)
    backlinks = {key: [Backlink("values.md", "Values", "Crime & <violence>", f"cite-{key}-1"),
                       Backlink("index.md", "Home", "", f"cite-{key}-2")] for key in ("hostile", "plain")}
    fill_sources(listing, styled, backlinks, lambda path: "../" + path.replace(".md", "/"), slots)
    shown = slots.fill(f"<h1>Sources</h1>\n{slots.placeholder(listing.cited_slot)}\n<p>After.</p>")
    assert shown.count("Cited on:") == 2 and 'href="../values/#cite-plain-1"' in shown
    assert "Crime &amp; &lt;violence&gt;" in shown
    indexed = _search_sections(shown)[0][2]
    assert "Cited on" not in indexed and "Values" not in indexed
    assert "Doe" in indexed  # the entries themselves stay searchable
