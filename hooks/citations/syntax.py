"""Find citations in Markdown the way Pandoc's Markdown reader finds them.

Pandoc's grammar (its manual, section "Citation syntax", and ``Text.Pandoc.Readers.Markdown``)::

    [@key]    [see @a, p. 3; -@b, chap. 2, note]    [@a, {1.2-1.3}]    [@{odd key}]
    @key says    @key [p. 33] says    @key [-@other; p. 4]

- A key starts with a letter, digit or ``_`` and may hold ``:.#$%&-+?<>~/`` between
  letters and digits (``@doe:2020``, ``@Doe2020``); ``@{...}`` takes anything but spaces.
- ``@`` right after a letter, digit or ``.`` is not a key (e-mail addresses).
- A bracketed cluster is not a citation when a link target ``(...)``, an attribute
  list ``{...}`` or a link label ``[...]`` follows it at once.
- In-text ``@key`` is a citation only when the key is in the bibliography (Pandoc takes
  every ``@word``; on this site ``@``-mentions and handles stay text).

Locators, prefixes and suffixes are left as written: Pandoc's citeproc reads them
(``citations.engine``), so every locator term Pandoc knows works. Code spans, fenced and
indented code, HTML comments and front matter are masked first, so examples stay as
written. Every step walks forward and is memoised by position, so the time is linear in
the page's length, nested brackets included.
"""

from __future__ import annotations

import functools

import re
from dataclasses import dataclass, field

# A key: a letter, digit, "_" or "*", then letters, digits and "_", with any of
# ":.#$%&-+?<>~/" allowed just before a letter, digit or "_" (and ":" or "/" before "/").
KEY = re.compile(r"[\w*](?:\w|[:.#$%&\-+?<>~/](?=\w)|[:/](?=/))*")
# A line that starts a new block ends a paragraph's inline text (Pandoc's endline).
BLOCK_START = re.compile(r"[ \t]*(?:#|>|[-*+][ \t]|\d+[.)][ \t]|```|~~~|:::|\|)")
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*>"
                      r"|<[^\s<>@]+@[^\s<>]+>")
ATTRIBUTES = re.compile(r"""\{\s*(?:(?:[#.][^\s{}]+|[A-Za-z_][\w-]*=(?:"[^"\n]*"|'[^'\n]*'|[^\s{}]+)|-)\s*)*\}""")
OPENING = re.compile(r"\[")
AT_AFTER_BRACKET = re.compile(r"-?@")
SCAN_STOP = re.compile(r"[\\\[\]\-@<]")  # where scan() has something to decide
# Where a prefix or suffix has something to decide; any other character is plain text.
INLINE_STOP = re.compile(r"[\\\[\];\-@<\n]")
# A link reference definition: a label in balanced brackets (a footnote's "[^1]" is
# none), a colon, a target, an optional title (perhaps on the next line) and attributes,
# and nothing else on the line.
DEFINITION_OPENING = re.compile(r"^ {0,3}\[(?!\^)", re.MULTILINE)
DEFINITION_REST = re.compile(r"""\]:[ \t]*\n?[ \t]*(?:<[^<>\n]*>|\S+)"""
                             r"""(?:[ \t]*\n?[ \t]*(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?"""
                             r"""(?:[ \t]*\{[^{}\n]*\})?[ \t]*(?:\n|\Z)""")


@dataclass(frozen=True)
class CitationItem:
    """One source inside a citation cluster."""

    key: str
    suppress_author: bool = False
    in_text: bool = False   # ``@key`` written in the sentence (author in text)


@dataclass(frozen=True)
class Cluster:
    """One citation as written: ``start``/``end`` are offsets into the Markdown.

    ``items`` are the cluster's own sources, ``nested`` those of citations written inside
    its prefix or suffix (Pandoc formats those within it). ``engine_text`` is ``text``
    on one line, with the ``@`` of in-text mentions that are not keys escaped, so the
    engine reads them as text too.
    """

    start: int
    end: int
    line: int
    text: str
    items: tuple[CitationItem, ...] = field(default_factory=tuple)
    nested: tuple[CitationItem, ...] = ()
    engine_text: str = ""

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items + self.nested]


