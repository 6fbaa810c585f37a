"""Page weight and Lighthouse scores: this site against the same content on Material's defaults.

Run: .venv/bin/python benchmarks/page_weight.py

1. Builds the site twice into temporary folders: as configured, and with Material's
   defaults (Google Fonts on; none of our hooks or overrides; same Markdown).
2. Serves each on 127.0.0.1 with gzip, as a static host would, and loads the home page
   once in Debian's Chromium with an empty cache. Reports bytes sent by the server
   (compressed), the number of requests, and the requests to other hosts the page
   tried to make (blocked here: this machine has no internet, so their bytes are not
   counted; with Material's defaults they are Google Fonts). Exits 1 when this site's
   first load is over the budget (72 kB) or tries any other host.
3. Runs Lighthouse 12.2.3 (benchmarks/lighthouse, installed with npm ci) on the home page
   and a long page, for the accessibility and performance scores.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from mkdocs.config import load_config
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser_support import CHROMIUM, CHROMIUM_ARGS, read_headers_file  # noqa: E402

LIGHTHOUSE_DIR = ROOT / "benchmarks" / "lighthouse"
# Issue "Reading on a phone": the home page's first load, gzip, empty cache.
FIRST_LOAD_BUDGET_KB = 72
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")


class GzipServer:
    """A static server that gzips text, sends `_headers`, and counts the bytes it sends."""

    def __init__(self, site_dir: Path) -> None:
        self.sent: list[tuple[str, int]] = []
        extra_headers = read_headers_file(site_dir)
        sent = self.sent

        class Handler(SimpleHTTPRequestHandler):
            def send_head(self):  # noqa: N802 - http.server's name
                path = Path(self.translate_path(self.path))
                if path.is_dir():
                    path = path / "index.html"
                if not path.is_file() or path.suffix not in COMPRESSIBLE or \
                        "gzip" not in self.headers.get("Accept-Encoding", ""):
                    return super().send_head()
                body = gzip.compress(path.read_bytes(), compresslevel=6)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)

            def end_headers(self):
                for name, value in extra_headers.items():
                    self.send_header(name, value)
                super().end_headers()

            def copyfile(self, source, outputfile):
                data = source.read()
                sent.append((self.path, len(data)))
                outputfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site_dir)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def build(config: Path, site_dir: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "-q", "-f", str(config), "-d", str(site_dir)],
                   check=True, env=env, capture_output=True)


def material_defaults_config(workdir: Path, palette: bool = False) -> Path:
    """The same Markdown with `theme: material` and nothing of ours (optionally with the
    light/dark toggle, which the site must have, so the comparison is like for like)."""
    ours = load_config(str(ROOT / "mkdocs.yml"))
    docs = workdir / "docs"
    if not docs.exists():
        shutil.copytree(ROOT / "docs", docs)
    config = {
        "site_name": ours["site_name"],
        "docs_dir": str(docs),
        "exclude_docs": "_data/\n_snippets/\n",
        "theme": {"name": "material", **({"palette": ours["theme"]["palette"]} if palette else {})},
        "nav": ours["nav"],
        "markdown_extensions": ["abbr", "admonition", "attr_list", "md_in_html", "footnotes", "tables",
                                {"toc": {"permalink": True}}, "pymdownx.details", "pymdownx.superfences"],
    }
    path = workdir / ("mkdocs-palette.yml" if palette else "mkdocs.yml")
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def first_load(url: str, server: GzipServer) -> dict:
    """Load a page once with an empty cache; what was sent, requested and attempted."""
    server.sent.clear()
    attempted: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.on("request", lambda request: attempted.append(request.url))
        context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1"
                      else route.abort())
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        browser.close()
    third_party = [u for u in attempted if urlsplit(u).scheme.startswith("http") and urlsplit(u).hostname != "127.0.0.1"]
    return {"bytes": sum(size for _, size in server.sent), "requests": len(server.sent),
            "third_party": third_party}


def lighthouse(url: str, out: Path) -> dict[str, float]:
    if not (LIGHTHOUSE_DIR / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=LIGHTHOUSE_DIR, check=True)
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS]).replace("MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                                                                  "'MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'")
    subprocess.run(
        ["npx", "--no-install", "lighthouse", url, "--only-categories=accessibility,performance",
         "--no-enable-error-reporting", "--output=json", f"--output-path={out}", "--quiet",
         f"--chrome-flags={flags}"],
        cwd=LIGHTHOUSE_DIR, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM, "CI": "1"},
    )
    report = json.loads(out.read_text())
    return {name: category["score"] * 100 for name, category in report["categories"].items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        ours, defaults = workdir / "ours", workdir / "defaults"
        build(ROOT / "mkdocs.yml", ours)
        build(material_defaults_config(workdir / "material"), defaults)
        with_palette = workdir / "defaults-palette"
        build(material_defaults_config(workdir / "material-palette", palette=True), with_palette)
        rows = {}
        for name, site_dir in (("this site", ours), ("Material defaults", defaults),
                               ("Material + palette toggle", with_palette)):
            server = GzipServer(site_dir)
            try:
                rows[name] = first_load(server.url, server)
            finally:
                server.close()
        print("First load of the home page (phone viewport, empty cache, gzip as a static host sends it)\n")
        print(f"{'build':<26} {'KB sent':>8} {'requests':>9}  third-party requests attempted")
        for name, row in rows.items():
            hosts = sorted({urlsplit(u).hostname for u in row["third_party"]}) or ["none"]
            print(f"{name:<26} {row['bytes'] / 1024:>8.1f} {row['requests']:>9}  "
                  f"{len(row['third_party'])} ({', '.join(hosts)})")
        for baseline in ("Material defaults", "Material + palette toggle"):
            ratio = rows["this site"]["bytes"] / rows[baseline]["bytes"]
            extra = (rows["this site"]["bytes"] - rows[baseline]["bytes"]) / 1024
            print(f"ratio this site / {baseline} (same-origin bytes): {ratio:.3f}  ({extra:+.1f} KB)")
        ours_kb = rows["this site"]["bytes"] / 1000
        within = ours_kb <= FIRST_LOAD_BUDGET_KB and not rows["this site"]["third_party"]
        print(f"budget: at most {FIRST_LOAD_BUDGET_KB} kB (1000 bytes) and no third-party request: "
              f"{ours_kb:.1f} kB, {'within' if within else 'OVER BUDGET'}")
        over_budget = not within

        server = GzipServer(ours)
        try:
            print("\nLighthouse 12.2.3 (mobile, simulated throttling), Debian Chromium")
            for path in ("", "diversion-courts/"):
                scores = lighthouse(server.url + path, workdir / "lighthouse.json")
                print(f"  /{path:<20} accessibility {scores['accessibility']:.0f}   performance {scores['performance']:.0f}")
        finally:
            server.close()
    if over_budget:
        sys.exit(1)


if __name__ == "__main__":
    main()
