"""Today's state of each unit, folded from the board's stored events (a pure function).

:func:`fold` turns the events the board store holds into one :class:`UnitDay` per unit: the
demand of today by channel, what is still open (e-messages, calls, call-backs, assessments),
the last known state of each appointment slot, contacts of today and this week, and external
feedback answers. The board view (``view.py``) then adds the latest load's baseline and the
clock's arithmetic (office hours, days left); nothing here depends on how far ``now`` is from
an event except which local date is "today".

Decisions:

- Placement: events are folded in the order (``occurred_at`` instant, source, ``source_id``)
  (``events.placement_key``), after dropping repeated copies, so any order of arrival gives
  the same state. Two copies of one (source, ``source_id``) keep the one received first
  (ties: the smaller JSON text), whatever order they are handed over in.
- Records, not events, are counted: two events of one record (two sources reporting the same
  call, or a repeated ``message.received``) count once; a record keeps the first time of
  each kind of event in placement order.
- A closing event that sorts before its opening one (``message.answered`` stamped before
  ``message.received`` by another system's clock) still closes it: a record is open when it
  has its opening event and none of its closing events, in whatever order they arrived.
- "Today" and "this week" (Monday to today) are local dates in Europe/Helsinki of ``now``.
  Events stamped after ``now`` (a source's clock ahead, a replay faster than real time) are
  folded like any other: the caller chooses the window (:func:`event_window`).
- Calls: a call waits when queued today and not answered, abandoned, or turned into a
  call-back request (a phone queue does not last overnight; a queued call whose closing event
  was lost would otherwise wait for ever). A call-back is pending from its request until
  ``call.called_back``, whatever the day. An abandoned call counts for the day it was queued
  (else the day it was abandoned) unless it was called back (indicators-v1: a call-back on any
  day clears abandonment).
- Assessments: open = outcome ``nonurgent_care`` and no ``assessment.visited``, and no contact
  event carrying its ``assessment_id`` with a visit contact type (``is_visit`` in the
  *Yhteystapa* table). The legal maximum comes from :func:`legal_maximum`.
- Slots: the last event of a ``slot_id`` in placement order decides whether it is free
  (``slot.opened``/``slot.freed``) or booked (``slot.booked``), with that event's facts.
- Contacts are counted once per ``contact_id``, on the local date of ``contact.started`` (or of
  ``contact.finished`` when its start was never received); remote = a customer contact whose
  type is remote, in person = channel ``in_person``, ``home_visit`` or ``other_visit``
  (the ``contacts_remote`` / ``contacts_in_person`` indicators' split).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from tilannekuva.board.events import (
    AssessmentMade,
    AssessmentVisited,
    CallEvent,
    ContactEvent,
    Event,
    FeedbackAnswered,
    MessageAnswered,
    MessageReceived,
    SlotEvent,
    event_json,
    placement_key,
)
from tilannekuva.indicators.care_guarantee import (
    _LAW_2024_END,
    _ORAL_2024_END,
    _REFORM_2023,
)
from tilannekuva.model.contact_types import IN_PERSON_CHANNELS, default_contact_types

HELSINKI = ZoneInfo("Europe/Helsinki")
CHANNELS = ("calls", "messages", "walk_ins", "remote")  # demand channels, in display order
NONURGENT = "nonurgent"
NONURGENT_CARE = "nonurgent_care"
UNDER_23 = "under_23"
_CONTACT_TYPES = default_contact_types()


class StoredEventLike(Protocol):
    """What the fold reads of a stored event (``board.store.StoredEvent`` has it)."""

    @property
    def source(self) -> str: ...

    @property
    def source_id(self) -> str: ...

    @property
    def received_at(self) -> datetime: ...

    @property
    def event(self) -> Event: ...


# --- time helpers ----------------------------------------------------------------------------


def local_day(instant: datetime) -> date:
    """The Europe/Helsinki calendar date of an aware instant."""
    return instant.astimezone(HELSINKI).date()


def local_midnight(day: date) -> datetime:
    """The aware instant a local date begins."""
    return datetime.combine(day, time(0), tzinfo=HELSINKI)


def require_aware(now: datetime) -> datetime:
    """``now`` must carry its offset: a naive time would silently mean the server's zone."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now