def find_citations(markdown: str, known_keys=frozenset(), code: bool = True,
                   strays: list[int] | None = None) -> list[Cluster]:
    """Every citation in document order. ``known_keys``: the bibliography's keys (in-text
    ``@key`` is a citation only for these). ``code=False``: the text is one that Markdown
    has already read, with no code to leave out and no blocks (no link reference
    definitions). ``strays``, if given, receives the offset of each ``[`` in text (not in
    code, a tag or a link's target) that is followed by ``@`` or ``-@`` and starts no
    citation: what a contributor surely meant as one."""
    return _Scanner(markdown, known_keys, code).scan(strays)


def whole_cluster(text: str, known_keys=frozenset()) -> Cluster | None:
    """``text``, one that Markdown has already read, as a single cluster, or None."""
    found = find_citations(text, known_keys, code=False)
    return found[0] if len(found) == 1 and (found[0].start, found[0].end) == (0, len(text)) else None


@dataclass(frozen=True)
class _Found:
    """A citation found at some position, its items read only when needed: ``first`` is
    the in-text key, ``suffix`` its bare locator's span, ``items_from`` where a citeList
    starts. Reading items lazily keeps nested brackets linear."""

    end: int
    first: CitationItem | None = None
    suffix: tuple[int, int] | None = None
    items_from: int | None = None


