"""The feedback store's connection: engine, sessions, the SQLite write lock and the clock.

:class:`FeedbackStore` (``store.py``) is this core plus one mixin per concern (answers and
invitations, the SMS outbox and inbox, kiosks, the staff pulse), so each concern stays in a
small module. Every write is committed before a method returns: an answer the caller was
told about is on disk, which is what lets the web form and the SMS webhook acknowledge it.
"""

from __future__ import annotations

from sqlalchemy import Engine

from tilannekuva.warehouse.operational import Clock, OperationalStore, utc_now


class StoreCore(OperationalStore):
    """An open feedback database; subclasses add the operations."""

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        super().__init__(engine, clock=clock)
        # Statements that stand alone (a read, one insert) run without a transaction around
        # them: on PostgreSQL a transaction adds a BEGIN and a COMMIT or ROLLBACK, two more
        # round trips, which were half the database's work per web answer.
        self._single = engine.execution_options(isolation_level="AUTOCOMMIT")

    def _pulse_revision(self) -> tuple[object, ...]:
        """The pulse's part of the revision (overridden by the pulse mixin)."""
        return ()


__all__ = ["Clock", "StoreCore", "utc_now"]
