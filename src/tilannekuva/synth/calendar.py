"""The synthetic county's calendar: which days and hours services run, and timestamp text.

Contacts are spread over two full calendar years (2024-01-01 … 2025-12-31) with the weekly and
seasonal rhythm of a Finnish health station: busiest on Mondays, quiet in July and over
Christmas, no scheduled reception visits at weekends or on public holidays
(``holidays.country_holidays("FI")``, the calendar indicators-v1 names for office hours).
All times are Europe/Helsinki wall-clock times held as ``datetime64[s]``; :func:`timestamp_text`
writes them naive (extract-v1: local time) except for the rows asked to carry an explicit offset.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2025, 12, 31)
CUTOFF_LOCAL = datetime(2026, 1, 5, 6, 0)
CUTOFF_TEXT = "2026-01-05T06:00:00+02:00"
OFFICE_START_MIN = 8 * 60
OFFICE_END_MIN = 16 * 60
OFFICE_DAY_MINUTES = OFFICE_END_MIN - OFFICE_START_MIN
_CLOCK_FIRST = date(2023, 10, 1)  # office clock range: assessments before 2024, replies after 2025
_CLOCK_LAST = date(2026, 6, 30)
_DAY = np.timedelta64(1, "D")

# Relative volume by weekday (Mon..Sun) and by month; Christmas week is damped separately.
WEEKDAY_FACTOR = np.array([1.18, 1.05, 1.0, 0.97, 0.82, 0.0, 0.0])
MONTH_FACTOR = np.array([1.05, 1.08, 1.06, 1.02, 1.0, 0.85, 0.52, 0.88, 1.08, 1.1, 1.08, 0.86])


def finnish_holidays(first: date, last: date) -> set[date]:
    """Finnish public holidays (default category, incl. Christmas and Midsummer Eve)."""
    years = list(range(first.year, last.year + 1))
    return set(holidays.country_holidays("FI", years=years).keys())


def _day_range(first: date, last: date) -> np.ndarray:
    return np.arange(
        np.datetime64(first, "D"), np.datetime64(last, "D") + _DAY, dtype="datetime64[D]"
    )


def weekday_of(days: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday for ``datetime64[D]`` values (1970-01-01 was a Thursday)."""
    return ((days.astype("int64") + 3) % 7).astype(np.int8)


class DayGrid:
    """The 731 days of the contact window with their weekday, month and holiday flags."""

    def __init__(self, first: date = FIRST_DAY, last: date = LAST_DAY) -> None:
        self.days = _day_range(first, last)
        self.weekday = weekday_of(self.days)
        self.month = (self.days.astype("datetime64[M]").astype("int64") % 12).astype(np.int8)
        self.year = (self.days.astype("datetime64[Y]").astype("int64") + 1970).astype(np.int16)
        hol = finnish_holidays(first, last)
        self.holiday = np.array([d in hol for d in self.days.astype(object)], dtype=bool)
        md = [(d.month, d.day) for d in self.days.astype(object)]
        self.christmas = np.array([(m == 12 and d >= 23) or (m == 1 and d <= 6) for m, d in md])

    def _season(self) -> np.ndarray:
        return MONTH_FACTOR[self.month] * np.where(self.christmas, 0.55, 1.0)

    def scheduled_weights(self) -> np.ndarray:
        """Nonurgent visits and scheduled remote contacts: office days only."""
        w = WEEKDAY_FACTOR[self.weekday] * self._season() * ~self.holiday
        return w / w.sum()

    def urgent_weights(self) -> np.ndarray:
        """Urgent care runs every day; weekends and holidays at about two thirds."""
        w = np.where((self.weekday >= 5) | self.holiday, 0.68, 1.0) * np.sqrt(self._season())
        return w / w.sum()

    def any_day_weights(self) -> np.ndarray:
        """Customer-initiated e-messages: every day, fewer at weekends."""
        w = (
            np.where(self.weekday >= 5, 0.35, 1.0)
            * np.where(self.holiday, 0.4, 1.0)
            * self._season()
        )
        return w / w.sum()


