"""Timings of the checks that read hostile page text, as ratios: each on 100 KB of one
repeated unit against 25 KB of it, best of three. Linear work gives about 4, a rescan
per unit about 16. Tests count work instead (tests/conftest.py, assert_linear_work);
this measures the time, including the work inside each regex call that counting cannot see.

    .venv/bin/python benchmarks/linear_time.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))

from citations.syntax import find_citations  # noqa: E402
from contributor_checks.content_safety import check_content  # noqa: E402
from letter.coverage import paragraph_links, uncovered_sections  # noqa: E402

KEYS = frozenset({"a", "b", "c"})


def paragraph_check(text: str) -> None:
    links, _ = paragraph_links(text, "page.md", "letter.md", 48)
    uncovered_sections(text, links)


CASES = [
    ("content safety", check_content, ["<img ", "<div>", "<!--", "`", "![", "<a onx", "<img src=x onerror=1 "]),
    ("citation syntax", lambda text: find_citations(text, KEYS),
     ["[see ", "[", "[@a, [", "@a [", "[-@", "[x](", "[@a; ", "\\[@a "]),
    ("paragraph links", paragraph_check, ["[¶1](", "](", "](a#para-", "[¶1–", "## ", "```\n"]),
]


def best_time(function, text: str, repeat: int = 3) -> float:
    best = float("inf")
    for repetition in range(repeat):
        variant = text + "\n" * repetition  # a different text each time: no cache answers it
        start = time.perf_counter()
        function(variant)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    print(f"{'check':<16} {'unit':<24} {'25 KB (ms)':>10} {'100 KB (ms)':>11} {'ratio':>6}")
    for name, function, units in CASES:
        for unit in units:
            small = best_time(function, unit * (25_000 // len(unit)))
            large = best_time(function, unit * (100_000 // len(unit)))
            print(f"{name:<16} {unit!r:<24} {small * 1000:>10.1f} {large * 1000:>11.1f} {large / small:>6.1f}")


if __name__ == "__main__":
    main()
