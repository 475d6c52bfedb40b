"""Hand-made board events for the state, list and view tests.

Times are written as Helsinki wall-clock text with their offset (March 2025 is UTC+2, winter
time), so every expected number in the tests can be checked with a calendar and a clock.
2025-03-07 is a Friday, 2025-03-10 a Monday; 2025-04-18 Good Friday and 2025-04-21 Easter
Monday are Finnish public holidays.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from tilannekuva.board.events import Event, parse_event
from tilannekuva.board.store import StoredEvent

RECEIVED = datetime.fromisoformat("2025-03-10T08:00:00+02:00")
_IDS = itertools.count(1)


def at(text: str) -> datetime:
    """An aware time from ISO text; a bare wall-clock time is taken as UTC+2 (March 2025)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = datetime.fromisoformat(text + "+02:00")
    return moment


def event(kind: str, when: str, unit: str = "u1", **fields: Any) -> Event:
    """One event of type ``kind`` at ``when`` with a fresh source id unless one is given."""
    source_id = fields.pop("source_id", None) or f"e{next(_IDS)}"
    data = {"type": kind, "source_id": source_id, "occurred_at": at(when), "unit_id": unit}
    data.update(fields)
    return parse_event(data)


def stored(one: Event, source: str = "phone", received_at: datetime = RECEIVED) -> StoredEvent:
    return StoredEvent(source, one.source_id, received_at, one)


def msg(message_id: str, when: str, unit: str = "u1", channel: str = "portal") -> StoredEvent:
    return stored(
        event("message.received", when, unit, message_id=message_id, channel=channel), "portal"
    )


def answer(message_id: str, when: str, unit: str = "u1") -> StoredEvent:
    return stored(event("message.answered", when, unit, message_id=message_id), "portal")


def call(kind: str, call_id: str, when: str, unit: str = "u1") -> StoredEvent:
    return stored(event(f"call.{kind}", when, unit, call_id=call_id), "phone")


def contact(
    contact_id: str,
    when: str,
    contact_type: str = "R10",
    *,
    unit: str = "u1",
    walk_in: bool = False,
    finished: bool = False,
    assessment_id: str | None = None,
) -> StoredEvent:
    kind = "contact.finished" if finished else "contact.started"
    return stored(
        event(
            kind,
            when,
            unit,
            contact_id=contact_id,
            contact_type=contact_type,
            walk_in=walk_in,
            assessment_id=assessment_id,
        ),
        "record",
    )


def assessed(
    assessment_id: str,
    when: str,
    *,
    unit: str = "u1",
    area: str = "reception",
    outcome: str = "nonurgent_care",
    age_group: str = "23_or_over",
) -> StoredEvent:
    return stored(
        event(
            "assessment.made",
            when,
            unit,
            assessment_id=assessment_id,
            service_area=area,
            outcome=outcome,
            age_group=age_group,
        ),
        "record",
    )


def visited(assessment_id: str, when: str, unit: str = "u1") -> StoredEvent:
    return stored(event("assessment.visited", when, unit, assessment_id=assessment_id), "record")


def slot(
    kind: str,
    slot_id: str,
    start: str,
    when: str = "2025-03-10T07:00:00",
    *,
    unit: str = "u1",
    group: str = "doctor",
    professional: str | None = "d1",
    slot_kind: str = "nonurgent",
) -> StoredEvent:
    return stored(
        event(
            f"slot.{kind}",
            when,
            unit,
            slot_id=slot_id,
            professional_group=group,
            professional_id=professional,
            slot_start=at(start),
            slot_kind=slot_kind,
        ),
        "book",
    )


def feedback(when: str, nps: int | None, unit: str = "u1") -> StoredEvent:
    return stored(event("feedback.answered", when, unit, nps=nps), "kiosk-vendor")
