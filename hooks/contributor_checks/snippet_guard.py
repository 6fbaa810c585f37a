"""Snippets (``--8<--``) come only from the allowed places, and a missing one is a
clear error instead of a traceback.

pymdownx.snippets resolves a path against its base paths with ``os.path.abspath``,
which does not follow symbolic links: a link inside an allowed folder could include
any file on the machine. This Markdown extension wraps the snippet preprocessor's own
path resolution (so there is no second reading of the syntax to drift from it) and
refuses any result whose real path (links followed) leaves the allowed roots, passes
through ``.git`` or is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from markdown import Extension, Markdown


# Snippets may include snippets: without a cap, a few files that each include the next
# twice expand exponentially before any other check sees the page.
MAX_INCLUDES_PER_PAGE = 50
MAX_INCLUDED_CHARACTERS = 1_000_000


def snippet_settings_problem(settings: dict | None, project: Path) -> str:
    """What in pymdownx.snippets' settings would let a page include more than the
    project's own files ("" when nothing): fetching URLs at build time (url_download),
    unchecked paths, or a base path outside the project."""
    settings = settings or {}
    if settings.get("url_download"):
        return "url_download: true — remove it: a page could make every build fetch any address"
    if settings.get("check_paths") is False:
        return "check_paths: false — set it to true, so a missing snippet stops the build"
    bases = settings.get("base_path") or ["."]
    root = Path(os.path.realpath(project))
    for base in [bases] if isinstance(bases, str) else bases:
        real = Path(os.path.realpath(project / str(base)))
        if real != root and root not in real.parents:
            return f"base_path '{base}' is outside the project — keep snippets in docs/_snippets/"
    return ""


class SnippetProblem(Exception):
    """A snippet path that must not be included; ``path`` as written in the page."""

    def __init__(self, path: str, problem: str, fix: str) -> None:
        super().__init__(f"{problem} — {fix}")
        self.path, self.problem, self.fix = path, problem, fix


class SnippetGuard(Extension):
    """Register after pymdownx.snippets. ``allowed`` are folders and single files;
    ``on_problem`` turns a ``SnippetProblem`` into the exception the caller wants."""

    def __init__(self, allowed: list[Path], on_problem: Callable[[SnippetProblem], Exception]) -> None:
        super().__init__()
        self.allowed = [Path(os.path.realpath(path)) for path in allowed]
        self.on_problem = on_problem

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        if "snippet" not in md.preprocessors:
            return
        preprocessor = md.preprocessors["snippet"]
        resolve, run = preprocessor.get_snippet_path, preprocessor.run
        included = {"files": 0, "characters": 0}  # for the page being converted

        def guarded(path: str) -> str | None:
            try:
                resolved = self.check(path, resolve(path))
                self.count(path, resolved, included)
                return resolved
            except SnippetProblem as problem:
                raise self.on_problem(problem) from None

        def counted_run(lines: list[str]) -> list[str]:
            included.update(files=0, characters=0)
            return run(lines)

        preprocessor.get_snippet_path = guarded
        preprocessor.run = counted_run

    @staticmethod
    def count(path: str, resolved: str, included: dict[str, int]) -> None:
        """Stop a page that includes too many snippets, or too much text, in all."""
        included["files"] += 1
        included["characters"] += os.path.getsize(resolved)
        if included["files"] > MAX_INCLUDES_PER_PAGE:
            raise SnippetProblem(path, f"the page includes more than {MAX_INCLUDES_PER_PAGE} snippets",
                                 "include each snippet once, and do not make snippets include each other")
        if included["characters"] > MAX_INCLUDED_CHARACTERS:
            raise SnippetProblem(path, f"the page's snippets add more than {MAX_INCLUDED_CHARACTERS:,} characters",
                                 "include less, or split the page")

    def check(self, path: str, resolved: str | None) -> str:
        """The resolved file, if it may be included; else raise ``SnippetProblem``."""
        if resolved is None:
            raise SnippetProblem(path, f"snippet '{path}' does not exist",
                                 "check the file name; snippets live in docs/_snippets/")
        real = Path(os.path.realpath(resolved))
        inside = any(real == root or root in real.parents for root in self.allowed)
        if not inside or ".git" in real.parts:
            raise SnippetProblem(path, f"snippet '{path}' is outside docs/_snippets/ or is a link",
                                 "copy the text into a file in docs/_snippets/")
        return resolved
