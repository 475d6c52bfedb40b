"""The tables of the feedback store: invitations, answers, the SMS outbox and inbox, opt-outs,
kiosks and the staff pulse.

The schema is created by the Alembic migrations in ``migrations/``; these classes are how the
store reads and writes it. Every time is UTC (``UtcDateTime``). Privacy decisions:

- A person appears only as ``person_key``, the warehouse pseudonym (or, for a live visit
  event, the same keyed hash made on arrival); phone numbers appear as ``phone_key``, a keyed
  hash that matches replies and opt-outs without keeping the number.
- The number itself is kept only in ``fb_outbox.to_phone`` while a message waits to be sent,
  and is erased once the message is delivered or given up.
- Web-link and pulse tokens are stored as SHA-256 hashes; the token is only in the link.
- Pulse answers carry no person at all: a pulse token names a unit and a month, not a person.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tilannekuva.warehouse.operational import UtcDateTime

ID = 64  # invitation, response, unit and kiosk ids
KEY = 200  # idempotency keys
HASH = 64  # hex SHA-256 / HMAC-SHA-256


class Base(DeclarativeBase):
    pass


class InvitationRow(Base):
    """One invitation to give feedback about one contact (extract ``feedback_invitations``)."""

    __tablename__ = "fb_invitations"

    invitation_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    contact_id: Mapped[str] = mapped_column(String(128), index=True)
    unit_id: Mapped[str] = mapped_column(String(ID))
    service_area: Mapped[str | None] = mapped_column(String(ID))
    person_key: Mapped[str] = mapped_column(String(HASH), index=True)
    phone_key: Mapped[str | None] = mapped_column(String(HASH), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # sms, email, web_link, kiosk
    language: Mapped[str] = mapped_column(String(2))
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str | None] = mapped_column(String(HASH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    send_after: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    help_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    followup_sent: Mapped[bool] = mapped_column(Boolean, default=False)


class ResponseRow(Base):
    """One answer (extract ``feedback_responses``); ``answer_key`` makes every write idempotent.

    ``updated_at`` moves when statements or a comment are added to an SMS score later; the
    live indicators watch it. ``free_text`` is the respondent's words, for the analyst role
    only; ``free_text_screened`` is the same text with detected identifiers masked.
    """

    __tablename__ = "fb_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[str] = mapped_column(String(ID), unique=True)
    answer_key: Mapped[str] = mapped_column(String(KEY), unique=True)
    invitation_id: Mapped[str | None] = mapped_column(
        String(ID), ForeignKey("fb_invitations.invitation_id"), index=True
    )
    unit_id: Mapped[str] = mapped_column(String(ID), index=True)
    service_area: Mapped[str | None] = mapped_column(String(ID))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    nps: Mapped[int | None] = mapped_column(Integer)
    s1: Mapped[int | None] = mapped_column(Integer)
    s2: Mapped[int | None] = mapped_column(Integer)
    s3: Mapped[int | None] = mapped_column(Integer)
    s4: Mapped[int | None] = mapped_column(Integer)
    s5: Mapped[int | None] = mapped_column(Integer)
    s6: Mapped[int | None] = mapped_column(Integer)
    s7: Mapped[int | None] = mapped_column(Integer)
    free_text: Mapped[str | None] = mapped_column(Text)
    free_text_screened: Mapped[str | None] = mapped_column(Text)


class OwnAnswerRow(Base):
    """An answer to one of the county's own statements (not part of the national extract)."""

    __tablename__ = "fb_own_answers"

    response_id: Mapped[str] = mapped_column(
        String(ID), ForeignKey("fb_responses.response_id"), primary_key=True
    )
    statement_key: Mapped[str] = mapped_column(String(ID), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class OutboxRow(Base):
    """One outbound SMS, kept until the gateway has it; retried with back-off on failure.

    ``dedupe_key``: ``invitation:<id>``, ``thanks:<id>``, ``help:<id>``,
    ``opted_out:<phone key>``, ``closed:<phone key>:<date>``.
    """

    __tablename__ = "fb_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(KEY), unique=True)
    invitation_id: Mapped[str | None] = mapped_column(String(ID), index=True)
    # invitation, thanks_with_link, thanks, help, opted_out, closed
    purpose: Mapped[str] = mapped_column(String(16))
    to_phone: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # pending, sending, sent, delivered, failed (given up), cancelled (opted out or no longer
    # useful), undeliverable (the receipt said so)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    provider_message_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


class InboundRow(Base):
    """One inbound SMS as the gateway delivered it; stored before the webhook answers 200."""

    __tablename__ = "fb_inbound"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_message_id: Mapped[str] = mapped_column(String(128), unique=True)
    phone_key: Mapped[str] = mapped_column(String(HASH), index=True)
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))


class OptOutRow(Base):
    """A phone number (as its key) that never gets another feedback message."""

    __tablename__ = "fb_opt_outs"

    phone_key: Mapped[str] = mapped_column(String(HASH), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(String(16))  # sms, admin


class KioskRow(Base):
    """A waiting-room tablet, fixed to one unit; its answers have no invitation."""

    __tablename__ = "fb_kiosks"

    kiosk_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(ID))
    service_area: Mapped[str | None] = mapped_column(String(ID))
    label: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PulseTokenRow(Base):
    """A one-time staff pulse link for a unit and month; it names no person."""

    __tablename__ = "fb_pulse_tokens"

    token_hash: Mapped[str] = mapped_column(String(HASH), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(ID), index=True)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PulseAnswerRow(Base):
    """One staff member's anonymous pulse answer: item scores and the 0–100 index."""

    __tablename__ = "fb_pulse_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_key: Mapped[str] = mapped_column(String(KEY), unique=True)
    unit_id: Mapped[str] = mapped_column(String(ID), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    items: Mapped[str] = mapped_column(Text)  # JSON {item_key: 1..5}
    index_value: Mapped[float] = mapped_column(Float)
