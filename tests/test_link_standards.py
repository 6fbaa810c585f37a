"""Internal links checked to the HTML and URL standards: one small site per rule, each
with the verdict the standards give, run through the standalone command
(`python -m link_check SITE`) and through the MkDocs hook in a real build.

The rules come from the HTML standard ("find a potential indicated element", the
document base URL, the parser's handling of duplicated attributes, unclosed <a> and
<textarea>) and the URL standard; html-proofer's and lychee's fixture suites were the
model for the shape of the cases, not their source.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HOOKS, FixtureSite

TARGET = "<!doctype html><title>t</title><h1 id='here'>Here</h1><p id='100%'>p</p><p id='%C3%B8'>raw</p>" \
         "<p id='M&#248;lmer'>ref</p><a name='named'>n</a>"
IMAGE = b"\x89PNG\r\n\x1a\n"

# (rule, files besides target.html and img.png, the broken URLs the page must report)
CASES = [
    ("#top goes to the top of the document", {"page.html": '<a href="#top">a</a><a href="#TOP">b</a>'}, set()),
    ("empty fragment is the top", {"page.html": '<a href="target.html#">a</a>'}, set()),
    ("text fragment is a directive, not an id",
     {"page.html": '<a href="target.html#:~:text=Here">a</a><a href="target.html#here:~:text=x">b</a>'
                   '<a href="target.html#gone:~:text=x">c</a>'}, {"target.html#gone:~:text=x"}),
    ("ids are tried raw first, then percent-decoded",
     {"page.html": '<a href="target.html#100%">a</a><a href="target.html#%C3%B8">b</a>'
                   '<a href="target.html#M%C3%B8lmer">c</a>'}, set()),
    ("ids are case-sensitive", {"page.html": '<a href="target.html#HERE">a</a>'}, {"target.html#HERE"}),
    ("a name= is an anchor", {"page.html": '<a href="target.html#named">a</a>'}, set()),
    ("character references in href are decoded", {"page.html": '<a href="target&#46;html#here">a</a>'}, set()),
    ("base href moves every relative link",
     {"sub/page.html": '<base href="../"><a href="target.html#here">a</a><img alt="" src="img.png">'
                       '<a href="nothing.html">b</a>'}, {"nothing.html"}),
    ("img src is checked", {"page.html": '<img alt="" src="img.png"><img alt="" src="missing.png">'}, {"missing.png"}),
    ("img and source srcset are checked",
     {"page.html": '<img alt="" srcset="img.png 1x, gone.png 2x"><picture><source srcset="also-gone.png"></picture>'},
     {"gone.png", "also-gone.png"}),
    ("script src and link href are checked",
     {"page.html": '<script src="app.js"></script><link rel="stylesheet" href="style.css">'}, {"app.js", "style.css"}),
    ("area, iframe, video, object are checked",
     {"page.html": '<map name="m"><area href="no-area.html" alt="a"></map><iframe src="no-frame.html"></iframe>'
                   '<video src="no-video.mp4" poster="no-poster.png"></video><object data="no-object.svg"></object>'},
     {"no-area.html", "no-frame.html", "no-video.mp4", "no-poster.png", "no-object.svg"}),
    ("an unclosed <a> is still a link", {"page.html": '<p><a href="gone.html">never closed</p>'}, {"gone.html"}),
    ("an <a> followed by another <a> is two links",
     {"page.html": '<a href="one.html">one<a href="two.html">two</a>'}, {"one.html", "two.html"}),
    ("the first of duplicated attributes wins",
     {"page.html": '<a href="first.html" href="target.html">a</a>'}, {"first.html"}),
    ("an <a> inside <textarea> is text", {"page.html": '<textarea><a href="gone.html">x</a></textarea>'}, set()),
    ("a comment is not a link", {"page.html": '<!-- <a href="gone.html">x</a> -->'}, set()),
    ("a malformed URL is one problem, not a crash",
     {"page.html": '<a href="https://example]org/x">a</a><a href="target.html">ok</a>'}, {"https://example]org/x"}),
    ("a folder named like a page is not a page",
     {"notes.html/index.html": '<a href="../target.html#here">a</a>', "page.html": '<a href="notes.html/">n</a>'},
     set()),
    ("canonical and alternate links name other documents",
     {"page.html": '<link rel="canonical" href="https://site.example/page.html">'}, set()),
]


def write_site(root: Path, files: dict[str, str]) -> Path:
    site = root / "site"
    for name, html in {"target.html": TARGET, **files}.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html if html.startswith("<!doctype") else f"<!doctype html><title>x</title>{html}",
                        encoding="utf-8")
    (site / "img.png").write_bytes(IMAGE)
    return site


def broken_urls(output: str) -> set[str]:
    """The URLs named in problem lines: "…: link 'URL': …" or "…: img src 'URL': …"."""
    import re

    return {match.group(1) for match in re.finditer(r": (?:link|[a-z]+ [a-z]+) '(.+?)': ", output)}


@pytest.mark.parametrize(("rule", "files", "broken"), CASES, ids=[case[0] for case in CASES])
def test_standalone_command(tmp_path, rule, files, broken):
    site = write_site(tmp_path, files)
    completed = subprocess.run([sys.executable, "-m", "link_check", str(site), "--internal-only",
                                "--config", str(tmp_path / "none.yml")],
                               capture_output=True, text=True, cwd=HOOKS, timeout=60, check=False)
    output = completed.stdout + completed.stderr
    assert "Traceback" not in output, output
    assert broken_urls(output) == broken, output
    assert completed.returncode == (1 if broken else 0), output


@pytest.mark.parametrize(("rule", "files", "broken"), CASES, ids=[case[0] for case in CASES])
def test_mkdocs_hook(tmp_path, rule, files, broken):
    """The same files as static files of a real build, checked by hooks/mkdocs_links.py."""
    fixture = FixtureSite(tmp_path / "project")
    fixture.hooks = ["mkdocs_links.py"]
    fixture.page("index.md", "# Home\n")
    static = write_site(tmp_path, files)
    for path in static.rglob("*"):
        if path.is_file():
            destination = fixture.docs / path.relative_to(static)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(path.read_bytes())
    result = fixture.build(strict=False)
    assert "Traceback" not in result.output, result.output
    assert broken_urls(result.output) == broken, result.output


def test_cases_cover_every_rule_of_the_issue():
    rules = " ".join(rule for rule, _, _ in CASES)
    for word in ("#top", "text fragment", "percent-decoded", "base href", "srcset", "script src", "area",
                 "unclosed", "duplicated", "textarea", "malformed", "folder"):
        assert word in rules, word


@pytest.mark.parametrize("arrival", ["in order", "reversed", "half built, half read from disk"])
@pytest.mark.parametrize(("rule", "files", "broken"), CASES, ids=[case[0] for case in CASES])
def test_checked_page_by_page_as_on_the_whole_site(tmp_path, rule, files, broken, arrival):
    """The build checks each page's links as the page arrives (built_pages); the problems,
    and their order, are those of the check over the whole site."""
    from link_check.html_scan import scan_site
    from link_check.internal import PageByPageCheck, check_internal

    site = write_site(tmp_path, files)
    pages = scan_site(site)
    expected = check_internal(pages, site)
    arriving = list(pages.values())[::-1] if arrival == "reversed" else list(pages.values())
    later = {}
    if arrival.startswith("half"):
        later = {page.path: page for page in arriving[len(arriving) // 2:]}
        arriving = arriving[:len(arriving) // 2]
    check = PageByPageCheck(site)
    for page in arriving:
        check.add(page)
    assert check.finish(later) == expected
    assert {problem.url for problem in expected} == broken
