"""Exports for reference managers: CSL-JSON, BibTeX, BibLaTeX and RIS.

CSL-JSON is the lossless one (Zotero, Pandoc and citeproc read it). BibTeX and BibLaTeX
are written by Pandoc's own writers (``citations.engine``), RIS by rispy. Every record
carries its verification level: ``custom.confidence`` in CSL-JSON, a note in the others.
"""

from __future__ import annotations

import json
import re
from typing import Any

import rispy

from citations.bibliography import DATE_FIELDS, NAME_FIELDS, Bibliography, date_parts

ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
RIS_TYPES = {
    "article": "GEN", "article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS",
    "bill": "BILL", "book": "BOOK", "broadcast": "MPCT", "chapter": "CHAP", "dataset": "DATA",
    "entry-dictionary": "DICT", "entry-encyclopedia": "ENCYC", "figure": "FIGURE", "graphic": "ART",
    "hearing": "HEAR", "interview": "PCOMM", "legal_case": "CASE", "legislation": "STAT",
    "manuscript": "MANSCPT", "map": "MAP", "motion_picture": "MPCT", "musical_score": "MUSIC",
    "pamphlet": "PAMP", "paper-conference": "CPAPER", "patent": "PAT", "personal_communication": "PCOMM",
    "post": "ELEC", "post-weblog": "BLOG", "regulation": "GOVDOC", "report": "RPRT", "software": "COMP",
    "song": "SOUND", "speech": "SLIDE", "standard": "STAND", "thesis": "THES", "treaty": "GEN",
    "webpage": "ELEC",
}
VERIFICATION_NOTE = "Verification: {}"
# BibLaTeX list fields that hold organisations and places (one line each with --wrap=none).
BIBTEX_LIST_FIELD = re.compile(r"^(?P<start>\s+(?:publisher|institution|organization|location|address|school) = \{)"
                               r"(?P<value>.*)(?P<end>\},?)$")
BIBTEX_ENTRY = re.compile(r"^@\w+\{(?P<key>[^,\s]+),$")
BIBTEX_SERIES = re.compile(r"^(?P<start>\s+series = \{)(?P<value>.*)(?P<end>\},?)$")
EMPTY_DATE = re.compile(r"^\s+(?:date|year) = \{\},?$")


def to_csl(entry: dict[str, Any], keep_custom: bool = True) -> dict[str, Any]:
    """One entry as CSL-JSON: ISO dates as ``date-parts`` (other EDTF strings as they are),
    date parts as numbers; project data in ``custom`` unless ``keep_custom`` is false."""
    item = {}
    for name, value in entry.items():
        if name == "custom" and not keep_custom:
            continue
        if name in DATE_FIELDS:
            value = _csl_date(value)
        item[name] = value
    return item


def engine_items(bibliography: Bibliography) -> list[dict[str, Any]]:
    """What the citation engine formats: CSL-JSON without the project's own fields."""
    return [to_csl(entry, keep_custom=False) for entry in bibliography.entries.values()]


def to_csl_json(bibliography: Bibliography) -> str:
    """The whole bibliography as a CSL-JSON array."""
    items = [to_csl(entry) for entry in bibliography.entries.values()]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def noted_items(bibliography: Bibliography) -> list[dict[str, Any]]:
    """Entries for the BibTeX writers: the verification level added to the CSL ``note``
    (the writers know no ``custom`` field)."""
    items = []
    for entry in bibliography.entries.values():
        item = to_csl(entry, keep_custom=False)
        level = VERIFICATION_NOTE.format(_confidence(entry))
        item["note"] = f"{item['note']}. {level}" if item.get("note") else level
        items.append(item)
    return items


def to_bibtex(bibliography: Bibliography, engine, writer: str = "bibtex") -> str:
    """The whole bibliography as BibTeX (or ``writer="biblatex"``), by Pandoc's writer."""
    levels = {key: _confidence(entry) for key, entry in bibliography.entries.items()}
    return protect_bibtex(engine.export(noted_items(bibliography), writer), levels)


def bibtex_exports(bibliography: Bibliography, engine, writers: dict[str, str]) -> dict[str, str]:
    """Every BibTeX-family export (file name -> Pandoc writer), the writers run at once."""
    levels = {key: _confidence(entry) for key, entry in bibliography.entries.items()}
    written = engine.exports(noted_items(bibliography), list(writers.values()))
    return {name: protect_bibtex(written[writer], levels) for name, writer in writers.items()}


