"""Fixture sites build in this process (conftest.run_mkdocs_in_process): it must print and
exit exactly as the real `mkdocs build` command does, for a clean build, a strict warning,
a contributor error and a fault in code."""

from __future__ import annotations

import re

import pytest

from conftest import FixtureSite, run_mkdocs_build, run_mkdocs_in_process

CASES = {
    "clean": "# Home\n\nCited [@vera-unjust-burden-2018].\n",
    "strict warning": "# Home\n\nNot cited: the entry is listed as further reading.\n",
    "contributor error": "# Home\n\nCited [@vera-unjust-burden-2019].\n",
    "fault in code": "# Home\n\nCited [@vera-unjust-burden-2018].\n",
}
BROKEN_HOOK = "def on_page_markdown(markdown, **kwargs):\n    raise RuntimeError('a fault in a hook')\n"


def comparable(output: str) -> list[str]:
    """The printed lines without the build's duration and a traceback's frames (the two
    start from different callers; its header and exception line stay), sorted: the CLI's
    two streams come through separate pipes, so their interleaving is not kept."""
    return sorted(re.sub(r"built in [0-9.]+ seconds", "built in N seconds", line)
                  for line in output.splitlines() if not line.startswith("  "))


@pytest.mark.parametrize(("case", "strict"), [(case, True) for case in CASES] + [("strict warning", False)])
def test_in_process_builds_print_and_exit_as_the_cli_does(tmp_path, case, strict):
    site = FixtureSite(tmp_path)
    site.page("index.md", CASES[case])
    site.page("sources.md", "---\ndescription: Every source.\n---\n# Sources\n\n<!-- citations:sources-list -->\n")
    site.page("staying-safe-online.md", "---\ndescription: Safety advice.\n---\n# Staying safe online\n\nAdvice.\n")
    if case == "fault in code":
        (tmp_path / "broken_hook.py").write_text(BROKEN_HOOK, encoding="utf-8")
        site.hooks.append(str(tmp_path / "broken_hook.py"))
    config = site.config_file()
    by_cli = run_mkdocs_build(config, tmp_path / "cli-site", strict=strict)
    in_process = run_mkdocs_in_process(config, tmp_path / "in-process-site", strict=strict)
    shown = by_cli.output.replace(str(tmp_path / "cli-site"), "SITE")
    assert in_process.returncode == by_cli.returncode, (in_process.output, by_cli.output)
    assert comparable(in_process.output.replace(str(tmp_path / "in-process-site"), "SITE")) == comparable(shown)
    assert (by_cli.returncode == 0) == (case == "clean" or (case == "strict warning" and not strict)), by_cli.output
    assert ("RuntimeError: a fault in a hook" in in_process.output) == (case == "fault in code"), in_process.output
