"""Where the letter's paragraphs are read and numbered.

A paragraph is one non-empty line of the letter's text file (the file as the NSN
published it: one line per paragraph, list items starting with "•"). Numbers follow
the file from 1, so ``para-12`` always names the same words: the letter is a record
and does not change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

URL = re.compile(r"https?://[^\s()]+")


@dataclass(frozen=True)
class Paragraph:
    number: int
    line: int      # in the text file
    text: str      # exactly as written, without the line's surrounding spaces

    @property
    def anchor(self) -> str:
        return paragraph_anchor(self.number)


def paragraph_anchor(number: int) -> str:
    """The id of paragraph ``number`` on the letter page (stable: the text never changes)."""
    return f"para-{number}"


def read_letter(path: str | Path) -> list[Paragraph]:
    """Every paragraph of the letter, numbered in order."""
    text = Path(path).read_text(encoding="utf-8")
    return split_paragraphs(text)


def split_paragraphs(text: str) -> list[Paragraph]:
    paragraphs = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            paragraphs.append(Paragraph(len(paragraphs) + 1, line_number, line.strip()))
    return paragraphs
