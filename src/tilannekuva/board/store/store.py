"""BoardStore: the one object the event API, the board service and the CLI use."""

from __future__ import annotations

from tilannekuva.board.store import migrate
from tilannekuva.board.store.access import AccessMixin
from tilannekuva.board.store.core import Clock, utc_now
from tilannekuva.board.store.log import EventLogMixin
from tilannekuva.warehouse.operational import operational_engine


class BoardStore(EventLogMixin, AccessMixin):
    """The board's event log, its source systems and wall displays in one SQL database."""

    @classmethod
    def open(cls, url: str, *, clock: Clock = utc_now) -> BoardStore:
        """Connect to ``url`` (SQLite file or PostgreSQL) and migrate to the newest schema."""
        engine = operational_engine(url)
        migrate.upgrade(engine)
        return cls(engine, clock=clock)
