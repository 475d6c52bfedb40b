"""What every indicator family needs: the warehouse tables, the cutoff, and shared expressions.

The shared expressions live here once so that "local date", "age at an event" and "group by
local month and unit" mean the same thing in every family (indicators-v1, "Common terms").
Local dates come from the warehouse's ``<x>_local`` wall-clock columns (docs/warehouse.md), so
no time-zone function of any engine is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

from tilannekuva.indicators.rows import MonthSum


@dataclass(frozen=True)
class Measure:
    """Integer numerator and denominator expressions of one indicator (summed per cell)."""

    numerator: ir.IntegerValue
    denominator: ir.IntegerValue


@dataclass
class Context:
    """The open warehouse and the facts of its current load that indicators depend on."""

    backend: Backend
    cutoff: datetime | None  # UTC instant, naive
    cutoff_local: datetime | None  # Europe/Helsinki wall clock, naive
    available: frozenset[str]  # extract tables whose file was present in the current load

    def table(self, name: str) -> ir.Table:
        return self.backend.table(name)

    @property
    def cutoff_local_date(self) -> date | None:
        return self.cutoff_local.date() if self.cutoff_local else None


def read_context(backend: Backend) -> Context:
    """Read the current load's cutoff and the available sources (``loads``, ``sources``)."""
    loads = backend.table("loads")
    current = loads.filter(loads.is_current).select("cutoff", "cutoff_local").to_pyarrow()
    cutoff = cutoff_local = None
    if current.num_rows:
        row = current.to_pylist()[0]
        cutoff, cutoff_local = row["cutoff"], row["cutoff_local"]
    sources = backend.table("sources")
    names = sources.filter(sources.available).select("table_name").to_pyarrow()
    available = frozenset(str(name) for name in names.column("table_name").to_pylist())
    return Context(backend, cutoff, cutoff_local, available)


def local_date(local_timestamp: ir.TimestampValue) -> ir.DateValue:
    """The local calendar date of a timestamp, from its ``_local`` wall-clock column."""
    return local_timestamp.cast("date")


def age_at(birth_date: ir.DateValue, on: ir.DateValue) -> ir.IntegerValue:
    """Completed years from ``birth_date`` to ``on`` (indicators-v1, "age at an event").

    Decision: the birthday is reached when (month, day) of ``on`` is not before (month, day)
    of the birth date. For a 29 February birth date in a common year, 28 February is still
    before it and 1 March is not, so the birthday falls on 1 March as the spec requires.
    """
    before_birthday = (on.month() * 100 + on.day()) < (birth_date.month() * 100 + birth_date.day())
    return on.year() - birth_date.year() - before_birthday.ifelse(1, 0)


def flag(condition: ir.BooleanValue) -> ir.IntegerValue:
    """1 when the condition holds, else 0 (a NULL condition counts as false)."""
    return condition.fill_null(False).ifelse(1, 0)


def monthly_sums(
    events: ir.Table, anchor: ir.DateValue, unit: ir.StringValue, measures: Mapping[str, Measure]
) -> list[MonthSum]:
    """Sum each measure per local month of ``anchor`` and per unit, one grouped query.

    Cells whose denominator is 0 are dropped: a row exists only when at least one event
    enters its denominator (indicators-v1, "Which rows exist"), and denominators never go
    negative, so a period has a row exactly when one of its months has a cell.
    """
    columns: dict[str, ir.Value] = {"_year": anchor.year(), "_month": anchor.month(), "_unit": unit}
    for indicator_id, measure in measures.items():
        columns[f"{indicator_id}__n"] = measure.numerator
        columns[f"{indicator_id}__d"] = measure.denominator
    keyed = events.select(**columns)
    aggregates = {name: keyed[name].sum() for name in columns if name.endswith(("__n", "__d"))}
    grouped = keyed.group_by(["_year", "_month", "_unit"]).aggregate(**aggregates)
    cells: list[MonthSum] = []
    for row in grouped.to_pyarrow().to_pylist():
        for indicator_id in measures:
            denominator = row[f"{indicator_id}__d"] or 0
            if denominator <= 0:
                continue
            numerator = int(row[f"{indicator_id}__n"] or 0)
            cells.append(
                MonthSum(
                    indicator_id,
                    int(row["_year"]),
                    int(row["_month"]),
                    str(row["_unit"]),
                    numerator,
                    int(denominator),
                )
            )
    return cells
