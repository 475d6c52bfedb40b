"""One unit's day from the warehouse's latest load, as board events moved to another date.

The demo and the tests need a live event stream; the synthetic county (or any real load) already
holds whole days of contacts, e-messages, calls, assessments and appointment books. This module
reads one unit's day from the current load and writes the v1 events a patient record, phone
system, e-message portal and appointment book would have sent, with every time moved to the
target day at the same local time of day. :mod:`tilannekuva.board.replay` sends them.

It reads a warehouse load, never the synthetic county's code: any load can be replayed.

Decisions (how rows become events):

- **Contacts** (customer contacts only, ``customer_contact`` of the load's code table; work
  without the customer is not what the board counts): ``contact.started`` at ``start_at``;
  extract-v1 has no end time, so ``contact.finished`` follows after a typical length for the
  channel (:data:`CONTACT_MINUTES`: a visit 20 min, a phone contact 10, a home visit 45, …).
  The contact carries its ``assessment_id`` only when it is an eligible non-urgent visit
  validly linked to it (indicators-v1: the assessment exists and is the same person's; not
  urgent, not under a care plan, a visit type), the contacts that can realise an assessment;
  a broken link or a follow-up under a care plan is sent without one.
- **Walk-ins**: extract-v1 has no walk-in column. An in-person visit (channel ``in_person``)
  with no ``booked_at``, or an urgent one booked at most :data:`WALK_IN_BOOKED_WITHIN` before
  it started (booked at the desk when the customer came in), is sent as ``walk_in``.
- **E-messages**: ``message.received`` at ``received_at`` (a missing channel is sent as
  ``portal``, the usual one), ``message.answered`` at ``first_reply_at``.
- **Calls**: ``call.queued`` at ``arrived_at``; ``call.answered`` at ``answered_at``;
  ``call.callback_requested`` when the caller left a call-back request, right at arrival;
  ``call.abandoned`` :data:`ABANDON_AFTER` after arrival (extract-v1 gives no time);
  ``call.called_back`` at ``callback_at``.
- **Assessments** made on the day: ``assessment.made`` with the unit's service area, the
  outcome as in the extract and the age group from the person's birth date at the assessment's
  local date (indicators-v1 "age at an event"). The waiting list the morning starts with is
  sent too: non-urgent assessments made in the :data:`OPEN_SINCE_DAYS` before the day whose
  first treatment event had not happened when the day began, at their own earlier dates, so
  the board counts down their days to the legal limit. ``assessment.visited`` for every
  assessment of the unit, made on any day, whose *first treatment event* (indicators-v1: the
  earliest eligible non-urgent visit validly linked to it) started on the day; one whose first
  event comes before its assessment date (a data-quality finding) gets none.
- **Backlog**: the board starts its day with what was still open. E-messages received in the
  :data:`BACKLOG_DAYS` before the day and not answered before it, and call-backs promised in
  that time and not made before it, are sent too (with their earlier events, at their own
  earlier dates), so the morning begins with yesterday evening's messages waiting.
- **Events after the day** (an answer the next morning, a contact running past midnight) are
  left out: the replay is one day.
- **Slots**: the book is the unit's latest slot snapshot on or before the day. Every free
  non-urgent slot from the day on is ``slot.opened`` at the start of the target day (the book
  as it stood in the morning). Bookings come from the load too: each non-urgent contact of the
  unit *booked on the day* (``booked_at``) for a later date books the earliest free opened slot
  of its professional group that still lies ahead, at the contact's ``booked_at`` time
  (``slot.booked``); a booking with no free slot left books nothing. So the count and timing of
  bookings are the unit's real ones, and T3 moves during the day as people take the first
  free times. Slot dates move by office days (a slot two office days after the day lies two
  office days after the target day), so a Friday's book replayed on a Monday puts no slot on
  a weekend; times of day are kept.
- **Order inside a record**: a later step never carries an earlier time than the step before
  (it is set one second after it): the board must not see an answer before its message because
  of a data fault the quality report already finds.
- **Times**: local wall-clock times move by whole days to the target date and become instants
  in Europe/Helsinki with the extract's rule for the DST gap and fold (summer time), so 08:15
  stays 08:15 whether the source day was in winter and the target in summer or not.
- **Source ids** are ``sim:<hash>:<type>:<record id>`` where the hash is of the unit, the
  source day and the target day: the same replay again sends the same ids (the store answers
  "duplicate", nothing counts twice), even after a new load of the same data, while the same
  day replayed onto another date is new. Record ids are the load's own, so a visit today
  closes the open assessment the board's baseline holds under the same id.
- A row whose event the event API would refuse (an id longer than 128 characters or shaped
  like a personal identity code) is left out, logged and counted (``SimulatedDay.skipped``);
  a slot id too long for the API is replaced by a digest.
- **The busiest recent office day** (when no day is given) is the office day in the four
  weeks before the load's cutoff date (:data:`RECENT_DAYS`) with the most demand at the unit:
  customer contacts, e-messages, calls and assessments; ties go to the later day.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import holidays
from pydantic import ValidationError

from tilannekuva.board.events import ID_LENGTH, Event, parse_event
from tilannekuva.indicators.office_hours import is_office_day
from tilannekuva.ingest.timeparse import HELSINKI, naive_local_to_utc
from tilannekuva.model.contact_types import default_contact_types
from tilannekuva.warehouse import connect

CONTACT_MINUTES: dict[str, int] = {
    "in_person": 20,
    "home_visit": 45,
    "other_visit": 30,
    "phone": 10,
    "video": 20,
    "remote_other": 10,
    "e_message": 5,
}
DEFAULT_CONTACT_MINUTES = 15
WALK_IN_BOOKED_WITHIN = timedelta(minutes=30)
ABANDON_AFTER = timedelta(minutes=2)
BACKLOG_DAYS = 7
OPEN_SINCE_DAYS = 190  # the longest legal maximum (six months), as the board's window
RECENT_DAYS = 28
NONURGENT = "nonurgent"
UNDER_23 = 23
_STEP = timedelta(seconds=1)
_ONE_DAY = timedelta(days=1)

log = logging.getLogger(__name__)

Warehouse = Path | duckdb.DuckDBPyConnection


class SimulationError(ValueError):
    """The day cannot be simulated: an unknown unit, no load, or no day with activity."""


@dataclass(frozen=True)
class SimulatedDay:
    """The events of one unit's day and where they came from."""

    load_id: str
    unit_id: str
    day: date
    target_day: date
    events: list[Event]
    skipped: int = 0  # events left out because the event API would refuse them


