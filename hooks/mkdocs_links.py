"""MkDocs adapter for link checking on the final HTML; the work is in ``link_check/``.

- ``on_config``: validate ``extra.link_check`` (unknown keys and bad values stop the
  build), and ask for the pages' internal links to be checked as they are built
  (``built_pages``: the safety hook's single parse of each page, in its worker).
- MkDocs' own link messages ("Doc file … contains a link …") are caught before they are
  printed and reported in our words instead, as ``FILE:LINE: link 'L': problem — fix``
  with the nearest page or anchor (``link_check/written_links.py``).
- ``on_post_build``: report those, then every other broken internal link and anchor in
  the built pages (a warning each, so ``--strict`` fails), and, when ``CHECK_EXTERNAL_LINKS=1``, check
  every external URL of the pages and the bibliography. Only broken external links fail
  the build; ``CHECK_EXTERNAL_LINKS_NO_CACHE=1`` ignores the cache. Without the safety
  hook, the built site is read from disk instead.
"""

from __future__ import annotations

import logging
import os
import posixpath
from pathlib import Path
from urllib.parse import unquote
from typing import TYPE_CHECKING

import built_pages
from extra_settings import shown_path
from link_check.cache import LinkCache
from link_check.html_scan import scan_site
from link_check.internal import InternalProblem, check_internal, site_base_path
from link_check.runner import bibliography_entries, check_external, collect_external, write_report
from link_check.settings import Settings, SettingsError, load_settings
from link_check.written_links import WrittenLink, line_of_link, message, nearest_anchor, read_mkdocs_message
from contributor_log import contributor_log
from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = contributor_log(__file__)

_settings: Settings | None = None
_sources: dict[str, Path] = {}  # built page -> its Markdown source, for messages
_dest_of: dict[str, str] = {}   # Markdown source (src_uri) -> built page


class _MkDocsLinkMessages(logging.Filter):
    """Catches MkDocs' link messages, so that each is printed once, in our words, at
    the level MkDocs gave it (its ``validation:`` settings), at the end of the build."""

    catches_mkdocs_link_messages = True  # found again if `mkdocs serve` loads this module anew

    def __init__(self) -> None:
        super().__init__()
        self.caught: list[tuple[WrittenLink, int]] = []    # not reported yet
        self.reported: list[tuple[WrittenLink, int]] = []  # reported in this build

    def filter(self, record: logging.LogRecord) -> bool:
        written = read_mkdocs_message(record.getMessage())
        if written is None:
            return True
        self.caught.append((written, record.levelno))
        return False


_mkdocs_messages = _MkDocsLinkMessages()
_files: Files | None = None
_root: Path | None = None  # the folder of mkdocs.yml, for the paths in messages


def _catch_mkdocs_link_messages() -> None:
    """One fresh filter per build on MkDocs' page logger (none left from an earlier build)."""
    global _mkdocs_messages
    pages_log = logging.getLogger("mkdocs.structure.pages")
    for old in [f for f in pages_log.filters if getattr(f, "catches_mkdocs_link_messages", False)]:
        pages_log.removeFilter(old)
    _mkdocs_messages = _MkDocsLinkMessages()
    pages_log.addFilter(_mkdocs_messages)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Validate the link-check settings once per build."""
    global _settings, _root
    _catch_mkdocs_link_messages()
    _root = Path(config.config_file_path).parent
    try:
        _settings = load_settings(config.extra.get("link_check"), config.site_name)
    except SettingsError as error:
        raise PluginError(f"mkdocs.yml: {error}") from None
    built_pages.request(config.site_dir, site_base_path(config.site_url), keep_pages=_checking_external())
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Remember which Markdown file each built page comes from."""
    global _files
    _files = files
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
    _report_written_links(root)
    already_reported = _reported_written_links()
    for problem in checked.problems:
        if (problem.page, problem.url) in already_reported or \
                (problem.page, problem.target, problem.fragment) in already_reported:
            continue
        log.warning("%s", _in_source_terms(problem, root))
    if _checking_external():
        _check_external_links(dict(sorted((checked.pages or {}).items())), config)


def on_build_error(*, error: Exception) -> None:
    """A build stopped by another error still reports the links MkDocs found broken."""
    if _root is not None:
        _report_written_links(_root)

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


def _report_written_links(root: Path) -> None:
    """Each link MkDocs found broken, once, as ``FILE:LINE: link 'L': problem — fix``,
    in file and line order."""
    doc_files = [file.src_uri for file in _files] if _files is not None else []
    located = []
    for written, level in _mkdocs_messages.caught:
        source = _source_file(written.source)
        text = source.read_text(encoding="utf-8", errors="replace") if source else ""
        shown = shown_path(source, root) if source else f"docs/{written.source}"
        located.append((shown, line_of_link(text, written.link), written, level))
    for shown, line, written, level in sorted(located, key=lambda item: item[:2]):
        log.log(level, "%s", message(written, shown, line, doc_files, _anchors_of))
    _mkdocs_messages.reported += _mkdocs_messages.caught
    _mkdocs_messages.caught.clear()


def _reported_written_links() -> set[tuple[str, ...]]:
    """The links reported from MkDocs' messages as (page, link) and (page, target,
    fragment) keys of built pages, so the check of the built pages does not repeat them."""
    keys: set[tuple[str, ...]] = set()
    for written, _ in _mkdocs_messages.reported:
        page = _dest_of.get(written.source)
        if page is None:
            continue
        path, _, fragment = written.link.partition("#")
        keys.add((page, written.link))
        target = _dest_of.get(posixpath.normpath(posixpath.join(posixpath.dirname(written.source), unquote(path)))) \
            if path else page
        if target:
            keys.add((page, target, unquote(fragment)))
    return keys


def _source_file(src_uri: str) -> Path | None:
    file = _files.get_file_from_path(src_uri) if _files is not None else None
    return Path(file.abs_src_path) if file is not None and file.abs_src_path else None


def _anchors_of(src_uri: str) -> set[str]:
    """The anchors MkDocs found on a page of docs/ (its headings' ids, and ids in its HTML)."""
    file = _files.get_file_from_path(src_uri) if _files is not None else None
    page = file.page if file is not None else None
    return set(page.present_anchor_ids or ()) if page is not None else set()


def _in_source_terms(problem: InternalProblem, root: Path) -> str:
    """Name the Markdown file and its line when the link is written there, else the built
    page; a missing anchor comes with the nearest one the target page has."""
    fix = problem.fix
    if problem.fragment:
        target_source = next((src for src, dest in _dest_of.items() if dest == problem.target), None)
        nearest = nearest_anchor(problem.fragment, _anchors_of(target_source)) if target_source else None
        if nearest:
            fix = f"did you mean '{problem.url.partition('#')[0]}#{nearest}'?"
    source = _sources.get(problem.page)
    if source is None:
        return f"{problem.page} (theme or generated page): {problem.kind} '{problem.url}': {problem.problem} — {fix}"
    line = line_of_link(source.read_text(encoding="utf-8", errors="replace"), problem.url)
    where = f"{shown_path(source, root)}:{line}" if line else f"{shown_path(source, root)} (built as {problem.page})"
    return f"{where}: {problem.kind} '{problem.url}': {problem.problem} — {fix}"


def _require_settings() -> Settings:
    if _settings is None:
        raise PluginError("hooks/mkdocs_links.py: on_config did not run — list the hook under 'hooks:'")
    return _settings
