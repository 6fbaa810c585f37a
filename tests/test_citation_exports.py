"""Exports read back with the same titles, names, dates and types (citations/exports.py).

Each export is read back by an independent reader: CSL-JSON and BibTeX/BibLaTeX by
Pandoc and by bibtexparser, RIS by rispy and by Pandoc's RIS reader.
"""

from __future__ import annotations

import json
import re
import subprocess

import bibtexparser
import pytest
import rispy

from citations.bibliography import date_parts, load_bibliography
from citations.engine import DEFAULT_STYLE, Engine, pandoc_binary
from citations.exports import to_bibtex, to_csl_json, to_ris
from conftest import DOCS, ROOT

SOURCES = [DOCS / "_data" / "bibliography.yaml", ROOT / "tests" / "fixtures" / "csl-types.yaml"]


@pytest.fixture(scope="module", params=SOURCES, ids=["site", "csl-types"])
def bibliography(request):
    return load_bibliography(request.param)


@pytest.fixture(scope="module")
def engine():
    return Engine(DEFAULT_STYLE, cache_dir=None)


def pandoc_reads(text: str, reader: str) -> dict[str, dict]:
    """The items Pandoc's reader makes of an export, by id."""
    completed = subprocess.run([str(pandoc_binary()), "-f", reader, "-t", "csljson"], input=text,
                               capture_output=True, text=True, check=True)
    assert completed.stderr == ""
    return {item["id"]: item for item in json.loads(completed.stdout)}


def names(people, initials: bool = False) -> list[str]:
    """Names as "Family, Given"; ``initials``: "J.R.R." spaced as BibTeX writes initials."""
    def given(person):
        text = person.get("given") or ""
        return re.sub(r"\.(?=\w)", ". ", text) if initials else text
    def family(person):
        particle = person.get("non-dropping-particle") or person.get("dropping-particle")
        return " ".join(p for p in (particle, person.get("family")) if p)
    return [person.get("literal") or ", ".join(p for p in (family(person), given(person)) if p)
            for person in people or []]


def same_title(read: str, written: str) -> bool:
    """BibTeX titles are written in title case with protected capitals, as BibTeX styles
    expect, and Pandoc's writers make quotes typographic; the words are the same."""
    return read.replace("’", "'").lower() == written.replace("’", "'").lower()


def year(item) -> int | None:
    parts = date_parts(item.get("issued", ""))
    return parts[0] if parts else None


def test_csl_json_round_trips_through_pandoc(bibliography):
    items = json.loads(to_csl_json(bibliography))
    assert [item["id"] for item in items] == bibliography.keys()
    assert all("confidence" in item["custom"] for item in items)
    read = pandoc_reads(to_csl_json(bibliography), "csljson")
    for key, entry in bibliography.entries.items():
        assert same_title(read[key]["title"], entry["title"]), key
        assert read[key]["type"] == entry["type"], key
        assert names(read[key].get("author")) == names(entry.get("author")), key
        assert year(read[key]) == year(entry), key


# Pandoc writes these dates ("2019/2020", "1850~") as BibLaTeX has them, but its own
# BibTeX reader does not read them back; CSL-JSON keeps them (the first test above).
EDTF_ONLY_IN_CSL_JSON = {"edtf-range", "approximate"}


@pytest.mark.parametrize("writer", ["bibtex", "biblatex"])
def test_bibtex_round_trips_through_pandoc(bibliography, engine, writer):
    text = to_bibtex(bibliography, engine, writer)
    read = pandoc_reads(text, writer)
    assert set(read) == set(bibliography.keys())
    for key, entry in bibliography.entries.items():
        assert same_title(read[key]["title"], entry["title"]), key
        assert names(read[key].get("author")) == names(entry.get("author"), initials=True), key
        if key not in EDTF_ONLY_IN_CSL_JSON:
            assert year(read[key]) == year(entry), key
        if entry.get("publisher"):
            assert read[key].get("publisher") == entry["publisher"], key


def test_biblatex_keeps_types_editors_editions_and_days(engine):
    bibliography = load_bibliography(SOURCES[1])
    read = pandoc_reads(to_bibtex(bibliography, engine, "biblatex"), "biblatex")
    for key, entry in bibliography.entries.items():
        if entry["type"] in ("article-journal", "book", "chapter", "report", "thesis", "webpage", "legal_case"):
            assert read[key]["type"] == entry["type"], key
    assert names(read["book-editors"]["editor"]) == ["Editor, Eve", "Second, Sam"]
    assert read["book-edition"]["edition"] == "3"
    assert read["magazine"]["issued"] == {"date-parts": [[2019, 6, 13]]}
    assert read["book-editors"]["publisher"] == "Smith and Sons"  # one publisher, not two
    assert read["report-series"]["collection-title"] == "For the Record"  # capitals kept


def test_bibtex_parses_in_bibtexparser(bibliography, engine):
    library = bibtexparser.parse_string(to_bibtex(bibliography, engine))
    assert library.failed_blocks == []
    assert {entry.key for entry in library.entries} == set(bibliography.keys())
    for entry in library.entries:  # the verification level travels with every record
        level = bibliography[entry.key]["custom"]["confidence"]
        assert f"Verification: {level}" in " ".join(entry["note"].split()), entry.key


def test_ris_round_trips_through_rispy_and_pandoc(bibliography):
    text = to_ris(bibliography)
    records = {record["id"]: record for record in rispy.loads(text)}
    assert set(records) == set(bibliography.keys())
    read = pandoc_reads(text, "ris")
    for key, entry in bibliography.entries.items():
        record = records[key]
        assert record["title"] == entry["title"], key
        assert [name.rstrip(",") for name in record.get("authors", [])] == names(entry.get("author")), key
        assert record.get("year") == (str(year(entry)) if year(entry) else None), key
        assert f"Verification: {entry['custom']['confidence']}" in record["notes"], key
    # Pandoc's RIS reader gives ids of its own; match records by title.
    by_title = {item["title"]: item for item in read.values()}
    for key, entry in bibliography.entries.items():
        for person in entry.get("author", []):
            if person.get("literal") and "," not in person["literal"]:
                # An organisation reads back as one name, not as "given family".
                assert {"family": person["literal"]} in by_title[entry["title"]]["author"], key


def test_ris_types(bibliography):
    records = {record["id"]: record for record in rispy.loads(to_ris(bibliography))}
    expected = {"report": "RPRT", "article-magazine": "MGZN", "legal_case": "CASE", "bill": "BILL", "thesis": "THES"}
    for key, entry in bibliography.entries.items():
        if entry["type"] in expected:
            assert records[key]["type_of_reference"] == expected[entry["type"]], key
