"""The shapes that flow through the engine: month sums in, indicator rows out.

Families hand back :class:`MonthSum` cells (one per indicator × local calendar month × unit):
sums are additive, so quarter, year and county rows follow by adding cells, and every family
stays a plain grouped Ibis aggregation that any engine can run (indicators-v1 "for every
period and scope"). :class:`IndicatorRow` is one output row of ``output-v1.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

Number = int | float
Exact = int | Fraction  # numerators while summing: integers, or exact fractions (QWL)


@dataclass(frozen=True)
class MonthSum:
    """Numerator and denominator of one indicator for one local month and one unit.

    For counts (``contacts_*``) both hold the count.
    """

    indicator_id: str
    year: int
    month: int
    unit_id: str
    numerator: Exact
    denominator: int


@dataclass(frozen=True)
class MonthValues:
    """Measurable values (T3 days) and the not-measurable count of one month and unit."""

    indicator_id: str
    year: int
    month: int
    unit_id: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class IndicatorRow:
    """One row of the indicator output (output-v1, "CSV columns, in this order")."""

    indicator_id: str
    period: str
    unit_id: str
    numerator: Number | None
    denominator: Number | None
    value: Number | None
    suppressed: bool
    provisional: bool

    def sort_key(self) -> tuple[str, str, str]:
        """Plain string order of indicator_id, period, unit_id (output-v1)."""
        return (self.indicator_id, self.period, self.unit_id)


OUTPUT_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "period",
    "unit_id",
    "numerator",
    "denominator",
    "value",
    "suppressed",
    "provisional",
)
