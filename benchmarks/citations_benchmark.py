"""What the citation hooks cost a build, as ratios against the same build without them.

Run: .venv/bin/python benchmarks/citations_benchmark.py [--repeat 5]

1. The real site, built with and without hooks/mkdocs_citations.py.
2. Generated sites of 250, 500 and 1,000 pages with 10 citations each (up to 10,000
   citations over a 200-entry bibliography), with and without the hook. The hook's
   cost per citation should stay flat as the site grows (linear total cost).

Each build runs in this process through MkDocs' own API; times are medians.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from generated_bibliography import write_bibliography
from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
HOOK = "hooks/mkdocs_citations.py"
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
logging.getLogger("mkdocs").setLevel(logging.ERROR)


HOOK_SECONDS = [0.0]  # time spent inside the citation hook's own event functions


def _timed(handler):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return handler(*args, **kwargs)
        finally:
            HOOK_SECONDS[0] += time.perf_counter() - start
    return wrapper


def timed_build(config_file: Path, site_dir: Path, with_hook: bool) -> float:
    config = load_config(str(config_file), site_dir=str(site_dir), strict=False)
    if not with_hook:
        config.plugins = type(config.plugins)()  # an empty PluginCollection
        for name, plugin in load_config(str(config_file)).plugins.items():
            if not name.endswith("mkdocs_citations.py"):
                config.plugins[name] = plugin
    for handlers in config.plugins.events.values():
        for index, handler in enumerate(handlers):
            if getattr(handler, "__module__", "").endswith("mkdocs_citations.py"):
                handlers[index] = _timed(handler)
    HOOK_SECONDS[0] = 0.0
    start = time.perf_counter()
    build(config)
    return time.perf_counter() - start


def median_build(config_file: Path, with_hook: bool, repeat: int) -> tuple[float, float]:
    """Median build time, and the median time spent inside the hook's own functions."""
    with tempfile.TemporaryDirectory() as site_dir:
        timed_build(config_file, Path(site_dir), with_hook)  # warm-up: imports, theme
        runs = []
        for _ in range(repeat):
            runs.append((timed_build(config_file, Path(site_dir), with_hook), HOOK_SECONDS[0]))
        return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def generate_site(root: Path, pages: int, citations_per_page: int, entries: int) -> Path:
    docs = root / "docs"
    (docs / "_data").mkdir(parents=True)
    write_bibliography(docs / "_data" / "bibliography.yaml", entries)
    nav = []
    for page in range(pages):
        body = [f"# Page {page}\n"]
        for c in range(citations_per_page):
            key = f"source-{(page * citations_per_page + c) % entries:04d}"
            body.append(f"## Section {c}\n\nA claim about policy and evidence [@{key}, p. {c + 1}]. "
                        "Some more ordinary text follows so the page is not empty.\n")
        (docs / f"page-{page:04d}.md").write_text("\n".join(body))
        nav.append(f"  - page-{page:04d}.md")
    (docs / "sources.md").write_text("# Sources\n\n<!-- citations:sources-list -->\n")
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: Benchmark\nexclude_docs: |\n  _data/\ntheme:\n  name: material\n  font: false\n"
        f"hooks:\n  - {ROOT / HOOK}\nmarkdown_extensions: [attr_list, md_in_html, pymdownx.details, pymdownx.superfences]\n"
        "plugins: []\n"
        "extra:\n  citations:\n    bibliography: docs/_data/bibliography.yaml\n"
        "nav:\n  - sources.md\n" + "\n".join(nav) + "\n"
    )
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="250,500,1000")
    args = parser.parse_args()

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.repeat} builds\n")
    with_hook, own = median_build(ROOT / "mkdocs.yml", True, args.repeat)
    without, _ = median_build(ROOT / "mkdocs.yml", False, args.repeat)
    pages = len(list((ROOT / "docs").glob("*.md")))
    print(f"The real site ({pages} pages):")
    print(f"  without citation hook {without:6.3f} s   with {with_hook:6.3f} s   "
          f"ratio {with_hook / without:4.2f}x   build cost {with_hook - without:+.3f} s "
          f"(hook functions themselves {own:.3f} s)\n")

    print("'build cost' is the whole difference (our hooks plus Markdown and templates rendering the")
    print("references, backlinks and citation tags they add); 'hook s' is the hook's own functions.\n")
    print(f"{'pages':>6} {'citations':>9} {'without s':>10} {'with s':>8} {'ratio':>6} {'build cost':>10} "
          f"{'µs/cit.':>8} {'hook s':>7} {'µs/cit.':>8}")
    for pages in (int(size) for size in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            config = generate_site(Path(tmp), pages, 10, 200)
            base, _ = median_build(config, False, args.repeat)
            full, own = median_build(config, True, args.repeat)
        citations = pages * 10
        print(f"{pages:>6} {citations:>9} {base:>10.3f} {full:>8.3f} {full / base:>6.2f} {full - base:>10.3f} "
              f"{(full - base) / citations * 1e6:>8.0f} {own:>7.3f} {own / citations * 1e6:>8.0f}")


if __name__ == "__main__":
    main()
