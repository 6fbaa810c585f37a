"""Exports parse back in the formats reference managers read (citations/exports.py)."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy

from citations.bibliography import load_bibliography, parse_bibliography
from citations.exports import bibtex_escape, to_bibtex, to_csl_json, to_ris
from conftest import DOCS


@pytest.fixture(scope="module")
def bibliography():
    return load_bibliography(DOCS / "_data" / "bibliography.yaml")


def test_csl_json_parses_back(bibliography):
    items = json.loads(to_csl_json(bibliography))
    assert [item["id"] for item in items] == bibliography.keys()
    vera = next(item for item in items if item["id"] == "vera-unjust-burden-2018")
    assert vera["issued"] == {"date-parts": [[2018, 5]]}
    assert vera["author"][0] == {"family": "Hinton", "given": "Elizabeth"}
    assert vera["custom"]["confidence"] == "likely"


def test_bibtex_parses_back(bibliography):
    library = bibtexparser.parse_string(to_bibtex(bibliography))
    assert library.failed_blocks == []
    by_key = {entry.key: entry for entry in library.entries}
    assert set(by_key) == set(bibliography.keys())
    vera = by_key["vera-unjust-burden-2018"]
    assert vera.entry_type == "techreport"
    assert vera["title"] == "{An Unjust Burden: The Disparate Treatment of Black Americans in the Criminal Justice System}"
    assert vera["author"] == "Hinton, Elizabeth and Henderson, LeShae and Reed, Cindy"
    assert vera["year"] == "2018"
    assert by_key["nsn-home"]["author"] == "{National Survivor Network}"


def test_bibtex_escapes_special_characters():
    assert bibtex_escape("Crime & 100% {x}_#$") == r"Crime \& 100\% \{x\}\_\#\$"
    text = "references:\n- id: a\n  type: report\n  title: 'R&D: 50% {done}'\n  publisher: P\n  custom: {confidence: verified}\n"
    library = bibtexparser.parse_string(to_bibtex(parse_bibliography(text, "b.yaml")))
    assert library.failed_blocks == []
    assert library.entries[0]["title"] == r"{R\&D: 50\% \{done\}}"


def test_ris_parses_back(bibliography):
    records = rispy.loads(to_ris(bibliography))
    assert len(records) == len(bibliography.keys())
    by_id = {record["id"]: record for record in records}
    vera = by_id["vera-unjust-burden-2018"]
    assert vera["type_of_reference"] == "RPRT"
    assert vera["authors"] == ["Hinton, Elizabeth", "Henderson, LeShae", "Reed, Cindy"]
    assert vera["year"] == "2018"
    assert vera["urls"] == [bibliography["vera-unjust-burden-2018"]["URL"]]
    assert by_id["dickson-layleen-polanco-rolling-stone-2019"]["type_of_reference"] == "MGZN"
    for key, record in by_id.items():  # the verification level travels with every record
        assert f"Verification: {bibliography[key]['custom']['confidence']}" in record["notes"], key
