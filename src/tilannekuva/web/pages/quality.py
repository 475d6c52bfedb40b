"""The data-quality page: what is wrong in the current load, where, and what to do about it.

The analyst's view of ``tilannekuva.quality`` (issue 3: "see the data-quality report"): every
declared check with its severity in words, its name in the reader's language, what it means
and what to do, and its total; the units with findings, most first (or by name), each linked
to its unit page where the records to fix are listed; the rows the load rejected, by file and
reason code; and the optional files that were missing, with the indicators they leave without
rows. Counts only: record ids live on the unit pages, behind sign-in and the audit trail.
Quarantine reasons never hold person ids (``docs/warehouse.md``), but they quote source values,
so only analysts see the example reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tilannekuva.indicators.catalogue import INDICATORS_BY_ID
from tilannekuva.quality.report import CheckResult
from tilannekuva.web.pages.units import unit_href
from tilannekuva.web.quality_counts import UNIT_CHECK_IDS, UnitTotals, totals_by_unit
from tilannekuva.web.quality_words import (
    CheckTexts,
    check_texts,
    detail_words,
    reason_code_words,
    severity_words,
)
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.templating import render, request_locale, translator
from tilannekuva.web.values import indicator_name

router = APIRouter()

SortOrder = Literal["findings", "unit"]


@dataclass(frozen=True)
class CheckView:
    """One check's line of the report, in the reader's language."""

    result: CheckResult
    name: str
    severity: str
    texts: CheckTexts


@dataclass(frozen=True)
class UnitLine:
    totals: UnitTotals
    name: str
    href: str


@dataclass(frozen=True)
class MissingFile:
    table: str
    indicators: list[tuple[str, str]]  # indicator id, name


def unit_lines(snapshot: Snapshot, sort: SortOrder) -> list[UnitLine]:
    """Units with findings, most findings first, or by name when ``sort`` is ``unit``."""
    assert snapshot.quality is not None
    lines = []
    for totals in totals_by_unit(snapshot.quality):
        unit = snapshot.unit(totals.unit_id)
        lines.append(
            UnitLine(totals, unit.name if unit else totals.unit_id, unit_href(totals.unit_id))
        )
    if sort == "unit":
        lines.sort(key=lambda line: (line.name, line.totals.unit_id))
    return lines


@router.get("/quality", response_class=HTMLResponse, include_in_schema=False)
def quality_page(request: Request, sort: str = "findings") -> HTMLResponse:
    """``?sort=unit`` orders the units by name; anything else keeps most findings first."""
    order: SortOrder = "unit" if sort == "unit" else "findings"
    snapshot: Snapshot = request.app.state.snapshots.current()
    report = snapshot.quality
    locale = request_locale(request)
    _ = translator(request)
    context: dict[str, object] = {
        "report": report,
        "sort": order,
        "detail_words": lambda detail: detail_words(detail, _),
    }
    if report is not None:
        checks = [
            CheckView(
                r,
                r.check.name(locale),
                severity_words(r.check.severity, _),
                check_texts(r.check, _),
            )
            for r in report.results
        ]
        units = unit_lines(snapshot, order)
        context |= {
            "checks": checks,
            "units": units,
            "unit_columns": [
                c for c in checks if c.result.check.id in UNIT_CHECK_IDS and c.result.total
            ],
            "missing": [
                MissingFile(
                    m.table, [(i, indicator_name(INDICATORS_BY_ID[i], locale)) for i in m.disables]
                )
                for m in report.missing
            ],
            "quarantine": snapshot.quarantine,
            "reason_words": {
                q.reason_code: reason_code_words(q.reason_code, _) for q in snapshot.quarantine
            },
        }
    return render(request, "quality.html", context)
