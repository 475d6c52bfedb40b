"""care_guarantee_7d and care_guarantee_legal: first treatment events, waits, legal maxima."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis

from tests.indicators.fixtures import (
    ASSESSMENT_HEADER,
    CONTACT_HEADER,
    assessment,
    compute,
    contact,
    table,
)
from tilannekuva.indicators.care_guarantee import legal_maximum_date

PERSONS_AGES = """\
person_id,birth_date,sex,municipality_code
p1,1980-05-05,2,205
p2,1990-01-01,1,205
young,2004-02-29,2,205
"""


def run(tmp_path: Path, assessments: list[str], contacts: list[str], **kw: object):  # type: ignore[no-untyped-def]
    return compute(
        tmp_path,
        {
            "persons": PERSONS_AGES,
            "assessments": table(ASSESSMENT_HEADER, assessments),
            "contacts": table(CONTACT_HEADER, contacts),
        },
        **kw,  # type: ignore[arg-type]
    )


def test_seven_days_is_within_and_eight_is_not(tmp_path: Path) -> None:
    # a1 assessed 3 Mar, visit 10 Mar: 7 days (within); a2 3 Mar → 11 Mar: 8 days (not).
    result = run(
        tmp_path,
        [assessment("a1", "2025-03-03T10:00:00"), assessment("a2", "2025-03-03T23:59:59")],
        [
            contact("c1", "2025-03-10T23:59:59", assessment="a1"),
            contact("c2", "2025-03-11T00:00:00", assessment="a2"),
        ],
    )
    # 1 of 2 within: 100 × 1 / 2 = 50.0, in month, quarter, year, for u1 and the county.
    for period in ("2025-03", "2025-Q1", "2025"):
        for unit in ("u1", ""):
            row = result.row("care_guarantee_7d", period, unit)
            assert (row.numerator, row.denominator, row.value) == (1, 2, 50.0)
            assert row.provisional is False and row.suppressed is False


def test_offset_timestamps_use_the_helsinki_date(tmp_path: Path) -> None:
    # Visit 2025-03-10T22:30Z is 11 Mar 00:30 in Helsinki (UTC+2): wait 8 days, not within.
    # Assessment 2025-03-02T22:30Z is 3 Mar 00:30 local. Visit 2025-03-31T21:30Z is
    # 1 Apr 00:30 local, so a2's event belongs to April, not March.
    result = run(
        tmp_path,
        [
            assessment("a1", "2025-03-02T22:30:00Z"),
            assessment("a2", "2025-03-30T12:00:00+03:00"),
        ],
        [
            contact("c1", "2025-03-10T22:30:00Z", assessment="a1"),
            contact("c2", "2025-03-31T21:30:00Z", assessment="a2"),
        ],
    )
    assert result.nd("care_guarantee_7d", "2025-03", "u1") == (0, 1)
    # a2: 30 Mar → 1 Apr = 2 days, within.
    assert result.nd("care_guarantee_7d", "2025-04", "u1") == (1, 1)
    assert result.nd("care_guarantee_7d", "2025", "") == (1, 2)


def test_first_event_is_the_earliest_instant_not_wall_clock(tmp_path: Path) -> None:
    # On 26 Oct 2025 clocks go back at 04:00 EEST → 03:00 EET. c_late at 03:30+03:00 is
    # 00:30Z, c_early_wall at 03:10+02:00 is 01:10Z: c_late is the earlier instant although
    # its wall clock is later, so the first event is c_late at u3.
    result = run(
        tmp_path,
        [assessment("a1", "2025-10-20T09:00:00")],
        [
            contact("c_late", "2025-10-26T03:30:00+03:00", unit="u3", assessment="a1"),
            contact("c_early_wall", "2025-10-26T03:10:00+02:00", unit="u1", assessment="a1"),
        ],
    )
    assert result.nd("care_guarantee_7d", "2025-10", "u3") == (1, 1)  # 6 days
    assert result.get("care_guarantee_7d", "2025-10", "u1") is None


def test_ties_are_broken_by_contact_id_as_string(tmp_path: Path) -> None:
    # Same instant: "c10" < "c9" as strings, so c10 (at u3) is first, not c9 (at u1).
    result = run(
        tmp_path,
        [assessment("a1", "2025-03-03T09:00:00")],
        [
            contact("c9", "2025-03-05T10:00:00", unit="u1", assessment="a1"),
            contact("c10", "2025-03-05T08:00:00Z", unit="u3", assessment="a1"),
        ],
    )
    # 08:00Z = 10:00 local (UTC+2 in March): the same instant as c9.
    assert result.nd("care_guarantee_7d", "2025-03", "u3") == (1, 1)
    assert result.get("care_guarantee_7d", "2025-03", "u1") is None


def test_ineligible_and_broken_links_are_not_first_events(tmp_path: Path) -> None:
    # Before the eligible visit c_ok (day 9, not within) come: an urgent visit, a care-plan
    # visit, an e-message (R55 is no visit), a visit of another person naming a1 (wrong
    # person = broken link). None of them may be chosen, so a1 counts as 0 of 1.
    # c_missing names an assessment that does not exist: no care-guarantee event at all.
    result = run(
        tmp_path,
        [assessment("a1", "2025-03-03T09:00:00")],
        [
            contact("c_urgent", "2025-03-04T09:00:00", urgency="urgent", assessment="a1"),
            contact("c_plan", "2025-03-04T10:00:00", care_plan="true", assessment="a1"),
            contact("c_msg", "2025-03-04T11:00:00", contact_type="R55", assessment="a1"),
            contact("c_other", "2025-03-04T12:00:00", person="p2", assessment="a1"),
            contact("c_ok", "2025-03-12T09:00:00", assessment="a1"),
            contact("c_missing", "2025-03-04T09:00:00", assessment="nope"),
        ],
    )
    assert result.nd("care_guarantee_7d", "2025-03", "") == (0, 1)


def test_negative_wait_removes_the_assessment_and_no_later_visit_replaces_it(
    tmp_path: Path,
) -> None:
    # a1: first eligible visit 9 Mar is before the assessment (10 Mar): wait −1, so a1 leaves
    # both indicators even though c2 on 11 Mar would be within. a2 (outcome self_care) is not
    # counted either. a3 is the only counted event (same day = 0 days, within).
    result = run(
        tmp_path,
        [
            assessment("a1", "2025-03-10T09:00:00"),
            assessment("a2", "2025-03-10T09:00:00", outcome="self_care"),
            assessment("a3", "2025-03-10T09:00:00"),
        ],
        [
            contact("c1", "2025-03-09T09:00:00", assessment="a1"),
            contact("c2", "2025-03-11T09:00:00", assessment="a1"),
            contact("c3", "2025-03-11T09:00:00", assessment="a2"),
            contact("c4", "2025-03-10T08:00:00", assessment="a3"),
        ],
    )
    assert result.nd("care_guarantee_7d", "2025-03", "") == (1, 1)
    assert result.nd("care_guarantee_legal", "2025-03", "") == (1, 1)


def test_legal_uses_the_first_event_unit_and_only_reception_and_oral(tmp_path: Path) -> None:
    # a1's first event is at the mental-health unit u3: it is in care_guarantee_7d but not in
    # care_guarantee_legal, and the later reception visit does not take its place.
    result = run(
        tmp_path,
        [assessment("a1", "2025-03-03T09:00:00")],
        [
            contact("c1", "2025-03-04T09:00:00", unit="u3", assessment="a1"),
            contact("c2", "2025-03-05T09:00:00", unit="u1", assessment="a1"),
        ],
    )
    assert result.nd("care_guarantee_7d", "2025-03", "u3") == (1, 1)
    assert result.of("care_guarantee_legal") == []


def test_legal_maximum_by_period_age_and_service_area(tmp_path: Path) -> None:
    # p1 is 44 (23 or over), "young" (born 29 Feb 2004) is 21 in 2025.
    cases = [
        # (assessment, visit, person, unit, within?)
        ("2023-08-31T12:00:00", "2023-11-30T12:00:00", "p1", "u1", True),  # 3 months: 30 Nov
        ("2023-08-31T12:00:00", "2023-12-01T12:00:00", "p1", "u1", False),
        ("2023-09-01T12:00:00", "2023-09-15T12:00:00", "p1", "u1", True),  # 14 days
        ("2023-09-01T12:00:00", "2023-09-16T12:00:00", "p1", "u1", False),
        ("2025-01-31T12:00:00", "2025-04-30T12:00:00", "p1", "u1", True),  # 23+: 3 months
        ("2025-01-31T12:00:00", "2025-05-01T12:00:00", "p1", "u1", False),
        ("2025-01-31T12:00:00", "2025-02-14T12:00:00", "young", "u1", True),  # <23: 14 days
        ("2025-01-31T12:00:00", "2025-02-15T12:00:00", "young", "u1", False),
        ("2023-03-31T12:00:00", "2023-09-30T12:00:00", "p1", "u2", True),  # oral 6 months
        ("2024-10-31T12:00:00", "2025-02-28T12:00:00", "p1", "u2", True),  # oral 4 months
        ("2024-11-01T12:00:00", "2025-02-01T12:00:00", "p1", "u2", True),  # oral 3 months
        ("2024-11-01T12:00:00", "2025-02-02T12:00:00", "p1", "u2", False),
        ("2025-01-31T12:00:00", "2025-04-30T12:00:00", "young", "u2", True),  # <23 oral 3 m
        ("2025-01-31T12:00:00", "2025-05-01T12:00:00", "young", "u2", False),
        ("2025-01-31T12:00:00", "2025-07-31T12:00:00", "p1", "u2", True),  # 23+ oral 6 m
    ]
    assessments = []
    contacts = []
    for i, (assessed, visit, person, unit, _within) in enumerate(cases):
        assessments.append(assessment(f"a{i:02d}", assessed, person=person))
        contacts.append(
            contact(f"c{i:02d}", visit, person=person, unit=unit, assessment=f"a{i:02d}")
        )
    # Spread cases over years; check each case alone by giving it its own extract would be
    # slow, so compare the per-case expectation with the legal rows of each visit month.
    result = run(tmp_path, assessments, contacts)
    expected: dict[tuple[str, str], list[int]] = {}
    for _assessed, visit, _person, unit, within in cases:
        cell = expected.setdefault((visit[:7], unit), [0, 0])
        cell[0] += int(within)
        cell[1] += 1
    for (month, unit), (numerator, denominator) in expected.items():
        assert result.nd("care_guarantee_legal", month, unit) == (numerator, denominator), month


def test_age_23_split_uses_age_at_the_assessment_with_29_february(tmp_path: Path) -> None:
    # "young" is born 29 Feb 2004 and turns 23 on 1 Mar 2027 (2027 is a common year).
    # Assessed 28 Feb 2027: age 22 → 14 days; visit 20 days later is late.
    # Assessed 1 Mar 2027: age 23 → 3 months; visit 20 days later is within.
    result = run(
        tmp_path,
        [
            assessment("a1", "2027-02-28T09:00:00", person="young"),
            assessment("a2", "2027-03-01T09:00:00", person="young"),
        ],
        [
            contact("c1", "2027-03-20T09:00:00", person="young", unit="u1", assessment="a1"),
            contact("c2", "2027-03-21T09:00:00", person="young", unit="u2", assessment="a2"),
        ],
    )
    assert result.nd("care_guarantee_legal", "2027-03", "u1") == (0, 1)
    assert result.nd("care_guarantee_legal", "2027-03", "u2") == (1, 1)


def test_calendar_month_addition_clamps_to_the_month_end() -> None:
    # The engine relies on the backend clamping: 31 Jan + 3 months = 30 Apr, 31 Oct 2024 + 4
    # months = 28 Feb 2025, 29 Feb 2024 + 6 months = 29 Aug 2024.
    t = ibis.memtable(
        {
            "area": ["reception", "oral", "oral", "reception", "other"],
            "assessed": [
                date(2025, 1, 31),
                date(2024, 10, 31),
                date(2023, 2, 28),
                date(2024, 12, 31),
                date(2025, 1, 1),
            ],
            "age": [40, 40, 40, 40, 40],
        }
    )
    limit = legal_maximum_date(t.area, t.assessed, t.age)
    got = ibis.duckdb.connect().to_pyarrow(t.select(limit=limit)).column("limit").to_pylist()
    assert got == [date(2025, 4, 30), date(2025, 2, 28), date(2023, 8, 28), date(2025, 1, 14), None]
