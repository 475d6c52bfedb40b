"""What every check reads: the current load of the warehouse, and the shape of a finding.

The report always describes one load (``loads`` where ``is_current``), so its numbers can be
traced to the extract they came from (product brief, "Definitions are data").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import ibis
from ibis.backends.duckdb import Backend as IbisDuckDBBackend
from ibis.common.exceptions import TableNotFound


class NoCurrentLoad(LookupError):
    """The warehouse file exists but no extract has been loaded into it."""


@dataclass(frozen=True)
class LoadInfo:
    """The current load: its ids and cutoff (UTC and Europe/Helsinki, both naive)."""

    load_id: str
    extract_id: str
    cutoff: datetime | None
    cutoff_local: datetime | None


@dataclass(frozen=True)
class WarehouseView:
    """The warehouse as the checks see it.

    ``file_names`` maps each available extract table to the file it was read from
    (``contacts.csv`` or ``contacts.parquet``), so examples can name file and line;
    ``available`` says, per extract table, whether its file was present (``sources``).
    """

    con: IbisDuckDBBackend
    load: LoadInfo
    file_names: dict[str, str]
    available: dict[str, bool]

    def file_name(self, table: str) -> str:
        return self.file_names.get(table, f"{table}.csv")


@dataclass(frozen=True)
class Finding:
    """One occurrence of a fault: where it is counted and the id that points at it.

    ``unit_id`` and ``month`` (``YYYY-MM``, local) are None when the finding has no unit or
    time (a rejected row is not in the warehouse). ``detail`` sub-divides a check (a reason
    code, a file and column); ``example`` is an id only, never a person id or free text.
    """

    unit_id: str | None
    month: str | None
    example: str
    detail: str | None = None


def read_load(con: IbisDuckDBBackend) -> LoadInfo:
    """The current load's row of ``loads``; raises :class:`NoCurrentLoad` when there is none."""
    try:
        loads = con.table("loads")
    except TableNotFound:
        raise NoCurrentLoad("the warehouse holds no load yet; load an extract first") from None
    rows = (
        loads.filter(loads.is_current)
        .select("load_id", "extract_id", "cutoff", "cutoff_local")
        .to_pyarrow()
        .to_pylist()
    )
    if not rows:
        raise NoCurrentLoad("the warehouse holds no current load; load an extract first")
    row = rows[0]
    return LoadInfo(
        load_id=str(row["load_id"]),
        extract_id=str(row["extract_id"]),
        cutoff=row["cutoff"],
        cutoff_local=row["cutoff_local"],
    )


def open_view(con: IbisDuckDBBackend) -> WarehouseView:
    """Read the current load's bookkeeping once for all checks."""
    load = read_load(con)
    sources = con.table("sources").select("table_name", "file_name", "available")
    file_names: dict[str, str] = {}
    available: dict[str, bool] = {}
    for row in sources.to_pyarrow().to_pylist():
        available[row["table_name"]] = bool(row["available"])
        if row["file_name"] is not None:
            file_names[row["table_name"]] = row["file_name"]
    return WarehouseView(con=con, load=load, file_names=file_names, available=available)


def local_month(ts_local: ibis.Value) -> ibis.Value:
    """``YYYY-MM`` of a ``<column>_local`` wall-clock timestamp (the Helsinki month)."""
    return ts_local.strftime("%Y-%m")


def collect(expr: ibis.Table) -> list[Finding]:
    """Run an expression with columns ``unit_id, month, example`` (and optional ``detail``)."""
    has_detail = "detail" in expr.columns
    return [
        Finding(
            unit_id=row["unit_id"],
            month=row["month"],
            example=str(row["example"]),
            detail=row["detail"] if has_detail else None,
        )
        for row in expr.to_pyarrow().to_pylist()
    ]
