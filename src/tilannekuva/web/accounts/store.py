"""The operational store: local users, password sign-in with its throttle, and the audit trail.

One :class:`AccountStore` per process, opened on an SQLAlchemy URL (SQLite for one machine,
PostgreSQL in production); opening it applies any pending migration. Writes are committed
before a method returns, so an audit entry the caller was told about is on disk.
"""

from __future__ import annotations

import re
import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import cast

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tilannekuva.warehouse.operational import operational_engine
from tilannekuva.web.accounts import migrate
from tilannekuva.web.accounts.models import USERNAME_LENGTH, AuditRow, FailedSignInRow, UserRow
from tilannekuva.web.accounts.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    verify_password,
)
from tilannekuva.web.viewer import USER_ROLES, UserRole

# OWASP Authentication Cheat Sheet: lock an account for a while after a few failures.
MAX_FAILED_SIGNINS = 5
THROTTLE_WINDOW = timedelta(minutes=15)
USERNAME_PATTERN = re.compile(rf"^[a-z0-9][a-z0-9._@-]{{0,{USERNAME_LENGTH - 1}}}$")
DEFAULT_AUDIT_LIMIT = 100


class UserExists(ValueError):
    """A user with that username is already in the store."""


class UnknownUser(LookupError):
    """No user has that username."""


class InvalidUser(ValueError):
    """The username or role cannot be used; the message says why."""


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: UserRole
    created_at: datetime
    disabled: bool


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    username: str
    role: str
    action: str
    subject: str
    detail: str


class SignInRefused(Enum):
    """Why a password sign-in did not succeed (the page shows the same text for both)."""

    INVALID = "invalid"  # unknown user, wrong password or disabled user
    THROTTLED = "throttled"  # too many failures for this username in the window


def normalize_username(text: str) -> str:
    """Usernames are compared case-insensitively, without surrounding spaces."""
    return text.strip().lower()


def _now() -> datetime:
    return datetime.now(UTC)


def _user(row: UserRow) -> User:
    role = cast(UserRole, row.role)  # the table's check constraint allows nothing else
    return User(row.username, row.display_name, role, row.created_at, row.disabled)


