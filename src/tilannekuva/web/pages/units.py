"""Unit pages: the list of units, one unit's indicators and data-quality findings, id downloads.

A unit manager opens their unit to see all of its indicators (last complete month and
quarter, target, status in words) and the recording faults to fix (issue 3: "a unit page
with all of that unit's indicators and its data-quality findings ... with ids to fix in the
patient record system"). Numbers follow the viewer's data role. Record ids are shown only to
signed-in staff, and every page or download that shows them is written to the audit trail
before it is sent (product brief: person-level views leave an audit trail). Such responses
are never cached by the browser or a proxy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.model.municipalities import municipality_name
from tilannekuva.web.audit import record_view, record_views
from tilannekuva.web.i18n import Formatter
from tilannekuva.web.page_cache import rendered_once
from tilannekuva.web.quality_counts import UNIT_CHECK_IDS, UnitCheck, finding_months, unit_checks
from tilannekuva.web.quality_ids import (
    RecordId,
    RecordIdsUnavailable,
    ids_csv,
    unit_record_ids,
)
from tilannekuva.web.quality_words import check_texts, detail_words, severity_words
from tilannekuva.web.service_areas import service_area_name, service_area_order
from tilannekuva.web.snapshot import Snapshot, UnitInfo
from tilannekuva.web.templating import render, request_locale, request_viewer, translator
from tilannekuva.web.unit_summary import UnitIndicatorLine, unit_indicators
from tilannekuva.web.values import (
    STATUS_CLASSES,
    format_target,
    format_value,
    indicator_name,
    status_words,
)

router = APIRouter()

IDS_SHOWN = 100
"""Record ids listed on the page per check; the CSV download holds all of them."""

NO_STORE = {"Cache-Control": "no-store, private"}
VIEW_ACTION = "view_quality_ids"
DOWNLOAD_ACTION = "download_quality_ids"


def unit_href(unit_id: str) -> str:
    return "/units/" + quote(unit_id, safe="")


def _current(request: Request) -> Snapshot:
    snapshot: Snapshot = request.app.state.snapshots.current()
    return snapshot


def _unit_or_404(snapshot: Snapshot, unit_id: str) -> UnitInfo:
    unit = snapshot.unit(unit_id)
    if unit is None:
        raise HTTPException(status_code=404, detail="unknown unit")
    return unit


@dataclass(frozen=True)
class ServiceAreaGroup:
    name: str
    units: list[UnitInfo]


@dataclass(frozen=True)
class MunicipalityGroup:
    code: str
    name: str
    areas: list[ServiceAreaGroup]


def group_units(units: tuple[UnitInfo, ...], locale: str) -> list[MunicipalityGroup]:
    """Municipalities by name, service areas in extract-v1 order, units by name."""
    grouped: dict[str, dict[str, list[UnitInfo]]] = defaultdict(lambda: defaultdict(list))
    for unit in units:
        grouped[unit.municipality_code][unit.service_area].append(unit)
    groups = [
        MunicipalityGroup(
            code=code,
            name=municipality_name(code, locale),
            areas=[
                ServiceAreaGroup(
                    service_area_name(area, locale),
                    sorted(areas[area], key=lambda u: (u.name, u.unit_id)),
                )
                for area in sorted(areas, key=service_area_order)
            ],
        )
        for code, areas in grouped.items()
    ]
    return sorted(groups, key=lambda g: (g.name, g.code))


@router.get("/units", response_class=HTMLResponse, include_in_schema=False)
def units_page(request: Request) -> HTMLResponse:
    snapshot = _current(request)
    groups = group_units(snapshot.units, request_locale(request))
    return render(request, "units.html", {"groups": groups, "unit_href": unit_href})


@dataclass(frozen=True)
class PeriodCell:
    """One value cell: the formatted value (or the word for a hidden one), n and flags."""

    text: str | None  # None: no row for the period
    n: str
    suppressed: bool
    provisional: bool


@dataclass(frozen=True)
class IndicatorLineView:
    indicator_id: str
    name: str
    href: str
    month: PeriodCell
    quarter: PeriodCell
    target: str
    status: str
    status_class: str


def _cell(fmt: Formatter, line: UnitIndicatorLine, row: IndicatorRow | None, _: Any) -> PeriodCell:
    if row is None:
        return PeriodCell(None, "–", False, False)
    n = fmt.number(row.denominator, 0) if row.denominator is not None else "–"
    text = (
        _("suppressed (fewer than 5)")
        if row.suppressed
        else format_value(fmt, line.indicator.unit, row.value, _)
    )
    return PeriodCell(text, n, row.suppressed, row.provisional)


def indicator_views(
    lines: tuple[UnitIndicatorLine, ...], unit_id: str, fmt: Formatter, locale: str, _: Any
) -> list[IndicatorLineView]:
    """The unit's indicator table, every text already in the reader's language."""
    views = []
    for line in lines:
        indicator = line.indicator
        status = (
            _("suppressed (fewer than 5)") if line.status_hidden else status_words(line.status, _)
        )
        views.append(
            IndicatorLineView(
                indicator_id=indicator.id,
                name=indicator_name(indicator, locale),
                href=f"/indicators/{indicator.id}?scope=unit&unit={quote(unit_id, safe='')}",
                month=_cell(fmt, line, line.month, _),
                quarter=_cell(fmt, line, line.quarter, _),
                target=format_target(fmt, indicator, line.target, _),
                status=status,
                status_class="status--none" if line.status_hidden else STATUS_CLASSES[line.status],
            )
        )
    return views


@dataclass(frozen=True)
class ShownIds:
    """The record ids of one check listed on the page (None: they cannot be read right now)."""

    ids: tuple[RecordId, ...] | None
    total: int
    csv_href: str


def _shown_ids(
    request: Request, snapshot: Snapshot, unit_id: str, checks: list[UnitCheck]
) -> dict[str, ShownIds]:
    """Ids of every check with findings for the unit, each listing audited before it is sent."""
    shown: dict[str, ShownIds] = {}
    details: list[str] = []
    if snapshot.load is None:
        return shown
    for check in checks:
        if not check.count:
            continue
        check_id = check.check.id
        href = f"{unit_href(unit_id)}/quality/{check_id}.csv"
        try:
            ids = unit_record_ids(
                request.app.state.config.warehouse, snapshot.load.load_id, check_id, unit_id
            )
        except RecordIdsUnavailable:
            shown[check_id] = ShownIds(None, 0, href)
            continue
        listed = ids[:IDS_SHOWN]
        details.append(
            f"{check_id}: {len(listed)} of {len(ids)}: " + " ".join(r.record_id for r in listed)
        )
        shown[check_id] = ShownIds(listed, len(ids), href)
    if details:  # one transaction for the page; written before any id leaves the server
        record_views(request, action=VIEW_ACTION, subject=unit_id, details=details)
    return shown


@router.get("/units/{unit_id}", response_class=HTMLResponse, include_in_schema=False)
def unit_page(request: Request, unit_id: str) -> HTMLResponse:
    snapshot = _current(request)
    unit = _unit_or_404(snapshot, unit_id)
    viewer = request_viewer(request)
    checks = unit_checks(snapshot.quality, unit_id) if snapshot.quality is not None else []
    ids = _shown_ids(request, snapshot, unit_id, checks) if viewer.can_see_record_ids else {}
    if not viewer.can_see_record_ids:
        return _unit_page(request, snapshot, unit, checks, ids)
    # the ids were audited above, on this request; only the rendering may be reused
    complete = all(shown.ids is not None for shown in ids.values())  # else "try again"
    response = rendered_once(
        request, lambda: _unit_page(request, snapshot, unit, checks, ids), keep=complete
    )
    response.headers.update(NO_STORE)
    return response


def _unit_page(
    request: Request,
    snapshot: Snapshot,
    unit: UnitInfo,
    checks: list[UnitCheck],
    ids: dict[str, ShownIds],
) -> HTMLResponse:
    viewer = request_viewer(request)
    locale = request_locale(request)
    fmt = Formatter(locale)
    _ = translator(request)
    unit_id = unit.unit_id
    summary = unit_indicators(snapshot, unit_id, viewer.data_role)
    context = {
        "unit": unit,
        "unit_href": unit_href,
        "municipality": municipality_name(unit.municipality_code, locale),
        "service_area": service_area_name(unit.service_area, locale),
        "parent": snapshot.unit(unit.parent_id) if unit.parent_id else None,
        "children": sorted(
            (u for u in snapshot.units if u.parent_id == unit_id), key=lambda u: (u.name, u.unit_id)
        ),
        "month": summary.month,
        "quarter": summary.quarter,
        "lines": indicator_views(summary.lines, unit_id, fmt, locale, _),
        "checks": checks,
        "check_names": {c.check.id: c.check.name(locale) for c in checks},
        "severities": {c.check.id: severity_words(c.check.severity, _) for c in checks},
        "check_texts": {c.check.id: check_texts(c.check, _) for c in checks},
        "months": finding_months([c for c in checks if c.count]),
        "ids": ids,
        "detail_words": lambda detail: detail_words(detail, _),
    }
    return render(request, "unit.html", context)


@router.get("/units/{unit_id}/quality/{check_id}.csv", include_in_schema=False)
def unit_quality_ids_csv(request: Request, unit_id: str, check_id: str) -> Response:
    """All record ids of one check for one unit, for signed-in staff; audited."""
    snapshot = _current(request)
    _unit_or_404(snapshot, unit_id)
    if check_id not in UNIT_CHECK_IDS or snapshot.load is None:
        raise HTTPException(status_code=404, detail="unknown check")
    if not request_viewer(request).can_see_record_ids:
        raise HTTPException(status_code=403, detail="record ids are shown to signed-in staff")
    try:
        ids = unit_record_ids(
            request.app.state.config.warehouse, snapshot.load.load_id, check_id, unit_id
        )
    except RecordIdsUnavailable as error:
        raise HTTPException(
            status_code=503,
            detail="the data is being reloaded; try again",
            headers={"Retry-After": "10"},
        ) from error
    record_view(
        request,
        action=DOWNLOAD_ACTION,
        subject=unit_id,
        detail=f"{check_id}: {len(ids)} ids (CSV): " + " ".join(r.record_id for r in ids),
    )
    filename = f"{_safe_name(unit_id)}-{check_id}.csv"
    return Response(
        ids_csv(unit_id, check_id, ids),
        media_type="text/csv; charset=utf-8",
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _safe_name(text: str) -> str:
    """A file-name part with only letters, digits, ``-`` and ``_`` (unit ids are free text)."""
    return "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "-_" else "_" for ch in text)
