"""Period labels, period ends and the additive roll-up of month × unit cells."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from tilannekuva.indicators.periods import (
    median_days,
    period_labels,
    period_last_day,
    roll_up_sums,
)
from tilannekuva.indicators.rows import MonthSum


def test_labels_of_a_month() -> None:
    assert period_labels(2025, 3) == ("2025-03", "2025-Q1", "2025")
    assert period_labels(2025, 10) == ("2025-10", "2025-Q4", "2025")


@pytest.mark.parametrize(
    ("period", "last"),
    [
        ("2024-02", date(2024, 2, 29)),
        ("2025-02", date(2025, 2, 28)),
        ("2025-Q2", date(2025, 6, 30)),
        ("2025-Q4", date(2025, 12, 31)),
        ("2025", date(2025, 12, 31)),
    ],
)
def test_period_last_day(period: str, last: date) -> None:
    assert period_last_day(period) == last


def test_roll_up_adds_months_and_units() -> None:
    cells = [
        MonthSum("x", 2025, 1, "u1", 1, 2),
        MonthSum("x", 2025, 2, "u1", 3, 4),
        MonthSum("x", 2025, 4, "u2", 5, 6),
    ]
    sums = roll_up_sums(cells)
    assert sums[("x", "2025-Q1", "u1")] == (4, 6)
    assert sums[("x", "2025", "")] == (9, 12)
    assert sums[("x", "2025-04", "")] == (5, 6)
    assert ("x", "2025-Q1", "u2") not in sums


def test_fraction_numerators_are_summed_exactly() -> None:
    # QWL terms are exact fractions of floats: 0.1 + 0.2 + 0.3 is exactly their rational sum
    # (plain float addition gives 0.6000000000000001), rounded once when written.
    cells = [
        MonthSum("q", 2025, m, "u1", Fraction(v), 1) for m, v in ((1, 0.1), (2, 0.2), (3, 0.3))
    ]
    numerator, denominator = roll_up_sums(cells)[("q", "2025-Q1", "u1")]
    assert float(numerator) == 0.6 and denominator == 3


def test_median_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median_days([1, 9, 2, 4]) == 3  # (2 + 4) / 2, written as an integer
    assert median_days([1, 2]) == 1.5
    assert median_days([5]) == 5 and isinstance(median_days([5]), int)
