"""The query behind the indicator explorer: which rows a filter selects, in which order.

The explorer page and its downloads read the same query string through
:meth:`ExploreQuery.from_params` and select rows with :func:`explore`, so the CSV, Excel and
Parquet files hold exactly the rows on screen (issue 3: "download exactly what is on screen").
Rows come from the snapshot for the viewer's data role, so suppression is decided once, on the
server, before anything is selected.

A filter is lenient: a value that does not fit (an unknown unit, a ``from`` period of another
kind, a misspelt scope) is left out and the default used, because a filter form submitted after
switching the period kind would otherwise fail for a reason the reader cannot see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from tilannekuva.indicators.catalogue import INDICATORS_BY_ID, Direction, Indicator, Target
from tilannekuva.indicators.periods import COUNTY, period_last_day
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.indicators.scorecard import target_in_force
from tilannekuva.model.municipalities import municipality_name
from tilannekuva.web.snapshot import Snapshot

PeriodKind = Literal["month", "quarter", "year"]
ScopeKind = Literal["county", "unit", "municipality"]
PERIOD_KINDS: tuple[PeriodKind, ...] = get_args(PeriodKind)
SCOPES: tuple[ScopeKind, ...] = get_args(ScopeKind)
DEFAULT_PERIOD_KIND: PeriodKind = "month"
DEFAULT_SCOPE: ScopeKind = "county"
# How far back the default time range reaches from its last period.
DEFAULT_SPAN: dict[PeriodKind, int] = {"month": 12, "quarter": 8, "year": 10}
# Lines on one chart: the county and at most seven units or municipalities (the palette has
# eight colours, markers and dash patterns).
MAX_SERIES = 8
SELECTION_PARAM: dict[ScopeKind, str] = {"unit": "unit", "municipality": "municipality"}


def period_kind(period: str) -> PeriodKind:
    """``2025`` is a year, ``2025-Q1`` a quarter, ``2025-03`` a month."""
    if len(period) == 4:
        return "year"
    return "quarter" if period[5] == "Q" else "month"


@dataclass(frozen=True)
class ExploreQuery:
    """What the reader asked to see; ``selected`` holds unit ids or municipality codes."""

    indicator_id: str
    period_kind: PeriodKind = DEFAULT_PERIOD_KIND
    scope: ScopeKind = DEFAULT_SCOPE
    selected: tuple[str, ...] = ()
    period_from: str | None = None
    period_to: str | None = None

    @classmethod
    def from_params(cls, indicator_id: str, items: Iterable[tuple[str, str]]) -> ExploreQuery:
        """Parse a query string given as its (key, value) pairs (``multi_items()``); values
        that do not parse are dropped here, values that name nothing in the load are dropped
        by :func:`explore`."""
        pairs = list(items)
        single = dict(reversed(pairs))  # the first of repeated keys wins
        kind = next((k for k in PERIOD_KINDS if k == single.get("period")), DEFAULT_PERIOD_KIND)
        scope = next((s for s in SCOPES if s == single.get("scope")), DEFAULT_SCOPE)
        param = SELECTION_PARAM.get(scope)
        selected = tuple(dict.fromkeys(v for k, v in pairs if k == param and v))
        return cls(
            indicator_id=indicator_id,
            period_kind=kind,
            scope=scope,
            selected=selected,
            period_from=single.get("from") or None,
            period_to=single.get("to") or None,
        )

    def to_params(self) -> list[tuple[str, str]]:
        """The query string of this query, as (key, value) pairs (for download links)."""
        params: list[tuple[str, str]] = [("period", self.period_kind), ("scope", self.scope)]
        if self.scope in SELECTION_PARAM:
            params += [(SELECTION_PARAM[self.scope], code) for code in self.selected]
        if self.period_from:
            params.append(("from", self.period_from))
        if self.period_to:
            params.append(("to", self.period_to))
        return params


@dataclass(frozen=True)
class ExploreRow:
    """One table row: an output row with the display name of its scope."""

    row: IndicatorRow
    scope_name: str

    @property
    def is_county(self) -> bool:
        return self.row.unit_id == COUNTY


@dataclass(frozen=True)
class Exploration:
    """The answer to one query: the table's rows and what the form and charts need."""

    query: ExploreQuery  # as applied: unknown selections dropped, periods resolved
    indicator: Indicator
    rows: list[ExploreRow]  # period order; county first, then by name
    periods: list[str]  # every period of the kind that has a county row, in order
    complete: frozenset[str]  # those whose last day is before the cutoff's local date
    in_view: list[str]  # the periods inside the range, in order

    @property
    def latest(self) -> str | None:
        """The latest period in view: the bar chart and the summary are about it."""
        return self.in_view[-1] if self.in_view else None

    @property
    def target(self) -> Target | None:
        """The target in force for the latest period in view (scorecard rule)."""
        return target_in_force(self.indicator, self.latest) if self.latest else None

    def county_row(self, period: str) -> IndicatorRow | None:
        return next((r.row for r in self.rows_for(period) if r.is_county), None)

    @property
    def has_rows(self) -> bool:
        return bool(self.periods)

    def series_codes(self) -> list[str]:
        """The county and then the selected scopes, up to :data:`MAX_SERIES` lines."""
        return [COUNTY, *self.query.selected][:MAX_SERIES]

    def rows_for(self, period: str) -> list[ExploreRow]:
        return [r for r in self.rows if r.row.period == period]

    def comparison(self) -> list[ExploreRow]:
        """Units or municipalities of the latest period, furthest from good first.

        Higher-is-better indicators put the lowest value first, lower-is-better ones the
        highest, neutral counts the largest; a suppressed or missing value goes last.
        """
        if self.latest is None or self.query.scope == "county":
            return []
        lower_first = self.indicator.direction is Direction.HIGHER_BETTER
        rows = [r for r in self.rows_for(self.latest) if not r.is_county]
        valued = [r for r in rows if r.row.value is not None]
        sign = 1 if lower_first else -1
        valued.sort(key=lambda r: sign * float(r.row.value or 0))
        return valued + [r for r in rows if r.row.value is None]