def add_months(day: date, months: int) -> date:
    """Calendar months added and clamped to the month's last day, as DuckDB does
    (2025-01-31 + 1 month = 2025-02-28), so the legal maximum matches the indicator's."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def legal_maximum(service_area: str, assessed_on: date, age_group: str | None) -> date | None:
    """Last local date within the legal maximum; None outside reception and oral care.

    The same table as ``indicators.care_guarantee.legal_maximum_date`` (indicators-v1,
    domain.md §3.1; the under-23 oral row is inferred), in plain Python for live events;
    ``tests/board/test_state.py`` checks the two agree. From 2025 the table depends on the age
    group; an unknown group (None) gets the 23-or-over row, the longer limit.
    """
    under_23 = age_group == UNDER_23
    if service_area == "reception":
        if assessed_on < _REFORM_2023:
            return add_months(assessed_on, 3)
        if assessed_on <= _LAW_2024_END or under_23:
            return assessed_on + timedelta(days=14)
        return add_months(assessed_on, 3)
    if service_area == "oral":
        if assessed_on < _REFORM_2023:
            return add_months(assessed_on, 6)
        if assessed_on <= _ORAL_2024_END:
            return add_months(assessed_on, 4)
        if assessed_on <= _LAW_2024_END or under_23:
            return add_months(assessed_on, 3)
        return add_months(assessed_on, 6)
    return None


def event_window(now: datetime, since: datetime | None = None) -> tuple[datetime, datetime]:
    """The [start, end) of events a board needs for ``now``.

    From the earlier of ``since`` (the latest load's cutoff: assessments and slots made after
    it are only in the events) and 30 days back (last 30 days' feedback, messages and call-backs
    still open, this week's contacts), but never more than 190 days back (the longest legal
    maximum, six months); to the end of today.
    """
    today = local_day(require_aware(now))
    start = local_midnight(today - timedelta(days=30))
    if since is not None:
        start = min(start, require_aware(since))
    start = max(start, local_midnight(today - timedelta(days=190)))
    return start, local_midnight(today + timedelta(days=1))


# --- what a unit's day holds -----------------------------------------------------------------


@dataclass(frozen=True)
class WaitingMessage:
    """An e-message received and not yet answered."""

    unit_id: str
    message_id: str
    received_at: datetime
    channel: str | None


@dataclass(frozen=True)
class WaitingCall:
    """A call in the queue: queued today, not answered, abandoned or turned into a call-back."""

    unit_id: str
    call_id: str
    queued_at: datetime


@dataclass(frozen=True)
class PendingCallback:
    """A call-back promised (``call.callback_requested``) and not yet made."""

    unit_id: str
    call_id: str
    requested_at: datetime


@dataclass(frozen=True)
class AbandonedCall:
    """A call of today that was abandoned and not called back."""

    unit_id: str
    call_id: str
    abandoned_at: datetime


@dataclass(frozen=True)
class OpenAssessment:
    """A non-urgent care need assessed and not yet met by a visit (from events or the load)."""

    unit_id: str
    assessment_id: str
    assessed_at: datetime
    service_area: str
    age_group: str | None
    legal_maximum: date | None


@dataclass(frozen=True)
class SlotState:
    """An appointment slot as last reported: free or booked.

    ``slot_id`` is None for a slot of the load's snapshot (extract-v1 slots have no id); both
    kinds meet on :attr:`book_key`, the slot's book and start instant.
    """

    unit_id: str
    slot_id: str | None
    professional_group: str
    professional_id: str | None
    slot_start: datetime
    slot_kind: str
    free: bool

    @property
    def book_key(self) -> tuple[str, str, str | None, datetime]:
        """(unit, group, professional, start instant): one slot of one book."""
        return (self.unit_id, self.professional_group, self.professional_id, self.slot_start)

    @property
    def counts_for_t3(self) -> bool:
        return self.free and self.slot_kind == NONURGENT


@dataclass(frozen=True)
class ContactCounts:
    """Customer contacts by remote and in person."""

    remote: int = 0
    in_person: int = 0

    @property
    def total(self) -> int:
        return self.remote + self.in_person

    def __add__(self, other: ContactCounts) -> ContactCounts:
        return ContactCounts(self.remote + other.remote, self.in_person + other.in_person)


@dataclass(frozen=True)
class FeedbackAnswer:
    """One answer of an external feedback system (``feedback.answered``)."""

    unit_id: str
    occurred_at: datetime
    nps: int | None


@dataclass(frozen=True)
class UnitDay:
    """One unit's state for the local date ``day``, folded from events."""

    unit_id: str
    day: date
    demand: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    messages_waiting: tuple[WaitingMessage, ...] = ()
    calls_waiting: tuple[WaitingCall, ...] = ()
    callbacks_pending: tuple[PendingCallback, ...] = ()
    abandoned_today: tuple[AbandonedCall, ...] = ()
    assessments_made_today: int = 0
    open_assessments: tuple[OpenAssessment, ...] = ()
    closed_assessment_ids: frozenset[str] = frozenset()
    """Assessments known from events not to be open (visited, or an outcome that is not
    non-urgent care): the load's open ones with these ids are closed."""
    slots: tuple[SlotState, ...] = ()
    contacts_today: ContactCounts = ContactCounts()
    contacts_week: ContactCounts = ContactCounts()
    feedback: tuple[FeedbackAnswer, ...] = ()

    @staticmethod
    def empty(unit_id: str, day: date) -> UnitDay:
        return UnitDay(unit_id, day)


