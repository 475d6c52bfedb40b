"""Periods and scopes: turning month × unit cells into every period × scope of the output.

indicators-v1 asks for every calendar month, quarter and year, each for every unit and for
the whole county (``unit_id`` empty). Sums are additive, so a quarter, a year or the county is
the sum of its month × unit cells; medians are not, so they keep their values and take the
median at the end (county = median over all values, not over unit medians: T3 clarification).
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from statistics import median

from tilannekuva.indicators.rows import Exact, MonthSum, MonthValues, Number

COUNTY = ""

Key = tuple[str, str, str]  # indicator_id, period, unit_id


def period_labels(year: int, month: int) -> tuple[str, str, str]:
    """The month, quarter and year a local month belongs to: ``2025-03``, ``2025-Q1``, ``2025``."""
    return (f"{year:04d}-{month:02d}", f"{year:04d}-Q{(month - 1) // 3 + 1}", f"{year:04d}")


def period_last_day(period: str) -> date:
    """Last calendar day of a period label (used for ``orphan_assessments`` provisional)."""
    if len(period) == 4:
        return date(int(period), 12, 31)
    year = int(period[:4])
    month = int(period[6]) * 3 if period[5] == "Q" else int(period[5:7])
    return date(year, month, monthrange(year, month)[1])


def _keys(indicator_id: str, year: int, month: int, unit_id: str) -> Iterator[Key]:
    for period in period_labels(year, month):
        yield (indicator_id, period, unit_id)
        yield (indicator_id, period, COUNTY)


def roll_up_sums(cells: Iterable[MonthSum]) -> dict[Key, tuple[Exact, int]]:
    """Numerator and denominator of every indicator × period × scope that has a cell.

    Numerators are integers or exact fractions, so sums are exact in any order; the engine
    rounds to a float once, when it writes the row.
    """
    numerators: dict[Key, Exact] = defaultdict(int)
    denominators: dict[Key, int] = defaultdict(int)
    for cell in cells:
        for key in _keys(cell.indicator_id, cell.year, cell.month, cell.unit_id):
            numerators[key] += cell.numerator
            denominators[key] += cell.denominator
    return {key: (numerators[key], denominators[key]) for key in numerators}


def roll_up_values(cells: Iterable[MonthValues]) -> dict[Key, list[int]]:
    """All values of every indicator × period × scope (for medians and counts of values)."""
    values: dict[Key, list[int]] = defaultdict(list)
    for cell in cells:
        for key in _keys(cell.indicator_id, cell.year, cell.month, cell.unit_id):
            values[key].extend(cell.values)
    return dict(values)


def median_days(values: list[int]) -> Number:
    """Median; an even count takes the mean of the two middle values (indicators-v1 T3).

    An integral median is returned as an ``int`` so it is written as an integer.
    """
    middle = median(values)
    return int(middle) if float(middle).is_integer() else float(middle)
