"""Loading and validating the CSL-YAML bibliography (citations/bibliography.py)."""

from __future__ import annotations

import textwrap

import pytest

from citations.bibliography import (
    BibliographyError,
    date_parts,
    load_bibliography,
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
    (problem,) = problems_for(VALID_ENTRY.replace("type: report", "type: pamphlet"))
    assert problem == (
        "docs/_data/bibliography.yaml:3: entry 'good-2020': unsupported type 'pamphlet' — use one of "
        "article-journal, article-magazine, article-newspaper, book, chapter, hearing, legislation, "
        "regulation, report, webpage"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  title: A Report\n", ""), ":2: entry 'good-2020': missing 'title'"),
        (("  type: report\n", ""), "entry 'good-2020': missing 'type'"),
        (("id: good-2020", "id: Good_2020"), ":2: entry 'Good_2020': id 'Good_2020' is not a valid key"),
        (("  author:\n    - literal: Some Organisation\n", ""),
         "entry 'good-2020': a 'report' needs 'author or publisher'"),
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
    broken = VALID_ENTRY.replace("type: report", "type: pamphlet")
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
