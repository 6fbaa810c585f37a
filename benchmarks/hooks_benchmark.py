"""What all the project's hooks cost a build, as ratios against the same build without them.

Run: .venv/bin/python benchmarks/hooks_benchmark.py [--repeat 3] [--sizes 100,1000] [--cold]

1. The real site, built with every hook in mkdocs.yml and with none.
2. Generated sites of 100 and 1,000 pages, each page with 10 citations (over a 200-entry
   bibliography) and 5 links (internal pages, anchors and an outside address), with the
   same theme, overrides and Markdown extensions as the real site.

The target (issue "One pass over the built HTML") is at most 1.5x, with the cost per
page flat as the site grows. Each build runs in this process through MkDocs' own API;
each pair of builds is interleaved and the fastest of each is compared (a shared
machine's slow moments otherwise dominate), with the median ratio beside it. Without hooks, the templates still get the two values the safety
hook would give them, so both builds render the same theme.
"""

from __future__ import annotations

import argparse
import gc
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
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
logging.getLogger("mkdocs").setLevel(logging.ERROR)


COLD = False  # --cold: every build with the hooks formats its citations afresh (no cache)


def timed_build(config_file: Path, site_dir: Path, with_hooks: bool) -> float:
    if with_hooks and COLD:
        forget_formatted_citations()
    config = load_config(str(config_file), site_dir=str(site_dir), strict=False)
    if not with_hooks:
        hooks = [name for name in config.plugins if name.endswith(".py")]
        for name in hooks:
            del config.plugins[name]
        config.plugins.events = {event: [h for h in handlers if not str(getattr(h, "__module__", "")).endswith(".py")]
                                 for event, handlers in config.plugins.events.items()}
        safety = config.extra.setdefault("survivor_safety", {})
        safety.setdefault("safety_page_url", "staying-safe-online/")
    gc.collect()  # neither build pays for collecting the one before it
    start = time.perf_counter()
    build(config)
    return time.perf_counter() - start


def forget_formatted_citations() -> None:
    """Empty the citation engine's caches: memory, and a fresh folder for the disk cache."""
    sys.path.insert(0, str(ROOT / "hooks"))
    from citations.engine import CACHE_ENV, Engine

    Engine._memory.clear()
    os.environ[CACHE_ENV] = tempfile.mkdtemp(prefix="citations-cold-")


def paired_builds(config_file: Path, repeat: int) -> tuple[float, float, float, float, float]:
    """Builds without and with the hooks, interleaved so that a slow moment of a shared
    machine hits both; returns (fastest without, fastest with, median without, median with,
    median of each pair's ratio)."""
    without, with_hooks = [], []
    with tempfile.TemporaryDirectory() as site_dir:
        timed_build(config_file, Path(site_dir), False)  # warm-up: imports, theme, templates
        timed_build(config_file, Path(site_dir), True)
        for _ in range(repeat):
            without.append(timed_build(config_file, Path(site_dir), False))
            with_hooks.append(timed_build(config_file, Path(site_dir), True))
    pair_ratios = [hooked / plain for plain, hooked in zip(without, with_hooks)]
    return (min(without), min(with_hooks), statistics.median(without), statistics.median(with_hooks),
            statistics.median(pair_ratios))


