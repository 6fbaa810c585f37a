"""Checks that run on a second core while MkDocs renders the next page.

MkDocs builds pages one after another on one core. The checks of a finished page
(``survivor_safety.page_checks``) need nothing from MkDocs but strings, so a worker
process can run them meanwhile; their results come back in the order the pages were
given. The worker is forked, on Linux, before the build starts any thread of its own:
it starts in milliseconds with every module already imported. Elsewhere (no ``fork``,
or macOS, where forking is unsafe), or when another thread is already running, each
check runs at once in this process instead; the results are the same. Plain Python, no
MkDocs import.

The build's side has no helper thread: a thread in this process (as
``concurrent.futures`` starts two) takes the GIL from MkDocs at every message, which
cost more than the checks saved. Instead the build writes each request to a pipe
without blocking and reads whatever results have arrived whenever it submits the
next; only ``finish`` waits.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import select
import struct
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

HEADER = struct.Struct("!Q")  # each message: its length, then the pickle
PIPE_SIZE = 1 << 20  # Linux allows an unprivileged pipe this large: a page never waits for room
STOP = b""  # an empty message: no more checks


class WorkerStopped(RuntimeError):
    """The worker process ended before it answered every check."""


class RemoteTraceback(Exception):
    """The traceback of a check that raised in the worker, kept as the cause of what is
    raised here."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


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
        self._process: multiprocessing.process.BaseProcess | None = None
        self._waiting: deque[Callable[[Any], None]] = deque()  # the callback of each check sent
        self._unsent = bytearray()    # messages the pipe has not taken yet
        self._received = bytearray()  # result bytes not yet delivered
        if in_worker:
            self._start()

    @property
    def in_worker(self) -> bool:
        return self._process is not None

    def submit(self, then: Callable[[Any], None], check: Callable[..., Any], *arguments: Any) -> None:
        """Run ``check(*arguments)`` and give its result to ``then``, in order. Results that
        have arrived are delivered here too, so a failed check is raised by this call or by
        ``finish``, whichever delivers it; ``close`` stops the worker either way."""
        if self._process is None:
            then(check(*arguments))
            return
        message = pickle.dumps((check, arguments), protocol=pickle.HIGHEST_PROTOCOL)
        self._unsent += HEADER.pack(len(message)) + message
        self._waiting.append(then)
        self._exchange(wait=False)

    def finish(self) -> None:
        """Wait for every check and deliver its result; then stop the worker."""
        try:
            if self._process is not None:
                self._exchange(wait=True)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker (at once, without delivering, when checks are still waiting:
        a build that failed elsewhere)."""
        process, self._process = self._process, None
        if process is None:
            return
        if self._waiting:
            process.kill()
        else:
            _write_ignoring_errors(self._requests, HEADER.pack(len(STOP)))
        for descriptor in (self._requests, self._results):
            os.close(descriptor)
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()
        self._waiting.clear()
        self._unsent.clear()
        self._received.clear()

    def _start(self) -> None:
        requests_read, self._requests = os.pipe()
        self._results, results_write = os.pipe()
        _widen(self._requests)
        _widen(results_write)
        context = multiprocessing.get_context("fork")
        self._process = context.Process(target=_serve, name="page-checks", daemon=True,
                                        args=(requests_read, results_write, (self._requests, self._results)))
        self._process.start()
        os.close(requests_read)
        os.close(results_write)
        os.set_blocking(self._requests, False)
        os.set_blocking(self._results, False)

    def _exchange(self, wait: bool) -> None:
        """Write what the pipe takes, read what has arrived and deliver each complete
        result; with ``wait``, until every check has answered."""
        while True:
            self._send_some()
            self._receive_some()
            self._deliver()
            if not wait or not self._waiting:
                return
            poller = select.poll()  # (not select(): it fails on descriptors above 1023)
            poller.register(self._results, select.POLLIN)
            if self._unsent:
                poller.register(self._requests, select.POLLOUT)
            poller.poll(1000)
            if self._process is not None and not self._process.is_alive():
                self._receive_some()
                self._deliver()
                if self._waiting:
                    raise WorkerStopped(f"the worker ended with exit code {self._process.exitcode}")

    def _send_some(self) -> None:
        if not self._unsent:
            return
        try:
            written = os.write(self._requests, self._unsent)
        except BlockingIOError:
            return
        except BrokenPipeError:
            raise WorkerStopped(f"the worker ended with exit code {self._exit_code()}") from None
        del self._unsent[:written]

    def _receive_some(self) -> None:
        while True:
            try:
                chunk = os.read(self._results, PIPE_SIZE)
            except BlockingIOError:
                return
            if not chunk:
                if self._waiting:
                    raise WorkerStopped(f"the worker ended with exit code {self._exit_code()}")
                return
            self._received += chunk

    def _deliver(self) -> None:
        # A check's exception is raised here, in this process, with its traceback as cause.
        while self._waiting and len(self._received) >= HEADER.size:
            (length,) = HEADER.unpack_from(self._received)
            end = HEADER.size + length
            if len(self._received) < end:
                return
            succeeded, value, remote_traceback = pickle.loads(memoryview(self._received)[HEADER.size:end])
            del self._received[:end]
            then = self._waiting.popleft()
            if not succeeded:
                raise value from RemoteTraceback(remote_traceback)
            then(value)

    def _exit_code(self) -> int | None:
        if self._process is None:
            return None
        self._process.join(timeout=1)
        return self._process.exitcode


def _serve(requests: int, results: int, parent_ends: tuple[int, ...]) -> None:
    """The worker: read each check, run it, write back (succeeded, value, traceback)."""
    for descriptor in parent_ends:
        os.close(descriptor)
    # Everything inherited from the build stays alive here: the collector need not walk
    # it (a walk would also copy every page of memory the fork shares with the build).
    gc.freeze()
    while True:
        header = _read_exactly(requests, HEADER.size)
        if header is None:
            return
        (length,) = HEADER.unpack(header)
        if length == 0:
            return
        check, arguments = pickle.loads(_read_exactly(requests, length) or b"")
        try:
            outcome = (True, check(*arguments), "")
        except Exception as error:  # handed back whole, raised in the build's process
            outcome = (False, error, traceback.format_exc())
        try:
            message = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # a result or an exception that cannot be pickled
            message = pickle.dumps((False, RuntimeError(f"a check's outcome could not be sent back: {error!r}"),
                                    traceback.format_exc()), protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(results, HEADER.pack(len(message)) + message)


def _read_exactly(descriptor: int, size: int) -> bytes | None:
    """``size`` bytes, or None at end of file (the build has gone)."""
    pieces, remaining = [], size
    while remaining:
        chunk = os.read(descriptor, remaining)
        if not chunk:
            return None
        pieces.append(chunk)
        remaining -= len(chunk)
    return b"".join(pieces)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def _write_ignoring_errors(descriptor: int, data: bytes) -> None:
    try:
        os.write(descriptor, data)
    except OSError:
        pass  # the worker has gone already; closing the pipe ends it otherwise


def _widen(descriptor: int) -> None:
    """A large pipe, so that neither side waits for room while the other works."""
    try:
        import fcntl

        fcntl.fcntl(descriptor, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (ImportError, AttributeError, OSError):
        pass  # a smaller pipe only means more, smaller writes