def protect_bibtex(text: str, levels: dict[str, str]) -> str:
    """Mend what Pandoc 3.9's BibTeX writers lose on the way back in (each case is a
    round-trip test in tests/test_citation_exports.py):

    - an organisation field holding " and " is a name list to BibTeX ("Smith and Sons"
      would read back as two publishers): its value goes in a brace group of its own;
    - a series in title case is lower-cased by readers: its capitals are protected;
    - an empty ``date`` (a literal date such as "Spring 2020") is left out;
    - the BibTeX writer drops ``note``: the verification level is added back.
    """
    entries, header, fields = [], None, []
    for line in text.splitlines():
        if start := BIBTEX_ENTRY.match(line):
            header, fields = start, []
        elif line == "}" and header is not None:
            if not any(field.lstrip().startswith("note = ") for field in fields):
                fields.append(f"  note = {{{VERIFICATION_NOTE.format(levels.get(header['key'], 'unknown'))}}}")
            entries.append(header.group(0) + "\n" + ",\n".join(fields) + "\n}")
            header = None
        elif header is not None and line.strip() and not EMPTY_DATE.match(line):
            fields.append(_mend_field(line.rstrip(",")))
    return "\n".join(entries) + "\n"


def _mend_field(line: str) -> str:
    if (match := BIBTEX_LIST_FIELD.match(line)) and " and " in match["value"] and not match["value"].startswith("{"):
        return f"{match['start']}{{{{{match['value']}}}}}{match['end']}"
    if series := BIBTEX_SERIES.match(line):
        protected = re.sub(r"(?<![{\w])([^\W\d_]*[A-Z][\w'’-]*)", r"{\1}", series["value"])
        return f"{series['start']}{protected}{series['end']}"
    return line


def to_ris(bibliography: Bibliography) -> str:
    """The whole bibliography as RIS, written by rispy."""
    return rispy.dumps([ris_record(entry) for entry in bibliography.entries.values()], implementation=_RisWriter)


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its "1.", "2." header lines, which are not RIS (the RIS
    specification starts a record with TY; Pandoc's reader stops at them)."""

    def set_header(self, count: int) -> str:
        return ""


def ris_record(entry: dict[str, Any]) -> dict[str, Any]:
    """One entry as a rispy record (RIS tags by their rispy names)."""
    record: dict[str, Any] = {"type_of_reference": RIS_TYPES.get(entry.get("type", ""), "GEN"), "id": entry["id"]}
    authors = [_ris_name(person) for person in entry.get("author", [])]
    if authors:
        record["authors"] = authors
    editors = [_ris_name(person) for name in NAME_FIELDS if name != "author" for person in entry.get(name, [])]
    if editors:
        record["secondary_authors"] = editors
    record["title"] = _one_line(entry.get("title", ""))
    for csl_name, ris_name in (("container-title", "secondary_title"), ("collection-title", "tertiary_title"),
                               ("publisher", "publisher"), ("publisher-place", "place_published"),
                               ("volume", "volume"), ("issue", "number"), ("edition", "edition"),
                               ("genre", "type_of_work"), ("DOI", "doi"), ("ISSN", "issn"),
                               ("language", "language"), ("abstract", "abstract")):
        if entry.get(csl_name):
            record[ris_name] = _one_line(str(entry[csl_name]))
    if entry.get("number") and "number" not in record:
        record["number"] = _one_line(entry["number"])
    if entry.get("page"):
        first, _, last = str(entry["page"]).replace("–", "-").partition("-")
        record["start_page"] = first.strip()
        if last.strip():
            record["end_page"] = last.strip()
    parts = date_parts(entry.get("issued", ""))
    if parts:
        record["year"] = str(parts[0])
        record["date"] = "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))
    accessed = date_parts(entry.get("accessed", ""))
    if accessed:
        record["access_date"] = "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(accessed))
    if entry.get("URL"):
        record["urls"] = [entry["URL"]]
    custom = entry.get("custom", {})
    notes = [_one_line(note) for note in (entry.get("note"), custom.get("note")) if note]
    # The verification level travels with the record, so a reference manager shows it too.
    record["notes"] = [*notes, VERIFICATION_NOTE.format(_confidence(entry))]
    return record


def _ris_name(person: dict[str, str]) -> str:
    """RIS names: "Family, Given, Suffix" for people; an organisation is written with a
    trailing comma and no given name (EndNote's convention for a corporate author, which
    Pandoc's RIS reader also reads back as one name)."""
    if person.get("literal"):
        return _one_line(person["literal"]) + ","
    family = " ".join(part for part in (person.get("non-dropping-particle"), person.get("family")) if part)
    given = " ".join(part for part in (person.get("given"), person.get("dropping-particle")) if part)
    pieces = [family, given] + ([person["suffix"]] if person.get("suffix") else [])
    return _one_line(", ".join(piece for piece in pieces if piece))


def _csl_date(value: Any) -> Any:
    if isinstance(value, str):
        return {"date-parts": [date_parts(value)]} if ISO_DATE.match(value) else value
    if isinstance(value, dict) and isinstance(value.get("date-parts"), list):
        converted = dict(value)
        converted["date-parts"] = [[int(str(part)) for part in date] for date in value["date-parts"]]
        return converted
    return value


def _confidence(entry: dict[str, Any]) -> str:
    return entry.get("custom", {}).get("confidence", "unknown")


def _one_line(value: str) -> str:
    # RIS is line-based: a value must not contain a line break.
    return re.sub(r"\s+", " ", str(value)).strip()
