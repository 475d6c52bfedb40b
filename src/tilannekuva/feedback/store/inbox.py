"""The inbox of SMS replies: each stored once, and acted on in the transaction that stores it.

A reply must be in the database before the webhook answers 200, and the same reply delivered
twice must not make two answers. Both follow from one transaction per reply
(:meth:`InboxMixin.handle_inbound`): the conversation rules read the situation and return a
plan — an answer, a comment, an opt-out, one reply message — the reply is inserted (its
provider id is unique, so a second delivery stops there) and the plan is applied before the
commit. One commit per reply, and a handful of Core statements built once per database
(building and keying a statement costs more than running it on SQLite), is what lets the
webhook take hundreds of replies a second.

The rules themselves live in :mod:`tilannekuva.feedback.sms.conversation`; this module only
reads (:class:`InboundContext`) and writes (:class:`InboundPlan`). The inbox keeps the
number's key, never the number: a reply processed later, from the inbox alone, can still
become an answer but can no longer be answered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, String, bindparam, exists, func, or_, select, update

from tilannekuva.feedback.sms.gateway import InboundSms
from tilannekuva.feedback.store.answers import (
    Answer,
    Invitation,
    clean_comment,
    insert_answer,
    response_insert,
)
from tilannekuva.feedback.store.models import (
    InboundRow,
    InvitationRow,
    OptOutRow,
    OutboxRow,
    ResponseRow,
)
from tilannekuva.feedback.store.outbox import OutboxMixin, dialect_insert, table_of

OUTCOME_LENGTH = 32  # the column's width


@dataclass(frozen=True)
class StoredInbound:
    """One reply as the inbox keeps it (no number: only its key)."""

    id: int
    provider_message_id: str
    phone_key: str
    body: str
    received_at: datetime
    processed_at: datetime | None
    outcome: str | None


@dataclass(frozen=True)
class InboundContext:
    """What the conversation rules see of one reply, read inside its transaction."""

    provider_message_id: str
    text: str
    received_at: datetime
    phone_key: str
    can_reply: bool  # False when processed later from the inbox, which keeps no number
    opted_out: bool
    invitation: Invitation | None  # the open invitation the reply answers
    response_id: str | None  # that invitation's answer, if it has one
    has_comment: bool  # … and whether the answer has a free comment already
    last_language: str | None  # language of the newest invitation ever sent to the number
    now: datetime


@dataclass(frozen=True)
class PlannedSms:
    """A reply message the plan sends (skipped when the number is not known)."""

    purpose: str
    body: str
    dedupe_key: str
    invitation_id: str | None = None
    token_hash: str | None = None  # the message carries a new link: its token replaces the old
    sets_help_sent: bool = False
    sets_followup_sent: bool = False


@dataclass(frozen=True)
class InboundPlan:
    """What to do about one reply; ``outcome`` is recorded on the inbox row."""

    outcome: str
    opt_out: bool = False
    answer: Answer | None = None
    comment: str | None = None  # added to the open invitation's answer, if it has none
    reply: PlannedSms | None = None


@dataclass(frozen=True)
class HandledInbound:
    """The result of :meth:`InboxMixin.handle_inbound`."""

    inbound_id: int
    created: bool  # False: the provider sent this message before; nothing was done again
    outcome: str | None
    response_id: str | None = None  # the answer the reply created, if any
    reply_id: int | None = None  # the outbox row of the reply, if one was queued


Decide = Callable[[InboundContext], InboundPlan]
_INVITATION_FIELDS = tuple(field.name for field in fields(Invitation))


def _inbound(row: Any) -> StoredInbound:
    return StoredInbound(
        row.id,
        row.provider_message_id,
        row.phone_key,
        row.body,
        row.received_at,
        row.processed_at,
        row.outcome,
    )


class _ReplySql:
    """The statements of the reply transaction, built once per database."""

    def __init__(self, dialect: str) -> None:
        inbound, invitation = table_of(InboundRow), table_of(InvitationRow)
        response, opt_out, outbox = table_of(ResponseRow), table_of(OptOutRow), table_of(OutboxRow)
        key = bindparam("key", type_=String())
        self.insert_inbound = (
            dialect_insert(dialect, inbound)
            .on_conflict_do_nothing(index_elements=["provider_message_id"])
            .returning(inbound.c.id)
        )
        self.inbound_id = select(inbound.c.id).where(
            inbound.c.provider_message_id == bindparam("provider_id")
        )
        self.mark_processed = (
            update(inbound)
            .where(inbound.c.id == bindparam("inbound_id"))
            .values(processed_at=bindparam("at"), outcome=bindparam("result"))
        )
        first_answer = (
            select(response.c.response_id, response.c.free_text)
            .where(response.c.invitation_id == invitation.c.invitation_id)
            .order_by(response.c.id)
            .limit(1)
        )
        opted_out = exists().where(opt_out.c.phone_key == key)
        # The newest invitation sent to the number, an open one first. "Sent" includes a
        # message the worker has handed to the gateway but not yet marked sent: a quick reply
        # can arrive in between, and it is an answer all the same.
        handed_over = exists().where(
            outbox.c.invitation_id == invitation.c.invitation_id,
            outbox.c.purpose == "invitation",
            outbox.c.status.in_(("sending", "sent", "delivered")),
        )
        newest = (
            select(invitation.c.invitation_id)
            .where(
                invitation.c.phone_key == key,
                or_(invitation.c.sent_at.is_not(None), handed_over),
            )
            .order_by(
                (invitation.c.expires_at > bindparam("now")).desc(),
                func.coalesce(invitation.c.sent_at, invitation.c.send_after).desc(),
            )
            .limit(1)
        )
        # PostgreSQL: replies to one invitation take turns on its row lock. The lock is its
        # own statement, so the context read after it sees the answer the previous holder
        # committed (a statement reads as of its start). SQLite has one writer anyway.
        self.lock_newest = (
            newest.with_for_update(of=invitation) if dialect == "postgresql" else None
        )
        self.context = newest.with_only_columns(
            *(invitation.c[name] for name in _INVITATION_FIELDS),
            opted_out.label("opted_out"),
            first_answer.with_only_columns(response.c.response_id)
            .scalar_subquery()
            .label("response_id"),
            first_answer.with_only_columns(response.c.free_text).scalar_subquery().label("comment"),
        )
        self.opted_out = select(opted_out)
        self.insert_response = response_insert(dialect)
        self.add_comment = (
            update(response)
            .where(response.c.response_id == bindparam("response"), response.c.free_text.is_(None))
            .values(
                free_text=bindparam("text"),
                free_text_screened=bindparam("screened"),
                updated_at=bindparam("at"),
            )
        )
        self.insert_outbox = (
            dialect_insert(dialect, outbox)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(outbox.c.id)
        )
        self.outbox_id = select(outbox.c.id).where(outbox.c.dedupe_key == bindparam("dedupe"))
        self._invitation = invitation
        self._flag_updates: dict[tuple[str, ...], Any] = {}

    def invitation_flags(self, names: tuple[str, ...]) -> Any:
        """``UPDATE fb_invitations SET <names> … WHERE invitation_id = :invitation``, with
        the new values as ``new_<name>``."""
        statement = self._flag_updates.get(names)
        if statement is None:
            invitation = self._invitation
            statement = (
                update(invitation)
                .where(invitation.c.invitation_id == bindparam("invitation"))
                .values({name: bindparam(f"new_{name}") for name in names})
            )
            self._flag_updates[names] = statement
        return statement


class InboxMixin(OutboxMixin):
    """Replies: stored once, and turned into answers, opt-outs and reply messages."""

    @cached_property
    def _reply_sql(self) -> _ReplySql:
        return _ReplySql(self.dialect)

    def record_inbound(self, inbound: InboundSms, phone_key: str) -> tuple[int, bool]:
        """Store a reply unprocessed; (row id, whether this call stored it).

        The same provider message id again stores nothing and returns the first row's id.
        """
        with self._writing(), self.engine.begin() as connection:
            return self._insert_inbound(connection, inbound, phone_key)

    def _insert_inbound(
        self,
        connection: Connection,
        inbound: InboundSms,
        phone_key: str,
        processed: tuple[datetime, str] | None = None,
    ) -> tuple[int, bool]:
        """Insert the reply, already marked ``processed`` (when, outcome) if that is given;
        (row id, whether this call inserted it)."""
        sql = self._reply_sql
        processed_at, outcome = processed or (None, None)
        created = connection.execute(
            sql.insert_inbound,
            {
                "provider_message_id": inbound.provider_message_id,
                "phone_key": phone_key,
                "body": inbound.text,
                "received_at": inbound.received_at,
                "processed_at": processed_at,
                "outcome": outcome,
            },
        ).scalar()
        if created is not None:
            return int(created), True
        existing = connection.execute(
            sql.inbound_id, {"provider_id": inbound.provider_message_id}
        ).scalar_one()
        return int(existing), False

    def inbound(self, provider_message_id: str) -> StoredInbound | None:
        with self._session() as session:
            row = session.scalar(
                select(InboundRow).where(InboundRow.provider_message_id == provider_message_id)
            )
            return _inbound(row) if row is not None else None

    def unprocessed_inbound(self, limit: int = 100) -> list[StoredInbound]:
        """Replies stored but not acted on (their processing failed), oldest first."""
        with self._session() as session:
            rows = session.scalars(
                select(InboundRow)
                .where(InboundRow.processed_at.is_(None))
                .order_by(InboundRow.id)
                .limit(limit)
            )
            return [_inbound(row) for row in rows]

    def mark_inbound_processed(self, inbound_id: int, outcome: str) -> None:
        with self._writing(), self._session() as session, session.begin():
            session.execute(
                update(InboundRow)
                .where(InboundRow.id == inbound_id, InboundRow.processed_at.is_(None))
                .values(processed_at=self.now(), outcome=outcome[:OUTCOME_LENGTH])
            )

    def handle_inbound(self, inbound: InboundSms, phone_key: str, decide: Decide) -> HandledInbound:
        """Store a reply and act on it in one transaction (one commit).

        ``decide`` (the conversation rules) gets the situation and returns the plan; if it
        raises, nothing is stored and the exception propagates — the caller then stores the
        reply alone with :meth:`record_inbound` and processes it later. A provider id seen
        before does nothing and returns ``created=False``.

        On PostgreSQL the reply is inserted after the rules decided, already marked
        processed: one statement fewer than an insert and an update (a reply costs about ten
        round trips, and the database's work for them was half the machine's). On SQLite the
        reply is inserted first, because the first statement of an SQLite transaction must be
        its write: a transaction that read first cannot write once another process has
        written meanwhile (``SQLITE_BUSY_SNAPSHOT``, raised at once instead of waiting).
        """
        reply = _Reply(inbound, phone_key, inbound.from_phone)
        with self._writing(), self.engine.begin() as connection:
            if self.dialect != "sqlite":
                return self._process(connection, reply, None, decide)
            inbound_id, created = self._insert_inbound(connection, inbound, phone_key)
            if not created:
                return HandledInbound(inbound_id, False, None)
            return self._process(connection, reply, inbound_id, decide)

    def process_stored_inbound(self, inbound_id: int, decide: Decide) -> HandledInbound | None:
        """Act on a stored, unprocessed reply (the recovery path). The inbox keeps no number,
        so no reply message can be sent; the answer, comment or opt-out is still recorded.
        None when the row is gone or was processed meanwhile."""
        inbox = table_of(InboundRow)
        with self._writing(), self.engine.begin() as connection:
            row = connection.execute(
                select(inbox)
                .where(inbox.c.id == inbound_id, inbox.c.processed_at.is_(None))
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            stored = InboundSms(row.provider_message_id, "", row.body, row.received_at)
            return self._process(connection, _Reply(stored, row.phone_key, None), row.id, decide)

    def _process(
        self, connection: Connection, reply: _Reply, inbound_id: int | None, decide: Decide
    ) -> HandledInbound:
        """Decide about ``reply`` and apply the plan. ``inbound_id`` is its stored row, which
        is marked processed; None inserts the reply processed (and stops there when the
        provider sent it before)."""
        sql = self._reply_sql
        now = self.now()
        context = self._context(connection, reply, now)
        plan = decide(context)
        outcome = plan.outcome[:OUTCOME_LENGTH]
        if inbound_id is None:
            inbound_id, created = self._insert_inbound(
                connection, reply.inbound, reply.phone_key, (now, outcome)
            )
            if not created:
                return HandledInbound(inbound_id, False, None)
        else:
            connection.execute(
                sql.mark_processed, {"inbound_id": inbound_id, "at": now, "result": outcome}
            )
        if plan.opt_out:
            self._opt_out(connection, reply.phone_key, "sms", reply.phone)
        response_id = None
        if plan.answer is not None:
            response_id = self._add_answer(connection, plan.answer, now)
        if plan.comment and context.response_id is not None:
            text, screened = clean_comment(plan.comment)
            if text is not None:
                connection.execute(
                    sql.add_comment,
                    {
                        "response": context.response_id,
                        "text": text,
                        "screened": screened,
                        "at": now,
                    },
                )
        reply_id = None
        if plan.reply is not None and reply.phone is not None:
            reply_id = self._queue_reply(connection, plan.reply, reply.phone, now)
        return HandledInbound(inbound_id, True, plan.outcome, response_id, reply_id)

    def _context(self, connection: Connection, reply: _Reply, now: datetime) -> InboundContext:
        sql = self._reply_sql
        params = {"key": reply.phone_key, "now": now}
        if sql.lock_newest is not None:
            connection.execute(sql.lock_newest, params)
        row = connection.execute(sql.context, params).first()
        invitation = None
        if row is not None:
            found = Invitation(**{name: getattr(row, name) for name in _INVITATION_FIELDS})
            invitation = None if found.expired(now) else found
            opted_out = bool(row.opted_out)
        else:
            opted_out = bool(connection.execute(sql.opted_out, {"key": reply.phone_key}).scalar())
        return InboundContext(
            provider_message_id=reply.inbound.provider_message_id,
            text=reply.inbound.text,
            received_at=reply.inbound.received_at,
            phone_key=reply.phone_key,
            can_reply=reply.phone is not None,
            opted_out=opted_out,
            invitation=invitation,
            response_id=row.response_id if invitation is not None and row is not None else None,
            has_comment=invitation is not None and row is not None and row.comment is not None,
            last_language=row.language if row is not None else None,
            now=now,
        )

    def _add_answer(self, connection: Connection, answer: Answer, now: datetime) -> str | None:
        """Insert an answer inside the reply's transaction, by the rules of
        ``record_answer``; the response id, or None when its ``answer_key`` is stored."""
        stored = insert_answer(connection, self._reply_sql.insert_response, answer, now)
        return None if stored is None else str(stored["response_id"])

    def _queue_reply(
        self, connection: Connection, reply: PlannedSms, phone: str, now: datetime
    ) -> int:
        """Queue the reply (once per ``dedupe_key``) and, when this call queued it, set the
        invitation's flags and link token. The opt-out list was read in the context: the
        rules send an opted-out number nothing but its confirmation."""
        sql = self._reply_sql
        created = connection.execute(
            sql.insert_outbox,
            {
                "dedupe_key": reply.dedupe_key,
                "invitation_id": reply.invitation_id,
                "purpose": reply.purpose,
                "to_phone": phone,
                "body": reply.body,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
                "next_attempt_at": now,
            },
        ).scalar()
        if created is None:
            existing = connection.execute(sql.outbox_id, {"dedupe": reply.dedupe_key}).scalar_one()
            return int(existing)
        values: dict[str, object] = {}
        if reply.sets_help_sent:
            values["help_sent"] = True
        if reply.sets_followup_sent:
            values["followup_sent"] = True
        if reply.token_hash is not None:
            values["token_hash"] = reply.token_hash
        if values and reply.invitation_id is not None:
            statement = sql.invitation_flags(tuple(sorted(values)))
            connection.execute(
                statement,
                {"invitation": reply.invitation_id}
                | {f"new_{name}": value for name, value in values.items()},
            )
        return int(created)


@dataclass(frozen=True)
class _Reply:
    """The reply being processed; ``phone`` is None when it comes from the inbox alone."""

    inbound: InboundSms
    phone_key: str
    phone: str | None
