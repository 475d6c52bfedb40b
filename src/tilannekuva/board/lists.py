"""The rows behind the board's alerts, and the clock arithmetic that decides them.

Every alert on a board names a list (``Alert.list_ref``); :func:`board_list` gives its rows:
record ids (never person ids), times, office minutes or days left. The rules live here once
(:class:`Thresholds`), so an alert's count is always the length of its list.

Decisions:

- Office time as indicators-v1's ``message_reply_1h``: Monday–Friday [08:00, 16:00) local
  wall clock, Finnish public holidays excluded (``indicators.office_hours``), to the whole
  second. A message is past the promise when more than 3600 office seconds have passed since
  it was received and it is not answered (so a message received on Saturday is past the
  promise at 09:00:01 on Monday, or on Tuesday when Monday is a holiday).
- Days left = legal maximum date − today's local date, in calendar days: 0 means today is the
  last day within the limit, −1 that the limit was passed yesterday. "Near the limit" is 3 or
  fewer days left, the overdue included; assessments outside reception and oral care have no
  legal maximum and are never near it.
- An assessment more than 30 days past its legal maximum (``overdue_days_shown``) leaves the
  board: after a month without any visit reported it is an orphan for the quality report
  (``orphan_assessments``), not today's work, and a load months old would otherwise fill the
  board with assessments whose visits happened after the load but before the event stream.
- The load's open assessments and the events' are one list per assessment id: an event's
  version replaces the load's, and an assessment any unit's events report visited (or with an
  outcome other than non-urgent care) is closed, whichever unit reported it.
- Slots: the load's latest snapshot and the slot events are one book per slot (unit,
  professional group, professional, start instant); an event about a slot replaces the
  snapshot's state of it.
- Waiting times shown are wall-clock seconds since the record's time, never negative (an
  event stamped ahead of ``now`` has waited 0 s).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import holidays

from tilannekuva.board.baseline import Baseline
from tilannekuva.board.state import (
    HELSINKI,
    OpenAssessment,
    SlotState,
    UnitDay,
    local_day,
    require_aware,
)
from tilannekuva.indicators.office_hours import CLOSE_SECOND, OPEN_SECOND, is_office_day

MESSAGES_OVER_PROMISE = "messages_over_promise"
ASSESSMENTS_NEAR_LIMIT = "assessments_near_limit"
CALLBACKS_PENDING = "callbacks_pending"
CALLS_WAITING = "calls_waiting"
ALERT_LISTS = (MESSAGES_OVER_PROMISE, ASSESSMENTS_NEAR_LIMIT, CALLBACKS_PENDING, CALLS_WAITING)
# Lists behind tiles that raise no alert of their own.
MESSAGES_WAITING = "messages_waiting"
ASSESSMENTS_OPEN = "assessments_open"
CALLS_ABANDONED = "calls_abandoned"
LIST_KINDS = (*ALERT_LISTS, MESSAGES_WAITING, ASSESSMENTS_OPEN, CALLS_ABANDONED)
_DAY_SECONDS = 86_400


@dataclass(frozen=True)
class Thresholds:
    """When a number becomes worth a word on the board (configurable per deployment)."""

    promise_seconds: int = 3600  # one office hour: the e-message answer promise (seed 001)
    promise_warning_seconds: int = 45 * 60  # a waiting message this old: attention
    near_limit_days: int = 3  # days left to the legal maximum that make an assessment at risk
    overdue_days_shown: int = 30  # days past the legal maximum an assessment stays on the board
    call_wait_seconds: int = 300  # a call waiting longer is an alert
    demand_attention_ratio: float = 1.5  # today ≥ 1.5 × usual by now …
    demand_attention_minimum: int = 5  # … and at least 5 more than usual: attention
    t3_attention_days: int = 14  # a professional group's T3 above this: attention
    feedback_days: int = 30  # the NPS window


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class ListItem:
    """One row of a board list: a record id and its times (codes, no text)."""

    kind: str
    unit_id: str
    record_id: str
    at: datetime  # received, queued, call-back requested, abandoned or assessed
    waited_seconds: int  # wall clock since ``at``
    office_seconds: int | None = None  # e-messages: office time since received
    legal_maximum: date | None = None  # assessments
    days_left: int | None = None  # assessments with a legal maximum
    detail: str | None = None  # a code: the message channel or the service area


# --- office time -----------------------------------------------------------------------------


@cache
def _finnish_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("FI", years=year)


def is_office_date(day: date) -> bool:
    """Monday–Friday and not a Finnish public holiday."""
    return is_office_day(day, _finnish_holidays(day.year))


def _second_of_day(local: datetime) -> int:
    return local.hour * 3600 + local.minute * 60 + local.second


def office_seconds_between(start: datetime, end: datetime) -> int:
    """Office seconds in [start, end) of local wall-clock time; 0 when ``end`` is not later."""
    first, last = start.astimezone(HELSINKI), end.astimezone(HELSINKI)
    if last <= first:
        return 0
    total = 0
    day = first.date()
    while day <= last.date():
        if is_office_date(day):
            low = _second_of_day(first) if day == first.date() else 0
            high = _second_of_day(last) if day == last.date() else _DAY_SECONDS
            total += max(0, min(high, CLOSE_SECOND) - max(low, OPEN_SECOND))
        day = date.fromordinal(day.toordinal() + 1)
    return total


def is_office_time(moment: datetime) -> bool:
    """Within office hours now (the promise's clock is running)."""
    local = moment.astimezone(HELSINKI)
    return is_office_date(local.date()) and OPEN_SECOND <= _second_of_day(local) < CLOSE_SECOND


def waited(since: datetime, now: datetime) -> int:
    """Whole wall-clock seconds from ``since`` to ``now``, never negative."""
    return max(0, int((now - since).total_seconds()))


# --- the load and the events as one picture --------------------------------------------------


def _days(unit_ids: Iterable[str], state: Mapping[str, UnitDay]) -> list[UnitDay]:
    return [state[unit_id] for unit_id in unit_ids if unit_id in state]


def open_assessments(
    unit_ids: Sequence[str], state: Mapping[str, UnitDay], baseline: Baseline
) -> list[OpenAssessment]:
    """The units' open assessments: the load's and the events', one per id, oldest first."""
    closed = frozenset().union(*(day.closed_assessment_ids for day in state.values()))
    found: dict[str, OpenAssessment] = {}
    for unit_id in unit_ids:
        for assessment in baseline.unit(unit_id).open_assessments:
            found[assessment.assessment_id] = assessment
    for day in _days(unit_ids, state):
        for assessment in day.open_assessments:
            found[assessment.assessment_id] = assessment
    return sorted(
        (a for a in found.values() if a.assessment_id not in closed),
        key=lambda a: (a.assessed_at, a.assessment_id),
    )


def days_left(assessment: OpenAssessment, today: date) -> int | None:
    if assessment.legal_maximum is None:
        return None
    return (assessment.legal_maximum - today).days


def current_slots(
    unit_ids: Sequence[str], state: Mapping[str, UnitDay], baseline: Baseline
) -> list[SlotState]:
    """Every known slot of the units in its latest state (free or booked), by start."""
    by_key: dict[tuple[str, str, str | None, datetime], SlotState] = {}
    for unit_id in unit_ids:
        for slot in baseline.unit(unit_id).slots:
            by_key[slot.book_key] = slot
    for day in _days(unit_ids, state):
        for slot in day.slots:
            by_key[slot.book_key] = slot
    return sorted(
        by_key.values(),
        key=lambda s: (s.slot_start, s.unit_id, s.professional_group, s.professional_id or ""),
    )


def books(
    unit_ids: Sequence[str], state: Mapping[str, UnitDay], baseline: Baseline
) -> set[tuple[str, str, str | None]]:
    """(unit, group, professional) of every book in the snapshot or in the slot events."""
    found = {
        (unit_id, group, professional)
        for unit_id in unit_ids
        for group, professional in baseline.unit(unit_id).books
    }
    for day in _days(unit_ids, state):
        found.update((s.unit_id, s.professional_group, s.professional_id) for s in day.slots)
    return found


# --- the lists -------------------------------------------------------------------------------


def board_list(
    kind: str,
    unit_ids: Sequence[str],
    now: datetime,
    state: Mapping[str, UnitDay],
    baseline: Baseline,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[ListItem]:
    """The rows of list ``kind`` (one of :data:`LIST_KINDS`) for the units, most urgent first.

    Raises ``ValueError`` for an unknown kind.
    """
    require_aware(now)
    days = _days(unit_ids, state)
    if kind in (MESSAGES_OVER_PROMISE, MESSAGES_WAITING):
        rows = [
            ListItem(
                kind,
                m.unit_id,
                m.message_id,
                m.received_at,
                waited(m.received_at, now),
                office_seconds=office_seconds_between(m.received_at, now),
                detail=m.channel,
            )
            for day in days
            for m in day.messages_waiting
        ]
        if kind == MESSAGES_OVER_PROMISE:
            rows = [r for r in rows if (r.office_seconds or 0) > thresholds.promise_seconds]
        return sorted(rows, key=lambda r: (r.at, r.unit_id, r.record_id))
    if kind in (ASSESSMENTS_NEAR_LIMIT, ASSESSMENTS_OPEN):
        today = local_day(now)
        rows = [
            ListItem(
                kind,
                a.unit_id,
                a.assessment_id,
                a.assessed_at,
                waited(a.assessed_at, now),
                legal_maximum=a.legal_maximum,
                days_left=days_left(a, today),
                detail=a.service_area,
            )
            for a in open_assessments(unit_ids, state, baseline)
            if (days_left(a, today) or 0) >= -thresholds.overdue_days_shown
        ]
        if kind == ASSESSMENTS_NEAR_LIMIT:
            rows = [
                r
                for r in rows
                if r.days_left is not None and r.days_left <= thresholds.near_limit_days
            ]
        no_limit = 10**6
        return sorted(
            rows,
            key=lambda r: (
                no_limit if r.days_left is None else r.days_left,
                r.at,
                r.record_id,
            ),
        )
    if kind == CALLBACKS_PENDING:
        rows = [
            ListItem(kind, c.unit_id, c.call_id, c.requested_at, waited(c.requested_at, now))
            for day in days
            for c in day.callbacks_pending
        ]
    elif kind == CALLS_WAITING:
        rows = [
            ListItem(kind, c.unit_id, c.call_id, c.queued_at, waited(c.queued_at, now))
            for day in days
            for c in day.calls_waiting
            if waited(c.queued_at, now) > thresholds.call_wait_seconds
        ]
    elif kind == CALLS_ABANDONED:
        rows = [
            ListItem(kind, c.unit_id, c.call_id, c.abandoned_at, waited(c.abandoned_at, now))
            for day in days
            for c in day.abandoned_today
        ]
    else:
        raise ValueError(f"unknown board list {kind!r}; one of {', '.join(LIST_KINDS)}")
    return sorted(rows, key=lambda r: (r.at, r.unit_id, r.record_id))
