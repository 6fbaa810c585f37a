"""MkDocs adapter for the checks on contributors' input; the work is in ``contributor_checks/``.

- ``on_config``: snippets (``--8<--``) may come only from ``docs/_snippets/`` and
  CONTRIBUTING.md; a missing or outside one stops the build with ``FILE:LINE``. In CI,
  every ``FILE:LINE`` message is repeated as a GitHub annotation.
- ``on_files``: every file in docs/ is read once, before anything is rendered: page
  front matter and content, the snippet files, static files (type, SVG content, no
  links, no replacing the theme's files). Errors stop the build with one line each;
  pages without a description and unattributed quotations are warnings.
- ``on_page_markdown``: the templates get front matter typed by the schema and escaped.
- ``on_serve``: under `mkdocs serve`, a failed rebuild is shown in the browser with its
  messages, and the page reloads once a build passes (``failed_build_page.py``).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from contributor_checks.content_safety import check_content
from contributor_checks.failed_build_page import FailedBuildPage
from contributor_checks.front_matter import FrontMatterError, missing_description, read_front_matter, \
    typed_front_matter, validate_front_matter
from contributor_checks.input_paths import name_problems, static_file_problems, symlink_problems
from contributor_checks.snippet_guard import SnippetGuard, SnippetProblem, snippet_settings_problem
from extra_settings import shown_path
from contributor_log import contributor_log
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

log = contributor_log(__file__)

SNIPPETS_FOLDER = "_snippets"            # inside docs_dir
SNIPPET_FILES = ("CONTRIBUTING.md",)     # single files beside mkdocs.yml that pages may include
# "docs/index.md:7: problem — fix": the shape of every contributor message.
LOCATED_MESSAGE = re.compile(r"^(?P<file>[^\s:][^:\n]*):(?P<line>\d+): (?P<message>.+)$")


class _BuildState:
    """Per-build data; replaced in on_config because `mkdocs serve` keeps this module loaded."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.root = Path(config.config_file_path).parent
        self.docs_dir = Path(config.docs_dir)
        self.site_host = urlsplit(config.site_url or "").hostname or ""
        self.page_being_rendered: Page | None = None
        self.front_matter: dict[str, dict] = {}  # src_uri -> valid front matter, read in on_files


_state: _BuildState | None = None
_annotations: logging.Handler | None = None


# Hooks


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Guard the snippet extension; in GitHub Actions, annotate errors on the changed line."""
    global _state
    _state = _BuildState(config)
    problem = snippet_settings_problem(config.mdx_configs.get("pymdownx.snippets"), _state.root)
    if problem:
        raise PluginError(f"mkdocs.yml: markdown_extensions: pymdownx.snippets: {problem}")
    allowed = [_state.docs_dir / SNIPPETS_FOLDER, *(_state.root / name for name in SNIPPET_FILES)]
    config.markdown_extensions.append(SnippetGuard(allowed, _snippet_error))
    _install_annotations()
    _forget_messages_of_earlier_builds()
    return config


def on_serve(server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
    """A failed rebuild no longer leaves the browser waiting: it shows the messages."""
    failures = FailedBuildPage(server.get_app(), logging.getLogger("mkdocs"), config.site_name)
    rebuild = server.builder

    def rebuild_showing_failures() -> None:
        error = failures.build(rebuild)
        if error is not None:
            if isinstance(error, SystemExit):
                print(error, file=sys.stderr)  # what MkDocs prints: "Aborted with a BuildError!"
            logging.getLogger("mkdocs.commands.serve").error(
                "The browser shows these messages until the site builds again: fix and save.")

    server.builder = rebuild_showing_failures
    server.set_app(failures)
    return server


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Check every input file; stop on errors, warn on the rest."""
    state = _require_state()
    state.front_matter.clear()
    errors: list[str] = []
    theme_dirs = list(config.theme.dirs)
    for file in files:
        if file.generated_by or not file.abs_src_path or not _inside(Path(file.abs_src_path), state.docs_dir):
            continue  # the theme's own files and generated ones
        if file.inclusion.is_excluded():
            continue  # never published: the bibliography and snippets are read by their own checks
        errors += _check_file(file, theme_dirs, state)
    snippets = state.docs_dir / SNIPPETS_FOLDER
    if snippets.is_dir():
        for path in sorted(snippets.rglob("*")):
            errors += _check_snippet(path, state)
    if errors:
        raise PluginError("\n".join(errors))
    return files


# (run first) every other hook and the templates must see the typed, escaped values
@event_priority(100)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> None:
    """Replace MkDocs' own reading of the front matter with the schema's types, escaped."""
    state = _require_state()
    state.page_being_rendered = page  # for messages about its snippets
    data = state.front_matter.get(page.file.src_uri)
    if data is not None:  # generated pages have none
        page.meta = typed_front_matter(data)


