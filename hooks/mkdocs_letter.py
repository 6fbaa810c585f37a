"""MkDocs adapter for the letter: events only, the work is in ``letter/``.

- ``on_config``: validate ``extra.letter`` and read the letter's text (errors stop).
- ``on_files``: replace marker lines with what they stand for, so that every later
  hook (citations, safety, search) reads the result: ``<!-- letter:full-text -->``
  (the letter, numbered), ``<!-- letter:recommendations -->`` (the recommendations
  table, for the brief) and ``<!-- letter:brief-pdf -->`` (a link to the printed brief,
  with its size, when ``make pdf`` has made it). Then check paragraph links on every
  page and the coverage of the pages that present the letter.

List it after the contributor checks (they read the files as written) and before the
citations hook (which reads the letter page's source citations).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from citations.yaml_strings import error_fix, error_line, error_reason, load_strings
from contributor_checks.front_matter import FrontMatterError, read_front_matter
from extra_settings import load_extra_settings, shown_file, shown_path
from letter.coverage import CoverageProblem, covered_paragraphs, paragraph_links, uncovered_sections
from letter.paragraphs import Paragraph, read_letter
from letter.render import letter_markdown
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from print_marks import PrintMarksExtension
from survivor_safety.content_notes import content_note_markdown

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

# Lines a page may hold on their own, each replaced with generated Markdown.
MARKER = re.compile(r"^<!-- letter:full-text -->[ \t]*$", re.MULTILINE)
RECOMMENDATIONS_MARKER = re.compile(r"^<!-- letter:recommendations -->[ \t]*$", re.MULTILINE)
PDF_MARKER = re.compile(r"^<!-- letter:brief-pdf -->[ \t]*$", re.MULTILINE)
PDF_NAME = "nsn-racial-equity-brief.pdf"
MAX_TABLE_ROWS = 100  # the recommendations table, copied into the brief (13 recommendations)


class LetterConfig(base.Config):
    """Settings under ``extra.letter`` in mkdocs.yml (reviewed code: paths only)."""

    text = c.File(exists=True)
    page = c.Type(str, default="letter.md")
    data_file = c.Type(str, default="")  # contributor data (LetterData), a YAML file under docs/_data/
    recommendations_page = c.Type(str, default="recommendations.md")  # its table, for the brief
    brief_pdf = c.Type(str, default="")  # the printed brief (`make pdf`), published with the site


@dataclass
class LetterData:
    """The letter's contributor data, read from ``extra.letter.data_file`` (docs/_data/letter.yaml)."""

    shown: str = "mkdocs.yml: extra.letter"   # how messages name the file
    presented_by: list[str] = field(default_factory=list)
    not_presented: dict[int, str] = field(default_factory=dict)  # paragraph number -> why no page presents it
    sources: dict[int, str] = field(default_factory=dict)        # paragraph number -> Markdown citing what it names
    questions: list[int] = field(default_factory=list)
    content_notes: dict[int, str] = field(default_factory=dict)  # paragraph number -> its content note
    lines: dict[str, int] = field(default_factory=dict)          # key -> its line in the file


class _BuildState:
    """What on_config learns for on_files; replaced on each build (`mkdocs serve` keeps
    this module loaded)."""

    def __init__(self, settings: LetterConfig, data: LetterData, paragraphs: list[Paragraph],
                 config_dir: Path) -> None:
        self.settings, self.data, self.paragraphs, self.config_dir = settings, data, paragraphs, config_dir