def generate_site(root: Path, pages: int, citations_per_page: int = 10, links_per_page: int = 5,
                  entries: int = 200) -> Path:
    """A site shaped like ours: front matter, citations, links, the glossary, a Sources page."""
    docs = root / "docs"
    (docs / "_data").mkdir(parents=True)
    (docs / "_snippets").mkdir()
    (docs / "_snippets" / "abbreviations.md").write_text("*[NSN]: National Survivor Network\n")
    write_bibliography(docs / "_data" / "bibliography.yaml", entries)
    nav = []
    for page in range(pages):
        body = [f"---\ntitle: Page {page}\ndescription: A generated page about policy.\n---\n", f"# Page {page}\n"]
        for c in range(citations_per_page):
            key = f"source-{(page * citations_per_page + c) % entries:04d}"
            body.append(f"## Section {c}\n\nA claim the NSN makes about policy [@{key}, p. {c + 1}]. "
                        "Some more ordinary text follows so the page is not empty.\n")
        targets = [f"page-{(page + k + 1) % pages:04d}.md#section-{k}" for k in range(links_per_page - 1)]
        links = [f"[see also {k}]({target})" for k, target in enumerate(targets)]
        links.append("[an outside source](https://example.org/report)")
        body.append("## Related\n\n" + ", ".join(links) + ".\n")
        (docs / f"page-{page:04d}.md").write_text("\n".join(body))
        nav.append(f"  - page-{page:04d}.md")
    (docs / "index.md").write_text("---\ndescription: Home.\n---\n# Home\n\nWelcome.\n")
    (docs / "sources.md").write_text("---\ndescription: Sources.\n---\n# Sources\n\n<!-- citations:sources-list -->\n")
    (docs / "staying-safe-online.md").write_text("---\ndescription: Safety.\n---\n# Staying safe online\n\nAdvice.\n")
    hooks = "\n".join(f"  - {ROOT / 'hooks' / name}" for name in (
        "mkdocs_contributors.py", "mkdocs_citations.py", "mkdocs_safety.py", "mkdocs_links.py", "mkdocs_page_meta.py"))
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: Benchmark\nexclude_docs: |\n  _data/\n  _snippets/\n"
        f"theme:\n  name: material\n  font: false\n  custom_dir: {ROOT / 'overrides'}\n"
        f"hooks:\n{hooks}\n"
        "markdown_extensions:\n  - abbr\n  - attr_list\n  - md_in_html\n  - footnotes\n  - tables\n"
        "  - toc:\n      permalink: true\n  - pymdownx.details\n  - pymdownx.superfences\n"
        f"  - pymdownx.snippets:\n      check_paths: true\n      base_path: [{docs / '_snippets'}]\n"
        "      auto_append: [abbreviations.md]\n"
        "plugins: [search]\n"
        "extra:\n  generator: false\n  citations:\n    bibliography: docs/_data/bibliography.yaml\n"
        "  survivor_safety:\n    quick_exit_url: https://www.weather.gov/\n"
        "nav:\n  - index.md\n  - sources.md\n  - staying-safe-online.md\n" + "\n".join(nav) + "\n"
    )
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--cold", action="store_true",
                        help="no citation cache: every build with the hooks runs Pandoc (a first build)")
    args = parser.parse_args()
    global COLD
    COLD = args.cold

    cache = "cold: no citation cache" if COLD else "warm: citations from the cache after the first build"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.repeat} interleaved pairs of builds "
          f"(the real site: at least 15), {cache}\n")
    print(f"{'site':>16} {'pages':>6} {'without s':>10} {'with s':>8} {'ratio':>6} {'median ratio':>13} "
          f"{'pair ratio':>11} {'ms/page':>8}")
    sites = [("the real site", len(list((ROOT / "docs").glob("*.md"))), ROOT / "mkdocs.yml")]
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(value) for value in args.sizes.split(",") if value.strip()):
            sites.append(("generated", size, generate_site(Path(tmp, str(size)), size)))
        for name, pages, config in sites:
            # The real site builds in under a second: more pairs cost little and steady it.
            repeat = max(args.repeat, 15) if name == "the real site" else args.repeat
            fastest_without, fastest_with, median_without, median_with, pair_ratio = paired_builds(config, repeat)
            print(f"{name:>16} {pages:>6} {fastest_without:>10.3f} {fastest_with:>8.3f} "
                  f"{fastest_with / fastest_without:>6.2f} {median_with / median_without:>13.2f} "
                  f"{pair_ratio:>11.2f} {(fastest_with - fastest_without) / pages * 1e3:>8.1f}")
    print("\nratio: fastest with / fastest without; pair ratio: the median of each interleaved pair's")
    print("ratio (the steadiest when the machine's speed drifts); ms/page: what the hooks add per page")
    print("(flat as the site grows means linear cost).")


if __name__ == "__main__":
    main()
