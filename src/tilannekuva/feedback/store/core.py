"""The feedback store's connection: engine, sessions, the SQLite write lock and the clock.

:class:`FeedbackStore` (``store.py``) is this core plus one mixin per concern (answers and
invitations, the SMS outbox and inbox, kiosks, the staff pulse), so each concern stays in a
small module. Every write is committed before a method returns: an answer the caller was
told about is on disk, which is what lets the web form and the SMS webhook acknowledge it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreCore:
    """An open feedback database; subclasses add the operations."""

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Statements that stand alone (a read, one insert) run without a transaction around
        # them: on PostgreSQL a transaction adds a BEGIN and a COMMIT or ROLLBACK, two more
        # round trips, which were half the database's work per web answer.
        self._single = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._reads = sessionmaker(self._single, expire_on_commit=False)
        # SQLite lets one writer in at a time and makes the others sleep and retry; queueing
        # the process's own writers on a lock avoids those sleeps. PostgreSQL needs none.
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def now(self) -> datetime:
        """The store's clock (aware UTC); tests replace it to move time."""
        return self.clock()

    def _writing(self) -> AbstractContextManager[object]:
        return self._write_lock

    def _session(self) -> Session:
        return self._sessions()

    def _reading(self) -> Session:
        """A session for reads whose statements need not see one snapshot together (each
        runs on its own, without a transaction)."""
        return self._reads()

    def _pulse_revision(self) -> tuple[object, ...]:
        """The pulse's part of the revision (overridden by the pulse mixin)."""
        return ()

    def close(self) -> None:
        self.engine.dispose()
