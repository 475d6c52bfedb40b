"""The outbox worker against the fake gateway's real server: messages go once, an outage
delays them with back-off but loses none, refusals give up, invitations wait for daytime and
opted-out numbers get nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest

from tests.feedback.sms.fixtures import SECRET, MovableClock, invite
from tilannekuva.feedback.config import FeedbackConfig, InvitationPolicy
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.sms.fake_gateway import FakeGateway
from tilannekuva.feedback.sms.http_gateway import HttpGateway
from tilannekuva.feedback.sms.outbox_worker import (
    DaytimeWindow,
    OutboxWorker,
    RunCounts,
    outbox_worker_for,
    retry_delay,
)
from tilannekuva.feedback.store import FeedbackStore

PHONE = "+358401234567"
OTHER = "+358509876543"
POLICY = InvitationPolicy(window_start=time(9, 0), window_end=time(20, 0))


@pytest.fixture
def fake() -> Iterator[FakeGateway]:
    with FakeGateway(None, None, token="t") as gateway:
        yield gateway


@pytest.fixture
def worker(store: FeedbackStore, fake: FakeGateway) -> Iterator[OutboxWorker]:
    adapter = HttpGateway(fake.url, "t", "Tilannekuva", timeout=1.0)
    running = OutboxWorker(store, adapter, POLICY, phone_key_secret=SECRET)
    yield running
    running.close()
    adapter.close()


def queue_invitation(store: FeedbackStore, phone: str = PHONE, **options: object) -> str:
    invitation = invite(store, phone, sent=False, **options)  # type: ignore[arg-type]
    store.enqueue_sms(
        phone,
        f"Kutsu {invitation.invitation_id}",
        dedupe_key=f"invitation:{invitation.invitation_id}",
        purpose="invitation",
        invitation_id=invitation.invitation_id,
    )
    return invitation.invitation_id


def test_due_messages_are_sent_once_and_invitations_marked_sent(
    store: FeedbackStore, fake: FakeGateway, worker: OutboxWorker, clock: MovableClock
) -> None:
    invitation_id = queue_invitation(store)
    store.enqueue_sms(OTHER, "Kiitos!", dedupe_key="thanks:x", purpose="thanks")
    assert worker.run_once() == RunCounts(sent=2)
    assert worker.run_once() == RunCounts()
    assert {(m.to, m.text) for m in fake.messages} == {
        (PHONE, f"Kutsu {invitation_id}"),
        (OTHER, "Kiitos!"),
    }
    assert fake.send_requests == 2
    by_provider = {m.provider_message_id: m for m in store.outbox()}
    assert set(by_provider) == {m.message_id for m in fake.messages}
    assert {m.status for m in by_provider.values()} == {"sent"}
    invitation = store.invitation(invitation_id)
    assert invitation is not None and invitation.sent_at == clock.at


def test_an_outage_delays_with_back_off_and_loses_nothing(
    store: FeedbackStore, fake: FakeGateway, worker: OutboxWorker, clock: MovableClock
) -> None:
    queue_invitation(store)
    fake.outage(True, "503")
    waits = []
    for _ in range(4):
        assert worker.run_once() == RunCounts(retried=1)
        assert worker.run_once() == RunCounts()  # not due again yet
        (message,) = store.outbox()
        assert (
            message.status == "pending"
            and message.last_error == "unavailable: gateway answered 503"
        )
        waits.append(message.next_attempt_at - clock.at)
        clock.at = message.next_attempt_at
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    fake.outage(True, "drop")
    assert worker.run_once() == RunCounts(retried=1)
    fake.outage(False)
    clock.advance(timedelta(minutes=30))
    assert worker.run_once() == RunCounts(sent=1)
    assert len(fake.messages) == 1 and fake.send_requests == 1
    (message,) = store.outbox()
    assert (message.status, message.attempts) == ("sent", 6)


def test_the_back_off_doubles_up_to_half_an_hour() -> None:
    assert [retry_delay(n).total_seconds() for n in range(1, 9)] == [
        30, 60, 120, 240, 480, 960, 1800, 1800
    ]  # fmt: skip
    assert retry_delay(10_000) == timedelta(minutes=30)


def test_messages_wait_out_a_long_outage_until_their_invitation_expires(
    store: FeedbackStore, fake: FakeGateway, worker: OutboxWorker, clock: MovableClock
) -> None:
    queue_invitation(store, valid_for=timedelta(days=3))
    fake.outage(True)
    end = clock.at + timedelta(days=3)
    rounds = 0
    while clock.at < end - timedelta(hours=2):
        clock.advance(timedelta(hours=2))  # past the longest back-off: due every round
        counts = worker.run_once()
        assert counts.expired == 0
        rounds += counts.retried
    assert store.outbox()[0].status == "pending"
    assert rounds >= 12  # every other hour of three daytime windows
    clock.at = end
    assert worker.run_once().expired == 1
    (message,) = store.outbox()
    assert (message.status, message.to_phone) == ("failed", None)
    assert fake.messages == []


def test_a_refused_number_is_given_up_and_erased(
    store: FeedbackStore, fake: FakeGateway, worker: OutboxWorker
) -> None:
    fake.reject(PHONE)
    queue_invitation(store)
    assert worker.run_once() == RunCounts(failed=1)
    (message,) = store.outbox()
    assert message.status == "failed" and message.to_phone is None
    assert message.last_error is not None and "invalid or barred" in message.last_error


def test_invitations_wait_for_the_daytime_window_but_replies_do_not(
    store: FeedbackStore, fake: FakeGateway, worker: OutboxWorker, clock: MovableClock
) -> None:
    clock.at = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # 21:30 in Helsinki
    queue_invitation(store)
    store.enqueue_sms(OTHER, "Ohje", dedupe_key="help:x", purpose="help")
    assert worker.run_once() == RunCounts(sent=1)
    assert [m.text for m in fake.messages] == ["Ohje"]
    clock.at = datetime(2026, 11, 24, 6, 59, tzinfo=UTC)  # 8:59
    assert worker.run_once() == RunCounts()
    clock.at = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 9:00
    assert worker.run_once() == RunCounts(sent=1)


def test_the_daytime_window_is_read_in_helsinki_time() -> None:
    window = DaytimeWindow.of(POLICY)
    summer_nine = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)  # UTC+3
    winter_nine = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)  # UTC+2
    assert window.contains(summer_nine) and window.contains(winter_nine)
    assert not window.contains(summer_nine - timedelta(seconds=1))
    assert not window.contains(datetime(2026, 1, 5, 18, 0, tzinfo=UTC))  # 20:00
    overnight = DaytimeWindow(time(22, 0), time(6, 0))
    assert overnight.contains(datetime(2026, 1, 5, 23, 0, tzinfo=UTC))  # 1:00
    assert not overnight.contains(winter_nine)


def test_nothing_is_sent_to_a_number_that_opted_out_after_it_was_queued(
    store: FeedbackStore, fake: FakeGateway, worker: OutboxWorker
) -> None:
    store.enqueue_sms(PHONE, "Kysely on päättynyt", dedupe_key="closed:x", purpose="closed")
    store.enqueue_sms(PHONE, "Selvä.", dedupe_key="opted_out:x", purpose="opted_out")
    store.opt_out(phone_key(SECRET, PHONE), "admin")  # no number given: the queue keeps it
    assert worker.run_once() == RunCounts(sent=1, cancelled=1)
    assert [m.text for m in fake.messages] == ["Selvä."]
    statuses = {m.purpose: (m.status, m.to_phone) for m in store.outbox()}
    assert statuses["closed"] == ("cancelled", None)


def test_two_workers_send_each_message_once(
    store_url: str, store: FeedbackStore, fake: FakeGateway, clock: MovableClock
) -> None:
    for number in range(40):
        store.enqueue_sms(f"+3584012{number:05d}", f"m{number}", dedupe_key=f"m{number}",
                          purpose="thanks")  # fmt: skip
    workers = []
    for _ in range(2):
        other = FeedbackStore.open(store_url, clock=clock)
        adapter = HttpGateway(fake.url, "t", "Tilannekuva")
        workers.append(OutboxWorker(other, adapter, POLICY, phone_key_secret=SECRET, batch=5))

    def drain(worker: OutboxWorker) -> None:
        while worker.run_once().claimed:
            pass

    threads = [threading.Thread(target=drain, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        worker.close()
        worker.store.close()
    assert fake.send_requests == 40
    assert len(fake.messages) == 40
    assert store.outbox_counts()["sent"] == 40


def test_the_background_thread_sends_and_stops(
    store: FeedbackStore, fake: FakeGateway, worker: OutboxWorker
) -> None:
    worker.start(interval_seconds=0.02)
    store.enqueue_sms(PHONE, "Hei", dedupe_key="a", purpose="thanks")
    assert fake.wait_until(lambda: len(fake.messages) == 1)
    worker.stop()
    store.enqueue_sms(OTHER, "Hei", dedupe_key="b", purpose="thanks")
    assert store.outbox(status="pending")[0].to_phone == OTHER


def test_the_configuration_decides_whether_a_worker_runs(
    store: FeedbackStore, fake: FakeGateway
) -> None:
    assert outbox_worker_for(store, FeedbackConfig(phone_key_secret=SECRET)) is None
    config = FeedbackConfig(
        phone_key_secret=SECRET, gateway_url=fake.url, gateway_token="t", sender="Hyvinvointialue"
    )
    configured = outbox_worker_for(store, config)
    assert configured is not None
    store.enqueue_sms(PHONE, "Hei", dedupe_key="a", purpose="thanks")
    try:
        assert configured.run_once() == RunCounts(sent=1)
    finally:
        configured.close()
    assert fake.messages[0].sender == "Hyvinvointialue"
