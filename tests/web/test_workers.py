"""``tilannekuva serve --workers 2``: forked workers on one socket, replaced when they die.

An operator relies on three things: the server answers as soon as it has started, a worker
that crashes is replaced while the others go on answering, and a stop (SIGTERM, as systemd
sends it) ends every worker and then the server itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.cli.test_serve_cmd import free_port

WORKERS = 2
DEADLINE = 60.0


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(found) for found in path.read_text().split()} if path.exists() else set()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {DEADLINE:.0f} s: {what}")


def answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/?lang=en", timeout=10).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture
def server(county_warehouse: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILANNEKUVA_")}
    env["TILANNEKUVA_DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "tilannekuva.cli.main", "serve"]
    options = ["--warehouse", str(county_warehouse), "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(
        [*command, *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
        cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers(url), "the server answers")
        yield process, url
    finally:
        if process.poll() is None:
            for pid in children(process.pid):
                os.kill(pid, signal.SIGKILL)
            process.kill()
        process.wait(timeout=10)


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_the_server_keeps_answering(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = server
    wait_for(lambda: len(children(process.pid)) == WORKERS, "two workers run")
    first = children(process.pid)
    victim = min(first)

    os.kill(victim, signal.SIGKILL)

    assert answers(url), "the other worker answers at once"
    wait_for(
        lambda: len(children(process.pid)) == WORKERS and victim not in children(process.pid),
        "a new worker replaces the killed one",
    )
    assert first - {victim} <= children(process.pid)
    assert answers(url)


@pytest.mark.slow
def test_sigterm_stops_every_worker_then_the_server(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    process, _ = server
    wait_for(lambda: len(children(process.pid)) == WORKERS, "two workers run")
    workers = children(process.pid)

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=DEADLINE) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
