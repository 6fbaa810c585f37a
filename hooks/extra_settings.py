"""Shared by the MkDocs adapters: validate one ``extra.<name>`` block with a schema, and
name files the way every message names them.

Unknown keys become warnings (fatal with ``--strict``); the first invalid value stops
the build with the key, the reason and the fix.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mkdocs.config import base
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File

log = get_plugin_logger("extra_settings")
Schema = TypeVar("Schema", bound=base.Config)


def load_extra_settings(config: MkDocsConfig, name: str, schema: type[Schema], fix: str) -> Schema:
    """Validate ``config.extra[name]`` against ``schema``; raise ``PluginError`` with ``fix``."""
    settings = schema(config_file_path=config.config_file_path)
    settings.load_dict(config.extra.get(name) or {})
    errors, warnings = settings.validate()
    for key, warning in warnings:
        log.warning("mkdocs.yml: extra.%s.%s: %s", name, key, warning)
    if errors:
        key, error = errors[0]
        raise PluginError(f"mkdocs.yml: extra.{name}.{key}: {error} — {fix}")
    return settings


def shown_file(file: File, config_dir: str | Path) -> str:
    """A page or file of the build as messages name it: its source under docs/, or its
    site path when a plugin generated it."""
    return shown_path(file.abs_src_path, config_dir) if file.abs_src_path else file.src_uri


def shown_path(path: str | Path, config_dir: str | Path) -> str:
    """A file as a contributor finds it: relative to mkdocs.yml's folder, e.g. docs/index.md."""
    return posixpath.relpath(Path(os.path.abspath(path)).as_posix(), Path(config_dir).as_posix())
