"""The SMS outbox and the opt-out list: messages are kept until sent, and sent once.

- **Nothing is lost.** An outbound message is a row before anyone tries to send it; a failed
  send puts it back with a later ``next_attempt_at``.
- **Nothing is sent twice.** Every message has a unique ``dedupe_key`` (``invitation:<id>``,
  ``help:<id>`` …), so queueing is idempotent; workers claim due messages with a lease
  (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, one ``UPDATE … RETURNING`` statement on SQLite),
  so two workers never send the same row.
- **An opted-out number gets nothing** but the one confirmation of its opt-out:
  :meth:`OutboxMixin.enqueue_sms` refuses it, an opt-out cancels what is queued, and the
  worker checks the list again before sending.

The number itself is kept only in ``to_phone`` until the message is delivered, refused or
given up; the opt-out list and everything else know a number by its keyed hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from tilannekuva.feedback.sms.gateway import DeliveryReceipt
from tilannekuva.feedback.store.core import StoreCore
from tilannekuva.feedback.store.models import Base, InvitationRow, OptOutRow, OutboxRow

PURPOSES = ("invitation", "thanks_with_link", "thanks", "help", "opted_out", "closed")
# pending → sending → sent → delivered | undeliverable; failed: given up (refused or expired);
# cancelled: the number opted out before the message went.
STATUSES = ("pending", "sending", "sent", "delivered", "undeliverable", "failed", "cancelled")
WAITING = ("pending", "sending")
FINAL = ("delivered", "undeliverable", "failed", "cancelled")
OPT_OUT_SOURCES = ("sms", "admin")


@dataclass(frozen=True)
class OutboxMessage:
    """One row of the outbox."""

    id: int
    dedupe_key: str
    invitation_id: str | None
    purpose: str
    to_phone: str | None
    body: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    provider_message_id: str | None
    sent_at: datetime | None
    delivered_at: datetime | None
    last_error: str | None

    @property
    def reference(self) -> str:
        """Our id of the message as the gateway sees it (see :func:`outbox_reference`)."""
        return outbox_reference(self.id, self.dedupe_key)


def outbox_reference(row_id: int, dedupe_key: str) -> str:
    """``<row id>-<hash of the dedupe key>``: unique even across databases (a demo database
    made again starts its ids at 1), and it reveals nothing about the message."""
    digest = hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()[:16]
    return f"{row_id}-{digest}"


def _message(row: OutboxRow | Any) -> OutboxMessage:
    return OutboxMessage(
        row.id,
        row.dedupe_key,
        row.invitation_id,
        row.purpose,
        row.to_phone,
        row.body,
        row.status,
        row.attempts,
        row.created_at,
        row.next_attempt_at,
        row.provider_message_id,
        row.sent_at,
        row.delivered_at,
        row.last_error,
    )


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, for statements run on the connection itself (the ORM's
    per-statement work is most of a small statement's cost)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def dialect_insert(dialect: str, table: Any) -> Any:
    """An insert that knows ``ON CONFLICT DO NOTHING`` on this database."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


