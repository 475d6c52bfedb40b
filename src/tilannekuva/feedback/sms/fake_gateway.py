"""A real SMS gateway on localhost, speaking the generic JSON API, for the tests and the demo.

It stands for the county's SMS provider: it accepts messages over HTTP (and records them), can
be switched into an outage (answering 503, dropping connections or hanging), posts delivery
receipts to our receipt webhook and, on its ``/phone`` page, shows a fake phone per number
where a person running the demo can read the invitation and answer "9" — the answer travels
to our inbound webhook exactly as a provider's would. Because it is a real server on a real
socket, the tests exercise the same HTTP client, timeouts and retries as production.

Routes: ``POST /messages`` (send), ``GET /messages`` (everything accepted, JSON),
``GET /phone`` and ``POST /phone/reply`` (the fake phone), ``POST /_control/outage``
(``{"on": true, "mode": "503" | "drop" | "hang"}``) and ``POST /_control/reply``
(``{"phone", "text"}``).
"""

from __future__ import annotations

import json
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from tilannekuva.feedback.phones import is_e164, normalize_phone
from tilannekuva.feedback.sms.fake_phone_page import render_phone_page

OutageMode = Literal["503", "drop", "hang"]
INBOUND_PATH = "/api/v1/sms/inbound"
RECEIPTS_PATH = "/api/v1/sms/receipts"
HANG_SECONDS = 30.0  # the longest a "hang" outage keeps a request waiting
RECEIPT_ATTEMPTS = 40
RECEIPT_RETRY_SECONDS = 0.25
BODY_LIMIT = 64 * 1024


@dataclass(frozen=True)
class FakeMessage:
    """One message the fake gateway accepted."""

    message_id: str
    to: str
    sender: str
    text: str
    reference: str
    at: str  # ISO 8601 UTC


@dataclass(frozen=True)
class FakeReply:
    """One reply sent from the fake phone, and what our inbound webhook answered."""

    message_id: str
    phone: str
    text: str
    at: str
    status_code: int | None  # None: the webhook could not be reached


