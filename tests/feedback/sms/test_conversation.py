"""The conversation rules through the store, on SQLite and PostgreSQL: a reply becomes one
answer, an opt-out is for good, help is sent once, and no reply ever starts a loop."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest

from tests.feedback.sms.fixtures import SECRET, MovableClock, invite
from tilannekuva.feedback.config import FeedbackConfig
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.sms.conversation import Conversation
from tilannekuva.feedback.sms.gateway import InboundSms
from tilannekuva.feedback.store import Answer, FeedbackStore
from tilannekuva.feedback.store.messaging import (
    HandledInbound,
    InboundContext,
    InboundPlan,
    StoredInbound,
)

PHONE = "+358401234567"
BASE = "https://palaute.example.fi"
SMS = load_questionnaire().sms
_ids = itertools.count(1)


@pytest.fixture
def conversation(store: FeedbackStore) -> Conversation:
    config = FeedbackConfig(phone_key_secret=SECRET, public_base_url=BASE + "/")
    return Conversation(store, load_questionnaire(), config)


def say(
    conversation: Conversation, text: str, phone: str = PHONE, message_id: str | None = None
) -> HandledInbound:
    inbound = InboundSms(message_id or f"msg-{next(_ids)}", phone, text, conversation.store.now())
    return conversation.receive(inbound)


def replies(store: FeedbackStore) -> list[tuple[str, str]]:
    """(purpose, body) of every message queued except invitations."""
    return [(m.purpose, m.body) for m in store.outbox() if m.purpose != "invitation"]


def test_a_score_becomes_the_answer_and_gets_a_working_follow_up_link(
    store: FeedbackStore, conversation: Conversation
) -> None:
    invitation = invite(store, PHONE, language="sv", unit_id="unit-7", service_area="dental")
    handled = say(conversation, "9", message_id="prov-1")
    assert handled.outcome == "answered"
    (answer,) = store.answers()
    assert answer.response_id == handled.response_id
    assert (answer.nps, answer.channel, answer.language) == (9, "sms", "sv")
    assert (answer.unit_id, answer.service_area) == ("unit-7", "dental")
    assert answer.invitation_id == invitation.invitation_id
    assert store.answer_by_key("sms:prov-1") == answer
    ((purpose, body),) = replies(store)
    assert purpose == "thanks_with_link"
    prefix = SMS.thanks_with_link["sv"].split("{link}")[0]
    assert body.startswith(prefix)
    token = body.split(f"{BASE}/f/")[1]
    opened = store.invitation_by_token(token)
    assert opened is not None and opened.invitation_id == invitation.invitation_id
    assert opened.followup_sent


def test_a_score_with_a_comment_keeps_the_comment(
    store: FeedbackStore, conversation: Conversation
) -> None:
    invite(store, PHONE)
    say(conversation, "10, ystävällinen hoitaja")
    (answer,) = store.answers()
    assert (answer.nps, answer.free_text) == (10, "ystävällinen hoitaja")


def test_a_duplicate_delivery_changes_nothing(
    store: FeedbackStore, conversation: Conversation
) -> None:
    invite(store, PHONE)
    first = say(conversation, "9", message_id="prov-1")
    again = say(conversation, "9", message_id="prov-1")
    assert (first.created, again.created, again.inbound_id) == (True, False, first.inbound_id)
    assert store.count_answers() == 1
    assert len(replies(store)) == 1


def test_a_second_score_is_not_a_second_answer(
    store: FeedbackStore, conversation: Conversation
) -> None:
    invite(store, PHONE)
    say(conversation, "9")
    assert say(conversation, "3").outcome == "already_answered"
    assert say(conversation, "10").outcome == "already_answered"
    (answer,) = store.answers()
    assert answer.nps == 9
    assert [purpose for purpose, _ in replies(store)] == ["thanks_with_link"]


def test_a_score_after_answering_on_the_web_gets_one_thanks(
    store: FeedbackStore, conversation: Conversation
) -> None:
    invitation = invite(store, PHONE, language="en")
    store.record_answer(
        Answer(
            answer_key=f"web:{invitation.invitation_id}",
            unit_id=invitation.unit_id,
            channel="web_link",
            language="en",
            questionnaire_version=invitation.questionnaire_version,
            submitted_at=store.now(),
            invitation_id=invitation.invitation_id,
            nps=7,
        )
    )
    say(conversation, "9")
    say(conversation, "9")
    assert [answer.nps for answer in store.answers()] == [7]
    assert replies(store) == [("thanks", SMS.thanks["en"])]


def test_text_after_the_score_is_the_comment_once(
    store: FeedbackStore, conversation: Conversation
) -> None:
    invite(store, PHONE)
    say(conversation, "8")
    assert say(conversation, "Jonotus kesti, muuten hyvä. Soita 040 765 4321").outcome == "comment"
    assert say(conversation, "Ja vielä yksi asia").outcome == "comment_ignored"
    (answer,) = store.answers()
    assert answer.free_text == "Jonotus kesti, muuten hyvä. Soita 040 765 4321"
    assert answer.free_text_screened is not None and "765" not in answer.free_text_screened
    assert len(replies(store)) == 1  # the comment gets no message: nothing to loop on


def test_unreadable_text_gets_one_help_message_never_a_loop(
    store: FeedbackStore, conversation: Conversation
) -> None:
    invitation = invite(store, PHONE, language="en")
    assert say(conversation, "What is this?").outcome == "help"
    assert say(conversation, "??").outcome == "help_already_sent"
    assert say(conversation, "9 or 10").outcome == "help_already_sent"
    assert replies(store) == [("help", SMS.help["en"])]
    flagged = store.invitation(invitation.invitation_id)
    assert flagged is not None and flagged.help_sent
    assert say(conversation, "9").outcome == "answered"
    assert store.answers()[0].nps == 9


def test_opting_out_is_for_good_with_one_confirmation(
    store: FeedbackStore, conversation: Conversation
) -> None:
    invitation = invite(store, PHONE, sent=False)
    store.enqueue_sms(
        PHONE,
        "invitation",
        dedupe_key=f"invitation:{invitation.invitation_id}",
        purpose="invitation",
        invitation_id=invitation.invitation_id,
    )
    assert say(conversation, "Lopeta").outcome == "opted_out"
    assert say(conversation, "STOP").outcome == "opted_out"
    key = phone_key(SECRET, PHONE)
    assert store.is_opted_out(key)
    statuses = {m.purpose: m.status for m in store.outbox()}
    assert statuses == {"invitation": "cancelled", "opted_out": "pending"}
    assert replies(store) == [("opted_out", SMS.opted_out["fi"])]
    later = invite(store, PHONE, sent=False)
    refused = store.enqueue_sms(
        PHONE,
        "invitation",
        dedupe_key=f"invitation:{later.invitation_id}",
        purpose="invitation",
        invitation_id=later.invitation_id,
    )
    assert refused is None


def test_an_opted_out_number_can_still_answer_but_gets_no_message(
    store: FeedbackStore, conversation: Conversation
) -> None:
    invite(store, PHONE, language="sv")
    say(conversation, "sluta")
    assert say(conversation, "9").outcome == "answered"
    assert say(conversation, "hej").outcome == "comment"
    assert [answer.nps for answer in store.answers()] == [9]
    assert replies(store) == [("opted_out", SMS.opted_out["sv"])]


def test_a_reply_to_an_expired_invitation_gets_closed_once_a_day(
    store: FeedbackStore, conversation: Conversation, clock: MovableClock
) -> None:
    invite(store, PHONE, language="en", valid_for=timedelta(days=1))
    clock.advance(timedelta(days=2))
    assert say(conversation, "9").outcome == "closed"
    assert say(conversation, "hello?").outcome == "closed"
    assert store.count_answers() == 0
    assert replies(store) == [("closed", SMS.closed["en"])]
    clock.advance(timedelta(days=1))
    say(conversation, "9")
    assert replies(store) == [("closed", SMS.closed["en"])] * 2


def test_a_stranger_gets_no_reply_but_can_still_opt_out(
    store: FeedbackStore, conversation: Conversation
) -> None:
    assert say(conversation, "9").outcome == "unknown_number"
    assert say(conversation, "hello").outcome == "unknown_number"
    assert replies(store) == []
    assert say(conversation, "stop").outcome == "opted_out"
    assert replies(store) == [("opted_out", SMS.opted_out["fi"])]


def test_a_reply_answers_the_newest_open_invitation(
    store: FeedbackStore, conversation: Conversation, clock: MovableClock
) -> None:
    invite(store, PHONE, unit_id="old-unit")
    clock.advance(timedelta(hours=2))
    newest = invite(store, PHONE, unit_id="new-unit")
    say(conversation, "6")
    (answer,) = store.answers()
    assert (answer.invitation_id, answer.unit_id) == (newest.invitation_id, "new-unit")


def test_a_reply_whose_processing_fails_is_kept_and_done_later(
    store: FeedbackStore, conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    invite(store, PHONE)
    rules = conversation.decide

    def broken(_context: InboundContext) -> InboundPlan:
        raise RuntimeError("a bug in the rules")

    monkeypatch.setattr(conversation, "decide", broken)
    handled = say(conversation, "9", message_id="prov-1")
    assert (handled.created, handled.outcome) == (True, None)
    assert store.count_answers() == 0
    assert say(conversation, "9", message_id="prov-1").created is False
    assert conversation.process_stored() == 0  # still broken: kept, not lost
    monkeypatch.setattr(conversation, "decide", rules)
    assert conversation.process_stored() == 1
    assert conversation.process_stored() == 0
    (answer,) = store.answers()
    assert answer.nps == 9
    assert replies(store) == []  # the inbox keeps no number to reply to


def test_replies_racing_each_other_make_one_answer(
    store_url: str, store: FeedbackStore, clock: MovableClock
) -> None:
    """Several processes receive replies to one invitation at the same moment — a customer
    who sent "9" and "10", and the gateway delivering "9" twice: one answer, one thanks."""
    invite(store, PHONE)
    config = FeedbackConfig(phone_key_secret=SECRET, public_base_url=BASE)
    stores = [FeedbackStore.open(store_url, clock=clock) for _ in range(4)]
    texts = [("prov-a", "9"), ("prov-b", "10"), ("prov-a", "9"), ("prov-c", "8")]
    barrier = threading.Barrier(len(stores))

    def receive(index: int) -> None:
        conversation = Conversation(stores[index], load_questionnaire(), config)
        message_id, text = texts[index]
        barrier.wait()
        say(conversation, text, message_id=message_id)

    threads = [threading.Thread(target=receive, args=(index,)) for index in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for opened in stores:
        opened.close()
    assert store.count_answers() == 1
    assert [purpose for purpose, _ in replies(store)] == ["thanks_with_link"]
    assert {stored.provider_message_id for stored in _all_inbound(store)} == {
        "prov-a",
        "prov-b",
        "prov-c",
    }


def _all_inbound(store: FeedbackStore) -> list[StoredInbound]:
    found = [store.inbound(message_id) for message_id in ("prov-a", "prov-b", "prov-c")]
    return [stored for stored in found if stored is not None]


def test_a_reply_before_the_worker_marks_the_invitation_sent_is_an_answer(
    store: FeedbackStore, conversation: Conversation
) -> None:
    """The gateway can deliver the invitation and the customer answer it before the worker
    has written down that the gateway accepted it; the reply is an answer all the same."""
    invitation = invite(store, PHONE, sent=False)
    store.enqueue_sms(
        PHONE,
        "invitation text",
        dedupe_key=f"invitation:{invitation.invitation_id}",
        purpose="invitation",
        invitation_id=invitation.invitation_id,
    )
    (claimed,) = store.claim_due(10, lease=timedelta(minutes=5))  # handed to the gateway
    assert claimed.invitation_id == invitation.invitation_id
    handled = say(conversation, "10")
    assert handled.outcome == "answered"
    (answer,) = store.answers()
    assert (answer.invitation_id, answer.nps) == (invitation.invitation_id, 10)


def test_a_reply_to_an_invitation_still_waiting_in_the_outbox_is_not_an_answer(
    store: FeedbackStore, conversation: Conversation
) -> None:
    invitation = invite(store, PHONE, sent=False)
    store.enqueue_sms(
        PHONE,
        "invitation text",
        dedupe_key=f"invitation:{invitation.invitation_id}",
        purpose="invitation",
        invitation_id=invitation.invitation_id,
    )
    say(conversation, "10")  # the customer cannot have seen a message never sent
    assert store.answers() == []
