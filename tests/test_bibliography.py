"""Loading and validating the CSL-YAML bibliography (citations/bibliography.py)."""

from __future__ import annotations

import textwrap

import pytest

from citations.bibliography import (
    BibliographyError,
    date_parts,
    load_bibliographies,
    load_bibliography,
    normalised_doi,
    parse_bibliography,
    suggest_key,
)
from citations.yaml_strings import load_strings
from conftest import DOCS

VALID_ENTRY = """\
- id: good-2020
  type: report
  title: A Report
  author:
    - literal: Some Organisation
  issued: "2020"
  custom:
    confidence: verified
"""


def problems_for(entries: str) -> list[str]:
    text = "references:\n" + textwrap.dedent(entries)
    with pytest.raises(BibliographyError) as caught:
        parse_bibliography(text, "docs/_data/bibliography.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_the_sites_bibliography_is_valid():
    bibliography = load_bibliography(DOCS / "_data" / "bibliography.yaml")
    assert len(bibliography.keys()) >= 15
    assert "vera-unjust-burden-2018" in bibliography


def test_scalars_stay_strings():
    data = load_strings("title: No\nvolume: 1.10\nissued: 2019-06-13\nnumber: 0123\nflag: on\nid: 2019\n")
    assert data == {"title": "No", "volume": "1.10", "issued": "2019-06-13",
                    "number": "0123", "flag": "on", "id": "2019"}


def test_entry_values_stay_strings_after_validation():
    text = "references:\n" + VALID_ENTRY.replace("title: A Report", "title: No") + '  volume: 1.10\n'
    entry = parse_bibliography(text, "b.yaml")["good-2020"]
    assert entry["title"] == "No"
    assert entry["volume"] == "1.10"


def test_problem_format_names_file_line_entry_and_fix():
    (problem,) = problems_for(VALID_ENTRY.replace("type: report", "type: reprot"))
    assert problem == (
        "docs/_data/bibliography.yaml:3: entry 'good-2020': unsupported type 'reprot' — did you mean 'report'? "
        "use a CSL 1.0.2 type (report, webpage, article-journal, book, chapter, legal_case, bill, …)"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  title: A Report\n", ""), ":2: entry 'good-2020': missing 'title'"),
        (("  type: report\n", ""), "entry 'good-2020': missing 'type'"),
        (("id: good-2020", "id: 'good 2020'"), ":2: entry 'good 2020': id 'good 2020' is not a valid key"),
        (("id: good-2020", "id: 'good,2020'"), ":2: entry 'good,2020': id 'good,2020' is not a valid key"),
        (("id: good-2020", "id: 'a<b>c'"), ":2: entry 'a<b>c': id 'a<b>c' holds '<' or '>'"),
        (("id: good-2020", "id: '<script>x</script>'"), "holds '<' or '>' — use another key"),
        (('issued: "2020"', "issued: [{year: 2020, month: 13}]"), ":7: entry 'good-2020': 'issued' [2020, 13] is not "
                                                                 "a real date"),
        (('issued: "2020"', "issued: [{year: 2020, season: 2}]"), "'issued' has an unknown part 'season'"),
        (('issued: "2020"', "issued: [{month: 5}]"), "'issued' has a date without a year"),
        (("  custom:", "  DOI: https://doi.org/not-a-doi\n  custom:"), ":8: entry 'good-2020': DOI "
                                                                        "'https://doi.org/not-a-doi' is not a DOI"),
        (("type: report", "type: chapter"), "entry 'good-2020': a 'chapter' needs 'container-title'"),
        (("- literal: Some Organisation", "- given: Ann"), ":6: entry 'good-2020': a name in 'author' has no 'family' or 'literal'"),
        (('issued: "2020"', "issued: 2020-13"), ":7: entry 'good-2020': 'issued: 2020-13' is not a real date"),
        (('issued: "2020"', "issued: last spring"), ":7: entry 'good-2020': 'issued: last spring' is not a date"),
        (('issued: "2020"', 'issued: "2021-02-30"'), "'issued: 2021-02-30' is not a real date"),
        (("  custom:\n    confidence: verified\n", "  URL: www.example.org\n  custom:\n    confidence: verified\n"),
         ":8: entry 'good-2020': URL 'www.example.org' is not an http(s) address"),
        (("confidence: verified", "confidence: sure"), ":9: entry 'good-2020': 'custom.confidence' is 'sure'"),
        (("  custom:\n    confidence: verified\n", ""), "entry 'good-2020': missing 'custom: {confidence: ...}'"),
        (("confidence: verified", "confidence: verified\n    archive: x"), ":10: entry 'good-2020': unknown field 'custom.archive'"),
        (("confidence: verified", "confidence: verified\n    archive-url: https://web.archive.org/web/2020/x"),
         "entry 'good-2020': archive-url has no archive-date"),
        (("confidence: verified", 'confidence: verified\n    archive-url: https://web.archive.org/x\n    archive-date: "May"'),
         "entry 'good-2020': archive-date 'May' is not a date"),
        (("  title: A Report\n", "  title: A Report\n  auther: Someone\n"), ":5: entry 'good-2020': unknown field 'auther'"),
        (("  author:\n    - literal: Some Organisation\n", "  author: Some Organisation\n"),
         "entry 'good-2020': 'author' is not a list of names"),
    ],
)
def test_each_validation_error(change, expected):
    old, new = change
    assert old in VALID_ENTRY
    found = problems_for(VALID_ENTRY.replace(old, new))
    assert any(expected in problem for problem in found), found
    assert all(" — " in problem for problem in found)


