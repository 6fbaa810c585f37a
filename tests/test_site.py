"""The real site: a strict build, every page present, and no third-party assets."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, run_mkdocs_build, site_pages

# Each page, its title, and words a reader must find on it.
# Spot checks of what known pages say (every page, new ones too, is in conftest.site_pages()).
KEY_CONTENT = {
    "index.html": ("Racial equity in anti-trafficking work", ["Senior Policy Operating Group", "Restructure Team", "100%"]),
    "values/index.html": ("Values", ["Crime is not the same as violence", "13th Amendment", "anti-racist"]),
    "framework/index.html": ("A racially equitable framework", ["non-carceral", "precondition", "labor trafficking", "in tandem"]),
    "harms/index.html": ("Harms survivors observed", ["Tokenizing", "well-curated", "weaponize"]),
    "barriers/index.html": ("Barriers to racial equity", ["anti-prostitution pledge", "Demand reduction", "promoting prostitution"]),
    "diversion-courts/index.html": ("Diversion courts", ["coercive interventions", "Net widening", "Layleen Polanco", "I need a job"]),
    "prevention/index.html": ("Prevention and the ideal movement", ["public-health", "Universal basic income", "silo"]),
    "survivor-engagement/index.html": ("Survivor engagement", ["Spectrum of Survivor Engagement", "Survivor leadership"]),
    "recommendations/index.html": ("Recommendations at a glance", ["non-carceral", "demand reduction", "universal basic income"]),
    "sources/index.html": ("Sources", ["Cited on", "Not verified", "Partly verified"]),
    "about/index.html": ("About this site", ["CAST", "contributor guide", "Corrections"]),
    "staying-safe-online/index.html": ("Staying safe online", ["does <strong>not</strong> erase", "Private browsing", "Monitoring software"]),
    "contributing/index.html": ("Contributing", ["Quote the letter exactly", "Add a source", "What the checks tell you"]),
    "letter/index.html": ("The highlights in full", ["Announcement: Racial Equity", "See our feedback here", "has not verified"]),
    "brief/index.html": ("Racial equity in anti-trafficking work: a brief", ["The asks", "What the asks rest on", "Appendix: the highlights in full"]),
}
# Python-Markdown's abbr matches whole words (\b...\b), and no word boundary follows
# "+", so the glossary defines "2SLGBTQIA" and the "+" stays just after the <abbr>.
GLOSSARY = ["NSN", "CAST", "SPOG", "BIPOC", "2SLGBTQIA", "LEAD", "PDP", "PDINL", "UBI", "CDC", "DOJ"]


class AssetCollector(HTMLParser):
    """Every URL a browser would fetch on load: scripts, styles, images, icons, preloads."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and attributes.get("src"):
            self.assets.append(attributes["src"])
        if tag == "link" and attributes.get("href"):
            self.assets.append(attributes["href"])
        if tag == "object" and attributes.get("data"):
            self.assets.append(attributes["data"])


def html_pages(site_dir):
    return sorted(site_dir.rglob("*.html"))


@pytest.mark.parametrize("path", KEY_CONTENT)
def test_page_renders_with_title_and_key_terms(built_site, path):
    html = built_site.page(path)
    title, terms = KEY_CONTENT[path]
    assert re.search(rf"<h1[^>]*>{re.escape(title)}", html), f"{path}: no <h1> '{title}'"
    for term in terms:
        assert term in html, f"{path}: '{term}' missing"


def test_the_pages_the_tests_walk_are_the_pages_the_site_builds(built_site):
    built = {str(p.relative_to(built_site.site_dir)) for p in html_pages(built_site.site_dir)}
    assert built - {"404.html"} == set(site_pages())


def test_a_new_page_is_walked_by_the_tests_with_no_edit_to_them(site_copy):
    """A contributor adds a page and its nav entry: the build passes and the page is in
    the list every site, browser and accessibility test walks."""
    (site_copy / "docs" / "new-topic.md").write_text(
        "---\ntitle: A new topic\ndescription: A page a contributor adds.\n---\n\n# A new topic\n\nText.\n",
        encoding="utf-8")
    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - Sources: sources.md\n", "  - Sources: sources.md\n  - A new topic: new-topic.md\n"), encoding="utf-8")
    result = run_mkdocs_build(config, site_copy / "site")
    assert result.returncode == 0, result.output
    built = {str(p.relative_to(result.site_dir)) for p in html_pages(result.site_dir)} - {"404.html"}
    assert "new-topic/index.html" in site_pages(site_copy / "docs")
    assert built == set(site_pages(site_copy / "docs"))


def test_strict_build_prints_no_warnings(built_site):
    assert "WARNING" not in built_site.output


@pytest.mark.parametrize("abbreviation", GLOSSARY)
def test_glossary_abbreviations_become_abbr(built_site, abbreviation):
    follows = r"\+" if abbreviation == "2SLGBTQIA" else ""
    # (print_marks adds class="abbr-first" to the first use on each page)
    first = '(?: class="abbr-first")?'
    pattern = re.compile(rf'<abbr{first} title="[^"]+"{first}>{re.escape(abbreviation)}</abbr>{follows}')
    assert any(pattern.search(p.read_text(encoding="utf-8")) for p in html_pages(built_site.site_dir))


