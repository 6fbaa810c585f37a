"""The one YAML reader for contributor files (front matter and bibliography).

Every scalar stays a string and every mapping remembers its line numbers. YAML 1.1
implicit typing turns hand-written values into the wrong thing: ``title: No`` becomes
``False``, ``volume: 1.10`` becomes ``1.1`` and ``issued: 2019-06-13`` a date.

It also refuses what a data file never needs and an attacker can use, each as a
``YAMLError`` with the line where the construct starts:

- anchors and aliases (an "alias bomb" expands a few lines into gigabytes);
- explicit tags (``!!binary``, ``!!python/...``, ``!!int``): values are text;
- keys that are not plain text (``? [a, b]``), and duplicate keys (YAML lets the last
  one silently win);
- nesting deeper than ``MAX_DEPTH`` (deep nesting exhausts Python's recursion).
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 20
REUSE_FIX = "write the value out in full instead of reusing it with & and *"


class LineDict(dict):
    """A mapping that knows the 1-based line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[str, int]


class UnsafeYAMLError(yaml.MarkedYAMLError):
    """YAML that parses but uses a construct this project refuses."""

    def __init__(self, problem: str, mark: yaml.Mark | None, fix: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.fix = fix


# libyaml's parser is about ten times faster than the pure-Python one; both give the
# same events and nodes, so use it when PyYAML was built with it.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StringLoader(_BaseLoader):  # type: ignore[valid-type, misc]
    """SafeLoader without implicit typing: every scalar is a ``str``."""


# Drop every implicit resolver (bool, int, float, null, timestamp...): plain scalars
# then resolve to the default string tag.
StringLoader.yaml_implicit_resolvers = {}


def _build(node: yaml.Node | None) -> Any:
    """Python values from a composed node tree: scalars as ``str``, mappings as
    ``LineDict``. ``check_events`` has already refused tags, aliases, complex keys and
    deep nesting, so no constructor is needed (and building directly is several times
    faster than PyYAML's constructor machinery)."""
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_build(item) for item in node.value]
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = _build(key_node)
        if key in mapping:
            raise UnsafeYAMLError(f"duplicate key '{key}' (the first is on line {mapping.key_lines[key]})",
                                  key_node.start_mark, "keep one of the two")
        mapping[key] = _build(value_node)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def check_events(text: str) -> None:
    """Refuse anchors, aliases, explicit tags, complex keys and deep nesting, in one
    linear pass over the parser's events (before anything is built in memory)."""
    # One entry per open collection: [is_mapping, next_is_key]
    stack: list[list[bool]] = []
    for event in yaml.parse(text, Loader=StringLoader):
        if isinstance(event, yaml.AliasEvent):
            raise UnsafeYAMLError(f"aliases (*{event.anchor}) are not allowed", event.start_mark, REUSE_FIX)
        if isinstance(event, (yaml.CollectionEndEvent,)):
            stack.pop()
            _value_done(stack)
            continue
        if not isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            continue
        if event.anchor is not None:
            raise UnsafeYAMLError(f"anchors (&{event.anchor}) are not allowed", event.start_mark, REUSE_FIX)
        if _explicit_tag(event):
            raise UnsafeYAMLError(f"tags such as '{event.tag}' are not allowed", event.start_mark,
                                  "remove the tag: every value is read as text")
        if isinstance(event, yaml.CollectionStartEvent):
            if stack and stack[-1][0] and stack[-1][1]:
                raise UnsafeYAMLError("a key must be plain text, not a list or mapping", event.start_mark,
                                      "write the field name as plain text before the colon")
            if len(stack) >= MAX_DEPTH:
                raise UnsafeYAMLError(f"nested more than {MAX_DEPTH} levels deep", event.start_mark,
                                      "flatten the structure")
            stack.append([isinstance(event, yaml.MappingStartEvent), True])
        else:
            _value_done(stack)


def _value_done(stack: list[list[bool]]) -> None:
    """A scalar or a whole collection ended: in a mapping, keys and values alternate."""
    if stack and stack[-1][0]:
        stack[-1][1] = not stack[-1][1]


# Writing a standard tag out (``!!str``) changes nothing, so it is allowed.
HARMLESS_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


def _explicit_tag(event: yaml.NodeEvent) -> bool:
    if event.tag in HARMLESS_TAGS:
        return False
    implicit = event.implicit
    return not (implicit[0] or implicit[1]) if isinstance(implicit, tuple) else not implicit


def load_strings(text: str) -> Any:
    """Parse YAML text; every scalar comes back as a string, mappings as ``LineDict``.

    Raises ``yaml.YAMLError`` (``UnsafeYAMLError`` for refused constructs).
    """
    check_events(text)
    return _build(yaml.compose(text, Loader=StringLoader))


def error_line(error: yaml.YAMLError) -> int | None:
    """0-based line of the mistake. Where a construct was left open (a '[' or a quote
    never closed: "while parsing a flow sequence", "while scanning a quoted scalar"),
    the line where it starts; in a block mapping or sequence ("while parsing a block
    mapping", where an indentation mistake ends it), the line PyYAML stumbled on: the
    start of the mapping would be the entry's first line, not the mistake."""
    context = getattr(error, "context", None) or ""
    marks = ("problem_mark", "context_mark") if context.startswith("while parsing a block") else \
        ("context_mark", "problem_mark")
    mark = next((getattr(error, name) for name in marks if getattr(error, name, None)), None)
    return mark.line if mark else None


def error_reason(error: yaml.YAMLError) -> str:
    return getattr(error, "problem", None) or str(error).splitlines()[0]


def error_fix(error: yaml.YAMLError, default: str) -> str:
    """The fix for a refused construct, or ``default`` for a plain syntax error."""
    return getattr(error, "fix", None) or default