@contextmanager
def _opened(warehouse: Warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    if isinstance(warehouse, duckdb.DuckDBPyConnection):
        yield warehouse
        return
    connection = connect(warehouse, read_only=True)
    try:
        yield connection
    finally:
        connection.close()


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return connection.execute(sql, list(params)).fetchall()


def _current_load(connection: duckdb.DuckDBPyConnection) -> tuple[str, datetime | None]:
    rows = _rows(connection, "SELECT load_id, cutoff_local FROM loads WHERE is_current")
    if not rows:
        raise SimulationError("the warehouse holds no load yet; load an extract first")
    return str(rows[0][0]), rows[0][1]


def _service_area(connection: duckdb.DuckDBPyConnection, unit_id: str) -> str:
    rows = _rows(connection, "SELECT service_area FROM units WHERE unit_id = ?", unit_id)
    if not rows:
        raise SimulationError(f"unit {unit_id!r} is not in the current load")
    return str(rows[0][0])


# --- choosing the day ---------------------------------------------------------------------------

_DEMAND_BY_DAY = """
    WITH demand AS (
        SELECT CAST(c.start_at_local AS DATE) AS d FROM contacts c
            JOIN contact_types t ON t.code = c.contact_type
            WHERE c.unit_id = $unit AND t.customer_contact
        UNION ALL SELECT CAST(received_at_local AS DATE) FROM messages WHERE unit_id = $unit
        UNION ALL SELECT CAST(arrived_at_local AS DATE) FROM calls WHERE unit_id = $unit
        UNION ALL SELECT CAST(assessed_at_local AS DATE) FROM assessments WHERE unit_id = $unit
    )
    SELECT d, count(*) FROM demand WHERE d BETWEEN $first AND $last GROUP BY d
"""


def busiest_day(warehouse: Warehouse, unit_id: str) -> date:
    """The office day with the most demand at the unit in the four weeks before the cutoff.

    Decisions: the cutoff's own date is left out (the extract was taken during it, so it is
    incomplete); without a cutoff the unit's latest day with demand ends the window.
    """
    with _opened(warehouse) as connection:
        _, cutoff = _current_load(connection)
        _service_area(connection, unit_id)
        last = cutoff.date() - _ONE_DAY if cutoff is not None else date.max
        counts = _demand_counts(connection, unit_id, date.min, last)
        if not counts:
            raise SimulationError(f"unit {unit_id!r} has no contacts, messages or calls")
        last = min(last, max(counts))
        first = last - timedelta(days=RECENT_DAYS - 1)
        finnish = _holidays(first.year, last.year)
        office = [
            (n, d) for d, n in counts.items() if first <= d <= last and is_office_day(d, finnish)
        ]
    if not office:
        raise SimulationError(
            f"unit {unit_id!r} has no office day with activity in the {RECENT_DAYS} days "
            f"up to {last.isoformat()}; give the day"
        )
    return max(office)[1]


def _demand_counts(
    connection: duckdb.DuckDBPyConnection, unit_id: str, first: date, last: date
) -> dict[date, int]:
    rows = connection.execute(
        _DEMAND_BY_DAY, {"unit": unit_id, "first": first, "last": last}
    ).fetchall()
    return {row[0]: int(row[1]) for row in rows}


@cache
def _holidays(first_year: int, last_year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("FI", years=range(first_year, last_year + 1))


# --- moving times -------------------------------------------------------------------------------


class _Clock:
    """Moves the source day's wall-clock times to the target day."""

    def __init__(self, day: date, target_day: date) -> None:
        self.day = day
        self.target_day = target_day
        self.shift = target_day - day
        self.start = datetime.combine(day, time())
        self.end = self.start + _ONE_DAY
        self._office = _holidays(min(day, target_day).year, max(day, target_day).year + 1)

    def moved(self, local: datetime) -> datetime:
        """The instant at the same local time of day, ``shift`` days later."""
        return _instant(local + self.shift)

    def moved_slot(self, local: datetime) -> datetime:
        """A slot time moved by office days from the source day to the target day."""
        source = local.date()
        if source <= self.day or not is_office_day(source, self._office):
            return self.moved(local)
        rank = _office_days_between(self.day, source, self._office)
        target = self.target_day
        while rank:
            target += _ONE_DAY
            if is_office_day(target, self._office):
                rank -= 1
        return _instant(datetime.combine(target, local.time()))


def _office_days_between(first: date, last: date, finnish: holidays.HolidayBase) -> int:
    """Office days in (first, last]."""
    count, day = 0, first
    while day < last:
        day += _ONE_DAY
        count += is_office_day(day, finnish)
    return count


def _instant(wall: datetime) -> datetime:
    """A Helsinki wall-clock time as an aware instant (gap and fold take summer time)."""
    return naive_local_to_utc(wall).replace(tzinfo=UTC).astimezone(HELSINKI)


# --- records to events --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    """One event of a record before it is moved: its local time, type and facts."""

    at: datetime
    type: str
    facts: dict[str, Any]


def _in_order(steps: list[_Step]) -> list[_Step]:
    """Each step at least one second after the one before (decision: no answer before asking)."""
    ordered: list[_Step] = []
    for step in steps:
        if ordered and step.at <= ordered[-1].at:
            step = _Step(ordered[-1].at + _STEP, step.type, step.facts)
        ordered.append(step)
    return ordered


class _Builder:
    """Collects the events of one simulated day."""

    def __init__(self, unit_id: str, clock: _Clock) -> None:
        self.unit_id = unit_id
        self.clock = clock
        key = f"{unit_id}|{clock.day.isoformat()}|{clock.target_day.isoformat()}"
        self.prefix = "sim:" + hashlib.sha256(key.encode()).hexdigest()[:12]
        self.events: list[Event] = []
        self.skipped = 0

    def source_id(self, event_type: str, record: str) -> str:
        text = f"{self.prefix}:{event_type}:{record}"
        if len(text) <= ID_LENGTH:
            return text
        digest = hashlib.sha256(f"{event_type}|{record}".encode()).hexdigest()[:40]
        return f"{self.prefix}:{digest}"

    def record(self, record: str, steps: list[_Step]) -> None:
        """The record's steps in order; steps after the day are left out (decision)."""
        for step in _in_order(steps):
            if step.at < self.clock.end:
                self.add(record, step.type, self.clock.moved(step.at), step.facts)

    def add(
        self, record: str, event_type: str, occurred_at: datetime, facts: dict[str, Any]
    ) -> None:
        event = {
            "type": event_type,
            "source_id": self.source_id(event_type, record),
            "occurred_at": occurred_at,
            "unit_id": self.unit_id,
            **facts,
        }
        try:
            self.events.append(parse_event(event))
        except ValidationError as error:  # an id the event API would refuse (too long, …)
            self.skipped += 1
            fields = ", ".join(".".join(map(str, e["loc"][1:])) for e in error.errors())
            log.warning("simulator: %s of %s left out (%s)", event_type, record, fields)


def _record_id(text: str) -> str:
    """``text``, or a digest of it when it is longer than the event API takes."""
    if len(text) <= ID_LENGTH:
        return text
    return "sim-" + hashlib.sha256(text.encode()).hexdigest()


def day_events(
    warehouse: Warehouse, unit_id: str, day: date | None = None, target_day: date | None = None
) -> list[Event]:
    """The unit's day (default: its busiest recent office day) as events on ``target_day``.

    ``target_day`` defaults to today in Europe/Helsinki. Sorted as the board folds them:
    by time, then source id.
    """
    return simulate_day(warehouse, unit_id, day, target_day).events


def simulate_day(
    warehouse: Warehouse, unit_id: str, day: date | None = None, target_day: date | None = None
) -> SimulatedDay:
    """:func:`day_events` with the load and the days it used."""
    with _opened(warehouse) as connection:
        load_id, _ = _current_load(connection)
        area = _service_area(connection, unit_id)
        if day is None:
            day = busiest_day(connection, unit_id)
        if target_day is None:
            target_day = datetime.now(HELSINKI).date()
        builder = _Builder(unit_id, _Clock(day, target_day))
        _contacts(connection, builder)
        _messages(connection, builder)
        _calls(connection, builder)
        _assessments(connection, builder, area)
        _slots(connection, builder)
    events = sorted(builder.events, key=lambda e: (e.occurred_at, e.source_id))
    return SimulatedDay(load_id, unit_id, day, target_day, events, builder.skipped)


def _window(builder: _Builder) -> dict[str, Any]:
    clock = builder.clock
    return {
        "unit": builder.unit_id,
        "start": clock.start,
        "end": clock.end,
        "backlog": clock.start - timedelta(days=BACKLOG_DAYS),
        "open_since": clock.start - timedelta(days=OPEN_SINCE_DAYS),
    }


def _query(
    connection: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]
) -> list[tuple[Any, ...]]:
    used = {name: value for name, value in params.items() if f"${name}" in sql}
    return connection.execute(sql, used).fetchall()


_CONTACTS = """
    SELECT c.contact_id, c.start_at_local, c.contact_type, c.professional_group, c.urgency,
           c.booked_at_local, t.channel,
           CASE WHEN c.urgency = 'nonurgent' AND NOT c.care_plan AND t.is_visit
                THEN a.assessment_id END
    FROM contacts c
    JOIN contact_types t ON t.code = c.contact_type
    LEFT JOIN assessments a ON a.assessment_id = c.assessment_id AND a.person_id = c.person_id
    WHERE c.unit_id = $unit AND c.start_at_local >= $start AND c.start_at_local < $end
      AND t.customer_contact
"""


def is_walk_in(
    channel: str, urgency: str, start_local: datetime, booked_local: datetime | None
) -> bool:
    """The simulator's walk-in rule (module decisions), for anyone who must count the same."""
    if channel != "in_person":
        return False
    if booked_local is None:
        return True
    # A booking after the start (a recording fault) is no sign of a walk-in.
    desk = start_local - WALK_IN_BOOKED_WITHIN <= booked_local <= start_local
    return urgency == "urgent" and desk


def _contacts(connection: duckdb.DuckDBPyConnection, builder: _Builder) -> None:
    shipped = default_contact_types()
    for cid, start, code, group, urgency, booked, channel, assessment in _query(
        connection, _CONTACTS, _window(builder)
    ):
        if code not in shipped:  # an analyst's own code: the event API would refuse it
            continue
        facts = {
            "contact_id": cid,
            "contact_type": code,
            "walk_in": is_walk_in(channel, urgency, start, booked),
            "professional_group": group,
            "assessment_id": assessment,
        }
        end = start + timedelta(minutes=CONTACT_MINUTES.get(channel, DEFAULT_CONTACT_MINUTES))
        builder.record(
            cid,
            [_Step(start, "contact.started", facts), _Step(end, "contact.finished", facts)],
        )


_MESSAGES = """
    SELECT message_id, received_at_local, first_reply_at_local, channel FROM messages
    WHERE unit_id = $unit AND received_at_local < $end
      AND (received_at_local >= $start
           OR (received_at_local >= $backlog
               AND (first_reply_at_local IS NULL OR first_reply_at_local >= $start)))
"""


def _messages(connection: duckdb.DuckDBPyConnection, builder: _Builder) -> None:
    for mid, received, reply, channel in _query(connection, _MESSAGES, _window(builder)):
        facts = {"message_id": mid, "channel": channel or "portal"}
        steps = [_Step(received, "message.received", facts)]
        if reply is not None:
            steps.append(_Step(reply, "message.answered", facts))
        builder.record(mid, steps)


_CALLS = """
    SELECT call_id, arrived_at_local, answered_at_local, coalesce(callback_requested, false),
           callback_at_local, coalesce(abandoned, false)
    FROM calls
    WHERE unit_id = $unit AND arrived_at_local < $end
      AND (arrived_at_local >= $start
           OR (arrived_at_local >= $backlog AND callback_requested
               AND (callback_at_local IS NULL OR callback_at_local >= $start))
           OR (arrived_at_local >= $backlog AND abandoned
               AND callback_at_local >= $start AND callback_at_local < $end))
"""


def _calls(connection: duckdb.DuckDBPyConnection, builder: _Builder) -> None:
    for cid, arrived, answered, callback, callback_at, abandoned in _query(
        connection, _CALLS, _window(builder)
    ):
        facts = {"call_id": cid}
        steps = [_Step(arrived, "call.queued", facts)]
        if callback:
            steps.append(_Step(arrived, "call.callback_requested", facts))
        if answered is not None:
            steps.append(_Step(answered, "call.answered", facts))
        if abandoned:
            steps.append(_Step(arrived + ABANDON_AFTER, "call.abandoned", facts))
        if callback_at is not None:
            steps.append(_Step(callback_at, "call.called_back", facts))
        builder.record(cid, steps)


# indicators-v1 first treatment event: the earliest eligible non-urgent visit validly linked
# to the assessment (ties: the smallest contact id), chosen among all units' visits.
_LINKED = """
    SELECT a.assessment_id, a.assessed_at_local, c.start_at_local,
           row_number() OVER (
               PARTITION BY a.assessment_id ORDER BY c.start_at, c.contact_id
           ) AS rank
    FROM contacts c
    JOIN contact_types t ON t.code = c.contact_type
    JOIN assessments a ON a.assessment_id = c.assessment_id AND a.person_id = c.person_id
    WHERE a.unit_id = $unit AND c.urgency = 'nonurgent' AND NOT c.care_plan AND t.is_visit
"""
# Made on the day, or made in the OPEN_SINCE_DAYS before it for non-urgent care and not yet
# treated when the day began (the board's waiting list at the start of the morning).
_ASSESSMENTS = f"""
    WITH linked AS ({_LINKED})
    SELECT a.assessment_id, a.assessed_at_local, a.outcome, p.birth_date
    FROM assessments a
    LEFT JOIN persons p ON p.person_id = a.person_id
    LEFT JOIN linked f ON f.assessment_id = a.assessment_id AND f.rank = 1
    WHERE a.unit_id = $unit AND a.assessed_at_local < $end
      AND (a.assessed_at_local >= $start
           OR (a.assessed_at_local >= $open_since AND a.outcome = 'nonurgent_care'
               AND (f.start_at_local IS NULL OR f.start_at_local >= $start)))
"""
_FIRST_VISITS = f"""
    WITH linked AS ({_LINKED})
    SELECT assessment_id, start_at_local FROM linked
    WHERE rank = 1 AND start_at_local >= $start AND start_at_local < $end
      AND CAST(start_at_local AS DATE) >= CAST(assessed_at_local AS DATE)
"""


def age_at(birth: date, on: date) -> int:
    """Completed years (indicators-v1: a 29 February birthday falls on 1 March)."""
    before_birthday = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - int(before_birthday)


def _assessments(connection: duckdb.DuckDBPyConnection, builder: _Builder, area: str) -> None:
    window = _window(builder)
    made: dict[str, datetime] = {}
    for aid, assessed, outcome, birth in _query(connection, _ASSESSMENTS, window):
        # A person is required in a load; without a birth date the adult row is the default.
        young = birth is not None and age_at(birth, assessed.date()) < UNDER_23
        facts = {
            "assessment_id": aid,
            "service_area": area,
            "outcome": outcome,
            "age_group": "under_23" if young else "23_or_over",
        }
        made[aid] = assessed
        builder.record(aid, [_Step(assessed, "assessment.made", facts)])
    for aid, visited in _query(connection, _FIRST_VISITS, window):
        steps = [_Step(visited, "assessment.visited", {"assessment_id": aid})]
        if aid in made:  # keep it after its own assessment.made
            steps = _in_order([_Step(made[aid], "", {}), *steps])[1:]
        builder.record(aid, steps)


_BOOK_DATE = """
    SELECT max(snapshot_date) FROM slot_snapshots
    WHERE unit_id = $unit AND snapshot_date <= CAST($start AS DATE)
"""
_FREE_SLOTS = """
    SELECT professional_group, professional_id, slot_start_local FROM slot_snapshots
    WHERE unit_id = $unit AND snapshot_date = $book AND slot_kind = 'nonurgent'
      AND status = 'free' AND slot_start_local >= $start
    ORDER BY slot_start_local, professional_group, professional_id NULLS FIRST
"""
_BOOKINGS = """
    SELECT contact_id, professional_group, booked_at_local FROM contacts
    WHERE unit_id = $unit AND urgency = 'nonurgent'
      AND booked_at_local >= $start AND booked_at_local < $end AND start_at_local >= $end
    ORDER BY booked_at_local, contact_id
"""


@dataclass
class _Slot:
    slot_id: str
    facts: dict[str, Any]
    start: datetime  # moved
    booked: bool = False


def _slots(connection: duckdb.DuckDBPyConnection, builder: _Builder) -> None:
    window = _window(builder)
    book = _query(connection, _BOOK_DATE, window)[0][0]
    if book is None:
        return
    clock = builder.clock
    opened_at = _instant(datetime.combine(clock.target_day, time()))
    slots: list[_Slot] = []
    seen: dict[str, int] = {}
    for group, professional, start in _query(connection, _FREE_SLOTS, {**window, "book": book}):
        moved = clock.moved_slot(start)
        slot_id = _record_id(f"{builder.unit_id}:{professional or group}:{moved:%Y-%m-%dT%H:%M}")
        seen[slot_id] = seen.get(slot_id, 0) + 1
        if seen[slot_id] > 1:  # two free slots at once in one pooled book
            slot_id += f"#{seen[slot_id]}"
        facts = {
            "slot_id": slot_id,
            "professional_group": group,
            "professional_id": professional,
            "slot_start": moved,
            "slot_kind": NONURGENT,
        }
        slots.append(_Slot(slot_id, facts, moved))
        builder.add(slot_id, "slot.opened", opened_at, facts)
    for _contact, group, booked_local in _query(connection, _BOOKINGS, window):
        booked_at = max(clock.moved(booked_local), opened_at + _STEP)
        free = [s for s in slots if not s.booked and s.facts["professional_group"] == group]
        ahead = [s for s in free if s.start > booked_at]
        if not ahead:
            continue
        slot = min(ahead, key=lambda s: (s.start, s.slot_id))
        slot.booked = True
        builder.add(slot.slot_id, "slot.booked", booked_at, slot.facts)
