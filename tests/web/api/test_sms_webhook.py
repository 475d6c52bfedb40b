"""The SMS webhooks of the web app: a reply is stored before the 200, a duplicate changes
nothing, nothing is acknowledged without the database, and — through a live server, the
real fake gateway and the outbox worker — a visit's SMS, a reply "9" and the thanks travel
end to end, through a gateway outage, with the numbers erased once delivered."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from tests.feedback.sms.fixtures import MovableClock
from tests.web.browser.harness import LiveServer
from tests.web.clients import config_for
from tilannekuva.feedback.config import FeedbackConfig, InvitationPolicy
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.sms import conversation
from tilannekuva.feedback.sms.fake_gateway import FakeGateway
from tilannekuva.feedback.sms.http_gateway import HttpGateway
from tilannekuva.feedback.sms.outbox_worker import OutboxWorker
from tilannekuva.feedback.store import FeedbackStore, Invitation, NewInvitation
from tilannekuva.web.api.sms import process_stored_replies
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import SnapshotStore

WEBHOOK_SECRET = "webhook-secret-for-tests"
PHONE_SECRET = "phone-secret-for-tests"
PHONE = "+358401234567"
AUTH = {"Authorization": f"Bearer {WEBHOOK_SECRET}"}
ALL_DAY = InvitationPolicy(window_start=time(0, 0), window_end=time(23, 59, 59, 999999))
_ids = itertools.count(1)


def feedback_config(**changes: object) -> FeedbackConfig:
    base = FeedbackConfig(
        phone_key_secret=PHONE_SECRET,
        webhook_secret=WEBHOOK_SECRET,
        public_base_url="https://palaute.example.fi",
        policy=ALL_DAY,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def sms_config(county_warehouse: Path, tmp_path: Path) -> WebConfig:
    return dataclasses.replace(config_for(county_warehouse, tmp_path), feedback=feedback_config())


@pytest.fixture
def app_client(sms_config: WebConfig, county_snapshots: SnapshotStore) -> Iterator[TestClient]:
    with TestClient(create_app(sms_config, snapshots=county_snapshots)) as test_client:
        yield test_client


def store_of(client: TestClient) -> FeedbackStore:
    store: FeedbackStore = client.app.state.feedback_store  # type: ignore[attr-defined]
    return store


def invite(store: FeedbackStore, phone: str = PHONE, language: str = "fi") -> Invitation:
    invitation, _ = store.record_invitation(
        NewInvitation(
            contact_id=f"contact-{next(_ids)}",
            unit_id="unit-1",
            person_key=f"person-{next(_ids)}",
            channel="sms",
            language=language,
            questionnaire_version=load_questionnaire().version,
            send_after=store.now(),
            valid_for=timedelta(days=7),
            phone_key=phone_key(PHONE_SECRET, phone),
        )
    )
    store.mark_invitation_sent(invitation.invitation_id, store.now())
    return invitation


def reply(text: str, message_id: str | None = None, phone: str = PHONE) -> dict[str, str]:
    return {"message_id": message_id or f"prov-{next(_ids)}", "from": phone, "text": text}


# --- authentication and malformed bodies ------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/sms/inbound", "/api/v1/sms/receipts"])
def test_webhooks_need_the_shared_secret(app_client: TestClient, path: str) -> None:
    assert app_client.post(path, json={}).status_code == 401
    wrong = {"Authorization": "Bearer guess"}
    answer = app_client.post(path, json={}, headers=wrong)
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    assert app_client.post(path, content=b"not json", headers=AUTH).status_code == 422


def test_without_a_configured_secret_the_webhook_asks_to_retry(
    county_warehouse: Path, tmp_path: Path, county_snapshots: SnapshotStore
) -> None:
    config = dataclasses.replace(
        config_for(county_warehouse, tmp_path), feedback=feedback_config(webhook_secret=None)
    )
    with TestClient(create_app(config, snapshots=county_snapshots)) as client:
        answer = client.post("/api/v1/sms/inbound", json=reply("9"), headers=AUTH)
    assert answer.status_code == 503
    assert "not configured" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{", "not JSON"),
        (b"[]", "JSON object"),
        (b'{"from": "+358401234567", "text": "9"}', "'message_id'"),
        (b'{"message_id": "m", "from": "someone", "text": "9"}', "'from'"),
        (b'{"message_id": "m", "from": "+358401234567"}', "'text'"),
    ],
)
def test_a_malformed_reply_is_422_with_the_reason(
    app_client: TestClient, body: bytes, reason: str
) -> None:
    answer = app_client.post("/api/v1/sms/inbound", content=body, headers=AUTH)
    assert answer.status_code == 422
    assert reason in answer.json()["detail"]
    assert store_of(app_client).unprocessed_inbound() == []


# --- replies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "nps"),
    [("9", 9), (" 9 ", 9), ("9.", 9), ("9/10", 9), ("arvosana 9", 9), ("yhdeksän", 9),
     ("nio", 9), ("ten", 10), ("nolla", 0), ("Kymmenen!", 10)],
)  # fmt: skip
def test_a_reply_is_stored_as_the_answer_before_the_200(
    app_client: TestClient, text: str, nps: int
) -> None:
    store = store_of(app_client)
    invitation = invite(store)
    answer = app_client.post("/api/v1/sms/inbound", json=reply(text, "p-1"), headers=AUTH)
    assert answer.status_code == 200
    assert answer.json() == {"stored": True, "duplicate": False, "outcome": "answered"}
    stored = store.answer_by_key("sms:p-1")
    assert stored is not None and stored.nps == nps
    assert stored.invitation_id == invitation.invitation_id


@pytest.mark.parametrize("text", ["11", "-1", "95", "8,5", "9 tai 10", "hyvä"])
def test_what_is_not_a_score_gets_help_once(app_client: TestClient, text: str) -> None:
    store = store_of(app_client)
    invite(store)
    first = app_client.post("/api/v1/sms/inbound", json=reply(text), headers=AUTH)
    second = app_client.post("/api/v1/sms/inbound", json=reply(text), headers=AUTH)
    assert (first.json()["outcome"], second.json()["outcome"]) == ("help", "help_already_sent")
    assert store.count_answers() == 0
    assert [m.purpose for m in store.outbox()] == ["help"]


def test_a_duplicate_webhook_answers_200_and_changes_nothing(app_client: TestClient) -> None:
    store = store_of(app_client)
    invite(store)
    for _ in range(3):
        answer = app_client.post("/api/v1/sms/inbound", json=reply("9", "p-1"), headers=AUTH)
        assert answer.status_code == 200
    assert answer.json() == {"stored": True, "duplicate": True, "outcome": None}
    assert store.count_answers() == 1
    assert len(store.outbox()) == 1


def test_opt_out_through_the_webhook(app_client: TestClient) -> None:
    store = store_of(app_client)
    invite(store)
    answer = app_client.post("/api/v1/sms/inbound", json=reply("STOP"), headers=AUTH)
    assert answer.json()["outcome"] == "opted_out"
    assert store.is_opted_out(phone_key(PHONE_SECRET, PHONE))
    assert [m.purpose for m in store.outbox()] == ["opted_out"]


def test_without_the_database_nothing_is_acknowledged(app_client: TestClient) -> None:
    real = store_of(app_client)
    down = FeedbackStore(
        create_engine("postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=1")
    )
    app_client.app.state.feedback_store = down  # type: ignore[attr-defined]
    try:
        answer = app_client.post("/api/v1/sms/inbound", json=reply("9", "p-1"), headers=AUTH)
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "30"
        receipt = {"message_id": "x", "status": "delivered"}
        assert (
            app_client.post("/api/v1/sms/receipts", json=receipt, headers=AUTH).status_code == 503
        )
    finally:
        app_client.app.state.feedback_store = real  # type: ignore[attr-defined]
        down.close()
    invite(real)  # the database is back: the gateway delivers the same message again
    again = app_client.post("/api/v1/sms/inbound", json=reply("9", "p-1"), headers=AUTH)
    assert again.json() == {"stored": True, "duplicate": False, "outcome": "answered"}


def test_replies_left_unprocessed_are_done_by_the_recovery(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_of(app_client)
    invite(store)

    def broken(_text: str) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(conversation, "parse_reply", broken)
    answer = app_client.post("/api/v1/sms/inbound", json=reply("9", "p-1"), headers=AUTH)
    assert answer.json() == {"stored": True, "duplicate": False, "outcome": None}
    assert store.count_answers() == 0
    monkeypatch.undo()
    assert process_stored_replies(app_client.app) == 1  # type: ignore[arg-type]
    stored = store.answer_by_key("sms:p-1")
    assert stored is not None and stored.nps == 9


# --- receipts ---------------------------------------------------------------------------------


def test_a_delivery_receipt_erases_the_number(app_client: TestClient) -> None:
    store = store_of(app_client)
    row_id = store.enqueue_sms(PHONE, "Hei", dedupe_key="a", purpose="thanks")
    assert row_id is not None
    store.claim_due(1, lease=timedelta(minutes=5))
    store.mark_sent([(row_id, "prov-out-1")], at=store.now())
    receipt = {"message_id": "prov-out-1", "status": "delivered", "at": "2026-11-23T08:00:00Z"}
    answer = app_client.post("/api/v1/sms/receipts", json=receipt, headers=AUTH)
    assert answer.json() == {"matched": True}
    (message,) = store.outbox()
    assert (message.status, message.to_phone) == ("delivered", None)
    unknown = {"message_id": "nobody", "status": "delivered"}
    assert app_client.post("/api/v1/sms/receipts", json=unknown, headers=AUTH).json() == {
        "matched": False
    }
    bad = {"message_id": "x"}
    assert app_client.post("/api/v1/sms/receipts", json=bad, headers=AUTH).status_code == 422


# --- end to end -------------------------------------------------------------------------------


def test_visit_sms_reply_and_thanks_end_to_end_through_a_gateway_outage(
    sms_config: WebConfig, county_snapshots: SnapshotStore
) -> None:
    """The demo's path: the invitation reaches the fake phone, "9" is answered there, the
    answer is stored, the thanks waits out an outage, receipts erase the numbers."""
    app = create_app(sms_config, snapshots=county_snapshots)
    with LiveServer(app) as server, FakeGateway(server.base_url, WEBHOOK_SECRET, token="t") as fake:
        store: FeedbackStore = app.state.feedback_store
        clock = MovableClock(datetime.now(UTC))
        store.clock = clock
        invitation = invite(store)
        store.enqueue_sms(
            PHONE,
            "Suosittelisitko? Vastaa 0–10.",
            dedupe_key=f"invitation:{invitation.invitation_id}",
            purpose="invitation",
            invitation_id=invitation.invitation_id,
        )
        gateway = HttpGateway(fake.url, "t", "Tilannekuva", timeout=2)
        worker = OutboxWorker(store, gateway, ALL_DAY, phone_key_secret=PHONE_SECRET)
        try:
            assert worker.run_once().sent == 1
            assert [m.text for m in fake.messages_to(PHONE)] == ["Suosittelisitko? Vastaa 0–10."]

            fake.outage(True)
            sent = fake.reply(PHONE, "9")  # from the fake phone, over HTTP, to our webhook
            assert sent.status_code == 200
            answer = store.answer_by_key(f"sms:{sent.message_id}")
            assert answer is not None and answer.nps == 9
            assert worker.run_once().retried == 1  # the thanks waits out the outage
            fake.outage(False)
            clock.advance(timedelta(seconds=30))  # the first back-off
            assert worker.run_once().sent == 1
            thanks = fake.messages_to(PHONE)[-1].text
            assert "https://palaute.example.fi/f/" in thanks

            assert fake.reply(PHONE, "9", message_id=sent.message_id).status_code == 200
            assert store.count_answers() == 1  # the provider's retry is the same answer
            assert fake.receipts_drained()
            assert {(m.status, m.to_phone) for m in store.outbox()} == {("delivered", None)}
        finally:
            worker.close()
            gateway.close()
