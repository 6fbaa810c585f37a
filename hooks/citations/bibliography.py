"""Load the CSL-YAML bibliography and validate every entry.

Each problem is reported as ``FILE:LINE: entry 'key': problem — fix`` so a contributor
can go straight to the line. Validation collects every problem in the file before
failing, so one run shows them all.
"""

from __future__ import annotations

import calendar
import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from citations.yaml_strings import LineDict, error_fix, error_line, error_reason, load_strings

# A key as Pandoc's citation grammar reads it after '@': a letter, digit or '_' first,
# then letters, digits and '_' with single ':.#$%&-+?<>~/' between them.
KEY_PATTERN = re.compile(r"^\w+(?:(?:[:/](?=/))*[:.#$%&\-+?<>~/]\w+)*$")
# Any other key is cited in braces, @{https://example.org/report/} (Pandoc's syntax); it may
# not hold what would end a BibTeX key or an attribute: spaces, braces, quotes, commas.
MARKUP_IN_KEY = re.compile(r"[<>]")
BRACED_KEY_PATTERN = re.compile(r"^[^\s{}\"',()=\\\x00-\x1f\x7f]{1,200}$")
# A date as text: ISO 8601 / EDTF level 0-1 ("2018", "2018-05", "2019-06-13", "2019~",
# "2019?", "2019-06-13/2019-06-14", "2019/..").
EDTF_DATE = r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?[~?%]?"
DATE_PATTERN = re.compile(rf"^(?P<start>{EDTF_DATE})(?:/(?P<end>{EDTF_DATE}|\.\.))?$")
CONFIDENCE_LEVELS = ("verified", "likely", "unknown")
# A DOI as Crossref mints them: "10.", a registrant code, "/", then printable text that
# cannot close a quoted attribute or a BibTeX brace group.
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[^\s\"'<>{}\\^`|]+$")
# How reference managers and publishers write a DOI besides "10.x/y": as a resolver URL
# or with "doi:" in front. Each is read as the bare DOI.
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
URL_FORBIDDEN = re.compile(r"[\s\"'<>{}\\^`|\x00-\x1f\x7f]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Limits checked before any parser reads the file: the site cites tens of sources.
MAX_BIBLIOGRAPHY_BYTES = 2_000_000
MAX_ENTRIES = 2_000
STRING_MACRO = re.compile(r"@string\s*[{(]", re.IGNORECASE)

# Every item type of CSL 1.0.2, with the fields this site needs beyond id, type and
# title ("author|publisher": at least one of the two).
CSL_TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
)
# CSL needs no author for any type: a style such as APA then starts with the title
# (an unsigned newspaper article, say). A chapter is found through its book.
REQUIRED_BY_TYPE: dict[str, tuple[str, ...]] = {name: () for name in CSL_TYPES} | {
    "chapter": ("container-title",),
}

# CSL 1.0.2 variables (csl-data.json). Anything else is most likely a typo.
NAME_FIELDS = (
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director", "executive-producer",
    "guest", "host", "illustrator", "interviewer", "narrator", "organizer", "original-author",
    "performer", "producer", "recipient", "reviewed-author", "script-writer", "series-creator",
    "translator",
)
DATE_FIELDS = ("accessed", "available-date", "event-date", "issued", "original-date", "submitted")
NUMBER_FIELDS = (
    "chapter-number", "citation-number", "collection-number", "edition", "first-reference-note-number",
    "issue", "locator", "number", "number-of-pages", "number-of-volumes", "page", "page-first",
    "part-number", "printing-number", "section", "supplement-number", "version", "volume",
)
TEXT_FIELDS = (
    "abstract", "annote", "archive", "archive_collection", "archive_location", "archive-place",
    "authority", "call-number", "citation-key", "citation-label", "collection-title",
    "container-title", "container-title-short", "dimensions", "division", "DOI", "event",
    "event-title", "event-place", "genre", "ISBN", "ISSN", "jurisdiction", "keyword", "language",
    "license", "medium", "note", "original-publisher", "original-publisher-place",
    "original-title", "part-title", "PMCID", "PMID", "publisher", "publisher-place",
    "references", "reviewed-genre", "reviewed-title", "scale", "source", "status", "title",
    "title-short", "URL", "volume-title", "year-suffix",
)
KNOWN_FIELDS = frozenset({"id", "type", "custom", *NAME_FIELDS, *DATE_FIELDS, *NUMBER_FIELDS, *TEXT_FIELDS})
NAME_PARTS = frozenset({"family", "given", "dropping-particle", "non-dropping-particle", "suffix",
                        "comma-suffix", "static-ordering", "literal", "parse-names"})
