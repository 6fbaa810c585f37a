"""Under `mkdocs serve`, a failed rebuild shows its messages in the browser.

MkDocs' live-reload server holds every page request until a build passes, so after a
mistake the browser waits with nothing shown (issue 23). ``FailedBuildPage`` wraps the
server's builder and its WSGI application:

- ``build(run)`` runs one build, collecting the WARNING and ERROR lines it logs. If the
  build fails, those lines become the page every browser is shown instead of the site.
- As a WSGI application it answers page requests with that page while the last build
  failed, and passes everything else (assets, MkDocs' live-reload polling) through.
- The page asks ``STATUS_PATH`` every second for the number of builds that passed, and
  reloads when it grows: the contributor saves a fix and sees the page again.

Plain Python: no MkDocs import, so it can be tested with a stand-in server.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import traceback
from typing import Callable, Iterable

STATUS_PATH = "/.build-status"
LOCATED = re.compile(r"^(?P<place>[^\s:][^:\n]*:\d+): (?P<message>.+)$")
# Requests for a page (a folder, an .html file or a name with no extension) get the
# failure page; other files (stylesheets, images) are served as the last build left them.
# MkDocs' own live-reload polling (/livereload/EPOCH/ID) always passes through.
PAGE_PATH = re.compile(r"(?:^|/)(?:[^/.]*|[^/]*\.html?)$")
LIVE_RELOAD = "/livereload/"


class _Collect(logging.Handler):
    """Keeps the text of every WARNING and ERROR logged during one build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.extend(line for line in record.getMessage().splitlines() if line.strip())


class FailedBuildPage:
    """The builder wrapper and WSGI middleware described in the module docstring."""

    def __init__(self, app: Callable, logger: logging.Logger, site_name: str = "") -> None:
        self._app = app
        self._logger = logger
        self._site_name = site_name
        self._lock = threading.Lock()
        self._messages: list[str] | None = None  # None while the last build passed
        self._passed_builds = 0

    @property
    def failing(self) -> bool:
        return self._messages is not None

    def build(self, run: Callable[[], None]) -> BaseException | None:
        """Run one build. A failure is kept for the browser and returned, not raised, so
        the server goes on and reloads the open pages, which then show the messages."""
        collect = _Collect()
        self._logger.addHandler(collect)
        try:
            run()
        except (Exception, SystemExit) as error:  # MkDocs' Abort is a SystemExit
            if not isinstance(error, SystemExit):
                traceback.print_exc()  # a fault in the site's code, not in a page: keep the trace
            with self._lock:
                self._messages = _failure_lines(collect.lines, error)
            return error
        finally:
            self._logger.removeHandler(collect)
        with self._lock:
            self._messages = None
            self._passed_builds += 1
        return None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        with self._lock:
            messages, passed = self._messages, self._passed_builds
        if path == STATUS_PATH:
            return _respond(start_response, "200 OK", "text/plain", str(passed))
        if messages is not None and PAGE_PATH.search(path) and not path.startswith(LIVE_RELOAD):
            return _respond(start_response, "503 Service Unavailable", "text/html",
                            failure_page(messages, passed, self._site_name))
        return self._app(environ, start_response)


def _failure_lines(logged: list[str], error: BaseException) -> list[str]:
    """What the contributor reads: every line the build logged, then how it ended."""
    ending = str(error) if isinstance(error, SystemExit) else f"{type(error).__name__}: {error}"
    lines = list(dict.fromkeys(logged))  # MkDocs logs a BuildError's text once more on abort
    if ending and ending not in lines:
        lines.append(ending)
    return lines


def _respond(start_response: Callable, status: str, content_type: str, body: str) -> list[bytes]:
    data = body.encode("utf-8")
    start_response(status, [("Content-Type", f"{content_type}; charset=utf-8"),
                            ("Content-Length", str(len(data))), ("Cache-Control", "no-store")])
    return [data]


def failure_page(messages: list[str], passed_builds: int, site_name: str = "") -> str:
    """The page shown while the build fails: each message, located ones with their
    FILE:LINE first, every value escaped (the messages quote contributors' text)."""
    items = []
    for message in messages:
        located = LOCATED.match(message)
        if located:
            items.append(f"<li><code>{html.escape(located['place'])}</code>: "
                         f"{html.escape(located['message'])}</li>")
        else:
            items.append(f"<li>{html.escape(message)}</li>")
    title = "The site did not build" + (f" — {html.escape(site_name)}" if site_name else "")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 48rem; padding: 1rem; color: #1a1a1a; }}
code {{ font-weight: 700; }}
li {{ margin-bottom: .5rem; overflow-wrap: anywhere; }}
</style>
</head>
<body>
<main>
<h1>The site did not build</h1>
<p>Fix what each line says and save the file. This page reloads by itself once the site builds again.</p>
<ul id="build-messages">
{chr(10).join(items)}
</ul>
</main>
<script>
(function () {{
  var passed = "{passed_builds}";
  function ask() {{
    fetch("{STATUS_PATH}", {{ cache: "no-store" }})
      .then(function (response) {{ return response.text(); }})
      .then(function (now) {{ if (now.trim() !== passed) {{ location.reload(); }} else {{ setTimeout(ask, 1000); }} }})
      .catch(function () {{ setTimeout(ask, 3000); }});
  }}
  setTimeout(ask, 1000);
}})();
</script>
</body>
</html>
"""
