"""MkDocs adapter for link checking on the final HTML; the work is in ``link_check/``.

- ``on_config``: validate ``extra.link_check`` (unknown keys and bad values stop the
  build), and ask for the pages' internal links to be checked as they are built
  (``built_pages``: the safety hook's single parse of each page, in its worker).
- ``on_post_build``: report every broken internal link and anchor in the built pages (a
  warning each, so ``--strict`` fails), and, when ``CHECK_EXTERNAL_LINKS=1``, check
  every external URL of the pages and the bibliography. Only broken external links fail
  the build; ``CHECK_EXTERNAL_LINKS_NO_CACHE=1`` ignores the cache. Without the safety
  hook, the built site is read from disk instead.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote
from typing import TYPE_CHECKING

import built_pages
from link_check.cache import LinkCache
from link_check.html_scan import scan_site
from link_check.internal import InternalProblem, check_internal, site_base_path
from link_check.runner import bibliography_entries, check_external, collect_external, write_report
from link_check.settings import Settings, SettingsError, load_settings
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = get_plugin_logger(__name__)

_settings: Settings | None = None
_sources: dict[str, Path] = {}  # built page -> its Markdown source, for messages
_dest_of: dict[str, str] = {}   # Markdown source (src_uri) -> built page


class _MkDocsLinkWarnings(logging.Handler):
    """Collects MkDocs' own link-validation warnings, so the same broken link is not
    reported twice (once from the Markdown by MkDocs, once from the HTML by us)."""

    PATTERN = re.compile(r"Doc file '(?P<src>.+?)' contains a link '(?P<link>.+?)', but")

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reported: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        match = self.PATTERN.match(record.getMessage())
        if match:
            self.reported.append((match["src"], match["link"]))


_mkdocs_warnings = _MkDocsLinkWarnings()
logging.getLogger("mkdocs.structure.pages").addHandler(_mkdocs_warnings)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Validate the link-check settings once per build."""
    global _settings
    _mkdocs_warnings.reported.clear()
    try:
        _settings = load_settings(config.extra.get("link_check"), config.site_name)
    except SettingsError as error:
        raise PluginError(f"mkdocs.yml: {error}") from None
    built_pages.request(config.site_dir, site_base_path(config.site_url), keep_pages=_checking_external())
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Remember which Markdown file each built page comes from."""
    _sources.clear()
    _dest_of.clear()
    for file in files.documentation_pages():
        _sources[file.dest_uri] = Path(file.abs_src_path)
        _dest_of[file.src_uri] = file.dest_uri
    return files


def on_post_build(*, config: MkDocsConfig) -> None:
    """Check the built site: internal links always, external ones on request."""
    site_dir = Path(config.site_dir)
    checked = built_pages.take()
    built_pages.requested()  # not taken when no page was secured: forget it too
    if checked is None:  # no safety hook in this build: read the site from disk
        pages = scan_site(site_dir)
        checked = built_pages.CheckedLinks(check_internal(pages, site_dir, site_base_path(config.site_url)), pages)
    root = Path(config.config_file_path).parent
    already_reported = _reported_by_mkdocs()
    for problem in checked.problems:
        if (problem.page, problem.url) in already_reported or \
                (problem.page, problem.target, problem.fragment) in already_reported:
            continue
        log.warning("%s", _in_source_terms(problem, root))
    if _checking_external():
        _check_external_links(dict(sorted((checked.pages or {}).items())), config)


def _checking_external() -> bool:
    return os.environ.get("CHECK_EXTERNAL_LINKS") == "1"


def _check_external_links(pages, config: MkDocsConfig) -> None:
    settings = _require_settings()
    root = Path(config.config_file_path).parent
    # Bibliography problems are reported by the citations hook; here they only mean fewer URLs.
    entries, _ = bibliography_entries(config.extra, root)
    found = collect_external(pages, entries)
    cache = None if os.environ.get("CHECK_EXTERNAL_LINKS_NO_CACHE") == "1" else \
        LinkCache(root / settings.cache_file, settings)
    report = check_external(found, settings, cache)
    write_report(report, root / settings.report_file)
    for line in report.summary_lines():
        log.info("%s", line)
    log.info("link report: %s", settings.report_file)
    if report.broken:
        for line in report.broken_lines():
            log.error("%s", line)
        raise PluginError(f"{len(report.broken)} broken external link(s) — see {settings.report_file}")


def _reported_by_mkdocs() -> set[tuple[str, ...]]:
    """MkDocs' own warnings as (page, link) and (page, target, fragment) keys."""
    keys: set[tuple[str, ...]] = set()
    for src, link in _mkdocs_warnings.reported:
        page = _dest_of.get(src)
        if page is None:
            continue
        path, _, fragment = link.partition("#")
        keys.add((page, link))
        target = _dest_of.get(posixpath.normpath(posixpath.join(posixpath.dirname(src), unquote(path)))) \
            if path else page
        if target:
            keys.add((page, target, unquote(fragment)))
    return keys


def _in_source_terms(problem: InternalProblem, root: Path) -> str:
    """Name the Markdown file and its line when the link is written there, else the built page."""
    source = _sources.get(problem.page)
    if source is None:
        return f"{problem.page} (theme or generated page): {problem}"
    text = source.read_text(encoding="utf-8")
    shown = source.relative_to(root).as_posix() if source.is_relative_to(root) else source.as_posix()
    position = text.find(problem.url)
    if position >= 0:
        number = text.count("\n", 0, position) + 1
        return f"{shown}:{number}: {problem.kind} '{problem.url}': {problem.problem} — {problem.fix}"
    return f"{shown} (built as {problem.page}): {problem.kind} '{problem.url}': {problem.problem} — {problem.fix}"


def _require_settings() -> Settings:
    if _settings is None:
        raise PluginError("hooks/mkdocs_links.py: on_config did not run — list the hook under 'hooks:'")
    return _settings
