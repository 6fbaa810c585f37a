"""Citations as a Python-Markdown extension (citations/markdown_extension.py), used the
way any Python-Markdown host uses one: ``markdown.Markdown(extensions=[...])``, no MkDocs.
Markdown decides what is code, text and attribute; one engine run per document."""

from __future__ import annotations

import markdown
import pytest
from selectolax.lexbor import LexborHTMLParser

from citations.markdown_extension import CitationsExtension
from conftest import MINIMAL_BIBLIOGRAPHY, count_calls

KEY = "vera-unjust-burden-2018"
EXTENSIONS = ["toc", "admonition", "footnotes", "tables", "attr_list", "pymdownx.details"]


@pytest.fixture
def convert(tmp_path):
    (tmp_path / "bibliography.yaml").write_text(MINIMAL_BIBLIOGRAPHY, encoding="utf-8")

    def convert(text: str):
        extension = CitationsExtension(bibliography=[str(tmp_path / "bibliography.yaml")])
        md = markdown.Markdown(extensions=[extension, *EXTENSIONS])
        html = md.convert(text)
        return LexborHTMLParser(f"<body>{html}</body>"), md, extension.citations

    return convert


def citation_texts(page) -> list[str]:
    return [" ".join(span.text().split()) for span in page.css("span.citation")]


def test_citations_are_formatted_where_markdown_has_text_with_references(convert):
    page, _, citations = convert(
        f"Text [see @{KEY}, p. 3].\n\n!!! note\n\n    In a note [@{KEY}].\n\n| a |\n| - |\n| [@{KEY}] |\n\n"
        f"- an item @{KEY} says\n\nNoted.[^1]\n\n[^1]: A note [@{KEY}].\n\n??? note\n\n    Hidden [@{KEY}].\n")
    assert citation_texts(page) == ["(see Hinton, 2018, p. 3 [partly verified])", "(Hinton, 2018 [partly verified])",
                                    "(Hinton, 2018 [partly verified])", "Hinton (2018 [partly verified])",
                                    "(Hinton, 2018 [partly verified])", "(Hinton, 2018 [partly verified])"]
    links = page.css('a[role="doc-biblioref"]')
    assert sorted(link.attributes["id"] for link in links) == [f"cite-{KEY}-{n}" for n in range(1, 7)]
    assert {link.attributes["href"] for link in links} == {f"#ref-{KEY}"}
    assert page.css_first("h2#references + ul.references > li").attributes["id"] == f"ref-{KEY}"
    assert citations.engine_runs == 1  # the pre-pass found every cluster: one Pandoc run


def test_code_escapes_and_comments_stay_as_written(convert):
    page, _, _ = convert(f"Write `[@{KEY}]`, or \\@{KEY}, or [\\@{KEY}].\n\n    [@{KEY}] in code\n\n<!-- [@{KEY}] -->\n")
    assert citation_texts(page) == []
    assert [code.text() for code in page.css("code")] == [f"[@{KEY}]", f"[@{KEY}] in code\n"]
    assert f"or @{KEY}, or [@{KEY}]." in page.body.text()
    assert page.css_first("#references") is None


def test_a_heading_reads_its_citation_in_its_id_and_contents_entry(convert):
    page, md, _ = convert(f"## What the report found [@{KEY}]\n")
    heading = page.css_first("h2")
    assert heading.attributes["id"] == "what-the-report-found-hinton-2018"  # no verification mark: ids stay put
    assert md.toc_tokens[0]["name"] == "What the report found (Hinton, 2018)"
    assert heading.css_first(f'a[href="#ref-{KEY}"]') is not None


def test_alt_text_and_link_text_hold_the_citation_as_text(convert):
    page, _, _ = convert(f"![see [@{KEY}]](x.png) and [a report [@{KEY}]](https://example.org/).\n")
    assert page.css_first("img").attributes["alt"] == "see (Hinton, 2018)"  # no verification mark, as in headings
    outer = page.css_first('a[href="https://example.org/"]')
    assert " ".join(outer.text().split()) == "a report (Hinton, 2018 [partly verified])"
    assert len(page.css("p a")) == 1  # a link holds no link: the browser would cut the outer one


def test_a_cluster_the_pre_pass_missed_gets_one_more_engine_run(convert):
    # Without fenced code, Markdown reads "~~~" as text; the pre-pass took it for a fence.
    page, _, citations = convert(f"Before [@{KEY}].\n~~~\nAfter [see @{KEY}].\n")
    assert citation_texts(page) == ["(Hinton, 2018 [partly verified])", "(see Hinton, 2018 [partly verified])"]
    assert citations.engine_runs == 2


def test_each_document_starts_again_with_what_the_engine_made(tmp_path):
    """Anchors count again in each document; a cluster formatted for an earlier document
    of the same instance needs no new engine run."""
    (tmp_path / "bibliography.yaml").write_text(MINIMAL_BIBLIOGRAPHY, encoding="utf-8")
    extension = CitationsExtension(bibliography=str(tmp_path / "bibliography.yaml"))
    md = markdown.Markdown(extensions=[extension])
    first = md.convert(f"One [@{KEY}].")
    md.reset()
    second = md.convert(f"Two [@{KEY}].")
    assert f'id="cite-{KEY}-1"' in first and f'id="cite-{KEY}-1"' in second
    assert extension.citations.engine_runs == 1
    md.reset().convert(f"Three [see @{KEY}].")
    assert extension.citations.engine_runs == 2
    assert md.reset().convert("No citation.") == "<p>No citation.</p>"


@pytest.mark.parametrize("unit", ["[see ", "[@a, [", "@x [", f"[@{KEY}] "])
def test_many_candidates_in_one_paragraph_take_linear_work(convert, unit):
    """Markdown asks about every [ and @ of a paragraph; the paragraph is read once,
    and once more only after each citation taken out. Counted beyond what Markdown
    itself does with the same text (its own links are quadratic in a paragraph of [)."""
    def ours(text: str) -> int:
        return count_calls(convert, text) - count_calls(lambda same: markdown.markdown(same, extensions=EXTENSIONS), text)

    small, large = ours(unit * (400 // len(unit))), ours(unit * (1600 // len(unit)))
    assert large <= 4.5 * small + 2000, (unit, small, large)


def test_an_unknown_key_stops_the_document_with_its_line(convert):
    from citations.render import UnknownKeyError

    with pytest.raises(UnknownKeyError) as stopped:
        convert("Text.\n\nCited [@vera-unjust-burden-2019].\n")
    assert (stopped.value.key, stopped.value.line) == ("vera-unjust-burden-2019", 3)


def test_what_markdown_read_inside_a_citation_reaches_the_engine_as_written(convert):
    """A backslash escape or a code span inside a cluster reaches Pandoc as written, not
    as Markdown's placeholders."""
    page, _, _ = convert(f"Blah [@{KEY}, p. 3\\*] and [see `x` @{KEY}].\n")
    # (the mark follows the link, which Pandoc ends before a suffix)
    assert citation_texts(page) == ["(Hinton, 2018, p. 3 [partly verified]*)", "(see x Hinton, 2018 [partly verified])"]
    assert "klzzwxh" not in page.html and "\x02" not in page.html
