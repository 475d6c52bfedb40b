"""The tables of the operational store: local users, the audit trail and failed sign-ins.

The schema itself is created by the Alembic migrations in ``migrations/``; these classes are
how the store reads and writes it. Every time is kept in UTC and comes back timezone-aware,
also from SQLite (which keeps no zone), so comparisons never mix naive and aware values.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tilannekuva.warehouse.operational import UtcDateTime

USERNAME_LENGTH = 150


class Base(DeclarativeBase):
    pass


class UserRow(Base):
    """One row per local user (people who sign in with the identity provider have none)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_LENGTH), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditRow(Base):
    """One row per audited event: who (username, role), when, what action, on what."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    username: Mapped[str] = mapped_column(String(USERNAME_LENGTH))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)


class FailedSignInRow(Base):
    """One row per failed password sign-in, kept for the throttle window only."""

    __tablename__ = "failed_signins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_LENGTH), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
