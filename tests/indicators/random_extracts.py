"""Random small extracts for the oracle comparison, biased towards the spec's edge cases.

Times are drawn either anywhere in 2025 or on focal days where a rule changes its answer
(birthdays turning 20 and 23, Midsummer, Christmas, the October DST fold, month ends) and at
focal clock times (07:59:59, 08:00:00, 15:59:59, 16:00:00, midnight). Rows are dicts of Python
values: a timestamp is ``(local wall-clock datetime, spelled as UTC instant?)``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from tests.indicators.fixtures import ASSESSMENT_HEADER, CONTACT_HEADER

HELSINKI = ZoneInfo("Europe/Helsinki")
Tables = dict[str, list[dict[str, Any]]]
UNIT_AREAS = {"u1": "reception", "u2": "oral", "u3": "mental"}
UNITS_CSV = "unit_id,name,municipality_code,service_area,parent_id\n" + "".join(
    f"{unit},Unit {unit},205,{area},\n" for unit, area in UNIT_AREAS.items()
)
PERSON_BIRTHS = {
    "p0": date(1980, 5, 5),
    "turns20": date(2005, 3, 15),
    "turns23": date(2002, 6, 10),
    "leap": date(2004, 2, 29),
    "child": date(2015, 1, 1),
}
FOCAL_DAYS = [
    date(2025, 1, 31),
    date(2025, 2, 28),
    date(2025, 3, 1),
    date(2025, 3, 14),
    date(2025, 3, 15),
    date(2025, 4, 30),
    date(2025, 5, 1),
    date(2025, 6, 9),
    date(2025, 6, 10),
    date(2025, 6, 19),
    date(2025, 6, 20),
    date(2025, 6, 23),
    date(2025, 9, 30),
    date(2025, 10, 26),
    date(2025, 12, 23),
    date(2025, 12, 24),
    date(2025, 12, 29),
    date(2025, 12, 31),
]
FOCAL_TIMES = [
    time(0, 0, 0),
    time(7, 59, 59),
    time(8, 0, 0),
    time(9, 0, 0),
    time(15, 30, 0),
    time(15, 59, 59),
    time(16, 0, 0),
    time(23, 59, 59),
    time(3, 30, 0),
]
CUTOFF_LOCAL = datetime(2025, 12, 30, 12, 0, 0)


def _not_in_dst_gap(moment: datetime) -> bool:
    """Naive times in the spring-forward gap are the ingest's business, not the engine's."""
    return not (moment.date() == date(2025, 3, 30) and moment.hour == 3)


any_moment = st.integers(0, 364 * 86400 - 1).map(
    lambda s: datetime(2025, 1, 1) + timedelta(seconds=s)
)
focal_moment = st.builds(
    datetime.combine,
    st.sampled_from(FOCAL_DAYS),
    st.one_of(st.sampled_from(FOCAL_TIMES), st.times()),
).map(lambda m: m.replace(microsecond=0))
moment = st.one_of(any_moment, focal_moment).filter(_not_in_dst_gap)
spelled = st.tuples(moment, st.booleans())
delays = st.sampled_from(
    [
        timedelta(0),
        timedelta(minutes=30),
        timedelta(seconds=3600),
        timedelta(seconds=3601),
        timedelta(hours=17),
        timedelta(days=1),
        timedelta(days=3),
        timedelta(days=8),
        timedelta(days=15),
        timedelta(days=95),
        timedelta(seconds=-1),
        timedelta(days=-1),
    ]
)


def later(draw: st.DrawFn, start: tuple[datetime, bool]) -> tuple[datetime, bool] | None:
    """A time a little after (or sometimes before) ``start``, or None; never in the gap."""
    if draw(st.sampled_from([True, False, False])):
        return None
    when = start[0] + draw(delays)
    return (when, draw(st.booleans())) if _not_in_dst_gap(when) else None


@st.composite
def extracts(draw: st.DrawFn) -> Tables:
    persons = list(PERSON_BIRTHS)
    units = list(UNIT_AREAS)
    assessments: list[dict[str, Any]] = [
        {
            "assessment_id": f"a{i}",
            "person_id": draw(st.sampled_from(persons)),
            "unit_id": draw(st.sampled_from(units)),
            "assessed_at": draw(spelled),
            "professional_group": "nurse",
            "outcome": draw(st.sampled_from(["nonurgent_care", "nonurgent_care", "no_need"])),
        }
        for i in range(draw(st.integers(0, 6)))
    ]
    contacts = []
    link_choices = [*assessments, *assessments, None]
    for i in range(draw(st.integers(1, 14))):
        linked = draw(st.sampled_from(link_choices))
        start = draw(spelled)
        if linked is not None and draw(st.booleans()):
            start = (linked["assessed_at"][0] + draw(delays), draw(st.booleans()))
            if not _not_in_dst_gap(start[0]):
                start = draw(spelled)
        contacts.append(
            {
                "contact_id": draw(st.sampled_from([f"c{i}", f"c{i}0", f"C{i}"])) + f"_{i}",
                "person_id": linked["person_id"]
                if linked and draw(st.booleans())
                else draw(st.sampled_from(persons)),
                "unit_id": draw(st.sampled_from(units)),
                "start_at": start,
                "contact_type": draw(
                    st.sampled_from(["R10", "R20", "R50", "R52", "R55", "R56", "R60", "R72"])
                ),
                "professional_group": draw(st.sampled_from(["doctor", "nurse", "dentist"])),
                "urgency": draw(st.sampled_from(["nonurgent", "nonurgent", "urgent"])),
                "care_plan": draw(st.sampled_from(["", "false", "true", "0"])),
                "assessment_id": linked["assessment_id"]
                if linked
                else draw(st.sampled_from(["", "", "gone"])),
                "reason_codes": "",
                "booked_at": "",
            }
        )
    invitations = [
        {
            "invitation_id": f"i{i}",
            "contact_id": draw(st.sampled_from(contacts))["contact_id"],
            "channel": "sms",
            "sent_at": draw(spelled),
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    responses = [
        {
            "response_id": f"r{i}",
            "invitation_id": draw(
                st.sampled_from([*(inv["invitation_id"] for inv in invitations), ""])
            ),
            "unit_id": draw(st.sampled_from(units)),
            "submitted_at": draw(spelled),
            "channel": "sms",
            "nps": draw(st.sampled_from(["", *map(str, range(11))])),
            **{
                f"s{k}": draw(st.sampled_from(["", "0", "1", "2", "3", "4", "5"]))
                for k in range(1, 8)
            },
        }
        for i in range(draw(st.integers(0, 6)))
    ]
    messages = []
    for i in range(draw(st.integers(0, 12))):
        received = draw(spelled)
        messages.append(
            {
                "message_id": f"m{i}",
                "person_id": "",
                "unit_id": draw(st.sampled_from(units)),
                "received_at": received,
                "first_reply_at": later(draw, received),
                "channel": "portal",
            }
        )
    calls = []
    for i in range(draw(st.integers(0, 6))):
        arrived = draw(spelled)
        calls.append(
            {
                "call_id": f"k{i}",
                "unit_id": draw(st.sampled_from(units)),
                "arrived_at": arrived,
                "answered_at": later(draw, arrived),
                "callback_requested": "",
                "callback_at": later(draw, arrived),
                "abandoned": draw(st.sampled_from(["", "true", "false"])),
                "person_id": "",
                "reason": "",
            }
        )
    slots = []
    for _ in range(draw(st.integers(0, 4))):  # books: each with a handful of slots
        snapshot = draw(st.sampled_from([date(2025, 3, 3), date(2025, 3, 31), date(2025, 4, 1)]))
        book = {
            "snapshot_date": snapshot,
            "unit_id": draw(st.sampled_from(units)),
            "professional_group": draw(st.sampled_from(["doctor", "nurse"])),
            "professional_id": draw(st.sampled_from(["", "d1", "d2"])),
        }
        for _ in range(draw(st.integers(1, 6))):
            slot_start = datetime.combine(snapshot, time(0)) + timedelta(
                minutes=draw(st.integers(-2 * 1440, 20 * 1440))
            )
            slots.append(
                {
                    **book,
                    "slot_start": (slot_start, draw(st.booleans())),
                    "slot_kind": draw(st.sampled_from(["nonurgent", "nonurgent", "urgent"])),
                    "status": draw(st.sampled_from(["free", "free", "free", "booked"])),
                }
            )
    survey = [
        {
            "unit_id": draw(st.sampled_from(units)),
            "period": f"2025-{draw(st.integers(1, 12)):02d}",
            "respondents": draw(st.integers(0, 9)),
            "qwl_index": draw(st.sampled_from([40.1, 62.5, 71.3, 90.7])),
        }
        for _ in range(draw(st.integers(0, 4)))
    ]
    return {
        "persons": [{"person_id": p, "birth_date": b} for p, b in PERSON_BIRTHS.items()],
        "assessments": assessments,
        "contacts": contacts,
        "feedback_invitations": invitations,
        "feedback_responses": responses,
        "messages": messages,
        "calls": calls,
        "slot_snapshots": slots,
        "staff_survey": survey,
    }


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        local, as_utc = value
        if as_utc:
            return local.replace(tzinfo=HELSINKI).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return local.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def render(tables: Tables) -> dict[str, str]:
    """CSV text per table (header from the first row's keys; fixed headers when empty)."""
    fixed = {"assessments": ASSESSMENT_HEADER, "contacts": CONTACT_HEADER}
    out = {"units": UNITS_CSV}
    for name, rows in tables.items():
        if not rows and name not in fixed:
            continue
        header = fixed.get(name) or ",".join(rows[0])
        out[name] = (
            "\n".join([header, *(",".join(cell(v) for v in row.values()) for row in rows)]) + "\n"
        )
    return out
