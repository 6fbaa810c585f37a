"""`mkdocs serve` (what `make serve` runs) keeps telling a contributor what is wrong
(issue 23): the same mistake, saved again, prints its full FILE:LINE message again (MkDocs'
own duplicate filter used to leave only "Aborted with a BuildError!" from the second
time), and the browser is shown the messages instead of waiting on a build that failed."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import MKDOCS, FixtureSite
from test_hostile_input import hostile_site, page_with

MESSAGE = "docs/index.md:10: raw <script> is not allowed"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(path: Path, text: str, count: int, seconds: float = 60) -> int:
    """How many times ``text`` is in the log, once it is ``count`` or the time is up."""
    deadline = time.monotonic() + seconds
    found = 0
    while time.monotonic() < deadline:
        found = path.read_text(encoding="utf-8", errors="replace").count(text)
        if found >= count:
            break
        time.sleep(0.2)
    return found


@contextlib.contextmanager
def serving(site: FixtureSite, log: Path):
    """A real `mkdocs serve --strict` of ``site``; yields its address once it serves."""
    port = free_port()
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen([str(MKDOCS), "serve", "--strict", "-f", str(site.config_file()),
                                   "--dev-addr", f"127.0.0.1:{port}"], stdout=output, stderr=subprocess.STDOUT,
                                  env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
        try:
            assert wait_for(log, "Serving on", 1) == 1, log.read_text()
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=30)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_same_mistake_saved_twice_is_reported_twice_under_serve(tmp_path):
    site = hostile_site(tmp_path / "project")
    log = tmp_path / "serve.log"
    with serving(site, log):
        site.page("index.md", page_with("<script>alert(1)</script>"))
        assert wait_for(log, MESSAGE, 1) == 1, log.read_text()
        site.page("index.md", page_with("<script>alert(1)</script>") + "\n")  # saved again, same mistake
        assert wait_for(log, "Aborted with a BuildError!", 2) == 2, log.read_text()
        assert wait_for(log, MESSAGE, 2, seconds=5) == 2, log.read_text()


def test_a_failed_rebuild_answers_the_browser_with_its_messages_at_once(tmp_path):
    site = hostile_site(tmp_path / "project")
    log = tmp_path / "serve.log"
    with serving(site, log) as address:
        assert fetch(address + "/")[0] == 200
        site.page("index.md", page_with("<script>alert(1)</script>"))
        assert wait_for(log, "Reloading browsers", 1) == 1, log.read_text()
        status, body = fetch(address + "/")  # before the change, this request waited for a good build
        assert status == 503
        assert "<code>docs/index.md:10</code>: raw &lt;script&gt; is not allowed" in body
        assert fetch(address + "/.build-status") == (200, "0")
        site.page("index.md", page_with("Fixed."))
        assert wait_for(log, "Reloading browsers", 2) == 2, log.read_text()
        assert fetch(address + "/.build-status") == (200, "1")
        status, body = fetch(address + "/")
        assert status == 200 and "Fixed." in body
