"""Calendar arithmetic of indicators-v1, "Common terms", in numpy/pandas.

Every function works on whole columns: local dates are the Helsinki wall clock (``x_local``)
truncated to the day, so no time-zone conversion happens here.
"""

from __future__ import annotations

import holidays
import numpy as np
import pandas as pd

OFFICE_START_S = 8 * 3600
OFFICE_END_S = 16 * 3600
OFFICE_DAY_S = OFFICE_END_S - OFFICE_START_S


def local_date(local: pd.Series) -> pd.Series:
    """The calendar date of a Helsinki wall-clock timestamp (midnight of that day)."""
    return local.dt.normalize()


def age_years(birth: pd.Series, on: pd.Series) -> pd.Series:
    """Completed years from ``birth`` to ``on``.

    Comparing (month, day) pairs gives the 29 February rule for free: in a common year no date
    equals 29 Feb, so the birthday is first passed on 1 March.
    """
    before_birthday = (on.dt.month * 100 + on.dt.day) < (birth.dt.month * 100 + birth.dt.day)
    return on.dt.year - birth.dt.year - before_birthday.astype(int)


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """Calendar months added, the day clamped to the month's last day (31 Jan + 3 = 30 Apr)."""
    total = dates.dt.year * 12 + (dates.dt.month - 1) + months
    year = total // 12
    month = total % 12 + 1
    first = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    day = np.minimum(dates.dt.day, first.dt.days_in_month)
    return first + pd.to_timedelta(day - 1, unit="D")


def _office_days(start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Every calendar day from ``start`` to ``end`` and whether it is an office day.

    Office days are Monday to Friday except Finnish public holidays (the default category of
    ``holidays.country_holidays("FI")``, which includes Christmas Eve and Midsummer Eve).
    """
    days = pd.date_range(start, end, freq="D")
    fi = holidays.country_holidays("FI", years=range(start.year, end.year + 1))
    holiday = np.array([d.date() in fi for d in days], dtype=bool)
    return days, (days.day_of_week < 5) & ~holiday


class OfficeClock:
    """Office seconds counted from a fixed origin, so a span is the difference of two readings.

    Office hours are [08:00, 16:00) local time on office days (indicators-v1, Clarifications).
    """

    def __init__(self, *stamps: pd.Series) -> None:
        present = pd.concat([s.dropna() for s in stamps])
        if present.empty:
            present = pd.Series([pd.Timestamp("2000-01-01")])
        self.origin = present.min().normalize()
        self.days, self.office = _office_days(self.origin, present.max().normalize())
        seconds_per_day = np.where(self.office, OFFICE_DAY_S, 0)
        self.before_day = np.concatenate([[0], np.cumsum(seconds_per_day)[:-1]])

    def _day_index(self, local: pd.Series) -> np.ndarray:
        return ((local.dt.normalize() - self.origin) // pd.Timedelta(days=1)).to_numpy()

    def is_office_time(self, local: pd.Series) -> pd.Series:
        """True when the wall-clock time falls in office hours (NaT: false)."""
        ok = local.notna().to_numpy()
        idx = np.where(ok, self._day_index(local.fillna(self.origin)), 0)
        tod = (local - local.dt.normalize()).dt.total_seconds().to_numpy()
        inside = ok & self.office[idx] & (tod >= OFFICE_START_S) & (tod < OFFICE_END_S)
        return pd.Series(inside, index=local.index)

    def reading(self, local: pd.Series) -> pd.Series:
        """Office seconds from the origin to each timestamp (NaT stays NaN).

        Office time is "measured to the second" (indicators-v1, Clarifications): a timestamp's
        fraction of a second is dropped before counting.
        """
        local = local.dt.floor("s")
        ok = local.notna().to_numpy()
        idx = np.where(ok, self._day_index(local.fillna(self.origin)), 0)
        tod = (local - local.dt.normalize()).dt.total_seconds().to_numpy()
        today = np.where(self.office[idx], np.clip(tod - OFFICE_START_S, 0, OFFICE_DAY_S), 0)
        return pd.Series(np.where(ok, self.before_day[idx] + today, np.nan), index=local.index)
