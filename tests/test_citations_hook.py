"""The MkDocs adapter (hooks/mkdocs_citations.py): real builds of small fixture sites."""

from __future__ import annotations

import json

from conftest import HOOKS, MINIMAL_BIBLIOGRAPHY, assert_one_line_error, run_mkdocs_build


def test_fixture_site_builds_with_references_and_exports(fixture_site):
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    home = result.page("index.html")
    assert '<a href="#ref-vera-unjust-burden-2018" id="cite-vera-unjust-burden-2018-1"' in home
    assert '<li id="ref-vera-unjust-burden-2018">Hinton, E. (2018). <em>An Unjust Burden</em>.' in home
    assert '<meta name="citation_title" content="Home">' in home
    assert '<meta name="citation_reference" content="Hinton, E. (2018). An Unjust Burden.' in home
    assert "<summary>Cite this page</summary>" not in home  # the home page introduces the site
    items = json.loads(result.page("bibliography.json"))
    assert items[0]["id"] == "vera-unjust-burden-2018"
    assert result.page("bibliography.bib").startswith("@techreport{vera-unjust-burden-2018,")
    assert "note = {Verification: likely}" in result.page("bibliography.bib")  # mended by exports.protect_bibtex
    assert result.page("bibliography-biblatex.bib").startswith("@report{vera-unjust-burden-2018,")
    assert result.page("bibliography.ris").startswith("TY  - RPRT")


