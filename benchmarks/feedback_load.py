"""The load generator of the feedback benchmark: one process, many keep-alive connections.

Why a Python generator and not wrk: every answer must be sent with its own body (its own
one-time token or provider message id), and an answer that was not acknowledged must be sent
again, unchanged, until it is. wrk's Lua hooks cannot tell which request a failed connection
carried, nor hand its results back per key. ``httpx`` or ``http.client`` can, but cost a few
hundred microseconds of CPU per request, which on a 2-core machine is taken from the server
being measured. This module speaks just enough HTTP/1.1 over asyncio streams (uvloop when
installed): each request's bytes are built once before the clock starts, and a response is
read as a status line, headers and a ``Content-Length`` (or chunked) body, so one process
drives a thousand answers per second for a few per cent of one core.

It runs as a child of ``bench_feedback`` (``python -m benchmarks.feedback_load ITEMS RESULT``):
it reads the answers to send from ``ITEMS`` (JSON lines, see :class:`Item`), prints ``ready``,
starts on a ``go`` line on standard input, stops taking new answers on a ``stop`` line, keeps
retrying the answers already taken until each is acknowledged (or a deadline passes), and
writes what happened to ``RESULT`` as JSON (:func:`summary`).

An answer counts as acknowledged when the server answers 2xx or 3xx (the form redirects to a
thank-you page). 5xx answers (503 while the database is away), refused connections, resets
and timeouts mean "not acknowledged": the same bytes are sent again after a short pause. A
4xx answer is a refusal that retrying cannot change: the answer is recorded as rejected.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ATTEMPT_TIMEOUT_S = 15.0  # one request; a restarting server answers well within it
RETRY_PAUSE_S = 0.05  # after a refused connection or a 5xx, before the same answer again
DRAIN_DEADLINE_S = 120.0  # after "stop": give up on answers still unacknowledged


@dataclass(frozen=True)
class Item:
    """One answer to send: ``key`` is the answer key the server should store it under."""

    key: str
    path: str
    content_type: str
    body: str
    authorization: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "key": self.key,
                "path": self.path,
                "content_type": self.content_type,
                "body": self.body,
                "authorization": self.authorization,
            }
        )

    @classmethod
    def from_json(cls, line: str) -> Item:
        data = json.loads(line)
        return cls(
            data["key"], data["path"], data["content_type"], data["body"], data["authorization"]
        )


def request_bytes(item: Item, host: str) -> bytes:
    """The whole HTTP/1.1 request, keep-alive."""
    body = item.body.encode("utf-8")
    lines = [
        f"POST {item.path} HTTP/1.1",
        f"Host: {host}",
        f"Content-Type: {item.content_type}",
        f"Content-Length: {len(body)}",
    ]
    if item.authorization:
        lines.append(f"Authorization: {item.authorization}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


class ConnectionLost(Exception):
    """The connection ended before a whole response arrived (reset, EOF, server killed)."""


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; (status code, whether the connection may be reused)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
        raise ConnectionLost(str(error)) from None
    status = int(head[9:12])
    lower = head.lower()
    reusable = b"\r\nconnection: close" not in lower
    try:
        at = lower.find(b"\r\ncontent-length:")
        if at >= 0:
            end = lower.index(b"\r\n", at + 2)
            await reader.readexactly(int(lower[at + 17 : end]))
        elif b"\r\ntransfer-encoding: chunked" in lower:
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        elif status not in (204, 304):
            await reader.read()  # the body runs to the end of the connection
            reusable = False
    except asyncio.IncompleteReadError as error:
        raise ConnectionLost(str(error)) from None
    return status, reusable


@dataclass
class Tally:
    """What one client process saw; merged by the benchmark."""

    acked: list[str] = field(default_factory=list)
    ack_times: list[float] = field(default_factory=list)  # time.monotonic(), system-wide
    latencies: list[float] = field(default_factory=list)  # seconds, acknowledged attempts
    rejected: dict[str, int] = field(default_factory=dict)  # key -> status
    unacknowledged: list[str] = field(default_factory=list)  # still failing at the deadline
    retries: int = 0  # attempts after an answer's first
    retried_answers: int = 0  # answers that needed more than one attempt
    refused: int = 0  # connect failed (server down)
    dropped: int = 0  # connection lost mid-request (server killed)
    timeouts: int = 0
    server_errors: dict[str, int] = field(default_factory=dict)  # status -> count
    started: float = 0.0
    stopped: float = 0.0


class Client:
    """Connections that share one queue of answers; ``run`` until stopped and drained."""

    def __init__(self, items: list[Item], host: str, port: int, connections: int) -> None:
        self.host = host
        self.port = port
        self.connections = connections
        self.pending: deque[tuple[str, bytes]] = deque(
            (item.key, request_bytes(item, f"{host}:{port}")) for item in items
        )
        self.tally = Tally()
        self.stopping = False
        self.deadline = float("inf")

    def _next(self) -> tuple[str, bytes] | None:
        if self.stopping or not self.pending:
            return None
        return self.pending.popleft()

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        try:
            return await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), ATTEMPT_TIMEOUT_S
            )
        except (OSError, TimeoutError):
            self.tally.refused += 1
            return None

    async def _worker(self) -> None:
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        while (taken := self._next()) is not None:
            key, data = taken
            attempts = 0
            while True:  # until this answer is acknowledged, rejected or given up
                if attempts:
                    self.tally.retries += 1
                    if time.monotonic() > self.deadline:
                        self.tally.unacknowledged.append(key)
                        break
                attempts += 1
                if writer is None:
                    connected = await self._connect()
                    if connected is None:
                        await asyncio.sleep(RETRY_PAUSE_S)
                        continue
                    reader, writer = connected
                assert reader is not None
                sent = time.monotonic()
                try:
                    writer.write(data)
                    status, reusable = await asyncio.wait_for(
                        read_response(reader), ATTEMPT_TIMEOUT_S
                    )
                except (OSError, ConnectionLost, RuntimeError):
                    # uvloop raises RuntimeError, not an OSError, for a write on a transport
                    # the killed server's side has already closed
                    self.tally.dropped += 1
                    _close(writer)
                    writer = None
                    await asyncio.sleep(RETRY_PAUSE_S)
                    continue
                except TimeoutError:
                    self.tally.timeouts += 1
                    _close(writer)
                    writer = None
                    continue
                if not reusable:
                    _close(writer)
                    writer = None
                if status < 400:
                    now = time.monotonic()
                    self.tally.acked.append(key)
                    self.tally.ack_times.append(now)
                    self.tally.latencies.append(now - sent)
                    break
                if status < 500:
                    self.tally.rejected[key] = status
                    break
                errors = self.tally.server_errors
                errors[str(status)] = errors.get(str(status), 0) + 1
                await asyncio.sleep(RETRY_PAUSE_S)
            if attempts > 1:
                self.tally.retried_answers += 1
        if writer is not None:
            _close(writer)

    async def run(self, control: asyncio.StreamReader) -> None:
        """Wait for ``go``, send until ``stop`` (or until every answer is sent), drain."""
        while (await control.readline()).strip() != b"go":
            pass
        self.tally.started = time.monotonic()
        workers = [asyncio.create_task(self._worker()) for _ in range(self.connections)]

        async def wait_for_stop() -> None:
            while (line := await control.readline()) and line.strip() != b"stop":
                pass
            self.stopping = True
            self.tally.stopped = time.monotonic()
            self.deadline = self.tally.stopped + DRAIN_DEADLINE_S

        stopper = asyncio.create_task(wait_for_stop())
        await asyncio.gather(*workers)
        if not stopper.done():  # every answer went out before the stop line
            self.tally.stopped = time.monotonic()
            await stopper


def _close(writer: asyncio.StreamWriter) -> None:
    writer.transport.abort()


def summary(tally: Tally, unsent: int) -> dict[str, Any]:
    """The result file's content; ``cpu_seconds`` is this process's own CPU time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "acked": tally.acked,
        "ack_times": tally.ack_times,
        "latencies": tally.latencies,
        "rejected": tally.rejected,
        "unacknowledged": tally.unacknowledged,
        "retries": tally.retries,
        "retried_answers": tally.retried_answers,
        "refused": tally.refused,
        "dropped": tally.dropped,
        "timeouts": tally.timeouts,
        "server_errors": tally.server_errors,
        "started": tally.started,
        "stopped": tally.stopped,
        "unsent": unsent,
    }


async def _main(items_file: Path, result_file: Path, port: int, connections: int) -> None:
    items = [Item.from_json(line) for line in items_file.read_text("utf-8").splitlines() if line]
    client = Client(items, "127.0.0.1", port, connections)
    loop = asyncio.get_running_loop()
    control = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(control), sys.stdin)
    print("ready", flush=True)
    await client.run(control)
    result_file.write_text(json.dumps(summary(client.tally, len(client.pending))), "utf-8")


def main(argv: list[str]) -> None:
    items_file, result_file, port, connections = argv
    try:
        import uvloop  # noqa: PLC0415 — optional: the plain loop works, a little slower

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    runner(_main(Path(items_file), Path(result_file), int(port), int(connections)))


if __name__ == "__main__":
    main(sys.argv[1:])