# Helper functions


def _check_file(file: File, theme_dirs: list[str], state: _BuildState) -> list[str]:
    path = Path(file.abs_src_path)
    shown = shown_path(path, state.root)
    problems = name_problems(file.src_uri) + symlink_problems(path, state.docs_dir)
    if problems:
        return [finding.render(shown) for finding in problems]
    if not file.is_documentation_page():
        return [finding.render(shown) for finding in static_file_problems(file.src_uri, path, theme_dirs)]
    text, error = _read_text(path, shown)
    if error:
        return [error]
    errors, data = _check_page(text, shown, state.site_host)
    state.front_matter[file.src_uri] = data
    return errors


def _check_snippet(path: Path, state: _BuildState) -> list[str]:
    shown = shown_path(path, state.root)
    if path.is_symlink():
        return [f"{shown}:1: symbolic links are not allowed in docs/ — copy the file itself into docs/ "
                "instead of linking to it"]
    if not path.is_file():
        return []
    text, error = _read_text(path, shown)
    if error:
        return [error]
    content_errors, _ = check_content(text, state.site_host)
    return [finding.render(shown) for finding in content_errors]


def _check_page(text: str, shown: str, site_host: str) -> tuple[list[str], dict]:
    """Error lines for one page and its front matter; warnings are logged straight away."""
    try:
        data, _ = read_front_matter(text)
    except FrontMatterError as error:
        return [error.finding.render(shown)], {}
    errors = [finding.render(shown) for finding in validate_front_matter(data)]
    content_errors, warnings = check_content(text, site_host)
    errors += [finding.render(shown) for finding in content_errors]
    if not errors and missing_description(data):
        log.warning("%s:1: no 'description' in the front matter — add one or two sentences for search engines "
                    "and link previews", shown)
    for finding in warnings:
        log.warning("%s", finding.render(shown))
    return errors, data


def _read_text(path: Path, shown: str) -> tuple[str, str]:
    """(text, "") or ("", one-line error) for a file that is not UTF-8 text."""
    data = path.read_bytes()
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        return "", f"{shown}:{line}: the file is not text (it contains a NUL byte) — save it as UTF-8 text"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return "", (f"{shown}:{line}: the file is not UTF-8 text (byte 0x{data[error.start]:02x}) — "
                    "save it as UTF-8 in your editor")


def _snippet_error(problem: SnippetProblem) -> PluginError:
    """A SnippetProblem as one located line, naming the page that includes it."""
    state = _require_state()
    page = state.page_being_rendered
    if page is None or not page.file.abs_src_path:
        return PluginError(f"mkdocs.yml: {problem}")
    source = page.file.content_string
    position = source.find(problem.path)
    line = source.count("\n", 0, position) + 1 if position >= 0 else 1
    return PluginError(f"{shown_path(page.file.abs_src_path, state.root)}:{line}: {problem}")


def _forget_messages_of_earlier_builds() -> None:
    """MkDocs drops a message its build logger has printed before (its DuplicateFilter,
    kept for the whole process). Under `mkdocs serve` that hid the same error on the
    second failed rebuild: only "Aborted with a BuildError!" was left. Each build starts
    with a clean memory, so every rebuild prints its own messages in full."""
    for log_filter in logging.getLogger("mkdocs.commands.build").filters:
        seen = getattr(log_filter, "msgs", None)
        if isinstance(seen, set):
            seen.clear()


def _install_annotations() -> None:
    """When GITHUB_ACTIONS is set, repeat each located message as ``::error file=,line=::``."""
    global _annotations
    mkdocs_log = logging.getLogger("mkdocs")
    if _annotations is not None:
        mkdocs_log.removeHandler(_annotations)
        _annotations = None
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return
    _annotations = _GitHubAnnotations(logging.WARNING)
    mkdocs_log.addHandler(_annotations)


class _GitHubAnnotations(logging.Handler):
    """Prints GitHub workflow commands for located warnings and errors."""

    def emit(self, record: logging.LogRecord) -> None:
        level = "error" if record.levelno >= logging.ERROR else "warning"
        for text in record.getMessage().splitlines():
            match = LOCATED_MESSAGE.match(text.strip())
            if match:
                message = match["message"].replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
                print(f"::{level} file={match['file']},line={match['line']}::{message}", flush=True)


def _inside(path: Path, folder: Path) -> bool:
    return folder == path or folder in path.parents


def _require_state() -> _BuildState:
    if _state is None:
        raise PluginError("hooks/mkdocs_contributors.py: on_config did not run — list the hook under 'hooks:'")
    return _state
