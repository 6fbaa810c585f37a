"""Gather every external URL of a built site (and its bibliography), check it, report it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urldefrag

from citations.bibliography import BibliographyError, load_bibliographies
from link_check.cache import LinkCache
from link_check.external import ExternalChecker, Result
from link_check.html_scan import ScannedPage
from link_check.internal import is_external
from link_check.settings import Settings

WAYBACK_LOOKUP = "https://web.archive.org/web/*/"


@dataclass
class Citers:
    """Where a URL (as written, fragment included) appears."""

    pages: set[str] = field(default_factory=set)
    entries: set[str] = field(default_factory=set)          # bibliography ids
    archived_copies: set[str] = field(default_factory=set)  # custom.archive-url of those entries


@dataclass
class ExternalReport:
    """Per-URL rows plus counts; ``broken`` rows are what fails a build."""

    rows: list[dict[str, Any]]
    requests_sent: int
    max_in_flight_per_host: dict[str, int]
    seconds: float

    def counts(self) -> dict[str, int]:
        counts = {"ok": 0, "redirected": 0, "unverifiable": 0, "broken": 0}
        for row in self.rows:
            counts[row["verdict"]] += 1
        return counts

    @property
    def broken(self) -> list[dict[str, Any]]:
        return [row for row in self.rows if row["verdict"] == "broken"]

    def summary_lines(self) -> list[str]:
        counts = self.counts()
        cached = sum(1 for row in self.rows if row["from_cache"])
        lines = [
            f"external links: {len(self.rows)} checked ({cached} from cache, {self.requests_sent} requests, "
            f"{self.seconds:.1f} s): {counts['ok']} ok, {counts['redirected']} redirected, "
            f"{counts['unverifiable']} unverifiable, {counts['broken']} broken"
        ]
        for row in self.rows:
            if row["verdict"] == "redirected" and row["redirect"] == "permanent":
                lines.append(f"moved permanently: {row['url']} → {row['final_url']} — update the link ({_where(row)})")
            elif row["verdict"] == "unverifiable":
                lines.append(f"unverifiable: {row['url']}: {row['detail']} — check it by hand ({_where(row)})")
        return lines

    def broken_lines(self) -> list[str]:
        lines = []
        for row in self.broken:
            dead = f"dead: broken {row['consecutive_failures']} runs in a row" if row["dead"] else "broken"
            fix = f"use the archived copy {row['archived_copy']}" if row["archived_copy"] else \
                f"find a new address or an archived copy ({row['wayback']})"
            lines.append(f"{dead}: {row['url']}: {row['detail']} ({_where(row)}) — {fix}")
        return lines

    def to_json(self) -> str:
        return json.dumps({"generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                           "summary": self.counts(), "requests_sent": self.requests_sent,
                           "max_in_flight_per_host": self.max_in_flight_per_host,
                           "seconds": round(self.seconds, 3), "urls": self.rows}, indent=2, ensure_ascii=False)


def run_sync(coroutine):
    """Run a coroutine to completion from synchronous code, even inside a running event
    loop (a notebook, a test session driving a browser): then it runs in a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def bibliography_entries(extra: dict[str, Any], root: Path, path: Path | None = None) -> tuple[list[dict[str, Any]], str]:
    """The entries of the site's bibliography (``extra.citations.bibliography``, relative to
    the config's folder, or ``path``), and the reason when it cannot be used."""
    if path is None:
        configured = (extra.get("citations") or {}).get("bibliography")
        if not configured:
            return [], ""
        paths = [root / name for name in ([configured] if isinstance(configured, str) else configured)]
    else:
        paths = [path]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        return [], f"{missing[0]}: no bibliography here"
    try:
        return list(load_bibliographies([(path, str(path)) for path in paths]).entries.values()), ""
    except BibliographyError as error:
        return [], str(error)


def collect_external(pages: dict[str, ScannedPage], bibliography: list[dict[str, Any]] = ()) -> dict[str, Citers]:
    """Every external URL, as written, with the pages and bibliography entries citing it."""
    found: dict[str, Citers] = {}
    for page in pages.values():
        for link in page.links:
            if is_external(link.url):
                url = "https:" + link.url if link.url.startswith("//") else link.url
                found.setdefault(url, Citers()).pages.add(page.path)
    for entry in bibliography:
        archive = entry.get("custom", {}).get("archive-url", "")
        for url in filter(None, (entry.get("URL"), archive)):
            citers = found.setdefault(url, Citers())
            citers.entries.add(entry["id"])
            if archive and url != archive:
                citers.archived_copies.add(archive)
    return found


def check_external(found: dict[str, Citers], settings: Settings, cache: LinkCache | None,
                   checker: ExternalChecker | None = None) -> ExternalReport:
    """Check each unique URL once (fragments share the fetch), reusing fresh cache entries."""
    start = time.monotonic()
    targets: dict[str, set[str]] = {}
    for url in found:
        if settings.skipped(url):
            continue
        base, fragment = urldefrag(url)
        targets.setdefault(base, set())
        if fragment:
            targets[base].add(fragment)
    results: dict[str, Result] = {}
    to_check = {}
    for base, fragments in targets.items():
        cached = cache.fresh(base, fragments) if cache else None
        if cached:
            results[base] = cached
        else:
            to_check[base] = fragments
    checker = checker or ExternalChecker(settings)
    if to_check:
        results.update(run_sync(checker.check_all(to_check)))
    failures = {}
    for base in to_check:
        failures[base] = cache.record(results[base]) if cache else int(results[base].verdict == "broken")
    if cache:
        cache.save()
    rows = [_row(url, citers, results, failures, cache, settings) for url, citers in sorted(found.items())
            if not settings.skipped(url)]
    return ExternalReport(rows, checker.requests_sent, checker.max_in_flight_per_host, time.monotonic() - start)


def _row(url: str, citers: Citers, results: dict[str, Result], failures: dict[str, int],
         cache: LinkCache | None, settings: Settings) -> dict[str, Any]:
    base, fragment = urldefrag(url)
    result = results[base]
    verdict, detail = result.verdict, result.detail
    if fragment and fragment in result.fragments_missing and verdict in ("ok", "redirected"):
        verdict, detail = "broken", f"the page has no anchor '#{fragment}'"
    consecutive = failures.get(base, cache.consecutive_failures(base) if cache else 0)
    return {
        "url": url,
        "verdict": verdict,
        "detail": detail,
        "status": result.status,
        "final_url": result.final_url or base,
        "redirect": result.redirect,
        "pages": sorted(citers.pages),
        "bibliography_entries": sorted(citers.entries),
        "archived_copy": sorted(citers.archived_copies)[0] if citers.archived_copies else "",
        "wayback": WAYBACK_LOOKUP + quote(base, safe=":/?&=%") if verdict == "broken" else "",
        "from_cache": result.from_cache,
        "consecutive_failures": consecutive if verdict == "broken" else 0,
        "dead": verdict == "broken" and consecutive >= settings.dead_after,
        "checked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(result.checked_at)),
    }


def _where(row: dict[str, Any]) -> str:
    places = [*row["pages"], *(f"bibliography entry '{key}'" for key in row["bibliography_entries"])]
    shown = ", ".join(places[:3]) + (f" and {len(places) - 3} more" if len(places) > 3 else "")
    return f"on {shown}" if shown else "not linked"


def write_report(report: ExternalReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.to_json() + "\n", encoding="utf-8")