class _Scanner:
    """Pandoc's inline citation parsers over the masked page, memoised by position."""

    def __init__(self, markdown: str, known_keys, code: bool = True) -> None:
        self.source = markdown
        self.text = mask_code(markdown) if code else markdown
        self.known = known_keys
        self.brackets, self.parens = _matching_pairs(self.text)
        # A definition is no text: Pandoc reads its target and title as strings. Text
        # that Markdown has already read has none (its blocks are gone: a line there
        # that starts "[label]:" is text).
        definitions = self._definitions() if code else {}
        self._read_clusters(definitions)
        # A label that is a citation ("[@a]: ...") makes no definition (Pandoc's rule);
        # without it the clusters are read again, as a label can change what follows it.
        if any(self.normal[opening] is not None for opening in definitions):
            self._read_clusters({opening: end for opening, end in definitions.items() if self.normal[opening] is None})

    def _read_clusters(self, definitions: dict[int, int]) -> None:
        self.labels = {_label(self.text[opening + 1:self.brackets[opening]]) for opening in definitions}
        self.definition_ends = definitions
        self.normal: dict[int, _Found | None] = {}
        self.prefix: dict[int, int | None] = {}
        self.suffix: dict[int, int | None] = {}
        self.list_end: dict[int, int | None] = {}
        # Right to left: every cluster nested in a later position is known before an
        # earlier one needs it, so nothing recurses deeper than one level.
        for position in reversed([match.start() for match in OPENING.finditer(self.text)]):
            self._normal_cite(position)

    def _definitions(self) -> dict[int, int]:
        """Each link reference definition, as its opening bracket and where it ends (after
        its title, which may stand on the next line)."""
        definitions = {}
        for match in DEFINITION_OPENING.finditer(self.text):
            opening = match.end() - 1
            closing = self.brackets.get(opening)
            rest = None if closing is None else DEFINITION_REST.match(self.text, closing)
            if rest is not None:
                definitions[opening] = rest.end()
        return definitions

    def scan(self, strays: list[int] | None = None) -> list[Cluster]:
        text, clusters, position = self.text, [], 0
        lines = _LineCounter(self.source)
        while (interesting := SCAN_STOP.search(text, position)) is not None:
            position = interesting.start()
            char = text[position]
            found = None
            if char == "\\":
                position += _escape_length(text, position)
                continue
            if char == "[" and position in self.definition_ends:
                position = self.definition_ends[position]
                continue
            if char == "[":
                found = self.normal.get(position)
                if found is None and strays is not None and AT_AFTER_BRACKET.match(text, position + 1):
                    strays.append(position)
            elif char in "-@":
                found = self._textual_cite(position)
            elif char == "]" and text.startswith("](", position):
                position = (self.parens.get(position + 1) or position) + 1  # a link's target is not text
                continue
            elif char == "<" and (tag := HTML_TAG.match(text, position)):
                position = tag.end()
                continue
            if found is None:
                position += 1
                continue
            clusters.append(self._cluster(position, found, lines.line_of(position)))
            position = found.end
        return clusters

    def _cluster(self, start: int, found: _Found, line: int) -> Cluster:
        items, nested, mentions = self._expand(found)
        written = self.source[start:found.end]
        engine = list(written)
        for offset in mentions:
            engine[offset - start] = "\\@"
        return Cluster(start, found.end, line, written, tuple(items), tuple(nested),
                       " ".join("".join(engine).split()))

    def _expand(self, found: _Found) -> tuple[list[CitationItem], list[CitationItem], list[int]]:
        """The items of a found citation, the citations nested in its prefixes and
        suffixes, and the offsets of mentions to escape."""
        items, nested, mentions = [], [], []
        if found.first is not None:
            items.append(found.first)
        if found.suffix is not None:
            self._collect_nested(*found.suffix, nested, mentions)
        position = found.items_from
        while position is not None:
            key_start = self._prefix_end(position)
            suppress, key, after_key = _cite_key(self.text, key_start)
            suffix_end = self._suffix_end(after_key)
            items.append(CitationItem(key, suppress))
            self._collect_nested(position, key_start, nested, mentions)
            self._collect_nested(after_key, suffix_end, nested, mentions)
            position = _spnl(self.text, suffix_end + 1) if self.text[suffix_end] == ";" else None
        return items, nested, mentions

    # Pandoc's parsers, one method each

    def _normal_cite(self, start: int) -> _Found | None:
        """``normalCite``: '[' citeList ']', not followed by a target, attributes or label."""
        if start in self.normal:
            return self.normal[start]
        self.normal[start] = None
        text = self.text
        items_from = _spnl(text, start + 1)
        position = self._cite_list_end(items_from)
        end = None if position is None else _after_closing_bracket(text, position)
        if end is None or self._followed_by_link_part(end):
            return None
        self.normal[start] = _Found(end, items_from=items_from)
        return self.normal[start]

    def _followed_by_link_part(self, end: int) -> bool:
        text = self.text
        if end >= len(text):
            return False
        if text[end] == "(":
            return end in self.parens
        if text[end] == "{":
            return ATTRIBUTES.match(text, end) is not None
        return text[end] == "[" and end in self.brackets

    def _cite_list_end(self, start: int) -> int | None:
        """``citeList``: citations separated by ';'; where the last one's suffix ends."""
        return self._walk(start, self.list_end, self._cite_list_step)

    def _cite_list_step(self, position: int) -> tuple[bool, int | None]:
        end = self._citation_end(position)
        if end is None:
            return True, None
        if self.text[end] == ";":
            return False, _spnl(self.text, end + 1)
        return True, end

    def _citation_end(self, start: int) -> int | None:
        """``citation``: prefix, key, suffix; where the suffix ends."""
        key_start = self._prefix_end(start)
        if key_start is None:
            return None
        return self._suffix_end(_cite_key(self.text, key_start)[2])

    def _prefix_end(self, start: int) -> int | None:
        """Where the key after a prefix starts; ``None`` if ']' or ';' comes first."""
        return self._walk(start, self.prefix, self._prefix_step)

    def _prefix_step(self, position: int) -> tuple[bool, int | None]:
        text = self.text
        if _cite_key(text, position)[1]:
            return True, position
        if text[position] in "];" or _at_paragraph_end(text, position):
            return True, None
        return False, self._skip_inline(position)

    def _suffix_end(self, start: int) -> int | None:
        """Where a suffix ends: at the first ';' or ']' that starts an inline."""
        return self._walk(start, self.suffix, self._suffix_step)

    def _suffix_step(self, position: int) -> tuple[bool, int | None]:
        text = self.text
        if text[position] in ";]":
            return True, position
        if _at_paragraph_end(text, position):
            return True, None
        return False, self._skip_inline(position)

    def _walk(self, start: int, memo: dict[int, int | None], step) -> int | None:
        """Follow ``step`` from ``start`` until it ends; memoise every position passed."""
        path, position, result = [], start, None
        while True:
            if position is None or position >= len(self.text):
                result = None
                break
            if position in memo:
                result = memo[position]
                break
            path.append(position)
            done, following = step(position)
            if done:
                result = following
                break
            position = following
        for passed in path:
            memo[passed] = result
        return result

    def _skip_inline(self, position: int) -> int:
        """The end of one inline element of a prefix or suffix (Pandoc's ``inline``)."""
        text, char = self.text, self.text[position]
        if char == "\\":
            return position + _escape_length(text, position)
        if char == "[":
            found = self.normal.get(position)
            if found is not None:
                return found.end
            close = self.brackets.get(position)
            if close is not None:  # a link, or text in balanced brackets
                after = close + 1
                if after < len(text) and text[after] == "(" and after in self.parens:
                    return self.parens[after] + 1
                return after
            return position + 1
        if char in "-@":
            found = self._textual_cite(position)
            if found is not None:
                return found.end
        if char == "<" and (tag := HTML_TAG.match(text, position)):
            return tag.end()
        # Plain text up to the next character that matters, stepped over at once.
        following = INLINE_STOP.search(text, position + 1)
        return following.start() if following else len(text)

    def _collect_nested(self, start: int, end: int, nested: list, mentions: list) -> None:
        """Citations Pandoc reads inside a prefix or suffix, and mentions to escape."""
        position = start
        while position < end:
            char = self.text[position]
            if char == "\\":
                position += _escape_length(self.text, position)
                continue
            found = self.normal.get(position) if char == "[" else (
                self._textual_cite(position) if char in "-@" else None)
            if found is not None:
                items, inner, inner_mentions = self._expand(found)
                nested.extend(items + inner)
                mentions.extend(inner_mentions)
                position = found.end
                continue
            if char in "-@":
                suppress, key, after = _cite_key(self.text, position)
                if key:  # an @word Pandoc would cite, but not a key of ours: text
                    mentions.append(position + (1 if suppress else 0))
                    position = after
                    continue
            position += 1

    def _textual_cite(self, start: int) -> _Found | None:
        """``textualCite``: ``@key``, optionally followed by ``[locator; more]``."""
        text = self.text
        suppress, key, after_key = _cite_key(text, start)
        if not key or key not in self.known:
            return None
        first = CitationItem(key, suppress, in_text=True)
        bracket = _spnl(text, after_key)
        if bracket < len(text) and text[bracket] == "[":
            more = self.normal.get(bracket) or self._bare_locator(bracket)
            if more is not None and _label(text[bracket + 1:more.end - 1]) not in self.labels:
                return _Found(more.end, first, more.suffix, more.items_from)
        return _Found(after_key, first)

    def _bare_locator(self, start: int) -> _Found | None:
        """``bareloc``: '[' suffix (';' citeList)? ']' after an in-text key."""
        text = self.text
        if text.startswith("[^", start):
            return None
        suffix_end = self._suffix_end(start + 1)
        if suffix_end is None:
            return None
        position, items_from = suffix_end, None
        if text[position] == ";":
            items_from = _spnl(text, position + 1)
            position = self._cite_list_end(items_from)
            if position is None:
                return None
        end = _after_closing_bracket(text, position)
        if end is None or (end < len(text) and text[end] in "[({"):
            return None
        return _Found(end, suffix=(start + 1, suffix_end), items_from=items_from)