class OutboxMixin(StoreCore):
    """The SMS outbox (retries with back-off) and the opt-out list."""

    def _insert(self, table: Any) -> Any:
        return dialect_insert(self.dialect, table)

    # --- the outbox ---------------------------------------------------------------------------

    def enqueue_sms(
        self,
        to_phone: str,
        body: str,
        *,
        dedupe_key: str,
        purpose: str,
        invitation_id: str | None = None,
        not_before: datetime | None = None,
        phone_key: str | None = None,
    ) -> int | None:
        """Queue a message; returns its outbox id, or None when the number has opted out.

        Idempotent: a second call with the same ``dedupe_key`` changes nothing and returns
        the first message's id. The opt-out list is checked by ``phone_key``, or by the key of
        the invitation's number when only ``invitation_id`` is given (the ``opted_out``
        confirmation itself is never refused). ``not_before`` delays the first attempt.
        """
        if purpose not in PURPOSES:
            raise ValueError(f"purpose must be one of {', '.join(PURPOSES)}")
        now = self.now()
        statement = (
            self._insert(OutboxRow)
            .values(
                dedupe_key=dedupe_key,
                invitation_id=invitation_id,
                purpose=purpose,
                to_phone=to_phone,
                body=body,
                status="pending",
                attempts=0,
                created_at=now,
                next_attempt_at=max(now, not_before) if not_before else now,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxRow.id)
        )
        with self._writing(), self._session() as session, session.begin():
            if purpose != "opted_out":
                key = phone_key
                if key is None and invitation_id is not None:
                    key = session.scalar(
                        select(InvitationRow.phone_key).where(
                            InvitationRow.invitation_id == invitation_id
                        )
                    )
                if key is not None and session.get(OptOutRow, key) is not None:
                    return None
            created = session.scalar(statement)
            if created is None:
                created = session.scalar(
                    select(OutboxRow.id).where(OutboxRow.dedupe_key == dedupe_key)
                )
            return int(created)

    def claim_due(
        self, limit: int, *, lease: timedelta, invitations: bool = True
    ) -> list[OutboxMessage]:
        """Lease up to ``limit`` due messages to this worker, oldest first.

        Due: pending with ``next_attempt_at`` passed, or still ``sending`` under a lease that
        ran out (a worker that died mid-send). ``invitations=False`` leaves invitation
        messages waiting (outside the daytime window). Each claim counts as an attempt.
        """
        now = self.now()
        due = or_(
            and_(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now),
            and_(OutboxRow.status == "sending", OutboxRow.lease_until <= now),
        )
        chosen = select(OutboxRow.id).where(due)
        if not invitations:
            chosen = chosen.where(OutboxRow.purpose != "invitation")
        chosen = (
            chosen.order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(OutboxRow)
            .where(OutboxRow.id.in_(chosen.scalar_subquery()))
            .values(status="sending", lease_until=now + lease, attempts=OutboxRow.attempts + 1)
            .returning(*OutboxRow.__table__.columns)
        )
        with self._writing(), self._session() as session, session.begin():
            rows = session.execute(statement, execution_options={"synchronize_session": False})
            claimed = [_message(row) for row in rows]
        return sorted(claimed, key=lambda message: (message.next_attempt_at, message.id))

    def mark_sent(self, sent: Sequence[tuple[int, str]], *, at: datetime) -> None:
        """The gateway accepted these messages (outbox id, provider message id).

        An invitation's message sets the invitation's ``sent_at`` in the same transaction
        (the extract's ``sent_at``, and what makes a reply find its invitation). A receipt
        that arrived first (matched by reference) is not overwritten.
        """
        if not sent:
            return
        outbox = table_of(OutboxRow)
        note = (
            update(outbox)
            .where(outbox.c.id == bindparam("row_id"))
            .values(provider_message_id=bindparam("provider_id"), sent_at=at, lease_until=None)
        )
        with self._writing(), self._session() as session, session.begin():
            session.connection().execute(
                note, [{"row_id": row_id, "provider_id": provider} for row_id, provider in sent]
            )
            ids = [row_id for row_id, _ in sent]
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.status == "sending")
                .values(status="sent", last_error=None)
            )
            invitations = select(OutboxRow.invitation_id).where(
                OutboxRow.id.in_(ids), OutboxRow.purpose == "invitation"
            )
            session.execute(
                update(InvitationRow)
                .where(InvitationRow.invitation_id.in_(invitations.scalar_subquery()))
                .where(InvitationRow.sent_at.is_(None))
                .values(sent_at=at)
            )

    def mark_retry(self, row_id: int, *, error: str, next_attempt_at: datetime) -> None:
        """The gateway could not take the message now: try again at ``next_attempt_at``."""
        with self._writing(), self._session() as session, session.begin():
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row_id, OutboxRow.status == "sending")
                .values(
                    status="pending",
                    lease_until=None,
                    next_attempt_at=next_attempt_at,
                    last_error=error[:500],
                )
            )

    def mark_failed(self, row_id: int, *, error: str, status: str = "failed") -> None:
        """Give the message up (``failed``) or drop it (``cancelled``); the number is erased."""
        if status not in ("failed", "cancelled"):
            raise ValueError("a message is given up as failed or cancelled")
        with self._writing(), self._session() as session, session.begin():
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == row_id, OutboxRow.status.in_(WAITING))
                .values(status=status, lease_until=None, to_phone=None, last_error=error[:500])
            )

    def retry_now(self) -> int:
        """Make every waiting message due at once (an operator, or a test, who knows the
        gateway is back need not wait out the back-off). Returns how many were brought forward;
        the daytime window still holds for invitations."""
        now = self.now()
        with self._writing(), self._session() as session, session.begin():
            result = session.execute(
                update(OutboxRow)
                .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at > now)
                .values(next_attempt_at=now)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def give_up_expired(self, *, reply_lifetime: timedelta) -> int:
        """Give up waiting messages nobody can use any more: those of an expired invitation,
        and replies without an invitation older than ``reply_lifetime``. Returns how many."""
        now = self.now()
        expired = exists().where(
            InvitationRow.invitation_id == OutboxRow.invitation_id,
            InvitationRow.expires_at <= now,
        )
        stale = or_(
            expired,
            and_(OutboxRow.invitation_id.is_(None), OutboxRow.created_at <= now - reply_lifetime),
        )
        waiting = or_(
            OutboxRow.status == "pending",
            and_(OutboxRow.status == "sending", OutboxRow.lease_until <= now),  # a dead worker's
        )
        with self._writing(), self._session() as session, session.begin():
            result = session.execute(
                update(OutboxRow)
                .where(waiting, stale)
                .values(status="failed", to_phone=None, last_error="expired before it was sent")
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def erase_stale_numbers(self, *, sent_before: datetime) -> int:
        """Erase the number of messages sent before ``sent_before`` whose receipt never came
        (a provider that sends no receipts must not make the outbox keep numbers forever)."""
        with self._writing(), self._session() as session, session.begin():
            result = session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.status == "sent",
                    OutboxRow.sent_at < sent_before,
                    OutboxRow.to_phone.is_not(None),
                )
                .values(to_phone=None)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def record_receipt(self, receipt: DeliveryReceipt) -> bool:
        """Apply a delivery receipt; False when no message matches it.

        Matched by the provider's id, else by our ``reference`` (a receipt can overtake the
        worker's own note that the message was sent). ``delivered`` and ``failed`` are final
        (the number is erased; ``failed`` becomes ``undeliverable``); a pending step changes
        nothing, and a repeated receipt changes nothing.
        """
        with self._writing(), self._session() as session, session.begin():
            row = session.scalar(
                select(OutboxRow).where(
                    OutboxRow.provider_message_id == receipt.provider_message_id
                )
            )
            if row is None and receipt.reference:
                row = self._by_reference(session, receipt.reference)
            if row is None:
                return False
            if receipt.status == "pending" or row.status in FINAL:
                return True
            if row.provider_message_id is None:
                row.provider_message_id = receipt.provider_message_id
            row.to_phone = None
            row.lease_until = None
            if receipt.status == "delivered":
                row.status, row.delivered_at = "delivered", receipt.at
            else:
                row.status, row.last_error = "undeliverable", "the receipt said: not delivered"
            return True

    @staticmethod
    def _by_reference(session: Session, reference: str) -> OutboxRow | None:
        head, _, _ = reference.partition("-")
        if not head.isdigit():
            return None
        row = session.get(OutboxRow, int(head))
        if row is None or outbox_reference(row.id, row.dedupe_key) != reference:
            return None
        return row

    def outbox(
        self,
        *,
        status: str | None = None,
        purpose: str | None = None,
        invitation_id: str | None = None,
    ) -> list[OutboxMessage]:
        """Outbox rows in the order they were queued (for tests and the status page)."""
        query = select(OutboxRow).order_by(OutboxRow.id)
        if status is not None:
            query = query.where(OutboxRow.status == status)
        if purpose is not None:
            query = query.where(OutboxRow.purpose == purpose)
        if invitation_id is not None:
            query = query.where(OutboxRow.invitation_id == invitation_id)
        with self._session() as session:
            return [_message(row) for row in session.scalars(query)]

    def outbox_counts(self) -> dict[str, int]:
        """How many messages are in each status (every status, zeros included)."""
        with self._session() as session:
            rows = session.execute(
                select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
            )
            found: dict[str, int] = dict(rows.all())
        return {status: int(found.get(status, 0)) for status in STATUSES}

    # --- opt-outs -----------------------------------------------------------------------------

    def opt_out(self, phone_key: str, source: str, *, phone: str | None = None) -> bool:
        """Put a number on the opt-out list for good and cancel what waits for it.

        Returns False when it was already there. Cancelled: waiting messages of the number's
        invitations, and (when the number itself is given) any waiting message to it.
        """
        with self._writing(), self.engine.begin() as connection:
            return self._opt_out(connection, phone_key, source, phone)

    def _opt_out(
        self, connection: Connection, phone_key: str, source: str, phone: str | None
    ) -> bool:
        if source not in OPT_OUT_SOURCES:
            raise ValueError(f"opt-out source must be one of {', '.join(OPT_OUT_SOURCES)}")
        created = connection.scalar(
            self._insert(OptOutRow)
            .values(phone_key=phone_key, at=self.now(), source=source)
            .on_conflict_do_nothing(index_elements=["phone_key"])
            .returning(OptOutRow.phone_key)
        )
        invitations = select(InvitationRow.invitation_id).where(
            InvitationRow.phone_key == phone_key
        )
        theirs: ColumnElement[bool] = OutboxRow.invitation_id.in_(invitations.scalar_subquery())
        if phone is not None:
            theirs = or_(theirs, OutboxRow.to_phone == phone)
        connection.execute(
            update(OutboxRow)
            .where(OutboxRow.status == "pending", OutboxRow.purpose != "opted_out", theirs)
            .values(status="cancelled", to_phone=None, last_error="the number opted out")
        )
        return created is not None

    def is_opted_out(self, phone_key: str) -> bool:
        with self._session() as session:
            return session.get(OptOutRow, phone_key) is not None

    def opted_out_among(self, phone_keys: Iterable[str]) -> set[str]:
        """The keys of ``phone_keys`` on the opt-out list (one query for a worker's batch)."""
        keys = sorted(set(phone_keys))
        if not keys:
            return set()
        with self._session() as session:
            return set(
                session.scalars(select(OptOutRow.phone_key).where(OptOutRow.phone_key.in_(keys)))
            )

    def remove_opt_out(self, phone_key: str) -> bool:
        """Take a number off the list (an administrator's correction); False if absent."""
        with self._writing(), self._session() as session, session.begin():
            result = session.execute(delete(OptOutRow).where(OptOutRow.phone_key == phone_key))
            return bool(getattr(result, "rowcount", 0))
