"""The bibliography the benchmarks' generated sites cite: ``entries`` reports, shaped
like ours (an author, a publisher, a month, a URL, a confidence level)."""

from __future__ import annotations

from pathlib import Path


def write_bibliography(path: Path, entries: int) -> None:
    lines = ["references:"]
    for n in range(entries):
        lines += [f"- id: source-{n:04d}", "  type: report", f"  title: \"Report number {n} & <notes>\"",
                  "  author:", f"    - {{family: Author{n % 37}, given: Ann}}", "  publisher: Example Press",
                  f"  issued: \"{1990 + n % 30}-05\"", f"  URL: https://example.org/{n}",
                  "  custom: {confidence: verified}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
