"""The page checks' worker process: results in order, failures re-raised, the same site
whether the checks run in the worker or inline, and no worker left behind."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from conftest import assert_one_line_error
from worker_process import OrderedChecks, RemoteTraceback, WorkerStopped, can_fork


def _fails(value: int) -> int:
    raise ValueError(f"check failed on {value}")


@pytest.mark.parametrize("in_worker", [True, False])
def test_results_come_back_in_order(in_worker):
    checks, delivered = OrderedChecks(in_worker), []
    assert checks.in_worker is in_worker
    for number in range(50):
        checks.submit(delivered.append, pow, number, 2)
    checks.finish()
    assert delivered == [number ** 2 for number in range(50)]
    assert not checks.in_worker  # finished: the worker has stopped


# A check's failure is raised by whichever call delivers it: submit() when the worker
# answered at once, else finish(). Either way close() stops the worker.


def test_a_check_that_raises_is_raised_here():
    checks = OrderedChecks(in_worker=True)
    with pytest.raises(ValueError, match="check failed on 7"):
        checks.submit(lambda _: None, _fails, 7)
        checks.finish()
    checks.close()
    assert multiprocessing.active_children() == []


def test_the_raised_check_carries_the_workers_traceback():
    checks = OrderedChecks(in_worker=True)
    with pytest.raises(ValueError) as raised:
        checks.submit(lambda _: None, _fails, 7)
        checks.finish()
    checks.close()
    assert isinstance(raised.value.__cause__, RemoteTraceback)
    assert "_fails" in str(raised.value.__cause__) and "check failed on 7" in str(raised.value.__cause__)


def _echo(text: str) -> str:
    return text


def test_pages_larger_than_both_pipes_neither_wait_forever_nor_lose_a_byte():
    # Each request and each result is larger than a pipe holds, and the build sends on
    # before it reads: with blocking writes on both sides this would deadlock.
    checks, delivered = OrderedChecks(in_worker=True), []
    pages = [f"<p>{number}</p>" + "x" * (3 << 20) for number in range(6)]
    for page in pages:
        checks.submit(delivered.append, _echo, page)
    checks.finish()
    assert delivered == pages


def _unpicklable(_: int):
    return lambda: None


def test_a_result_that_cannot_be_sent_back_is_an_error_not_a_hang():
    checks = OrderedChecks(in_worker=True)
    with pytest.raises(RuntimeError, match="could not be sent back"):
        checks.submit(lambda _: None, _unpicklable, 1)
        checks.finish()
    checks.close()
    assert multiprocessing.active_children() == []


def test_closing_with_checks_waiting_stops_the_worker_at_once():
    import time

    checks = OrderedChecks(in_worker=True)
    checks.submit(lambda _: None, time.sleep, 30)
    started = time.monotonic()
    checks.close()
    assert time.monotonic() - started < 20  # a bound that holds on a loaded machine: waiting would take 30 s
    assert multiprocessing.active_children() == []


def test_a_worker_that_dies_is_reported_not_waited_for():
    checks = OrderedChecks(in_worker=True)
    checks.submit(lambda _: None, os._exit, 3)
    with pytest.raises(WorkerStopped, match="exit code 3"):
        checks.finish()
    checks.close()  # closing twice is harmless
    assert multiprocessing.active_children() == []


def _build_in_process(fixture_site, site_dir: Path, in_worker: bool) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(fixture_site.config_file()), site_dir=str(site_dir))
    safety = next(plugin for name, plugin in config.plugins.items() if name.endswith("mkdocs_safety.py"))
    safety.can_fork = lambda: in_worker
    try:
        build(config)
    finally:
        safety.can_fork = can_fork


def _files(site_dir: Path) -> dict[str, bytes]:
    return {path.relative_to(site_dir).as_posix(): path.read_bytes() for path in sorted(site_dir.rglob("*"))
            if path.is_file()}


def test_the_worker_and_inline_checks_write_the_same_site(fixture_site, tmp_path):
    fixture_site.page("values.md", "---\ntitle: Values\n---\n\n# Values\n\nSee [a report](https://example.org/r) "
                      "and [the home page](index.md) [@vera-unjust-burden-2018].\n")
    _build_in_process(fixture_site, tmp_path / "worker", in_worker=True)
    _build_in_process(fixture_site, tmp_path / "inline", in_worker=False)
    worker, inline = _files(tmp_path / "worker"), _files(tmp_path / "inline")
    assert worker.keys() == inline.keys() and "values/index.html" in worker
    changed = [name for name in worker if worker[name] != inline[name]]
    assert changed == [], changed
    values = worker["values/index.html"].decode()
    assert 'rel="noreferrer"' in values and "Content-Security-Policy" in values  # checked, not the stand-in
    assert b"safety check has passed" not in b"".join(worker.values())
    assert multiprocessing.active_children() == []


def test_a_page_that_fails_in_the_worker_is_one_line_and_never_written(fixture_site):
    fixture_site.page("values.md", "---\ntitle: Values\n---\n\n# Values\n\nText.\n\n<script>alert(1)</script>\n")
    result = fixture_site.build()
    assert_one_line_error(result, "docs/values.md:9: <script> is not allowed")
    written = result.site_dir / "values" / "index.html"
    assert not written.exists() or "alert(1)" not in written.read_text(encoding="utf-8")


def test_a_build_that_fails_elsewhere_leaves_no_worker(fixture_site, tmp_path):
    # The worker is forked in on_config; an unknown citation key stops the build in
    # on_files, before any page is checked, and on_build_error stops the worker.
    from mkdocs.exceptions import Abort

    fixture_site.page("values.md", "---\ntitle: Values\n---\n\n# Values\n\nText [@no-such-key].\n")
    with pytest.raises(Abort):
        _build_in_process(fixture_site, tmp_path / "site", in_worker=True)
    assert multiprocessing.active_children() == []


def test_no_worker_is_forked_while_another_thread_runs():
    import threading

    before = can_fork()
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not can_fork()
    finally:
        release.set()
        thread.join()
    assert can_fork() == before


def _dies(*arguments) -> None:
    os._exit(3)  # as a crash in the parser would end the worker


def test_a_worker_that_dies_during_a_build_is_one_line(fixture_site, tmp_path, caplog):
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    safety = next(plugin for name, plugin in load_config(str(fixture_site.config_file())).plugins.items()
                  if name.endswith("mkdocs_safety.py"))
    checks, safety.secure_page = safety.secure_page, _dies
    try:
        with pytest.raises(Abort) as stopped:
            _build_in_process(fixture_site, tmp_path / "site", in_worker=True)
    finally:
        safety.secure_page = checks
    assert "BuildError" in str(stopped.value)
    (message,) = [record.getMessage() for record in caplog.records
                  if record.getMessage().startswith("hooks/mkdocs_safety.py: the worker process")]
    assert "\n" not in message and "stopped" in message and "build again" in message
    assert multiprocessing.active_children() == []