class FakeGateway:
    """The fake provider: ``start()`` it, point the service's gateway URL at :attr:`url`.

    ``webhook_base_url`` is the address of our web app (the fake posts replies to
    ``{webhook_base_url}/api/v1/sms/inbound`` and receipts to ``…/sms/receipts``, with
    ``Authorization: Bearer <webhook_secret>``); None sends neither. ``token`` is the bearer
    token senders must present (None accepts any).
    """

    def __init__(
        self,
        webhook_base_url: str | None,
        webhook_secret: str | None,
        *,
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        receipts: bool = True,
    ) -> None:
        self.webhook_base_url = webhook_base_url.rstrip("/") if webhook_base_url else None
        self.webhook_secret = webhook_secret
        self.token = token
        self.receipts = receipts
        self._address = (host, port)
        self._lock = threading.Lock()
        self._messages: list[FakeMessage] = []
        self._by_reference: dict[str, FakeMessage] = {}
        self._replies: list[FakeReply] = []
        self._requests = 0  # sends accepted, a repeated reference included
        self._rejected: set[str] = set()
        self._undeliverable: set[str] = set()
        self._outage: OutageMode | None = None
        self._outage_over = threading.Event()
        self._outage_over.set()
        self._receipts: queue.Queue[tuple[dict[str, str], int] | None] = queue.Queue()
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._client = httpx.Client(timeout=10.0)

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeGateway:
        server = ThreadingHTTPServer(self._address, _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._threads = [
            threading.Thread(
                target=server.serve_forever, args=(0.05,), name="fake-gateway", daemon=True
            ),
            threading.Thread(target=self._post_receipts, name="fake-receipts", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._outage_over.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._receipts.put(None)
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []
        self._client.close()

    def __enter__(self) -> FakeGateway:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL to configure as the service's gateway URL."""
        if self._server is None:
            raise RuntimeError("the fake gateway is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- what happened -----------------------------------------------------------------------

    @property
    def messages(self) -> list[FakeMessage]:
        """Every message accepted, oldest first (a repeated reference is recorded once)."""
        with self._lock:
            return list(self._messages)

    def messages_to(self, phone: str) -> list[FakeMessage]:
        number = normalize_phone(phone)
        return [message for message in self.messages if message.to == number]

    @property
    def send_requests(self) -> int:
        """How many sends were accepted, repeats of a reference included: a worker that sent
        a message twice shows here even though :attr:`messages` records it once."""
        with self._lock:
            return self._requests

    @property
    def replies(self) -> list[FakeReply]:
        with self._lock:
            return list(self._replies)

    def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Poll ``condition`` until it holds (True) or ``timeout`` seconds pass (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.02)
        return condition()

    def receipts_drained(self, timeout: float = 10.0) -> bool:
        """Wait until every queued receipt has been posted (or given up)."""
        return self.wait_until(lambda: self._receipts.unfinished_tasks == 0, timeout)

    # --- behaviour ---------------------------------------------------------------------------

    def outage(self, on: bool, mode: OutageMode = "503") -> None:
        """Switch an outage on (every send fails as ``mode`` says) or off."""
        with self._lock:
            self._outage = mode if on else None
        if on:
            self._outage_over.clear()
        else:
            self._outage_over.set()

    def reject(self, phone: str) -> None:
        """Sends to this number are refused with 400 (an invalid or barred number)."""
        with self._lock:
            self._rejected.add(normalize_phone(phone))

    def fail_delivery(self, phone: str) -> None:
        """Messages to this number are accepted, then reported undeliverable."""
        with self._lock:
            self._undeliverable.add(normalize_phone(phone))

    def reply(self, phone: str, text: str, *, message_id: str | None = None) -> FakeReply:
        """Send ``text`` from ``phone`` to our inbound webhook, as the provider would."""
        number = normalize_phone(phone)
        sent = FakeReply(
            message_id or f"fake-in-{secrets.token_hex(8)}", number, text, _now(), None
        )
        status: int | None = None
        if self.webhook_base_url is not None:
            payload = {
                "message_id": sent.message_id,
                "from": number,
                "text": text,
                "received_at": sent.at,
            }
            try:
                response = self._client.post(
                    self.webhook_base_url + INBOUND_PATH, json=payload, headers=self._auth()
                )
                status = response.status_code
            except httpx.TransportError:
                status = None
        recorded = FakeReply(sent.message_id, number, text, sent.at, status)
        with self._lock:
            self._replies.append(recorded)
        return recorded

    # --- the HTTP side (called by the handler) -------------------------------------------------

    def _accept(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        to, text = body.get("to"), body.get("text")
        reference = str(body.get("reference") or "")
        if not isinstance(to, str) or not is_e164(to):
            return HTTPStatus.BAD_REQUEST, {"error": "'to' must be a number in E.164 form"}
        if not isinstance(text, str) or not text:
            return HTTPStatus.BAD_REQUEST, {"error": "'text' must be a non-empty string"}
        with self._lock:
            if to in self._rejected:
                return HTTPStatus.BAD_REQUEST, {"error": "invalid or barred number"}
            self._requests += 1
            if reference and reference in self._by_reference:
                return HTTPStatus.OK, {"message_id": self._by_reference[reference].message_id}
            message = FakeMessage(
                f"fake-out-{len(self._messages) + 1}-{secrets.token_hex(4)}",
                to,
                str(body.get("from") or ""),
                text,
                reference,
                _now(),
            )
            self._messages.append(message)
            if reference:
                self._by_reference[reference] = message
            failed = to in self._undeliverable
        if self.receipts and self.webhook_base_url is not None:
            status = "failed" if failed else "delivered"
            receipt = {
                "message_id": message.message_id,
                "status": status,
                "at": _now(),
                "reference": reference,
            }
            self._receipts.put((receipt, 0))
        return HTTPStatus.OK, {"message_id": message.message_id}

    def _current_outage(self) -> OutageMode | None:
        with self._lock:
            return self._outage

    def _wait_for_outage_end(self) -> None:
        self._outage_over.wait(HANG_SECONDS)

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.webhook_secret}"} if self.webhook_secret else {}

    def _post_receipts(self) -> None:
        while True:
            item = self._receipts.get()
            if item is None:
                self._receipts.task_done()
                return
            receipt, attempts = item
            try:
                response = self._client.post(
                    f"{self.webhook_base_url}{RECEIPTS_PATH}", json=receipt, headers=self._auth()
                )
                posted = response.status_code < 500
            except (httpx.TransportError, RuntimeError):
                posted = False
            if not posted and attempts + 1 < RECEIPT_ATTEMPTS and self._server is not None:
                time.sleep(RECEIPT_RETRY_SECONDS)
                self._receipts.put((receipt, attempts + 1))
            self._receipts.task_done()

    def _phone_page(self) -> str:
        with self._lock:
            numbers = sorted(
                {message.to for message in self._messages}
                | {reply.phone for reply in self._replies}
            )
            conversations = {
                number: sorted(
                    [("in", m.at, m.text) for m in self._messages if m.to == number]
                    + [("out", r.at, r.text) for r in self._replies if r.phone == number],
                    key=lambda item: item[1],
                )
                for number in numbers
            }
        return render_phone_page(conversations)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# --- the request handler ----------------------------------------------------------------------


def _handler_for(gateway: FakeGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests and the demo read the recorded messages instead."""

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/messages":
                self._json(HTTPStatus.OK, [asdict(message) for message in gateway.messages])
            elif path in ("/phone", "/"):
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", gateway._phone_page())
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": "no such page"})

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            raw = self._body()
            if path == "/messages":
                self._messages(raw)
            elif path == "/phone/reply":
                form = parse_qs(raw.decode("utf-8", "replace"))
                phone, text = form.get("phone", [""])[0], form.get("text", [""])[0]
                if phone and text:
                    gateway.reply(phone, text)
                anchor = quote(f"phone-{phone.lstrip('+')}")
                self.send_response(HTTPStatus.SEE_OTHER)
                self.send_header("Location", f"/phone#{anchor}")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/_control/outage":
                body = _json_object(raw)
                mode = str(body.get("mode") or "503")
                if mode not in ("503", "drop", "hang"):
                    self._json(HTTPStatus.BAD_REQUEST, {"error": "mode: 503, drop or hang"})
                    return
                gateway.outage(bool(body.get("on")), mode)  # type: ignore[arg-type]
                self._json(HTTPStatus.OK, {"outage": gateway._current_outage()})
            elif path == "/_control/reply":
                body = _json_object(raw)
                reply = gateway.reply(str(body.get("phone")), str(body.get("text")))
                self._json(HTTPStatus.OK, asdict(reply))
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": "no such route"})

        def _messages(self, raw: bytes) -> None:
            outage = gateway._current_outage()
            if outage == "drop":
                self.close_connection = True
                return
            if outage == "hang":
                gateway._wait_for_outage_end()
                self.close_connection = True
                return
            if outage == "503":
                self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "outage"})
                return
            wanted = gateway.token
            if wanted is not None and self.headers.get("Authorization") != f"Bearer {wanted}":
                self._json(HTTPStatus.UNAUTHORIZED, {"error": "bad token"})
                return
            body = _json_object(raw)
            status, answer = gateway._accept(body)
            self._json(status, answer)

        def _body(self) -> bytes:
            length = min(int(self.headers.get("Content-Length") or 0), BODY_LIMIT)
            return self.rfile.read(length) if length else b""

        def _json(self, status: int, payload: object) -> None:
            self._send(status, "application/json", json.dumps(payload))

        def _send(self, status: int, content_type: str, text: str) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
