"""Data-quality counts per unit and month, read from the snapshot's quality report.

The unit page and the quality page show the counts of ``tilannekuva.quality`` as they are: the
report counts each finding once for its check, unit and local month, by the check's own
definition (an orphan assessment is exactly what the ``orphan_assessments`` check and
indicator call one). This module only regroups those counts for the two pages; it defines no
finding of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tilannekuva.quality.checks import CHECKS, QualityCheck
from tilannekuva.quality.report import CheckResult, QualityReport

UNIT_NOT_COUNTED = "none"
"""How a check declares (``QualityCheck.unit``) that its findings belong to no unit."""


def counts_per_unit(check: QualityCheck) -> bool:
    """Whether the check counts its findings for a unit (rejected rows and files do not)."""
    return not check.unit.startswith(UNIT_NOT_COUNTED)


UNIT_CHECK_IDS: tuple[str, ...] = tuple(check.id for check in CHECKS if counts_per_unit(check))
"""The checks a unit page shows, in the order they are declared."""


@dataclass(frozen=True)
class UnitCheck:
    """One check's findings for one unit: the total and the count of each local month.

    ``by_month`` is newest first; a month of None means the finding has no time (a unit with
    no events).
    """

    result: CheckResult
    count: int
    by_month: dict[str | None, int]

    @property
    def check(self) -> QualityCheck:
        return self.result.check


def unit_checks(report: QualityReport, unit_id: str) -> list[UnitCheck]:
    """Every check counted per unit, with this unit's counts (zero when it has none)."""
    found = []
    for check_id in UNIT_CHECK_IDS:
        result = report.result(check_id)
        months: dict[str | None, int] = defaultdict(int)
        for cell in result.cells:
            if cell.unit_id == unit_id:
                months[cell.month] += cell.count
        ordered = dict(sorted(months.items(), key=lambda item: item[0] or "", reverse=True))
        found.append(UnitCheck(result, sum(ordered.values()), ordered))
    return found


def finding_months(checks: list[UnitCheck]) -> list[str | None]:
    """Every month that has a finding of any of the checks, newest first (None last)."""
    months = {month for check in checks for month in check.by_month}
    dated = sorted((m for m in months if m is not None), reverse=True)
    undated: list[str | None] = [None] if None in months else []
    return [*dated, *undated]


@dataclass(frozen=True)
class UnitTotals:
    """One unit's findings over all unit-level checks, and per check."""

    unit_id: str
    total: int
    by_check: dict[str, int]


def totals_by_unit(report: QualityReport) -> list[UnitTotals]:
    """Units with at least one finding, most findings first (ties by unit id)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for check_id in UNIT_CHECK_IDS:
        for unit in report.result(check_id).units:
            if unit.unit_id is not None and unit.count:
                counts[unit.unit_id][check_id] = unit.count
    totals = [UnitTotals(u, sum(c.values()), c) for u, c in counts.items()]
    return sorted(totals, key=lambda t: (-t.total, t.unit_id))
