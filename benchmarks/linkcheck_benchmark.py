"""External link checking: this checker against lychee and mkdocs-htmlproofer-plugin.

Run: .venv/bin/pip install -r benchmarks/requirements.txt
     .venv/bin/python benchmarks/linkcheck_benchmark.py

A generated MkDocs site links 1,000 unique URLs (2,000 links; 10 % with a #fragment)
spread over 100 loopback hosts (127.0.1.1–127.0.1.100), each answering after 100 ms.
20 URLs answer 404 and 10 fragments are missing. Each tool checks the same built pages;
the servers count every request and the most requests in flight per host. Then this
checker runs again with its cache. Nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
# The servers are on loopback, which the checker refuses unless told it is a test run.
os.environ["LINK_CHECK_ALLOW_LOOPBACK_FOR_TESTS"] = "1"
from link_check.cache import LinkCache  # noqa: E402
from link_check.html_scan import scan_site  # noqa: E402
from link_check.runner import check_external, collect_external  # noqa: E402
from link_check.settings import load_settings  # noqa: E402

HOSTS = [f"127.0.1.{n}" for n in range(1, 101)]
LATENCY = 0.1
PAGE = b"<!doctype html><title>t</title><h1 id='present'>x</h1>"
BIN = Path(sys.executable).parent


class Hosts:
    """100 asyncio HTTP/1.1 servers in a separate process (so no tool shares a CPU lock
    with them); they count what they receive. Stats come over a pipe."""

    def __init__(self) -> None:
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=_serve_hosts, args=(child,), daemon=True)
        self._process.start()
        self.ports: dict[str, int] = self._conn.recv()

    def reset(self) -> None:
        self._conn.send("reset")
        self._conn.recv()

    def stats(self) -> tuple[int, int, dict[str, int]]:
        self._conn.send("stats")
        return self._conn.recv()


def _serve_hosts(conn) -> None:
    requests: Counter[str] = Counter()
    methods: Counter[str] = Counter()
    in_flight: Counter[str] = Counter()
    max_in_flight: Counter[str] = Counter()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        try:
            while True:
                request = await reader.readline()
                if not request:
                    break
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                method, path, _ = request.decode().split(" ", 2)
                requests[host] += 1
                methods[method] += 1
                in_flight[host] += 1
                max_in_flight[host] = max(max_in_flight[host], in_flight[host])
                await asyncio.sleep(LATENCY)
                in_flight[host] -= 1
                status, body = (404, b"gone") if path.startswith("/gone") else (200, PAGE)
                head = (f"HTTP/1.1 {status} X\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
                        "Connection: keep-alive\r\n\r\n").encode()
                writer.write(head + (b"" if method == "HEAD" else body))
                await writer.drain()
        except (ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        ports = {}
        for host in HOSTS:
            server = await asyncio.start_server(serve, host, 0)
            ports[host] = server.sockets[0].getsockname()[1]
        conn.send(ports)
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, conn.recv)
            if command == "reset":
                for counter in (requests, methods, max_in_flight):
                    counter.clear()
                conn.send("ok")
            elif command == "stats":
                conn.send((sum(requests.values()), max(max_in_flight.values(), default=0), dict(methods)))

    asyncio.run(main())


def generate_site(root: Path, hosts: Hosts) -> Path:
    """50 pages x 40 links: 1,000 unique URLs, each linked twice; 100 with #present or #missing."""
    urls = []
    for n in range(1000):
        host = HOSTS[n % len(HOSTS)]
        base = f"http://{host}:{hosts.ports[host]}"
        if n < 20:
            urls.append(f"{base}/gone-{n}")
        elif n < 30:
            urls.append(f"{base}/page-{n}#missing")
        elif n < 120:
            urls.append(f"{base}/page-{n}#present")
        else:
            urls.append(f"{base}/page-{n}")
    docs = root / "docs"
    docs.mkdir(parents=True)
    links = urls + urls  # every URL appears on two pages
    for page in range(50):
        chunk = links[page * 40:(page + 1) * 40]
        body = "\n".join(f"- [source {i}]({url})" for i, url in enumerate(chunk))
        (docs / f"page-{page:02d}.md").write_text(f"# Page {page}\n\n{body}\n")
    (docs / "index.md").write_text("# Home\n")
    config = root / "mkdocs.yml"
    config.write_text("site_name: Link benchmark\ntheme:\n  name: material\n  font: false\n"
                      "extra:\n  generator: false\nplugins: []\n")
    return config


def timed(command: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start, completed


def main() -> None:
    hosts = Hosts()
    env = {"NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = generate_site(root, hosts)
        build_time, _ = timed([str(BIN / "mkdocs"), "build", "-q", "-f", str(config)], env)
        site = root / "site"
        rows = []

        # This checker, cold, as `make check-links` runs it (same code as the hook).
        settings = load_settings({}, "Link benchmark")
        cache_path = root / ".cache" / "cache.json"
        hosts.reset()
        start = time.perf_counter()
        report = check_external(collect_external(scan_site(site)), settings, LinkCache(cache_path, settings))
        ours = time.perf_counter() - start
        counts = report.counts()
        rows.append(("this checker (cold)", ours, *hosts.stats(), f"{counts['broken']} broken"))

        hosts.reset()
        start = time.perf_counter()
        cached = check_external(collect_external(scan_site(site)), settings, LinkCache(cache_path, settings))
        rows.append(("this checker (cached)", time.perf_counter() - start, *hosts.stats(),
                     f"{cached.counts()['broken']} broken"))

        # lychee, with fragments on (as ours checks them), JSON output.
        hosts.reset()
        lychee_out = root / "lychee.json"
        seconds, completed = timed([str(BIN / "lychee"), "--no-progress", "--include-fragments", "--format", "json",
                                    "--output", str(lychee_out), "--root-dir", str(site),
                                    "--index-files", "index.html", "--exclude-path", str(site / "assets"),
                                    str(site)])
        found = "?"
        if lychee_out.exists():
            data = json.loads(lychee_out.read_text())
            found = f"{data.get('errors', '?')} errors"
        rows.append(("lychee 0.24.2", seconds, *hosts.stats(), found))

        # mkdocs-htmlproofer-plugin inside a build, minus the plain build.
        hp_config = root / "mkdocs-htmlproofer.yml"
        hp_config.write_text(config.read_text().replace(
            "plugins: []", "plugins:\n  - htmlproofer:\n      raise_error_after_finish: true\n"))
        hosts.reset()
        seconds, completed = timed([str(BIN / "mkdocs"), "build", "-f", str(hp_config), "-d", str(root / "hp")], env)
        errors = sum(1 for line in completed.stderr.splitlines() if "invalid url" in line.lower())
        rows.append(("mkdocs-htmlproofer-plugin 1.6.0", seconds - build_time, *hosts.stats(), f"{errors} errors"))

    print(f"1,000 unique URLs (2,000 links) on 100 loopback hosts, {LATENCY * 1000:.0f} ms each; "
          f"plain build {build_time:.2f} s\n")
    print(f"{'tool':<34} {'seconds':>8} {'requests':>9} {'max/host':>9}  methods            found")
    for name, seconds, requests, per_host, methods, found in rows:
        shown = ", ".join(f"{k} {v}" for k, v in sorted(methods.items())) or "-"
        print(f"{name:<34} {seconds:>8.2f} {requests:>9} {per_host:>9}  {shown:<18} {found}")
    cold = rows[0][1]
    for name, seconds, *_ in rows[2:]:
        print(f"{name}: {seconds / cold:.1f}x the time of this checker (cold)")


if __name__ == "__main__":
    main()
