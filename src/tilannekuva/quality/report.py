"""The data-quality report of the current load: counts per check, unit and month, with examples.

The issue asks for "counts per unit and month, with examples (ids only)". Every finding is
counted once for its check, unit and local month; each unit gets up to ``example_limit``
example ids, earliest month first, so a unit manager can open the records and fix them. The
report names its load (load id, extract id, cutoff) so it can be traced to the data.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ibis.backends.duckdb import Backend as IbisDuckDBBackend

from tilannekuva.quality.checks import CHECKS, QualityCheck
from tilannekuva.quality.context import Finding, LoadInfo, open_view
from tilannekuva.quality.finders import FINDERS
from tilannekuva.quality.missing_sources import MissingSource, disabled_indicators, missing_sources
from tilannekuva.warehouse import ibis_connect

DEFAULT_EXAMPLE_LIMIT = 5
REPORT_NAME = "tilannekuva.quality"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Cell:
    """The count of one check for one unit and month (None: no unit / no time)."""

    unit_id: str | None
    month: str | None
    count: int


@dataclass(frozen=True)
class UnitFindings:
    """One unit's total for a check and its first example ids."""

    unit_id: str | None
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class CheckResult:
    """A check's findings in the current load."""

    check: QualityCheck
    total: int
    by_detail: dict[str, int]
    cells: tuple[Cell, ...]
    units: tuple[UnitFindings, ...]

    def to_dict(self) -> dict[str, Any]:
        check = self.check
        return {
            "id": check.id,
            "severity": check.severity.value,
            "name": {"fi": check.name_fi, "sv": check.name_sv, "en": check.name_en},
            "description": check.description,
            "action": check.action,
            "total": self.total,
            "by_detail": dict(self.by_detail),
            "by_unit_month": [
                {"unit_id": c.unit_id, "month": c.month, "count": c.count} for c in self.cells
            ],
            "units": [
                {"unit_id": u.unit_id, "count": u.count, "examples": list(u.examples)}
                for u in self.units
            ],
        }


@dataclass(frozen=True)
class QualityReport:
    """Every declared check's result for one load, plus the missing sources."""

    load: LoadInfo
    example_limit: int
    results: tuple[CheckResult, ...]
    missing: tuple[MissingSource, ...]

    def result(self, check_id: str) -> CheckResult:
        for result in self.results:
            if result.check.id == check_id:
                return result
        raise KeyError(check_id)

    @property
    def totals(self) -> dict[str, int]:
        return {r.check.id: r.total for r in self.results}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict; keys and lists in a fixed order (checks as declared)."""
        return {
            "report": REPORT_NAME,
            "format_version": FORMAT_VERSION,
            "load_id": self.load.load_id,
            "extract_id": self.load.extract_id,
            "cutoff": _iso(self.load.cutoff),
            "cutoff_local": _iso(self.load.cutoff_local),
            "example_limit": self.example_limit,
            "totals": self.totals,
            "checks": [r.to_dict() for r in self.results],
            "missing_sources": [m.to_dict() for m in self.missing],
            "disabled_indicators": list(disabled_indicators(list(self.missing))),
        }


def _iso(moment: datetime | None) -> str | None:
    """UTC cutoff as ``...Z``-less ISO text; the key name says which clock it is."""
    return moment.isoformat() if moment is not None else None


def _natural(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts ``contacts.csv:9`` before ``contacts.csv:10``."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


def _none_first(value: str | None) -> tuple[bool, str]:
    return (value is not None, value or "")


def summarise(check: QualityCheck, findings: list[Finding], example_limit: int) -> CheckResult:
    """Count findings per detail, per unit × month and per unit, and pick examples."""
    details = Counter(f.detail for f in findings if f.detail is not None)
    cells = Counter((f.unit_id, f.month) for f in findings)
    by_unit: dict[str | None, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_unit[finding.unit_id].append(finding)
    units = []
    for unit_id in sorted(by_unit, key=_none_first):
        ordered = sorted(
            by_unit[unit_id], key=lambda f: (_none_first(f.month), _natural(f.example))
        )
        examples = tuple(dict.fromkeys(f.example for f in ordered))[:example_limit]
        units.append(UnitFindings(unit_id, len(ordered), examples))
    return CheckResult(
        check=check,
        total=len(findings),
        by_detail={key: details[key] for key in sorted(details)},
        cells=tuple(
            Cell(unit, month, cells[(unit, month)])
            for unit, month in sorted(cells, key=lambda k: (_none_first(k[0]), _none_first(k[1])))
        ),
        units=tuple(units),
    )


def report_from_backend(
    con: IbisDuckDBBackend, *, example_limit: int = DEFAULT_EXAMPLE_LIMIT
) -> QualityReport:
    """Run every declared check on an open warehouse backend."""
    view = open_view(con)
    results = tuple(summarise(check, FINDERS[check.id](view), example_limit) for check in CHECKS)
    return QualityReport(
        load=view.load,
        example_limit=example_limit,
        results=results,
        missing=tuple(missing_sources(view)),
    )


def build_report(warehouse: Path, *, example_limit: int = DEFAULT_EXAMPLE_LIMIT) -> QualityReport:
    """The quality report of the warehouse's current load (read-only).

    Raises ``tilannekuva.warehouse.WarehouseMissing`` when the file does not exist and
    :class:`~tilannekuva.quality.context.NoCurrentLoad` when nothing was loaded into it.
    """
    con = ibis_connect(warehouse)
    try:
        return report_from_backend(con, example_limit=example_limit)
    finally:
        con.disconnect()
