"""What the latest load tells a board before today's events: usual demand, open assessments,
free appointment slots. Computed once per load (:class:`BaselineCache`).

Decisions:

- Usual demand of a channel on a weekday = the mean, over the last 8 dates with that weekday
  that were office days (Monday–Friday, not a Finnish public holiday) in the load, of the
  unit's count that day (a day without events counts as 0). The load's dates of a channel run
  from the first local date in its table to the last complete day: the day before the
  cutoff's local date, or the table's last date if earlier. Weekends and holidays have no
  usual level. A channel whose extract file was missing has none either (not zero).
- The level is kept per hour of the day, so the board can compare today's count so far with
  the usual count by the same time of day (:meth:`UsualDemand.by`), not only the day's total.
- Channels in the load: ``calls`` = calls by ``arrived_at``; ``messages`` = messages by
  ``received_at``; ``remote`` = customer contacts with a remote contact type by ``start_at``;
  ``walk_ins`` = contacts of channel ``in_person`` without ``booked_at``, or urgent ones booked
  at most 30 minutes before they started (booked at the desk). extract-v1 has no walk-in
  flag; this is the simulator's rule (``simulator.is_walk_in``), so the usual level and the
  replayed day count the same visits.
- Open assessments = outcome ``nonurgent_care`` without a first treatment event
  (``indicators.care_guarantee.first_treatment_events``), assessed within the 183 days before
  the cutoff's local date (the longest legal maximum is six months; older ones without a visit
  are orphans for the quality report, not today's work). The unit and service area are the
  assessment's unit's; the legal maximum is the indicator's own expression
  (``legal_maximum_date``) with the age at the assessment.
- Slots: each unit's latest ``snapshot_date``; its free ``nonurgent`` slots, and every book
  (professional group × professional) present in it, as T3 needs (a book with no free slot is
  a book that is not measurable).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb
import holidays
import ibis

from tilannekuva.board.state import (
    CHANNELS,
    NONURGENT,
    NONURGENT_CARE,
    UNDER_23,
    OpenAssessment,
    SlotState,
)
from tilannekuva.indicators.care_guarantee import first_treatment_events, legal_maximum_date
from tilannekuva.indicators.context import age_at, local_date, read_context
from tilannekuva.indicators.office_hours import is_office_day
from tilannekuva.warehouse import connect
from tilannekuva.warehouse.store import WarehouseBusy, WarehouseMissing

REFERENCE_DAYS = 8  # same weekdays averaged
OPEN_ASSESSMENT_DAYS = 183  # how far back the load's open assessments are kept
HOURS = 24
WALK_IN_BOOKED_WITHIN = timedelta(minutes=30)  # an urgent visit booked this close: a walk-in

# channel → (table, local timestamp column, extra join and condition)
_CHANNEL_SQL: dict[str, tuple[str, str, str]] = {
    "calls": ("calls", "arrived_at_local", ""),
    "messages": ("messages", "received_at_local", ""),
    "remote": (
        "contacts",
        "start_at_local",
        "JOIN contact_types t ON t.code = e.contact_type WHERE t.remote AND t.customer_contact",
    ),
    "walk_ins": (
        "contacts",
        "start_at_local",
        "JOIN contact_types t ON t.code = e.contact_type "
        "WHERE t.channel = 'in_person' AND (e.booked_at IS NULL OR (e.urgency = 'urgent' "
        "AND e.booked_at_local BETWEEN e.start_at_local - INTERVAL "
        f"{WALK_IN_BOOKED_WITHIN.seconds // 60} MINUTE "
        "AND e.start_at_local))",
    ),
}


@dataclass(frozen=True)
class UsualDemand:
    """A unit's usual events of one channel on one weekday, as a mean per hour of the day."""

    hourly: tuple[float, ...]  # 24 means, hour 0 first
    days: int  # reference days averaged (at most REFERENCE_DAYS)

    @property
    def day_total(self) -> float:
        return sum(self.hourly)

    def by(self, moment: time) -> float:
        """Usual count before ``moment`` (local wall clock); the current hour pro rata."""
        fraction = (moment.minute * 60 + moment.second) / 3600
        return sum(self.hourly[: moment.hour]) + self.hourly[moment.hour] * fraction

    def __add__(self, other: UsualDemand) -> UsualDemand:
        """Units added up (a group of units); ``days`` is the fewer of the two."""
        summed = tuple(a + b for a, b in zip(self.hourly, other.hourly, strict=True))
        return UsualDemand(summed, min(self.days, other.days))


