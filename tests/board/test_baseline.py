"""The baseline from a small hand-made load: usual demand, open assessments, latest slots.

The extract's cutoff is Tuesday 2025-03-11 06:00 (UTC+2), so the last complete day is Monday
2025-03-10. Calls and contacts start on Monday 2025-02-17, so the Mondays in the load are
17 Feb, 24 Feb, 3 Mar and 10 Mar: four reference days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from tests.extract_files import write_extract
from tests.indicators.fixtures import ASSESSMENT_HEADER, CONTACT_HEADER, assessment, contact, table
from tilannekuva.board import simulator
from tilannekuva.board.baseline import (
    WALK_IN_BOOKED_WITHIN,
    Baseline,
    BaselineCache,
    UnitBaseline,
    UsualDemand,
    combined_usual,
    load_baseline,
    reference_dates,
)
from tilannekuva.board.state import add_months, local_day
from tilannekuva.ingest import load_extract
from tilannekuva.warehouse import connect

UNITS = """\
unit_id,name,municipality_code,service_area,parent_id
u1,Kajaanin terveysasema,205,reception,
u2,Kajaanin hammashoitola,205,oral,
"""
PERSONS = """\
person_id,birth_date,sex,municipality_code
p1,1980-05-05,2,205
p2,2005-06-01,1,205
"""
CALLS = """\
call_id,unit_id,arrived_at,answered_at,callback_requested,callback_at,abandoned,person_id,reason
k1,u1,2025-02-17T08:30:00+02:00,,,,,,
k2,u1,2025-03-03T09:05:00+02:00,,,,,,
k3,u1,2025-03-10T09:15:00+02:00,,,,,,
k4,u1,2025-03-10T09:45:00+02:00,,,,,,
k5,u1,2025-03-10T10:30:00+02:00,,,,,,
k6,u1,2025-03-11T05:00:00+02:00,,,,,,
"""
CONTACTS = [
    # Mondays: walk-ins are in-person visits nobody booked; remote = remote customer contacts.
    contact("c1", "2025-03-10T09:00:00+02:00"),  # R10, no booked_at: walk-in
    contact("c2", "2025-03-10T10:00:00+02:00") + "2025-03-01T10:00:00+02:00",
    contact("c3", "2025-03-10T11:00:00+02:00", contact_type="R50"),
    contact("c4", "2025-03-10T12:00:00+02:00", contact_type="R20"),  # home visit: not walk-in
    # Urgent and booked at the desk 20 minutes before: a walk-in; 50 minutes before: not; a
    # non-urgent visit booked 10 minutes before: not.
    contact("c9", "2025-03-03T11:00:00+02:00", urgency="urgent") + "2025-03-03T10:40:00+02:00",
    contact("c10", "2025-03-03T11:00:00+02:00", urgency="urgent") + "2025-03-03T10:10:00+02:00",
    contact("c11", "2025-03-03T11:00:00+02:00") + "2025-03-03T10:50:00+02:00",
    contact("c5", "2025-03-03T09:00:00+02:00", contact_type="R52"),
    contact("c6", "2025-02-17T13:00:00+02:00", contact_type="R55"),
    # a2's first treatment event (Thursday), booked; a6's contact is an e-message, no visit.
    contact("c7", "2025-03-06T10:00:00+02:00", assessment="a2") + "2025-03-04T10:05:00+02:00",
    contact("c8", "2025-03-07T12:00:00+02:00", contact_type="R55", assessment="a6"),
]
ASSESSMENTS = [
    assessment("a1", "2025-03-03T10:00:00+02:00", person="p2"),  # under 23: 14 days
    assessment("a2", "2025-03-04T10:00:00+02:00"),  # visited on 6 March
    assessment("a3", "2025-03-05T10:00:00+02:00", outcome="urgent_care"),
    assessment("a4", "2025-03-05T10:00:00+02:00", unit="u2"),  # oral, 23 or over: 6 months
    assessment("a5", "2024-08-01T10:00:00+03:00"),  # more than 183 days before the cutoff
    assessment("a6", "2025-03-07T10:00:00+02:00"),  # reception, 23 or over: 3 months
]
SLOT_HEADER = "snapshot_date,unit_id,professional_group,professional_id,slot_start,slot_kind,status"
SLOTS = [
    "2025-03-03,u1,doctor,d9,2025-03-04T09:00:00+02:00,nonurgent,free",  # older snapshot
    "2025-03-10,u1,doctor,d1,2025-03-11T09:00:00+02:00,nonurgent,free",
    "2025-03-10,u1,doctor,d1,2025-03-12T09:00:00+02:00,nonurgent,free",
    "2025-03-10,u1,doctor,d1,2025-03-11T10:00:00+02:00,nonurgent,booked",
    "2025-03-10,u1,doctor,d1,2025-03-11T11:00:00+02:00,urgent,free",
    "2025-03-10,u1,nurse,,2025-03-13T09:00:00+02:00,nonurgent,free",  # the pooled book
    "2025-03-10,u1,nurse,n2,2025-03-12T09:00:00+02:00,nonurgent,booked",  # booked only
]
META = {"extract_id": "board-test", "cutoff": "2025-03-11T06:00:00+02:00", "source": "test"}


def make_extract(folder: Path, *, extra_call: str = "") -> Path:
    return write_extract(
        folder,
        {
            "units": UNITS,
            "persons": PERSONS,
            "calls": CALLS + extra_call,
            "contacts": table(CONTACT_HEADER, CONTACTS),
            "assessments": table(ASSESSMENT_HEADER, ASSESSMENTS),
            "slot_snapshots": table(SLOT_HEADER, SLOTS),
        },
        meta=META,
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("board-baseline")
    result = load_extract(make_extract(folder / "extract"), folder / "w.duckdb")
    assert result.rows_quarantined == 0
    return folder / "w.duckdb"


@pytest.fixture(scope="module")
def baseline(warehouse: Path) -> Baseline:
    return load_baseline(warehouse)


MONDAYS = (date(2025, 3, 10), date(2025, 3, 3), date(2025, 2, 24), date(2025, 2, 17))


def test_reference_days_are_the_loads_same_weekdays(baseline: Baseline) -> None:
    assert baseline.reference_days[("calls", 0)] == MONDAYS
    # Tuesday 11 March is the cutoff's own, incomplete day: not a reference day.
    assert baseline.reference_days[("calls", 1)] == (
        date(2025, 3, 4),
        date(2025, 2, 25),
        date(2025, 2, 18),
    )
    assert ("calls", 5) not in baseline.reference_days  # Saturdays are no office days


def test_usual_calls_on_monday(baseline: Baseline) -> None:
    usual = baseline.unit("u1").usual[("calls", 0)]
    # Mondays: 17 Feb 1 call (08:30), 24 Feb none, 3 Mar 1 (09:05), 10 Mar 3 (09:15, 09:45,
    # 10:30): 5 calls / 4 Mondays.
    assert usual.days == 4
    assert usual.day_total == pytest.approx(1.25)
    assert usual.hourly[8:11] == pytest.approx((0.25, 0.75, 0.25))
    # By 10:30: hours 8 and 9 in full, half of hour 10.
    assert usual.by(time(10, 30)) == pytest.approx(0.25 + 0.75 + 0.125)
    # u2 had no calls: its usual level is zero, not missing.
    assert baseline.unit("u2").usual[("calls", 0)].day_total == 0


def test_usual_walk_ins_and_remote_contacts(baseline: Baseline) -> None:
    usual = baseline.unit("u1").usual
    assert usual[("walk_ins", 0)].day_total == pytest.approx(2 / 4)  # c1 and c9
    assert usual[("remote", 0)].day_total == pytest.approx(3 / 4)  # c3, c5, c6


def test_a_missing_file_gives_no_usual_level(baseline: Baseline) -> None:
    # messages.csv was not in the extract: no usual level at all, not zero.
    assert not any(channel == "messages" for channel, _ in baseline.unit("u1").usual)


def test_open_assessments_of_the_load(baseline: Baseline) -> None:
    found = {
        a.assessment_id: (a.unit_id, a.service_area, a.age_group, a.legal_maximum)
        for unit in baseline.units.values()
        for a in unit.open_assessments
    }
    assert found == {
        "a1": ("u1", "reception", "under_23", date(2025, 3, 17)),
        "a6": ("u1", "reception", "23_or_over", date(2025, 6, 7)),
        "a4": ("u2", "oral", "23_or_over", date(2025, 9, 5)),
    }
    a1 = baseline.unit("u1").open_assessments[0]
    assert a1.assessed_at == datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def test_latest_slot_snapshot(baseline: Baseline) -> None:
    u1 = baseline.unit("u1")
    assert u1.slot_snapshot_date == date(2025, 3, 10)
    assert [(s.professional_group, s.professional_id, s.slot_start) for s in u1.slots] == [
        ("doctor", "d1", datetime(2025, 3, 11, 7, 0, tzinfo=UTC)),
        ("doctor", "d1", datetime(2025, 3, 12, 7, 0, tzinfo=UTC)),
        ("nurse", None, datetime(2025, 3, 13, 7, 0, tzinfo=UTC)),
    ]
    assert all(s.free and s.slot_id is None for s in u1.slots)
    assert u1.books == {("doctor", "d1"), ("nurse", None), ("nurse", "n2")}
    assert baseline.unit("u2").slot_snapshot_date is None


def test_load_id_and_cutoff(baseline: Baseline, warehouse: Path) -> None:
    assert baseline.load_id is not None
    assert baseline.cutoff == datetime(2025, 3, 11, 4, 0, tzinfo=UTC)
    assert baseline.unit("nowhere") == UnitBaseline("nowhere")


def test_no_warehouse_gives_an_empty_baseline(tmp_path: Path) -> None:
    assert load_baseline(tmp_path / "none.duckdb") == Baseline.empty()


def test_reference_dates_skip_holidays() -> None:
    # Mondays back from 3 Feb 2025: Epiphany (6 Jan) is a holiday.
    assert reference_dates(date(2024, 12, 1), date(2025, 2, 3), 0) == (
        date(2025, 2, 3),
        date(2025, 1, 27),
        date(2025, 1, 20),
        date(2025, 1, 13),
        date(2024, 12, 30),
        date(2024, 12, 23),
        date(2024, 12, 16),
        date(2024, 12, 9),
    )
    # Fridays from 10 Jan back to 25 Nov: Independence Day (Fri 6 Dec) is skipped.
    assert reference_dates(date(2024, 11, 25), date(2025, 1, 10), 4) == (
        date(2025, 1, 10),
        date(2025, 1, 3),
        date(2024, 12, 27),
        date(2024, 12, 20),
        date(2024, 12, 13),
        date(2024, 11, 29),
    )


def test_units_added_up_and_a_unit_without_a_level() -> None:
    a = UsualDemand((1.0,) * 24, 8)
    b = UsualDemand((0.5,) * 24, 3)
    both = combined_usual(
        [UnitBaseline("a", {("calls", 0): a}), UnitBaseline("b", {("calls", 0): b})], "calls", 0
    )
    assert both == UsualDemand((1.5,) * 24, 3)
    assert (
        combined_usual([UnitBaseline("a", {("calls", 0): a}), UnitBaseline("c")], "calls", 0)
        is None
    )


def test_the_cache_builds_once_per_load(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load_extract(make_extract(tmp_path / "x1"), warehouse)
    built: list[str | None] = []

    def counting(path: Path) -> Baseline:
        result = load_baseline(path)
        built.append(result.load_id)
        return result

    cache = BaselineCache(warehouse, loader=counting)
    first = cache.get()
    assert cache.get() is first and cache.get(first.load_id) is first
    assert len(built) == 1
    extra = "k7,u1,2025-03-10T11:00:00+02:00,,,,,,\n"
    load_extract(make_extract(tmp_path / "x2", extra_call=extra), warehouse)
    second = cache.get()
    assert second.load_id != first.load_id and len(built) == 2
    assert second.unit("u1").usual[("calls", 0)].day_total == pytest.approx(6 / 4)


@pytest.mark.slow
def test_the_county_baseline_matches_an_independent_count(county_warehouse: Path) -> None:
    baseline = load_baseline(county_warehouse)
    connection = connect(county_warehouse, read_only=True)
    try:
        for weekday in range(5):
            days = baseline.reference_days[("calls", weekday)]
            assert len(days) == 8  # the county spans two years
            (calls,) = connection.execute(
                "SELECT count(*) FROM calls WHERE CAST(arrived_at_local AS DATE) IN "
                "(SELECT UNNEST(?::DATE[]))",
                [list(days)],
            ).fetchone() or (0,)
            usual = sum(u.usual[("calls", weekday)].day_total for u in baseline.units.values())
            assert usual * 8 == pytest.approx(calls)
    finally:
        connection.close()
    reception = [
        a
        for unit in baseline.units.values()
        for a in unit.open_assessments
        if a.service_area == "reception"
    ]
    assert reception
    for found in reception:
        day = local_day(found.assessed_at)
        limit = day + timedelta(days=14) if found.age_group == "under_23" else add_months(day, 3)
        assert found.legal_maximum == limit


def test_the_walk_in_rule_is_the_simulators() -> None:
    # The usual level and the replayed day must count the same visits as walk-ins.
    assert WALK_IN_BOOKED_WITHIN == simulator.WALK_IN_BOOKED_WITHIN
