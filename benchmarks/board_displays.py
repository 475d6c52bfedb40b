"""The wall displays of the board benchmark: one process, many Server-Sent Events streams.

It runs as a child of ``bench_board`` (``python -m benchmarks.board_displays CONFIG RESULT``).
``CONFIG`` is JSON: ``{"port": 8000, "displays": [{"name": …, "path": "/wall/…/events?…"}]}``.
Every display opens its stream (``GET``, ``Accept: text/event-stream``), prints ``ready`` once
each one has received its first ``event: board``, keeps reading until a ``stop`` line (or the
end) of standard input, and then writes to ``RESULT`` as JSON, per display, every board
frame it received: ``[t, seq, revision, demand]`` where ``t`` is ``time.monotonic()`` (the
clock is system-wide, so the benchmark compares it with its own acknowledgement times),
``revision`` the board store's revision the frame says it includes (``null`` when the server
does not send one) and ``demand`` today's count per demand channel from the frame's view.

Why not httpx or a browser: fifty streams in one process must cost the 2-core machine little
and stamp each frame when its bytes arrive, so this speaks just enough HTTP/1.1 (a status
line, headers, a chunked or connection-long body) over asyncio streams, as
``feedback_load.py`` does, and parses a frame's JSON only after stamping it.

Decisions:

- Like a browser's EventSource: when a stream ends (the server ends each one after a while)
  or fails, the display reconnects after the stream's ``retry:`` delay (the last one the
  server sent; 5 s before any). A frame is missed meanwhile, as on a real wall; the first
  frame of the new stream is the current board. Reconnections are counted.
- ``404`` (the token unknown or revoked) ends that display: retrying cannot help.
- Heartbeats are counted, not kept; ``event: reload`` and ``event: gone`` are counted too.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_RETRY_S = 5.0  # EventSource's delay before the server has sent a ``retry:``
CONNECT_TIMEOUT_S = 10.0
READY_TIMEOUT_S = 180.0


class StreamEnded(Exception):
    """The server closed the stream (normally or not)."""


@dataclass
class Display:
    """One wall display's stream and what it received."""

    name: str
    path: str
    frames: list[list[Any]] = field(default_factory=list)
    heartbeats: int = 0
    others: dict[str, int] = field(default_factory=dict)  # reload, gone, …
    connects: int = 0
    failures: list[str] = field(default_factory=list)
    retry_s: float = DEFAULT_RETRY_S
    first: asyncio.Event = field(default_factory=asyncio.Event)

    def result(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "frames": self.frames,
            "heartbeats": self.heartbeats,
            "others": self.others,
            "connects": self.connects,
            "failures": self.failures[:20],
            "failure_count": len(self.failures),
        }


def demand_of(view: dict[str, Any]) -> dict[str, int]:
    """Today's count per demand channel of a board view (empty when it has none)."""
    channels = (view.get("demand") or {}).get("channels") or []
    return {str(c["channel"]): int(c["today"]) for c in channels}


def handle(display: Display, block: bytes, received: float) -> None:
    """One complete Server-Sent Events message."""
    event = "message"
    data: list[str] = []
    for raw in block.decode("utf-8").split("\n"):
        line = raw.rstrip("\r")
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "retry" and value.isdigit():
            display.retry_s = int(value) / 1000
    if not data:
        return
    if event == "board":
        payload = json.loads("\n".join(data))
        view = payload.get("view") or {}
        revision = payload.get("revision", view.get("revision"))
        display.frames.append([received, payload.get("seq"), revision, demand_of(view)])
        display.first.set()
    elif event == "heartbeat":
        display.heartbeats += 1
    else:
        display.others[event] = display.others.get(event, 0) + 1


async def read_body(reader: asyncio.StreamReader, chunked: bool) -> Any:
    """The body's bytes as they arrive, with the time each piece was read."""
    while True:
        if chunked:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                return
            piece = await reader.readexactly(size + 2)
            yield piece[:-2], time.monotonic()
        else:
            piece = await reader.read(65536)
            if not piece:
                return
            yield piece, time.monotonic()


async def one_stream(display: Display, port: int) -> bool:
    """Read one stream to its end; False when the display should stop for good."""
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port), CONNECT_TIMEOUT_S
    )
    try:
        writer.write(
            (
                f"GET {display.path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
            ).encode("ascii")
        )
        head = (await reader.readuntil(b"\r\n\r\n")).lower()
        status = int(head[9:12])
        display.connects += 1
        if status != 200:
            display.failures.append(f"HTTP {status}")
            return status != 404
        buffer = b""
        async for piece, received in read_body(reader, b"transfer-encoding: chunked" in head):
            buffer += piece.replace(b"\r\n", b"\n")
            while (end := buffer.find(b"\n\n")) >= 0:
                block, buffer = buffer[:end], buffer[end + 2 :]
                handle(display, block, received)
        return True
    finally:
        writer.transport.abort()


async def keep_watching(display: Display, port: int) -> None:
    """Reconnect after every end, as EventSource does, until cancelled."""
    while True:
        try:
            if not await one_stream(display, port):
                return
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
            display.failures.append(f"{type(error).__name__}: {error}"[:200])
        await asyncio.sleep(display.retry_s)


async def _main(config_file: Path, result_file: Path) -> None:
    config = json.loads(config_file.read_text("utf-8"))
    port = int(config["port"])
    displays = [Display(d["name"], d["path"]) for d in config["displays"]]
    tasks = [asyncio.create_task(keep_watching(d, port)) for d in displays]
    loop = asyncio.get_running_loop()
    control = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(control), sys.stdin)
    try:
        await asyncio.wait_for(asyncio.gather(*(d.first.wait() for d in displays)), READY_TIMEOUT_S)
        print("ready", flush=True)
    except TimeoutError:
        waiting = sum(1 for d in displays if not d.first.is_set())
        print(f"not ready: {waiting} displays without a first board", flush=True)
    while (line := await control.readline()) and line.strip() != b"stop":
        pass
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    result_file.write_text(json.dumps([d.result() for d in displays]), "utf-8")


def main(argv: list[str]) -> None:
    config_file, result_file = argv
    try:
        import uvloop  # noqa: PLC0415 — optional: the plain loop works, a little slower

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    runner(_main(Path(config_file), Path(result_file)))


if __name__ == "__main__":
    main(sys.argv[1:])
