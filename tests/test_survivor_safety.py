"""Survivor-safe output: CSP hashing, noreferrer links, content notes (plain modules),
and the MkDocs adapter's configuration errors (fixture builds)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from conftest import assert_one_line_error, run_mkdocs_build
from survivor_safety.content_notes import content_note_markdown, insert_after_title
from survivor_safety.csp import headers_file, inline_script_hashes, insert_csp_meta, policy
from survivor_safety.html_rules import parse_document
from survivor_safety.links import add_noreferrer


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_hashes_only_executable_inline_scripts():
    html = ('<script>var a=1</script><script src="x.js"></script>'
            '<script id="__config" type="application/json">{"a": 1}</script>'
            '<script type="module">import x from "./x.js"</script><script>var a=1</script>')
    assert inline_script_hashes(html) == [sha256("var a=1"), sha256('import x from "./x.js"')]


def test_policy_has_no_unsafe_inline_and_header_adds_frame_ancestors():
    meta_policy = policy(["'sha256-abc'"])
    assert "script-src 'self' 'sha256-abc'" in meta_policy
    assert "unsafe-inline" not in meta_policy
    assert "frame-ancestors" not in meta_policy  # browsers ignore it in <meta>
    assert "frame-ancestors 'none'" in policy([], for_header=True)


def test_meta_goes_right_after_charset_before_any_script():
    html = '<head><meta charset="utf-8"><script>x()</script></head>'
    patched = insert_csp_meta(html, "default-src 'self'")
    assert patched.index("Content-Security-Policy") < patched.index("<script>")
    assert patched.startswith('<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy"')


def test_page_without_charset_is_an_error():
    with pytest.raises(ValueError, match="no <meta charset>"):
        insert_csp_meta("<head><script>x()</script></head>", "default-src 'self'")


def test_headers_file_format():
    text = headers_file("default-src 'self'")
    assert text.splitlines()[0] == "/*"
    assert "  Content-Security-Policy: default-src 'self'" in text
    assert "  Referrer-Policy: no-referrer" in text
    assert "  X-Content-Type-Options: nosniff" in text
    assert all(line.startswith("  ") for line in text.splitlines()[1:])


@pytest.mark.parametrize(
    ("html", "rel"),
    [
        ('<a href="https://a.org">x</a>', "noreferrer"),
        ('<a href="//a.org/x">x</a>', "noreferrer"),
        ('<a rel="nofollow" href="http://a.org">x</a>', "nofollow noreferrer"),
        ('<a href="https://a.org" rel="noreferrer">x</a>', "noreferrer"),
        ('<a href="https://a.org" rel="NoReferrer">x</a>', "NoReferrer"),
        ('<a href="../values/">x</a>', None),
        ('<a href="#ref-x">x</a>', None),
        ('<a id="top">x</a>', None),
        # The attacks the text-based rewrite missed: how the browser reads them counts.
        ("<a href=https://a.org>x</a>", "noreferrer"),
        ('<a title=">" href="https://a.org">x</a>', "noreferrer"),
        ("<a href='https://a.org' rel=nofollow>x</a>", "nofollow noreferrer"),
        ('<a href="https://a.org" href="../values/">x</a>', "noreferrer"),   # the first attribute wins
        ('<a href="../values/" href="https://a.org">x</a>', None),
        ('<a href="  HTTPS://a.org">x</a>', "noreferrer"),
        ('<a href="\\\\a.org/x">x</a>', "noreferrer"),                        # \\a.org is //a.org to a browser
        ('<map><area href="https://a.org"></map>', "noreferrer"),
        # URLs the URL standard normalises before it reads them (issue 21, cause 8).
        ('<a href="https://a&#9;.org/">x</a>', "noreferrer"),                # tab inside: dropped
        ('<a href="ht&#10;tps://a.org/">x</a>', "noreferrer"),               # newline inside the scheme
        ('<a href="http:a.org">x</a>', "noreferrer"),                        # no slashes: a host on an https page
        ('<a href="HTTPS:\\\\a.org">x</a>', "noreferrer"),
        ('<a href="/\\a.org/x">x</a>', "noreferrer"),
    ],
)
def test_noreferrer_on_external_links_only(html, rel):
    tree = parse_document(html)
    add_noreferrer(tree)
    link = tree.css_first("a, area")
    assert link.attributes.get("rel") == rel


def test_noreferrer_ignores_what_is_not_a_link():
    tree = parse_document('<textarea><a href="https://a.org">x</a></textarea><abbr title="x">NSN</abbr>')
    assert add_noreferrer(tree) == 0
    assert "noreferrer" not in tree.html


def test_content_note_escapes_front_matter_text():
    block = content_note_markdown("Racism & <script>alert(1)</script> *not* [x](y)", "https://exit.example/",
                                  "../staying-safe-online.md", "#later", "Skip ahead")
    assert "&#60;script&#62;" in block and "<script>" not in block
    assert "&#42;not&#42; &#91;x&#93;&#40;y&#41;" in block
    assert "- [Skip ahead](#later)" in block
    assert '<a class="content-note__exit" href="https://exit.example/" rel="nofollow noreferrer">Exit this page</a>' in block
    assert "- [Read about staying safe online](../staying-safe-online.md)" in block


def test_content_note_goes_after_the_title():
    assert insert_after_title("# Title\n\nBody", "NOTE") == "# Title\n\nNOTE\n\n\nBody"
    assert insert_after_title("No heading", "NOTE") == "NOTE\n\nNo heading"


# The adapter, through real builds


def test_fixture_site_gets_csp_headers_and_quick_exit(fixture_site):
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    home = result.page("index.html")
    assert '<meta charset="utf-8"><meta http-equiv="Content-Security-Policy"' in home
    assert ('id="quick-exit-button" class="quick-exit__button js-quick-exit" href="https://www.weather.gov/" '
            'data-quick-exit-destination="https://www.weather.gov/" data-quick-exit-replace-history="true" '
            'rel="nofollow noreferrer"') in home
    assert '<meta name="referrer" content="no-referrer">' in home
    assert "frame-ancestors 'none'" in result.page("_headers")
    for script_hash in inline_script_hashes(home):
        assert script_hash in result.page("_headers")


def test_content_note_from_front_matter(fixture_site):
    fixture_site.page("index.md", "---\ncontent_note:\n  text: Discusses policing.\n  skip_to: '#later'\n---\n"
                      "# Home\n\n[@vera-unjust-burden-2018]\n\n## Later\n")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    home = result.page("index.html")
    assert home.index("<h1") < home.index('class="content-note"') < home.index("cite-vera-unjust-burden-2018-1")
    assert "<strong>Content note:</strong> Discusses policing." in home
    assert 'href="staying-safe-online/"' in home


def test_content_note_skip_anchor_is_validated(fixture_site):
    fixture_site.page("index.md", "---\ncontent_note:\n  text: Discusses policing.\n  skip_to: '#nowhere'\n---\n"
                      "# Home\n\n[@vera-unjust-burden-2018]\n")
    assert_one_line_error(fixture_site.build(),
                          "docs/index.md:4: 'content_note.skip_to: #nowhere' is not an id on this page — use the id "
                          "of a heading below the note (hover the heading and copy its ¶ link)")


@pytest.mark.parametrize("skip_to", ['"#x)[y](javascript:alert(1)"', '"https://elsewhere.example/"', '"#a b"'])
def test_content_note_skip_target_must_be_an_id(fixture_site, skip_to):
    fixture_site.page("index.md", f"---\ncontent_note:\n  text: Discusses policing.\n  skip_to: {skip_to}\n---\n"
                      "# Home\n\n[@vera-unjust-burden-2018]\n")
    # The safety hook refuses it on its own; with the contributor checks the message names the line.
    assert_one_line_error(fixture_site.build(), "index.md: 'content_note' in the front matter must be text")
    fixture_site.hooks.insert(0, "mkdocs_contributors.py")
    assert_one_line_error(fixture_site.build(),
                          "docs/index.md:2: 'content_note.skip_to' must be an #anchor on this page")


def test_malformed_content_note_is_a_clear_error(fixture_site):
    fixture_site.page("index.md", "---\ncontent_note: [a, list]\n---\n# Home\n\n[@vera-unjust-burden-2018]\n")
    assert_one_line_error(fixture_site.build(), "index.md: 'content_note' in the front matter must be text")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("http://www.weather.gov/", "quick_exit_url 'http://www.weather.gov/' is not https"),
        ("not a url", "extra.survivor_safety.quick_exit_url:"),
        ('""', "quick_exit_url is not set"),
    ],
)
def test_bad_quick_exit_destination_is_a_clear_error(fixture_site, value, message):
    config = fixture_site.config_file()
    config.write_text(config.read_text().replace("quick_exit_url: https://www.weather.gov/", f"quick_exit_url: {value}"))
    assert_one_line_error(run_mkdocs_build(config, fixture_site.root / "site"), message)


def test_missing_safety_page_is_a_clear_error(fixture_site):
    (fixture_site.docs / "staying-safe-online.md").unlink()
    assert_one_line_error(fixture_site.build(), "extra.survivor_safety.safety_page: 'staying-safe-online.md' is not a page")


def test_preview_server_leaves_the_meta_policy_out(fixture_site):
    """`mkdocs serve` injects an inline live-reload script that changes per request."""
    from mkdocs.config import load_config

    config = load_config(str(fixture_site.config_file()))
    hook = next(plugin for name, plugin in config.plugins.items() if name.endswith("mkdocs_safety.py"))
    page_html = '<head><meta charset="utf-8"><script>x()</script></head>'
    theme_scripts = {sha256("x()")}
    try:
        hook.on_startup(command="serve", dirty=False)
        hook.on_config(config)
        assert "Content-Security-Policy" not in hook._secure_page(page_html, theme_scripts, lambda: ("index.html", ""))
        hook.on_startup(command="build", dirty=False)
        assert "Content-Security-Policy" in hook._secure_page(page_html, theme_scripts, lambda: ("index.html", ""))
    finally:
        hook.on_startup(command="build", dirty=False)
