"""The finished pages of one build, scanned once from the single parse that the safety
pass makes of each (``survivor_safety.page_checks.secure_page``), and their internal
links checked page by page as they arrive (``link_check.internal.PageByPageCheck``).

That work happens in the process that checks the pages: the worker process beside
the build (``worker_process``), or this one when the checks run inline. So the scans
never travel back; only the problems do. The hooks talk through this module:

1. ``mkdocs_links.on_config`` asks for the check (``request``);
2. ``mkdocs_safety``, with the first page it secures (after every ``on_config``), has
   the checking process ``start`` it; there every secured page is ``record``-ed; after
   the last page the hook has the process ``finish`` it and hands the result back here
   (``deliver``);
3. ``mkdocs_links.on_post_build`` takes the result (``take``).

Plain Python, no MkDocs import. Everything is reset on each build, because
`mkdocs serve` keeps hook modules loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from link_check.html_scan import ScannedPage, scan_site
from link_check.internal import InternalProblem, PageByPageCheck


@dataclass(frozen=True)
class Request:
    site_dir: str
    base_path: str
    keep_pages: bool  # send every scanned page back too (for the external check)


@dataclass(frozen=True)
class CheckedLinks:
    problems: list[InternalProblem]
    pages: dict[str, ScannedPage] | None  # every page's scan, when the request kept them


# In the build's process
_request: Request | None = None
_result: CheckedLinks | None = None
# In the process that checks the pages
_check: PageByPageCheck | None = None
_keep_pages = False


def request(site_dir: str, base_path: str, keep_pages: bool) -> None:
    """The links hook wants this build's pages checked."""
    global _request, _result
    _request, _result = Request(site_dir, base_path, keep_pages), None


def requested() -> Request | None:
    """What the links hook asked for this build, once: None when it asked nothing."""
    global _request
    asked, _request = _request, None
    return asked


def start(asked: Request | None) -> None:
    """(checking process) Begin a build's check, or none."""
    global _check, _keep_pages
    _check = PageByPageCheck(Path(asked.site_dir), asked.base_path) if asked else None
    _keep_pages = bool(asked and asked.keep_pages)


def record(page: ScannedPage) -> None:
    """(checking process) One finished page: its links that can be settled now."""
    if _check is not None:
        _check.add(page)


def finish() -> CheckedLinks | None:
    """(checking process) The check's problems, once every page has been recorded; any
    other .html file in the site (written by another plugin, say) is read from disk."""
    global _check
    check, _check = _check, None
    if check is None:
        return None
    return CheckedLinks(check.finish(scan_site(check.site_dir, skip=check.pages)),
                        check.pages if _keep_pages else None)


def deliver(result: CheckedLinks | None) -> None:
    """The finished check, handed back to the build's process."""
    global _result
    _result = result


def take() -> CheckedLinks | None:
    """The finished check, once; None when no page was checked this build."""
    global _result
    result, _result = _result, None
    return result
