"""Every record id behind a unit's data-quality findings, for signed-in staff to fix them.

The snapshot's quality report keeps only a few example ids per unit (``DEFAULT_EXAMPLE_LIMIT``),
but a unit manager who fixes the records in the patient record system needs all of them.

Why a read of the warehouse at request time, against the rule that pages never query it:
the ids are person-level detail shown only to signed-in staff, one unit and check at a time,
and every view is written to the audit trail. Putting every id of every check into the
snapshot would keep hundreds of thousands of ids in memory for a view that few people open,
and would hand them to every page and API route that reads the snapshot. Instead, the first
request for a check runs that check's own finder (``quality.finders.FINDERS``: the same
definition the report and the indicators use) on a read-only connection, groups the ids by
unit in the report's order (``quality.report.summarise``) and keeps the result for the load
in a small cache, so the page and its CSV download agree and the second look is instant.

The read names its load: when the warehouse has moved on to a newer load than the snapshot
shows (or a load is writing it right now), :class:`RecordIdsUnavailable` says so instead of
mixing ids of one load with counts of another.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import ibis

from tilannekuva.quality.checks import CHECKS_BY_ID
from tilannekuva.quality.context import Finding, NoCurrentLoad, open_view
from tilannekuva.quality.finders import FINDERS
from tilannekuva.quality.report import summarise
from tilannekuva.warehouse import WarehouseBusy, WarehouseMissing, connect

CACHED_CHECKS = 8
"""Checks kept in memory (about one load's unit-level checks); older ones are read again."""

LOCK_WAIT_SECONDS = 2.0
"""How long a page waits for a load that holds the warehouse before saying "try again"."""

CSV_COLUMNS = ("unit_id", "check_id", "record_id", "month", "detail")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class RecordIdsUnavailable(RuntimeError):
    """The ids cannot be read now: a load is running, or the shown load is no longer current."""


@dataclass(frozen=True)
class RecordId:
    """One record to fix: its id, the local month it is counted in and the check's detail."""

    record_id: str
    month: str | None
    detail: str | None


def unit_record_ids(
    warehouse: Path, load_id: str, check_id: str, unit_id: str
) -> tuple[RecordId, ...]:
    """All distinct record ids of one check for one unit in load ``load_id``, earliest first."""
    if check_id not in FINDERS:
        raise KeyError(check_id)
    return _ids_by_unit(warehouse, load_id, check_id).get(unit_id, ())


@lru_cache(maxsize=CACHED_CHECKS)
def _ids_by_unit(
    warehouse: Path, load_id: str, check_id: str
) -> dict[str | None, tuple[RecordId, ...]]:
    """Run one check on the warehouse and group its ids by unit (cached per load and check)."""
    try:
        con = ibis.duckdb.from_connection(
            connect(warehouse, read_only=True, wait_seconds=LOCK_WAIT_SECONDS)
        )
    except (WarehouseMissing, WarehouseBusy, duckdb.Error) as error:
        raise RecordIdsUnavailable(str(error)) from error
    try:
        view = open_view(con)
        if view.load.load_id != load_id:
            raise RecordIdsUnavailable(f"the current load is {view.load.load_id}, not {load_id}")
        findings = FINDERS[check_id](view)
    except (NoCurrentLoad, duckdb.Error) as error:
        raise RecordIdsUnavailable(str(error)) from error
    finally:
        con.disconnect()
    return _group(check_id, findings)


def _group(check_id: str, findings: list[Finding]) -> dict[str | None, tuple[RecordId, ...]]:
    """The report's per-unit order of distinct ids, each with its earliest finding's month."""
    first: dict[tuple[str | None, str], Finding] = {}
    for finding in findings:
        key = (finding.unit_id, finding.example)
        seen = first.get(key)
        if seen is None or (finding.month or "") < (seen.month or ""):
            first[key] = finding
    ordered = summarise(CHECKS_BY_ID[check_id], findings, example_limit=sys.maxsize)
    return {
        unit.unit_id: tuple(
            RecordId(
                example, first[(unit.unit_id, example)].month, first[(unit.unit_id, example)].detail
            )
            for example in unit.examples
        )
        for unit in ordered.units
    }


def _cell(text: str | None) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection advice)."""
    if text is None:
        return ""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def ids_csv(unit_id: str, check_id: str, ids: Iterable[RecordId]) -> str:
    """The download: one line per record id, with the unit, the check, its month and detail."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in ids:
        writer.writerow(
            [
                _cell(unit_id),
                check_id,
                _cell(record.record_id),
                record.month or "",
                _cell(record.detail),
            ]
        )
    return out.getvalue()
