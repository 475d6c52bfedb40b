"""The simulator turns one unit's day of a load into the events live systems would have sent.

A small hand-made extract (one Monday, 2025-12-15, at unit ``u1``) is loaded once; every
expected event below was worked out by hand from its rows and the module's decisions. The
target day, Wednesday 2026-06-17, is in summer time, the week of Midsummer: times keep their
local time of day (+03:00 instead of +02:00) and slot dates skip Midsummer Eve (Friday 19 June).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.extract_files import write_extract
from tilannekuva.board.events import (
    AssessmentMade,
    BoardEvent,
    ContactEvent,
    MessageReceived,
    SlotEvent,
    event_json,
    parse_event_json,
)
from tilannekuva.board.simulator import (
    SimulationError,
    busiest_day,
    day_events,
    simulate_day,
)
from tilannekuva.ingest import load_extract
from tilannekuva.warehouse import connect

DAY = date(2025, 12, 15)
TARGET = date(2026, 6, 17)

UNITS = """\
unit_id,name,municipality_code,service_area,parent_id
u1,Kajaanin terveysasema,205,reception,
u2,Kajaanin hammashoitola,205,oral,
"""
PERSONS = """\
person_id,birth_date,sex,municipality_code
p1,1980-02-29,2,205
p2,2005-06-01,1,205
p3,1990-01-01,2,205
p4,2002-12-15,1,205
"""
CONTACTS = """\
contact_id,person_id,unit_id,start_at,contact_type,professional_group,urgency,care_plan,assessment_id,reason_codes,booked_at
c01,p1,u1,2025-12-15T08:00:00,R10,doctor,nonurgent,,,,2025-12-01T10:00:00
c02,p2,u1,2025-12-15T09:10:00,R10,nurse,urgent,,,,2025-12-15T09:00:00
c03,p1,u1,2025-12-15T10:00:00,R50,nurse,nonurgent,,,,
c04,p1,u1,2025-12-15T11:00:00,R72,nurse,nonurgent,,,,
c05,p3,u1,2025-12-15T12:00:00,R10,doctor,nonurgent,,a_old,,2025-12-11T09:00:00
c06,p2,u1,2025-12-15T23:50:00,R10,nurse,urgent,,,,
c07,p1,u1,2025-12-16T08:00:00,R10,doctor,nonurgent,,,,2025-12-10T09:00:00
c08,p1,u1,2025-12-15T13:00:00,R10,nurse,nonurgent,,a_missing,,2025-12-12T09:00:00
c09,p2,u1,2025-12-18T09:00:00,R10,doctor,nonurgent,,,,2025-12-15T09:30:00
c10,p3,u1,2026-01-05T09:00:00,R10,nurse,nonurgent,,,,2025-12-15T14:00:00
c11,p1,u1,2025-12-19T13:00:00,R10,doctor,nonurgent,,,,2025-12-15T15:00:00
c12,p1,u1,2025-12-22T13:00:00,R10,nurse,nonurgent,,,,2025-12-15T15:30:00
c13,p3,u1,2025-12-12T09:00:00,R10,nurse,nonurgent,,a3,,2025-12-11T12:00:00
c14,p3,u1,2025-12-15T14:00:00,R10,nurse,nonurgent,true,a3,,2025-12-12T12:00:00
c15,p1,u2,2025-12-15T09:00:00,R10,dentist,nonurgent,,,,2025-12-01T09:00:00
c16-010101-123A,p1,u1,2025-12-15T16:30:00,R50,nurse,nonurgent,,,,
"""
MESSAGES = """\
message_id,person_id,unit_id,received_at,first_reply_at,channel
m1,p1,u1,2025-12-15T08:05:00,2025-12-15T08:40:00,portal
m2,p2,u1,2025-12-14T21:00:00,2025-12-15T08:10:00,chat
m3,p3,u1,2025-12-15T15:50:00,2025-12-16T08:30:00,form
m4,p1,u1,2025-12-12T10:00:00,,portal
m5,p1,u1,2025-12-05T10:00:00,,portal
m6,p1,u1,2025-12-12T10:00:00,2025-12-12T11:00:00,portal
m7,p2,u1,2025-12-15T09:00:00,2025-12-15T08:50:00,
m8,p1,u2,2025-12-15T09:00:00,,portal
"""
CALLS = """\
call_id,unit_id,arrived_at,answered_at,callback_requested,callback_at,abandoned,person_id,reason
k1,u1,2025-12-15T08:01:00,2025-12-15T08:03:30,false,,false,p1,
k2,u1,2025-12-15T08:30:00,,true,2025-12-15T10:00:00,false,,
k3,u1,2025-12-15T09:00:00,,false,,true,,
k4,u1,2025-12-12T14:00:00,,true,,false,,
k5,u1,2025-12-12T14:30:00,,false,2025-12-15T09:30:00,true,,
k6,u1,2025-12-12T15:00:00,,false,,true,,
k7,u1,2025-12-15T15:30:00,,true,2025-12-16T08:15:00,false,,
"""
ASSESSMENTS = """\
assessment_id,person_id,unit_id,assessed_at,professional_group,outcome
a1,p2,u1,2025-12-15T08:30:00,nurse,nonurgent_care
a2,p1,u1,2025-12-15T10:05:00,doctor,self_care
a4,p4,u1,2025-12-15T11:30:00,nurse,nonurgent_care
a_old,p3,u1,2025-12-10T10:00:00,nurse,nonurgent_care
a3,p3,u1,2025-12-11T10:00:00,nurse,nonurgent_care
a5,p1,u2,2025-12-15T09:00:00,dentist,nonurgent_care
"""
SLOTS = """\
snapshot_date,unit_id,professional_group,professional_id,slot_start,slot_kind,status
2025-12-08,u1,doctor,L01,2025-12-16T09:00:00,nonurgent,free
2025-12-15,u1,doctor,L01,2025-12-15T13:00:00,nonurgent,free
2025-12-15,u1,doctor,L01,2025-12-16T09:00:00,nonurgent,booked
2025-12-15,u1,doctor,L01,2025-12-17T09:00:00,nonurgent,free
2025-12-15,u1,doctor,L01,2025-12-19T13:00:00,nonurgent,free
2025-12-15,u1,doctor,L01,2025-12-22T09:00:00,nonurgent,free
2025-12-15,u1,nurse,H01,2025-12-15T09:00:00,nonurgent,free
2025-12-15,u1,nurse,H01,2025-12-16T13:00:00,nonurgent,free
2025-12-15,u1,nurse,H01,2025-12-15T11:00:00,urgent,free
2025-12-22,u1,nurse,H01,2025-12-23T09:00:00,nonurgent,free
"""

# (local time on the target day or before it, type, record id), in the order sent.
EXPECTED = [
    # a_old: made five days before and still waiting when the day began (visited on the day)
    ("2026-06-12T10:00:00+03:00", "assessment.made", "a_old"),
    ("2026-06-14T10:00:00+03:00", "message.received", "m4"),
    ("2026-06-14T14:00:00+03:00", "call.queued", "k4"),
    ("2026-06-14T14:00:01+03:00", "call.callback_requested", "k4"),
    ("2026-06-14T14:30:00+03:00", "call.queued", "k5"),
    ("2026-06-14T14:32:00+03:00", "call.abandoned", "k5"),
    ("2026-06-16T21:00:00+03:00", "message.received", "m2"),
    ("2026-06-17T00:00:00+03:00", "slot.opened", "u1:H01:2026-06-17T09:00"),
    ("2026-06-17T00:00:00+03:00", "slot.opened", "u1:H01:2026-06-18T13:00"),
    ("2026-06-17T00:00:00+03:00", "slot.opened", "u1:L01:2026-06-17T13:00"),
    ("2026-06-17T00:00:00+03:00", "slot.opened", "u1:L01:2026-06-22T09:00"),
    ("2026-06-17T00:00:00+03:00", "slot.opened", "u1:L01:2026-06-24T13:00"),
    ("2026-06-17T00:00:00+03:00", "slot.opened", "u1:L01:2026-06-25T09:00"),
    ("2026-06-17T08:00:00+03:00", "contact.started", "c01"),
    ("2026-06-17T08:01:00+03:00", "call.queued", "k1"),
    ("2026-06-17T08:03:30+03:00", "call.answered", "k1"),
    ("2026-06-17T08:05:00+03:00", "message.received", "m1"),
    ("2026-06-17T08:10:00+03:00", "message.answered", "m2"),
    ("2026-06-17T08:20:00+03:00", "contact.finished", "c01"),
    ("2026-06-17T08:30:00+03:00", "assessment.made", "a1"),
    ("2026-06-17T08:30:00+03:00", "call.queued", "k2"),
    ("2026-06-17T08:30:01+03:00", "call.callback_requested", "k2"),
    ("2026-06-17T08:40:00+03:00", "message.answered", "m1"),
    ("2026-06-17T09:00:00+03:00", "call.queued", "k3"),
    ("2026-06-17T09:00:00+03:00", "message.received", "m7"),
    ("2026-06-17T09:00:01+03:00", "message.answered", "m7"),
    ("2026-06-17T09:02:00+03:00", "call.abandoned", "k3"),
    ("2026-06-17T09:10:00+03:00", "contact.started", "c02"),
    ("2026-06-17T09:30:00+03:00", "call.called_back", "k5"),
    ("2026-06-17T09:30:00+03:00", "contact.finished", "c02"),
    ("2026-06-17T09:30:00+03:00", "slot.booked", "u1:L01:2026-06-17T13:00"),
    ("2026-06-17T10:00:00+03:00", "call.called_back", "k2"),
    ("2026-06-17T10:00:00+03:00", "contact.started", "c03"),
    ("2026-06-17T10:05:00+03:00", "assessment.made", "a2"),
    ("2026-06-17T10:10:00+03:00", "contact.finished", "c03"),
    ("2026-06-17T11:30:00+03:00", "assessment.made", "a4"),
    ("2026-06-17T12:00:00+03:00", "assessment.visited", "a_old"),
    ("2026-06-17T12:00:00+03:00", "contact.started", "c05"),
    ("2026-06-17T12:20:00+03:00", "contact.finished", "c05"),
    ("2026-06-17T13:00:00+03:00", "contact.started", "c08"),
    ("2026-06-17T13:20:00+03:00", "contact.finished", "c08"),
    ("2026-06-17T14:00:00+03:00", "contact.started", "c14"),
    ("2026-06-17T14:00:00+03:00", "slot.booked", "u1:H01:2026-06-18T13:00"),
    ("2026-06-17T14:20:00+03:00", "contact.finished", "c14"),
    ("2026-06-17T15:00:00+03:00", "slot.booked", "u1:L01:2026-06-22T09:00"),
    ("2026-06-17T15:30:00+03:00", "call.queued", "k7"),
    ("2026-06-17T15:30:01+03:00", "call.callback_requested", "k7"),
    ("2026-06-17T15:50:00+03:00", "message.received", "m3"),
    ("2026-06-17T23:50:00+03:00", "contact.started", "c06"),
]


def record_of(event: BoardEvent) -> str:
    for name in ("contact_id", "message_id", "call_id", "assessment_id", "slot_id"):
        value = getattr(event, name, None)
        if isinstance(value, str):
            return value
    raise AssertionError(event)


def summary(events: Sequence[BoardEvent]) -> list[tuple[str, str, str]]:
    return [(e.occurred_at.isoformat(), e.type, record_of(e)) for e in events]


def by_record(events: Sequence[BoardEvent], event_type: str, record: str) -> BoardEvent:
    (found,) = [e for e in events if e.type == event_type and record_of(e) == record]
    return found


def write_day_warehouse(folder: Path) -> Path:
    """The hand-made extract of this module, loaded into a warehouse in ``folder``."""
    tables = {
        "units": UNITS,
        "persons": PERSONS,
        "contacts": CONTACTS,
        "messages": MESSAGES,
        "calls": CALLS,
        "assessments": ASSESSMENTS,
        "slot_snapshots": SLOTS,
    }
    extract = write_extract(
        folder / "extract",
        tables,
        meta={"extract_id": "sim-test", "cutoff": "2026-01-08T10:00:00+02:00", "source": "t"},
    )
    path = folder / "warehouse.duckdb"
    result = load_extract(extract, path, pseudonym_key="simulator-tests")
    assert result.rows_quarantined == 0
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_day_warehouse(tmp_path_factory.mktemp("simulator"))


@pytest.fixture(scope="module")
def events(warehouse: Path) -> list[BoardEvent]:
    return list(day_events(warehouse, "u1", DAY, TARGET))


def test_the_day_becomes_the_events_live_systems_would_have_sent(
    events: list[BoardEvent],
) -> None:
    assert summary(events) == EXPECTED


def test_contacts_carry_type_group_walk_in_and_only_a_valid_assessment_link(
    events: list[BoardEvent],
) -> None:
    booked = by_record(events, "contact.started", "c01")
    assert isinstance(booked, ContactEvent)
    assert (booked.contact_type, booked.professional_group, booked.walk_in) == (
        "R10",
        "doctor",
        False,
    )
    desk = by_record(events, "contact.started", "c02")  # urgent, booked 10 min before
    phone = by_record(events, "contact.started", "c03")
    night = by_record(events, "contact.started", "c06")  # no booking at all
    assert isinstance(desk, ContactEvent) and desk.walk_in
    assert isinstance(phone, ContactEvent) and not phone.walk_in and phone.contact_type == "R50"
    assert isinstance(night, ContactEvent) and night.walk_in
    linked = by_record(events, "contact.started", "c05")
    broken = by_record(events, "contact.started", "c08")
    care_plan = by_record(events, "contact.started", "c14")
    assert isinstance(linked, ContactEvent) and linked.assessment_id == "a_old"
    assert isinstance(broken, ContactEvent) and broken.assessment_id is None
    assert isinstance(care_plan, ContactEvent) and care_plan.assessment_id is None


def test_assessments_made_and_still_waiting_carry_area_outcome_and_age_group(
    events: list[BoardEvent],
) -> None:
    made = {e.assessment_id: e for e in events if isinstance(e, AssessmentMade)}
    assert {k: (e.service_area, e.outcome, e.age_group) for k, e in made.items()} == {
        "a1": ("reception", "nonurgent_care", "under_23"),  # 20 years old
        "a2": ("reception", "self_care", "23_or_over"),
        "a4": ("reception", "nonurgent_care", "23_or_over"),  # 23 on the very day
        "a_old": ("reception", "nonurgent_care", "23_or_over"),  # still waiting that morning
        # not a3: made before the day too, but treated (c13) before the day began
    }


def test_messages_keep_their_channel_and_a_missing_one_is_the_portal(
    events: list[BoardEvent],
) -> None:
    channels = {e.message_id: e.channel for e in events if isinstance(e, MessageReceived)}
    assert channels == {"m1": "portal", "m2": "chat", "m3": "form", "m4": "portal", "m7": "portal"}


def test_slots_move_by_office_days_and_keep_their_book(events: list[BoardEvent]) -> None:
    booked = by_record(events, "slot.booked", "u1:L01:2026-06-22T09:00")
    assert isinstance(booked, SlotEvent)
    assert booked.professional_group == "doctor"
    assert booked.professional_id == "L01"
    assert booked.slot_kind == "nonurgent"
    # Wednesday 17 December's slot is two office days after the Monday: Thursday 18 June is
    # one, Friday 19 June is Midsummer Eve, so Monday 22 June.
    assert booked.slot_start.isoformat() == "2026-06-22T09:00:00+03:00"


def test_every_event_is_valid_and_survives_the_json_round_trip(
    events: list[BoardEvent],
) -> None:
    assert all(e.unit_id == "u1" for e in events)
    assert [parse_event_json(event_json(e)) for e in events] == events
    assert len({e.source_id for e in events}) == len(events)


def test_the_same_replay_gets_the_same_source_ids_and_another_target_day_new_ones(
    warehouse: Path, events: list[BoardEvent]
) -> None:
    again = day_events(warehouse, "u1", DAY, TARGET)
    assert [e.source_id for e in again] == [e.source_id for e in events]
    later = day_events(warehouse, "u1", DAY, date(2026, 6, 18))
    assert not {e.source_id for e in later} & {e.source_id for e in events}


def test_a_time_in_the_spring_forward_gap_takes_the_summer_time_instant(warehouse: Path) -> None:
    """29 March 2026 has no 03:00–04:00; times around it keep their time of day."""
    moved = day_events(warehouse, "u1", DAY, date(2026, 3, 29))
    first = by_record(moved, "contact.started", "c01")
    assert first.occurred_at.isoformat() == "2026-03-29T08:00:00+03:00"
    opened = by_record(moved, "slot.opened", "u1:H01:2026-03-29T09:00")
    assert opened.occurred_at.isoformat() == "2026-03-29T00:00:00+02:00"


def test_a_winter_target_day_has_the_winter_offset(warehouse: Path) -> None:
    moved = day_events(warehouse, "u1", DAY, date(2026, 12, 14))
    assert by_record(moved, "call.answered", "k1").occurred_at == datetime(
        2026, 12, 14, 6, 3, 30, tzinfo=UTC
    )


def test_the_busiest_day_is_the_default(warehouse: Path) -> None:
    simulated = simulate_day(warehouse, "u1", target_day=TARGET)
    assert simulated.day == DAY
    assert simulated.load_id
    assert summary(simulated.events) == EXPECTED


def test_a_record_the_event_api_would_refuse_is_left_out_and_counted(warehouse: Path) -> None:
    """Contact c16's id holds something shaped like a personal identity code."""
    simulated = simulate_day(warehouse, "u1", DAY, TARGET)
    assert simulated.skipped == 2  # its start and its end
    assert not [e for e in simulated.events if "010101" in e.source_id]


