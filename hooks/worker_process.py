"""Checks that run on a second core while MkDocs renders the next page.

MkDocs builds pages one after another on one core. The checks of a finished page
(``survivor_safety.page_checks``) need nothing from MkDocs but strings, so a worker
process can run them meanwhile; their results come back in the order the pages were
given. The worker is forked, on Linux, before the build starts any thread of its own:
it starts in milliseconds with every module already imported. Elsewhere (no ``fork``,
or macOS, where forking is unsafe), or when another thread is already running, each
check runs at once in this process instead; the results are the same. Plain Python, no
MkDocs import.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any


def can_fork() -> bool:
    """Whether a worker can be forked safely now: on Linux, and while this process runs
    no other thread (a fork copies only the calling thread; a lock another thread held
    would stay locked in the worker)."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class OrderedChecks:
    """Run ``check(*arguments)`` in the worker (or inline), and hand each result to its
    ``then`` callback in submission order, in this process."""

    def __init__(self, in_worker: bool) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[tuple[Future, Callable[[Any], None]]] = deque()
        if in_worker:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._pool.submit(int)  # forks now, before any thread of the build starts

    @property
    def in_worker(self) -> bool:
        return self._pool is not None

    def submit(self, then: Callable[[Any], None], check: Callable[..., Any], *arguments: Any) -> None:
        if self._pool is None:
            then(check(*arguments))
            return
        self._pending.append((self._pool.submit(check, *arguments), then))
        self._deliver(wait=False)

    def finish(self) -> None:
        """Wait for every check and deliver its result; then stop the worker."""
        try:
            self._deliver(wait=True)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker without delivering (a build that failed elsewhere)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending.clear()

    def _deliver(self, wait: bool) -> None:
        # A check's exception is re-raised here, in this process, with its traceback.
        while self._pending and (wait or self._pending[0][0].done()):
            future, then = self._pending.popleft()
            then(future.result())
