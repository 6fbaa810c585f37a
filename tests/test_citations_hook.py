"""The MkDocs adapter (hooks/mkdocs_citations.py): real builds of small fixture sites."""

from __future__ import annotations

import json

from conftest import assert_one_line_error, run_mkdocs_build


def test_fixture_site_builds_with_references_and_exports(fixture_site):
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    home = result.page("index.html")
    assert '<a id="cite-vera-unjust-burden-2018-1" href="#ref-vera-unjust-burden-2018"' in home
    assert '<li id="ref-vera-unjust-burden-2018">Hinton, E. (2018). <i>An Unjust Burden</i>.' in home
    assert '<meta name="citation_title" content="Home">' in home
    assert '<meta name="citation_reference" content="Hinton, E. (2018). An Unjust Burden.' in home
    assert "<summary>Cite this page</summary>" not in home  # the home page introduces the site
    items = json.loads(result.page("bibliography.json"))
    assert items[0]["id"] == "vera-unjust-burden-2018"
    assert (result.site_dir / "bibliography.bib").exists()
    assert (result.site_dir / "bibliography.ris").exists()


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


def test_malformed_citation_fails(fixture_site):
    fixture_site.page("index.md", "# Home\n\nText [@vera-unjust-burden-2018,].\n")
    assert_one_line_error(
        fixture_site.build(),
        "docs/index.md:3: nothing after the comma in '[@vera-unjust-burden-2018,]' — remove the comma, "
        "or add a locator such as 'p. 12'",
    )


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
    assert ("docs/_data/bibliography.yaml: entry 'lonely-2020' is not cited on any page — cite it with "
            "[@lonely-2020], or remove it") in strict.output
    relaxed = fixture_site.build(strict=False)
    assert relaxed.returncode == 0, relaxed.output
    sources = relaxed.page("sources/index.html")
    assert sources.index('id="further-reading"') < sources.index('id="ref-lonely-2020"')


def test_bad_settings_are_a_clear_error(fixture_site):
    config = fixture_site.config_file()
    config.write_text(config.read_text().replace("docs/_data/bibliography.yaml", "docs/_data/missing.yaml"))
    result = run_mkdocs_build(config, fixture_site.root / "site")
    assert_one_line_error(result, "mkdocs.yml: extra.citations.bibliography: The path ")
    assert "missing.yaml' isn't an existing file. — set it to the CSL-YAML file" in result.output


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
