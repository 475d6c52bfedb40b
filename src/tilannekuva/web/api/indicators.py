"""``/api/v1/indicators``: the catalogue, and one indicator's values with filters.

The values are the snapshot's output-v1 rows for the caller's role, so they are the rows
``tilannekuva indicators`` writes for the same load (output-v1: "identical numbers" from the
CLI and over HTTP); filters only pick rows, they never recompute one. Every row of every
indicator at once is in :mod:`tilannekuva.web.api.exports`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query

from tilannekuva.indicators.catalogue import INDICATORS, INDICATORS_BY_ID, Indicator
from tilannekuva.indicators.periods import period_last_day
from tilannekuva.quality.missing_sources import disabled_indicators
from tilannekuva.web.api.context import CurrentSnapshot, DataRole
from tilannekuva.web.api.schemas import (
    ErrorOut,
    IndicatorDefinition,
    IndicatorValue,
    IndicatorValues,
    LoadProvenance,
    Scope,
    TargetOut,
)
from tilannekuva.web.snapshot import Snapshot

router = APIRouter()

TAG = "indicators"
PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"
PeriodKind = Literal["month", "quarter", "year"]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut}}


@router.get(
    "/indicators",
    response_model=list[IndicatorDefinition],
    tags=[TAG],
    summary="The indicator catalogue",
    description="Every indicator of indicators-v1: names in Finnish, Swedish and English, "
    "definition, numerator, denominator, unit, direction, targets with deadlines, source, "
    "definition version, and whether the current load can compute it.",
)
def list_indicators(snapshot: CurrentSnapshot) -> list[IndicatorDefinition]:
    disabled = _disabled(snapshot)
    return [_definition(indicator, disabled) for indicator in INDICATORS]


@router.get(
    "/indicators/{indicator_id}",
    response_model=IndicatorDefinition,
    responses=NOT_FOUND,
    tags=[TAG],
    summary="One indicator's definition",
    description="The catalogue entry of one indicator; 404 for an unknown id.",
)
def get_indicator(indicator_id: str, snapshot: CurrentSnapshot) -> IndicatorDefinition:
    return _definition(_indicator(indicator_id), _disabled(snapshot))


@router.get(
    "/indicators/{indicator_id}/values",
    response_model=IndicatorValues,
    responses=NOT_FOUND,
    tags=[TAG],
    summary="One indicator's values",
    description="Rows of one indicator for the caller's role (public: small cells "
    "suppressed; a signed-in analyst: nothing suppressed), with the load and definition "
    "version they come from. Filters: the kind of period, units (repeat `unit`; an empty "
    "value is the whole county), the scope (units, or municipalities with their codes in "
    "`unit_id`) and a period range: a row is kept when its period lies within `from`…`to`.",
)
def indicator_values(
    indicator_id: str,
    snapshot: CurrentSnapshot,
    role: DataRole,
    period: Annotated[
        PeriodKind | None, Query(description="Only months, quarters or years.")
    ] = None,
    unit: Annotated[
        list[str] | None,
        Query(
            description="Unit ids (scope unit) or municipality codes (scope municipality); "
            "repeatable; an empty value selects the county row."
        ),
    ] = None,
    scope: Annotated[
        Scope, Query(description="`unit`: rows by unit; `municipality`: by municipality.")
    ] = "unit",
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            pattern=PERIOD_PATTERN,
            description="First period, as `2025`, `2025-Q1` or `2025-03` (inclusive).",
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(
            pattern=PERIOD_PATTERN,
            description="Last period, as `2025`, `2025-Q4` or `2025-12` (inclusive).",
        ),
    ] = None,
) -> IndicatorValues:
    indicator = _indicator(indicator_id)
    if unit:
        _check_units(snapshot, unit, scope)
    if from_ and to and _first_day(from_) > period_last_day(to):
        raise HTTPException(422, f"from ({from_}) is after to ({to})")
    rows = [
        row
        for row in snapshot.rows(indicator.id, role=role, scope=scope)
        if (period is None or _period_kind(row.period) == period)
        and (not unit or row.unit_id in unit)
        and (from_ is None or _first_day(row.period) >= _first_day(from_))
        and (to is None or period_last_day(row.period) <= period_last_day(to))
    ]
    return IndicatorValues(
        indicator_id=indicator.id,
        definition_version=indicator.version,
        role=role,
        scope=scope,
        load=_provenance(snapshot),
        rows=[IndicatorValue(**vars(row)) for row in rows],
    )


def _indicator(indicator_id: str) -> Indicator:
    indicator = INDICATORS_BY_ID.get(indicator_id)
    if indicator is None:
        raise HTTPException(404, f"unknown indicator {indicator_id!r}")
    return indicator


def _disabled(snapshot: Snapshot) -> frozenset[str]:
    """Indicators the current load cannot compute; every one when nothing is loaded."""
    if snapshot.load is None or snapshot.quality is None:
        return frozenset(INDICATORS_BY_ID)
    return frozenset(disabled_indicators(list(snapshot.quality.missing)))


def _definition(indicator: Indicator, disabled: frozenset[str]) -> IndicatorDefinition:
    return IndicatorDefinition(
        id=indicator.id,
        name_fi=indicator.name_fi,
        name_sv=indicator.name_sv,
        name_en=indicator.name_en,
        definition=indicator.definition,
        numerator=indicator.numerator,
        denominator=indicator.denominator,
        unit=indicator.unit.value,
        direction=indicator.direction.value,
        anchor=indicator.anchor,
        source=indicator.source,
        requires=list(indicator.requires),
        targets=[
            TargetOut(value=t.value, deadline=t.deadline, note=t.note) for t in indicator.targets
        ],
        suppressible=indicator.suppressible,
        version=indicator.version,
        computable=indicator.id not in disabled,
    )


def _check_units(snapshot: Snapshot, wanted: list[str], scope: Scope) -> None:
    """404 for a unit id or municipality code the current load does not know (a typo)."""
    known = (
        {u.unit_id for u in snapshot.units}
        if scope == "unit"
        else set(snapshot.municipality_codes())
    )
    unknown = sorted(set(wanted) - known - {""})
    if unknown:
        raise HTTPException(404, f"unknown {scope} {', '.join(unknown)}")


def _period_kind(period: str) -> PeriodKind:
    if len(period) == 4:
        return "year"
    return "quarter" if period[5] == "Q" else "month"


def _first_day(period: str) -> date:
    """First calendar day of a period label (``period_last_day``'s counterpart)."""
    year = int(period[:4])
    kind = _period_kind(period)
    if kind == "year":
        return date(year, 1, 1)
    month = (int(period[6]) - 1) * 3 + 1 if kind == "quarter" else int(period[5:7])
    return date(year, month, 1)


def _provenance(snapshot: Snapshot) -> LoadProvenance | None:
    load = snapshot.load
    if load is None:
        return None
    return LoadProvenance(
        load_id=load.load_id,
        extract_id=load.extract_id,
        cutoff=load.cutoff,
        cutoff_local=load.cutoff_local,
    )
