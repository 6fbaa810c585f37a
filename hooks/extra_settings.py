"""Shared by the MkDocs adapters: validate one ``extra.<name>`` block with a schema (one
option type of ours: ``OneOrMoreFiles``), and name files the way every message names them.

Unknown keys become warnings (fatal with ``--strict``); the first invalid value stops
the build with the key, the reason and the fix.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from contributor_log import contributor_log
from mkdocs.config import base
from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File

log = contributor_log(__file__)
Schema = TypeVar("Schema", bound=base.Config)


class OneOrMoreFiles(base.BaseConfigOption[list]):
    """A file, or a list of files (the site's own YAML beside a reference manager's
    export, say), each relative to mkdocs.yml and existing."""

    def pre_validation(self, config: base.Config, key_name: str) -> None:
        self.config_dir = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()

    def run_validation(self, value: object) -> list[str]:
        files = [value] if isinstance(value, str) else value
        if not isinstance(files, list) or not files or not all(isinstance(name, str) and name for name in files):
            raise base.ValidationError("expected a file name or a list of file names")
        found = []
        for name in files:
            path = self.config_dir / name
            if not path.is_file():
                raise base.ValidationError(f"the file '{name}' does not exist")
            found.append(str(path))
        return found


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
