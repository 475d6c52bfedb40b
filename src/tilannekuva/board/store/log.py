"""The board store's event log: record events idempotently, read them back in order.

Decisions:

- Idempotent on ``(source, source_id)``: the first copy wins. A later copy is reported
  ``duplicate`` whatever it says; when its content differs, a warning is logged (the ids,
  never the content) so the integration's bug is visible without a second truth.
- Within one batch the same rule holds: the first occurrence of a source id is stored, later
  ones are duplicates.
- The insert is ``INSERT … ON CONFLICT DO NOTHING RETURNING``: two requests racing with the
  same event cannot both store it or fail on the unique key; whichever commits first wins.
- A batch is one transaction: stored whole or not at all.
- Reading returns events sorted by (``occurred_at``, source, ``source_id``) in Python, not
  by the database's collation, so SQLite and PostgreSQL give the same order.
- ``revision()`` is a counter bumped in the same transaction as the events, not the newest
  row id: on PostgreSQL ids are taken before commit, so a slower transaction can commit a
  smaller id after a larger one is visible, and a poller watching the maximum would miss it.
  The counter's row lock orders the commits.
- Row ids never repeat (``AUTOINCREMENT`` on SQLite too) and rows never change, so parsed
  events are kept in memory by row id (bounded): folding the same day again after every new
  event parses only the new rows.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tilannekuva.board.events import Event, event_json, parse_event_json, placement_key
from tilannekuva.board.store.core import Clock, StoreCore, utc_now
from tilannekuva.board.store.models import EventRow, RevisionRow

log = logging.getLogger(__name__)

READ_CHUNK = 500  # source ids per IN list
PARSED_CACHE_SIZE = 200_000  # parsed events kept by row id (~1 KB each)


@dataclass(frozen=True)
class Recorded:
    """What became of one posted event."""

    source_id: str
    status: Literal["stored", "duplicate"]


@dataclass(frozen=True)
class StoredEvent:
    """An event as the store holds it: who sent it, when it arrived, and the event."""

    source: str
    source_id: str
    received_at: datetime
    event: Event


class EventLogMixin(StoreCore):
    """The append-only log of board events."""

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        super().__init__(engine, clock=clock)
        self._parsed: OrderedDict[tuple[int, str, str], Event] = OrderedDict()
        self._parsed_lock = threading.Lock()

    def record_events(self, source: str, events: Sequence[Event]) -> list[Recorded]:
        """Store ``events`` from ``source`` in one transaction; one result per event, in order."""
        if not source:
            raise ValueError("an event needs its source system")
        if not events:
            return []
        first: dict[str, Event] = {}
        for event in events:
            first.setdefault(event.source_id, event)
        received_at = self.now()
        rows = [
            {
                "source": source,
                "source_id": event.source_id,
                "type": event.type,
                "unit_id": event.unit_id,
                "occurred_at": event.occurred_at,
                "received_at": received_at,
                "payload": event_json(event),
            }
            # In one order, so two PostgreSQL transactions never wait on each other's keys.
            for event in sorted(first.values(), key=lambda event: event.source_id)
        ]
        stored: set[str] = set()
        earlier: dict[str, str] = {}
        with self._writing(), self._session() as session, session.begin():
            # One statement for all rows: SQLAlchemy sends it as multi-row INSERTs of a few
            # hundred rows each ("insertmanyvalues") and compiles it once per process.
            inserted = session.connection().execute(self._insert_new(), rows)
            stored.update(inserted.scalars())
            others = [source_id for source_id in first if source_id not in stored]
            for start in range(0, len(others), READ_CHUNK):
                chunk_ids = others[start : start + READ_CHUNK]
                found = session.execute(
                    select(EventRow.source_id, EventRow.payload).where(
                        EventRow.source == source, EventRow.source_id.in_(chunk_ids)
                    )
                )
                earlier.update((row.source_id, row.payload) for row in found)
            if stored:
                # Last, so the row lock is held only while the transaction commits.
                self._bump_revision(session)
        results: list[Recorded] = []
        seen: set[str] = set()
        for event in events:
            new = event.source_id in stored and event.source_id not in seen
            seen.add(event.source_id)
            results.append(Recorded(event.source_id, "stored" if new else "duplicate"))
            if not new:
                self._warn_if_different(source, event, first, earlier)
        return results

    def _insert_new(self) -> Any:
        """``INSERT … ON CONFLICT DO NOTHING RETURNING source_id`` for this dialect."""
        insert = postgresql_insert if self.dialect == "postgresql" else sqlite_insert
        return (
            insert(EventRow)
            .on_conflict_do_nothing(index_elements=["source", "source_id"])
            .returning(EventRow.source_id)
        )

    @staticmethod
    def _warn_if_different(
        source: str, event: Event, first: dict[str, Event], earlier: dict[str, str]
    ) -> None:
        kept_json = earlier.get(event.source_id)
        kept = parse_event_json(kept_json) if kept_json is not None else first[event.source_id]
        if kept != event:
            log.warning(
                "board event %s/%s sent again with different content; the first copy stands",
                source,
                event.source_id,
            )

    def events_for(
        self, unit_ids: Collection[str], start: datetime, end: datetime
    ) -> list[StoredEvent]:
        """The events of ``unit_ids`` that occurred in [start, end), in placement order."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass aware times")
        units = sorted(set(unit_ids))
        if not units:
            return []
        with self._session() as session:
            rows = list(
                session.execute(
                    select(
                        EventRow.id,
                        EventRow.source,
                        EventRow.source_id,
                        EventRow.received_at,
                        EventRow.occurred_at,
                        EventRow.payload,
                    ).where(
                        EventRow.unit_id.in_(units),
                        EventRow.occurred_at >= start,
                        EventRow.occurred_at < end,
                    )
                )
            )
        rows.sort(key=lambda row: placement_key(row.occurred_at, row.source, row.source_id))
        return [
            StoredEvent(row.source, row.source_id, row.received_at, self._parsed_event(row))
            for row in rows
        ]

    def _parsed_event(self, row: Any) -> Event:
        key = (row.id, row.source, row.source_id)
        with self._parsed_lock:
            event = self._parsed.get(key)
        if event is not None:
            return event
        event = parse_event_json(row.payload)
        with self._parsed_lock:
            self._parsed[key] = event
            while len(self._parsed) > PARSED_CACHE_SIZE:
                self._parsed.popitem(last=False)
        return event

    def revision(self) -> int:
        """A number that changes whenever events are stored or pruned (one row to read)."""
        with self._session() as session:
            return session.scalar(select(RevisionRow.value).where(RevisionRow.id == 1)) or 0

    @staticmethod
    def _bump_revision(session: Session) -> None:
        session.execute(
            update(RevisionRow).where(RevisionRow.id == 1).values(value=RevisionRow.value + 1)
        )

    def prune_events(self, before: datetime) -> int:
        """Delete events that occurred before ``before`` (retention); returns how many."""
        if before.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware time")
        with self._writing(), self._session() as session, session.begin():
            result = session.execute(delete(EventRow).where(EventRow.occurred_at < before))
            count = int(getattr(result, "rowcount", 0) or 0)
            if count:
                self._bump_revision(session)
        with self._parsed_lock:
            self._parsed.clear()
        return count
