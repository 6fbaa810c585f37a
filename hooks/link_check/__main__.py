"""Check the links of any built site directory, without MkDocs.

    PYTHONPATH=hooks python -m link_check site/                 # internal + external
    PYTHONPATH=hooks python -m link_check site/ --internal-only  # no network
    PYTHONPATH=hooks python -m link_check site/ --no-cache       # recheck everything

Settings come from ``extra.link_check`` in mkdocs.yml (``--config``); the bibliography's
URLs are checked too (``--bibliography``). Exit status: 0 when nothing is broken, 1 when
a link is broken, 2 for a usage or settings error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from link_check.cache import LinkCache
from link_check.html_scan import scan_site
from link_check.internal import check_internal, site_base_path
from link_check.runner import bibliography_entries, check_external, collect_external, write_report
from link_check.settings import SettingsError, load_settings


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: tags such as !relative become plain values."""


_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_mkdocs_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}  # noqa: S506


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m link_check", description=__doc__.splitlines()[0])
    parser.add_argument("site_dir", type=Path, help="the built site, e.g. site/")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml with extra.link_check")
    parser.add_argument("--bibliography", type=Path, help="CSL-YAML bibliography whose URLs to check as well")
    parser.add_argument("--internal-only", action="store_true", help="check only links inside the site (no network)")
    parser.add_argument("--no-cache", action="store_true", help="ignore the cache and check every URL again")
    parser.add_argument("--report", type=Path, help="where to write the JSON report")
    args = parser.parse_args(argv)

    if not (args.site_dir / "index.html").is_file() and not any(args.site_dir.rglob("*.html")):
        print(f"{args.site_dir}: no built HTML pages here — run 'make build' first", file=sys.stderr)
        return 2
    config = read_mkdocs_config(args.config)
    extra = config.get("extra") or {}
    try:
        settings = load_settings(extra.get("link_check"), str(config.get("site_name", "")))
    except SettingsError as error:
        print(f"{args.config}: {error}", file=sys.stderr)
        return 2

    pages = scan_site(args.site_dir)
    problems = check_internal(pages, args.site_dir, site_base_path(str(config.get("site_url") or "")))
    for problem in problems:
        print(f"{args.site_dir}/{problem}")
    if args.internal_only:
        print(f"internal links: {sum(len(p.links) for p in pages.values())} links on {len(pages)} pages, "
              f"{len(problems)} problems")
        return 1 if problems else 0

    root = args.config.parent if args.config.is_file() else Path.cwd()
    entries, problem = bibliography_entries(extra, root, args.bibliography)
    if problem:
        print(problem, file=sys.stderr)
    found = collect_external(pages, entries)
    cache = None if args.no_cache else LinkCache(root / settings.cache_file, settings)
    report = check_external(found, settings, cache)
    report_path = args.report or root / settings.report_file
    write_report(report, report_path)
    for line in report.summary_lines() + report.broken_lines():
        print(line)
    print(f"report: {report_path}")
    return 1 if problems or report.broken else 0


if __name__ == "__main__":
    sys.exit(main())