# --- the fold --------------------------------------------------------------------------------


def fold(events: Iterable[StoredEventLike], now: datetime) -> dict[str, UnitDay]:
    """Each unit's :class:`UnitDay` for the local date of ``now`` (units without events are
    absent; use :meth:`UnitDay.empty`).

    An event stamped after ``now`` waits until its time: a source whose clock runs ahead, or
    a day replayed again (the demo), never shows the future early.
    """
    today = local_day(require_aware(now))
    units: dict[str, _UnitFold] = {}
    for stored in placed(events):
        event = stored.event
        if event.occurred_at > now:
            break  # placed in time order: every later one is in the future too
        unit = units.get(event.unit_id)
        if unit is None:
            unit = units[event.unit_id] = _UnitFold()
        unit.apply(event)
    return {unit_id: units[unit_id].result(unit_id, today) for unit_id in sorted(units)}


def placed(events: Iterable[StoredEventLike]) -> list[StoredEventLike]:
    """One copy per (source, source_id), in placement order (see the module's decisions)."""
    kept: dict[tuple[str, str], StoredEventLike] = {}
    for stored in events:
        key = (stored.source, stored.source_id)
        other = kept.get(key)
        if other is None or _copy_rank(stored) < _copy_rank(other):
            kept[key] = stored
    # In UTC, so the sort compares plain times instead of asking each offset every time.
    return sorted(
        kept.values(),
        key=lambda s: placement_key(s.event.occurred_at.astimezone(UTC), s.source, s.source_id),
    )


def _copy_rank(stored: StoredEventLike) -> tuple[datetime, str]:
    """Which of two copies of one source id is kept: the first received, then the smaller
    JSON text (only computed when copies meet)."""
    return (stored.received_at, event_json(stored.event))


@dataclass
class _Message:
    received_at: datetime | None = None
    channel: str | None = None
    answered: bool = False


@dataclass
class _Assessment:
    made: AssessmentMade | None = None
    visited: bool = False


@dataclass
class _Contact:
    day: date | None = None
    started: bool = False
    contact_type: str = ""
    walk_in: bool = False