@dataclass(frozen=True)
class UnitBaseline:
    """One unit's part of the baseline."""

    unit_id: str
    usual: Mapping[tuple[str, int], UsualDemand] = field(default_factory=dict)
    """(channel, weekday 0=Monday) → usual demand; absent: no usual level."""
    open_assessments: tuple[OpenAssessment, ...] = ()
    slot_snapshot_date: date | None = None
    slots: tuple[SlotState, ...] = ()  # free non-urgent slots of the latest snapshot
    books: frozenset[tuple[str, str | None]] = frozenset()  # (group, professional_id)


@dataclass(frozen=True)
class Baseline:
    """The baseline of one load (or of no load: :meth:`empty`)."""

    load_id: str | None
    cutoff: datetime | None  # aware UTC
    units: Mapping[str, UnitBaseline] = field(default_factory=dict)
    reference_days: Mapping[tuple[str, int], tuple[date, ...]] = field(default_factory=dict)
    """(channel, weekday) → the dates averaged, newest first (the same for every unit)."""

    @staticmethod
    def empty() -> Baseline:
        return Baseline(None, None)

    def unit(self, unit_id: str) -> UnitBaseline:
        return self.units.get(unit_id) or UnitBaseline(unit_id)


def load_baseline(warehouse: Path) -> Baseline:
    """The baseline of the warehouse's current load (an empty one before any load)."""
    try:
        connection = connect(warehouse, read_only=True)
    except WarehouseMissing:
        return Baseline.empty()
    try:
        return baseline_from_connection(connection)
    finally:
        connection.close()


def baseline_from_connection(connection: duckdb.DuckDBPyConnection) -> Baseline:
    """All parts read over one connection, so they describe one load."""
    current = connection.execute(
        "SELECT load_id, cutoff, cutoff_local FROM loads WHERE is_current"
    ).fetchone()
    if current is None:
        return Baseline.empty()
    load_id, cutoff, cutoff_local = str(current[0]), current[1], current[2]
    cutoff_day: date | None = cutoff_local.date() if cutoff_local else None
    unit_ids = [str(r[0]) for r in connection.execute("SELECT unit_id FROM units").fetchall()]
    reference, usual = _usual_demand(connection, cutoff_day)
    assessments = _open_assessments(connection, cutoff_day)
    snapshots = _latest_slots(connection)
    units = {
        unit_id: UnitBaseline(
            unit_id,
            usual=usual.get(unit_id, {}),
            open_assessments=tuple(assessments.get(unit_id, ())),
            slot_snapshot_date=snapshots.get(unit_id, _Snapshot()).day,
            slots=tuple(snapshots.get(unit_id, _Snapshot()).slots),
            books=frozenset(snapshots.get(unit_id, _Snapshot()).books),
        )
        for unit_id in unit_ids
    }
    return Baseline(load_id, cutoff.replace(tzinfo=UTC) if cutoff else None, units, reference)


# --- usual demand ----------------------------------------------------------------------------


def reference_dates(first: date, last: date, weekday: int) -> tuple[date, ...]:
    """The last :data:`REFERENCE_DAYS` office days with ``weekday`` in [first, last], newest
    first."""
    finnish = holidays.country_holidays("FI", years=range(first.year, last.year + 1))
    day = last - timedelta(days=(last.weekday() - weekday) % 7)
    found: list[date] = []
    while day >= first and len(found) < REFERENCE_DAYS:
        if is_office_day(day, finnish):
            found.append(day)
        day -= timedelta(days=7)
    return tuple(found)