def test_duplicate_ids_are_reported_with_both_lines():
    found = problems_for(VALID_ENTRY + VALID_ENTRY)
    assert found == ["docs/_data/bibliography.yaml:10: entry 'good-2020': duplicate id (first used on line 2) "
                     "— give each entry a unique id"]


def test_duplicate_ids_differing_only_in_case():
    found = problems_for(VALID_ENTRY + VALID_ENTRY.replace("id: good-2020", "id: GOOD-2020"))
    assert any("duplicate id" in problem for problem in found)


def test_all_problems_are_reported_together():
    broken = VALID_ENTRY.replace("type: report", "type: reprot")
    broken += VALID_ENTRY.replace("id: good-2020", "id: other").replace("confidence: verified", "confidence: maybe")
    assert len(problems_for(broken)) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("references:\n- id: [unclosed\n", "invalid YAML"),
        ("entries:\n- id: a\n", ":1: entry '-': no top-level 'references:' list"),
        ("references: just text\n", "'references' is not a list"),
    ],
)
def test_malformed_files(text, expected):
    with pytest.raises(BibliographyError) as caught:
        parse_bibliography(text, "b.yaml")
    assert expected in str(caught.value)


def test_unreadable_file(tmp_path):
    with pytest.raises(BibliographyError, match="cannot read the file"):
        load_bibliography(tmp_path / "missing.yaml")


def test_date_parts():
    assert date_parts("2018") == [2018]
    assert date_parts("2018-05") == [2018, 5]
    assert date_parts("2019-06-13") == [2019, 6, 13]
    assert date_parts("June 2019") == []


def test_suggestions_match_ids_and_author_year():
    bibliography = load_bibliography(DOCS / "_data" / "bibliography.yaml")
    assert suggest_key("hintn-2018", bibliography) == "vera-unjust-burden-2018"
    assert suggest_key("vera-unjust-burden-2081", bibliography) == "vera-unjust-burden-2018"
    assert suggest_key("completely-different", bibliography) is None


# Bibliographies as reference managers write them


def test_csl_date_forms_are_accepted():
    entries = "".join(
        VALID_ENTRY.replace("id: good-2020", f"id: d{index}").replace('issued: "2020"', f"issued: {form}")
        for index, form in enumerate([
            "{date-parts: [[2020]]}", "{date-parts: [[2020, 5, 3]]}", "{date-parts: [[2019], [2020]]}",
            '"2019~"', '"2019?"', '"2019-06-13/2019-06-14"', '"2019/.."', "{literal: Spring 2020}",
            "{raw: 2020-05-03}", "{date-parts: [[2020]], circa: true}",
        ])
    )
    bibliography = parse_bibliography("references:\n" + entries, "b.yaml")
    assert date_parts(bibliography["d0"]["issued"]) == [2020]
    assert date_parts(bibliography["d1"]["issued"]) == [2020, 5, 3]
    assert date_parts(bibliography["d5"]["issued"]) == [2019, 6, 13]
    assert bibliography["d7"]["issued"] == {"literal": "Spring 2020"}


