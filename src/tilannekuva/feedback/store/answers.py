"""Invitations and answers: the part of the store the indicators are computed from.

Every answer carries an ``answer_key`` that names the event it came from (``sms:<provider
message id>``, ``web:<invitation id>``, ``kiosk:<kiosk id>:<form nonce>``,
``bench:<uuid>``); the database's unique constraint on it is what makes a retried or
duplicated request store one answer, whichever process or database connection it reaches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine, Row, Select, bindparam, exists, func, select, update

from tilannekuva.feedback.screen import screen_text
from tilannekuva.feedback.store.core import StoreCore
from tilannekuva.feedback.store.models import InvitationRow, OwnAnswerRow, ResponseRow
from tilannekuva.feedback.store.outbox import dialect_insert, table_of
from tilannekuva.feedback.tokens import new_id, new_token, token_hash
from tilannekuva.model.extract_schema import STATEMENTS

CHANNELS = ("sms", "email", "web_link", "kiosk")
FREE_TEXT_LIMIT = 2000  # characters kept of one comment


class InvalidAnswer(ValueError):
    """An answer outside the scales (nps 0–10, statements 0–5); the message says which."""


@dataclass(frozen=True)
class NewInvitation:
    """What the invitation policy decided to send (``invitations.py``)."""

    contact_id: str
    unit_id: str
    person_key: str
    channel: str
    language: str
    questionnaire_version: str
    send_after: datetime
    valid_for: timedelta
    service_area: str | None = None
    phone_key: str | None = None
    invitation_id: str | None = None  # given: idempotent re-recording of the same invitation


@dataclass(frozen=True)
class Invitation:
    invitation_id: str
    contact_id: str
    unit_id: str
    service_area: str | None
    person_key: str
    phone_key: str | None
    channel: str
    language: str
    questionnaire_version: str
    created_at: datetime
    send_after: datetime
    sent_at: datetime | None
    expires_at: datetime
    help_sent: bool
    followup_sent: bool

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True)
class Answer:
    """One answer as a channel received it; ``statements`` maps ``s1``…``s7`` to 0–5."""

    answer_key: str
    unit_id: str
    channel: str
    language: str
    questionnaire_version: str
    submitted_at: datetime
    invitation_id: str | None = None
    service_area: str | None = None
    nps: int | None = None
    statements: Mapping[str, int] = field(default_factory=dict)
    own: Mapping[str, int] = field(default_factory=dict)
    free_text: str | None = None


@dataclass(frozen=True)
class StoredAnswer:
    response_id: str
    invitation_id: str | None
    unit_id: str
    service_area: str | None
    channel: str
    language: str
    submitted_at: datetime
    updated_at: datetime
    nps: int | None
    statements: dict[str, int | None]
    free_text: str | None
    free_text_screened: str | None


@dataclass(frozen=True)
class Recorded:
    """The stored answer, and whether this call stored it (False: it was already there)."""

    answer: StoredAnswer
    created: bool


def _invitation(row: InvitationRow | Row[Any]) -> Invitation:
    return Invitation(
        row.invitation_id,
        row.contact_id,
        row.unit_id,
        row.service_area,
        row.person_key,
        row.phone_key,
        row.channel,
        row.language,
        row.questionnaire_version,
        row.created_at,
        row.send_after,
        row.sent_at,
        row.expires_at,
        row.help_sent,
        row.followup_sent,
    )


def _stored(row: ResponseRow | Row[Any] | SimpleNamespace) -> StoredAnswer:
    return StoredAnswer(
        row.response_id,
        row.invitation_id,
        row.unit_id,
        row.service_area,
        row.channel,
        row.language,
        row.submitted_at,
        row.updated_at,
        row.nps,
        {name: getattr(row, name) for name in STATEMENTS},
        row.free_text,
        row.free_text_screened,
    )


_INVITATIONS = table_of(InvitationRow)
_RESPONSES = table_of(ResponseRow)
_OWN = table_of(OwnAnswerRow)
_BY_TOKEN = select(_INVITATIONS).where(_INVITATIONS.c.token_hash == bindparam("token_hash"))
SENT_INVITATION_COLUMNS = ("invitation_id", "contact_id", "unit_id", "sent_at")
_SENT_INVITATIONS = (
    select(*(_INVITATIONS.c[name] for name in SENT_INVITATION_COLUMNS))
    .where(_INVITATIONS.c.sent_at.is_not(None))
    .order_by(_INVITATIONS.c.created_at)
)
LIVE_ANSWER_COLUMNS = (
    "response_id",
    "invitation_id",
    "unit_id",
    "submitted_at",
    "nps",
    *STATEMENTS,
)
_LIVE_ANSWERS = select(*(_RESPONSES.c[name] for name in LIVE_ANSWER_COLUMNS)).order_by(
    _RESPONSES.c.id
)


def _columns(engine: Engine, query: Select[Any], width: int) -> tuple[list[Any], ...]:
    """The rows of ``query`` turned into ``width`` columns."""
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    if not rows:
        return tuple([] for _ in range(width))
    return tuple(list(column) for column in zip(*rows, strict=True))


_ANSWERS_OF = (
    select(
        _RESPONSES,
        exists().where(_OWN.c.response_id == _RESPONSES.c.response_id).label("has_own"),
    )
    .where(_RESPONSES.c.invitation_id == bindparam("invitation_id"))
    .order_by(_RESPONSES.c.id)
)


def response_insert(dialect: str) -> Any:
    """``INSERT INTO fb_responses … ON CONFLICT (answer_key) DO NOTHING RETURNING response_id``."""
    return (
        dialect_insert(dialect, _RESPONSES)
        .on_conflict_do_nothing(index_elements=["answer_key"])
        .returning(_RESPONSES.c.response_id)
    )


def insert_answer(
    connection: Connection, insert_response: Any, answer: Answer, now: datetime
) -> dict[str, Any] | None:
    """Insert ``answer`` and its own statements on ``connection`` (``insert_response`` is
    :func:`response_insert`); the stored row, or None when its ``answer_key`` is stored
    already. Raises :class:`InvalidAnswer` for a channel or a value the extract cannot carry.
    """
    if answer.channel not in CHANNELS:
        raise InvalidAnswer(f"channel must be one of {', '.join(CHANNELS)}")
    check_scales(answer.nps, answer.statements, answer.own)
    free_text, screened = clean_comment(answer.free_text)
    row: dict[str, Any] = {
        "response_id": new_id("resp"),
        "answer_key": answer.answer_key,
        "invitation_id": answer.invitation_id,
        "unit_id": answer.unit_id,
        "service_area": answer.service_area,
        "channel": answer.channel,
        "language": answer.language,
        "questionnaire_version": answer.questionnaire_version,
        "submitted_at": answer.submitted_at,
        "updated_at": now,
        "nps": answer.nps,
        "free_text": free_text,
        "free_text_screened": screened,
        **{name: answer.statements.get(name) for name in STATEMENTS},
    }
    if connection.execute(insert_response, row).scalar() is None:
        return None
    if answer.own:
        connection.execute(
            _OWN.insert(),
            [
                {"response_id": row["response_id"], "statement_key": key, "value": value}
                for key, value in answer.own.items()
            ],
        )
    return row


def check_scales(nps: int | None, statements: Mapping[str, int], own: Mapping[str, int]) -> None:
    """Raise :class:`InvalidAnswer` for a value the extract format could not carry."""
    if nps is not None and not 0 <= nps <= 10:
        raise InvalidAnswer(f"nps {nps} is outside 0–10")
    for name, value in statements.items():
        if name not in STATEMENTS:
            raise InvalidAnswer(f"unknown statement {name!r}")
        if not 0 <= value <= 5:
            raise InvalidAnswer(f"{name} {value} is outside 0–5")
    for name, value in own.items():
        if not 0 <= value <= 5:
            raise InvalidAnswer(f"own statement {name} {value} is outside 0–5")


def clean_comment(text: str | None) -> tuple[str | None, str | None]:
    cleaned = (text or "").strip()[:FREE_TEXT_LIMIT]
    return (cleaned, screen_text(cleaned)) if cleaned else (None, None)


class AnswersMixin(StoreCore):
    """Invitations, answers, and what the live indicators read."""

    # --- invitations -------------------------------------------------------------------------

    def record_invitation(self, new: NewInvitation) -> tuple[Invitation, str]:
        """Store an invitation with a fresh one-time web token; returns it and the token.

        The token is returned once and never stored (only its hash), so the caller puts it in
        the message right away.
        """
        if new.channel not in CHANNELS:
            raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
        token = new_token()
        now = self.now()
        row = InvitationRow(
            invitation_id=new.invitation_id or new_id("inv"),
            contact_id=new.contact_id,
            unit_id=new.unit_id,
            service_area=new.service_area,
            person_key=new.person_key,
            phone_key=new.phone_key,
            channel=new.channel,
            language=new.language,
            questionnaire_version=new.questionnaire_version,
            token_hash=token_hash(token),
            created_at=now,
            send_after=new.send_after,
            sent_at=None,
            expires_at=new.send_after + new.valid_for,
            help_sent=False,
            followup_sent=False,
        )
        with self._writing(), self._session() as session, session.begin():
            session.add(row)
        return _invitation(row), token

    def invitation(self, invitation_id: str) -> Invitation | None:
        with self._session() as session:
            row = session.get(InvitationRow, invitation_id)
            return _invitation(row) if row is not None else None

    def invitation_by_token(self, token: str) -> Invitation | None:
        """The invitation a web link belongs to (expired ones too: the page says so)."""
        with self._session() as session:
            row = session.scalar(
                select(InvitationRow).where(InvitationRow.token_hash == token_hash(token))
            )
            return _invitation(row) if row is not None else None

    def invitation_with_answers(
        self, token: str
    ) -> tuple[Invitation | None, list[StoredAnswer], set[str]]:
        """A web link's invitation, its answers (oldest first) and the ids of those answers
        that have own statements: everything the form needs, in two statements without a
        transaction (an answer stored between them is still refused by its unique key).
        Core statements, not the ORM: this runs for every form opened and posted."""
        with self._single.connect() as connection:
            row = connection.execute(_BY_TOKEN, {"token_hash": token_hash(token)}).first()
            if row is None:
                return None, [], set()
            found = connection.execute(_ANSWERS_OF, {"invitation_id": row.invitation_id}).all()
        answers = [_stored(response) for response in found]
        with_own = {response.response_id for response in found if response.has_own}
        return _invitation(row), answers, with_own

    def mark_invitation_sent(self, invitation_id: str, at: datetime) -> None:
        """The gateway accepted the invitation message: ``sent_at`` of the extract format."""
        with self._writing(), self._session() as session, session.begin():
            session.execute(
                update(InvitationRow)
                .where(InvitationRow.invitation_id == invitation_id)
                .where(InvitationRow.sent_at.is_(None))
                .values(sent_at=at)
            )

    def last_invited_at(self, person_key: str) -> datetime | None:
        """When the person was last invited (for the once-per-N-days rule)."""
        with self._session() as session:
            found = session.scalar(
                select(func.max(InvitationRow.created_at)).where(
                    InvitationRow.person_key == person_key
                )
            )
            return found

    def invitations_created_between(self, start: datetime, end: datetime) -> int:
        """Invitations made in ``[start, end)`` (the daily cap)."""
        with self._session() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(InvitationRow)
                    .where(InvitationRow.created_at >= start, InvitationRow.created_at < end)
                )
                or 0
            )

    def sent_invitation_columns(self) -> tuple[list[Any], ...]:
        """The invitations sent so far, with only what the live indicators use, column by
        column in the order of :data:`SENT_INVITATION_COLUMNS` (oldest first). The live
        indicators read every invitation again while answers arrive, and an object per row
        cost them more than the database did."""
        return _columns(self._single, _SENT_INVITATIONS, len(SENT_INVITATION_COLUMNS))

    def answer_columns(self) -> tuple[list[Any], ...]:
        """What the live indicators use of every stored answer, column by column in the
        order of :data:`LIVE_ANSWER_COLUMNS` (oldest first; see :meth:`sent_invitation_columns`
        for why columns)."""
        return _columns(self._single, _LIVE_ANSWERS, len(LIVE_ANSWER_COLUMNS))

    def invitations(self) -> list[Invitation]:
        """Every invitation, oldest first (Core rows: the live indicators read them all)."""
        query = select(_INVITATIONS).order_by(_INVITATIONS.c.created_at)
        with self._single.connect() as connection:
            return [_invitation(row) for row in connection.execute(query)]

    # --- answers -----------------------------------------------------------------------------

    def record_answer(self, answer: Answer) -> Recorded:
        """Store an answer once; the same ``answer_key`` again returns the stored one.

        Raises :class:`InvalidAnswer` for values outside the scales. The insert and the
        duplicate check are one statement, so two processes storing the same answer at once
        still leave exactly one row. An answer without own statements is that one statement
        alone, without a transaction around it (no BEGIN and COMMIT round trips); one with
        them is a transaction of two.
        """
        with (
            self._writing(),
            self.engine.begin() if answer.own else self._single.connect() as connection,
        ):
            stored = insert_answer(connection, self._insert_response, answer, self.now())
        if stored is None:
            existing = self.answer_by_key(answer.answer_key)
            if existing is None:  # answers are never deleted: the key's owner must be there
                raise LookupError(f"answer key {answer.answer_key!r} taken but not found")
            return Recorded(existing, created=False)
        return Recorded(_stored(SimpleNamespace(**stored)), created=True)

    @cached_property
    def _insert_response(self) -> Any:
        """Built once: building a statement costs more than running a cached one."""
        return response_insert(self.dialect)

    def complete_answer(
        self,
        response_id: str,
        *,
        statements: Mapping[str, int],
        own: Mapping[str, int],
        free_text: str | None,
    ) -> StoredAnswer:
        """Add statements, own statements and a comment to an answer that has only a score
        (the SMS reply, then the follow-up link). Values already given are not overwritten,
        so submitting the follow-up form twice changes nothing the second time."""
        check_scales(None, statements, own)
        comment, screened = clean_comment(free_text)
        with self._writing(), self._session() as session, session.begin():
            row = session.scalar(select(ResponseRow).where(ResponseRow.response_id == response_id))
            if row is None:
                raise LookupError(f"no answer {response_id}")
            changed = False
            for name, value in statements.items():
                if getattr(row, name) is None:
                    setattr(row, name, value)
                    changed = True
            if comment and row.free_text is None:
                row.free_text, row.free_text_screened = comment, screened
                changed = True
            have = set(
                session.scalars(
                    select(OwnAnswerRow.statement_key).where(
                        OwnAnswerRow.response_id == response_id
                    )
                )
            )
            for key, value in own.items():
                if key not in have:
                    session.add(
                        OwnAnswerRow(response_id=response_id, statement_key=key, value=value)
                    )
                    changed = True
            if changed:
                row.updated_at = self.now()
            return _stored(row)

    def answer_by_key(self, answer_key: str) -> StoredAnswer | None:
        with self._session() as session:
            row = session.scalar(select(ResponseRow).where(ResponseRow.answer_key == answer_key))
            return _stored(row) if row is not None else None

    def answer_for_invitation(self, invitation_id: str) -> StoredAnswer | None:
        """The (first) answer to an invitation, if any."""
        with self._session() as session:
            row = session.scalar(
                select(ResponseRow)
                .where(ResponseRow.invitation_id == invitation_id)
                .order_by(ResponseRow.id)
                .limit(1)
            )
            return _stored(row) if row is not None else None

    def answers(
        self, *, since: datetime | None = None, unit_id: str | None = None
    ) -> list[StoredAnswer]:
        """Stored answers, oldest first; ``since`` filters on ``submitted_at`` (Core rows: the
        live indicators read them all)."""
        query = select(_RESPONSES).order_by(_RESPONSES.c.id)
        if since is not None:
            query = query.where(_RESPONSES.c.submitted_at >= since)
        if unit_id is not None:
            query = query.where(_RESPONSES.c.unit_id == unit_id)
        with self._single.connect() as connection:
            return [_stored(row) for row in connection.execute(query)]

    def own_answers(self, response_id: str) -> dict[str, int]:
        with self._session() as session:
            rows = session.execute(
                select(OwnAnswerRow.statement_key, OwnAnswerRow.value).where(
                    OwnAnswerRow.response_id == response_id
                )
            )
            return {row.statement_key: row.value for row in rows}

    def count_answers(self) -> int:
        with self._session() as session:
            return int(session.scalar(select(func.count()).select_from(ResponseRow)) or 0)

    def revision(self) -> tuple[object, ...]:
        """Changes whenever an answer, an invitation's sending or a pulse answer changes; the
        web app polls it (one cheap query) to know when to recompute the live indicators."""
        with self._session() as session:
            answers = session.execute(
                select(func.count(), func.max(ResponseRow.updated_at)).select_from(ResponseRow)
            ).one()
            invitations = session.execute(
                select(func.count(InvitationRow.sent_at), func.max(InvitationRow.sent_at))
            ).one()
        return (*answers, *invitations, *self._pulse_revision())