def _available(connection: duckdb.DuckDBPyConnection) -> set[str]:
    rows = connection.execute("SELECT table_name FROM sources WHERE available").fetchall()
    return {str(r[0]) for r in rows}


def _usual_demand(
    connection: duckdb.DuckDBPyConnection, cutoff_day: date | None
) -> tuple[dict[tuple[str, int], tuple[date, ...]], dict[str, dict[tuple[str, int], UsualDemand]]]:
    available = _available(connection)
    reference: dict[tuple[str, int], tuple[date, ...]] = {}
    usual: dict[str, dict[tuple[str, int], UsualDemand]] = defaultdict(dict)
    for channel in CHANNELS:
        table, column, condition = _CHANNEL_SQL[channel]
        if table not in available:
            continue
        span = connection.execute(
            f"SELECT min(CAST({column} AS DATE)), max(CAST({column} AS DATE)) FROM {table}"
        ).fetchone()
        if span is None or span[0] is None:
            continue
        first, last = span
        if cutoff_day is not None:
            last = min(last, cutoff_day - timedelta(days=1))
        by_weekday = {weekday: reference_dates(first, last, weekday) for weekday in range(7)}
        dates = sorted({day for days in by_weekday.values() for day in days})
        counts = _hourly_counts(connection, table, column, condition, dates)
        unit_ids = [str(r[0]) for r in connection.execute("SELECT unit_id FROM units").fetchall()]
        for weekday, days in by_weekday.items():
            if not days:
                continue
            reference[(channel, weekday)] = days
            for unit_id in unit_ids:
                hourly = [0.0] * HOURS
                for day in days:
                    for hour, count in counts.get((unit_id, day), {}).items():
                        hourly[hour] += count
                usual[unit_id][(channel, weekday)] = UsualDemand(
                    tuple(total / len(days) for total in hourly), len(days)
                )
    return reference, dict(usual)


def _hourly_counts(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    condition: str,
    dates: list[date],
) -> dict[tuple[str, date], dict[int, int]]:
    if not dates:
        return {}
    joiner = "AND" if "WHERE" in condition else "WHERE"
    rows = connection.execute(
        f"""SELECT e.unit_id, CAST(e.{column} AS DATE) AS day, hour(e.{column}) AS h, count(*)
            FROM {table} e {condition}
            {joiner} CAST(e.{column} AS DATE) IN (SELECT UNNEST(?::DATE[]))
            GROUP BY ALL""",
        [dates],
    ).fetchall()
    counts: dict[tuple[str, date], dict[int, int]] = defaultdict(dict)
    for unit_id, day, hour, count in rows:
        counts[(str(unit_id), day)][int(hour)] = int(count)
    return counts


# --- open assessments ------------------------------------------------------------------------


def _open_assessments(
    connection: duckdb.DuckDBPyConnection, cutoff_day: date | None
) -> dict[str, list[OpenAssessment]]:
    ctx = read_context(ibis.duckdb.from_connection(connection))
    a = ctx.table("assessments")
    first = first_treatment_events(ctx).select(first_id="a_id")
    persons = ctx.table("persons").select(b_person="person_id", birth_date="birth_date")
    units = ctx.table("units").select(u_id="unit_id", service_area="service_area")
    waiting = a.filter(a.outcome == NONURGENT_CARE).anti_join(
        first, a.assessment_id == first.first_id
    )
    waiting = waiting.join(persons, waiting.person_id == persons.b_person)
    waiting = waiting.join(units, waiting.unit_id == units.u_id)
    assessed = local_date(waiting.assessed_at_local)
    if cutoff_day is not None:
        waiting = waiting.filter(
            assessed >= ibis.literal(cutoff_day - timedelta(days=OPEN_ASSESSMENT_DAYS))
        )
        assessed = local_date(waiting.assessed_at_local)
    age = age_at(waiting.birth_date, assessed)
    rows = (
        waiting.select(
            "assessment_id",
            "unit_id",
            "assessed_at",
            "service_area",
            age=age,
            legal_maximum=legal_maximum_date(waiting.service_area, assessed, age),
        )
        .order_by(["unit_id", "assessed_at", "assessment_id"])
        .to_pyarrow()
        .to_pylist()
    )
    found: dict[str, list[OpenAssessment]] = defaultdict(list)
    for row in rows:
        found[str(row["unit_id"])].append(
            OpenAssessment(
                unit_id=str(row["unit_id"]),
                assessment_id=str(row["assessment_id"]),
                assessed_at=row["assessed_at"].replace(tzinfo=UTC),
                service_area=str(row["service_area"]),
                age_group=UNDER_23 if int(row["age"]) < 23 else "23_or_over",
                legal_maximum=row["legal_maximum"],
            )
        )
    return dict(found)


