"""Checks read from the load's own bookkeeping: what it rejected, dropped or set aside.

Rejected rows are not in the warehouse, so these findings have no unit and no month; their
examples are ``file:line`` (the physical line, header = 1, extract-v1 Clarifications), which
is enough to find the row in the source file without repeating its content.
"""

from __future__ import annotations

from dataclasses import dataclass

from tilannekuva.model.extract_schema import TABLES_BY_NAME, Kind
from tilannekuva.quality.context import Finding, WarehouseView

UNKNOWN_CODE = "unknown_code"
INVALID = "invalid"
DUPLICATE_KEY = "duplicate_key"
CODED_KINDS = (Kind.ENUM, Kind.CODE)


def _where(file: str, line: int) -> str:
    return f"{file}:{line}"


@dataclass(frozen=True)
class Rejected:
    """One row of ``quarantine`` (the reason text is not needed: it may quote cell values)."""

    file: str
    line: int
    column: str | None
    reason_code: str

    @property
    def where(self) -> str:
        return _where(self.file, self.line)


def _quarantine(view: WarehouseView) -> list[Rejected]:
    quarantine = view.con.table("quarantine").select("file", "line", "column", "reason_code")
    return [Rejected(**row) for row in quarantine.to_pyarrow().to_pylist()]


def quarantined_rows(view: WarehouseView) -> list[Finding]:
    """Every quarantined row; the detail is its reason code."""
    return [Finding(None, None, row.where, row.reason_code) for row in _quarantine(view)]


def duplicate_keys(view: WarehouseView) -> list[Finding]:
    """Identical copies dropped (``duplicate_rows``) and conflicting copies rejected."""
    dropped = view.con.table("duplicate_rows").select("file", "line").to_pyarrow().to_pylist()
    findings = [
        Finding(None, None, _where(row["file"], row["line"]), "identical_dropped")
        for row in dropped
    ]
    findings.extend(
        Finding(None, None, row.where, "conflicting_rejected")
        for row in _quarantine(view)
        if row.reason_code == DUPLICATE_KEY
    )
    return findings


def _is_coded(view: WarehouseView, file: str, column: str | None) -> bool:
    """Whether ``column`` of ``file`` is an enum or code column of extract-v1."""
    tables = {name: table for table, name in view.file_names.items()}
    table = TABLES_BY_NAME.get(tables.get(file, ""))
    if table is None or column is None or column not in table.column_names:
        return False
    return table.column(column).kind in CODED_KINDS


def unknown_codes(view: WarehouseView) -> list[Finding]:
    """Rows rejected for an unknown contact-type code or a value outside an enum's list."""
    findings: list[Finding] = []
    for row in _quarantine(view):
        coded = row.reason_code == INVALID and _is_coded(view, row.file, row.column)
        if row.reason_code == UNKNOWN_CODE or coded:
            findings.append(Finding(None, None, row.where, f"{row.file}: {row.column}"))
    return findings


def extra_columns(view: WarehouseView) -> list[Finding]:
    """One finding per unknown column of a file; the detail is the file."""
    extras = view.con.table("extra_columns").select("file", "column").to_pyarrow().to_pylist()
    return [Finding(None, None, f"{row['file']}[{row['column']}]", row["file"]) for row in extras]