# Small parsers


def _cite_key(text: str, position: int) -> tuple[bool, str, int]:
    """``citeKey``: optional '-', '@', a key; ``(suppress, key, end)``, key '' if none."""
    if text[position:position + 1] not in ("@", "-"):
        return False, "", position
    if position > 0 and (text[position - 1].isalnum() or text[position - 1] == "."):
        return False, "", position  # right after a word: an e-mail address, not a key
    suppress = text.startswith("-@", position)
    at = position + 1 if suppress else position
    if not text.startswith("@", at):
        return False, "", position
    start = at + 1
    if start < len(text) and text[start] == "{":
        close = _braced_end(text, start)
        if close is None:
            return False, "", position
        return suppress, text[start + 1:close], close + 1
    key = KEY.match(text, start)
    if key is None:
        return False, "", position
    end = key.end()
    return suppress, text[start:end], end


def _braced_end(text: str, start: int) -> int | None:
    """The '}' closing the '{' at ``start``, with no space inside; ``None`` if none."""
    depth = 0
    for position in range(start, min(len(text), start + 1000)):
        char = text[position]
        if char.isspace():
            return None
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position if position > start + 1 else None
    return None


BRACKET_OR_ESCAPE = re.compile(r"\\(?:[^\w\n]|_)|[\[\]()]")


