"""The printable brief: the asks and their evidence first, then the highlights in full
and the references as an appendix, printed to PDF by tools/print_brief.py with Debian's
Chromium, read back with pdftotext and pdfinfo (poppler-utils) and pypdf."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from pypdf import PdfReader
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, run_mkdocs_build

sys.path.insert(0, str(ROOT / "tools"))
from print_brief import print_brief, site_file  # noqa: E402

pytestmark = pytest.mark.browser
SITE_URL = "https://racial-equity.example/"


def normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def printed(built_site, tmp_path_factory, browser) -> tuple[Path, str]:
    # pytest-playwright's browser: a second Playwright in the same test session is refused.
    pdf = print_brief(built_site.site_dir, tmp_path_factory.mktemp("brief") / "brief.pdf", SITE_URL,
                      browser=browser)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return pdf, text


def asks(site_dir: Path) -> list[tuple[int, str]]:
    """The brief's asks as numbered on the page: (number, text)."""
    tree = LexborHTMLParser((site_dir / "brief" / "index.html").read_text(encoding="utf-8"))
    found = []
    for group in tree.css(".brief-asks ol"):
        start = int(group.attributes.get("start") or 1)
        found += [(start + index, normalise(item.text(deep=True))) for index, item in enumerate(group.css("li"))]
    return found


def pdf_pages(pdf: Path, first: int, last: int) -> str:
    return normalise(subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(pdf), "-"],
                                    capture_output=True, text=True, check=True).stdout)


def test_the_brief_page_holds_the_asks_the_highlights_and_references(built_site):
    tree = LexborHTMLParser(built_site.page("brief/index.html"))
    assert [number for number, _ in asks(built_site.site_dir)] == list(range(1, 14))
    assert len(tree.css("p.letter-paragraph")) == 48
    assert len(tree.css("ul.references li")) >= 15
    headings = [normalise(h.text(deep=True)).rstrip("¶") for h in tree.css("article h2")]
    assert headings[:3] == ["The asks", "What the asks rest on", "Appendix: the highlights in full"]


def test_the_asks_are_on_pages_one_and_two_with_who_when_and_where(printed, built_site):
    pdf, text = printed
    first_two = pdf_pages(pdf, 1, 2)
    for number, ask in asks(built_site.site_dir):
        # Print expands an abbreviation where it is first used; compare without expansions.
        assert f"{number}. " in first_two and ask.split(" ")[-3] in first_two, ask
    page_one = pdf_pages(pdf, 1, 1)
    assert f"from {SITE_URL}brief/" in page_one
    assert re.search(r"Printed \d{1,2} [A-Z][a-z]+ \d{4}", page_one)
    assert "In March 2022" in page_one and "request for information" in page_one
    assert "How to cite it" in page_one
    flat = normalise(text)
    pages = len(PdfReader(str(pdf)).pages)
    assert f"Page {pages} of {pages}" in flat
    assert "Exit this page" not in flat and "Cite this page" not in flat  # print styles apply


def test_the_pdf_is_tagged_with_an_outline(printed):
    pdf, _ = printed
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
    def titles(items) -> list[str]:  # pypdf nests a heading's children in a list after it
        return [title for item in items for title in (titles(item) if isinstance(item, list) else [item.title])]

    found = titles(PdfReader(str(pdf)).outline)
    assert {"The asks", "What the asks rest on", "Appendix: the highlights in full"} <= set(found), found


def test_no_address_is_printed_twice_and_abbreviations_are_expanded(printed):
    _, text = printed
    flat = normalise(text)
    assert "https://actionnetwork.org/forms/the-power-to-say-no-can-ubi-prevent-trafficking (https://" not in flat
    assert "NSN (National Survivor Network)" in flat
    assert flat.count("(National Survivor Network)") == 1


def test_every_link_in_the_pdf_is_one_the_site_has(printed, built_site):
    pdf, _ = printed
    uris = [annotation.get_object()["/A"]["/URI"]
            for page in PdfReader(str(pdf)).pages for annotation in page.get("/Annots", [])
            if annotation.get_object().get("/A", {}).get("/URI")]
    assert len(uris) > 30
    brief = LexborHTMLParser(built_site.page("brief/index.html"))
    outside = {a.attributes.get("href") for a in brief.css("a[href]")}
    for uri in uris:
        if uri.startswith(SITE_URL):
            address, fragment = urldefrag(uri)
            target = site_file(built_site.site_dir, SITE_URL, address)
            assert target is not None, uri
            if fragment and target.suffix == ".html":
                assert LexborHTMLParser(target.read_text(encoding="utf-8")).css_first(f'[id="{fragment}"]'), uri
        else:
            assert uri in outside, f"{uri}: not a link of the brief page"


def test_make_pdf_publishes_the_brief_with_its_size(site_copy):
    """The second build of `make pdf`: the site links to the PDF and says how big it is."""
    (site_copy / "build").mkdir()
    pdf = site_copy / "build" / "brief.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * 2400 + b"\n%%EOF\n")  # the build only copies it and measures it
    result = run_mkdocs_build(site_copy / "mkdocs.yml", site_copy / "site", env={"BRIEF_PDF": str(pdf)})
    assert result.returncode == 0, result.output
    brief = result.page("brief/index.html")
    assert '<a href="../nsn-racial-equity-brief.pdf">Download this brief as a PDF</a> (2 KB' in brief
    assert (result.site_dir / "nsn-racial-equity-brief.pdf").read_bytes() == pdf.read_bytes()


def test_a_missing_pdf_is_one_line_with_the_fix(site_copy):
    result = run_mkdocs_build(site_copy / "mkdocs.yml", site_copy / "site", env={"BRIEF_PDF": "nowhere.pdf"})
    assert result.returncode != 0 and "Traceback" not in result.output
    assert ("mkdocs.yml: extra.letter.brief_pdf: 'nowhere.pdf' does not exist — run `make pdf`, which prints it "
            "and then builds the site with it") in result.output


def test_a_paragraph_link_takes_the_reader_to_the_highlighted_paragraph(built_site, browser):
    """From a topic page, "¶24" opens the letter scrolled to that paragraph, outlined."""
    from browser_support import StaticSite

    server = StaticSite(built_site.site_dir)
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{server.url}/barriers/", wait_until="load")
        page.get_by_role("link", name="¶24").first.click()
        page.wait_for_url("**/letter/#para-24")
        target = page.locator("#para-24")
        assert target.evaluate("node => getComputedStyle(node).outlineStyle") == "solid"
        assert target.evaluate("node => getComputedStyle(document.getElementById('para-23')).outlineStyle") == "none"
        box = target.bounding_box()
        assert box is not None and 0 <= box["y"] < 844  # scrolled into view
    finally:
        server.close()


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("/etc/hostname", None, "is outside the project"),
    ("build/brief.pdf", b"<html><script>alert(1)</script></html>", "is not a PDF"),
])
def test_only_a_pdf_from_the_project_is_published(site_copy, name, content, problem):
    """Whatever brief_pdf names is copied into the site: not a file from elsewhere on the
    machine, and not a page or script under a .pdf name."""
    if content is not None:
        (site_copy / "build").mkdir()
        (site_copy / name).write_bytes(content)
    result = run_mkdocs_build(site_copy / "mkdocs.yml", site_copy / "site", env={"BRIEF_PDF": name})
    assert result.returncode != 0 and "Traceback" not in result.output
    assert f"mkdocs.yml: extra.letter.brief_pdf: '{name}' {problem} — use the PDF `make pdf` writes" in result.output
    assert not (site_copy / "site" / "nsn-racial-equity-brief.pdf").exists()
