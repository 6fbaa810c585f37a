"""Helpers for the browser tests: a local server that applies `_headers`, and recorders."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Best-practice rules too: they catch what Lighthouse flags, e.g. an unnamed dialog.
AXE_TAGS = [*WCAG_TAGS, "best-practice"]
CHROMIUM = "/usr/lib/chromium/chromium"  # Debian's binary; /usr/bin/chromium is a shell wrapper
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Nothing but loopback resolves, so a stray request cannot leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
CSP_RECORDER = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
)


def read_headers_file(site_dir: Path) -> dict[str, str]:
    """The `/*` block of a Netlify/Cloudflare `_headers` file."""
    headers: dict[str, str] = {}
    path = site_dir / "_headers"
    if not path.exists():
        return headers
    in_block = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith(" "):
            in_block = line.strip() == "/*"
        elif in_block and ":" in line:
            name, value = line.strip().split(":", 1)
            headers[name.strip()] = value.strip()
    return headers


class StaticSite:
    """Serves a built site on 127.0.0.1 with the headers a static host would send."""

    def __init__(self, site_dir: Path) -> None:
        headers = read_headers_file(site_dir)

        class Handler(SimpleHTTPRequestHandler):
            def end_headers(self) -> None:
                for name, value in headers.items():
                    self.send_header(name, value)
                super().end_headers()

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        handler = functools.partial(Handler, directory=str(site_dir))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def is_third_party(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1"
