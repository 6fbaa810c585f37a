"""Find Pandoc-style citations in Markdown.

Supported forms (Pandoc's bracketed syntax only)::

    [@key]                      [@key, p. 12]            [-@key]
    [see @a; @b, pp. 3-7]       [@key, chap. 2, note]    \\[@not-a-citation]

Bare ``@handle`` is never a citation. Code spans, fenced and indented code blocks,
HTML comments and YAML front matter are masked before searching, so examples of the
syntax in code stay as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LOCATOR_TERMS = ("pp.", "p.", "chap.", "sec.", "para.", "§")

# A bracketed group that contains an @ at the start of an item: "[@", "[-@", "; @",
# "see @". Not preceded by "\" (escape) or "!" (image) and not followed by "(" or "["
# or ":" (then it is a link or a reference definition, not a citation).
CLUSTER = re.compile(
    r"""(?x)
    (?<![\\!\]])
    \[
    (?P<body>[^\[\]]*(?<=[\s;\[])-?@[^\[\]]*)
    \]
    (?![(\[:])
    """,
)
ITEM = re.compile(
    r"""(?x)
    ^\s*
    (?P<prefix>(?:[^@;]*?\s)?)
    (?P<suppress>-)?
    @(?P<key>[^\s,;]*)
    (?P<rest>.*?)\s*$
    """,
    re.DOTALL,
)
LOCATOR = re.compile(
    r"""(?x)
    ^(?P<label>""" + "|".join(re.escape(term) for term in LOCATOR_TERMS) + r""")?\s*
    (?P<value>[0-9ivxlcdmIVXLCDM]+(?:\.[0-9]+)*(?:\s*[-–]\s*[0-9ivxlcdmIVXLCDM]+(?:\.[0-9]+)*)?)
    (?P<suffix>(?:\s*,.*)?)$
    """,
    re.DOTALL,
)


@dataclass(frozen=True)
class CitationItem:
    """One source inside a citation cluster."""

    key: str
    prefix: str = ""
    locator_label: str = ""
    locator: str = ""
    suffix: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class Cluster:
    """One bracketed citation: ``start``/``end`` are offsets into the Markdown."""

    start: int
    end: int
    line: int
    text: str
    items: tuple[CitationItem, ...] = field(default_factory=tuple)


class CitationSyntaxError(ValueError):
    """Malformed citation syntax at a known line."""

    def __init__(self, line: int, text: str, problem: str, fix: str) -> None:
        self.line, self.text, self.problem, self.fix = line, text, problem, fix
        super().__init__(f"{problem} in '{text}' — {fix}")


def find_citations(markdown: str) -> list[Cluster]:
    """Return every citation cluster in document order; raise on malformed syntax."""
    masked = mask_code(markdown)
    clusters = []
    for match in CLUSTER.finditer(masked):
        line = markdown.count("\n", 0, match.start()) + 1
        text = markdown[match.start():match.end()]
        items = tuple(parse_item(part, line, text) for part in match["body"].split(";"))
        clusters.append(Cluster(match.start(), match.end(), line, text, items))
    return clusters


def parse_item(part: str, line: int, text: str) -> CitationItem:
    """Parse ``see -@key, p. 3, note`` into a ``CitationItem``."""
    match = ITEM.match(part)
    if not match:
        raise CitationSyntaxError(line, text, "each item needs one '@key'",
                                  "write [@key] or separate several with ';' as in [@a; @b]")
    key = match["key"]
    if not key:
        raise CitationSyntaxError(line, text, "empty citation key",
                                  "put the source's id after '@', e.g. [@vera-unjust-burden-2018]")
    if not KEY_PATTERN.match(key):
        raise CitationSyntaxError(line, text, f"'{key}' is not a valid citation key",
                                  "keys use lower-case letters, digits and hyphens")
    rest = match["rest"]
    if "@" in rest:
        raise CitationSyntaxError(line, text, "two keys in one item",
                                  "separate sources with ';', as in [@a; @b]")
    if rest and not rest.startswith(","):
        raise CitationSyntaxError(line, text, f"unexpected text '{rest.strip()}' after the key",
                                  "put a comma after the key, as in [@key, p. 12]")
    after_comma = rest[1:].strip()
    if rest and not after_comma:
        raise CitationSyntaxError(line, text, "nothing after the comma",
                                  "remove the comma, or add a locator such as 'p. 12'")
    label, locator, suffix = split_locator(after_comma)
    return CitationItem(key, match["prefix"].strip(), label, locator, suffix, bool(match["suppress"]))


def split_locator(text: str) -> tuple[str, str, str]:
    """``"pp. 3-7, emphasis added"`` -> ``("pp.", "3–7", ", emphasis added")``."""
    if not text:
        return "", "", ""
    match = LOCATOR.match(text)
    if not match:
        return "", "", text
    label = match["label"] or ("pp." if re.search(r"[-–]", match["value"]) else "p.")
    value = re.sub(r"\s*[-–]\s*", "–", match["value"])
    return label, value, match["suffix"].strip()


def mask_code(markdown: str) -> str:
    """Blank out code, comments and front matter, keeping every offset and newline.

    Each step is one left-to-right pass (no regex that can rescan the rest of the text
    from every opening mark), so the time is linear in the page's length.
    """
    masked = _mask_front_matter(markdown)
    masked = _mask_blocks(masked)
    masked = _mask_comments(masked)
    masked = _mask_code_spans(masked)
    return masked


BACKTICK_RUN = re.compile(r"(?<!\\)`+")
BLANK_LINE = re.compile(r"\n[ \t]*\n")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _mask_comments(text: str) -> str:
    """HTML comments, ended as the HTML standard ends them: ``<!-->`` and ``<!--->``
    are complete (empty) comments, otherwise the first ``-->`` closes."""
    pieces, position = [], 0
    while (start := text.find("<!--", position)) != -1:
        if text.startswith(">", start + 4) or text.startswith("->", start + 4):
            end = text.index(">", start + 4) + 1
        else:
            close = text.find("-->", start + 4)
            end = len(text) if close == -1 else close + 3
        pieces += [text[position:start], _blank(text[start:end])]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _mask_code_spans(text: str) -> str:
    """Code spans, found as CommonMark finds them: a backtick run opens a span that the
    next run of the same length closes, within one paragraph. A backslash-escaped
    backtick opens nothing."""
    pieces, position = [], 0
    for paragraph in _paragraph_bounds(text):
        runs = [(m.start(), m.end()) for m in BACKTICK_RUN.finditer(text, *paragraph)]
        # For each run length, the positions of later runs of that length, nearest first.
        by_length: dict[int, list[int]] = {}
        for index in range(len(runs) - 1, -1, -1):
            by_length.setdefault(runs[index][1] - runs[index][0], []).append(index)
        index = 0
        while index < len(runs):
            start, end = runs[index]
            candidates = by_length[end - start]
            while candidates and candidates[-1] <= index:
                candidates.pop()
            if not candidates:
                index += 1
                continue
            closing = candidates.pop()
            pieces += [text[position:start], _blank(text[start:runs[closing][1]])]
            position = runs[closing][1]
            index = closing + 1
    pieces.append(text[position:])
    return "".join(pieces)


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for blank in BLANK_LINE.finditer(text):
        bounds.append((start, blank.start()))
        start = blank.end()
    bounds.append((start, len(text)))
    return bounds


def _mask_front_matter(text: str) -> str:
    match = FRONT_MATTER.match(text)
    return _blank(match.group(0)) + text[match.end():] if match else text


def _mask_blocks(text: str) -> str:
    """Mask fenced code blocks, and indented code blocks outside lists."""
    lines = text.split("\n")
    fence: str | None = None
    in_list = False
    previous_blank = True
    for index, line in enumerate(lines):
        stripped = line.strip()
        if fence is not None:
            lines[index] = _blank(line)
            if stripped.startswith(fence) and set(stripped) <= set(fence[0]):
                fence = None
            continue
        opening = FENCE.match(line)
        if opening:
            fence = opening["fence"]
            lines[index] = _blank(line)
            continue
        if LIST_ITEM.match(line):
            in_list = True
        elif stripped and previous_blank and not line[:1].isspace():
            in_list = False
        indented = line.startswith(("    ", "\t"))
        if indented and stripped and not in_list and (previous_blank or _is_code(lines, index)):
            lines[index] = _blank(line)
        previous_blank = not stripped
    return "\n".join(lines)


def _is_code(lines: list[str], index: int) -> bool:
    # An indented line continues a code block when the line before it was masked code.
    return index > 0 and lines[index - 1].strip() == "" and lines[index - 1] != ""