_state: _BuildState | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Validate the settings and read the letter, once per build; mark what print needs
    (``print_marks``: links that show their address, each abbreviation's first use)."""
    global _state
    config.markdown_extensions.append(PrintMarksExtension())
    settings = load_extra_settings(config, "letter", LetterConfig,
                                   "set 'text:' to the letter's text file, e.g. docs/_data/letter.txt")
    config_dir = Path(config.config_file_path).parent
    paragraphs = _read_paragraphs(settings, config_dir)
    data = _read_data(settings, config_dir, len(paragraphs))
    _state = _BuildState(settings, data, paragraphs, config_dir)
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Fill in the letter page, then check paragraph links and coverage site-wide."""
    if _state is None:
        raise PluginError("hooks/mkdocs_letter.py: on_config did not run — list the hook under 'hooks:'")
    settings, data, paragraphs, config_dir = _state.settings, _state.data, _state.paragraphs, _state.config_dir
    letter_file = files.get_file_from_path(settings.page)
    if letter_file is None:
        raise PluginError(f"mkdocs.yml: extra.letter.page: '{settings.page}' is not a page in docs/ — "
                          "create it with the line '<!-- letter:full-text -->' where the letter goes")
    if not MARKER.search(letter_file.content_string):
        raise PluginError(f"{shown_file(letter_file, config_dir)}: no '<!-- letter:full-text -->' line — "
                          "put it on a line of its own where the letter's text goes")
    pdf = _brief_pdf(files, settings, config, config_dir)
    safety = config.extra.get("survivor_safety") or {}  # validated by hooks/mkdocs_safety.py's on_config
    originals = {file.src_uri: file.content_string for file in files.documentation_pages()}
    for file in files.documentation_pages():
        _fill_markers(file, files, paragraphs, settings, data, pdf, config_dir, safety)
    errors, covered = [], set()
    for file in files.documentation_pages():
        if file is letter_file:
            continue
        text = originals[file.src_uri]  # as written: generated text is checked by its own tests
        shown = shown_file(file, config_dir)
        links, problems = paragraph_links(text, file.src_uri, settings.page, len(paragraphs))
        covered |= covered_paragraphs(links)  # any page that links ¶N presents it
        if _presents_letter(file, text, data):
            problems += uncovered_sections(text, links)
        problems += _unnoted_passages(text, links, data)
        errors += [problem.render(shown) for problem in sorted(problems, key=lambda p: p.line)]
    errors += _omissions(paragraphs, covered, settings, data)
    missing_pages = [page for page in data.presented_by if files.get_file_from_path(page) is None]
    errors += [f"{_where(data, 'presented_by')} presented_by: '{page}' is not a page in docs/ — "
               "fix the name, or remove it from the list" for page in missing_pages]
    if errors:
        raise PluginError("\n".join(errors))
    return files


# Helper functions


def _read_paragraphs(settings: LetterConfig, config_dir: Path) -> list[Paragraph]:
    _inside_project(settings.text, config_dir, "extra.letter.text")
    shown = shown_path(settings.text, config_dir)
    try:
        paragraphs = read_letter(settings.text)
    except (OSError, UnicodeDecodeError) as error:
        raise PluginError(f"{shown}: cannot read the letter ({error}) — save it as UTF-8 text") from None
    if not paragraphs:
        raise PluginError(f"{shown}: the letter is empty — restore its text, one paragraph per line")
    return paragraphs


def _read_data(settings: LetterConfig, config_dir: Path, count: int) -> LetterData:
    """The contributor data file, read with the project's safe YAML reader (strings only,
    no anchors or tags), inside the project and checked key by key."""
    if not settings.data_file:
        return LetterData()
    path = _inside_project(settings.data_file, config_dir, "extra.letter.data_file")
    shown = shown_path(path, config_dir)
    try:
        raw = load_strings(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as error:
        raise PluginError(f"{shown}:1: cannot read the letter's data ({error}) — save it as UTF-8 text") from None
    except yaml.YAMLError as error:
        raise PluginError(f"{shown}:{(error_line(error) or 0) + 1}: not valid YAML ({error_reason(error)}) — "
                          f"{error_fix(error, 'check the indentation')}") from None
    if not isinstance(raw, dict):
        raise PluginError(f"{shown}:1: the letter's data must be 'key: value' lines — see the comments at its top")
    lines = dict(getattr(raw, "key_lines", {}))  # 1-based
    data = LetterData(shown=shown, lines=lines)
    unknown = sorted(set(raw) - {"presented_by", "not_presented", "sources", "questions", "content_notes"})
    if unknown:
        raise PluginError(f"{_where(data, unknown[0])} unknown key '{unknown[0]}' — use presented_by, "
                          "not_presented, sources, questions or content_notes")
    data.presented_by = _text_list(raw.get("presented_by") or [], "presented_by", data)
    data.questions = [_number(value, "questions", count, data) for value in
                      _text_list(raw.get("questions") or [], "questions", data)]
    data.not_presented = _numbered_texts(raw.get("not_presented") or {}, "not_presented", count, data)
    data.sources = _numbered_texts(raw.get("sources") or {}, "sources", count, data)
    data.content_notes = _numbered_texts(raw.get("content_notes") or {}, "content_notes", count, data)
    return data


def _inside_project(value: str, config_dir: Path, setting: str) -> Path:
    """A file named in mkdocs.yml, which must be inside the project (links followed)."""
    path = Path(value)
    path = (path if path.is_absolute() else config_dir / path).resolve()
    if not path.is_relative_to(config_dir.resolve()):
        raise PluginError(f"mkdocs.yml: {setting}: '{value}' is outside the project — keep it in the repository")
    if not path.is_file():
        raise PluginError(f"mkdocs.yml: {setting}: '{value}' does not exist — restore it or fix the path")
    return path


def _where(data: LetterData, key: str) -> str:
    if data.shown.startswith("mkdocs.yml"):
        return f"{data.shown}.{key}:"
    return f"{data.shown}:{data.lines.get(key, 1)}:"


def _text_list(value: Any, key: str, data: LetterData) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise PluginError(f"{_where(data, key)} {key} must be a list — write one '- item' per line")
    return value


def _numbered_texts(mapping: Any, key: str, count: int, data: LetterData) -> dict[int, str]:
    if not isinstance(mapping, dict):
        raise PluginError(f"{_where(data, key)} {key} must be 'number: text' lines")
    result = {}
    for number, value in mapping.items():
        if not isinstance(value, str) or not value.strip():
            raise PluginError(f"{_where(data, key)} {key}.{number}: must be text — "
                              "write a short sentence after the paragraph number")
        result[_number(number, key, count, data)] = value
    return result


def _number(value: Any, key: str, count: int, data: LetterData) -> int:
    if not (isinstance(value, str) and value.isdigit() and 1 <= int(value) <= count):
        raise PluginError(f"{_where(data, key)} {key}: '{value}' is not a paragraph of the letter — "
                          f"use a number from 1 to {count} (the ¶ numbers on the letter page)")
    return int(value)


def _fill_markers(file: File, files: Files, paragraphs: list[Paragraph], settings: LetterConfig,
                  data: LetterData, pdf: File | None, config_dir: Path, safety: dict[str, Any]) -> None:
    """Replace each marker line of a page with what it stands for."""
    text = file.content_string
    if "<!-- letter:" not in text:
        return
    if MARKER.search(text):
        classes = {number: "letter-question" for number in data.questions}
        notes = _passage_notes(data, len(paragraphs), file, safety)
        body = letter_markdown(paragraphs, data.sources, classes, notes)
        text = MARKER.sub(lambda _: body, text, count=1)
    if RECOMMENDATIONS_MARKER.search(text):
        table = _recommendations_table(files, settings, config_dir)
        text = RECOMMENDATIONS_MARKER.sub(lambda _: table, text, count=1)
    if PDF_MARKER.search(text):
        link = _pdf_link(pdf, file) if pdf else ""
        text = PDF_MARKER.sub(lambda _: link, text)
    source_path = file.abs_src_path
    # Setting the text clears the source path; keep it, so that "Edit this page", the
    # commit date and every message still name the Markdown file a contributor edits.
    file.content_string = text
    file.abs_src_path = source_path


def _passage_notes(data: LetterData, count: int, file: File, safety: dict[str, Any]) -> dict[int, str]:
    """The content note of each noted paragraph, as Markdown to put right before it: what
    it covers, skip to the next paragraph, exit, and the safety page."""
    if not data.content_notes:
        return {}
    exit_url = safety.get("quick_exit_url")
    if not exit_url:
        raise PluginError(f"{_where(data, 'content_notes')} content_notes need the quick exit — list "
                          "hooks/mkdocs_safety.py under 'hooks:' and set extra.survivor_safety.quick_exit_url")
    safety_page = str(safety.get("safety_page") or "staying-safe-online.md")
    safety_link = posixpath.relpath(safety_page, posixpath.dirname(file.src_uri) or ".")
    notes = {}
    for number, text in data.content_notes.items():
        skip_to, skip_label = (f"#para-{number + 1}", f"Skip to ¶{number + 1}") if number < count else ("", "")
        # Its own name: a page may hold several notes, and landmarks must be told apart.
        notes[number] = content_note_markdown(text, exit_url, safety_link, skip_to, skip_label,
                                              label=f"Content note on ¶{number}")
    return notes


def _recommendations_table(files: Files, settings: LetterConfig, config_dir: Path) -> str:
    """The first table of the recommendations page (its links work from any page at the
    top of docs/, as the brief is)."""
    page = files.get_file_from_path(settings.recommendations_page)
    if page is None:
        raise PluginError(f"mkdocs.yml: extra.letter.recommendations_page: '{settings.recommendations_page}' "
                          "is not a page in docs/ — name the page with the recommendations table")
    lines = page.content_string.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("|")), None)
    if start is None:
        raise PluginError(f"{shown_file(page, config_dir)}: no table for '<!-- letter:recommendations -->' — "
                          "keep the recommendations as a Markdown table")
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    if end - start > MAX_TABLE_ROWS:  # the brief prints it: a huge table would stall the print step
        raise PluginError(f"{shown_file(page, config_dir)}:{start + 1}: the recommendations table has "
                          f"{end - start} rows, more than {MAX_TABLE_ROWS} — keep one row per recommendation")
    return "\n".join(lines[start:end]) + "\n"


def _brief_pdf(files: Files, settings: LetterConfig, config: MkDocsConfig, config_dir: Path) -> File | None:
    """The printed brief, added to the site when `make pdf` has made it."""
    if not settings.brief_pdf:
        return None
    path = Path(settings.brief_pdf)
    path = (path if path.is_absolute() else config_dir / path).resolve()
    if not path.is_file():
        raise PluginError(f"mkdocs.yml: extra.letter.brief_pdf: '{settings.brief_pdf}' does not exist — "
                          "run `make pdf`, which prints it and then builds the site with it")
    # Whatever this names is published: only a PDF from inside the project.
    if not path.is_relative_to(config_dir.resolve()):
        raise PluginError(f"mkdocs.yml: extra.letter.brief_pdf: '{settings.brief_pdf}' is outside the project — "
                          "use the PDF `make pdf` writes, build/nsn-racial-equity-brief.pdf")
    with path.open("rb") as pdf_file:
        if pdf_file.read(5) != b"%PDF-":
            raise PluginError(f"mkdocs.yml: extra.letter.brief_pdf: '{settings.brief_pdf}' is not a PDF — "
                              "use the PDF `make pdf` writes, build/nsn-racial-equity-brief.pdf")
    pdf = File.generated(config, PDF_NAME, abs_src_path=str(path))
    files.append(pdf)
    return pdf


def _pdf_link(pdf: File, page: File) -> str:
    size = Path(pdf.abs_src_path).stat().st_size
    shown = f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} KB"
    href = posixpath.relpath(PDF_NAME, posixpath.dirname(page.src_uri) or ".")
    return f"[Download this brief as a PDF]({href}) ({shown}, to print or forward).\n{{ .brief-download }}\n"


def _unnoted_passages(text: str, links: list, data: LetterData) -> list[CoverageProblem]:
    """A page that presents a paragraph with a content note must carry a note itself."""
    noted = [link for link in links if any(link.first <= number <= link.last for number in data.content_notes)]
    if not noted:
        return []
    try:
        front_matter, _ = read_front_matter(text)
    except FrontMatterError:
        return []  # reported by the contributor checks, which run first
    if front_matter.get("content_note"):
        return []
    numbers = sorted(n for n in data.content_notes if noted[0].first <= n <= noted[0].last)
    return [CoverageProblem(noted[0].line, f"this page presents ¶{numbers[0]}, which has a content note "
                            f"({data.shown})", "add a content_note to the front matter, as docs/diversion-courts.md "
                            "does, so readers can skip or leave before it")]


def _presents_letter(file: File, text: str, data: LetterData) -> bool:
    if file.src_uri in data.presented_by:
        return True
    try:
        data, _ = read_front_matter(text)
    except FrontMatterError:
        return False  # reported by the contributor checks, which run first
    return data.get("presents_letter") == "true"


def _omissions(paragraphs: list[Paragraph], covered: set[int], settings: LetterConfig, data: LetterData) -> list[str]:
    errors = []
    for paragraph in paragraphs:
        listed = paragraph.number in data.not_presented
        if paragraph.number not in covered and not listed:
            words = paragraph.text.split()
            opening = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
            errors.append(f"{_where(data, 'not_presented')} paragraph ¶{paragraph.number} (\"{opening}\") is "
                          "presented by no page — link it from the section that presents it, e.g. "
                          f"[¶{paragraph.number}]({settings.page}#{paragraph.anchor}), or list it under "
                          "not_presented with the reason")
        elif paragraph.number in covered and listed:
            errors.append(f"{_where(data, 'not_presented')} not_presented: ¶{paragraph.number} is listed as not "
                          "presented, but a page presents it — remove it from the list")
    return errors
