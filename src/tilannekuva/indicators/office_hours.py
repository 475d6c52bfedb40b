"""Office hours as a calendar table, so "office seconds between two times" is a join.

indicators-v1: office hours are Monday–Friday [08:00, 16:00) local time, measured to the
second, excluding the holidays of ``holidays.country_holidays("FI")`` (its default public
category, which includes Midsummer Eve and Christmas Eve). Each calendar row holds whether the
local date is an office day and the office seconds of all earlier dates; the office seconds
"since the calendar's start" of a wall-clock time are then that cumulative value plus the
clamped seconds of its own day, and a difference of two such values is the office time between
them. The calendar is an Ibis memtable, so the comparison stays an engine-neutral expression.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import ibis
import ibis.expr.types as ir

OPEN_SECOND = 8 * 3600  # 08:00:00
CLOSE_SECOND = 16 * 3600  # 16:00:00, itself outside office hours (half-open interval)
OFFICE_DAY_SECONDS = CLOSE_SECOND - OPEN_SECOND


def is_office_day(day: date, finnish_holidays: holidays.HolidayBase) -> bool:
    """Monday–Friday and not a Finnish public holiday."""
    return day.weekday() < 5 and day not in finnish_holidays


def office_calendar(first: date, last: date) -> ir.Table:
    """One row per date in [first, last]: ``cal_date``, ``office_day``, ``office_before``."""
    finnish_holidays = holidays.country_holidays("FI", years=range(first.year, last.year + 1))
    dates: list[date] = []
    office: list[bool] = []
    before: list[int] = []
    cumulative = 0
    day = first
    while day <= last:
        open_today = is_office_day(day, finnish_holidays)
        dates.append(day)
        office.append(open_today)
        before.append(cumulative)
        cumulative += OFFICE_DAY_SECONDS if open_today else 0
        day += timedelta(days=1)
    return ibis.memtable(
        {"cal_date": dates, "office_day": office, "office_before": before},
        schema={"cal_date": "date", "office_day": "boolean", "office_before": "int64"},
    )


def second_of_day(local_timestamp: ir.TimestampValue) -> ir.IntegerValue:
    """Whole seconds since local midnight; fractions of a second are dropped (to the second)."""
    return (
        local_timestamp.hour().cast("int64") * 3600
        + local_timestamp.minute().cast("int64") * 60
        + local_timestamp.second().cast("int64")
    )


def within_office_hours(office_day: ir.BooleanValue, second: ir.IntegerValue) -> ir.BooleanValue:
    """An office day and a second in [08:00:00, 16:00:00)."""
    return office_day & (second >= OPEN_SECOND) & (second < CLOSE_SECOND)


def office_seconds(
    office_before: ir.IntegerValue, office_day: ir.BooleanValue, second: ir.IntegerValue
) -> ir.IntegerValue:
    """Office seconds from the calendar's start to a wall-clock time (from its calendar row)."""
    today = (second.clip(lower=OPEN_SECOND, upper=CLOSE_SECOND) - OPEN_SECOND).cast("int64")
    return office_before + office_day.ifelse(today, 0)
