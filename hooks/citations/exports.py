"""Exports for reference managers: CSL-JSON, BibTeX and RIS.

CSL-JSON is the lossless one (Zotero, Pandoc and citeproc read it); BibTeX and RIS are
for tools that read nothing else.
"""

from __future__ import annotations

import json
import re
from typing import Any

from citations.bibliography import Bibliography, date_parts

BIBTEX_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "report": "techreport",
}
RIS_TYPES = {
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "book": "BOOK",
    "chapter": "CHAP",
    "hearing": "HEAR",
    "legislation": "STAT",
    "regulation": "GOVDOC",
    "report": "RPRT",
    "webpage": "ELEC",
}
# BibTeX's special characters and how to write them literally.
BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}


def to_csl(entry: dict[str, Any]) -> dict[str, Any]:
    """One entry in CSL-JSON form: dates as ``date-parts``; project data kept in ``custom``."""
    item = {name: value for name, value in entry.items() if name not in ("issued", "accessed")}
    for name in ("issued", "accessed"):
        if entry.get(name):
            item[name] = {"date-parts": [date_parts(entry[name])]}
    return item


def to_csl_json(bibliography: Bibliography) -> str:
    """The whole bibliography as a CSL-JSON array."""
    items = [to_csl(entry) for entry in bibliography.entries.values()]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def bibtex_escape(text: str) -> str:
    """Escape BibTeX specials so the value reads back as the same text."""
    return "".join(BIBTEX_ESCAPES.get(char, char) for char in text)


def bibtex_entry(key: str, entry: dict[str, Any]) -> str:
    """One BibTeX entry; titles in double braces keep their capitals."""
    entry_type = BIBTEX_TYPES.get(entry.get("type", ""), "misc")
    fields: list[tuple[str, str]] = []
    names = [_bibtex_name(person) for person in entry.get("author", [])]
    if names:
        fields.append(("author", " and ".join(names)))
    fields.append(("title", "{" + bibtex_escape(entry["title"]) + "}"))
    container = entry.get("container-title")
    if container:
        fields.append(("journal" if entry_type == "article" else "howpublished", bibtex_escape(container)))
    if entry.get("publisher"):
        fields.append(("institution" if entry_type == "techreport" else "publisher",
                       bibtex_escape(entry["publisher"])))
    for csl_name, bib_name in (("volume", "volume"), ("issue", "number"), ("number", "number"),
                               ("page", "pages"), ("genre", "type"), ("collection-title", "series")):
        if entry.get(csl_name) and bib_name not in dict(fields):
            fields.append((bib_name, bibtex_escape(entry[csl_name])))
    parts = date_parts(entry.get("issued", ""))
    if parts:
        fields.append(("year", str(parts[0])))
    if len(parts) >= 2:
        fields.append(("month", str(parts[1])))
    if entry.get("URL"):
        fields.append(("url", entry["URL"]))
    if entry.get("DOI"):
        fields.append(("doi", entry["DOI"]))
    confidence = entry.get("custom", {}).get("confidence")
    if confidence and confidence != "verified":
        fields.append(("note", f"Verification status: {confidence}"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def to_bibtex(bibliography: Bibliography) -> str:
    """The whole bibliography as BibTeX."""
    return "\n".join(bibtex_entry(key, entry) for key, entry in bibliography.entries.items())


def ris_record(entry: dict[str, Any]) -> str:
    """One RIS record (tags as in the RIS specification, ``ER`` ends it)."""
    lines = [("TY", RIS_TYPES.get(entry.get("type", ""), "GEN")), ("ID", entry["id"])]
    for person in entry.get("author", []):
        lines.append(("AU", person.get("literal") or
                      ", ".join(p for p in (person.get("family"), person.get("given")) if p)))
    lines.append(("TI", entry["title"]))
    if entry.get("container-title"):
        lines.append(("T2", entry["container-title"]))
    parts = date_parts(entry.get("issued", ""))
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    for csl_name, tag in (("publisher", "PB"), ("volume", "VL"), ("issue", "IS"), ("page", "SP"),
                          ("URL", "UR"), ("DOI", "DO"), ("genre", "M3")):
        if entry.get(csl_name):
            lines.append((tag, entry[csl_name]))
    custom = entry.get("custom", {})
    if custom.get("note"):
        lines.append(("N1", custom["note"]))
    # The verification level travels with the record, so a reference manager shows it too.
    lines.append(("N1", f"Verification: {custom.get('confidence', 'unknown')}"))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {_one_line(value)}" for tag, value in lines) + "\n"


def to_ris(bibliography: Bibliography) -> str:
    """The whole bibliography as RIS."""
    return "\n".join(ris_record(entry) for entry in bibliography.entries.values())


def _bibtex_name(person: dict[str, str]) -> str:
    if person.get("literal"):
        # Double braces: an organisation is one name, not "family, given".
        return "{" + bibtex_escape(person["literal"]) + "}"
    given = person.get("given")
    family = bibtex_escape(person["family"])
    return f"{family}, {bibtex_escape(given)}" if given else family


def _one_line(value: str) -> str:
    # RIS is line-based: a value must not contain a line break.
    return re.sub(r"\s+", " ", value).strip()
