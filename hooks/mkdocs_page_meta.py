"""Page metadata for readers and for people who fix pages.

- "Last updated": the date of the page's last git commit (when the site is built from
  a git checkout). A commit is not a review, so:
- "Last reviewed": only the ``last_reviewed`` front matter date, which someone records
  after checking the page against the letter and its sources.
- "Edit this page" and "Report a problem": plain links to the repository named in
  ``extra.repository.url`` (no API call from the reader's browser). Without a URL,
  as in a local build, they are left out.
"""

from __future__ import annotations

import datetime
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from git_history import last_commit_dates
from mkdocs.exceptions import PluginError
from survivor_safety.settings import rebuilt_https_url

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

_repository: dict[str, str] = {}
_commit_dates: Future[dict[Path, str]] | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Validate ``extra.repository`` and start reading every page's last commit date
    (one ``git log``, in a thread: MkDocs reads and converts the pages meanwhile)."""
    global _commit_dates
    _repository.clear()
    _repository.update(_repository_settings(config.extra.get("repository") or {}))
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="git-log")
    _commit_dates = pool.submit(last_commit_dates, Path(config.docs_dir))
    pool.shutdown(wait=False)  # the thread ends with its run
    return config


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    """Give the template the update and review dates and the repository links."""
    if _commit_dates is None:
        raise PluginError("hooks/mkdocs_page_meta.py: on_config did not run — list the hook under 'hooks:'")
    source = Path(page.file.abs_src_path) if page.file.abs_src_path else None
    updated = _commit_dates.result().get(source.resolve(), "") if source else ""
    reviewed = page.meta.get("last_reviewed") or ""
    page.meta["last_updated"] = str(updated) if updated else ""  # ISO 8601, for "Cite this page"
    page.meta["last_updated_display"] = _display_date(str(updated)) if updated else ""
    page.meta["last_reviewed_display"] = _display_date(str(reviewed)) if reviewed else ""
    if _repository.get("url"):
        base, branch = _repository["url"].rstrip("/"), _repository["branch"]
        page.meta["edit_url"] = f"{base}/edit/{branch}/{_repository['docs_path']}{page.file.src_uri}"
        title = quote(f"Problem on '{page.title}'")
        page.meta["report_url"] = f"{base}/issues/new?template=correction.yml&title={title}"
    return context


def _repository_settings(raw: dict[str, Any]) -> dict[str, str]:
    unknown = set(raw) - {"url", "branch", "docs_path"}
    if unknown:
        raise PluginError(f"mkdocs.yml: extra.repository.{sorted(unknown)[0]}: unknown setting — use url, branch, docs_path")
    url = str(raw.get("url") or "")
    if url:
        try:
            url = rebuilt_https_url(url, "extra.repository.url")  # written back from its parse, never copied
        except ValueError as error:
            raise PluginError(f"mkdocs.yml: {error} — write the repository's address, e.g. "
                              "https://github.com/OWNER/REPO, or leave it empty") from None
    return {"url": url, "branch": str(raw.get("branch") or "main"), "docs_path": str(raw.get("docs_path") or "docs/")}


def _display_date(value: str) -> str:
    try:
        date = datetime.date.fromisoformat(value)
    except ValueError:
        return value
    return f"{date.day} {date.strftime('%B %Y')}"
