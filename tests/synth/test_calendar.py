"""The synthetic calendar: office-minute arithmetic, holidays and timestamp text."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from tilannekuva.synth.calendar import DayGrid, OfficeClock, timestamp_text


def _ts(text: str) -> np.ndarray:
    return np.array([text], dtype="datetime64[s]")


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        ("2024-03-05T09:00", 30, "2024-03-05T09:30:00"),  # Tuesday, inside the day
        ("2024-03-08T15:30", 60, "2024-03-11T08:30:00"),  # Friday: 30 min + Monday 30 min
        ("2024-12-05T15:30", 60, "2024-12-09T08:30:00"),  # Fri 6.12. Independence Day skipped
        ("2024-03-09T12:00", 45, "2024-03-11T08:45:00"),  # Saturday counts from Monday 08:00
        ("2024-03-05T17:10", 10, "2024-03-06T08:10:00"),  # after closing: next morning
    ],
)
def test_office_minutes_skip_nights_weekends_and_holidays(
    start: str, minutes: float, expected: str
) -> None:
    clock = OfficeClock()
    assert clock.add_minutes(_ts(start), np.array([minutes]))[0] == np.datetime64(expected)


def test_scheduled_care_has_no_weekend_or_holiday_days() -> None:
    grid = DayGrid()
    weights = grid.scheduled_weights()
    days = grid.days.astype(object)
    assert weights[list(days).index(date(2024, 12, 24))] == 0  # Christmas Eve
    assert weights[list(days).index(date(2025, 6, 20))] == 0  # Midsummer Eve
    assert weights[list(days).index(date(2024, 1, 6))] == 0  # Epiphany (a Saturday too)
    assert (weights[grid.weekday >= 5] == 0).all()
    assert weights.sum() == pytest.approx(1.0)
    # July is quieter than March: the seasonal pattern of a health station
    assert weights[grid.month == 6].sum() < 0.6 * weights[grid.month == 2].sum()


def test_urgent_care_runs_every_day() -> None:
    assert (DayGrid().urgent_weights() > 0).all()


def test_timestamps_are_naive_local_text_with_a_few_offsets() -> None:
    ts = np.array(["2024-07-01T10:00", "2024-01-02T10:00", "NaT"], dtype="datetime64[s]")
    text = timestamp_text(ts, np.array([True, True, True])).to_pylist()
    # July is summer time (+03:00), January winter time (+02:00); NaT is NULL
    assert text == ["2024-07-01T10:00:00+03:00", "2024-01-02T10:00:00+02:00", None]
    assert timestamp_text(ts[:1]).to_pylist() == ["2024-07-01 10:00:00"]
