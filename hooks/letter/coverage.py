"""Where paragraph links are read and the letter's coverage is checked.

A page that presents the letter says, in each section, which paragraphs it presents,
with a link such as ``[¶12–14](letter.md#para-12)`` under the heading. From those links:

- a section (and a page's lead) without one is reported;
- a link to a paragraph the letter does not have is reported, on any page;
- a paragraph that no page presents is reported, unless it is listed as deliberately
  not presented, with a reason.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from citations.syntax import mask_code
from contributor_checks.front_matter import Finding as CoverageProblem  # file, line, problem, fix

# [¶12](letter.md#para-12) or [¶12–14](…#para-12); the en dash or a hyphen. Targets are
# bounded so that a page of unclosed "](" cannot make the search quadratic.
PARAGRAPH_LINK = re.compile(r"\[¶\s*(?P<first>\d+)(?:\s*[–-]\s*(?P<last>\d+))?\]\((?P<target>[^)\s]{0,300})\)")
# Any Markdown link into the letter page's paragraphs, whatever its text.
ANY_LINK_TARGET = re.compile(r"\]\((?P<target>[^)\s#]{0,300}#para-[^)\s]{0,40})\)")
HEADING = re.compile(r"^(?P<marks>#{1,2})[ \t]+(?P<title>.+?)[ \t]*(?:\{[^}]*\})?[ \t]*#*[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class ParagraphLink:
    line: int
    first: int
    last: int


@dataclass(frozen=True)
class Section:
    line: int
    title: str
    start: int   # offsets in the page's Markdown
    end: int


def paragraph_links(markdown: str, page: str, letter_page: str, paragraph_count: int
                    ) -> tuple[list[ParagraphLink], list[CoverageProblem]]:
    """The paragraph links of one page (``page`` and ``letter_page`` are paths inside
    docs/), and the problems with them: a paragraph that does not exist, a range that
    runs backwards, or a link whose text and target disagree."""
    masked = mask_code(markdown)
    links, problems = [], []
    seen_targets = set()
    for match in PARAGRAPH_LINK.finditer(masked):
        line = masked.count("\n", 0, match.start()) + 1
        seen_targets.add(match.start("target"))
        first = int(match["first"])
        last = int(match["last"] or first)
        target = match["target"]
        if not _targets_letter(target, page, letter_page):
            problems.append(CoverageProblem(line, f"'{match[0]}' does not point at the letter page",
                                            f"link to {_relative(letter_page, page)}#para-{first}"))
            continue
        fragment = target.partition("#")[2]
        if fragment != f"para-{first}":
            problems.append(CoverageProblem(line, f"'{match[0]}' says ¶{first} but points at #{fragment}",
                                            f"point it at {_relative(letter_page, page)}#para-{first}"))
            continue
        if last < first:
            problems.append(CoverageProblem(line, f"'{match[0]}': the range runs backwards",
                                            f"write the first paragraph first, e.g. ¶{last}–{first}"))
            continue
        missing = [n for n in (first, last) if not 1 <= n <= paragraph_count]
        if missing:
            problems.append(_no_such_paragraph(line, match[0], missing[0], paragraph_count))
            continue
        links.append(ParagraphLink(line, first, last))
    for match in ANY_LINK_TARGET.finditer(masked):
        if match.start("target") in seen_targets or not _targets_letter(match["target"], page, letter_page):
            continue
        fragment = unquote(match["target"].partition("#")[2])
        number = fragment.removeprefix("para-")
        if not number.isdigit() or not 1 <= int(number) <= paragraph_count:
            line = masked.count("\n", 0, match.start()) + 1
            problems.append(_no_such_paragraph(line, match["target"], number, paragraph_count))
    return links, problems


def sections(markdown: str) -> list[Section]:
    """The page's lead (from its title to the first ``##``) and each ``##`` section."""
    return _sections(mask_code(markdown))


def _sections(masked: str) -> list[Section]:
    headings = list(HEADING.finditer(masked))
    found = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(masked)
        line = masked.count("\n", 0, heading.start()) + 1
        found.append(Section(line, heading["title"].strip(), heading.end(), end))
    return found


def uncovered_sections(markdown: str, links: list[ParagraphLink]) -> list[CoverageProblem]:
    """Sections of a presenting page that link to no paragraph. A lead with no text of
    its own (only the title) needs none."""
    problems = []
    masked = mask_code(markdown)
    lines_with_links = {link.line for link in links}
    for section in _sections(masked):
        body = masked[section.start:section.end]
        if not body.strip():
            continue
        first_line = section.line
        last_line = first_line + body.count("\n")
        if not any(first_line <= line <= last_line for line in lines_with_links):
            problems.append(CoverageProblem(
                section.line, f"section '{section.title}' cites no paragraph of the letter",
                "add 'From the letter: [¶N](letter.md#para-N)' under the heading, with the paragraphs it presents"))
    return problems


def covered_paragraphs(links: list[ParagraphLink]) -> set[int]:
    return {number for link in links for number in range(link.first, link.last + 1)}


def _targets_letter(target: str, page: str, letter_page: str) -> bool:
    path = target.partition("#")[0]
    if not path:
        return page == letter_page
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path)))
    return joined == letter_page


def _relative(letter_page: str, page: str) -> str:
    return posixpath.relpath(letter_page, posixpath.dirname(page) or ".")


def _no_such_paragraph(line: int, written: str, number, count: int) -> CoverageProblem:
    return CoverageProblem(line, f"'{written}' points at paragraph {number}, which the letter does not have",
                           f"use a paragraph from ¶1 to ¶{count} (the numbers on the letter page)")
