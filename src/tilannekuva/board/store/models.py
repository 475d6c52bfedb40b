"""The tables of the board store: the event log, source systems and wall displays.

The schema is created by the Alembic migrations in ``migrations/``; these classes are how the
store reads and writes it. Every time is UTC (``UtcDateTime``).

Decisions:

- The event log keeps each event as received (``payload``, the validated event as JSON) plus
  the columns it is found by (unit, time, type); rows are never updated, so a board rebuilt
  after a restart sees exactly what was received.
- ``(source, source_id)`` is unique: the database itself makes a second copy a duplicate,
  also when two requests race.
- Tokens are stored as SHA-256 hashes only; the token is shown once when it is made.
- Sources and displays are revoked, not deleted, so the log still names an existing source.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tilannekuva.warehouse.operational import UtcDateTime

NAME = 64  # source and display names
UNIT = 64  # unit ids
SOURCE_ID = 128
HASH = 64  # hex SHA-256


class Base(DeclarativeBase):
    pass


class EventRow(Base):
    """One received event; ``id`` grows with every stored event (the store's revision)."""

    __tablename__ = "board_events"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_board_events_source_source_id"),
        Index("ix_board_events_unit_occurred", "unit_id", "occurred_at"),
        {"sqlite_autoincrement": True},  # ids never reused, even after pruning
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(NAME))
    source_id: Mapped[str] = mapped_column(String(SOURCE_ID))
    type: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[str] = mapped_column(String(UNIT))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    payload: Mapped[str] = mapped_column(Text)


class RevisionRow(Base):
    """One row (``id`` 1) whose ``value`` grows with every change to the event log."""

    __tablename__ = "board_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


class SourceRow(Base):
    """A source system allowed to post events, known by its token's hash."""

    __tablename__ = "board_sources"

    name: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(HASH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DisplayRow(Base):
    """A wall display: a token in its address shows the board of its units, no sign-in."""

    __tablename__ = "board_displays"

    name: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(HASH), unique=True)
    unit_ids: Mapped[str] = mapped_column(Text)  # JSON list of unit ids, in the order given
    theme: Mapped[str] = mapped_column(String(8))  # dark, light
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
