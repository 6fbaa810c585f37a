"""Local HTTP servers for the link-check tests: every failure mode, on loopback only.

Each server binds one loopback address (127.0.0.2, 127.0.0.3, ...), so several of them
stand in for separate hosts. They count requests per path and method and measure the
most requests in flight at once, on the server side.
"""

from __future__ import annotations

import ssl
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = (b"<!doctype html><html><head><title>Fixture</title></head><body>"
        b"<h1 id='present'>Present</h1><a name='named'>x</a><p>text</p>"
        b"<h2 id='M&#248;lmer'>Character reference</h2><h2 id=\"100%\">Percent</h2>"
        b"<h2 id=late>Unquoted</h2></body></html>")


class LoopbackServer:
    """A threaded HTTP(S) server on one loopback address with scripted routes."""

    def __init__(self, host: str, latency: float = 0.0, tls: ssl.SSLContext | None = None) -> None:
        assert host.startswith("127."), "tests only ever talk to loopback"
        self.host, self.latency = host, latency
        self.requests: Counter[tuple[str, str]] = Counter()
        self.user_agents: set[str] = set()
        self.in_flight = 0
        self.max_in_flight = 0
        self.served: list[tuple[float, float]] = []  # when each request was being answered (start, end)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_HEAD(self):  # noqa: N802
                server._handle(self, "HEAD")

            def do_GET(self):  # noqa: N802
                server._handle(self, "GET")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        if tls:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        scheme = "https" if tls else "http"
        self.base = f"{scheme}://{host}:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str, method: str | None = None) -> int:
        return sum(n for (m, p), n in self.requests.items() if p == path and (method is None or m == method))

    def total(self) -> int:
        return sum(self.requests.values())

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # Routing

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = handler.path
        with self._lock:
            self.requests[(method, path)] += 1
            self.user_agents.add(handler.headers.get("User-Agent", ""))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            seen = self.count(path)
        started = time.monotonic()
        answered = False

        def answering() -> None:
            # A request is in flight until its answer starts: the client can send the next
            # one as soon as it has the answer, possibly before this thread has finished.
            nonlocal answered
            if not answered:
                answered = True
                with self._lock:
                    self.in_flight -= 1
                    self.served.append((started, time.monotonic()))

        send_response = handler.send_response

        def send_response_once_answering(*args, **kwargs):
            answering()
            return send_response(*args, **kwargs)

        handler.send_response = send_response_once_answering
        try:
            if self.latency:
                time.sleep(self.latency)
            self._route(handler, method, path, seen)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            answering()

    def _route(self, h: BaseHTTPRequestHandler, method: str, path: str, seen: int) -> None:
        if path.startswith("/redirect-to/"):
            return self._reply(h, 302, headers={"Location": urllib.parse.unquote(path[len("/redirect-to/"):])})
        if path.startswith("/ok") or path.startswith("/page"):
            return self._reply(h, 200, PAGE)
        if path == "/head405":
            return self._reply(h, 405) if method == "HEAD" else self._reply(h, 200, PAGE)
        if path == "/head500":
            return self._reply(h, 500) if method == "HEAD" else self._reply(h, 200, PAGE)
        if path.startswith("/status/"):
            return self._reply(h, int(path.rsplit("/", 1)[1]))
        if path == "/perm":
            return self._reply(h, 301, headers={"Location": "/ok-final"})
        if path == "/temp":
            return self._reply(h, 302, headers={"Location": "/ok-final"})
        if path == "/loop-a":
            return self._reply(h, 302, headers={"Location": "/loop-b"})
        if path == "/loop-b":
            return self._reply(h, 302, headers={"Location": "/loop-a"})
        if path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            return self._reply(h, 301, headers={"Location": f"/chain/{left - 1}" if left else "/ok"})
        if path == "/flaky500":
            return self._reply(h, 500) if seen <= 2 else self._reply(h, 200, PAGE)  # HEAD + first GET fail
        if path == "/always500":
            return self._reply(h, 503)
        if path == "/429-then-ok":
            return self._reply(h, 429, headers={"Retry-After": "1"}) if seen == 1 else self._reply(h, 200, PAGE)
        if path.startswith("/always429"):
            return self._reply(h, 429, headers={"Retry-After": path.rsplit("/", 1)[1] if path.count("/") > 1 else "1"})
        if path == "/slow":
            time.sleep(2.0)
            return self._reply(h, 200, PAGE)
        if path == "/reset":
            h.close_connection = True
            return None  # close without a response: the client sees a reset
        if path == "/endless":
            return self._endless(h, method)
        if path == "/pdf":
            return self._reply(h, 200, b"%PDF-1.4 fixture", content_type="application/pdf")
        return self._reply(h, 404)

    @staticmethod
    def _reply(h, status: int, body: bytes = b"", headers: dict | None = None,
               content_type: str = "text/html; charset=utf-8") -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

    @staticmethod
    def _endless(h, method: str) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        if method == "HEAD":
            return
        chunk = b"<p>" + b"filler " * 1000 + b"</p>\n"
        deadline = time.monotonic() + 30  # a safety net for the test machine, not for the client
        while time.monotonic() < deadline:
            h.wfile.write(chunk)
            h.wfile.flush()


def self_signed_context(directory: Path, host: str) -> ssl.SSLContext:
    """A TLS context with a throw-away self-signed certificate (made with openssl)."""
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", f"/CN={host}"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
