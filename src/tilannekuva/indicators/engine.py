"""compute_indicators: every indicator of the catalogue over the warehouse's current load.

Each family module returns month × unit cells from one Ibis query; this module rolls them up
to every period and scope, turns sums into values by the catalogue's unit of measure, and
applies the two row-level rules of indicators-v1: provisional (orphan_assessments only) and
suppression (role ``public``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from pathlib import Path

from tilannekuva.indicators import (
    calls,
    care_guarantee,
    coverage,
    feedback,
    messages,
    orphans,
    qwl,
    remote_share,
    t3,
    volumes,
)
from tilannekuva.indicators.catalogue import INDICATORS_BY_ID, Indicator, Unit
from tilannekuva.indicators.context import Context, read_context
from tilannekuva.indicators.periods import (
    median_days,
    period_last_day,
    roll_up_sums,
    roll_up_values,
)
from tilannekuva.indicators.rows import Exact, IndicatorRow, MonthSum, MonthValues, Number
from tilannekuva.warehouse import ibis_connect
from tilannekuva.warehouse.schema import EXTRACT_TABLE_NAMES

ROLES = ("analyst", "public")
SMALLEST_SHOWN = 5  # counts and denominators 1–4 are suppressed in role public
PROVISIONAL_DAYS = 90  # orphan_assessments: visits may still come for 90 days


@dataclass(frozen=True)
class Family:
    """One family module: the indicators it yields and its month × unit computation."""

    indicator_ids: tuple[str, ...]
    sums: Callable[[Context], list[MonthSum]] | None = None
    values: Callable[[Context], list[MonthValues]] | None = None


FAMILIES: tuple[Family, ...] = (
    Family(("care_guarantee_7d", "care_guarantee_legal"), sums=care_guarantee.monthly),
    Family(
        ("assessment_coverage", "assessment_coverage_doctor", "assessment_coverage_dentist"),
        sums=coverage.monthly,
    ),
    Family(("orphan_assessments",), sums=orphans.monthly),
    Family(("remote_contact_share_20plus",), sums=remote_share.monthly),
    Family(
        (
            "nps",
            "nps_promoters_pct",
            "nps_detractors_pct",
            *(f"statement_mean_s{i}" for i in range(1, 8)),
        ),
        sums=feedback.responses_monthly,
    ),
    Family(("feedback_response_rate",), sums=feedback.response_rate_monthly),
    Family(("message_reply_1h",), sums=messages.monthly),
    Family(("call_same_day", "call_abandon_rate"), sums=calls.monthly),
    Family(("t3_days", "t3_days_doctor", "t3_not_measurable"), values=t3.monthly),
    Family(("qwl_index",), sums=qwl.monthly),
    Family(("contacts_total", "contacts_remote", "contacts_in_person"), sums=volumes.monthly),
)


def computable(
    indicator: Indicator, available: frozenset[str], extract_tables: Sequence[str]
) -> bool:
    """False when a table the indicator needs was a missing optional file.

    Tables that are not extract files (``contact_types``) are always there.
    """
    return all(name in available for name in indicator.requires if name in extract_tables)


def compute_indicators(warehouse: Path, *, role: str = "analyst") -> list[IndicatorRow]:
    """All indicator rows of the current load, sorted as output-v1 says."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    backend = ibis_connect(warehouse)
    try:
        ctx = read_context(backend)
        return compute_from_context(ctx, role=role)
    finally:
        backend.disconnect()


def compute_from_context(ctx: Context, *, role: str) -> list[IndicatorRow]:
    """The rows for an open context (split out so tests can reuse an open backend)."""
    sums, values = family_cells(ctx)
    return rows_from_cells(sums, values, ctx.cutoff_local_date, role=role)


def family_cells(
    ctx: Context, families: Sequence[Family] = FAMILIES
) -> tuple[list[MonthSum], list[MonthValues]]:
    """The families' month × unit cells, for the indicators the load can compute."""
    extract_tables = EXTRACT_TABLE_NAMES
    sums: list[MonthSum] = []
    values: list[MonthValues] = []
    for family in families:
        wanted = {
            ind_id
            for ind_id in family.indicator_ids
            if computable(INDICATORS_BY_ID[ind_id], ctx.available, extract_tables)
        }
        if not wanted:
            continue
        if family.sums is not None:
            sums.extend(cell for cell in family.sums(ctx) if cell.indicator_id in wanted)
        if family.values is not None:
            values.extend(cell for cell in family.values(ctx) if cell.indicator_id in wanted)
    return sums, values


def rows_from_cells(
    sums: Iterable[MonthSum],
    values: Iterable[MonthValues],
    cutoff_day: date | None,
    *,
    role: str,
) -> list[IndicatorRow]:
    """Roll cells up to every period and scope and apply provisional and suppression."""
    rows = [
        _sum_row(key, numerator, denominator, cutoff_day)
        for key, (numerator, denominator) in roll_up_sums(sums).items()
    ]
    rows += [_values_row(key, vals) for key, vals in roll_up_values(values).items() if vals]
    return apply_role(sorted(rows, key=IndicatorRow.sort_key), role)


