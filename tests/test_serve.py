"""`mkdocs serve` (what `make serve` runs) keeps telling a contributor what is wrong: the
same mistake, saved again, prints its full FILE:LINE message again (issue 23). MkDocs'
own duplicate filter used to leave only "Aborted with a BuildError!" from the second time."""

from __future__ import annotations

import socket
import subprocess
import time

from conftest import MKDOCS
from test_hostile_input import hostile_site, page_with

MESSAGE = "docs/index.md:10: raw <script> is not allowed"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(path, text: str, count: int, seconds: float = 60) -> int:
    """How many times ``text`` is in the log, once it is ``count`` or the time is up."""
    deadline = time.monotonic() + seconds
    found = 0
    while time.monotonic() < deadline:
        found = path.read_text(encoding="utf-8", errors="replace").count(text)
        if found >= count:
            break
        time.sleep(0.2)
    return found


def test_the_same_mistake_saved_twice_is_reported_twice_under_serve(tmp_path):
    site = hostile_site(tmp_path / "project")
    config = site.config_file()
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen([str(MKDOCS), "serve", "--strict", "-f", str(config), "--dev-addr",
                                   f"127.0.0.1:{free_port()}"], stdout=output, stderr=subprocess.STDOUT,
                                  env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
        try:
            assert wait_for(log, "Serving on", 1) == 1, log.read_text()
            site.page("index.md", page_with("<script>alert(1)</script>"))
            assert wait_for(log, MESSAGE, 1) == 1, log.read_text()
            site.page("index.md", page_with("<script>alert(1)</script>") + "\n")  # saved again, same mistake
            assert wait_for(log, "Aborted with a BuildError!", 2) == 2, log.read_text()
            assert wait_for(log, MESSAGE, 2, seconds=5) == 2, log.read_text()
        finally:
            server.terminate()
            server.wait(timeout=30)
