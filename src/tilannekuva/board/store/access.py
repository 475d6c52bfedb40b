"""Who may use the board without signing in: source systems (post events) and wall displays.

A source system gets a bearer token for ``POST /api/v1/board/events``; a wall display gets a
token that is the last part of its address (``/wall/<token>``). Both are shown once, when
made, and the store keeps only their SHA-256.

Decisions:

- Names are short slugs (letters, digits, ``._-``), as they appear in the event log and on
  the command line.
- Adding a name that is in use is an error; a revoked name may be added again, which gives
  it a new token (the old one stays dead). A source keeps its name, so its earlier events
  still deduplicate against the new token's.
- Revoking is idempotent and keeps the row (the event log still names the source).
- A token is looked up by its hash (an index), then the hashes are compared in constant time.
- Tokens carry a prefix (``tkb_`` source, ``tkw_`` wall) so a leaked one is recognisable.
- A display's unit list keeps the order given (the wall shows them in that order), without
  repeats.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import func, select, update

from tilannekuva.board.store.core import StoreCore
from tilannekuva.board.store.models import NAME, UNIT, DisplayRow, EventRow, SourceRow

Theme = Literal["dark", "light"]
THEMES: tuple[str, ...] = get_args(Theme)
SOURCE_TOKEN_PREFIX = "tkb_"
DISPLAY_TOKEN_PREFIX = "tkw_"
TOKEN_BYTES = 32  # 256 random bits

_NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{NAME - 1}}}")


@dataclass(frozen=True)
class SourceInfo:
    """A source system, with what it has sent."""

    name: str
    created_at: datetime
    revoked_at: datetime | None
    events: int
    last_received_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class DisplayInfo:
    """A wall display: the units it shows and its theme."""

    name: str
    unit_ids: tuple[str, ...]
    theme: Theme
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"a name is 1–{NAME} letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return name


def _display(row: DisplayRow) -> DisplayInfo:
    theme = row.theme if row.theme in THEMES else "dark"
    return DisplayInfo(
        name=row.name,
        unit_ids=tuple(json.loads(row.unit_ids)),
        theme=theme,  # type: ignore[arg-type]  # checked just above
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        revoked_at=row.revoked_at,
    )


class AccessMixin(StoreCore):
    """Source systems and wall displays, each with a revocable token."""

    # Source systems

    def add_source(self, name: str) -> str:
        """Register a source system; returns its token (shown once, stored hashed)."""
        _check_name(name)
        token = _new_token(SOURCE_TOKEN_PREFIX)
        with self._writing(), self._session() as session, session.begin():
            row = session.get(SourceRow, name)
            if row is not None and row.revoked_at is None:
                raise ValueError(f"source {name} exists; revoke it first to get a new token")
            if row is None:
                session.add(
                    SourceRow(name=name, token_hash=token_hash(token), created_at=self.now())
                )
            else:
                row.token_hash = token_hash(token)
                row.revoked_at = None
        return token

    def sources(self) -> list[SourceInfo]:
        """Every source system (revoked too), by name, with its event count and last arrival."""
        with self._session() as session:
            rows = session.scalars(select(SourceRow).order_by(SourceRow.name)).all()
            counts = {
                source: (count, last)
                for source, count, last in session.execute(
                    select(EventRow.source, func.count(), func.max(EventRow.received_at)).group_by(
                        EventRow.source
                    )
                )
            }
        return [
            SourceInfo(
                name=row.name,
                created_at=row.created_at,
                revoked_at=row.revoked_at,
                events=counts.get(row.name, (0, None))[0],
                last_received_at=counts.get(row.name, (0, None))[1],
            )
            for row in rows
        ]

    def revoke_source(self, name: str) -> None:
        """The source's token stops working at once; its events stay."""
        with self._writing(), self._session() as session, session.begin():
            row = session.get(SourceRow, name)
            if row is None:
                raise LookupError(f"no source {name}")
            if row.revoked_at is None:
                row.revoked_at = self.now()

    def source_for_token(self, token: str) -> str | None:
        """The name of the active source with this token, or None."""
        if not token:
            return None
        wanted = token_hash(token)
        with self._session() as session:
            row = session.scalars(select(SourceRow).where(SourceRow.token_hash == wanted)).first()
        if row is None or row.revoked_at is not None:
            return None
        return row.name if hmac.compare_digest(row.token_hash, wanted) else None

    # Wall displays

    def add_display(self, name: str, unit_ids: Sequence[str], theme: Theme = "dark") -> str:
        """Register a wall display for ``unit_ids``; returns its token (shown once)."""
        _check_name(name)
        units = list(dict.fromkeys(unit.strip() for unit in unit_ids))
        if not units or any(not unit or len(unit) > UNIT for unit in units):
            raise ValueError(f"a display shows one or more units (ids of 1–{UNIT} characters)")
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}")
        token = _new_token(DISPLAY_TOKEN_PREFIX)
        with self._writing(), self._session() as session, session.begin():
            row = session.get(DisplayRow, name)
            if row is not None and row.revoked_at is None:
                raise ValueError(f"display {name} exists; revoke it first to get a new token")
            if row is None:
                row = DisplayRow(name=name, created_at=self.now())
                session.add(row)
            row.token_hash = token_hash(token)
            row.unit_ids = json.dumps(units)
            row.theme = theme
            row.revoked_at = None
            row.last_seen_at = None
        return token

    def displays(self) -> list[DisplayInfo]:
        """Every wall display (revoked too), by name."""
        with self._session() as session:
            rows = session.scalars(select(DisplayRow).order_by(DisplayRow.name)).all()
        return [_display(row) for row in rows]

    def revoke_display(self, name: str) -> None:
        """The display's address stops working (its page answers 404)."""
        with self._writing(), self._session() as session, session.begin():
            row = session.get(DisplayRow, name)
            if row is None:
                raise LookupError(f"no display {name}")
            if row.revoked_at is None:
                row.revoked_at = self.now()

    def display_for_token(self, token: str) -> DisplayInfo | None:
        """The active display with this token, or None."""
        if not token:
            return None
        wanted = token_hash(token)
        with self._session() as session:
            row = session.scalars(select(DisplayRow).where(DisplayRow.token_hash == wanted)).first()
        if row is None or row.revoked_at is not None:
            return None
        return _display(row) if hmac.compare_digest(row.token_hash, wanted) else None

    def touch_display(self, name: str) -> None:
        """Note that the display was just seen (shown by ``board display list``)."""
        with self._writing(), self._session() as session, session.begin():
            session.execute(
                update(DisplayRow).where(DisplayRow.name == name).values(last_seen_at=self.now())
            )