class OfficeClock:
    """Office-minute arithmetic (Mon–Fri 08:00–16:00, no holidays), vectorised.

    A wall time maps to a position on a line that counts only office minutes; adding minutes
    there and mapping back gives the wall time after that much office time (indicators-v1
    ``message_reply_1h``). Times outside office hours map to the next office opening.
    """

    def __init__(self) -> None:
        days = _day_range(_CLOCK_FIRST, _CLOCK_LAST)
        hol = finnish_holidays(_CLOCK_FIRST, _CLOCK_LAST)
        is_office = (weekday_of(days) < 5) & ~np.isin(
            days, np.array(sorted(hol), dtype="datetime64[D]")
        )
        self.first = days[0]
        self.office_days = days[is_office]
        # rank of the first office day on or after each calendar day
        self.rank_from: np.ndarray = np.cumsum(is_office) - is_office
        self.is_office = is_office

    def position(self, ts: np.ndarray) -> np.ndarray:
        day_index = (ts.astype("datetime64[D]") - self.first).astype("int64")
        minute = (ts - ts.astype("datetime64[D]")).astype("timedelta64[s]").astype("int64") / 60.0
        office = self.is_office[day_index]
        rank: np.ndarray = self.rank_from[day_index].astype(np.float64)
        within = np.clip(minute - OFFICE_START_MIN, 0.0, OFFICE_DAY_MINUTES)
        after_close = minute >= OFFICE_END_MIN
        within = np.where(office & ~after_close, within, 0.0)
        rank = np.where(office & after_close, rank + 1, rank)
        return rank * OFFICE_DAY_MINUTES + within

    def wall_time(self, position: np.ndarray) -> np.ndarray:
        rank = np.floor(position / OFFICE_DAY_MINUTES).astype(np.int64)
        within = np.round((position - rank * OFFICE_DAY_MINUTES) * 60).astype(np.int64)
        day = self.office_days[np.minimum(rank, len(self.office_days) - 1)].astype("datetime64[s]")
        return day + (OFFICE_START_MIN * 60 + within).astype("timedelta64[s]")

    def add_minutes(self, ts: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        return self.wall_time(self.position(ts) + minutes)


def helsinki_offset_hours(ts: np.ndarray) -> np.ndarray:
    """UTC offset (2 or 3) of Helsinki wall times; EU summer time, valid outside 03–04 at night."""
    years = ts.astype("datetime64[Y]").astype("int64") + 1970
    out = np.full(len(ts), 2, dtype=np.int8)
    for year in np.unique(years):
        start = _last_sunday(int(year), 3) + timedelta(hours=4)
        end = _last_sunday(int(year), 10) + timedelta(hours=3)
        sel = years == year
        summer = (ts[sel] >= np.datetime64(start, "s")) & (ts[sel] < np.datetime64(end, "s"))
        out[sel] = np.where(summer, 3, 2)
    return out


def _last_sunday(year: int, month: int) -> datetime:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return datetime.combine(last - timedelta(days=(last.weekday() + 1) % 7), datetime.min.time())


def timestamp_text(ts: np.ndarray, offset_mask: np.ndarray | None = None) -> pa.Array:
    """ISO text of wall times; NaT becomes NULL; rows in ``offset_mask`` get their offset.

    Naive text is what most Finnish sources deliver (extract-v1: local time); a few rows carry
    the explicit ``+02:00``/``+03:00`` so loaders must handle both spellings.
    """
    missing = np.isnat(ts)
    text = pc.cast(pa.array(ts.astype("datetime64[s]"), mask=missing), pa.string())
    if offset_mask is None or not offset_mask.any():
        return text
    mask = offset_mask & ~missing
    rows = ts[mask]
    hours = helsinki_offset_hours(rows)
    iso = pc.replace_substring(
        pc.cast(pa.array(rows.astype("datetime64[s]")), pa.string()), " ", "T"
    )
    suffix = pa.array(np.where(hours == 3, "+03:00", "+02:00"))
    return pc.replace_with_mask(text, pa.array(mask), pc.binary_join_element_wise(iso, suffix, ""))
