"""qwl_index: the respondent-weighted QWL index per unit (domain.md §9).

Anchor: the survey row's ``period`` month (``YYYY-MM``). Rows with 0 respondents add nothing
to numerator or denominator (binding clarification), so a month with only such rows has no row.

The numerator Σ respondents × qwl_index is the one sum of floats in the catalogue. Its terms
are kept as exact fractions (``Fraction(float)`` is exact) and rounded once at the end, so the
result does not depend on the order of summation or on the engine's float sum; the survey has
one row per unit and month, so fetching its rows is cheap.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from tilannekuva.indicators.context import Context
from tilannekuva.indicators.rows import MonthSum


def monthly(ctx: Context) -> list[MonthSum]:
    """Month × unit sums: numerator Σ respondents × qwl_index, denominator Σ respondents."""
    survey = ctx.table("staff_survey")
    month_start = (survey.period + "-01").cast("date")
    rows = (
        survey.filter(survey.respondents > 0)
        .select(
            year=month_start.year(),
            month=month_start.month(),
            unit_id=survey.unit_id,
            respondents=survey.respondents,
            qwl_index=survey.qwl_index,
        )
        .to_pyarrow()
        .to_pylist()
    )
    numerators: dict[tuple[int, int, str], Fraction] = defaultdict(Fraction)
    denominators: dict[tuple[int, int, str], int] = defaultdict(int)
    for row in rows:
        key = (int(row["year"]), int(row["month"]), str(row["unit_id"]))
        numerators[key] += int(row["respondents"]) * Fraction(float(row["qwl_index"]))
        denominators[key] += int(row["respondents"])
    return [
        MonthSum("qwl_index", year, month, unit, numerators[(year, month, unit)], denominator)
        for (year, month, unit), denominator in denominators.items()
    ]
