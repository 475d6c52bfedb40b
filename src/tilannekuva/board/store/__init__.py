"""The board store: the event log, source systems and wall displays (SQLAlchemy, Alembic)."""

from tilannekuva.board.store.access import DisplayInfo, SourceInfo, Theme
from tilannekuva.board.store.log import Recorded, StoredEvent
from tilannekuva.board.store.store import BoardStore

__all__ = ["BoardStore", "DisplayInfo", "Recorded", "SourceInfo", "StoredEvent", "Theme"]
