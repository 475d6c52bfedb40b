"""A hand-made snapshot small enough to check the explorer by hand.

Three units in two municipalities, one indicator (``care_guarantee_7d``) and a load whose
cutoff is 2 July 2025 (local): June and 2025-Q2 are complete, July and 2025-Q3 are not.

| period  | county  | U1 (205) | U2 (765) | U3 (205)         |
| ------- | ------- | -------- | -------- | ---------------- |
| 2025-Q2 | 89/100  | 39/50    | 48/48    | 2/2 (suppressed) |
| 2025-Q3 | 10/12   | 10/12    |          |                  |
| 2025-05 | 45/50   | 20/25    | 25/25    |                  |
| 2025-06 | 45/50   | 20/25    | 23/23    | 2/2 (suppressed) |
| 2025-07 | 10/12   | 10/12    |          |                  |
| 2025    | 99/112  | 49/62    | 48/48    | 2/2 (suppressed) |

Public rows follow from the analyst rows by the engine's own rule (``apply_role``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tilannekuva.indicators.engine import apply_role
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.web.snapshot import LoadRecord, Snapshot, SnapshotStore, UnitInfo

INDICATOR = "care_guarantee_7d"
LOAD = LoadRecord(
    load_id="L-tiny",
    extract_id="X-tiny",
    source="hand-made",
    cutoff=datetime(2025, 7, 2, 3, 0),
    cutoff_local=datetime(2025, 7, 2, 6, 0),
    loaded_at=datetime(2025, 7, 2, 7, 0),
    rows_loaded=10,
    rows_quarantined=0,
    duplicates_dropped=0,
    is_current=True,
)
UNITS = (
    UnitInfo("U1", "Alpha terveysasema", "205", "reception", None),
    UnitInfo("U2", "Beta terveysasema", "765", "reception", None),
    UnitInfo("U3", "Gamma terveysasema", "205", "reception", None),
)

# (period, scope code, numerator, denominator)
UNIT_CELLS = [
    ("2025", "", 99, 112),
    ("2025", "U1", 49, 62),
    ("2025", "U2", 48, 48),
    ("2025", "U3", 2, 2),
    ("2025-05", "", 45, 50),
    ("2025-05", "U1", 20, 25),
    ("2025-05", "U2", 25, 25),
    ("2025-06", "", 45, 50),
    ("2025-06", "U1", 20, 25),
    ("2025-06", "U2", 23, 23),
    ("2025-06", "U3", 2, 2),
    ("2025-07", "", 10, 12),
    ("2025-07", "U1", 10, 12),
    ("2025-Q2", "", 89, 100),
    ("2025-Q2", "U1", 39, 50),
    ("2025-Q2", "U2", 48, 48),
    ("2025-Q2", "U3", 2, 2),
    ("2025-Q3", "", 10, 12),
    ("2025-Q3", "U1", 10, 12),
]
MUNICIPALITY_CELLS = [
    ("2025-Q2", "", 89, 100),
    ("2025-Q2", "205", 41, 52),
    ("2025-Q2", "765", 48, 48),
    ("2025-Q3", "", 10, 12),
    ("2025-Q3", "205", 10, 12),
]


def _rows(cells: list[tuple[str, str, int, int]]) -> list[IndicatorRow]:
    return [
        IndicatorRow(INDICATOR, period, code, num, den, 100 * num / den, False, False)
        for period, code, num, den in sorted(cells)
    ]


def tiny_snapshot(*, with_rows: bool = True) -> Snapshot:
    """The snapshot of the table above; ``with_rows=False`` gives a load without rows of the
    indicator (an optional extract file was missing)."""
    rows: dict[tuple[str, str], dict[str, list[IndicatorRow]]] = {}
    for role in ("analyst", "public"):
        unit_rows = apply_role(_rows(UNIT_CELLS), role) if with_rows else []
        muni_rows = apply_role(_rows(MUNICIPALITY_CELLS), role) if with_rows else []
        rows[(role, "unit")] = {INDICATOR: unit_rows} if with_rows else {}
        rows[(role, "municipality")] = {INDICATOR: muni_rows} if with_rows else {}
    return Snapshot(LOAD, (LOAD,), UNITS, (), None, datetime(2025, 7, 2, tzinfo=UTC), rows)


class FixedSnapshots(SnapshotStore):
    """A store that always hands out one given snapshot (no warehouse behind it)."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__(Path("/nonexistent/tiny.duckdb"))
        self._fixed = snapshot

    def current(self) -> Snapshot:
        return self._fixed

    def refresh_now(self) -> Snapshot:
        return self._fixed