def test_an_unknown_unit_is_refused(warehouse: Path) -> None:
    with pytest.raises(SimulationError, match="not in the current load"):
        day_events(warehouse, "nowhere", DAY, TARGET)


def test_an_open_connection_can_be_given(warehouse: Path) -> None:
    connection = connect(warehouse, read_only=True)
    try:
        assert summary(day_events(connection, "u1", DAY, TARGET)) == EXPECTED
    finally:
        connection.close()


# --- choosing the busiest recent office day -----------------------------------------------------

BUSY_CONTACTS_HEADER = (
    "contact_id,person_id,unit_id,start_at,contact_type,professional_group,urgency,care_plan,"
    "assessment_id,reason_codes,booked_at\n"
)


def contacts_on(days: dict[str, int], code: str = "R10", first: int = 0) -> str:
    rows = []
    n = first
    for day, count in days.items():
        for _ in range(count):
            n += 1
            rows.append(f"b{n:03d},p1,u1,{day}T10:00:00,{code},nurse,nonurgent,,,,\n")
    return "".join(rows)


@pytest.fixture(scope="module")
def busy_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("busiest")
    contacts = (
        BUSY_CONTACTS_HEADER
        + contacts_on(
            {
                "2025-12-01": 10,  # the busiest, but more than four weeks before the cutoff
                "2025-12-30": 3,
                "2026-01-02": 3,  # ties with 30 December: the later day wins
                "2026-01-03": 8,  # a Saturday
                "2026-01-06": 9,  # Epiphany, a Tuesday holiday
                "2026-01-08": 12,  # the cutoff's own date, incomplete
            }
        )
        + contacts_on({"2025-12-30": 4}, code="R72", first=100)  # no customer: not demand
    )
    extract = write_extract(
        folder / "extract",
        {"units": UNITS, "persons": PERSONS, "contacts": contacts},
        meta={"extract_id": "busy", "cutoff": "2026-01-08T12:00:00+02:00", "source": "t"},
    )
    path = folder / "warehouse.duckdb"
    load_extract(extract, path, pseudonym_key="simulator-tests")
    return path


