"""The fake gateway is a real provider stand-in: its HTTP API, its outage switch, the replies
and receipts it posts to our webhooks, and the fake phone page a person answers on."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tilannekuva.feedback.sms.fake_gateway import FakeGateway

SECRET = "webhook-secret"


class Webhook:
    """A stand-in for our web app: records what the gateway posts; can be made to fail."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str | None, dict[str, Any]]] = []
        self.failing = False
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 503 if webhook.failing else 200
                if not webhook.failing:
                    webhook.posts.append(
                        (self.path, self.headers.get("Authorization"), json.loads(body))
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    receiver = Webhook()
    yield receiver
    receiver.close()


@pytest.fixture
def fake(webhook: Webhook) -> Iterator[FakeGateway]:
    with FakeGateway(webhook.url, SECRET) as gateway:
        yield gateway


def send(
    fake: FakeGateway, to: str = "+358401234567", text: str = "Hei", ref: str = "r1"
) -> httpx.Response:
    return httpx.post(
        f"{fake.url}/messages", json={"to": to, "from": "TK", "text": text, "reference": ref}
    )


def test_sent_messages_are_listed_as_json(fake: FakeGateway) -> None:
    assert send(fake).status_code == 200
    listed = httpx.get(f"{fake.url}/messages").json()
    assert [(m["to"], m["text"], m["reference"]) for m in listed] == [
        ("+358401234567", "Hei", "r1")
    ]
    assert fake.messages_to("040 123 4567")[0].message_id == listed[0]["message_id"]


def test_every_accepted_message_gets_a_receipt_with_our_reference(
    fake: FakeGateway, webhook: Webhook
) -> None:
    fake.fail_delivery("+358509876543")
    first = send(fake).json()["message_id"]
    second = send(fake, "+358509876543", ref="r2").json()["message_id"]
    assert fake.receipts_drained()
    receipts = {body["message_id"]: body for path, _, body in webhook.posts}
    assert all(path == "/api/v1/sms/receipts" for path, _, _ in webhook.posts)
    assert all(auth == f"Bearer {SECRET}" for _, auth, _ in webhook.posts)
    assert (receipts[first]["status"], receipts[first]["reference"]) == ("delivered", "r1")
    assert receipts[second]["status"] == "failed"


def test_receipts_are_retried_while_our_webhook_is_down(
    fake: FakeGateway, webhook: Webhook
) -> None:
    webhook.failing = True
    send(fake)
    assert not fake.wait_until(lambda: bool(webhook.posts), timeout=0.6)
    webhook.failing = False
    assert fake.wait_until(lambda: len(webhook.posts) == 1)


def test_the_outage_switch_over_http(fake: FakeGateway) -> None:
    control = f"{fake.url}/_control/outage"
    assert httpx.post(control, json={"on": True}).json() == {"outage": "503"}
    assert send(fake).status_code == 503
    httpx.post(control, json={"on": True, "mode": "drop"})
    with pytest.raises(httpx.RemoteProtocolError):
        send(fake)
    assert httpx.post(control, json={"on": True, "mode": "flood"}).status_code == 400
    httpx.post(control, json={"on": False})
    assert send(fake).status_code == 200
    assert len(fake.messages) == 1


def test_a_reply_reaches_our_inbound_webhook_with_a_unique_id(
    fake: FakeGateway, webhook: Webhook
) -> None:
    first = fake.reply("040 123 4567", "9")
    second = fake.reply("+358401234567", "9")
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.message_id != second.message_id
    path, auth, body = webhook.posts[0]
    assert (path, auth) == ("/api/v1/sms/inbound", f"Bearer {SECRET}")
    assert (body["message_id"], body["from"], body["text"]) == (
        first.message_id,
        "+358401234567",
        "9",
    )
    assert body["received_at"].endswith("Z")


def test_the_fake_phone_shows_the_conversation_and_answers_from_its_form(
    fake: FakeGateway, webhook: Webhook
) -> None:
    send(fake, text="Suosittelisitko? Vastaa 0–10 <b>")
    send(fake, text="Kiitos! Kerro lisää: http://127.0.0.1:8000/f/abc", ref="r2")
    page = httpx.get(f"{fake.url}/phone")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="en">' in html and "<title>" in html
    assert "Vastaa 0–10 &lt;b&gt;" in html  # escaped
    assert '<a href="http://127.0.0.1:8000/f/abc">' in html
    assert '<label for="reply-0">Reply from +358401234567</label>' in html
    assert 'id="reply-0" name="text"' in html
    answered = httpx.post(f"{fake.url}/phone/reply", data={"phone": "+358401234567", "text": "9"})
    assert answered.status_code == 303
    assert answered.headers["location"] == "/phone#phone-358401234567"
    assert [body["text"] for path, _, body in webhook.posts if path.endswith("/inbound")] == ["9"]
    assert "9</p>" in httpx.get(f"{fake.url}/phone").text


def test_replies_can_be_sent_over_http_for_scripts(fake: FakeGateway, webhook: Webhook) -> None:
    answer = httpx.post(f"{fake.url}/_control/reply", json={"phone": "0401234567", "text": "10"})
    assert answer.json()["status_code"] == 200
    assert webhook.posts[0][2]["text"] == "10"


def test_an_empty_phone_says_so(fake: FakeGateway) -> None:
    assert "No messages yet." in httpx.get(f"{fake.url}/phone").text
