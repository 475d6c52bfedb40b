"""``/api/v1/quality``: the data-quality report of the current load.

A signed-in analyst gets the whole report, exactly as ``tilannekuva quality --json`` writes
it, example record ids included, to fix them in the patient record system. Everyone else gets
counts only: no example ids, and — by the same rule as indicator rows in role public
(indicators-v1, Suppression; product brief: small cells are suppressed outside the analyst
role) — every count of 1–4 blanked. The public report is built field by field from the
report's objects, so a field added to the report later is not published by accident.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from tilannekuva.indicators.engine import SMALLEST_SHOWN
from tilannekuva.quality.missing_sources import disabled_indicators
from tilannekuva.quality.report import FORMAT_VERSION, REPORT_NAME, CheckResult, QualityReport
from tilannekuva.web.api.context import CurrentSnapshot, DataRole
from tilannekuva.web.api.schemas import (
    CheckName,
    CheckOut,
    ErrorOut,
    MissingSourceOut,
    QualityReportOut,
    UnitFindingsOut,
    UnitMonthCount,
)

router = APIRouter()


@router.get(
    "/quality",
    response_model=QualityReportOut,
    responses={404: {"model": ErrorOut}},
    tags=["quality"],
    summary="Data-quality report",
    description="Every data-quality check's findings in the current load: totals, counts "
    "by detail, by unit and month, and by unit, plus missing optional files and the "
    "indicators they disable. A signed-in analyst gets up to `example_limit` example record "
    "ids per unit; for everyone else there are no examples and counts of 1–4 are null. "
    "404 when nothing has been loaded.",
)
def quality_report(snapshot: CurrentSnapshot, role: DataRole) -> QualityReportOut | dict[str, Any]:
    report = snapshot.quality
    if report is None:
        raise HTTPException(404, "nothing has been loaded yet")
    if role == "analyst":
        return report.to_dict()
    return public_report(report)


def public_report(report: QualityReport) -> QualityReportOut:
    """Counts only: no record ids, small counts blanked."""
    load = report.load
    return QualityReportOut(
        report=REPORT_NAME,
        format_version=FORMAT_VERSION,
        load_id=load.load_id,
        extract_id=load.extract_id,
        cutoff=load.cutoff.isoformat() if load.cutoff else None,
        cutoff_local=load.cutoff_local.isoformat() if load.cutoff_local else None,
        example_limit=0,
        totals={check_id: _shown(total) for check_id, total in report.totals.items()},
        checks=[_public_check(result) for result in report.results],
        missing_sources=[
            MissingSourceOut(table=m.table, disables=list(m.disables)) for m in report.missing
        ],
        disabled_indicators=list(disabled_indicators(list(report.missing))),
    )


def _public_check(result: CheckResult) -> CheckOut:
    check = result.check
    return CheckOut(
        id=check.id,
        severity=check.severity.value,
        name=CheckName(fi=check.name_fi, sv=check.name_sv, en=check.name_en),
        description=check.description,
        action=check.action,
        total=_shown(result.total),
        by_detail={detail: _shown(count) for detail, count in result.by_detail.items()},
        by_unit_month=[
            UnitMonthCount(unit_id=c.unit_id, month=c.month, count=_shown(c.count))
            for c in result.cells
        ],
        units=[
            UnitFindingsOut(unit_id=u.unit_id, count=_shown(u.count), examples=[])
            for u in result.units
        ],
    )


def _shown(count: int) -> int | None:
    """A count as the public may see it: 1–4 is a small cell and is blanked; 0 is shown."""
    return None if 0 < count < SMALLEST_SHOWN else count
