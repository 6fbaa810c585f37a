"""Dates of the last commit that touched each file, from one ``git log`` for the whole
folder (one subprocess per build, not one per page). Plain Python, no MkDocs import."""

from __future__ import annotations

import subprocess
from pathlib import Path


def last_commit_dates(folder: Path) -> dict[Path, str]:
    """``{absolute path: "YYYY-MM-DD"}`` for every file under ``folder`` that git knows;
    empty outside a git checkout or when git is missing."""
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").strip()
        if not top:
            return {}
        log = _git(folder, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", ".")
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[Path, str] = {}
    date = ""
    for line in log.splitlines():
        if line.startswith("\x00"):
            date = line[1:]
        elif line and date:
            dates.setdefault(Path(top, line), date)  # newest first: keep the first date seen
    return dates


def _git(folder: Path, *args: str) -> str:
    completed = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=60, check=False)
    return completed.stdout if completed.returncode == 0 else ""