@pytest.mark.parametrize(("form", "expected"), [
    ("{date-parts: [[2020, 13]]}", "'issued' date-parts [[2020, 13]] are not a real date"),
    ("{date-parts: [[twenty]]}", "'issued' has date-parts that are not numbers"),
    ("{date-parts: 2020}", "'issued' has date-parts that are not one or two"),
    ("{season: 1}", "'issued' has neither date-parts nor literal"),
    ("{when: 2020}", "'issued' has an unknown part 'when'"),
    ('"2019-02-30/2020"', "'issued: 2019-02-30/2020' is not a real date"),
])
def test_bad_date_objects_are_one_line_each(form, expected):
    (problem,) = problems_for(VALID_ENTRY.replace('issued: "2020"', f"issued: {form}"))
    assert expected in problem and ":7: entry 'good-2020'" in problem


@pytest.mark.parametrize("entry_type", ["legal_case", "bill", "thesis", "treaty", "dataset", "software",
                                        "post-weblog", "personal_communication"])
def test_every_csl_type_is_accepted(entry_type):
    text = VALID_ENTRY.replace("type: report", f"type: {entry_type}")
    assert parse_bibliography("references:\n" + text, "b.yaml")["good-2020"]["type"] == entry_type


@pytest.mark.parametrize("key", ["doe:2020", "Doe2020", "müller_2020", "a.b", "x/y", "1999report",
                                 # cited in braces, @{...}: Pandoc's syntax for any other key
                                 "good--2020", "https://example.org/report/", "doe2020!", "_", "§12"])
def test_keys_follow_pandocs_grammar(key):
    text = VALID_ENTRY.replace("id: good-2020", f'id: "{key}"')
    assert key in parse_bibliography("references:\n" + text, "b.yaml")


CSL_JSON = """[
  {
    "id": "json-entry",
    "type": "article-journal",
    "title": "A Journal Article",
    "author": [{"family": "Doe", "given": "Jane"}],
    "container-title": "Journal",
    "volume": 12,
    "issued": {"date-parts": [[2021, 3]]},
    "custom": {"confidence": "verified"}
  },
  {
    "id": "json-missing",
    "type": "book",
    "title": "No Confidence",
    "author": [{"literal": "An Organisation"}]
  }
]
"""


def test_csl_json_is_read_with_lines(tmp_path):
    path = tmp_path / "bibliography.json"
    path.write_text(CSL_JSON, encoding="utf-8")
    with pytest.raises(BibliographyError) as caught:
        load_bibliography(path, display_path="docs/_data/bibliography.json")
    assert [str(p) for p in caught.value.problems] == [
        "docs/_data/bibliography.json:13: entry 'json-missing': missing 'custom: {confidence: ...}' — "
        "add 'custom:' with 'confidence: verified', 'likely' or 'unknown'"
    ]
    path.write_text(CSL_JSON.replace('"title": "No Confidence",', '"title": "No Confidence", "custom": {"confidence": "unknown"},'),
                    encoding="utf-8")
    bibliography = load_bibliography(path)
    assert bibliography["json-entry"]["volume"] == "12"
    assert date_parts(bibliography["json-entry"]["issued"]) == [2021, 3]


def test_invalid_csl_json_is_one_line(tmp_path):
    path = tmp_path / "bibliography.json"
    path.write_text('[\n  {"id": "a",\n  oops}\n]\n', encoding="utf-8")
    with pytest.raises(BibliographyError) as caught:
        load_bibliography(path, display_path="b.json")
    assert str(caught.value).startswith("b.json:3: entry '-': invalid JSON (")


BIBTEX = """\
@report{vera-2018,
  author = {Hinton, Elizabeth and Henderson, LeShae},
  title = {An Unjust Burden},
  institution = {Vera Institute of Justice},
  date = {2018-05},
  confidence = {likely},
}

@book{no-confidence,
  author = {{National Survivor Network}},
  title = {A Book},
  publisher = {{Smith and Sons}},
  date = {2020},
}
"""


def test_bibtex_is_read_by_pandoc_with_lines_and_confidence(tmp_path):
    path = tmp_path / "bibliography.bib"
    path.write_text(BIBTEX, encoding="utf-8")
    with pytest.raises(BibliographyError) as caught:
        load_bibliography(path, display_path="docs/_data/bibliography.bib")
    assert [str(p) for p in caught.value.problems] == [
        "docs/_data/bibliography.bib:9: entry 'no-confidence': missing field 'confidence' — "
        "add 'confidence = {verified},' (or likely, or unknown) to the entry"
    ]
    path.write_text(BIBTEX.replace("  date = {2020},\n}", "  date = {2020},\n  confidence = {unknown},\n}"),
                    encoding="utf-8")
    bibliography = load_bibliography(path)
    vera = bibliography["vera-2018"]
    assert vera["author"][0] == {"family": "Hinton", "given": "Elizabeth"}
    assert vera["custom"]["confidence"] == "likely"
    assert bibliography["no-confidence"]["publisher"] == "Smith and Sons"
    assert bibliography["no-confidence"]["author"] == [{"literal": "National Survivor Network"}]


