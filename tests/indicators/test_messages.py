"""message_reply_1h: office hours to the second, weekends, Finnish holidays, the cutoff."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import holidays
import pytest

from tests.indicators.fixtures import compute
from tilannekuva.indicators.office_hours import is_office_day

MESSAGE_HEADER = "message_id,person_id,unit_id,received_at,first_reply_at,channel"

# One unit per scenario, so each row shows one decision: (unit, received, reply, expected)
# where expected is (numerator, denominator) or None for "no row at all".
SCENARIOS = [
    ("m01", "2025-03-03T08:00:00", "2025-03-03T09:00:00", (1, 1)),  # exactly 3600 s
    ("m02", "2025-03-03T08:00:00", "2025-03-03T09:00:01", (0, 1)),  # 3601 s
    ("m03", "2025-03-07T15:30:00", "2025-03-10T08:30:00", (1, 1)),  # Fri 30 min + Mon 30 min
    ("m04", "2025-03-07T15:30:00", "2025-03-10T08:30:01", (0, 1)),
    ("m05", "2025-03-03T07:59:59", "2025-03-03T08:00:01", None),  # received before 08:00
    ("m06", "2025-03-03T16:00:00", "2025-03-03T16:01:00", None),  # 16:00 is outside
    ("m07", "2025-03-03T15:59:59", "2025-03-04T08:59:58", (1, 1)),  # 1 s + 3598 s
    ("m08", "2025-03-03T10:00:00", "2025-03-03T09:59:59", None),  # reply before message
    ("m09", "2025-03-03T10:00:00", "", (0, 1)),  # never answered
    ("m10", "2025-03-03T10:00:00", "2025-12-31T12:00:01+02:00", (0, 1)),  # after the cutoff
    ("m11", "2025-06-19T15:30:00", "2025-06-23T08:30:00", (1, 1)),  # Midsummer Eve Fri 20 Jun
    ("m12", "2025-12-23T15:45:00", "2025-12-29T08:45:00", (1, 1)),  # Christmas Eve/Day/26th
    ("m13", "2025-03-08T10:00:00", "2025-03-08T10:01:00", None),  # Saturday
    ("m14", "2025-06-20T10:00:00", "2025-06-20T10:01:00", None),  # on Midsummer Eve
    ("m15", "2025-03-03T06:30:00Z", "2025-03-03T07:30:00Z", (1, 1)),  # 08:30 → 09:30 local
    ("m16", "2025-06-02T05:00:00Z", "2025-06-02T06:00:00+00:00", (1, 1)),  # summer: 08 → 09
    ("m17", "2025-03-03T05:59:59Z", "2025-03-03T06:00:00Z", None),  # 07:59:59 local
    ("m18", "2025-03-03T10:00:00", "2025-12-31T12:00:00+02:00", (0, 1)),  # at the cutoff, late
    # Measured to the second: both times are cut to whole seconds, so 12:00:00 → 13:00:00
    # is 3600 s and within, although the exact difference is 3600.8 s.
    ("m19", "2025-03-03T12:00:00.100", "2025-03-03T13:00:00.900", (1, 1)),
    ("m20", "2025-03-31T15:30:00", "2025-04-01T08:29:59", (1, 1)),  # crosses a month
    ("m21", "2025-03-03T10:00:00", "2025-03-03T10:00:00", (1, 1)),  # replied at once
]


@pytest.mark.parametrize(
    ("day", "office"),
    [
        (date(2025, 3, 3), True),  # Monday
        (date(2025, 3, 8), False),  # Saturday
        (date(2025, 3, 9), False),  # Sunday
        (date(2025, 6, 20), False),  # Midsummer Eve (Friday)
        (date(2025, 12, 24), False),  # Christmas Eve (Wednesday)
        (date(2025, 12, 26), False),  # Boxing Day
        (date(2025, 4, 18), False),  # Good Friday
        (date(2025, 5, 29), False),  # Ascension Day
        (date(2025, 12, 5), True),  # Friday before Independence Day
    ],
)
def test_office_days_follow_the_finnish_calendar(day: date, office: bool) -> None:
    assert is_office_day(day, holidays.country_holidays("FI", years=day.year)) is office


def test_reply_within_one_office_hour(tmp_path: Path) -> None:
    units = "unit_id,name,municipality_code,service_area,parent_id\n" + "".join(
        f"{unit},Unit,205,reception,\n" for unit, *_ in SCENARIOS
    )
    messages = (
        MESSAGE_HEADER
        + "\n"
        + "".join(
            f"{unit},p1,{unit},{received},{reply},portal\n"
            for unit, received, reply, _ in SCENARIOS
        )
    )
    # Cutoff 31 Dec 2025 12:00 local: a reply one second later is unanswered; a reply at the
    # cutoff instant itself is answered (not later than the cutoff) but nine months late.
    result = compute(
        tmp_path, {"units": units, "messages": messages}, cutoff="2025-12-31T12:00:00+02:00"
    )
    for unit, received, _reply, expected in SCENARIOS:
        month = "2025-" + ("06" if "-06-" in received else "12" if "-12-" in received else "03")
        row = result.get("message_reply_1h", month, unit)
        if expected is None:
            assert not [r for r in result.rows if r.unit_id == unit], unit
        else:
            assert row is not None and (row.numerator, row.denominator) == expected, unit
    # County March: m01 m02 m03 m04 m07 m09 m10 m15 m18 m19 m20 m21 are counted (12);
    # within: m01 m03 m07 m15 m19 m20 m21 (7).
    assert result.nd("message_reply_1h", "2025-03", "") == (7, 12)
