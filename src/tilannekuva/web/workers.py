"""Several worker processes, forked from one that has already imported the app.

Why not uvicorn's own ``--workers``: it starts every worker as a fresh interpreter, which
imports the whole app again after the supervising process has imported it for the command
line — seconds each time. A server restarted after a crash or an upgrade then refuses
connections for both imports, and a worker that dies is replaced only after another one.
Forking after the imports, before any thread, database connection or event loop exists,
starts a worker in a fraction of a second; each worker then builds its own app
(``create_app``: its own database pools and threads) and serves the shared socket.

Decisions:

- The supervisor binds the listening socket once; the workers accept from it and the kernel
  spreads the connections. Nothing but the supervisor listens, so a worker's restart never
  refuses a connection the others can take.
- A worker that exits while the server is not stopping is replaced at once; one that dies
  within ``CRASH_SECONDS`` of its start (a broken configuration, a database that refuses it)
  is replaced after a back-off that doubles up to ``MAX_BACKOFF_SECONDS``, so a crash loop
  does not spin.
- SIGTERM or SIGINT to the supervisor: it sends SIGTERM to every worker (uvicorn's graceful
  stop: requests in flight finish, the app's shutdown runs) and exits when they all have.
- Only where ``os.fork`` exists (Linux, macOS); ``web.server`` uses uvicorn's workers
  elsewhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

CRASH_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 10.0
WORKER_FAILED_EXIT = 3

log = logging.getLogger(__name__)


def can_fork() -> bool:
    return hasattr(os, "fork")


class Supervisor:
    """Keeps ``workers`` forked processes serving ``make_app()`` on one socket."""

    def __init__(
        self,
        make_app: Callable[[], ASGIApp],
        *,
        host: str,
        port: int,
        workers: int,
        log_level: str,
        graceful_seconds: int | None = None,
    ) -> None:
        self.make_app = make_app
        self.graceful_seconds = graceful_seconds
        self.workers = workers
        self.log_level = log_level
        self.config = uvicorn.Config(make_app, host=host, port=port, log_level=log_level)
        self.children: dict[int, float] = {}  # pid → when it was started (monotonic)
        self.stopping = False
        self.backoff = 0.0

    def bind(self) -> socket.socket:
        """The listening socket (before forking, so every worker shares it)."""
        self.socket = self.config.bind_socket()
        return self.socket

    def run(self) -> None:
        """Fork the workers and keep them running until SIGTERM or SIGINT."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        try:
            for _ in range(self.workers):
                self._fork()
            self._watch()
        finally:
            self.socket.close()

    def _watch(self) -> None:
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                return
            started = self.children.pop(pid, None)
            if started is None or self.stopping:
                continue
            lived = time.monotonic() - started
            log.warning(
                "worker %d ended (%s) after %.1f s; starting another", pid, _why(status), lived
            )
            self._wait_before_restart(lived)
            if not self.stopping:
                self._fork()

    def _wait_before_restart(self, lived: float) -> None:
        if lived >= CRASH_SECONDS:
            self.backoff = 0.0
            return
        self.backoff = min(MAX_BACKOFF_SECONDS, max(0.25, self.backoff * 2))
        time.sleep(self.backoff)

    def _fork(self) -> None:
        pid = os.fork()
        if pid == 0:  # the worker: serve until told to stop, then leave without cleanup
            code = WORKER_FAILED_EXIT
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                self._serve()
                code = 0
            except BaseException:  # anything, even SystemExit: this process must end here
                log.exception("worker %d failed", os.getpid())
            finally:
                os._exit(code)
        self.children[pid] = time.monotonic()

    def _serve(self) -> None:
        config = uvicorn.Config(
            self.make_app(),
            log_level=self.log_level,
            timeout_graceful_shutdown=self.graceful_seconds,
        )
        uvicorn.Server(config).run(sockets=[self.socket])

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):  # already gone: os.wait() has it
                os.kill(pid, signal.SIGTERM)


def _why(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