def test_unreadable_bibtex_is_one_line(tmp_path):
    path = tmp_path / "bibliography.bib"
    path.write_text("@book{a, title={x}\n\n@book{b, title={y}}\n", encoding="utf-8")
    with pytest.raises(BibliographyError) as caught:
        load_bibliography(path, display_path="b.bib")
    (problem,) = caught.value.problems
    assert str(problem).startswith("b.bib:") and "cannot be read" in str(problem)


@pytest.mark.parametrize(("text", "expected"), [
    # An indentation mistake in the second entry: its line and its id, not the file's first line.
    ("references:\n- id: a\n  type: report\n  title: T\n- id: b\n  type: report\n title: U\n",
     "docs/_data/bibliography.yaml:7: entry 'b': invalid YAML (did not find expected key)"),
    ("references:\n- id: a\n  type: report\n   title: T\n",
     "docs/_data/bibliography.yaml:4: entry 'a': invalid YAML (mapping values are not allowed in this context)"),
    # A bracket never closed: where it opens.
    ("references:\n- id: a\n  title: [x, y\n  type: report\n",
     "docs/_data/bibliography.yaml:3: entry 'a': invalid YAML"),
])
def test_a_yaml_mistake_names_its_line_and_its_entry(text, expected):
    from citations.bibliography import BibliographyError, parse_bibliography

    with pytest.raises(BibliographyError) as raised:
        parse_bibliography(text, "docs/_data/bibliography.yaml")
    assert str(raised.value).startswith(expected), str(raised.value)


# Input as reference managers write it (issue 22)


def test_better_csl_yaml_list_dates_become_date_parts():
    # Zotero's Better BibTeX writes "Better CSL YAML" dates as lists of {year, month, day}.
    entries = (VALID_ENTRY.replace('issued: "2020"', "issued: [{year: 2019, month: 5}]")
               + VALID_ENTRY.replace("id: good-2020", "id: range").replace(
                   'issued: "2020"', "issued:\n    - year: 2019\n      month: 5\n      day: 13\n    - year: 2019\n"
                                     "      month: 6\n      day: 1"))
    bibliography = parse_bibliography("references:\n" + entries, "b.yaml")
    assert bibliography["good-2020"]["issued"] == {"date-parts": [["2019", "5"]]}
    assert bibliography["range"]["issued"] == {"date-parts": [["2019", "5", "13"], ["2019", "6", "1"]]}
    assert date_parts(bibliography["range"]["issued"]) == [2019, 5, 13]


@pytest.mark.parametrize(("written", "bare"), [
    ("10.1177/21677026231186625", "10.1177/21677026231186625"),
    ("https://doi.org/10.1177/21677026231186625", "10.1177/21677026231186625"),
    ("http://dx.doi.org/10.1177/21677026231186625", "10.1177/21677026231186625"),
    ("HTTPS://DOI.ORG/10.1000/abc%28def%29", "10.1000/abc(def)"),
    ("doi:10.1177/21677026231186625", "10.1177/21677026231186625"),
    ("https://doi.org/", None), ("https://example.org/10.1177/x", None), ("10.1177/with space", None),
    ("https://doi.org/10.1000/a%22b", None),  # a quote, once decoded, is no DOI character
])
def test_dois_are_normalised_as_reference_managers_write_them(written, bare):
    assert normalised_doi(written) == bare


def test_a_doi_written_as_a_link_is_kept_bare():
    text = VALID_ENTRY.replace("  custom:", "  DOI: https://doi.org/10.1177/21677026231186625\n  custom:")
    assert parse_bibliography("references:\n" + text, "b.yaml")["good-2020"]["DOI"] == "10.1177/21677026231186625"


@pytest.mark.parametrize("entry_type", ["article-newspaper", "article-magazine", "article-journal", "report",
                                        "book", "thesis", "webpage"])
def test_entries_without_an_author_are_accepted(entry_type):
    text = VALID_ENTRY.replace("type: report", f"type: {entry_type}").replace(
        "  author:\n    - literal: Some Organisation\n", "")
    assert "author" not in parse_bibliography("references:\n" + text, "b.yaml")["good-2020"]