def test_no_third_party_assets(built_site):
    for page in html_pages(built_site.site_dir):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html, page
        assert "api.github.com" not in html, page
        collector = AssetCollector()
        collector.feed(html)
        external = [u for u in collector.assets if urlsplit(u).scheme or u.startswith("//")]
        assert external == [], f"{page}: {external}"


def test_no_raw_citations_remain(built_site):
    for page in html_pages(built_site.site_dir):
        text = re.sub(r"<code>.*?</code>", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        assert "[@" not in text and "[-@" not in text, page


def test_content_note_only_where_the_front_matter_or_a_noted_passage_sets_one(built_site):
    """Front matter sets a page's note; docs/_data/letter.yaml sets ¶34's, which the letter
    page and the brief show right before the paragraph."""
    pages_with_notes = [path for path in site_pages() if 'class="content-note"' in built_site.page(path)]
    assert sorted(pages_with_notes) == ["brief/index.html", "diversion-courts/index.html", "letter/index.html"]
    for path in ("letter/index.html", "brief/index.html"):
        before = built_site.page(path).split('id="para-34"', 1)[0]
        assert before.rfind('class="content-note"') > before.rfind('id="para-33"'), path
    note = built_site.page("diversion-courts/index.html").split('class="content-note"', 1)[1].split("</aside>")[0]
    assert "Layleen Polanco" in note and "does not describe her death in detail" in note


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("[broken](no-such-page.md)", "link 'no-such-page.md': no page or file 'no-such-page.md' in docs/ — "
                                      "fix the path, or add the page or file to docs/"),
        ("[broken](framwork.md)", "link 'framwork.md': no page or file 'framwork.md' in docs/ — "
                                  "did you mean 'framework.md'?"),
        ("[broken](framework.md#no-mandatory-engagment)",
         "link 'framework.md#no-mandatory-engagment': 'framework.md' has no heading or anchor "
         "'#no-mandatory-engagment' — did you mean 'framework.md#no-mandatory-engagement'?"),
        ("[broken](#nowhere)", "link '#nowhere': 'values.md' has no heading or anchor '#nowhere' — use an id that "
                               "exists there (hover a heading and copy its ¶ link)"),
    ],
)
def test_broken_internal_link_or_anchor_fails_the_strict_build(site_copy, link, message):
    page = site_copy / "docs" / "values.md"
    text = page.read_text(encoding="utf-8") + f"\nSee {link}.\n"
    page.write_text(text, encoding="utf-8")
    result = run_mkdocs_build(site_copy / "mkdocs.yml", site_copy / "site")
    assert result.returncode == 1
    assert f"docs/values.md:{text.count(chr(10))}: {message}" in result.output  # in our words, on its line
    assert "Doc file" not in result.output  # MkDocs' own message is not repeated
    assert "Aborted with 1 warnings in strict mode!" in result.output


# Theme partials we copied from Material: each must be Material's own file with only our
# change, so that an upgrade of Material that changes the file fails here, not silently.
MATERIAL_TEMPLATES = __import__("pathlib").Path(__import__("material").__file__).parent / "templates"
PARTIAL_CHANGES = {
    "header.html": ('''          <span class="md-ellipsis">
            {{ config.site_name }}
          </span>''', '''          <span class="md-ellipsis">
            {%- if config.extra.short_title %}
            <span class="site-title--full">{{ config.site_name | e }}</span>
            <span class="site-title--short">{{ config.extra.short_title | e }}</span>
            {%- else %}
            {{ config.site_name }}
            {%- endif %}
          </span>'''),
    "search.html": ('<div class="md-search" data-md-component="search" role="dialog">',
                    '<div class="md-search" data-md-component="search" role="dialog" '
                    'aria-label="{{ lang.t(\'search\') }}">'),
}
GENERATED_NOTICE = "{#-\n  This file was automatically generated - do not edit\n-#}\n"


@pytest.mark.parametrize("name", sorted(PARTIAL_CHANGES))
def test_copied_partials_are_materials_with_only_our_change(name):
    ours = (ROOT / "overrides" / "partials" / name).read_text(encoding="utf-8")
    ours = ours.split("-#}\n", 1)[1]  # our own leading comment says why the copy exists
    theirs = (MATERIAL_TEMPLATES / "partials" / name).read_text(encoding="utf-8").removeprefix(GENERATED_NOTICE)
    old, new = PARTIAL_CHANGES[name]
    assert theirs.count(old) == 1, f"Material's {name} changed: re-copy it and re-apply our change"
    assert ours == theirs.replace(old, new)


def test_our_scripts_and_styles_are_served_minified(built_site):
    """hooks/mkdocs_assets.py: the same code without the sources' comments."""
    for name in ("javascripts/quick-exit.js", "javascripts/search-on-demand.js", "stylesheets/site.css"):
        source = (ROOT / "overrides" / "assets" / name).read_text(encoding="utf-8")
        served = (built_site.site_dir / "assets" / name).read_text(encoding="utf-8")
        assert "/*" in source and "/*" not in served, name
        assert len(served) < len(source) * 0.7, name
    assert "XMLHttpRequest.prototype.send" in (built_site.site_dir / "assets/javascripts/search-on-demand.js").read_text()
