"""A board's tiles for a unit or a group of units at one moment: numbers, comparisons, words.

:func:`board_view` combines today's folded events (``state.fold``), the latest load's
baseline, the feedback summary and the last complete month's indicator rows into one
:class:`BoardView`. It holds ids, codes and numbers only: the web layer words and translates
them, so one view serves every language and both the desk view and the wall display
(``BoardView.to_json``).

Statuses are ``ok``, ``attention`` or ``alert`` (:data:`STATUSES`), decided here once:

- demand: ``attention`` when a channel's count so far today is at least
  ``demand_attention_ratio`` × its usual count by this time of day and at least
  ``demand_attention_minimum`` above it; never ``alert`` (demand is not a failure).
- e-messages: ``alert`` when one is past the one-office-hour promise, ``attention`` when one
  has waited ``promise_warning_seconds`` of office time.
- calls: ``alert`` when a call has waited more than ``call_wait_seconds``, ``attention`` when
  a call-back is pending or a call of today was abandoned and not called back.
- assessments: ``alert`` when one is on its last legal day or past it (0 or fewer days left),
  ``attention`` when one has ``near_limit_days`` or fewer left.
- appointments: ``attention`` when a professional group's T3 exceeds ``t3_attention_days``.
- remote share, feedback and context are information: always ``ok``.

Decisions:

- T3 as indicators-v1 ``t3_days`` with today as the snapshot date: per book, the calendar
  days from today to the local date of its third free non-urgent slot dated today or later
  (fewer: not measurable); per professional group, the median of its measurable books (an even
  count takes the mean of the two middle values).
- Free non-urgent slots "in the next N days" are those not yet started whose local date is
  before today + N (today counts as the first day).
- Remote share = remote / (remote + in person) customer contacts × 100, today and this week
  (Monday to today).
- NPS adds the external systems' ``feedback.answered`` events of the window to the feedback
  store's answers.
- A group of units adds its units up; a usual level exists only when every unit has one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any, Literal

from tilannekuva.board.baseline import Baseline, combined_usual
from tilannekuva.board.feedback_summary import FeedbackSummary, FeedbackTotals, Pulse
from tilannekuva.board.lists import (
    ASSESSMENTS_NEAR_LIMIT,
    ASSESSMENTS_OPEN,
    CALLBACKS_PENDING,
    CALLS_WAITING,
    DEFAULT_THRESHOLDS,
    MESSAGES_OVER_PROMISE,
    MESSAGES_WAITING,
    Thresholds,
    board_list,
    books,
    current_slots,
    is_office_time,
)
from tilannekuva.board.state import (
    CHANNELS,
    HELSINKI,
    ContactCounts,
    SlotState,
    UnitDay,
    local_day,
    require_aware,
)
from tilannekuva.indicators.rows import IndicatorRow

Status = Literal["ok", "attention", "alert"]
STATUSES: tuple[Status, ...] = ("ok", "attention", "alert")
FREE_SLOT_HORIZONS = (3, 7, 14)  # days


def worst(statuses: Sequence[Status]) -> Status:
    return max(statuses, key=STATUSES.index, default="ok")


@dataclass(frozen=True)
class Alert:
    """A worded alert: what (``kind``), how bad, how many, and the list behind it."""

    kind: str
    severity: Status
    count: int
    list_ref: str


@dataclass(frozen=True)
class DemandChannel:
    channel: str  # calls | messages | walk_ins | remote
    today: int
    usual_by_now: float | None  # usual count by this time of day (None: no usual level)
    usual_day: float | None  # usual count of the whole day
    reference_days: int  # same weekdays averaged
    status: Status


@dataclass(frozen=True)
class DemandTile:
    weekday: int  # 0 = Monday
    channels: tuple[DemandChannel, ...]
    status: Status


@dataclass(frozen=True)
class MessagesTile:
    waiting: int
    oldest_received_at: datetime | None
    oldest_wait_seconds: int | None
    oldest_office_seconds: int | None
    over_promise: int
    promise_seconds: int
    office_hours_now: bool  # the promise's clock runs only in office hours
    status: Status


@dataclass(frozen=True)
class CallsTile:
    waiting: int
    oldest_wait_seconds: int | None
    waiting_over_limit: int
    wait_limit_seconds: int
    callbacks_pending: int
    oldest_callback_seconds: int | None
    abandoned_today: int
    status: Status


@dataclass(frozen=True)
class AssessmentsTile:
    made_today: int
    open: int
    near_limit: int
    last_day_or_past: int  # 0 or fewer days left
    overdue: int  # fewer than 0 days left
    soonest_days_left: int | None
    near_limit_days: int
    status: Status


@dataclass(frozen=True)
class T3Group:
    professional_group: str
    t3_days: float | None  # median over measurable books; None: none measurable
    books: int
    measurable: int
    status: Status


@dataclass(frozen=True)
class FreeSlotGroup:
    professional_group: str
    count: int


@dataclass(frozen=True)
class FreeSlots:
    days: int  # the next N days, today included
    count: int
    by_group: tuple[FreeSlotGroup, ...]


@dataclass(frozen=True)
class AppointmentsTile:
    t3: tuple[T3Group, ...]
    free_slots: tuple[FreeSlots, ...]
    snapshot_date: date | None  # the load's latest slot snapshot behind the numbers
    t3_attention_days: int
    status: Status


@dataclass(frozen=True)
class RemoteShare:
    remote: int
    in_person: int
    share_pct: float | None  # None: no contacts


@dataclass(frozen=True)
class RemoteTile:
    today: RemoteShare
    week: RemoteShare
    week_start: date
    status: Status


@dataclass(frozen=True)
class FeedbackTile:
    days: int
    nps: float | None
    nps_answers: int
    responses: int
    promoters: int
    detractors: int
    pulse_period: str | None
    pulse_index: float | None
    pulse_respondents: int | None
    status: Status


@dataclass(frozen=True)
class ContextRow:
    """One indicator row of the last complete month (passed in; shown as it is)."""

    indicator_id: str
    period: str
    unit_id: str
    value: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool
    provisional: bool


@dataclass(frozen=True)
class BoardView:
    """Everything one board shows at one moment; ids, codes and numbers, no words."""

    unit_ids: tuple[str, ...]
    generated_at: datetime  # local (Europe/Helsinki)
    day: date
    load_id: str | None
    load_cutoff: datetime | None
    demand: DemandTile
    messages: MessagesTile
    calls: CallsTile
    assessments: AssessmentsTile
    appointments: AppointmentsTile
    remote: RemoteTile
    feedback: FeedbackTile
    context: tuple[ContextRow, ...]
    alerts: tuple[Alert, ...]
    status: Status

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types: times as ISO 8601 with their offset, dates as ``YYYY-MM-DD``."""
        converted = _plain(self)
        assert isinstance(converted, dict)
        return converted

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