def test_content_pages_offer_cite_this_page_and_mark_unverified_citations(fixture_site):
    fixture_site.page("values.md", "---\ntitle: Values\n---\n\n# Values\n\nText [@vera-unjust-burden-2018].\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    values = result.page("values/index.html")
    assert "<summary>Cite this page</summary>" in values
    # The fixture entry is 'likely': the in-text citation says so in words, beside the link.
    assert ('Hinton, 2018</a> <span class="citation-status citation-status--likely">[partly verified]</span>)'
            in values)
    fixture_site.bibliography(fixture_site.docs.joinpath("_data", "bibliography.yaml").read_text()
                              .replace("confidence: likely", "confidence: verified"))
    assert "citation-status" not in fixture_site.build().page("values/index.html")


def test_sources_page_lists_entries_with_backlinks(fixture_site):
    fixture_site.page("deep/page.md", "# Deep\n\n## Section two\n\nAgain [@vera-unjust-burden-2018].\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    sources = result.page("sources/index.html")
    assert 'id="ref-vera-unjust-burden-2018"' in sources
    assert 'href="../#cite-vera-unjust-burden-2018-1">Home</a>' in sources
    assert 'href="../deep/page/#cite-vera-unjust-burden-2018-1">Deep › Section two</a>' in sources


def test_unknown_key_fails_without_strict_and_suggests(fixture_site):
    fixture_site.page("values.md", "---\ntitle: Values\n---\n\n# Values\n\nText [@hintn-2018].\n")
    result = fixture_site.build(strict=False)
    output = result.output
    assert result.returncode == 1, output
    assert ("docs/values.md:7: unknown citation key 'hintn-2018' — did you mean 'vera-unjust-burden-2018'?"
            in output)
    assert "Traceback" not in output


def test_unknown_key_without_suggestion_says_where_to_add_it(fixture_site):
    fixture_site.page("index.md", "# Home\n\n[@vera-unjust-burden-2018] and [@zzzzzz].\n")
    assert_one_line_error(
        fixture_site.build(),
        "docs/index.md:3: unknown citation key 'zzzzzz' — add an entry with id 'zzzzzz' to "
        "docs/_data/bibliography.yaml",
    )


def test_forms_the_old_parser_published_as_raw_text_are_citations(fixture_site):
    fixture_site.page("index.md", "# Home\n\nOne [@vera-unjust-burden-2018, p. 3 [emphasis added]].\n\n"
                      "According to [@vera-unjust-burden-2018]: the results hold.\n\n"
                      "See [x][@vera-unjust-burden-2018] here.\n\n"
                      "@vera-unjust-burden-2018 [p. 33] says so.\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    home = result.page("index.html")
    assert "[@" not in home and "@vera" not in home
    assert home.count('<span class="citation"') == 4
    assert "Hinton, 2018, p. 3</a>" in home and "[emphasis added])" in home
    assert 'Hinton (<a href="#ref-vera-unjust-burden-2018" id="cite-vera-unjust-burden-2018-4"' in home
    assert 'href="../#cite-vera-unjust-burden-2018-4"' in result.page("sources/index.html")


def test_text_in_brackets_and_mentions_stay_text(fixture_site):
    fixture_site.page("index.md", "# Home\n\n[@vera-unjust-burden-2018]\n\nLet's [meet @ 5pm]. Here is "
                      "[a list; of @-mentions]. Write to team@example.org or follow @survivorvoices.\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    home = result.page("index.html")
    for text in ("[meet @ 5pm]", "[a list; of @-mentions]", "team@example.org", "@survivorvoices"):
        assert text in home, text
    assert home.count('<span class="citation"') == 1


def test_malformed_bibliography_fails_with_file_and_line(fixture_site):
    fixture_site.bibliography("references:\n- id: a\n  type: report\n  title: T\n  publisher: P\n"
                              "  issued: 2020-13\n  custom: {confidence: verified}\n")
    assert_one_line_error(
        fixture_site.build(),
        "docs/_data/bibliography.yaml:6: entry 'a': 'issued: 2020-13' is not a real date — check the month and day",
    )


def test_uncited_entry_is_a_strict_warning_and_listed_as_further_reading(fixture_site):
    fixture_site.bibliography(
        "references:\n"
        "- {id: vera-unjust-burden-2018, type: report, title: T, publisher: P, custom: {confidence: verified}}\n"
        "- {id: lonely-2020, type: report, title: Lonely, publisher: P, custom: {confidence: verified}}\n"
    )
    strict = fixture_site.build()
    assert strict.returncode == 1
    assert ("docs/_data/bibliography.yaml:3: entry 'lonely-2020' is not cited on any page — cite it with "
            "[@lonely-2020], or remove it") in strict.output
    relaxed = fixture_site.build(strict=False)
    assert relaxed.returncode == 0, relaxed.output
    sources = relaxed.page("sources/index.html")
    assert sources.index('id="further-reading"') < sources.index('id="ref-lonely-2020"')


def test_bad_settings_are_a_clear_error(fixture_site):
    config = fixture_site.config_file()
    config.write_text(config.read_text().replace("docs/_data/bibliography.yaml", "docs/_data/missing.yaml"))
    result = run_mkdocs_build(config, fixture_site.root / "site")
    assert_one_line_error(result, "mkdocs.yml: extra.citations.bibliography: the file 'docs/_data/missing.yaml' "
                                  "does not exist — set it to the bibliography file, or a list of files")


def test_missing_sources_marker_is_a_warning(fixture_site):
    fixture_site.page("sources.md", "# Sources\n\nNo marker here.\n")
    result = fixture_site.build()
    assert result.returncode == 1
    assert "sources.md: no '<!-- citations:sources-list -->' marker" in result.output


def test_citations_in_code_are_left_alone(fixture_site):
    fixture_site.page("index.md", "# Home\n\n[@vera-unjust-burden-2018]\n\nWrite `[@key]`.\n\n```\n[@other]\n```\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    home = result.page("index.html")
    assert "<code>[@key]</code>" in home
    assert "[@other]" in home


def test_a_second_style_builds_the_real_site(site_copy):
    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "    bibliography: docs/_data/bibliography.yaml\n",
        "    bibliography: docs/_data/bibliography.yaml\n    style: hooks/citations/styles/chicago-author-date.csl\n"))
    result = run_mkdocs_build(config, site_copy / "site")
    assert result.returncode == 0, result.output
    page = result.page("diversion-courts/index.html")
    # Chicago author-date: no comma between author and year, full given names in the list.
    assert "Natapoff 2015</a>" in page
    assert "Natapoff, Alexandra. 2015." in page


def test_a_note_style_is_a_clear_error(fixture_site, tmp_path):
    style = tmp_path / "notes.csl"
    style.write_text((HOOKS / "citations" / "styles" / "apa.csl").read_text().replace('class="in-text"', 'class="note"'))
    fixture_site.extra_config = ""
    config = fixture_site.config_file()
    config.write_text(config.read_text().replace(
        "    bibliography: docs/_data/bibliography.yaml\n", f"    bibliography: docs/_data/bibliography.yaml\n    style: {style}\n"))
    result = run_mkdocs_build(config, fixture_site.root / "site")
    assert_one_line_error(result, "'note' style — this site needs an in-text (author-date or numeric) style")


def test_a_missing_engine_is_one_line(fixture_site, tmp_path):
    result = fixture_site.build(env={"CITATIONS_PANDOC": str(tmp_path / "no-pandoc")})
    assert_one_line_error(result, "mkdocs.yml: extra.citations: the Pandoc binary is missing")


def test_an_engine_warning_is_one_line(fixture_site):
    fixture_site.bibliography(MINIMAL_BIBLIOGRAPHY + "- id: call-2021\n  type: personal_communication\n"
                              "  title: A call\n  author: [{family: Voice, given: Val}]\n  issued: \"2021\"\n"
                              "  custom: {confidence: verified}\n")
    fixture_site.page("index.md", "# Home\n\n[@vera-unjust-burden-2018; @call-2021]\n")
    assert_one_line_error(fixture_site.build(), "docs/index.md:3: Pandoc: Bibliography entry with no printed form: "
                          "call-2021 in '[@vera-unjust-burden-2018; @call-2021]' — the style prints nothing")


def test_csl_json_and_bibtex_bibliographies_build(fixture_site):
    (fixture_site.docs / "_data" / "bibliography.json").write_text(json.dumps([{
        "id": "vera-unjust-burden-2018", "type": "report", "title": "An Unjust Burden",
        "author": [{"family": "Hinton", "given": "Elizabeth"}], "issued": {"date-parts": [[2018, 5]]},
        "publisher": "Vera Institute of Justice", "custom": {"confidence": "likely"}}]), encoding="utf-8")
    (fixture_site.docs / "_data" / "bibliography.bib").write_text(
        "@report{vera-unjust-burden-2018,\n  author = {Hinton, Elizabeth},\n  title = {An Unjust Burden},\n"
        "  institution = {Vera Institute of Justice},\n  date = {2018-05},\n  confidence = {likely},\n}\n",
        encoding="utf-8")
    # Pandoc's BibTeX reader puts English titles in sentence case unless capitals are braced.
    for name, title in (("bibliography.json", "An Unjust Burden"), ("bibliography.bib", "An unjust burden")):
        fixture_site.bibliography_name = name
        result = fixture_site.build()
        assert result.returncode == 0, (name, result.output)
        assert f"Hinton, E. (2018). <em>{title}</em>." in result.page("index.html"), name


def _with_earlier_hook(fixture_site, body: str) -> None:
    """A hook before the citations hook that changes every page's Markdown."""
    hook = fixture_site.root / "earlier_hook.py"
    hook.write_text(f"def on_page_markdown(markdown, **kwargs):\n{body}", encoding="utf-8")
    fixture_site.hooks = [str(hook), *fixture_site.hooks]


def test_markdown_changed_by_an_earlier_hook_is_rendered_again(fixture_site):
    # on_files renders each page once; a page whose Markdown another hook changed after
    # that is rendered from what Markdown will read, not from the stale rendering.
    fixture_site.page("values.md", "---\ntitle: Values\n---\n\n# Values\n\nText [@vera-unjust-burden-2018].\n")
    _with_earlier_hook(fixture_site, "    return 'Added first. [@vera-unjust-burden-2018]\\n\\n' + markdown\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    values = result.page("values/index.html")
    assert "<p>Added first. <span class=\"citation\"" in values
    assert 'id="cite-vera-unjust-burden-2018-1"' in values and 'id="cite-vera-unjust-burden-2018-2"' in values
    assert "[@vera" not in values


def test_one_engine_run_per_build_and_one_more_for_a_citation_added_later(fixture_site, monkeypatch):
    # on_files gives every page's citations to one run; the extension formats a citation
    # that run was not given (added by an earlier hook) in one more run, never drops it.
    from citations.engine import Engine

    runs = []
    original = Engine.format
    monkeypatch.setattr(Engine, "format", lambda engine, clusters, items: runs.append(clusters) or
                        original(engine, clusters, items))
    fixture_site.page("values.md", "---\ntitle: Values\n---\n\n# Values\n\nText [@vera-unjust-burden-2018, p. 2].\n")
    assert fixture_site.build().returncode == 0
    assert len(runs) == 1 and "[@vera-unjust-burden-2018, p. 2]" in runs[0]
    runs.clear()
    _with_earlier_hook(fixture_site, "    return markdown + '\\n\\nLater [@vera-unjust-burden-2018, p. 9].\\n'\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    assert [clusters for clusters in runs[1:]] == [["[@vera-unjust-burden-2018, p. 9]"]]  # formatted once
    assert "Hinton, 2018, p. 9</a>" in result.page("values/index.html")


def test_a_problem_in_the_extra_engine_run_names_the_page_and_line(fixture_site, monkeypatch):
    from citations.engine import Engine, EngineError

    original, runs = Engine.format, []

    def format_or_fail(engine, clusters, items):
        runs.append(clusters)
        if len(runs) > 1:
            raise EngineError("Pandoc: a problem", "the fix", clusters[0])
        return original(engine, clusters, items)

    monkeypatch.setattr(Engine, "format", format_or_fail)
    _with_earlier_hook(fixture_site, "    return markdown + '\\n\\nLater [@vera-unjust-burden-2018, p. 9].\\n'\n")
    assert_one_line_error(fixture_site.build(), "docs/index.md:6: Pandoc: a problem — the fix")


def test_unknown_key_added_by_an_earlier_hook_is_one_line(fixture_site):
    _with_earlier_hook(fixture_site, "    return markdown + '\\n\\nLater [@added-later].\\n'\n")
    # The key is not in the file: the line is the Markdown's that the earlier hook made.
    assert_one_line_error(fixture_site.build(), "docs/index.md:6: unknown citation key 'added-later' (added by a "
                          "hook; it is not in the file) — add an entry with id 'added-later' to "
                          "docs/_data/bibliography.yaml")


def test_citations_are_searchable_references_and_cite_this_page_are_not(fixture_site):
    fixture_site.page("values.md", "---\ntitle: Values\n---\n\n# Values\n\nText [@vera-unjust-burden-2018].\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    values = result.page("values/index.html")
    assert '<ul class="references" data-search-exclude' in values
    assert "<summary>Cite this page</summary>" in values
    assert "<!--citations-" not in values
    index = json.loads(result.page("search/search_index.json"))
    texts = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("values/"))
    assert "Hinton, 2018" in texts  # the in-text citation is searchable
    assert "An Unjust Burden" not in texts and "Cite this page" not in texts and "citations-" not in texts

    from mkdocs.config import load_config

    config = load_config(str(fixture_site.config_file()))
    order = [(getattr(handler, "__module__", "").rsplit("/", 1)[-1], handler.__name__)
             for handler in config.plugins.events["page_context"]]
    # The Sources page's lists before search reads them; "Cite this page" after the page
    # is dated, and the check of the finished page before the safety hook's.
    assert order == [("mkdocs_citations.py", "_before_search"), ("material.plugins.search.plugin", "on_page_context"),
                     ("mkdocs_citations.py", "_after_search"), ("mkdocs_safety.py", "on_page_context")], order


def _with_rewriting_hook(fixture_site, *pages: str) -> None:
    """A hook that changes some pages' HTML at the search plugin's priority."""
    hook = fixture_site.root / "rewriting_hook.py"
    hook.write_text("def on_page_context(context, page, **kwargs):\n"
                    f"    if page.file.src_uri in {pages!r}:\n        page.content = page.content + '<p>x</p>'\n"
                    "    return context\n", encoding="utf-8")
    fixture_site.hooks = [*fixture_site.hooks, str(hook)]


def test_what_a_plugin_changes_while_search_reads_the_page_is_kept(fixture_site):
    # Citations are in the page's HTML from Markdown on: nothing of theirs is filled in
    # around the search plugin, so a plugin at its priority may change the page.
    fixture_site.page("values.md", "---\ntitle: Values\n---\n\n# Values\n\nText [@vera-unjust-burden-2018].\n")
    fixture_site.page("plain.md", "---\ntitle: Plain\n---\n\n# Plain\n\nText without citations.\n")
    _with_rewriting_hook(fixture_site, "values.md", "plain.md")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    for page in ("values/index.html", "plain/index.html"):
        html = result.page(page)
        assert html.count("<p>x</p>") == 1 and "<summary>Cite this page</summary>" in html, page
    assert 'id="cite-vera-unjust-burden-2018-1"' in result.page("values/index.html")


def test_an_engine_problem_stops_a_build_in_which_no_page_waited_for_the_engine(fixture_site):
    # The engine runs beside MkDocs and pages wait for it in their context; with no
    # pages at all, on_post_build still waits, so its problem is not lost.
    fixture_site.bibliography(MINIMAL_BIBLIOGRAPHY + "- id: call-2021\n  type: personal_communication\n"
                              "  title: A call\n  author: [{family: Voice, given: Val}]\n  issued: \"2021\"\n"
                              "  custom: {confidence: verified}\n")
    for page in fixture_site.docs.glob("*.md"):
        page.unlink()
    fixture_site.hooks = ["mkdocs_citations.py"]
    assert_one_line_error(fixture_site.build(strict=False),
                          "docs/_data/bibliography.yaml:13: entry 'call-2021': Pandoc: Bibliography entry with no "
                          "printed form: call-2021")


# Input as reference managers write it (issue 22): several files, braced keys, no author


ZOTERO_JSON = [{"id": "https://example.org/report/", "type": "report", "title": "Keyed by its address",
                "publisher": "An Organisation", "issued": {"date-parts": [[2020]]}, "custom": {"confidence": "likely"}}]
ZOTERO_YAML = """\
references:
- id: unsigned-2021
  type: article-newspaper
  title: Unsigned article
  container-title: A Newspaper
  issued:
    - year: 2021
      month: 4
  DOI: https://doi.org/10.1000/news.2021
  custom:
    confidence: likely
"""


def test_several_bibliography_files_braced_keys_and_an_unsigned_article_build(fixture_site):
    data = fixture_site.docs / "_data"
    (data / "zotero.json").write_text(json.dumps(ZOTERO_JSON), encoding="utf-8")
    (data / "zotero.yaml").write_text(ZOTERO_YAML, encoding="utf-8")
    fixture_site.bibliography_name = ["bibliography.yaml", "zotero.json", "zotero.yaml"]
    fixture_site.page("index.md", "# Home\n\nCited [@vera-unjust-burden-2018], [@{https://example.org/report/}] "
                                  "and [@unsigned-2021].\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    home = result.page("index.html")
    assert ">Keyed by Its Address, 2020</a>" in home            # the braced key, cited (APA: no author, the title)
    assert "“Unsigned Article,”</span> 2021</a>" in home         # APA: an unsigned article by its title
    assert 'href="#ref-https_3a__2f__2f_example.org_2f_report_2f_"' in home  # the key made a safe id
    assert "https://doi.org/10.1000/news.2021" in home         # the DOI, kept bare, printed as APA's link


def test_a_key_that_needs_braces_is_suggested_in_braces(fixture_site):
    (fixture_site.docs / "_data" / "zotero.json").write_text(json.dumps(ZOTERO_JSON), encoding="utf-8")
    fixture_site.bibliography_name = ["bibliography.yaml", "zotero.json"]
    fixture_site.page("index.md", "# Home\n\nCited [@vera-unjust-burden-2018] and [@https://example.org/report/].\n")
    assert_one_line_error(fixture_site.build(), "docs/index.md:3: unknown citation key 'https://example.org/report' — "
                                                "did you mean 'https://example.org/report/'? Cite it in braces: "
                                                "[@{https://example.org/report/}]")


def test_an_uncited_entry_of_a_second_file_is_named_at_its_own_line(fixture_site):
    (fixture_site.docs / "_data" / "zotero.yaml").write_text(ZOTERO_YAML, encoding="utf-8")
    fixture_site.bibliography_name = ["bibliography.yaml", "zotero.yaml"]
    result = fixture_site.build()
    assert result.returncode == 1
    assert ("docs/_data/zotero.yaml:2: entry 'unsigned-2021' is not cited on any page — cite it with "
            "[@unsigned-2021], or remove it") in result.output
