"""A YAML loader that keeps every scalar a string and remembers line numbers.

YAML 1.1 implicit typing turns hand-written bibliography values into the wrong thing:
``title: No`` becomes ``False``, ``volume: 1.10`` becomes ``1.1`` and
``issued: 2019-06-13`` becomes a ``datetime.date``. Bibliographic data is text, so
this loader resolves every plain scalar as a string.
"""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping that knows the 1-based line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[str, int]


# libyaml's parser is about ten times faster than the pure-Python one; both give the
# same nodes, so use it when PyYAML was built with it.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StringLoader(_BaseLoader):  # type: ignore[valid-type, misc]
    """SafeLoader without implicit typing: every scalar is a ``str``."""


# Drop every implicit resolver (bool, int, float, null, timestamp...): plain scalars
# then resolve to the default string tag.
StringLoader.yaml_implicit_resolvers = {}


def _construct_mapping(loader: StringLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


StringLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_strings(text: str) -> Any:
    """Parse YAML text; every scalar comes back as a string, mappings as ``LineDict``."""
    return yaml.load(text, Loader=StringLoader)  # noqa: S506 - StringLoader is a SafeLoader