DATE_OBJECT_FIELDS = frozenset({"date-parts", "season", "circa", "literal", "raw"})
CUSTOM_FIELDS = frozenset({"confidence", "note", "archive-url", "archive-date"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the bibliography file, with where it is and how to fix it."""

    path: str
    line: int
    key: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: entry '{self.key}': {self.problem} — {self.fix}"


class BibliographyError(Exception):
    """The bibliography file cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Bibliography:
    """Validated entries, in file order, keyed by id; ``path``: the first file (where a
    new entry goes), ``origin``: each entry's file and the line of its id."""

    path: str
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)

    def where(self, key: str) -> str:
        """``FILE:LINE`` of an entry's id, for messages about it."""
        path, line = self.origin.get(key, (self.path, 0))
        return f"{path}:{line}" if line else path

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def __getitem__(self, key: str) -> dict[str, Any]:
        return self.entries[key]

    def keys(self) -> list[str]:
        return list(self.entries)


def load_bibliographies(paths: list[tuple[str | Path, str]]) -> Bibliography:
    """Read every file of ``paths`` (each ``(path, shown path)``: CSL-YAML, CSL-JSON or
    BibTeX, mixed) into one bibliography, in order. An id given in two files is named in
    both; every problem of every file is reported at once."""
    merged: Bibliography | None = None
    first_by_lower: dict[str, str] = {}
    problems: list[Problem] = []
    for path, shown in paths:
        try:
            one = load_bibliography(path, shown)
        except BibliographyError as error:
            problems += error.problems
            continue
        merged = merged or Bibliography(one.path)
        for key, entry in one.entries.items():
            first = first_by_lower.get(key.lower())
            if first is not None:
                problems.append(Problem(shown, one.origin[key][1], key, f"duplicate id (first in {merged.where(first)})",
                                        "give each entry a unique id, or keep it in one file only"))
                continue
            first_by_lower[key.lower()] = key
            merged.entries[key], merged.origin[key] = entry, one.origin[key]
    if problems:
        raise BibliographyError(problems)
    assert merged is not None, "load_bibliographies needs at least one file"
    if len(merged.entries) > MAX_ENTRIES:
        raise BibliographyError([Problem(merged.path, 1, "-", f"{len(merged.entries):,} entries in all, more than "
                                         f"{MAX_ENTRIES:,}", "keep only the sources the site cites")])
    return merged


def load_bibliography(path: str | Path, display_path: str | None = None) -> Bibliography:
    """Read, parse and validate one bibliography file; raise ``BibliographyError`` if unusable."""
    shown = display_path or str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BIBLIOGRAPHY_BYTES:  # checked before any parser reads it
            raise BibliographyError([Problem(shown, 1, "-", f"the file has {size:,} bytes, more than "
                                             f"{MAX_BIBLIOGRAPHY_BYTES:,}", "keep only the sources the site cites")])
        data = Path(path).read_bytes()
    except OSError as error:
        raise BibliographyError(
            [Problem(shown, 0, "-", f"cannot read the file ({error.strerror})",
                     "check extra.citations.bibliography in mkdocs.yml")]
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BibliographyError(
            [Problem(shown, line, "-", f"not UTF-8 text (byte 0x{data[error.start]:02x})",
                     "save the file as UTF-8 (Zotero and Better BibTeX export UTF-8)")]
        ) from None
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return parse_csl_json(text, shown)
    if suffix == ".bib":
        return parse_bibtex(text, shown)
    return parse_bibliography(text, shown)


def parse_bibliography(text: str, path: str) -> Bibliography:
    """Parse CSL-YAML text and validate every entry."""
    try:
        data = load_strings(text)
    except yaml.YAMLError as error:
        line = (error_line(error) or 0) + 1
        reason = error_reason(error)
        raise BibliographyError(
            [Problem(path, line, _entry_at(text, line), f"invalid YAML ({reason})",
                     error_fix(error, "check indentation and quote values that contain ': '"))]
        ) from None
    return validate_references(_reference_list(data, path), path)


ENTRY_ID = re.compile(r"^\s*(?:-\s+)?id:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)


def _entry_at(text: str, line: int) -> str:
    """The id of the entry that holds ``line`` (1-based): the last ``id:`` at or above
    it, as the contributor wrote it; "-" before the first entry."""
    end = 0
    for _ in range(line):
        end = text.find("\n", end) + 1
        if end == 0:
            end = len(text)
            break
    found = None
    for found in ENTRY_ID.finditer(text, 0, end):
        pass
    return found.group(1) if found else "-"


def parse_csl_json(text: str, path: str) -> Bibliography:
    """CSL-JSON as Zotero and Better BibTeX export it: an array of items (numbers become
    text, as in CSL-YAML); each entry's problems name the line of its ``"id"``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BibliographyError([Problem(path, error.lineno, "-", f"invalid JSON ({error.msg})",
                                         "export the file again from the reference manager as CSL JSON")]) from None
    if isinstance(data, dict) and isinstance(data.get("references"), list):
        data = data["references"]
    if not isinstance(data, list):
        raise BibliographyError([Problem(path, 1, "-", "not a CSL-JSON array of items",
                                         "the file must start with '[' and hold one {...} per source")])
    return validate_references([_with_lines(item, _id_line(text, item)) for item in data], path)


def parse_bibtex(text: str, path: str) -> Bibliography:
    """BibTeX or BibLaTeX: Pandoc's reader makes the CSL items; bibtexparser finds each
    entry's line and the ``confidence`` field (Pandoc drops fields it does not know)."""
    import bibtexparser

    from citations.engine import EngineError, bibtex_to_csl

    macro = _concatenated_macro(text)
    if macro:
        raise BibliographyError([Problem(path, macro, "-", "an @string macro is built from other macros with '#'",
                                         "write the macro's text out in full (each such step can double the "
                                         "text, so a few lines would grow to gigabytes)")])
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise BibliographyError([Problem(path, block.start_line + 1, "-", "a BibTeX entry that cannot be read",
                                         "check its braces and the commas between fields")])
    try:
        items = {str(item.get("id")): item for item in bibtex_to_csl(text)}
    except EngineError as error:
        raise BibliographyError([Problem(path, 1, "-", error.problem, error.fix)]) from None
    references = []
    for entry in library.entries:
        fields = {name.lower(): field.value for name, field in entry.fields_dict.items()}
        item = dict(items.get(entry.key, {"id": entry.key}))
        custom = {name: str(fields[name]).strip("{}") for name in ("confidence", "archive-url", "archive-date")
                  if name in fields}
        if custom:
            item["custom"] = custom
        references.append(_with_lines(item, entry.start_line + 1))
    return validate_references(references, path)


def _concatenated_macro(text: str) -> int:
    """The line of the first ``@string`` whose value uses ``#`` outside quotes and braces
    (reference managers write macros as plain text); 0 when there is none. Linear."""
    for match in STRING_MACRO.finditer(text):
        depth, quoted = 0, False
        for position in range(match.end(), len(text)):
            char = text[position]
            if char == '"' and depth == 0:
                quoted = not quoted
            elif char == "{" and not quoted:
                depth += 1
            elif char in "})" and not quoted:
                if depth == 0:
                    break
                depth -= 1
            elif char == "#" and depth == 0 and not quoted:
                return text.count("\n", 0, match.start()) + 1
            elif char == "@" and depth == 0 and not quoted:
                break  # the next entry: this one was never closed
    return 0


def validate_references(references: list[Any], path: str) -> Bibliography:
    if len(references) > MAX_ENTRIES:
        raise BibliographyError([Problem(path, 1, "-", f"{len(references):,} entries, more than {MAX_ENTRIES:,}",
                                         "keep only the sources the site cites")])
    """Validate every entry (all problems at once) and keep the valid ones in order."""
    problems: list[Problem] = []
    bibliography = Bibliography(path)
    first_seen: dict[str, int] = {}
    for entry in references:
        entry_problems = validate_entry(entry, path)
        problems.extend(entry_problems)
        key = str(entry.get("id", "")) if isinstance(entry, dict) else ""
        if key and key.lower() in first_seen:
            problems.append(
                Problem(path, _line_of(entry, "id"), key,
                        f"duplicate id (first used on line {first_seen[key.lower()]})",
                        "give each entry a unique id")
            )
            continue
        if key:
            first_seen[key.lower()] = _line_of(entry, "id")
        if not entry_problems:
            bibliography.entries[key] = normalise_entry(entry)
            bibliography.origin[key] = (path, _line_of(entry, "id"))
    if problems:
        raise BibliographyError(problems)
    return bibliography


def _with_lines(value: Any, line: int) -> Any:
    """A JSON value shaped like the YAML reader's: mappings that know their line, text
    for numbers (date parts stay numbers for the date check)."""
    if isinstance(value, dict):
        mapping = LineDict((str(k), _with_lines(v, line)) for k, v in value.items())
        mapping.line, mapping.key_lines = line, {str(k): line for k in value}
        return mapping
    if isinstance(value, list):
        return [_with_lines(v, line) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _id_line(text: str, item: Any) -> int:
    key = item.get("id") if isinstance(item, dict) else None
    match = re.search(r'"id"\s*:\s*' + re.escape(json.dumps(key)), text) if key is not None else None
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _reference_list(data: Any, path: str) -> list[Any]:
    if not isinstance(data, dict) or "references" not in data:
        raise BibliographyError(
            [Problem(path, 1, "-", "no top-level 'references:' list",
                     "start the file with 'references:' followed by '- id: ...' entries")]
        )
    references = data["references"]
    if not isinstance(references, list):
        raise BibliographyError(
            [Problem(path, data.key_lines.get("references", 1), "-",
                     "'references' is not a list", "write each entry as '- id: ...'")]
        )
    return references


def validate_entry(entry: Any, path: str) -> list[Problem]:
    """Return every problem with one entry (an empty list means it is valid)."""
    if not isinstance(entry, dict):
        return [Problem(path, 0, "-", "entry is not a mapping", "write each entry as '- id: ...'")]
    key = str(entry.get("id", "")).strip()
    shown = key or "?"
    problems: list[Problem] = []
    bibtex = path.endswith(".bib")  # messages in BibTeX's words: its fields, not CSL's

    def report(field_name: str, problem: str, fix: str) -> None:
        problems.append(Problem(path, _line_of(entry, field_name), shown, problem, fix))

    if not key:
        report("id", "missing 'id'", "add 'id: author-title-year' in lower case")
    elif not (KEY_PATTERN.match(key) or BRACED_KEY_PATTERN.match(key)):
        report("id", f"{'key' if bibtex else 'id'} '{key}' is not a valid key",
               "use no spaces, braces, quotes, commas, parentheses, '=' or backslashes in it (a key "
               "with other characters than letters, digits and -_:. is cited in braces: @{key})")
    elif MARKUP_IN_KEY.search(key):
        # Pandoc's grammar allows them, but in a page Markdown reads "<b>" in [@a<b>c] as a tag.
        report("id", f"{'key' if bibtex else 'id'} '{key}' holds '<' or '>'",
               "use another key: a page could not cite it, since Markdown reads <...> as HTML")
    entry_type = entry.get("type")
    if not entry_type:
        report("type", "missing 'type'", "add 'type:' with a CSL type such as report, webpage, article-journal, "
               "book, chapter, legal_case or bill")
    elif entry_type not in REQUIRED_BY_TYPE:
        report("type", f"unsupported type '{entry_type}'", _type_fix(str(entry_type)))
    if not _filled(entry.get("title")):
        if bibtex:
            report("title", "missing field 'title'", "add 'title = {...},' with the title exactly as the source gives it")
        else:
            report("title", "missing 'title'", "add the title exactly as the source gives it")
    for requirement in REQUIRED_BY_TYPE.get(str(entry_type), ()):
        options = requirement.split("|")
        if not any(_filled(entry.get(name)) for name in options):
            if bibtex:
                report("type", "an @incollection or @inbook needs 'booktitle'",
                       "add 'booktitle = {...},' with the title of the book")
            else:
                report("type", f"a '{entry_type}' needs '{' or '.join(options)}'",
                       f"add '{options[0]}:' with the title of the book")
    for name in entry:
        if name not in KNOWN_FIELDS:
            report(name, f"unknown field '{name}'",
                   "check the spelling against CSL-JSON, or move project data under 'custom:'")
    for name in NAME_FIELDS:
        if name in entry:
            problems.extend(_name_problems(entry, name, path, shown))

    for name in DATE_FIELDS:
        if name in entry and (problem := _date_problem(name, entry[name])):
            report(name, *(_bibtex_date_problem(name, entry[name]) if bibtex else problem))
    for name, value in entry.items():
        if name in NAME_FIELDS or name in DATE_FIELDS or name == "custom":
            continue
        if not isinstance(value, str):
            report(name, f"'{name}' must be text, not a {'list' if isinstance(value, list) else 'mapping'}",
                   f"write {name}: followed by the text on the same line")
        elif CONTROL_CHARACTERS.search(value):
            report(name, f"'{name}' contains a control character", "retype the value as plain text")
    if "URL" in entry and not _is_web_url(entry["URL"]):
        report("URL", f"{'url' if bibtex else 'URL'} '{entry['URL']}' is not an http(s) address",
               "paste the full address, starting with https://" + (", as url = {https://...}" if bibtex else ""))
    if "DOI" in entry:
        doi = normalised_doi(entry["DOI"])
        if doi is None:
            report("DOI", f"{'doi' if bibtex else 'DOI'} '{entry['DOI']}' is not a DOI",
                   "write the DOI as the source gives it, e.g. " +
                   ("doi = {10.1177/21677026231186625}" if bibtex else "DOI: 10.1177/21677026231186625"))
        else:
            entry["DOI"] = doi
    if problems:
        return problems  # the checks below assume the shapes checked above
    problems.extend(_custom_problems(entry, path, shown))
    return problems


def _type_fix(written: str) -> str:
    close = difflib.get_close_matches(written, CSL_TYPES, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"{hint}use a CSL 1.0.2 type (report, webpage, article-journal, book, chapter, legal_case, bill, …)"


def _name_problems(entry: dict, name: str, path: str, key: str) -> list[Problem]:
    names = entry[name]
    line = _line_of(entry, name)
    if not isinstance(names, list) or not names:
        return [Problem(path, line, key, f"'{name}' is not a list of names",
                        f"write '{name}:' then '- family: ...' / 'given: ...' or '- literal: ...'")]
    problems = []
    for person in names:
        person_line = getattr(person, "line", line)
        if isinstance(person, dict) and (unknown := sorted(set(person) - NAME_PARTS)):
            problems.append(Problem(path, person_line, key, f"a name in '{name}' has an unknown part '{unknown[0]}'",
                                    "use family:, given:, non-dropping-particle:, suffix: or literal:"))
        elif isinstance(person, dict) and not all(isinstance(part, str) for part in person.values()):
            problems.append(Problem(path, person_line, key, f"a name in '{name}' has a part that is not text",
                                    "write each of family:, given: or literal: as text on one line"))
        elif not isinstance(person, dict) or not (
            _filled(person.get("literal")) or _filled(person.get("family"))
        ):
            if path.endswith(".bib"):
                problems.append(Problem(path, person_line, key, f"a name in '{name}' has no family name",
                                        f"write {name} = {{Family, Given and Family, Given}}; an organisation "
                                        "in double braces, {{National Survivor Network}}"))
            else:
                problems.append(Problem(path, person_line, key, f"a name in '{name}' has no 'family' or 'literal'",
                                        "give a person 'family:' and 'given:', an organisation 'literal:'"))
    return problems


def _custom_problems(entry: dict, path: str, key: str) -> list[Problem]:
    custom = entry.get("custom")
    line = _line_of(entry, "custom")
    if not isinstance(custom, dict):
        if path.endswith(".bib"):
            return [Problem(path, line, key, "missing field 'confidence'",
                            "add 'confidence = {verified},' (or likely, or unknown) to the entry")]
        return [Problem(path, line, key, "missing 'custom: {confidence: ...}'",
                        "add 'custom:' with 'confidence: verified', 'likely' or 'unknown'")]
    problems = []
    for name, value in custom.items():
        if not isinstance(value, str):
            problems.append(Problem(path, custom.key_lines.get(name, line), key,
                                    f"'custom.{name}' must be text", "write it as text on the same line"))
        elif name not in CUSTOM_FIELDS:
            problems.append(Problem(path, custom.key_lines.get(name, line), key,
                                    f"unknown field 'custom.{name}'",
                                    f"use one of {', '.join(sorted(CUSTOM_FIELDS))}"))
    if custom.get("confidence") not in CONFIDENCE_LEVELS:
        problems.append(Problem(path, custom.key_lines.get("confidence", line), key,
                                f"'custom.confidence' is '{custom.get('confidence', '')}'",
                                "set it to verified, likely or unknown"))
    archive_url = custom.get("archive-url")
    if _filled(archive_url) and not _is_web_url(archive_url):
        problems.append(Problem(path, custom.key_lines.get("archive-url", line), key,
                                f"archive-url '{archive_url}' is not an http(s) address",
                                "paste the full web.archive.org or perma.cc address"))
    if _filled(archive_url) and not _filled(custom.get("archive-date")):
        problems.append(Problem(path, custom.key_lines.get("archive-url", line), key,
                                "archive-url has no archive-date",
                                "add 'archive-date: \"YYYY-MM-DD\"', the date of the capture"))
    archive_date = custom.get("archive-date")
    if _filled(archive_date) and _date_problem("archive-date", str(archive_date)) is not None:
        problems.append(Problem(path, custom.key_lines.get("archive-date", line), key,
                                f"archive-date '{archive_date}' is not a date",
                                "write it as a quoted \"YYYY-MM-DD\""))
    return problems


def normalise_entry(entry: dict) -> dict[str, Any]:
    """Return a plain-dict copy with whitespace tidied; dates stay ISO strings, and
    Better CSL YAML's list dates become CSL's ``date-parts``."""
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return " ".join(str(value).split())

    tidy = plain(entry)
    for name in DATE_FIELDS:
        if isinstance(tidy.get(name), list):
            tidy[name] = {"date-parts": [[day[part] for part in ("year", "month", "day") if part in day]
                                         for day in tidy[name]]}
    return tidy


def normalised_doi(value: Any) -> str | None:
    """The bare DOI ("10.1177/2167702623118662") of a DOI as reference managers write it
    (bare, https://doi.org/..., http://dx.doi.org/..., doi:...); ``None`` if it is none."""
    text = DOI_PREFIX.sub("", str(value).strip(), count=1)
    if text != str(value).strip():
        text = unquote(text)  # a resolver URL may percent-encode the DOI's characters
    return text if DOI_PATTERN.match(text) else None


def suggest_key(typed: str, bibliography: Bibliography) -> str | None:
    """The entry a mistyped key most likely meant, matching ids and author-year forms.

    ``hintn-2018`` finds ``vera-unjust-burden-2018`` through its first author, Hinton.
    """
    aliases: dict[str, str] = {}
    for key, entry in bibliography.entries.items():
        aliases[key] = key
        year = (date_parts(entry.get("issued", "")) or [""])[0]
        for person in (entry.get("author") or [])[:1]:
            name = (person.get("family") or person.get("literal", "")).lower()
            aliases.setdefault(re.sub(r"[^a-z0-9]+", "-", f"{name}-{year}").strip("-"), key)
    match = difflib.get_close_matches(typed.lower(), list(aliases), n=1, cutoff=0.6)
    return aliases[match[0]] if match else None


def date_parts(value: Any) -> list[int]:
    """The first date of a date field as ``[year, month, day]`` (as many as it has):
    ``"2018-05"`` and ``{date-parts: [[2018, 5]]}`` both give ``[2018, 5]``."""
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list):
            try:
                return [int(str(part)) for part in parts[0]]
            except ValueError:
                return []
        return []
    match = DATE_PATTERN.match(str(value))
    if not match:
        return []
    start = match["start"].rstrip("~?%")
    sign = -1 if start.startswith("-") else 1
    pieces = start.lstrip("-").split("-")
    return [sign * int(pieces[0]), *(int(piece) for piece in pieces[1:])]


DATE_FIX = ("write it as a quoted \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\" (EDTF such as \"2019~\" or "
            "\"2019/2020\" works too), or as {date-parts: [[YYYY, M, D]]} or {literal: ...}")
REAL_DATE_FIX = "check the month and day"


def _date_problem(name: str, value: Any) -> tuple[str, str] | None:
    """Why a CSL date value is not usable, with the fix; ``None`` when it is usable."""
    if isinstance(value, str):
        match = DATE_PATTERN.match(value)
        if not match:
            return f"'{name}: {value}' is not a date", DATE_FIX
        ends = [match["start"], match["end"]] if match["end"] not in (None, "..") else [match["start"]]
        if not all(_valid_parts(date_parts(end)) for end in ends):
            return f"'{name}: {value}' is not a real date", REAL_DATE_FIX
        return None
    if isinstance(value, list):
        return _list_date_problem(name, value)
    if not isinstance(value, dict):
        return f"'{name}' is not a date", DATE_FIX
    unknown = sorted(set(value) - DATE_OBJECT_FIELDS)
    if unknown:
        return f"'{name}' has an unknown part '{unknown[0]}'", "use date-parts:, literal:, raw:, season: or circa:"
    if "date-parts" in value:
        parts = value["date-parts"]
        if not (isinstance(parts, list) and 1 <= len(parts) <= 2 and all(isinstance(p, list) and 1 <= len(p) <= 3
                                                                      for p in parts)):
            return f"'{name}' has date-parts that are not one or two [year, month, day] lists", DATE_FIX
        try:
            numbers = [[int(str(part)) for part in date] for date in parts]
        except ValueError:
            return f"'{name}' has date-parts that are not numbers", DATE_FIX
        if not all(_valid_parts(date) for date in numbers):
            return f"'{name}' date-parts {numbers} are not a real date", REAL_DATE_FIX
        return None
    if not any(isinstance(value.get(part), str) and value[part].strip() for part in ("literal", "raw")):
        return f"'{name}' has neither date-parts nor literal", DATE_FIX
    return None


LIST_DATE_PARTS = ("year", "month", "day")


def _list_date_problem(name: str, value: list) -> tuple[str, str] | None:
    """A date as Better CSL YAML writes it (Zotero's Better BibTeX): a list of one date,
    or two for a range, each ``{year: 2019, month: 5, day: 13}``."""
    if not 1 <= len(value) <= 2 or not all(isinstance(day, dict) for day in value):
        return f"'{name}' is a list that is not one or two dates", DATE_FIX
    for day in value:
        unknown = sorted(set(day) - set(LIST_DATE_PARTS))
        if unknown:
            return f"'{name}' has an unknown part '{unknown[0]}'", "give each date year:, month: and day: only"
        if "year" not in day or ("day" in day and "month" not in day):
            return f"'{name}' has a date without a year (or a day without a month)", DATE_FIX
        try:
            parts = [int(str(day[part])) for part in LIST_DATE_PARTS if part in day]
        except ValueError:
            return f"'{name}' has a year, month or day that is not a number", DATE_FIX
        if not _valid_parts(parts):
            return f"'{name}' {parts} is not a real date", REAL_DATE_FIX
    return None


def _bibtex_date_problem(name: str, value: Any) -> tuple[str, str]:
    """A date problem in BibTeX's words (Pandoc made the CSL date from date, year and month)."""
    field_name = {"issued": "date", "accessed": "urldate", "event-date": "eventdate",
                  "original-date": "origdate"}.get(name, name)
    shown = value if isinstance(value, str) else "-".join(str(part) for part in date_parts(value)) or "?"
    return (f"'{field_name} = {{{shown}}}' is not a real date",
            f"write {field_name} = {{YYYY-MM-DD}} (or YYYY, or YYYY-MM), or year = {{YYYY}} with month = {{M}}")


def _valid_parts(parts: list[int]) -> bool:
    if not parts:
        return False
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        return False
    if len(parts) == 3:
        return 1 <= parts[2] <= calendar.monthrange(parts[0] if parts[0] > 0 else 2000, parts[1])[1]
    return True


def _is_web_url(value: Any) -> bool:
    """An absolute http(s) URL with a host, and nothing that could end the attribute,
    BibTeX field or RIS line it is written into."""
    text = str(value)
    if URL_FORBIDDEN.search(text):
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _line_of(entry: Any, field_name: str) -> int:
    if isinstance(entry, LineDict):
        return entry.key_lines.get(field_name, entry.line)
    return 0