def scope_names(snapshot: Snapshot, scope: ScopeKind, locale: str) -> dict[str, str]:
    """Display names of the scope's codes: unit names, or municipality names by locale."""
    if scope == "unit":
        return {unit.unit_id: unit.name for unit in snapshot.units}
    if scope == "municipality":
        return {code: municipality_name(code, locale) for code in snapshot.municipality_codes()}
    return {}


def cutoff_day(snapshot: Snapshot) -> date | None:
    """The local date of the load's cutoff: periods ending before it are complete."""
    load = snapshot.load
    return load.cutoff_local.date() if load is not None and load.cutoff_local else None


def choices(
    snapshot: Snapshot, indicator_id: str, scope: ScopeKind, *, role: str, locale: str
) -> list[tuple[str, str]]:
    """(code, name) of the units or municipalities that have rows of the indicator, by name:
    the ones worth offering for comparison."""
    if scope == "county":
        return []
    names = scope_names(snapshot, scope, locale)
    codes = {row.unit_id for row in snapshot.rows(indicator_id, role=role, scope=scope)}
    codes.discard(COUNTY)
    return sorted(((code, names.get(code, code)) for code in codes), key=lambda c: (c[1], c[0]))


def explore(
    snapshot: Snapshot, query: ExploreQuery, *, role: str, locale: str, county_name: str
) -> Exploration:
    """Select the rows of ``query`` from the snapshot, as ``role`` may see them."""
    indicator = INDICATORS_BY_ID[query.indicator_id]
    source_scope = "municipality" if query.scope == "municipality" else "unit"
    all_rows = [
        row
        for row in snapshot.rows(query.indicator_id, role=role, scope=source_scope)
        if period_kind(row.period) == query.period_kind
    ]
    names = scope_names(snapshot, query.scope, locale)
    periods = sorted({row.period for row in all_rows if row.unit_id == COUNTY})
    cutoff = cutoff_day(snapshot)
    complete = frozenset(p for p in periods if cutoff is None or period_last_day(p) < cutoff)
    present = {row.unit_id for row in all_rows if row.unit_id != COUNTY}
    selected = tuple(code for code in query.selected if code in present)
    period_from, period_to = _range(periods, complete, query)
    in_view = [p for p in periods if period_from <= p <= period_to] if periods else []
    shown = {COUNTY} if query.scope == "county" else {COUNTY, *(selected or present)}
    rows = [
        ExploreRow(
            row, county_name if row.unit_id == COUNTY else names.get(row.unit_id, row.unit_id)
        )
        for row in all_rows
        if row.period in in_view and row.unit_id in shown
    ]
    rows.sort(key=lambda r: (r.row.period, not r.is_county, r.scope_name, r.row.unit_id))
    applied = ExploreQuery(
        query.indicator_id,
        query.period_kind,
        query.scope,
        selected,
        period_from or None,
        period_to or None,
    )
    return Exploration(applied, indicator, rows, periods, complete, in_view)


def _range(
    periods: Sequence[str], complete: frozenset[str], query: ExploreQuery
) -> tuple[str, str]:
    """The periods ``from``…``to`` that apply: the reader's when they name periods of the
    load, else the latest complete period and the span before it (``""`` with no periods)."""
    if not periods:
        return "", ""
    done = [p for p in periods if p in complete]
    default_to = done[-1] if done else periods[-1]
    period_to = query.period_to if query.period_to in periods else default_to
    assert period_to is not None
    if query.period_from in periods:
        period_from = query.period_from
    else:
        earlier = [p for p in periods if p <= period_to]
        period_from = earlier[-DEFAULT_SPAN[query.period_kind] :][0]
    assert period_from is not None
    return (period_from, period_to) if period_from <= period_to else (period_to, period_from)
