"""MkDocs adapter for the letter: events only, the work is in ``letter/``.

- ``on_config``: validate ``extra.letter`` and read the letter's text (errors stop).
- ``on_files``: write the letter page's text in place of its marker, so that every
  later hook (citations, safety, search) reads the full letter; then check paragraph
  links on every page and the coverage of the pages that present the letter.

List it after the contributor checks (they read the files as written) and before the
citations hook (which reads the letter page's source citations).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contributor_checks.front_matter import FrontMatterError, read_front_matter
from extra_settings import load_extra_settings, shown_path
from letter.coverage import covered_paragraphs, paragraph_links, uncovered_sections
from letter.paragraphs import Paragraph, read_letter
from letter.render import letter_markdown
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

MARKER = re.compile(r"^<!-- letter:full-text -->[ \t]*$", re.MULTILINE)


class LetterConfig(base.Config):
    """Settings under ``extra.letter`` in mkdocs.yml."""

    text = c.File(exists=True)
    page = c.Type(str, default="letter.md")
    presented_by = c.ListOfItems(c.Type(str), default=[])
    not_presented = c.Type(dict, default={})   # paragraph number -> why no page presents it
    sources = c.Type(dict, default={})         # paragraph number -> Markdown citing what it names
    questions = c.ListOfItems(c.Type(int), default=[])


class _BuildState:
    """What on_config learns for on_files; replaced on each build (`mkdocs serve` keeps
    this module loaded)."""

    def __init__(self, settings: LetterConfig, paragraphs: list[Paragraph], config_dir: Path) -> None:
        self.settings, self.paragraphs, self.config_dir = settings, paragraphs, config_dir


_state: _BuildState | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Validate the settings and read the letter, once per build."""
    global _state
    settings = load_extra_settings(config, "letter", LetterConfig,
                                   "set 'text:' to the letter's text file, e.g. docs/_data/letter.txt")
    paragraphs = _read_paragraphs(settings, Path(config.config_file_path).parent)
    count = len(paragraphs)
    _numbered_keys(settings.not_presented, "not_presented", count)
    _numbered_keys(settings.sources, "sources", count)
    for number in settings.questions:
        _check_number(number, "questions", count)
    _state = _BuildState(settings, paragraphs, Path(config.config_file_path).parent)
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Fill in the letter page, then check paragraph links and coverage site-wide."""
    if _state is None:
        raise PluginError("hooks/mkdocs_letter.py: on_config did not run — list the hook under 'hooks:'")
    settings, paragraphs, config_dir = _state.settings, _state.paragraphs, _state.config_dir
    letter_file = files.get_file_from_path(settings.page)
    if letter_file is None:
        raise PluginError(f"mkdocs.yml: extra.letter.page: '{settings.page}' is not a page in docs/ — "
                          "create it with the line '<!-- letter:full-text -->' where the letter goes")
    _fill_letter_page(letter_file, paragraphs, settings, config_dir)
    errors, covered = [], set()
    for file in files.documentation_pages():
        if file is letter_file:
            continue
        text = file.content_string
        shown = shown_path(file.abs_src_path, config_dir) if file.abs_src_path else file.src_uri
        links, problems = paragraph_links(text, file.src_uri, settings.page, len(paragraphs))
        covered |= covered_paragraphs(links)  # any page that links ¶N presents it
        if _presents_letter(file, text, settings):
            problems += uncovered_sections(text, links)
        errors += [problem.render(shown) for problem in sorted(problems, key=lambda p: p.line)]
    errors += _omissions(paragraphs, covered, settings)
    missing_pages = [page for page in settings.presented_by if files.get_file_from_path(page) is None]
    errors += [f"mkdocs.yml: extra.letter.presented_by: '{page}' is not a page in docs/ — "
               "fix the name, or remove it from the list" for page in missing_pages]
    if errors:
        raise PluginError("\n".join(errors))
    return files


# Helper functions


def _read_paragraphs(settings: LetterConfig, config_dir: Path) -> list[Paragraph]:
    shown = shown_path(settings.text, config_dir)
    try:
        paragraphs = read_letter(settings.text)
    except (OSError, UnicodeDecodeError) as error:
        raise PluginError(f"{shown}: cannot read the letter ({error}) — save it as UTF-8 text") from None
    if not paragraphs:
        raise PluginError(f"{shown}: the letter is empty — restore its text, one paragraph per line")
    return paragraphs


def _numbered_keys(mapping: dict[Any, Any], name: str, count: int) -> None:
    for key, value in mapping.items():
        _check_number(key, name, count)
        if not isinstance(value, str) or not value.strip():
            raise PluginError(f"mkdocs.yml: extra.letter.{name}.{key}: must be text — "
                              "write a short sentence after the paragraph number")


def _check_number(value: Any, name: str, count: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= count:
        raise PluginError(f"mkdocs.yml: extra.letter.{name}: '{value}' is not a paragraph of the letter — "
                          f"use a number from 1 to {count} (the ¶ numbers on the letter page)")


def _fill_letter_page(file: File, paragraphs: list[Paragraph], settings: LetterConfig, config_dir: Path) -> None:
    text = file.content_string
    if not MARKER.search(text):
        shown = shown_path(file.abs_src_path, config_dir) if file.abs_src_path else file.src_uri
        raise PluginError(f"{shown}: no '<!-- letter:full-text -->' line — "
                          "put it on a line of its own where the letter's text goes")
    classes = {number: "letter-question" for number in settings.questions}
    body = letter_markdown(paragraphs, settings.sources, classes)
    source_path = file.abs_src_path
    # Setting the text clears the source path; keep it, so that "Edit this page", the
    # commit date and every message still name the Markdown file a contributor edits.
    file.content_string = MARKER.sub(lambda _: body, text, count=1)
    file.abs_src_path = source_path


def _presents_letter(file: File, text: str, settings: LetterConfig) -> bool:
    if file.src_uri in settings.presented_by:
        return True
    try:
        data, _ = read_front_matter(text)
    except FrontMatterError:
        return False  # reported by the contributor checks, which run first
    return data.get("presents_letter") == "true"


def _omissions(paragraphs: list[Paragraph], covered: set[int], settings: LetterConfig) -> list[str]:
    errors = []
    for paragraph in paragraphs:
        listed = paragraph.number in settings.not_presented
        if paragraph.number not in covered and not listed:
            words = paragraph.text.split()
            opening = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
            errors.append(f"mkdocs.yml: extra.letter: paragraph ¶{paragraph.number} (\"{opening}\") is presented by "
                          "no page — link it from the section that presents it, e.g. "
                          f"[¶{paragraph.number}]({settings.page}#{paragraph.anchor}), or list it under "
                          "extra.letter.not_presented with the reason")
        elif paragraph.number in covered and listed:
            errors.append(f"mkdocs.yml: extra.letter.not_presented: ¶{paragraph.number} is listed as not presented, "
                          "but a page presents it — remove it from the list")
    return errors
