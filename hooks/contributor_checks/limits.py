"""Limits checked on a page's source before any parser reads it, each a ``Finding``.

Python-Markdown and the checks after it are not written for hostile input: an
unmatched ``[`` makes the link parser rescan the rest of its block (20,000 of them take
a minute), HTML blocks with ``markdown`` nested a few hundred deep exhaust Python's
recursion, and thousands of headings feed every table of contents and the search
index. Real pages stay far below each limit (the largest here: 29 brackets in a block,
12 levels of nesting, 40 headings). Every count is one linear pass over the text.
"""

from __future__ import annotations

import re

from contributor_checks.front_matter import Finding

MAX_PAGE_CHARACTERS = 1_000_000
MAX_BRACKETS_PER_BLOCK = 500
MAX_NESTING = 50
MAX_HEADINGS = 500

BLOCK_SEPARATOR = re.compile(r"\n[ \t]*\n")
HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)|^ {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
QUOTE_OR_INDENT = re.compile(r"^((?:[ \t]*>)*)([ \t]*)", re.MULTILINE)
# An opening or closing tag of an element that can hold blocks, read no further than
# the next angle bracket (so the pattern is linear).
# (Not <p>, <li> or table cells: HTML closes those by itself, so they never nest deeply.)
BLOCK_TAG = re.compile(r"(?<!\\)<(/?)(div|section|aside|article|details|summary|blockquote|figure|nav|header|"
                       r"footer|main|ul|ol|dl|table)\b[^<>]*>", re.IGNORECASE)


def limit_problems(masked: str) -> list[Finding]:
    """``masked``: the page's Markdown with code masked (``citations.syntax.mask_code``)."""
    if len(masked) > MAX_PAGE_CHARACTERS:
        return [Finding(1, f"the page has {len(masked):,} characters, more than {MAX_PAGE_CHARACTERS:,}",
                        "split it into several pages")]
    findings = []
    line = 1
    position = 0
    for separator in [*BLOCK_SEPARATOR.finditer(masked), None]:
        end = separator.start() if separator else len(masked)
        if masked.count("[", position, end) > MAX_BRACKETS_PER_BLOCK:
            findings.append(Finding(line, f"a paragraph has more than {MAX_BRACKETS_PER_BLOCK} '[' characters",
                                    "split the paragraph, or write the brackets as \\[ where they are text"))
            break
        if separator:
            line += masked.count("\n", position, separator.end())
            position = separator.end()
    headings = sum(1 for _ in HEADING.finditer(masked))
    if headings > MAX_HEADINGS:
        findings.append(Finding(1, f"the page has {headings} headings, more than {MAX_HEADINGS}",
                                "split it into several pages"))
    findings += _nesting_problems(masked)
    return findings


def _nesting_problems(masked: str) -> list[Finding]:
    for match in QUOTE_OR_INDENT.finditer(masked):
        quotes, indent = match.group(1).count(">"), len(match.group(2).expandtabs(4))
        if quotes + indent // 4 > MAX_NESTING:
            return [_too_deep(masked.count("\n", 0, match.start()) + 1)]
    depth = 0
    for match in BLOCK_TAG.finditer(masked):
        depth += -1 if match.group(1) else 1
        if depth > MAX_NESTING:
            return [_too_deep(masked.count("\n", 0, match.start()) + 1)]
        depth = max(depth, 0)
    return []


def _too_deep(line: int) -> Finding:
    return Finding(line, f"quotes, lists or HTML blocks are nested more than {MAX_NESTING} levels deep",
                   "flatten the structure")