def _matching_pairs(text: str) -> tuple[dict[int, int], dict[int, int]]:
    """Balanced ``[...]`` and ``(...)`` pairs, in one pass (escapes skipped; no pair
    spans the end of a paragraph)."""
    brackets: dict[int, int] = {}
    parens: dict[int, int] = {}
    open_brackets: list[int] = []
    open_parens: list[int] = []
    ends = iter(sorted(_paragraph_ends(text)) + [len(text)])
    paragraph_end = next(ends)
    for match in BRACKET_OR_ESCAPE.finditer(text):
        position = match.start()
        while position > paragraph_end:
            open_brackets.clear()
            open_parens.clear()
            paragraph_end = next(ends)
        char = text[position]
        if char == "[":
            open_brackets.append(position)
        elif char == "]":
            if open_brackets:
                brackets[open_brackets.pop()] = position
        elif char == "(":
            open_parens.append(position)
        elif char == ")" and open_parens:
            parens[open_parens.pop()] = position
    return brackets, parens


def _after_closing_bracket(text: str, position: int) -> int | None:
    """Spaces (``spnl``), then the ']' that closes a cluster: the offset after it."""
    position = _spnl(text, position)
    if position >= len(text) or text[position] != "]":
        return None
    return position + 1


def _spnl(text: str, position: int) -> int:
    """Pandoc's ``spnl``: spaces, at most one line break, spaces."""
    while position < len(text) and text[position] in " \t":
        position += 1
    if position < len(text) and text[position] == "\n" and not _at_paragraph_end(text, position):
        position += 1
        while position < len(text) and text[position] in " \t":
            position += 1
    return position


def _at_paragraph_end(text: str, position: int) -> bool:
    """A line break that ends the paragraph: a blank line or a new block follows."""
    return position in _paragraph_ends(text)


# The line after the break is blank (``str.isspace`` whitespace only) or starts a block.
PARAGRAPH_END = re.compile(r"\n(?=[^\S\n]*(?:\n|\Z)|" + BLOCK_START.pattern + ")")


@functools.lru_cache(maxsize=8)
def _paragraph_ends(text: str) -> frozenset[int]:
    """Every line break of ``text`` that ends a paragraph, found in one pass (the
    scanner asks about the same page thousands of times)."""
    return frozenset(match.start() for match in PARAGRAPH_END.finditer(text))


def _escape_length(text: str, position: int) -> int:
    following = text[position + 1:position + 2]
    return 2 if following and following != "\n" and not following.isalnum() else 1


def _label(text: str) -> str:
    return " ".join(text.lower().split())


class _LineCounter:
    """Line numbers for increasing offsets, counted once."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def line_of(self, offset: int) -> int:
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


# A page is masked by the contributor checks, the citation scanner and its heading
# lookup, and the letter's coverage check: the same text, so remember the last pages.
@functools.lru_cache(maxsize=4096)
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
# Blocks whose body is indented by four: admonitions (!!!), details (??? and ???+) and
# footnote definitions ([^label]:). Their body is text; code inside is indented by four more.
INDENTED_BODY = re.compile(r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?|\[\^[^\]\n]+\]:)")
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
    """Mask fenced code blocks, and indented code blocks outside lists (in an admonition,
    details or footnote body, those indented four more than the body)."""
    lines = text.split("\n")
    fence: str | None = None
    in_list = False
    body_indent: int | None = None  # the code indent inside an indented-body block
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
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        if stripped and previous_blank and body_indent is not None and indent < body_indent - 4:
            body_indent = None  # a line back at the block's own level ends its body
        if LIST_ITEM.match(line):
            in_list = True
        elif body := INDENTED_BODY.match(line):
            body_indent = len(body["indent"].expandtabs(4)) + 8
        elif stripped and previous_blank and not line[:1].isspace():
            in_list = False
        code_indent = 4 if body_indent is None else body_indent
        if stripped and indent >= code_indent and not in_list and (previous_blank or _is_code(lines, index)):
            lines[index] = _blank(line)
        previous_blank = not stripped
    return "\n".join(lines)


def _is_code(lines: list[str], index: int) -> bool:
    # An indented line continues a code block when the line before it was masked code.
    return index > 0 and lines[index - 1].strip() == "" and lines[index - 1] != ""