# --- slots -----------------------------------------------------------------------------------


@dataclass
class _Snapshot:
    day: date | None = None
    slots: list[SlotState] = field(default_factory=list)
    books: set[tuple[str, str | None]] = field(default_factory=set)


def _latest_slots(connection: duckdb.DuckDBPyConnection) -> dict[str, _Snapshot]:
    rows = connection.execute(
        """WITH latest AS (
               SELECT unit_id, max(snapshot_date) AS day FROM slot_snapshots GROUP BY unit_id)
           SELECT s.unit_id, s.snapshot_date, s.professional_group, s.professional_id,
                  s.slot_start, s.slot_kind, s.status
           FROM slot_snapshots s JOIN latest l
             ON s.unit_id = l.unit_id AND s.snapshot_date = l.day
           ORDER BY s.unit_id, s.slot_start, s.professional_group, s.professional_id"""
    ).fetchall()
    found: dict[str, _Snapshot] = {}
    for unit_id, day, group, professional, start, kind, status in rows:
        snapshot = found.setdefault(str(unit_id), _Snapshot(day))
        snapshot.books.add((str(group), professional))
        if status == "free" and kind == NONURGENT:
            snapshot.slots.append(
                SlotState(
                    str(unit_id),
                    None,
                    str(group),
                    professional,
                    start.replace(tzinfo=UTC),
                    str(kind),
                    free=True,
                )
            )
    return found


# --- the cache -------------------------------------------------------------------------------


class BaselineCache:
    """The baseline of the current load, built again only when the load changes.

    ``get(load_id)`` with the load id the caller already knows (the web app's snapshot) costs
    nothing while it matches; without one, the warehouse's current load id is read (a short
    query) and compared.
    """

    def __init__(
        self,
        warehouse: Path,
        *,
        loader: Callable[[Path], Baseline] = load_baseline,
        wait_seconds: float = 0,
    ) -> None:
        self.warehouse = warehouse
        self._loader = loader
        self._wait_seconds = wait_seconds
        self._lock = threading.Lock()
        self._cached: Baseline | None = None

    def get(self, load_id: str | None = None) -> Baseline:
        """The cached baseline, or a new one when the load changed (callers wait for it).

        A warehouse locked by a running load keeps the cached baseline until the load is done.
        """
        with self._lock:
            cached = self._cached
            if cached is not None:
                if load_id is not None and cached.load_id == load_id:
                    return cached
                if load_id is None:
                    try:
                        current = self._current_load_id()
                    except WarehouseBusy:
                        return cached
                    if current == cached.load_id:
                        return cached
            self._cached = self._loader(self.warehouse)
            return self._cached

    def _current_load_id(self) -> str | None:
        try:
            connection = connect(self.warehouse, read_only=True, wait_seconds=self._wait_seconds)
        except WarehouseMissing:
            return None
        try:
            found = connection.execute("SELECT load_id FROM loads WHERE is_current").fetchone()
        finally:
            connection.close()
        return str(found[0]) if found else None


def combined_usual(
    baselines: Iterable[UnitBaseline], channel: str, weekday: int
) -> UsualDemand | None:
    """The units' usual demand added up; None when any unit has no usual level for it."""
    total: UsualDemand | None = None
    for unit in baselines:
        usual = unit.usual.get((channel, weekday))
        if usual is None:
            return None
        total = usual if total is None else total + usual
    return total