def test_the_busiest_recent_office_day_before_the_cutoff(busy_warehouse: Path) -> None:
    assert busiest_day(busy_warehouse, "u1") == date(2026, 1, 2)


def test_a_unit_without_activity_has_no_busiest_day(busy_warehouse: Path) -> None:
    with pytest.raises(SimulationError, match="no contacts"):
        busiest_day(busy_warehouse, "u2")


# --- the synthetic county -----------------------------------------------------------------------


@pytest.mark.slow
def test_a_county_units_day_is_a_consistent_stream(county_warehouse: Path) -> None:
    connection = connect(county_warehouse, read_only=True)
    try:
        (unit,) = connection.execute(
            "SELECT unit_id FROM contacts JOIN units USING (unit_id) "
            "WHERE service_area = 'reception' GROUP BY unit_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()  # type: ignore[misc]
    finally:
        connection.close()
    simulated = simulate_day(county_warehouse, unit, target_day=date(2026, 2, 2))
    assert simulated.day.weekday() < 5
    events = simulated.events
    assert len(events) > 50
    assert [(e.occurred_at, e.source_id) for e in events] == sorted(
        (e.occurred_at, e.source_id) for e in events
    )
    assert all(e.occurred_at.date() <= simulated.target_day for e in events)
    seen: set[tuple[str, str]] = set()
    for event in events:  # every closing event comes after its record's opening one
        record = record_of(event)
        if event.type in ("message.answered",):
            assert ("message.received", record) in seen
        if event.type.startswith("call.") and event.type != "call.queued":
            assert ("call.queued", record) in seen
        if event.type == "contact.finished":
            assert ("contact.started", record) in seen
        if event.type == "slot.booked":
            assert ("slot.opened", record) in seen
        seen.add((event.type, record))