ZOTERO_YAML = """\
references:
- id: zotero-article
  type: article-newspaper
  title: Unsigned article
  container-title: A Newspaper
  issued:
    - year: 2021
      month: 4
  custom:
    confidence: likely
"""
ZOTERO_JSON = """[
  {"id": "json-report", "type": "report", "title": "From Zotero", "publisher": "An Organisation",
   "issued": {"date-parts": [[2020]]}, "custom": {"confidence": "verified"}}
]
"""


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path, f"docs/_data/{name}"


def test_several_files_make_one_bibliography_with_each_entrys_origin(tmp_path):
    files = [write(tmp_path, "bibliography.yaml", "references:\n" + VALID_ENTRY),
             write(tmp_path, "zotero.yaml", ZOTERO_YAML), write(tmp_path, "zotero.json", ZOTERO_JSON),
             write(tmp_path, "more.bib", BIBTEX.replace("  date = {2020},\n}", "  date = {2020},\n  confidence = {unknown},\n}"))]
    bibliography = load_bibliographies(files)
    assert bibliography.keys() == ["good-2020", "zotero-article", "json-report", "vera-2018", "no-confidence"]
    assert bibliography.path == "docs/_data/bibliography.yaml"  # where a new entry goes
    assert bibliography.where("zotero-article") == "docs/_data/zotero.yaml:2"
    assert bibliography.where("json-report") == "docs/_data/zotero.json:2"
    assert bibliography.where("no-confidence") == "docs/_data/more.bib:9"
    assert bibliography["zotero-article"]["issued"] == {"date-parts": [["2021", "4"]]}


def test_an_id_in_two_files_is_named_in_both(tmp_path):
    files = [write(tmp_path, "bibliography.yaml", "references:\n" + VALID_ENTRY),
             write(tmp_path, "zotero.json", ZOTERO_JSON.replace('"json-report"', '"Good-2020"'))]
    with pytest.raises(BibliographyError) as caught:
        load_bibliographies(files)
    assert [str(problem) for problem in caught.value.problems] == [
        "docs/_data/zotero.json:2: entry 'Good-2020': duplicate id (first in docs/_data/bibliography.yaml:2) — "
        "give each entry a unique id, or keep it in one file only"]


def test_every_files_problems_are_reported_together(tmp_path):
    files = [write(tmp_path, "bibliography.yaml", "references:\n" + VALID_ENTRY.replace("type: report", "type: x")),
             write(tmp_path, "zotero.json", ZOTERO_JSON.replace('"verified"', '"sure"'))]
    with pytest.raises(BibliographyError) as caught:
        load_bibliographies(files)
    assert [problem.path for problem in caught.value.problems] == ["docs/_data/bibliography.yaml", "docs/_data/zotero.json"]


@pytest.mark.parametrize(("change", "expected"), [
    (("  title = {An Unjust Burden},\n", ""),
     "b.bib:1: entry 'vera-2018': missing field 'title' — add 'title = {...},' with the title exactly as the source gives it"),
    (("date = {2018-05}", "date = {2018-13}"),
     "b.bib:1: entry 'vera-2018': 'date = {2018-13}' is not a real date — write date = {YYYY-MM-DD} (or YYYY, or "
     "YYYY-MM), or year = {YYYY} with month = {M}"),
    (("  confidence = {likely},\n", "  confidence = {likely},\n  url = {www.example.org},\n"),
     "b.bib:1: entry 'vera-2018': url 'www.example.org' is not an http(s) address — paste the full address, starting "
     "with https://, as url = {https://...}"),
    (("  confidence = {likely},\n", "  confidence = {likely},\n  doi = {not a doi},\n"),
     "b.bib:1: entry 'vera-2018': doi 'not a doi' is not a DOI — write the DOI as the source gives it, e.g. "
     "doi = {10.1177/21677026231186625}"),
    (("@report{vera-2018,", "@incollection{vera-2018,"),
     "b.bib:1: entry 'vera-2018': an @incollection or @inbook needs 'booktitle' — add 'booktitle = {...},'"),
])
def test_bibtex_mistakes_are_told_in_bibtex_words(tmp_path, change, expected):
    old, new = change
    text = BIBTEX.replace("  date = {2020},\n}", "  date = {2020},\n  confidence = {unknown},\n}")
    assert old in text
    path = tmp_path / "b.bib"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BibliographyError) as caught:
        load_bibliography(path, display_path="b.bib")
    found = [str(problem) for problem in caught.value.problems]
    assert any(problem.startswith(expected) for problem in found), found
    assert not any("'type:'" in problem or "custom:" in problem for problem in found)  # no YAML words
