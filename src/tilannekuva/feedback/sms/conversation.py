"""The conversation rules: what one inbound SMS does, and which reply (if any) it gets.

An SMS conversation must never turn into a loop of automatic messages, and a customer's "9"
must become exactly one answer however often the gateway delivers it. The rules:

- ``STOP``/``LOPETA``/``SLUTA``: the number is opted out for good, what waits for it is
  cancelled, and one ``opted_out`` confirmation is sent (once per number, ever).
- A score answering the open invitation becomes the answer (key ``sms:<provider id>``) and
  gets ``thanks_with_link``: a fresh one-time link to the statements and the comment. A second
  score does not make a second answer; it gets at most one ``thanks`` per invitation.
- Other text after the score is the answer's free comment, if it has none yet.
- Other text before any score gets ONE ``help`` message per invitation.
- A reply with no open invitation (expired) gets one ``closed`` message per number per day;
  a number never invited gets nothing (the service does not start conversations with
  strangers).

Every "once" is a unique outbox ``dedupe_key``, so it holds across processes and retries.
:meth:`Conversation.decide` is pure (it only reads the context); the store applies its plan in
the same transaction that stores the reply (:meth:`FeedbackStore.handle_inbound`).
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from tilannekuva.feedback.config import FeedbackConfig
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.questionnaire import Questionnaire, Texts
from tilannekuva.feedback.sms.gateway import InboundSms
from tilannekuva.feedback.sms.replies import OptOut, Score, parse_reply
from tilannekuva.feedback.store import Answer, FeedbackStore
from tilannekuva.feedback.store.messaging import (
    HandledInbound,
    InboundContext,
    InboundPlan,
    PlannedSms,
)
from tilannekuva.feedback.tokens import new_token, token_hash

HELSINKI = ZoneInfo("Europe/Helsinki")
DEFAULT_LANGUAGE = "fi"
FOLLOW_UP_PATH = "/f/"

log = logging.getLogger(__name__)


class Conversation:
    """Turns inbound messages into answers, opt-outs and replies (see the module docstring)."""

    def __init__(
        self, store: FeedbackStore, questionnaire: Questionnaire, config: FeedbackConfig
    ) -> None:
        self.store = store
        self.questionnaire = questionnaire
        self.secret = config.phone_key_secret
        self.public_base_url = config.public_base_url.rstrip("/")

    def receive(self, inbound: InboundSms) -> HandledInbound:
        """Store one inbound message and act on it; it is stored when this returns.

        If acting on it fails for any reason but the database, the message is stored alone
        and left for :meth:`process_stored`; a database failure propagates (the webhook then
        answers 503 and the gateway delivers the message again).
        """
        key = phone_key(self.secret, inbound.from_phone)
        try:
            return self.store.handle_inbound(inbound, key, self.decide)
        except SQLAlchemyError:
            raise  # nothing is stored: the gateway must deliver the message again
        except Exception:
            log.exception("reply %s stored unprocessed", inbound.provider_message_id)
            inbound_id, created = self.store.record_inbound(inbound, key)
            return HandledInbound(inbound_id, created, None)

    def process_stored(self, limit: int = 100) -> int:
        """Act on replies that were stored but not processed; returns how many were done.

        The inbox keeps no phone numbers, so these replies get no reply message — their
        answer, comment or opt-out is what matters and is recorded.
        """
        done = 0
        for stored in self.store.unprocessed_inbound(limit):
            try:
                handled = self.store.process_stored_inbound(stored.id, self.decide)
            except Exception:
                log.exception("reply %s still cannot be processed", stored.provider_message_id)
                continue
            done += handled is not None
        return done

    # --- the rules ------------------------------------------------------------------------

    def decide(self, context: InboundContext) -> InboundPlan:
        """The plan for one reply (pure: reads the context, writes nothing)."""
        reply = parse_reply(context.text)
        invitation = context.invitation
        language = invitation.language if invitation else context.last_language
        language = language or DEFAULT_LANGUAGE
        if isinstance(reply, OptOut):
            return InboundPlan(
                "opted_out",
                opt_out=True,
                reply=self._sms("opted_out", language, f"opted_out:{context.phone_key}"),
            )
        if invitation is None:
            if context.last_language is None:
                return InboundPlan("unknown_number")
            if context.opted_out:
                return InboundPlan("closed_silently")
            day = context.now.astimezone(HELSINKI).date().isoformat()
            return InboundPlan(
                "closed", reply=self._sms("closed", language, f"closed:{context.phone_key}:{day}")
            )
        if isinstance(reply, Score):
            return self._score(context, reply, language)
        if context.response_id is not None:
            if reply.text and not context.has_comment:
                return InboundPlan("comment", comment=reply.text)
            return InboundPlan("comment_ignored")
        if invitation.help_sent or context.opted_out:
            return InboundPlan("help_already_sent")
        return InboundPlan(
            "help",
            reply=self._sms(
                "help",
                language,
                f"help:{invitation.invitation_id}",
                invitation_id=invitation.invitation_id,
                sets_help_sent=True,
            ),
        )

    def _score(self, context: InboundContext, score: Score, language: str) -> InboundPlan:
        invitation = context.invitation
        assert invitation is not None
        thanks_key = f"thanks:{invitation.invitation_id}"
        if context.response_id is not None:
            if context.opted_out:
                return InboundPlan("already_answered")
            return InboundPlan(
                "already_answered",
                reply=self._sms(
                    "thanks", language, thanks_key, invitation_id=invitation.invitation_id
                ),
            )
        answer = Answer(
            answer_key=f"sms:{context.provider_message_id}",
            unit_id=invitation.unit_id,
            channel="sms",
            language=invitation.language,
            questionnaire_version=invitation.questionnaire_version,
            submitted_at=context.received_at,
            invitation_id=invitation.invitation_id,
            service_area=invitation.service_area,
            nps=score.value,
            free_text=score.comment,
        )
        if context.opted_out:
            return InboundPlan("answered", answer=answer)
        token = new_token()
        link = f"{self.public_base_url}{FOLLOW_UP_PATH}{token}"
        body = self.questionnaire.text(self.questionnaire.sms.thanks_with_link, language)
        return InboundPlan(
            "answered",
            answer=answer,
            reply=PlannedSms(
                "thanks_with_link",
                body.format(link=link),
                thanks_key,
                invitation_id=invitation.invitation_id,
                token_hash=token_hash(token),
                sets_followup_sent=True,
            ),
        )

    def _sms(
        self,
        name: str,
        language: str,
        dedupe_key: str,
        *,
        invitation_id: str | None = None,
        sets_help_sent: bool = False,
    ) -> PlannedSms:
        texts: Texts = getattr(self.questionnaire.sms, name)
        return PlannedSms(
            name,
            self.questionnaire.text(texts, language),
            dedupe_key,
            invitation_id=invitation_id,
            sets_help_sent=sets_help_sent,
        )
