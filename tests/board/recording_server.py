"""A real HTTP server standing in for the board's event API: it records what arrives.

It answers like ``POST /api/v1/board/events`` (``stored`` the first time a source id comes,
``duplicate`` after), and can be told to misbehave for the next requests: answer 503 (with
or without ``Retry-After``), drop the connection before storing or after storing (the client
then cannot know), or refuse with another status. Runs on a free port in a thread.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OK = "ok"
UNAVAILABLE = "503"
SLOW_DOWN = "503-retry-after-2"
DROP_BEFORE = "drop-before-storing"
DROP_AFTER = "drop-after-storing"
UNAUTHORIZED = "401"
INVALID = "422"


@dataclass
class Recorder:
    """What the server received and what it does next."""

    token: str = "source-token"
    script: list[str] = field(default_factory=list)  # one action per request, then OK
    requests: list[list[str]] = field(default_factory=list)  # source ids of every request
    stored: list[dict[str, Any]] = field(default_factory=list)  # events stored, in order
    authorizations: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_action(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else OK

    def store(self, events: list[dict[str, Any]]) -> list[dict[str, str]]:
        with self.lock:
            known = {e["source_id"] for e in self.stored}
            results = []
            for event in events:
                status = "duplicate" if event["source_id"] in known else "stored"
                if status == "stored":
                    self.stored.append(event)
                    known.add(event["source_id"])
                results.append({"source_id": event["source_id"], "status": status})
            return results

    @property
    def stored_ids(self) -> list[str]:
        return [e["source_id"] for e in self.stored]


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            events = body["events"]
            recorder.requests.append([e["source_id"] for e in events])
            recorder.authorizations.append(self.headers.get("Authorization"))
            if self.path != "/api/v1/board/events":
                return self._answer(404, {"detail": "Not Found"})
            action = recorder.next_action()
            if action == DROP_BEFORE:
                self.close_connection = True
                return
            if action == DROP_AFTER:
                recorder.store(events)
                self.close_connection = True
                return
            if action == UNAVAILABLE:
                return self._answer(503, {"detail": "database down"})
            if action == SLOW_DOWN:
                return self._answer(503, {"detail": "database down"}, {"Retry-After": "2"})
            if action == UNAUTHORIZED or (
                self.headers.get("Authorization") != f"Bearer {recorder.token}"
            ):
                return self._answer(401, {"detail": "unknown source"})
            if action == INVALID:
                return self._answer(422, {"detail": [{"index": 0, "loc": ["type"]}]})
            self._answer(200, {"results": recorder.store(events)})

        def _answer(
            self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def recording_server(recorder: Recorder | None = None) -> Iterator[tuple[str, Recorder]]:
    """``(base_url, recorder)`` of a server running until the block ends."""
    recorder = recorder or Recorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}", recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
