"""One unit's indicators: the last complete month and quarter, the target and the status.

A unit manager opens the unit page to see every indicator the unit has numbers for, not only
the scorecard's key ones (issue 3: "a unit page with all of that unit's indicators"). The
rows are the snapshot's own output rows for the viewer's role, so the page shows exactly the
numbers of ``tilannekuva indicators`` (and suppression stays on the server).

"Complete" is the scorecard's rule (``indicators.scorecard``): a period counts once its last
day is before the local date of the load's cutoff, because a period still running at the
cutoff only grows. The month and the quarter are the latest complete ones among the unit's
own rows, so a unit that stopped recording shows its last real period, and the page heads
each column with the period it shows. The status judges the quarter against the target in
force for it, as the scorecard does for the county.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tilannekuva.indicators.catalogue import INDICATORS, Indicator, Target
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.indicators.scorecard import (
    Status,
    complete_months,
    judge,
    latest_complete,
    target_in_force,
)
from tilannekuva.web.snapshot import Snapshot


@dataclass(frozen=True)
class UnitIndicatorLine:
    """One indicator of one unit: its rows for the shown month and quarter, target, status."""

    indicator: Indicator
    month: IndicatorRow | None
    quarter: IndicatorRow | None
    target: Target | None
    status: Status

    @property
    def status_hidden(self) -> bool:
        """The quarter's value is suppressed, so its status cannot be told either."""
        return self.quarter is not None and self.quarter.suppressed and self.target is not None


@dataclass(frozen=True)
class UnitIndicators:
    """The periods shown on a unit page and one line per indicator with rows for the unit."""

    month: str | None
    quarter: str | None
    lines: tuple[UnitIndicatorLine, ...]


def cutoff_day(snapshot: Snapshot) -> date | None:
    """The local date of the current load's cutoff (None before any load)."""
    load = snapshot.load
    return load.cutoff_local.date() if load is not None and load.cutoff_local else None


def unit_rows(snapshot: Snapshot, unit_id: str, role: str) -> dict[str, dict[str, IndicatorRow]]:
    """``{indicator_id: {period: row}}`` of one unit, for the viewer's role, catalogue order."""
    of_unit = snapshot.unit_rows(unit_id, role=role)
    return {
        indicator.id: {row.period: row for row in of_unit[indicator.id]}
        for indicator in INDICATORS
        if of_unit.get(indicator.id)
    }


def unit_indicators(snapshot: Snapshot, unit_id: str, role: str) -> UnitIndicators:
    """Every indicator that has at least one row for the unit, in catalogue order."""
    by_indicator = unit_rows(snapshot, unit_id, role)
    periods = sorted({period for rows in by_indicator.values() for period in rows})
    day = cutoff_day(snapshot)
    months = complete_months(periods, day)
    month = months[-1] if months else None
    quarter = latest_complete(periods, day, quarter=True)
    lines = []
    for indicator in INDICATORS:
        rows = by_indicator.get(indicator.id)
        if rows is None:
            continue
        quarter_row = rows.get(quarter) if quarter else None
        target = target_in_force(indicator, quarter)
        lines.append(
            UnitIndicatorLine(
                indicator=indicator,
                month=rows.get(month) if month else None,
                quarter=quarter_row,
                target=target,
                status=judge(indicator, target, quarter_row),
            )
        )
    return UnitIndicators(month, quarter, tuple(lines))
