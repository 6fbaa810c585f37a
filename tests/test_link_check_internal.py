"""Internal links on the final HTML (link_check/internal.py), the hook and the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import HOOKS, ROOT, assert_one_line_error
from link_check.html_scan import Link, scan_html
from link_check.internal import check_internal
from link_servers import LoopbackServer


@pytest.fixture
def site(tmp_path):
    """A tiny built site: two pages, a file, and directory URLs."""
    (tmp_path / "guide").mkdir()
    (tmp_path / "index.html").write_text('<h1 id="top">Home</h1><a name="old-anchor"></a>')
    (tmp_path / "guide" / "index.html").write_text('<h2 id="intro">Intro</h2>')
    (tmp_path / "data.json").write_text("{}")
    return tmp_path


def problems(site, html: str) -> list[str]:
    pages = {"index.html": scan_html("index.html", (site / "index.html").read_text()),
             "guide/index.html": scan_html("guide/index.html", html)}
    return [f"{p.problem} — {p.fix}" for p in check_internal(pages, site)]


@pytest.mark.parametrize("html", [
    '<a href="../">home</a>', '<a href="../#top">top</a>', '<a href="#intro">self</a>',
    '<a href="../#old-anchor">named</a>', '<a href="../data.json">file</a>', '<a href="../guide">dir</a>',
    '<a href="/guide/#intro">root-relative</a>', '<a href="https://example.org/x">external</a>',
    '<a href="mailto:team@example.org?subject=Hi">mail</a>', '<a href="tel:+1-555-0100">call</a>',
])
def test_good_links(site, html):
    assert problems(site, '<h2 id="intro">Intro</h2>' + html) == []


@pytest.mark.parametrize(("html", "expected"), [
    ('<a href="../missing/">x</a>', "no file 'missing/index.html' in the built site — fix the path, or add the page or file"),
    ('<a href="../#nope">x</a>', "'index.html' has no anchor '#nope'"),
    ('<a href="#nope">x</a>', "'guide/index.html' has no anchor '#nope'"),
    ('<a href="../../outside.html">x</a>', "points outside the site"),
    ('<a href="mailto:someone">x</a>', "'someone' is not an e-mail address"),
    ('<a href="mailto:">x</a>', "mailto: without an address"),
    ('<a href="tel:call-me">x</a>', "'call-me' is not a phone number"),
    ('<a href="javascript:void(0)">x</a>', "'javascript:' links are not allowed"),
    ('<a href="file:///etc/passwd">x</a>', "'file:' links are not allowed"),
    ('<a href="">x</a>', "empty link"),
    ('<a href="ftp://example.org/f">x</a>', "unknown link scheme 'ftp:'"),
])
def test_bad_links(site, html, expected):
    found = problems(site, '<h2 id="intro">Intro</h2>' + html)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_problem_names_page_line_and_link(site):
    html = "<p>\n\n<a href='#gone'>x</a></p>"
    (site / "guide" / "index.html").write_text(html)  # the line is read from the built file
    pages = {"guide/index.html": scan_html("guide/index.html", html)}
    (problem,) = check_internal(pages, site)
    assert str(problem).startswith("guide/index.html:3: link '#gone': 'guide/index.html' has no anchor '#gone' — ")


# The hook, in real builds


def test_raw_html_link_and_hook_anchor_on_the_final_html(fixture_site):
    fixture_site.page("index.md", "# Home\n\n[@vera-unjust-burden-2018]\n\n"
                      '<p><a href="#ref-vera-unjust-burden-2018">to the reference list</a></p>\n\n'
                      '<p><a href="sources/#nowhere">raw link</a></p>\n')
    result = fixture_site.build()
    # The hook-made anchor #ref-... is found; the raw-HTML link to a missing anchor is not.
    assert_one_line_error(result, "docs/index.md:7: link 'sources/#nowhere': 'sources/index.html' has no anchor "
                                  "'#nowhere' — use an id that exists on that page")
    assert "#ref-vera-unjust-burden-2018'" not in result.output.split("nowhere")[0].split("WARNING")[-1]
    assert "Aborted with 1 warnings in strict mode!" in result.output


@pytest.fixture
def evidence_server():
    server = LoopbackServer("127.0.0.7")
    yield server
    server.close()


def test_external_links_are_checked_only_on_request(fixture_site, evidence_server):
    fixture_site.page("index.md", f"# Home\n\n[@vera-unjust-burden-2018] [evidence]({evidence_server.url('/ok')})\n")
    assert fixture_site.build().returncode == 0
    assert evidence_server.total() == 0  # builds never need the network

    result = fixture_site.build(env={"CHECK_EXTERNAL_LINKS": "1"})
    assert result.returncode == 0, result.output
    assert evidence_server.count("/ok") == 1
    report = json.loads((fixture_site.root / ".cache/link-check/report.json").read_text())
    row = next(r for r in report["urls"] if r["url"] == evidence_server.url("/ok"))
    assert row["verdict"] == "ok" and row["pages"] == ["index.html"]
    assert "external links: " in result.output

    again = fixture_site.build(env={"CHECK_EXTERNAL_LINKS": "1"})
    assert again.returncode == 0 and evidence_server.count("/ok") == 1  # answered from the cache
    fixture_site.build(env={"CHECK_EXTERNAL_LINKS": "1", "CHECK_EXTERNAL_LINKS_NO_CACHE": "1"})
    assert evidence_server.count("/ok") == 2


def test_broken_external_link_fails_the_build(fixture_site, evidence_server):
    fixture_site.page("index.md", f"# Home\n\n[@vera-unjust-burden-2018] [gone]({evidence_server.url('/status/404')}) "
                      f"[walled]({evidence_server.url('/status/403')})\n")
    result = fixture_site.build(env={"CHECK_EXTERNAL_LINKS": "1"}, strict=False)
    assert result.returncode == 1
    assert f"broken: {evidence_server.url('/status/404')}: 404 Not Found (on index.html)" in result.output
    assert "1 broken external link(s) — see .cache/link-check/report.json" in result.output
    assert f"unverifiable: {evidence_server.url('/status/403')}" in result.output
    assert "Traceback" not in result.output


def test_bad_link_check_settings_stop_the_build(fixture_site):
    config = fixture_site.config_file()
    config.write_text(config.read_text().replace("  link_check:\n", "  link_check:\n    per_host: 9\n"))
    from conftest import run_mkdocs_build

    result = run_mkdocs_build(config, fixture_site.root / "site")
    assert_one_line_error(result, "mkdocs.yml: extra.link_check.per_host: more than 4 requests")


# The standalone command


def run_command(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(HOOKS)}
    return subprocess.run([sys.executable, "-m", "link_check", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120, check=False)


def test_command_on_a_built_site(built_site, tmp_path):
    completed = run_command(str(built_site.site_dir), "--internal-only")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "0 problems" in completed.stdout


def test_command_reports_broken_links(fixture_site, evidence_server, tmp_path):
    fixture_site.page("index.md", f"# Home\n\n[@vera-unjust-burden-2018] [gone]({evidence_server.url('/status/410')})\n")
    assert fixture_site.build().returncode == 0
    completed = run_command(str(fixture_site.root / "site"), "--config", str(fixture_site.config_file()),
                            "--report", str(tmp_path / "report.json"))
    assert completed.returncode == 1
    assert f"broken: {evidence_server.url('/status/410')}: 410 Gone" in completed.stdout
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["broken"] >= 1


def test_command_without_a_site(tmp_path):
    completed = run_command(str(tmp_path))
    assert completed.returncode == 2
    assert "no built HTML pages here — run 'make build' first" in completed.stderr


def test_link_check_package_imports_without_mkdocs():
    code = f"import sys; sys.modules['mkdocs'] = None; sys.path.insert(0, {str(HOOKS)!r}); " \
           "import link_check.__main__, link_check.runner, link_check.internal; print('ok')"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert completed.stdout.strip() == "ok", completed.stderr


def test_a_link_checked_once_per_target_still_fails_where_it_leads_nowhere(tmp_path):
    """The same relative link is checked once per place it reaches: "../x/" from two
    folders reaches two places, and only the missing one is reported."""
    for folder in ("a/p", "b/p", "a/x"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "index.html").write_text('<a href="../x/">x</a>')
    pages = {path: scan_html(path, (tmp_path / path).read_text())
             for path in ("a/p/index.html", "b/p/index.html", "a/x/index.html")}
    found = [(problem.page, problem.problem) for problem in check_internal(pages, tmp_path)]
    assert found == [("b/p/index.html", "no file 'b/x/index.html' in the built site")]


@pytest.mark.parametrize(("url", "key"), [
    ("../x/", ("a", "x/")), ("../../x/#y", ("", "x/#y")), ("x.html", ("a/b", "x.html")), ("", ("a/b", "")),
    ("../../../x/", None),  # climbs out of the site: check_link reports it
    ("/x/", None), ("https://example.org/", None), ("mailto:a@example.org", None),
    (" ../x/", None), ("../x/\n", None), ("..\\x/", ("a/b", "..\\x/")),
])
def test_links_that_reach_the_same_place_share_a_key(url, key):
    # Material puts the same relative links on every page; one check answers for all
    # links with a key (the folder a link climbs to, and the rest of it).
    from link_check.internal import _folders_up, _same_target_key

    assert _same_target_key(Link("a/b/index.html", url), _folders_up("a/b/index.html")) == key
    assert _same_target_key(Link("a/b/index.html", url, base="docs/"), _folders_up("a/b/index.html")) is None


@pytest.mark.parametrize("fragment", ["a", "A", "top", "TOP", "", "%C3%B8", "ø", "a:~:text=x", ":~:text=x", "a#b",
                                      "a?b", "no-such", "%", "a%20b", "a b"])
def test_a_link_to_this_page_is_judged_as_the_same_link_through_the_path(fragment, tmp_path):
    # "#x" takes a short way (most links are to their own page); "index.html#x" from the
    # same page takes urlsplit and the path: both must give the same verdict.
    from link_check.internal import check_link

    page = scan_html("a/index.html", '<h2 id="a">A</h2><p id="ø">o</p><p id="%">p</p><p id="a b">q</p><a href="#x">x</a>')
    pages = {"a/index.html": page}
    short = check_link(Link("a/index.html", f"#{fragment}"), pages, tmp_path)
    through_path = check_link(Link("a/index.html", f"index.html#{fragment}"), pages, tmp_path)
    assert (short is None) == (through_path is None)
    if short is not None:
        assert (short.problem, short.target, short.fragment) == (
            through_path.problem, through_path.target, through_path.fragment)


def test_a_link_to_a_page_not_built_yet_waits_for_its_anchors(tmp_path):
    # While the build runs, a later page is only MkDocs' stand-in on disk: a link to one
    # of its anchors is settled when the page itself arrives, not by the stand-in.
    from link_check.internal import PageByPageCheck

    (tmp_path / "a.html").write_text("<a href='b.html#kept'>k</a><a href='b.html#gone'>g</a><img src='i.png'>")
    (tmp_path / "b.html").write_text("<!-- stand-in -->")
    (tmp_path / "i.png").write_bytes(b"\x89PNG")
    check = PageByPageCheck(tmp_path)
    check.add(scan_html("a.html", (tmp_path / "a.html").read_text()))
    check.add(scan_html("b.html", "<h2 id='kept'>Kept</h2>"))
    assert [(problem.page, problem.url, problem.problem) for problem in check.finish()] == [
        ("a.html", "b.html#gone", "'b.html' has no anchor '#gone'")]


def test_the_hook_reports_the_same_broken_links_with_the_worker_and_inline(fixture_site, tmp_path):
    from test_worker_process import _build_in_process  # (it forks the worker, or runs inline, as told)

    fixture_site.page("values.md", "---\ntitle: Values\n---\n\n# Values\n\n<a href='../index.html#nowhere'>home</a> "
                      "and <a href='../gone/'>gone</a>.\n")
    fixture_site.page("later.md", "---\ntitle: Later\n---\n\n# Later\n\nSee <a href='../values/#values'>values</a>.\n")
    reports = []
    for in_worker in (True, False):
        with _warnings() as records:
            _build_in_process(fixture_site, tmp_path / str(in_worker), in_worker)
        reports.append([message for message in records if "values.md" in message or "later.md" in message])
    assert reports[0] == reports[1]
    assert len(reports[0]) == 2 and "#nowhere" in reports[0][0] and "gone" in reports[0][1], reports[0]


def _warnings():
    import contextlib
    import logging

    @contextlib.contextmanager
    def collecting():
        records: list[str] = []
        handler = logging.Handler(logging.WARNING)
        handler.emit = lambda record: records.append(record.getMessage())
        logger = logging.getLogger("mkdocs")
        logger.addHandler(handler)
        try:
            yield records
        finally:
            logger.removeHandler(handler)
    return collecting()
