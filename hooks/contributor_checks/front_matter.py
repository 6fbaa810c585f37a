"""Front matter: parsed with line numbers and validated against the site's schema.

MkDocs itself silently ignores front matter it cannot parse (the YAML then shows up
as page text), so pages are parsed here first and a mistake stops the build.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml
from markupsafe import escape

from citations.yaml_strings import LineDict, error_fix, error_line, error_reason, load_strings
from survivor_safety.content_notes import SKIP_TO
from survivor_safety.urls import bidi_control

OPENING = re.compile(r"\A---[ \t]*\r?\n")
CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FIELDS = {
    "title": "the page title, as it appears in the navigation and search results",
    "description": "one or two sentences for search engines and link previews",
    "content_note": "a calm note about sensitive content, shown under the title",
    "last_reviewed": "the date someone last checked the page against its sources (YYYY-MM-DD)",
    "tags": "a list of topic words",
    "presents_letter": "'true' on a page that presents the letter: each section then links to its paragraphs",
    "search": "Material's search options; 'search: {exclude: true}' keeps a page out of search",
}
CONTENT_NOTE_KEYS = ("text", "skip_to", "skip_label")


@dataclass(frozen=True)
class Finding:
    """One problem: line in the file, what is wrong, how to fix it."""

    line: int
    problem: str
    fix: str

    def render(self, path: str) -> str:
        return f"{path}:{self.line}: {self.problem} — {self.fix}"


class FrontMatterError(ValueError):
    """Front matter that cannot be used."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.problem)
        self.finding = finding


def read_front_matter(text: str) -> tuple[LineDict | dict, int]:
    """Return (front matter, line where the body starts); raise ``FrontMatterError``."""
    opening = OPENING.match(text)
    if not opening:
        return {}, 1
    closing = CLOSING.search(text, opening.end())
    if not closing:
        raise FrontMatterError(Finding(1, "front matter is never closed",
                                       "end it with a line of three dashes: ---"))
    block = text[opening.end():closing.start()]
    try:
        data = load_strings(block) if block.strip() else {}
    except yaml.YAMLError as error:
        line = (error_line(error) or 0) + 2
        reason = error_reason(error)
        raise FrontMatterError(Finding(line, f"front matter is not valid YAML ({reason})",
                                       error_fix(error, "check the indentation, and put values containing "
                                                 "': ' in quotes"))) from None
    if not isinstance(data, dict):
        raise FrontMatterError(Finding(2, "front matter is not a list of 'field: value' lines",
                                       "write one 'field: value' per line, e.g. 'title: Values'"))
    return data, text.count("\n", 0, closing.end()) + 2


def validate_front_matter(data: LineDict | dict) -> list[Finding]:
    """Every problem with the fields (an empty list when they are fine)."""
    findings = []
    lines = getattr(data, "key_lines", {})

    def line_of(key: str) -> int:
        return lines.get(key, 0) + 1 if key in lines else 1

    for key, value in data.items():
        if key not in FIELDS:
            findings.append(Finding(line_of(key), f"unknown front matter field '{key}'", _suggestion(str(key))))
            continue
        problem = _check_field(key, value) or _hidden_characters(key, value)
        if problem:
            findings.append(Finding(line_of(key), *problem))
    return findings


def _hidden_characters(key: str, value: Any) -> tuple[str, str] | None:
    """Bidirectional controls in any text of the field: the theme prints titles and
    descriptions outside the content (<title>, navigation, link previews), where no
    check of the content sees them, and they make text read otherwise than it is stored."""
    texts = [value] if isinstance(value, str) else list(value.values()) if isinstance(value, dict) else \
        value if isinstance(value, list) else []
    for text in texts:
        control = bidi_control(text) if isinstance(text, str) else ""
        if control:
            return (f"'{key}' contains the invisible control character {control}",
                    "delete it: it makes text read differently from how it is stored")
    return None


def missing_description(data: dict) -> bool:
    return not str(data.get("description", "")).strip()


def _check_field(key: str, value: Any) -> tuple[str, str] | None:
    if key in ("title", "description"):
        if not isinstance(value, str) or not value.strip():
            return f"'{key}' must be text", f"write {key}: followed by {FIELDS[key]}"
        if key == "title" and "\n" in value.strip():
            return "'title' must fit on one line", "shorten the title, or use description: for more"
    if key == "content_note":
        if isinstance(value, str):
            return None if value.strip() else ("'content_note' is empty", "describe the content, or remove the field")
        if not isinstance(value, dict) or not str(value.get("text", "")).strip():
            return ("'content_note' must be text, or 'text:' with optional 'skip_to:' and 'skip_label:'",
                    "write content_note: followed by one or two calm sentences")
        unknown = [k for k in value if k not in CONTENT_NOTE_KEYS]
        if unknown:
            return f"unknown field 'content_note.{unknown[0]}'", f"use {', '.join(CONTENT_NOTE_KEYS)}"
        if not all(isinstance(value.get(name, ""), str) for name in CONTENT_NOTE_KEYS):
            return "'content_note' fields must be text", "write each of text:, skip_to: and skip_label: as text"
        skip_to = value.get("skip_to", "")
        if skip_to and not SKIP_TO.match(skip_to):
            return "'content_note.skip_to' must be an #anchor on this page", 'write skip_to: "#section-id"'
    if key == "last_reviewed":
        if not isinstance(value, str) or not DATE.match(value) or not _real_date(value):
            return f"'last_reviewed: {value}' is not a date", "write it as YYYY-MM-DD, e.g. last_reviewed: 2026-11-28"
    if key == "presents_letter":
        if value not in ("true", "false"):
            return f"'presents_letter: {value}' must be true or false", "write presents_letter: true, or remove it"
    if key == "search":
        if not isinstance(value, dict) or set(value) != {"exclude"} or value["exclude"] not in ("true", "false"):
            return "'search' must be 'search: {exclude: true}'", "write it exactly so, or remove the field"
    if key == "tags":
        if not isinstance(value, list) or not all(isinstance(tag, str) and tag.strip() for tag in value):
            return "'tags' must be a list of words", "write tags: [policy, prevention] or one '- tag' per line"
    return None


def _real_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _suggestion(key: str) -> str:
    close = difflib.get_close_matches(key, list(FIELDS), n=1, cutoff=0.6)
    allowed = ", ".join(FIELDS)
    return f"did you mean '{close[0]}'? (allowed: {allowed})" if close else f"use one of: {allowed}"


def typed_front_matter(data: dict) -> dict[str, Any]:
    """Valid front matter as the templates should see it.

    MkDocs' own parse types ``title: 2022`` as a number and ``yes`` as a boolean, and
    Material prints titles and descriptions into HTML without escaping. Here every
    value is the schema's type, and text that reaches HTML is escaped ``Markup``.
    """
    typed: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("title", "description"):
            typed[key] = escape(" ".join(str(value).split()))
        elif key == "tags":
            typed[key] = [escape(str(tag)) for tag in value]
        elif key == "search":
            typed[key] = {"exclude": value.get("exclude") == "true"}
        elif key == "content_note":
            typed[key] = dict(value) if isinstance(value, dict) else str(value)
        else:
            typed[key] = str(value)
    return typed
