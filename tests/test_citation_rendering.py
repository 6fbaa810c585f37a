"""APA labels and references, page rendering and escaping (citations/apa.py, render.py)."""

from __future__ import annotations

import pytest

from citations.apa import Styler, reference_authors, short_author
from citations.bibliography import parse_bibliography
from citations.render import UnknownKeyError, render_page

BIBLIOGRAPHY = """\
references:
- id: hinton-2018
  type: report
  title: "An Unjust Burden"
  collection-title: For the Record
  author:
    - {family: Hinton, given: Elizabeth}
    - {family: Henderson, given: LeShae}
    - {family: Reed, given: Cindy}
  publisher: Vera Institute of Justice
  issued: "2018-05"
  URL: https://www.vera.org/report.pdf?a=1&b=2
  custom: {confidence: likely}
- id: dickson-2019
  type: article-magazine
  title: "How the Tragic Death <Exposes> Crime & Punishment"
  author:
    - {family: Dickson, given: EJ}
  container-title: Rolling Stone
  issued: "2019-06-13"
  custom: {confidence: verified, archive-url: "https://web.archive.org/web/2019/x", archive-date: "2019-07-01"}
- id: org-2022-b
  type: webpage
  title: "Zeta page"
  author: [{literal: National Survivor Network}]
  publisher: National Survivor Network
  issued: "2022-03-22"
  custom: {confidence: unknown}
- id: org-2022-a
  type: report
  title: "Alpha report"
  author: [{literal: National Survivor Network}]
  issued: "2022"
  custom: {confidence: verified}
- id: two-authors
  type: article-journal
  title: "Misdemeanor Decriminalization"
  author: [{family: Croft, given: Christy}, {family: Dunkerton, given: Courtney}]
  container-title: Vanderbilt Law Review
  volume: "68"
  issue: "4"
  page: "1055"
  custom: {confidence: verified}
- id: no-author
  type: webpage
  title: "Empowering Survivor Leadership"
  custom: {confidence: unknown}
"""


@pytest.fixture(scope="module")
def styler() -> Styler:
    return Styler(parse_bibliography(BIBLIOGRAPHY, "b.yaml"))


def test_in_text_labels(styler):
    assert styler.label("hinton-2018") == "Hinton et al., 2018"
    assert styler.label("hinton-2018", suppress_author=True) == "2018"
    assert styler.label("two-authors") == "Croft & Dunkerton, n.d."
    assert styler.label("no-author") == "Empowering Survivor Leadership, n.d."


def test_year_suffixes_follow_title_order(styler):
    assert styler.label("org-2022-a") == "National Survivor Network, 2022a"
    assert styler.label("org-2022-b") == "National Survivor Network, 2022b"


def test_report_reference(styler):
    assert styler.reference_text("hinton-2018") == (
        "Hinton, E., Henderson, L., & Reed, C. (2018). An Unjust Burden [For the Record]. "
        "Vera Institute of Justice. https://www.vera.org/report.pdf?a=1&b=2 [Partly verified]"
    )


def test_magazine_reference_with_full_date_and_archive(styler):
    html = styler.reference_html("dickson-2019")
    assert html.startswith("Dickson, E. J. (2019, June 13). ")
    assert "<i>Rolling Stone</i>." in html
    assert '[<a class="reference-archive" href="https://web.archive.org/web/2019/x" rel="noreferrer">archived copy</a>, 2019-07-01]' in html
    assert "reference-status" not in html  # verified sources carry no mark


def test_journal_reference(styler):
    assert styler.reference_text("two-authors") == (
        "Croft, C., & Dunkerton, C. (n.d.). Misdemeanor Decriminalization. "
        "Vanderbilt Law Review, 68(4), 1055."
    )


def test_publisher_same_as_author_is_omitted(styler):
    assert styler.reference_text("org-2022-b").count("National Survivor Network") == 1