class AccountStore:
    """Users, failed sign-ins and the audit trail in one SQL database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # SQLite lets one writer in at a time and makes the others sleep and retry, for up to
        # 100 ms a try; queueing the app's own writers on a lock instead keeps a busy page's
        # audit writes in line without those sleeps. PostgreSQL needs no such lock.
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    def _writing(self) -> AbstractContextManager[object]:
        return self._write_lock

    @classmethod
    def open(cls, url: str) -> AccountStore:
        """Connect to ``url`` and migrate the schema to the newest version."""
        engine = operational_engine(url)
        migrate.upgrade(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def _session(self) -> Session:
        return self._sessions()

    # --- users -----------------------------------------------------------------------------

    def add_user(
        self, username: str, password: str, *, role: str, display_name: str | None = None
    ) -> User:
        """Create a local user; raises :class:`UserExists`, :class:`InvalidUser` or
        :class:`~tilannekuva.web.accounts.passwords.WeakPassword`."""
        name = normalize_username(username)
        if not USERNAME_PATTERN.fullmatch(name):
            raise InvalidUser(
                "a username is lower-case letters a-z, digits and . _ @ - "
                f"(at most {USERNAME_LENGTH} characters)"
            )
        if role not in USER_ROLES:
            raise InvalidUser(f"role must be one of {', '.join(USER_ROLES)}")
        row = UserRow(
            username=name,
            display_name=(display_name or "").strip() or name,
            role=role,
            password_hash=hash_password(password),
            created_at=_now(),
            disabled=False,
        )
        try:
            with self._writing(), self._session() as session, session.begin():
                session.add(row)
        except IntegrityError:
            raise UserExists(f"user {name} already exists") from None
        return _user(row)

    def user(self, username: str) -> User | None:
        with self._session() as session:
            row = session.scalar(
                select(UserRow).where(UserRow.username == normalize_username(username))
            )
            return _user(row) if row is not None else None

    def users(self) -> list[User]:
        with self._session() as session:
            return [_user(row) for row in session.scalars(select(UserRow).order_by("username"))]

    def _update(self, username: str, **values: object) -> None:
        with self._writing(), self._session() as session, session.begin():
            row = session.scalar(
                select(UserRow).where(UserRow.username == normalize_username(username))
            )
            if row is None:
                raise UnknownUser(f"no user {normalize_username(username)}")
            for name, value in values.items():
                setattr(row, name, value)

    def disable(self, username: str) -> None:
        """The user can no longer sign in; the row stays, so the audit trail keeps its names."""
        self._update(username, disabled=True)

    def enable(self, username: str) -> None:
        """Let a disabled user sign in again (with the password they had)."""
        self._update(username, disabled=False)

    def set_password(self, username: str, password: str) -> None:
        """Replace the password; a disabled user stays disabled."""
        self._update(username, password_hash=hash_password(password))

    # --- password sign-in ------------------------------------------------------------------

    def authenticate(
        self, username: str, password: str, *, now: datetime | None = None
    ) -> User | SignInRefused:
        """The user when ``password`` is right, else why not.

        After :data:`MAX_FAILED_SIGNINS` failures for a username within
        :data:`THROTTLE_WINDOW`, every attempt is refused until the oldest of them leaves the
        window, without checking the password (so guessing cannot go on). Refused attempts are
        not counted, so the lock ends when the window does. Unknown usernames are throttled
        and timed the same way as known ones.
        """
        at = now or _now()
        name = normalize_username(username)[:USERNAME_LENGTH]
        with self._writing(), self._session() as session, session.begin():
            failures = session.scalar(
                select(func.count())
                .select_from(FailedSignInRow)
                .where(FailedSignInRow.username == name, FailedSignInRow.at > at - THROTTLE_WINDOW)
            )
            if (failures or 0) >= MAX_FAILED_SIGNINS:
                return SignInRefused.THROTTLED
            row = session.scalar(select(UserRow).where(UserRow.username == name))
            matches = verify_password(row.password_hash if row else DUMMY_HASH, password)
            if row is None or not matches or row.disabled:
                session.add(FailedSignInRow(username=name, at=at))
                session.execute(
                    delete(FailedSignInRow).where(FailedSignInRow.at <= at - THROTTLE_WINDOW)
                )
                return SignInRefused.INVALID
            session.execute(delete(FailedSignInRow).where(FailedSignInRow.username == name))
            if needs_rehash(row.password_hash):
                row.password_hash = hash_password(password)
            return _user(row)

    # --- audit trail -----------------------------------------------------------------------

    def record_audit(
        self,
        *,
        username: str,
        role: str,
        action: str,
        subject: str,
        detail: str,
        at: datetime | None = None,
    ) -> AuditEntry:
        """Write one audit entry and commit it before returning."""
        entry = AuditEntry(at or _now(), username, role, action, subject, detail)
        return self.record_audits([entry])[0]

    def record_audits(self, entries: list[AuditEntry]) -> list[AuditEntry]:
        """Write several audit entries in one transaction (one page showing several lists)."""
        rows = [
            AuditRow(
                at=e.at,
                username=e.username,
                role=e.role,
                action=e.action,
                subject=e.subject,
                detail=e.detail,
            )
            for e in entries
        ]
        with self._writing(), self._session() as session, session.begin():
            session.add_all(rows)
        return entries

    def audit_entries(
        self,
        *,
        username: str | None = None,
        since: datetime | None = None,
        limit: int = DEFAULT_AUDIT_LIMIT,
    ) -> list[AuditEntry]:
        """The newest entries first, optionally of one user and from ``since`` on."""
        query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
        if username is not None:
            query = query.where(AuditRow.username == username)
        if since is not None:
            query = query.where(AuditRow.at >= since)
        with self._session() as session:
            return [
                AuditEntry(row.at, row.username, row.role, row.action, row.subject, row.detail)
                for row in session.scalars(query)
            ]
