"""The feedback store's part for the anonymous staff pulse: one-time unit links and answers.

A link's token names a unit and a month, never a person; the store keeps only the token's
SHA-256, so the database cannot be turned back into links. Taking an answer and marking the
token used happen in one transaction, with the answer keyed ``pulse:<token hash>``: a double
submission, a retry or two tabs racing each other leave exactly one answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from tilannekuva.feedback.pulse import (
    PulseGroup,
    PulseLinkClosed,
    check_items,
    check_period,
    pulse_index,
)
from tilannekuva.feedback.store.core import StoreCore
from tilannekuva.feedback.store.models import ID, PulseAnswerRow, PulseTokenRow
from tilannekuva.feedback.tokens import new_token, token_hash

MAX_LINKS = 1000  # per call: a unit's staff, with room to spare
MAX_ITEM_KEY = 64


@dataclass(frozen=True)
class PulseLink:
    """What a pulse token stands for, and whether it still takes an answer."""

    unit_id: str
    period: str
    expires_at: datetime
    used_at: datetime | None
    expired: bool

    @property
    def used(self) -> bool:
        return self.used_at is not None

    @property
    def open(self) -> bool:
        return not self.used and not self.expired


def pulse_answer_key(token: str) -> str:
    return f"pulse:{token_hash(token)}"


class PulseMixin(StoreCore):
    """Operations on the anonymous staff pulse: one-time unit links and answers."""

    def create_pulse_links(
        self, unit_id: str, period: str, count: int, valid_days: int
    ) -> list[str]:
        """``count`` new one-time tokens for ``unit_id`` and the month ``period`` (YYYY-MM),
        valid for ``valid_days`` days. The tokens are returned once and never stored."""
        check_period(period)
        if not unit_id or len(unit_id) > ID:
            raise ValueError(f"unit id must be 1–{ID} characters")
        if not 1 <= count <= MAX_LINKS:
            raise ValueError(f"count must be 1–{MAX_LINKS}")
        if valid_days < 1:
            raise ValueError("valid_days must be at least 1")
        now = self.now()
        tokens = [new_token() for _ in range(count)]
        with self._writing(), self._session() as session, session.begin():
            session.add_all(
                PulseTokenRow(
                    token_hash=token_hash(token),
                    unit_id=unit_id,
                    period=period,
                    created_at=now,
                    expires_at=now + timedelta(days=valid_days),
                    used_at=None,
                )
                for token in tokens
            )
        return tokens

    def pulse_token(self, token: str) -> PulseLink | None:
        """The unit and month of a token, expired and used or not; None for an unknown one."""
        with self._session() as session:
            row = session.get(PulseTokenRow, token_hash(token))
            if row is None:
                return None
            return PulseLink(
                row.unit_id, row.period, row.expires_at, row.used_at, self.now() >= row.expires_at
            )

    def record_pulse_answer(self, token: str, items: Mapping[str, int]) -> bool:
        """Store the answer given through ``token``; True when this call stored it.

        False when the token already has its answer (a double submission: nothing changes).
        Raises :class:`PulseLinkClosed` for an unknown or expired token and
        :class:`InvalidPulseAnswer` for scores outside 1–5.
        """
        answered = check_items(items)
        if any(not key or len(key) > MAX_ITEM_KEY for key in answered):
            raise ValueError(f"pulse item keys are 1–{MAX_ITEM_KEY} characters")
        hashed = token_hash(token)
        now = self.now()
        try:
            with self._writing(), self._session() as session, session.begin():
                # Claiming the token is the UPDATE: in PostgreSQL a concurrent claim waits
                # for this row lock and then finds the token used.
                claimed = session.execute(
                    update(PulseTokenRow)
                    .where(PulseTokenRow.token_hash == hashed)
                    .where(PulseTokenRow.used_at.is_(None))
                    .where(PulseTokenRow.expires_at > now)
                    .values(used_at=now)
                    .returning(PulseTokenRow.unit_id, PulseTokenRow.period)
                ).one_or_none()
                if claimed is None:
                    row = session.get(PulseTokenRow, hashed)
                    if row is None:
                        raise PulseLinkClosed("unknown")
                    if row.used_at is not None:
                        return False
                    raise PulseLinkClosed("expired")
                session.add(
                    PulseAnswerRow(
                        answer_key=pulse_answer_key(token),
                        unit_id=claimed.unit_id,
                        period=claimed.period,
                        submitted_at=now,
                        items=json.dumps(answered, sort_keys=True),
                        index_value=pulse_index(answered),
                    )
                )
        except IntegrityError:  # the answer key is there already: the same answer, again
            return False
        return True

    def pulse_groups(self) -> list[PulseGroup]:
        """Respondents and index sums per unit × month (every group; callers suppress)."""
        with self._session() as session:
            rows = session.execute(
                select(
                    PulseAnswerRow.unit_id,
                    PulseAnswerRow.period,
                    func.count(),
                    func.sum(PulseAnswerRow.index_value),
                )
                .group_by(PulseAnswerRow.unit_id, PulseAnswerRow.period)
                .order_by(PulseAnswerRow.unit_id, PulseAnswerRow.period)
            )
            return [
                PulseGroup(unit_id, period, int(count), float(total))
                for unit_id, period, count, total in rows
            ]

    def count_pulse_answers(self) -> int:
        with self._session() as session:
            return int(session.scalar(select(func.count()).select_from(PulseAnswerRow)) or 0)

    def _pulse_revision(self) -> tuple[object, ...]:
        """The pulse's part of :meth:`revision`: answers are only ever added, so their count
        and newest id change with every new one."""
        with self._session() as session:
            count, newest = session.execute(
                select(func.count(), func.max(PulseAnswerRow.id)).select_from(PulseAnswerRow)
            ).one()
        return (count, newest)
