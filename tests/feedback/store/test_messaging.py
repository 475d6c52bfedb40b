"""The SMS part of the feedback store, on SQLite and on a real PostgreSQL: the outbox never
loses or doubles a message, the inbox stores a reply once, opted-out numbers get nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from tests.feedback.sms.fixtures import (
    SECRET,
    MovableClock,
    clock,
    feedback_postgres,
    invite,
    store,
    store_url,
)
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.sms.gateway import DeliveryReceipt, InboundSms
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.feedback.store.messaging import InboundContext, InboundPlan, outbox_reference

__all__ = ["clock", "feedback_postgres", "store", "store_url"]  # fixtures used here

PHONE = "+358401234567"
OTHER = "+358509876543"
LEASE = timedelta(minutes=5)


def queue(store: FeedbackStore, key: str, phone: str = PHONE, **options: object) -> int:
    row_id = store.enqueue_sms(
        phone, f"body {key}", dedupe_key=key, purpose=str(options.pop("purpose", "help")),
        **options,  # type: ignore[arg-type]
    )  # fmt: skip
    assert row_id is not None
    return row_id


# --- queueing ---------------------------------------------------------------------------------


def test_queueing_is_idempotent_on_the_dedupe_key(store: FeedbackStore) -> None:
    first = queue(store, "help:inv-1")
    again = store.enqueue_sms(PHONE, "another body", dedupe_key="help:inv-1", purpose="help")
    assert again == first
    (message,) = store.outbox()
    assert (message.body, message.status, message.attempts) == ("body help:inv-1", "pending", 0)
    assert message.to_phone == PHONE


def test_an_opted_out_number_is_refused_except_for_its_confirmation(store: FeedbackStore) -> None:
    key = phone_key(SECRET, PHONE)
    invitation = invite(store, PHONE, sent=False)
    store.opt_out(key, "sms")
    assert store.enqueue_sms(PHONE, "x", dedupe_key="a", purpose="help", phone_key=key) is None
    refused_by_invitation = store.enqueue_sms(
        PHONE,
        "x",
        dedupe_key="b",
        purpose="invitation",
        invitation_id=invitation.invitation_id,
    )
    assert refused_by_invitation is None
    confirmed = store.enqueue_sms(PHONE, "ok", dedupe_key="c", purpose="opted_out", phone_key=key)
    assert confirmed is not None
    assert [m.purpose for m in store.outbox()] == ["opted_out"]


def test_an_unknown_purpose_is_refused(store: FeedbackStore) -> None:
    with pytest.raises(ValueError, match="purpose"):
        store.enqueue_sms(PHONE, "x", dedupe_key="a", purpose="advert")


# --- claiming ---------------------------------------------------------------------------------


def test_a_message_waits_for_its_not_before(store: FeedbackStore, clock: MovableClock) -> None:
    queue(store, "later", not_before=clock.at + timedelta(hours=1))
    assert store.claim_due(10, lease=LEASE) == []
    clock.advance(timedelta(hours=1))
    (claimed,) = store.claim_due(10, lease=LEASE)
    assert (claimed.status, claimed.attempts) == ("sending", 1)


def test_a_claimed_message_is_not_claimed_again_until_its_lease_runs_out(
    store: FeedbackStore, clock: MovableClock
) -> None:
    row_id = queue(store, "one")
    assert [m.id for m in store.claim_due(10, lease=LEASE)] == [row_id]
    assert store.claim_due(10, lease=LEASE) == []
    clock.advance(LEASE)  # the worker died mid-send: the row comes back
    (again,) = store.claim_due(10, lease=LEASE)
    assert (again.id, again.attempts) == (row_id, 2)


def test_invitations_can_be_left_waiting_while_replies_go(store: FeedbackStore) -> None:
    invitation = invite(store, PHONE, sent=False)
    queue(store, "invitation:x", purpose="invitation", invitation_id=invitation.invitation_id)
    reply = queue(store, "help:x", OTHER)
    assert [m.id for m in store.claim_due(10, lease=LEASE, invitations=False)] == [reply]
    assert [m.purpose for m in store.claim_due(10, lease=LEASE)] == ["invitation"]


def test_two_workers_never_claim_the_same_message(store_url: str, clock: MovableClock) -> None:
    first = FeedbackStore.open(store_url, clock=clock)
    second = FeedbackStore.open(store_url, clock=clock)
    try:
        for number in range(60):
            queue(first, f"m{number}", f"+3584012{number:05d}")
        claimed: list[list[int]] = [[], []]

        def work(index: int, worker: FeedbackStore) -> None:
            while batch := worker.claim_due(4, lease=LEASE):
                claimed[index].extend(message.id for message in batch)

        threads = [
            threading.Thread(target=work, args=(index, worker))
            for index, worker in enumerate((first, second))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        everything = claimed[0] + claimed[1]
        assert len(everything) == 60
        assert len(set(everything)) == 60
    finally:
        first.close()
        second.close()


# --- results ----------------------------------------------------------------------------------


def test_sent_messages_record_the_provider_id_and_the_invitation_sent_time(
    store: FeedbackStore, clock: MovableClock
) -> None:
    invitation = invite(store, PHONE, sent=False)
    row_id = queue(store, "inv", purpose="invitation", invitation_id=invitation.invitation_id)
    store.claim_due(10, lease=LEASE)
    store.mark_sent([(row_id, "prov-1")], at=clock.at)
    (message,) = store.outbox()
    assert (message.status, message.provider_message_id, message.sent_at) == (
        "sent",
        "prov-1",
        clock.at,
    )
    assert message.to_phone == PHONE  # kept until the receipt says delivered
    sent = store.invitation(invitation.invitation_id)
    assert sent is not None and sent.sent_at == clock.at


def test_a_retry_waits_and_a_failure_erases_the_number(
    store: FeedbackStore, clock: MovableClock
) -> None:
    retried, failed = queue(store, "a"), queue(store, "b", OTHER)
    store.claim_due(10, lease=LEASE)
    store.mark_retry(retried, error="unavailable: 503", next_attempt_at=clock.at + LEASE)
    store.mark_failed(failed, error="rejected: 400")
    by_id = {message.id: message for message in store.outbox()}
    assert (by_id[retried].status, by_id[retried].last_error) == ("pending", "unavailable: 503")
    assert by_id[retried].next_attempt_at == clock.at + LEASE
    assert (by_id[failed].status, by_id[failed].to_phone) == ("failed", None)
    assert store.claim_due(10, lease=LEASE) == []
    clock.advance(LEASE)
    assert [m.id for m in store.claim_due(10, lease=LEASE)] == [retried]


def test_receipts_erase_the_number_and_are_idempotent(
    store: FeedbackStore, clock: MovableClock
) -> None:
    delivered, lost = queue(store, "a"), queue(store, "b", OTHER)
    store.claim_due(10, lease=LEASE)
    store.mark_sent([(delivered, "p-1"), (lost, "p-2")], at=clock.at)
    assert store.record_receipt(DeliveryReceipt("p-1", "pending", clock.at))
    assert store.outbox()[0].to_phone == PHONE
    assert store.record_receipt(DeliveryReceipt("p-1", "delivered", clock.at))
    assert store.record_receipt(DeliveryReceipt("p-2", "failed", clock.at))
    assert store.record_receipt(DeliveryReceipt("p-1", "failed", clock.at))  # too late
    assert not store.record_receipt(DeliveryReceipt("p-unknown", "delivered", clock.at))
    first, second = store.outbox()
    assert (first.status, first.to_phone, first.delivered_at) == ("delivered", None, clock.at)
    assert (second.status, second.to_phone) == ("undeliverable", None)


def test_a_receipt_overtaking_the_sent_note_is_matched_by_reference(
    store: FeedbackStore, clock: MovableClock
) -> None:
    row_id = queue(store, "a")
    (claimed,) = store.claim_due(10, lease=LEASE)
    assert claimed.reference == outbox_reference(row_id, "a")
    receipt = DeliveryReceipt("p-9", "delivered", clock.at, reference=claimed.reference)
    assert store.record_receipt(receipt)
    store.mark_sent([(row_id, "p-9")], at=clock.at)
    (message,) = store.outbox()
    assert (message.status, message.provider_message_id, message.to_phone) == (
        "delivered",
        "p-9",
        None,
    )
    forged = DeliveryReceipt("p-10", "delivered", clock.at, reference=f"{row_id}-0000")
    assert not store.record_receipt(forged)


def test_messages_nobody_can_use_are_given_up(store: FeedbackStore, clock: MovableClock) -> None:
    invitation = invite(store, PHONE, sent=False, valid_for=timedelta(hours=1))
    queue(store, "inv", purpose="invitation", invitation_id=invitation.invitation_id)
    queue(store, "closed", OTHER, purpose="closed")
    clock.advance(timedelta(hours=1))
    assert store.give_up_expired(reply_lifetime=timedelta(days=2)) == 1
    clock.advance(timedelta(days=2))
    assert store.give_up_expired(reply_lifetime=timedelta(days=2)) == 1
    assert {(m.status, m.to_phone) for m in store.outbox()} == {("failed", None)}


def test_numbers_without_a_receipt_are_erased_after_a_while(
    store: FeedbackStore, clock: MovableClock
) -> None:
    row_id = queue(store, "a")
    store.claim_due(10, lease=LEASE)
    store.mark_sent([(row_id, "p-1")], at=clock.at)
    assert store.erase_stale_numbers(sent_before=clock.at) == 0
    assert store.erase_stale_numbers(sent_before=clock.at + timedelta(seconds=1)) == 1
    assert store.outbox()[0].to_phone is None


def test_outbox_counts_name_every_status(store: FeedbackStore) -> None:
    queue(store, "a")
    counts = store.outbox_counts()
    assert counts["pending"] == 1
    assert set(counts) >= {"pending", "sending", "sent", "delivered", "failed", "cancelled"}
    assert sum(counts.values()) == 1


# --- opt-outs ---------------------------------------------------------------------------------


def test_opting_out_cancels_what_waits_for_the_number(store: FeedbackStore) -> None:
    key = phone_key(SECRET, PHONE)
    invitation = invite(store, PHONE, sent=False)
    queue(store, "inv", purpose="invitation", invitation_id=invitation.invitation_id)
    queue(store, "closed", purpose="closed")  # no invitation: found by the number
    queue(store, "other", OTHER)
    queue(store, "confirm", purpose="opted_out")
    assert store.opt_out(key, "sms", phone=PHONE)
    assert not store.opt_out(key, "sms", phone=PHONE)
    assert store.is_opted_out(key)
    assert store.opted_out_among([key, phone_key(SECRET, OTHER)]) == {key}
    statuses = {m.dedupe_key: (m.status, m.to_phone) for m in store.outbox()}
    assert statuses == {
        "inv": ("cancelled", None),
        "closed": ("cancelled", None),
        "other": ("pending", OTHER),
        "confirm": ("pending", PHONE),
    }


def test_an_administrator_can_correct_an_opt_out(store: FeedbackStore) -> None:
    key = phone_key(SECRET, PHONE)
    store.opt_out(key, "admin")
    assert store.remove_opt_out(key)
    assert not store.is_opted_out(key)
    assert not store.remove_opt_out(key)
    with pytest.raises(ValueError, match="source"):
        store.opt_out(key, "web")


# --- the inbox --------------------------------------------------------------------------------


def inbound(message_id: str, text: str = "9", phone: str = PHONE) -> InboundSms:
    return InboundSms(message_id, phone, text, invite_time)


invite_time = MovableClock().at


def test_a_reply_is_stored_once_per_provider_id(store: FeedbackStore) -> None:
    key = phone_key(SECRET, PHONE)
    first = store.record_inbound(inbound("m-1"), key)
    assert first[1] is True
    assert store.record_inbound(inbound("m-1", "changed"), key) == (first[0], False)
    (waiting,) = store.unprocessed_inbound()
    assert (waiting.provider_message_id, waiting.body, waiting.phone_key) == ("m-1", "9", key)
    store.mark_inbound_processed(first[0], "answered")
    assert store.unprocessed_inbound() == []
    stored = store.inbound("m-1")
    assert stored is not None and stored.outcome == "answered"


def test_handling_a_reply_is_all_or_nothing(store: FeedbackStore) -> None:
    key = phone_key(SECRET, PHONE)

    def broken(_context: InboundContext) -> InboundPlan:
        raise RuntimeError("a bug in the rules")

    with pytest.raises(RuntimeError):
        store.handle_inbound(inbound("m-1"), key, broken)
    assert store.inbound("m-1") is None  # nothing half-done

    seen: list[InboundContext] = []

    def note(context: InboundContext) -> InboundPlan:
        seen.append(context)
        return InboundPlan("noted")

    handled = store.handle_inbound(inbound("m-1"), key, note)
    assert (handled.created, handled.outcome) == (True, "noted")
    again = store.handle_inbound(inbound("m-1"), key, lambda _context: InboundPlan("again"))
    assert (again.created, again.outcome, again.inbound_id) == (False, None, handled.inbound_id)
    stored = store.inbound("m-1")  # the second delivery's plan was not applied
    assert stored is not None and stored.outcome == "noted"
    assert len(seen) == 1
    assert seen[0].can_reply and seen[0].invitation is None and seen[0].last_language is None


def test_a_stored_reply_is_processed_later_without_a_number(store: FeedbackStore) -> None:
    key = phone_key(SECRET, PHONE)
    invitation = invite(store, PHONE, language="sv")
    row_id, _ = store.record_inbound(inbound("m-1"), key)
    seen: list[InboundContext] = []

    def note(context: InboundContext) -> InboundPlan:
        seen.append(context)
        return InboundPlan("later")

    handled = store.process_stored_inbound(row_id, note)
    assert handled is not None and handled.outcome == "later"
    assert store.process_stored_inbound(row_id, note) is None
    (context,) = seen
    assert not context.can_reply
    assert context.invitation is not None
    assert context.invitation.invitation_id == invitation.invitation_id
    assert context.last_language == "sv"