def test_no_author_moves_title_first_and_marks_unverified(styler):
    html = styler.reference_html("no-author")
    assert html.startswith("<i>Empowering Survivor Leadership</i>. (n.d.).")
    assert '<span class="reference-status reference-status--unknown">[Not verified]</span>' in html


def test_field_text_is_html_escaped(styler):
    html = styler.reference_html("dickson-2019")
    assert "Death &lt;Exposes&gt; Crime &amp; Punishment" in html
    assert "<Exposes>" not in html
    assert "Death <Exposes> Crime & Punishment" in styler.reference_text("dickson-2019")
    link = styler.reference_html("hinton-2018")
    assert 'href="https://www.vera.org/report.pdf?a=1&amp;b=2"' in link


def test_author_lists():
    assert reference_authors([{"family": "Howard", "given": "Neil"}]) == "Howard, N."
    assert reference_authors([{"literal": "Vera Institute of Justice"}]) == "Vera Institute of Justice."
    assert short_author({"author": [{"family": "A"}, {"family": "B"}, {"family": "C"}], "title": "t"}) == "A et al."


def test_render_page_links_and_references(styler):
    page = render_page("# T\n\nOne [see @hinton-2018, p. 3; -@dickson-2019].\n\nTwo [@hinton-2018].\n", styler)
    # The Markdown holds placeholders only: no bibliography text reaches Markdown.
    assert "<a" not in page.markdown and "Hinton" not in page.markdown and "[@" not in page.markdown
    assert "## References { #references data-search-exclude }" in page.markdown
    html = page.fill(page.markdown)
    assert ('<span class="citation">(see <a id="cite-hinton-2018-1" href="#ref-hinton-2018"') in html
    assert (">Hinton et al., 2018</a>, p. 3 <span class=\"citation-status citation-status--likely\">"
            "[partly verified]</span>; <a id=\"cite-dickson-2019-1\"") in html
    assert ">2019</a>)</span>" in html
    assert 'id="cite-hinton-2018-2"' in html
    assert html.index('id="ref-dickson-2019"') < html.index('id="ref-hinton-2018"')
    assert page.cited_keys == ["hinton-2018", "dickson-2019"]
    assert page.slots.ids >= {"cite-hinton-2018-1", "cite-hinton-2018-2", "cite-dickson-2019-1", "ref-hinton-2018"}


def test_render_page_without_citations_is_unchanged(styler):
    markdown = "# T\n\nNo citations, `[@code]` only.\n"
    assert render_page(markdown, styler).markdown == markdown


def test_citation_text_is_escaped_in_output(styler):
    page = render_page("[see <b> & @hinton-2018, note <i>]", styler)
    html = page.fill(page.markdown)
    assert "see &lt;b&gt; &amp; <a" in html
    assert "note &lt;i&gt;" in html


def test_placeholders_survive_markdown_wherever_a_citation_sits(styler):
    """A citation at the start of a wrapped line, in a list, a table or emphasis stays inline."""
    import markdown

    source = ("A claim\n[@hinton-2018].\n\n- item [@dickson-2019]\n\n| a | b |\n| - | - |\n"
              "| x | [@hinton-2018] |\n\n*emphasis [@hinton-2018]*\n")
    page = render_page(source, styler)
    html = page.fill(markdown.markdown(page.markdown, extensions=["tables", "attr_list", "md_in_html"]))
    assert "<p>A claim\n<span class=\"citation\">" in html
    assert "<li>item <span class=\"citation\">" in html
    assert "<td><span class=\"citation\">" in html
    assert "<em>emphasis <span class=\"citation\">" in html
    assert not page.slots.unfilled(html) and "citation" + page.slots.token not in html


def test_unknown_key_reports_the_line(styler):
    with pytest.raises(UnknownKeyError) as caught:
        render_page("# T\n\n\nText [@hintn-2018].\n", styler)
    assert (caught.value.key, caught.value.line) == ("hintn-2018", 4)