# --- the tiles -------------------------------------------------------------------------------


def board_view(
    unit_ids: Sequence[str],
    now: datetime,
    state: Mapping[str, UnitDay],
    baseline: Baseline,
    feedback: FeedbackSummary | None,
    context_rows: Sequence[IndicatorRow] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> BoardView:
    """The board of ``unit_ids`` at ``now`` (aware); ``state`` is ``fold``'s result."""
    now = require_aware(now).astimezone(HELSINKI)
    units = tuple(dict.fromkeys(unit_ids))
    today = local_day(now)
    days = [state.get(unit_id) or UnitDay.empty(unit_id, today) for unit_id in units]
    demand = _demand(units, now, days, baseline, thresholds)
    messages, message_alerts = _messages(units, now, state, baseline, thresholds)
    calls, call_alerts = _calls(units, now, days, state, baseline, thresholds)
    assessments, assessment_alerts = _assessments(units, now, days, state, baseline, thresholds)
    appointments = _appointments(units, now, state, baseline, thresholds)
    remote = _remote(days, today)
    feedback_tile = _feedback(units, now, days, feedback, thresholds)
    alerts = sorted(
        [*message_alerts, *assessment_alerts, *call_alerts],
        key=lambda a: -STATUSES.index(a.severity),
    )
    tiles = (demand, messages, calls, assessments, appointments, remote, feedback_tile)
    return BoardView(
        unit_ids=units,
        generated_at=now,
        day=today,
        load_id=baseline.load_id,
        load_cutoff=baseline.cutoff,
        demand=demand,
        messages=messages,
        calls=calls,
        assessments=assessments,
        appointments=appointments,
        remote=remote,
        feedback=feedback_tile,
        context=tuple(_context_row(row) for row in context_rows),
        alerts=tuple(alerts),
        status=worst([tile.status for tile in tiles]),
    )


def _demand(
    units: Sequence[str],
    now: datetime,
    days: Sequence[UnitDay],
    baseline: Baseline,
    thresholds: Thresholds,
) -> DemandTile:
    weekday = now.weekday()
    unit_baselines = [baseline.unit(unit_id) for unit_id in units]
    channels = []
    for channel in CHANNELS:
        count = sum(day.demand.get(channel, 0) for day in days)
        usual = combined_usual(unit_baselines, channel, weekday) if units else None
        by_now = usual.by(now.time()) if usual else None
        high = (
            by_now is not None
            and count >= thresholds.demand_attention_ratio * by_now
            and count - by_now >= thresholds.demand_attention_minimum
        )
        channels.append(
            DemandChannel(
                channel,
                count,
                by_now,
                usual.day_total if usual else None,
                usual.days if usual else 0,
                "attention" if high else "ok",
            )
        )
    return DemandTile(weekday, tuple(channels), worst([c.status for c in channels]))


def _messages(
    units: Sequence[str],
    now: datetime,
    state: Mapping[str, UnitDay],
    baseline: Baseline,
    thresholds: Thresholds,
) -> tuple[MessagesTile, list[Alert]]:
    waiting = board_list(MESSAGES_WAITING, units, now, state, baseline, thresholds)
    over = board_list(MESSAGES_OVER_PROMISE, units, now, state, baseline, thresholds)
    oldest = waiting[0] if waiting else None
    warned = any((r.office_seconds or 0) >= thresholds.promise_warning_seconds for r in waiting)
    status: Status = "alert" if over else "attention" if warned else "ok"
    tile = MessagesTile(
        waiting=len(waiting),
        oldest_received_at=oldest.at if oldest else None,
        oldest_wait_seconds=oldest.waited_seconds if oldest else None,
        oldest_office_seconds=max((r.office_seconds or 0) for r in waiting) if waiting else None,
        over_promise=len(over),
        promise_seconds=thresholds.promise_seconds,
        office_hours_now=is_office_time(now),
        status=status,
    )
    alerts = [Alert(MESSAGES_OVER_PROMISE, "alert", len(over), MESSAGES_OVER_PROMISE)]
    return tile, alerts if over else []


def _calls(
    units: Sequence[str],
    now: datetime,
    days: Sequence[UnitDay],
    state: Mapping[str, UnitDay],
    baseline: Baseline,
    thresholds: Thresholds,
) -> tuple[CallsTile, list[Alert]]:
    queued = sorted(c.queued_at for day in days for c in day.calls_waiting)
    over = board_list(CALLS_WAITING, units, now, state, baseline, thresholds)
    callbacks = board_list(CALLBACKS_PENDING, units, now, state, baseline, thresholds)
    abandoned = sum(len(day.abandoned_today) for day in days)
    status: Status = "alert" if over else "attention" if callbacks or abandoned else "ok"
    tile = CallsTile(
        waiting=len(queued),
        oldest_wait_seconds=max(0, int((now - queued[0]).total_seconds())) if queued else None,
        waiting_over_limit=len(over),
        wait_limit_seconds=thresholds.call_wait_seconds,
        callbacks_pending=len(callbacks),
        oldest_callback_seconds=callbacks[0].waited_seconds if callbacks else None,
        abandoned_today=abandoned,
        status=status,
    )
    alerts = []
    if over:
        alerts.append(Alert(CALLS_WAITING, "alert", len(over), CALLS_WAITING))
    if callbacks:
        alerts.append(Alert(CALLBACKS_PENDING, "attention", len(callbacks), CALLBACKS_PENDING))
    return tile, alerts


def _assessments(
    units: Sequence[str],
    now: datetime,
    days: Sequence[UnitDay],
    state: Mapping[str, UnitDay],
    baseline: Baseline,
    thresholds: Thresholds,
) -> tuple[AssessmentsTile, list[Alert]]:
    open_rows = board_list(ASSESSMENTS_OPEN, units, now, state, baseline, thresholds)
    near = board_list(ASSESSMENTS_NEAR_LIMIT, units, now, state, baseline, thresholds)
    last_day = [r for r in near if r.days_left is not None and r.days_left <= 0]
    left = [r.days_left for r in open_rows if r.days_left is not None]
    status: Status = "alert" if last_day else "attention" if near else "ok"
    tile = AssessmentsTile(
        made_today=sum(day.assessments_made_today for day in days),
        open=len(open_rows),
        near_limit=len(near),
        last_day_or_past=len(last_day),
        overdue=sum(1 for r in near if r.days_left is not None and r.days_left < 0),
        soonest_days_left=min(left) if left else None,
        near_limit_days=thresholds.near_limit_days,
        status=status,
    )
    alerts = [Alert(ASSESSMENTS_NEAR_LIMIT, status, len(near), ASSESSMENTS_NEAR_LIMIT)]
    return tile, alerts if near else []


def t3_by_group(
    slots: Sequence[SlotState],
    all_books: set[tuple[str, str, str | None]],
    today: date,
    attention_days: int,
) -> tuple[T3Group, ...]:
    """T3 per professional group, books with today as the snapshot date (see Decisions)."""
    starts: dict[tuple[str, str, str | None], list[datetime]] = defaultdict(list)
    for slot in slots:
        if slot.counts_for_t3 and local_day(slot.slot_start) >= today:
            starts[(slot.unit_id, slot.professional_group, slot.professional_id)].append(
                slot.slot_start
            )
    values: dict[str, list[int]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for book in all_books | set(starts):
        group = book[1]
        counts[group] += 1
        ordered = sorted(starts.get(book, []))
        if len(ordered) >= 3:
            values[group].append((local_day(ordered[2]) - today).days)
    groups = []
    for group in sorted(counts):
        t3 = float(median(values[group])) if values[group] else None
        high = t3 is not None and t3 > attention_days
        groups.append(
            T3Group(group, t3, counts[group], len(values[group]), "attention" if high else "ok")
        )
    return tuple(groups)


def free_slots(slots: Sequence[SlotState], now: datetime) -> tuple[FreeSlots, ...]:
    """Free non-urgent slots not yet started, in the next 3, 7 and 14 days."""
    today = local_day(now)
    found = []
    for horizon in FREE_SLOT_HORIZONS:
        end = today + timedelta(days=horizon)
        by_group: dict[str, int] = defaultdict(int)
        for slot in slots:
            if slot.counts_for_t3 and slot.slot_start >= now and local_day(slot.slot_start) < end:
                by_group[slot.professional_group] += 1
        found.append(
            FreeSlots(
                horizon,
                sum(by_group.values()),
                tuple(FreeSlotGroup(g, n) for g, n in sorted(by_group.items())),
            )
        )
    return tuple(found)


def _appointments(
    units: Sequence[str],
    now: datetime,
    state: Mapping[str, UnitDay],
    baseline: Baseline,
    thresholds: Thresholds,
) -> AppointmentsTile:
    slots = current_slots(units, state, baseline)
    t3 = t3_by_group(
        slots, books(units, state, baseline), local_day(now), thresholds.t3_attention_days
    )
    snapshot_dates = [
        d for d in (baseline.unit(u).slot_snapshot_date for u in units) if d is not None
    ]
    return AppointmentsTile(
        t3=t3,
        free_slots=free_slots(slots, now),
        snapshot_date=max(snapshot_dates) if snapshot_dates else None,
        t3_attention_days=thresholds.t3_attention_days,
        status=worst([group.status for group in t3]),
    )


def _share(counts: ContactCounts) -> RemoteShare:
    share = 100 * counts.remote / counts.total if counts.total else None
    return RemoteShare(counts.remote, counts.in_person, share)


def _remote(days: Sequence[UnitDay], today: date) -> RemoteTile:
    today_counts = sum((day.contacts_today for day in days), ContactCounts())
    week_counts = sum((day.contacts_week for day in days), ContactCounts())
    week_start = today - timedelta(days=today.weekday())
    return RemoteTile(_share(today_counts), _share(week_counts), week_start, "ok")


def _feedback(
    units: Sequence[str],
    now: datetime,
    days: Sequence[UnitDay],
    summary: FeedbackSummary | None,
    thresholds: Thresholds,
) -> FeedbackTile:
    since = summary.since if summary else now - timedelta(days=thresholds.feedback_days)
    window_days = (summary.until - summary.since).days if summary else thresholds.feedback_days
    stored = summary.totals(units) if summary else FeedbackTotals()
    external = FeedbackTotals.of(
        answer.nps for day in days for answer in day.feedback if since <= answer.occurred_at <= now
    )
    totals = stored + external
    pulse: Pulse | None = summary.pulse(units) if summary else None
    return FeedbackTile(
        days=window_days,
        nps=totals.nps,
        nps_answers=totals.nps_answers,
        responses=totals.responses,
        promoters=totals.promoters,
        detractors=totals.detractors,
        pulse_period=pulse.period if pulse else None,
        pulse_index=pulse.index if pulse else None,
        pulse_respondents=pulse.respondents if pulse else None,
        status="ok",
    )


def _context_row(row: IndicatorRow) -> ContextRow:
    return ContextRow(
        row.indicator_id,
        row.period,
        row.unit_id,
        row.value,
        row.numerator,
        row.denominator,
        row.suppressed,
        row.provisional,
    )
