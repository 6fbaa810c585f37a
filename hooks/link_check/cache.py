"""What earlier runs found: a JSON file with a time-to-live per verdict and failure history.

A fresh entry is reused instead of a request, so a rebuild rechecks almost nothing.
Broken entries keep a count of consecutive failing runs: one failure may be a flaky
server; several in a row mean the link is dead.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from link_check.external import Result
from link_check.settings import VERDICTS, Settings

CACHE_VERSION = 1


class LinkCache:
    """Load, consult, update and save the cache file."""

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = path
        self.settings = settings
        self.entries: dict[str, dict[str, Any]] = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no cache yet, or an unreadable one: start afresh
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        entries = data.get("entries", {})
        if not isinstance(entries, dict):
            return {}
        # A hand-edited or foreign file may hold valid JSON of the wrong shape: such an
        # entry is dropped, so its URL is simply checked again.
        return {url: entry for url, entry in entries.items() if isinstance(url, str) and _valid_entry(entry)}

    def fresh(self, url: str, fragments: set[str], now: float | None = None) -> Result | None:
        """The cached result if it is younger than its verdict's TTL and covers the fragments."""
        entry = self.entries.get(url)
        if not entry:
            return None
        now = time.time() if now is None else now
        if now - entry.get("checked_at", 0) > self.settings.ttl_seconds(entry.get("verdict", "broken")):
            return None
        if not fragments <= set(entry.get("fragments_checked", [])) and entry.get("verdict") in ("ok", "redirected"):
            return None
        fields = {key: entry[key] for key in Result.__dataclass_fields__ if key in entry}
        return Result(**{**fields, "from_cache": True})

    def consecutive_failures(self, url: str) -> int:
        return int(self.entries.get(url, {}).get("consecutive_failures", 0))

    def record(self, result: Result) -> int:
        """Store a fresh result; return how many runs in a row it has now been broken."""
        previous = self.consecutive_failures(result.url)
        failures = previous + 1 if result.verdict == "broken" else 0
        entry = result.to_dict()
        entry.pop("from_cache", None)
        entry["consecutive_failures"] = failures
        history = self.entries.get(result.url, {}).get("history", [])
        entry["history"] = [*history, [result.checked_at, result.verdict]][-10:]
        self.entries[result.url] = entry
        return failures

    def save(self) -> None:
        """Write atomically, so an interrupted build never leaves half a file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"version": CACHE_VERSION, "entries": self.entries}, indent=1, sort_keys=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".cache-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(payload)
        os.replace(temporary, self.path)


# What each cached field must be; anything else makes the entry unusable.
_ENTRY_TYPES: dict[str, tuple[type, ...]] = {
    "url": (str,), "verdict": (str,), "detail": (str,), "status": (int, type(None)), "final_url": (str,),
    "redirect": (str,), "fragments_checked": (list,), "fragments_missing": (list,), "attempts": (int,),
    "checked_at": (int, float), "consecutive_failures": (int,), "history": (list,),
}


def _valid_entry(entry: Any) -> bool:
    if not isinstance(entry, dict) or entry.get("verdict") not in VERDICTS:
        return False
    if not {"url", "detail", "checked_at"} <= set(entry):
        return False
    for key, types in _ENTRY_TYPES.items():
        value = entry.get(key)
        if key in entry and (not isinstance(value, types) or isinstance(value, bool)):
            return False
    lists_of_text = (entry.get("fragments_checked", []), entry.get("fragments_missing", []))
    return all(isinstance(item, str) for items in lists_of_text for item in items)