def apply_role(rows: list[IndicatorRow], role: str) -> list[IndicatorRow]:
    """The rows a role may see: all of them for ``analyst``; for ``public``, counts and
    denominators of 1–4 blanked and flagged ``suppressed`` (indicators-v1, Suppression).

    Taking analyst rows in, the web app derives public rows without computing twice.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "analyst":
        return rows
    return [_suppressed(row) if must_suppress(row) else row for row in rows]


def must_suppress(row: IndicatorRow) -> bool:
    """A suppressible indicator whose n (denominator, or the count itself) is below 5."""
    indicator = INDICATORS_BY_ID[row.indicator_id]
    if not indicator.suppressible or row.suppressed:
        return False
    n = row.value if indicator.unit is Unit.COUNT else row.denominator
    return n is not None and n < SMALLEST_SHOWN


def _suppressed(row: IndicatorRow) -> IndicatorRow:
    return replace(row, numerator=None, denominator=None, value=None, suppressed=True)


@dataclass(frozen=True)
class IndicatorViews:
    """The output rows, and the same indicators with municipalities as the scope.

    ``by_municipality`` rows carry a municipality code where output rows carry a unit id: a
    unit's cells count towards the municipality the unit is in (``units.municipality_code``),
    so ratios and medians are computed from the municipality's own events, never averaged
    from unit values. The county rows are the same in both.
    """

    rows: list[IndicatorRow]
    by_municipality: list[IndicatorRow]


def compute_indicator_views(warehouse: Path, *, role: str = "analyst") -> IndicatorViews:
    """Output rows and municipality rows of the current load, from one pass over the data."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    backend = ibis_connect(warehouse)
    try:
        return views_from_context(read_context(backend), role=role)
    finally:
        backend.disconnect()


def views_from_context(
    ctx: Context, *, role: str, families: Sequence[Family] = FAMILIES
) -> IndicatorViews:
    """:class:`IndicatorViews` of some families over an open context.

    The live feedback indicators (``feedback/live.py``) call this with a context whose
    feedback tables include the answers of the operational store, and only the feedback
    families; the rules (roll-up, suppression, municipality scope) are the same code.
    """
    sums, values = family_cells(ctx, families)
    units = ctx.table("units").select("unit_id", "municipality_code").to_pyarrow()
    municipality_of = dict(
        zip(
            units.column("unit_id").to_pylist(),
            units.column("municipality_code").to_pylist(),
            strict=True,
        )
    )
    cutoff_day = ctx.cutoff_local_date
    return IndicatorViews(
        rows=rows_from_cells(sums, values, cutoff_day, role=role),
        by_municipality=rows_from_cells(
            (replace(cell, unit_id=municipality_of[cell.unit_id]) for cell in sums),
            (replace(cell, unit_id=municipality_of[cell.unit_id]) for cell in values),
            cutoff_day,
            role=role,
        ),
    )


def _sum_row(
    key: tuple[str, str, str],
    numerator: Exact,
    denominator: int,
    cutoff_day: date | None,
) -> IndicatorRow:
    """A row of an additive indicator; every value is the correctly rounded exact ratio.

    Integers and fractions (QWL) alike: the exact quotient is rounded to a float once, so
    the value does not depend on how the engine or the roll-up ordered its additions.
    """
    indicator_id, period, unit_id = key
    indicator = INDICATORS_BY_ID[indicator_id]
    value: Number
    shown_numerator: Number | None = (
        float(numerator) if isinstance(numerator, Fraction) else numerator
    )
    shown_denominator: Number | None = denominator
    if indicator.unit is Unit.COUNT:
        value, shown_numerator, shown_denominator = denominator, None, None
    elif isinstance(numerator, int):
        # int / int is correctly rounded in Python, like float(Fraction(...)) but faster
        scale = 100 if indicator.unit in (Unit.PERCENT, Unit.NPS) else 1
        value = (scale * numerator) / denominator
    elif indicator.unit in (Unit.PERCENT, Unit.NPS):
        value = float(Fraction(100 * numerator, denominator))
    else:
        value = float(Fraction(numerator, denominator))
    provisional = indicator_id == "orphan_assessments" and is_provisional(period, cutoff_day)
    return IndicatorRow(
        indicator_id, period, unit_id, shown_numerator, shown_denominator, value, False, provisional
    )


def _values_row(key: tuple[str, str, str], vals: list[int]) -> IndicatorRow:
    """T3 rows: a median of days, or the not-measurable count; never suppressed."""
    indicator_id, period, unit_id = key
    value: Number = len(vals) if indicator_id == "t3_not_measurable" else median_days(vals)
    return IndicatorRow(indicator_id, period, unit_id, None, None, value, False, False)


def is_provisional(period: str, cutoff_day: date | None) -> bool:
    """``cutoff local date − period's last day < 90`` days; exactly 90 is final.

    A period that ends after the cutoff (negative difference) is provisional too. Without a
    cutoff (an extract with no timestamps at all) nothing can be provisional.
    """
    if cutoff_day is None:
        return False
    return (cutoff_day - period_last_day(period)).days < PROVISIONAL_DAYS
