"""Invariants of the engine on random small extracts (Hypothesis).

- ratios: 0 ≤ numerator ≤ denominator (NPS: |numerator| ≤ denominator), means within 1–5;
- additive indicators: the county numerator and denominator are the sums over the units, and
  a year's (and quarter's) sums are the sums of its months;
- moving the whole extract by 313 weeks (2025 → 2031, two years with the same calendar and the
  same DST dates; no messages, whose Finnish holidays move with Easter) changes the periods'
  year labels and nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.indicators.fixtures import ASSESSMENT_HEADER, CONTACT_HEADER, UNITS, Computed, compute
from tilannekuva.indicators.catalogue import INDICATORS_BY_ID, Unit

HELSINKI = ZoneInfo("Europe/Helsinki")
Tables = dict[str, list[dict[str, Any]]]
SAME_CALENDAR_SHIFT = timedelta(weeks=313)  # 2191 days: 1 Jan 2025 and 1 Jan 2031 are Wednesdays
START = datetime(2025, 1, 1)
PERSONS = ("p0", "p1", "p2", "p3")
UNIT_IDS = ("u1", "u2", "u3")

moment = st.integers(min_value=0, max_value=355 * 24 * 60).map(
    lambda m: START + timedelta(minutes=m)
)
utc_spelling = st.booleans()  # True: written as an absolute instant with Z


@st.composite
def extracts(draw: st.DrawFn, with_messages: bool) -> Tables:
    """Rows as dicts of Python values; ``render`` turns them into CSV text."""
    births = [
        draw(st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31)).filter(
            lambda d: (d.month, d.day) != (2, 29)))
        for _ in PERSONS
    ]  # fmt: skip
    persons = [{"person_id": p, "birth_date": b} for p, b in zip(PERSONS, births, strict=True)]
    assessments = [
        {
            "assessment_id": f"a{i}",
            "person_id": draw(st.sampled_from(PERSONS)),
            "unit_id": draw(st.sampled_from(UNIT_IDS)),
            "assessed_at": (draw(moment), draw(utc_spelling)),
            "professional_group": "nurse",
            "outcome": draw(st.sampled_from(["nonurgent_care", "nonurgent_care", "self_care"])),
        }
        for i in range(draw(st.integers(0, 6)))
    ]
    links = [a["assessment_id"] for a in assessments] + ["", "", "missing"]
    contacts = [
        {
            "contact_id": f"c{i}",
            "person_id": draw(st.sampled_from(PERSONS)),
            "unit_id": draw(st.sampled_from(UNIT_IDS)),
            "start_at": (draw(moment), draw(utc_spelling)),
            "contact_type": draw(st.sampled_from(["R10", "R20", "R50", "R52", "R55", "R60"])),
            "professional_group": draw(st.sampled_from(["doctor", "nurse", "dentist"])),
            "urgency": draw(st.sampled_from(["nonurgent", "nonurgent", "urgent"])),
            "care_plan": draw(st.sampled_from(["", "false", "true"])),
            "assessment_id": draw(st.sampled_from(links)),
            "reason_codes": "",
            "booked_at": "",
        }
        for i in range(draw(st.integers(1, 14)))
    ]
    calls = [
        {
            "call_id": f"k{i}",
            "unit_id": draw(st.sampled_from(UNIT_IDS)),
            "arrived_at": (arrived := draw(moment), draw(utc_spelling)),
            "answered_at": draw(st.sampled_from([None, (arrived + timedelta(minutes=90), False)])),
            "callback_requested": "",
            "callback_at": draw(st.sampled_from([None, (arrived + timedelta(hours=20), True)])),
            "abandoned": draw(st.sampled_from(["", "true", "false"])),
            "person_id": "",
            "reason": "",
        }
        for i in range(draw(st.integers(0, 5)))
    ]
    responses = [
        {
            "response_id": f"r{i}",
            "invitation_id": "",
            "unit_id": draw(st.sampled_from(UNIT_IDS)),
            "submitted_at": (draw(moment), draw(utc_spelling)),
            "channel": "kiosk",
            "nps": draw(st.sampled_from(["", *map(str, range(11))])),
            "s1": draw(st.sampled_from(["", "0", "1", "3", "5"])),
        }
        for i in range(draw(st.integers(0, 6)))
    ]
    survey = [
        {
            "unit_id": draw(st.sampled_from(UNIT_IDS)),
            "period": f"2025-{draw(st.integers(1, 12)):02d}",
            "respondents": draw(st.integers(0, 9)),
            "qwl_index": draw(st.sampled_from([40.0, 62.5, 71.25, 90.0])),
        }
        for _ in range(draw(st.integers(0, 4)))
    ]
    tables: Tables = {
        "persons": persons,
        "assessments": assessments,
        "contacts": contacts,
        "calls": calls,
        "feedback_responses": responses,
        "staff_survey": survey,
    }
    if with_messages:
        tables["messages"] = [
            {
                "message_id": f"m{i}",
                "person_id": "",
                "unit_id": draw(st.sampled_from(UNIT_IDS)),
                "received_at": (received := draw(moment), draw(utc_spelling)),
                "first_reply_at": draw(
                    st.sampled_from(
                        [
                            None,
                            (received + timedelta(minutes=50), False),
                            (received - timedelta(minutes=5), True),
                        ]
                    )
                ),
                "channel": "portal",
            }
            for i in range(draw(st.integers(0, 6)))
        ]
    return tables


def _cell(value: object, shift: timedelta) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):  # (local wall-clock datetime, write as UTC instant?)
        local, as_utc = value
        shifted = local + shift
        if as_utc:
            return shifted.replace(tzinfo=HELSINKI).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return shifted.isoformat()
    years = shift.days // 365  # 313 weeks = 6 calendar years for these dates
    if isinstance(value, date):  # birth dates move by calendar years, so ages stay the same
        return value.replace(year=value.year + years).isoformat()
    if isinstance(value, str) and len(value) == 7 and value[4] == "-":  # survey month
        return f"{int(value[:4]) + years}{value[4:]}"
    return str(value)


def render(tables: Tables, shift: timedelta) -> dict[str, str]:
    headers = {"assessments": ASSESSMENT_HEADER, "contacts": CONTACT_HEADER}
    out: dict[str, str] = {"units": UNITS}
    for name, rows in tables.items():
        header = headers.get(name) or ",".join(rows[0]) if rows or name in headers else ""
        if not header:
            continue
        lines = [header] + [",".join(_cell(v, shift) for v in row.values()) for row in rows]
        out[name] = "\n".join(lines) + "\n"
    return out


def run(tables: Tables, shift: timedelta = timedelta(0)) -> Computed:
    cutoff = (datetime(2025, 12, 31, 12) + shift).isoformat()
    with TemporaryDirectory() as scratch:
        return compute(Path(scratch), render(tables, shift), cutoff=cutoff)


PROPERTY_SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(extracts(with_messages=True))
def test_ratios_are_bounded_and_sums_add_up(tables: Tables) -> None:
    result = run(tables)
    assert result.quarantined == 0
    additive: dict[str, dict[tuple[str, str], tuple[Any, Any]]] = defaultdict(dict)
    for row in result.rows:
        unit = INDICATORS_BY_ID[row.indicator_id].unit
        numerator: Any = row.numerator
        denominator: Any = row.denominator
        value: Any = row.value
        if unit is Unit.PERCENT:
            assert 0 <= numerator <= denominator
            assert value == 100 * numerator / denominator
        elif unit is Unit.NPS:
            assert abs(numerator) <= denominator
        elif unit is Unit.MEAN:
            assert 1 <= value <= 5
        if unit is Unit.COUNT and not row.indicator_id.startswith("t3"):
            additive[row.indicator_id][(row.period, row.unit_id)] = (row.value, row.value)
        elif unit is not Unit.DAYS and unit is not Unit.COUNT:
            additive[row.indicator_id][(row.period, row.unit_id)] = (row.numerator, row.denominator)
    for cells in additive.values():
        periods = {period for period, _unit in cells}
        for period in periods:
            units = [cells[(period, u)] for u in UNIT_IDS if (period, u) in cells]
            county = cells[(period, "")]
            assert _close(sum(n for n, _ in units), county[0])
            assert sum(d for _, d in units) == county[1]
        for scope in {unit for _period, unit in cells}:
            months = [
                v for (p, u), v in cells.items() if u == scope and len(p) == 7 and "Q" not in p
            ]
            quarters = [v for (p, u), v in cells.items() if u == scope and "Q" in p]
            years = [v for (p, u), v in cells.items() if u == scope and len(p) == 4]
            for level in (quarters, years):
                assert _close(sum(n for n, _ in months), sum(n for n, _ in level))
                assert sum(d for _, d in months) == sum(d for _, d in level)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extracts(with_messages=False))
def test_moving_the_extract_by_whole_weeks_moves_periods_not_values(
    tables: Tables,
) -> None:
    original = run(tables)
    moved = run(tables, SAME_CALENDAR_SHIFT)
    relabelled = [
        (
            r.indicator_id,
            r.period.replace("2025", "2031", 1),
            r.unit_id,
            r.numerator,
            r.denominator,
            r.value,
            r.provisional,
        )
        for r in original.rows
    ]
    assert relabelled == [
        (r.indicator_id, r.period, r.unit_id, r.numerator, r.denominator, r.value, r.provisional)
        for r in moved.rows
    ]
