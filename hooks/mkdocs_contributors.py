"""MkDocs adapter for the checks on contributors' Markdown; the work is in ``contributor_checks/``.

``on_files`` reads every page once, before anything is rendered: malformed or invalid
front matter and unsafe content stop the build with one ``FILE:LINE`` line each;
pages without a description and unattributed quotations are warnings (fatal with
``--strict``).
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from contributor_checks.content_safety import check_content
from contributor_checks.front_matter import FrontMatterError, missing_description, read_front_matter, \
    typed_front_matter, validate_front_matter
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Check every page's front matter and content; stop on errors, warn on the rest."""
    root = Path(config.config_file_path).parent
    site_host = urlsplit(config.site_url or "").hostname or ""
    errors: list[str] = []
    for file in files.documentation_pages():
        path = Path(file.abs_src_path)
        shown = posixpath.relpath(path.as_posix(), root.as_posix())
        errors += _check_page(path.read_text(encoding="utf-8-sig"), shown, site_host)
    if errors:
        raise PluginError("\n".join(errors))
    return files


# (run first) every other hook and the templates must see the typed, escaped values
@event_priority(100)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> None:
    """Replace MkDocs' own reading of the front matter with the schema's types, escaped."""
    try:
        data, _ = read_front_matter(page.file.content_string)
    except (FrontMatterError, OSError, UnicodeDecodeError):
        return  # on_files has already reported it; generated pages have no front matter
    page.meta = typed_front_matter(data)


def _check_page(text: str, shown: str, site_host: str) -> list[str]:
    """Error lines for one page; warnings are logged straight away."""
    try:
        data, _ = read_front_matter(text)
    except FrontMatterError as error:
        return [error.finding.render(shown)]
    errors = [finding.render(shown) for finding in validate_front_matter(data)]
    content_errors, warnings = check_content(text, site_host)
    errors += [finding.render(shown) for finding in content_errors]
    if not errors and missing_description(data):
        log.warning("%s:1: no 'description' in the front matter — add one or two sentences for search "
                    "engines and link previews", shown)
    for finding in warnings:
        log.warning("%s", finding.render(shown))
    return errors
