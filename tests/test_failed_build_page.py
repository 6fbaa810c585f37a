"""The page `mkdocs serve` shows while a build fails (hooks/contributor_checks/failed_build_page.py),
against a stand-in server: what it shows, what it passes through, and when it goes away."""

from __future__ import annotations

import logging

import pytest

from contributor_checks.failed_build_page import STATUS_PATH, FailedBuildPage, failure_page
from mkdocs.exceptions import Abort, PluginError

LOGGER = logging.getLogger("mkdocs.test_failed_build_page")


def site_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"the site: " + environ["PATH_INFO"].encode()]


def request(app, path: str) -> tuple[str, str]:
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path}, start_response)).decode()
    return answer["status"], body


def failing_build(*messages: str, error: BaseException | None = None):
    def run():
        for message in messages:
            LOGGER.error(message)
        raise error or Abort("Aborted with a BuildError!")
    return run


def test_a_failed_build_is_shown_on_every_page_with_its_located_messages():
    pages = FailedBuildPage(site_app, LOGGER, "Racial equity")
    error = pages.build(failing_build("docs/index.md:10: raw <script> is not allowed — remove it"))
    assert isinstance(error, Abort)  # returned, not raised: the server goes on serving
    for path in ("/", "/framework/", "/framework/index.html", "/about"):
        status, body = request(pages, path)
        assert status.startswith("503"), path
        assert "<code>docs/index.md:10</code>: raw &lt;script&gt; is not allowed — remove it" in body
        assert "<li>Aborted with a BuildError!</li>" in body
        assert "<script>" not in body.split("<main>")[1].split("</main>")[0]  # the message stays text


def test_assets_and_live_reload_pass_through_while_the_build_fails():
    pages = FailedBuildPage(site_app, LOGGER)
    pages.build(failing_build("docs/a.md:1: problem — fix"))
    for path in ("/assets/stylesheets/site.css", "/livereload/1/2", "/images/x.svg"):
        assert request(pages, path) == ("200 OK", f"the site: {path}")


def test_a_passing_build_brings_the_site_back_and_tells_the_waiting_page():
    pages = FailedBuildPage(site_app, LOGGER)
    pages.build(failing_build("docs/a.md:1: problem — fix"))
    assert request(pages, STATUS_PATH) == ("200 OK", "0")
    assert pages.build(lambda: None) is None
    assert not pages.failing
    assert request(pages, STATUS_PATH) == ("200 OK", "1")  # the failure page reloads when this grows
    assert request(pages, "/") == ("200 OK", "the site: /")


def test_a_fault_in_the_code_is_shown_by_its_type_and_the_handler_is_removed(capsys):
    pages = FailedBuildPage(site_app, LOGGER)
    pages.build(failing_build(error=KeyError("citations")))
    assert "Traceback" in capsys.readouterr().err  # the terminal keeps the trace for a maintainer
    assert "<li>KeyError: &#x27;citations&#x27;</li>" in request(pages, "/")[1]
    assert LOGGER.handlers == []


def test_a_keyboard_interrupt_is_not_taken_for_a_failed_build():
    pages = FailedBuildPage(site_app, LOGGER)
    with pytest.raises(KeyboardInterrupt):
        pages.build(failing_build(error=KeyboardInterrupt()))
    assert not pages.failing


def test_a_message_repeated_by_mkdocs_is_listed_once():
    # MkDocs logs a PluginError's text, then aborts; a multi-line error gives one item per line.
    body = request(_failed_with(PluginError("mkdocs.yml: one\nmkdocs.yml: two")), "/")[1]
    assert body.count("mkdocs.yml: one") == 1 and "<li>mkdocs.yml: two</li>" in body


def _failed_with(error: PluginError) -> FailedBuildPage:
    pages = FailedBuildPage(site_app, LOGGER)

    def run():
        LOGGER.error(str(error))
        raise Abort("Aborted with a BuildError!")
    pages.build(run)
    return pages


def test_the_page_escapes_the_site_name_and_polls_the_status():
    body = failure_page(["x"], 3, "<b>name</b>")
    assert "&lt;b&gt;name&lt;/b&gt;" in body and "<b>" not in body
    assert f'fetch("{STATUS_PATH}"' in body and 'var passed = "3"' in body
