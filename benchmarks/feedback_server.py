"""The server under test: ``tilannekuva serve`` in its own process group, killed on purpose.

The feedback benchmark must show that killing the server loses no acknowledged answer, so
the kill is the hard one (SIGKILL: no shutdown hooks, no flushing) and it reaches every
process of the server: with several workers uvicorn runs a supervisor and one child per
worker, all sharing the listening socket, and killing only the supervisor would leave the
workers serving. The server therefore starts in a new session (its own process group), and
the group is what gets the signal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

READY_SECONDS = 120.0
LISTENING = "/static/favicon.svg"  # a packaged file: served without waiting for the numbers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerProcess:
    """``python -m tilannekuva serve`` on 127.0.0.1:``port`` with ``workers`` workers, run in
    ``folder`` with the settings in ``env``; its output goes to ``log``."""

    def __init__(
        self, port: int, workers: int, env: dict[str, str], folder: Path, log: Path
    ) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self._command = [
            sys.executable, "-m", "tilannekuva", "serve",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        ]  # fmt: skip
        # only the given settings: none from the shell, and none from a .env or
        # tilannekuva.toml (the server runs in ``folder``)
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_")}
        self._env = {**inherited, **env}
        self._folder = folder
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def start(self) -> None:
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                self._command,
                env=self._env,
                cwd=self._folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_ready(self, path: str = "/signin") -> float:
        """Seconds until ``path`` answers with any HTTP status (a worker is serving).

        ``/signin`` waits for the county's numbers (``web/first_snapshot.py``);
        :data:`LISTENING` answers as soon as a worker takes requests, as answers are."""
        started = time.perf_counter()
        while time.perf_counter() - started < READY_SECONDS:
            if self._process is None or self._process.poll() is not None:
                raise SystemExit(f"the server stopped; its log is {self._log}")
            if _answers(self.port, path):
                return time.perf_counter() - started
            time.sleep(0.05)
        raise SystemExit(f"the server did not answer within {READY_SECONDS:.0f} s; see {self._log}")

    def kill(self) -> None:
        """SIGKILL to the server's whole process group, and wait for its leader."""
        if self._process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait()
        self._process = None

    @property
    def group(self) -> int:
        """The process group of the running server (0 when none runs)."""
        return self._process.pid if self._process is not None else 0

    def restart(self) -> None:
        """Kill hard and start again at once (clients keep retrying meanwhile)."""
        self.kill()
        self.start()
        self.restarts += 1

    def stop(self) -> None:
        """A graceful stop (SIGTERM to the group); SIGKILL for whatever is left after 20 s."""
        if self._process is None:
            return
        group = self._process.pid
        try:
            os.killpg(group, signal.SIGTERM)
            self._process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _answers(port: int, path: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
            connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            return connection.recv(12).startswith(b"HTTP/1.1 ")
    except OSError:
        return False


TICKS = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: str) -> tuple[int, float] | None:
    """(process group, CPU seconds) of one process from ``/proc``, None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / TICKS


def group_cpu_seconds(group: int) -> float:
    """CPU seconds used so far by the live processes of a process group (the server)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _proc_cpu(entry.name)) and found[0] == group:
            total += found[1]
    return total


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since boot, summed over its cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / TICKS, sum(values) / TICKS