@dataclass
class _UnitFold:
    """The records of one unit while its events are applied in placement order."""

    messages: dict[str, _Message] = field(default_factory=dict)
    calls: dict[str, dict[str, datetime]] = field(default_factory=dict)
    assessments: dict[str, _Assessment] = field(default_factory=dict)
    slots: dict[str, SlotState] = field(default_factory=dict)
    contacts: dict[str, _Contact] = field(default_factory=dict)
    feedback: list[FeedbackAnswer] = field(default_factory=list)

    def apply(self, event: Event) -> None:
        if isinstance(event, MessageReceived):
            message = self.messages.setdefault(event.message_id, _Message())
            if message.received_at is None:
                message.received_at, message.channel = event.occurred_at, event.channel
        elif isinstance(event, MessageAnswered):
            self.messages.setdefault(event.message_id, _Message()).answered = True
        elif isinstance(event, CallEvent):
            self.calls.setdefault(event.call_id, {}).setdefault(event.type, event.occurred_at)
        elif isinstance(event, AssessmentMade):
            assessment = self.assessments.setdefault(event.assessment_id, _Assessment())
            assessment.made = assessment.made or event
        elif isinstance(event, AssessmentVisited):
            self.assessments.setdefault(event.assessment_id, _Assessment()).visited = True
        elif isinstance(event, ContactEvent):
            self._apply_contact(event)
        elif isinstance(event, SlotEvent):
            self.slots[event.slot_id] = SlotState(
                event.unit_id,
                event.slot_id,
                event.professional_group,
                event.professional_id,
                event.slot_start,
                event.slot_kind,
                free=event.type != "slot.booked",
            )
        elif isinstance(event, FeedbackAnswered):
            self.feedback.append(FeedbackAnswer(event.unit_id, event.occurred_at, event.nps))

    def _apply_contact(self, event: ContactEvent) -> None:
        contact = self.contacts.setdefault(event.contact_id, _Contact())
        started = event.type == "contact.started"
        if (started and not contact.started) or contact.day is None:
            contact.day = local_day(event.occurred_at)
            contact.contact_type = event.contact_type
            contact.walk_in = event.walk_in
            contact.started = started
        if event.assessment_id is not None and _CONTACT_TYPES[event.contact_type].is_visit:
            self.assessments.setdefault(event.assessment_id, _Assessment()).visited = True

    def result(self, unit_id: str, today: date) -> UnitDay:
        week_start = today - timedelta(days=today.weekday())
        contacts_today, contacts_week, walk_ins = self._contact_counts(today, week_start)
        demand = {
            "calls": sum(
                1
                for call in self.calls.values()
                if "call.queued" in call and local_day(call["call.queued"]) == today
            ),
            "messages": sum(
                1
                for message in self.messages.values()
                if message.received_at is not None and local_day(message.received_at) == today
            ),
            "walk_ins": walk_ins,
            "remote": contacts_today.remote,
        }
        made_today = sum(
            1
            for assessment in self.assessments.values()
            if assessment.made is not None and local_day(assessment.made.occurred_at) == today
        )
        return UnitDay(
            unit_id=unit_id,
            day=today,
            demand=demand,
            messages_waiting=self._messages_waiting(unit_id),
            calls_waiting=self._calls_waiting(unit_id, today),
            callbacks_pending=self._callbacks_pending(unit_id),
            abandoned_today=self._abandoned_today(unit_id, today),
            assessments_made_today=made_today,
            open_assessments=self._open_assessments(unit_id),
            closed_assessment_ids=frozenset(
                assessment_id
                for assessment_id, assessment in self.assessments.items()
                if assessment.visited
                or (assessment.made is not None and assessment.made.outcome != NONURGENT_CARE)
            ),
            slots=tuple(sorted(self.slots.values(), key=_slot_order)),
            contacts_today=contacts_today,
            contacts_week=contacts_week,
            feedback=tuple(self.feedback),
        )

    def _messages_waiting(self, unit_id: str) -> tuple[WaitingMessage, ...]:
        waiting = [
            WaitingMessage(unit_id, message_id, message.received_at, message.channel)
            for message_id, message in self.messages.items()
            if message.received_at is not None and not message.answered
        ]
        return tuple(sorted(waiting, key=lambda m: (m.received_at, m.message_id)))

    def _calls_waiting(self, unit_id: str, today: date) -> tuple[WaitingCall, ...]:
        closing = ("call.answered", "call.abandoned", "call.callback_requested", "call.called_back")
        waiting = [
            WaitingCall(unit_id, call_id, call["call.queued"])
            for call_id, call in self.calls.items()
            if "call.queued" in call
            and local_day(call["call.queued"]) == today
            and not any(kind in call for kind in closing)
        ]
        return tuple(sorted(waiting, key=lambda c: (c.queued_at, c.call_id)))

    def _callbacks_pending(self, unit_id: str) -> tuple[PendingCallback, ...]:
        pending = [
            PendingCallback(unit_id, call_id, call["call.callback_requested"])
            for call_id, call in self.calls.items()
            if "call.callback_requested" in call and "call.called_back" not in call
        ]
        return tuple(sorted(pending, key=lambda c: (c.requested_at, c.call_id)))

    def _abandoned_today(self, unit_id: str, today: date) -> tuple[AbandonedCall, ...]:
        abandoned = [
            AbandonedCall(unit_id, call_id, call["call.abandoned"])
            for call_id, call in self.calls.items()
            if "call.abandoned" in call
            and "call.called_back" not in call
            and local_day(call.get("call.queued", call["call.abandoned"])) == today
        ]
        return tuple(sorted(abandoned, key=lambda c: (c.abandoned_at, c.call_id)))

    def _open_assessments(self, unit_id: str) -> tuple[OpenAssessment, ...]:
        found = []
        for assessment_id, assessment in self.assessments.items():
            made = assessment.made
            if made is None or assessment.visited or made.outcome != NONURGENT_CARE:
                continue
            limit = legal_maximum(made.service_area, local_day(made.occurred_at), made.age_group)
            found.append(
                OpenAssessment(
                    unit_id,
                    assessment_id,
                    made.occurred_at,
                    made.service_area,
                    made.age_group,
                    limit,
                )
            )
        return tuple(sorted(found, key=lambda a: (a.assessed_at, a.assessment_id)))

    def _contact_counts(
        self, today: date, week_start: date
    ) -> tuple[ContactCounts, ContactCounts, int]:
        """(today's counts, this week's counts, today's walk-ins)."""
        today_remote = today_in_person = week_remote = week_in_person = walk_ins = 0
        for contact in self.contacts.values():
            if contact.day is None or not week_start <= contact.day <= today:
                continue
            kind = _CONTACT_TYPES[contact.contact_type]
            remote = kind.remote and kind.customer_contact
            in_person = kind.channel in IN_PERSON_CHANNELS
            week_remote += remote
            week_in_person += in_person
            if contact.day == today:
                today_remote += remote
                today_in_person += in_person
                walk_ins += contact.walk_in and contact.started
        return (
            ContactCounts(today_remote, today_in_person),
            ContactCounts(week_remote, week_in_person),
            walk_ins,
        )


def _slot_order(slot: SlotState) -> tuple[datetime, str, str, str]:
    return (
        slot.slot_start,
        slot.professional_group,
        slot.professional_id or "",
        slot.slot_id or "",
    )
