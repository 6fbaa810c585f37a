"""Print the brief (docs/brief.md, built into site/brief/) to a PDF with the headless
Chromium the browser tests use. Run by `make pdf`.

The page is loaded at the site's public address (``--site-url``, from SITE_URL in the
publishing workflow), with every request answered from the built site on disk: the
PDF's links then point at the published site, and nothing leaves the machine. Print
styles apply (no header, quick exit or navigation); the footer numbers the pages.

Usage: python tools/print_brief.py SITE_DIR OUTPUT.pdf [--site-url https://example.org/]
"""

from __future__ import annotations

import argparse
import datetime
import mimetypes
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Browser, Route, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = "/usr/lib/chromium/chromium"  # Debian's binary (see tests/browser_support.py)
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"  # where `make serve` serves the site
PRINT_TIMEOUT_MS = 120_000  # loading and printing the brief; it prints in seconds
FOOTER = ('<div style="font-size:9px;width:100%;text-align:center;color:#444">'
          'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>')


def site_file(site_dir: Path, site_url: str, url: str) -> Path | None:
    """The built file a URL of the site names, or None (outside the site, or missing)."""
    if not url.startswith(site_url):
        return None
    path = unquote(urlsplit(url).path[len(urlsplit(site_url).path):])
    target = (site_dir / path).resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_relative_to(site_dir.resolve()) or not target.is_file():
        return None
    return target


def print_brief(site_dir: Path, output: Path, site_url: str = DEFAULT_SITE_URL, page: str = "brief/",
                browser: Browser | None = None) -> Path:
    """Print ``page`` of the built site to ``output`` with ``browser`` (or a Chromium of its
    own); return the output path."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    site_dir = site_dir.resolve()

    def answer_from_disk(route: Route) -> None:
        target = site_file(site_dir, site_url, route.request.url)
        if target is None:
            route.abort()  # not ours: a printout loads nothing from elsewhere
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=target.read_bytes(), content_type=content_type)

    output.parent.mkdir(parents=True, exist_ok=True)
    if browser is None:
        with sync_playwright() as playwright:
            own = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"])
            try:
                return print_brief(site_dir, output, site_url, page, own)
            finally:
                own.close()
    context = browser.new_context()
    context.set_default_timeout(PRINT_TIMEOUT_MS)  # a page that never finishes loading stops the print
    try:
        context.route("**/*", answer_from_disk)
        tab = context.new_page()
        tab.goto(site_url + page, wait_until="load", timeout=PRINT_TIMEOUT_MS)
        tab.emulate_media(media="print")
        # The edition: where the brief lives and the day it was printed, on page 1.
        tab.evaluate("([url, day]) => { const edition = document.querySelector('.brief-edition');"
                     " if (edition) edition.textContent = `Printed ${day} from ${url}. The website presents"
                     " each topic in plain language.`; }", [site_url + page, _today()])
        # tagged: a structured (accessible) PDF; outline: bookmarks from the headings.
        tab.pdf(path=str(output), format="Letter", print_background=False, display_header_footer=True,
                tagged=True, outline=True,
                header_template="<span></span>", footer_template=FOOTER,
                margin={"top": "0.6in", "bottom": "0.7in", "left": "0.6in", "right": "0.6in"})
    finally:
        context.close()
    return output


def _today() -> str:
    today = datetime.date.today()
    return f"{today.day} {today:%B %Y}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--site-url", default=DEFAULT_SITE_URL)
    args = parser.parse_args()
    if not (args.site_dir / "brief" / "index.html").is_file():
        print(f"{args.site_dir}/brief/index.html: not built — run `make build` first", file=sys.stderr)
        return 1
    try:
        path = print_brief(args.site_dir, args.output, args.site_url)
    except PlaywrightTimeoutError:
        print(f"docs/brief.md:1: printing the brief took longer than {PRINT_TIMEOUT_MS // 1000} s — "
              "look for a very large table or page included in it", file=sys.stderr)
        return 1
    print(f"wrote {path} ({path.stat().st_size // 1000} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
