"""The scorecard rules: which periods are complete, which target is in force, and the status.

Both the CLI demo and the web app's front page show the county's key indicators against their
targets; the rules live here once so the two never disagree. Status is a word, never only a
colour (WCAG 2.1): each :class:`Status` value is the English text, and the web app translates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tilannekuva.indicators.catalogue import INDICATORS_BY_ID, Direction, Indicator, Target
from tilannekuva.indicators.periods import COUNTY, period_last_day
from tilannekuva.indicators.rows import IndicatorRow

# The indicators a steering group follows (product brief: care guarantee, remote-service
# share, customer experience, access by phone and message, T3, staff wellbeing).
KEY_INDICATORS: tuple[str, ...] = (
    "care_guarantee_7d",
    "care_guarantee_legal",
    "assessment_coverage_doctor",
    "assessment_coverage_dentist",
    "orphan_assessments",
    "remote_contact_share_20plus",
    "nps",
    "feedback_response_rate",
    "message_reply_1h",
    "call_same_day",
    "t3_days",
    "qwl_index",
)


class Status(StrEnum):
    """Where a value stands against the target in force."""

    MET = "target met"
    BELOW = "below target"  # higher is better and the value is below
    ABOVE = "above target"  # lower is better and the value is above
    NO_TARGET = "no target"
    NO_DATA = "no data"


TARGET_MET = Status.MET
NO_TARGET = Status.NO_TARGET
NO_DATA = Status.NO_DATA


@dataclass(frozen=True)
class ScoreLine:
    """One scorecard line: an indicator's county values and how they stand to the target."""

    indicator: Indicator
    quarter: IndicatorRow | None
    year: IndicatorRow | None
    target: Target | None
    status: Status
    judged: str | None  # the period the status is about: the quarter, or the year


def _is_quarter(period: str) -> bool:
    return len(period) == 7 and period[5] == "Q"


def _is_year(period: str) -> bool:
    return len(period) == 4


def latest_complete(
    periods: Sequence[str], cutoff_day: date | None, *, quarter: bool
) -> str | None:
    """The latest quarter (``YYYY-Qn``) or year (``YYYY``) whose last day is before the cutoff's
    local date; without a cutoff, the latest one present."""
    kind = _is_quarter if quarter else _is_year
    wanted = [
        p for p in periods if kind(p) and (cutoff_day is None or period_last_day(p) < cutoff_day)
    ]
    return max(wanted, key=period_last_day, default=None)


def target_in_force(indicator: Indicator, period: str | None) -> Target | None:
    """The first target whose deadline is not before the period; past every deadline, the last.

    ``care_guarantee_7d`` has an interim 66 % by 2024-Q2 and 80 % by 2025-Q4 (indicators-v1):
    a 2024-Q1 value is judged against 66 %, a 2025-Q1 value against 80 %.
    """
    if not indicator.targets:
        return None
    ordered = sorted(
        indicator.targets,
        key=lambda t: (t.deadline is None, period_last_day(t.deadline) if t.deadline else date.max),
    )
    if period is None:
        return ordered[-1]
    last_day = period_last_day(period)
    for target in ordered:
        if target.deadline is None or period_last_day(target.deadline) >= last_day:
            return target
    return ordered[-1]


def judge(indicator: Indicator, target: Target | None, row: IndicatorRow | None) -> Status:
    """Status in words: target met, below/above target, no target, no data."""
    if target is None:
        return NO_TARGET
    if row is None or row.value is None:
        return NO_DATA
    if indicator.direction is Direction.LOWER_BETTER:
        return Status.MET if row.value <= target.value else Status.ABOVE
    return Status.MET if row.value >= target.value else Status.BELOW


def score_lines(
    rows: Sequence[IndicatorRow], cutoff_day: date | None
) -> tuple[str | None, str | None, list[ScoreLine]]:
    """The latest complete quarter and year, and one line per key indicator."""
    county = {(r.indicator_id, r.period): r for r in rows if r.unit_id == COUNTY}
    periods = sorted({period for _, period in county})
    quarter = latest_complete(periods, cutoff_day, quarter=True)
    year = latest_complete(periods, cutoff_day, quarter=False)
    lines = []
    for indicator_id in KEY_INDICATORS:
        indicator = INDICATORS_BY_ID[indicator_id]
        q_row = county.get((indicator_id, quarter)) if quarter else None
        y_row = county.get((indicator_id, year)) if year else None
        if q_row is not None or y_row is None:
            target = target_in_force(indicator, quarter)
            status, judged = judge(indicator, target, q_row), quarter
        else:  # no value for the quarter: judge the year, and say so
            target = target_in_force(indicator, year)
            status, judged = judge(indicator, target, y_row), year
        lines.append(ScoreLine(indicator, q_row, y_row, target, status, judged))
    return quarter, year, lines


def complete_months(periods: Sequence[str], cutoff_day: date | None) -> list[str]:
    """Month labels (``YYYY-MM``) whose last day is before the cutoff's local date, in order.

    A month still in progress at the cutoff is left out of "latest" values and trends: its
    numbers grow until the month ends, so comparing it with full months would mislead.
    """
    months = [p for p in periods if len(p) == 7 and p[5] != "Q"]
    return sorted(p for p in months if cutoff_day is None or period_last_day(p) < cutoff_day)
