"""indicators_for_extract: load an extract and compute its indicators in one call.

The command line (output-v1) and the web API use this, so both give the same numbers. The
quarantine rows of the load are read here, while the warehouse (maybe a temporary one) still
exists, because the command writes them beside its output.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tilannekuva.indicators.engine import ROLES, compute_indicators
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.ingest import DEFAULT_MEMORY_LIMIT, LoadResult, load_extract
from tilannekuva.warehouse import connect


@dataclass(frozen=True)
class QuarantinedRow:
    """One rejected row of the load (``quarantine.csv``: file, line, column, reason)."""

    file: str
    line: int | None
    column: str | None
    reason: str


@dataclass
class IndicatorRun:
    """The rows computed from one extract, the load they came from and what it rejected."""

    rows: list[IndicatorRow]
    load: LoadResult
    quarantine: list[QuarantinedRow] = field(default_factory=list)


def read_quarantine(warehouse: Path) -> list[QuarantinedRow]:
    """The current load's quarantine table, in file and line order."""
    con = connect(warehouse, read_only=True)
    try:
        records = con.execute(
            'SELECT file, line, "column", reason FROM quarantine ORDER BY file, line, "column"'
        ).fetchall()
    finally:
        con.close()
    return [
        QuarantinedRow(str(file), None if line is None else int(line), column, str(reason))
        for file, line, column, reason in records
    ]


def indicators_for_extract(
    extract_dir: Path,
    *,
    role: str = "analyst",
    warehouse: Path | None = None,
    pseudonym_key: str | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> IndicatorRun:
    """Load ``extract_dir`` (into ``warehouse`` or a temporary file) and compute every row.

    ``pseudonym_key`` and ``memory_limit`` are passed to ``load_extract``.

    Raises :class:`tilannekuva.ingest.ExtractUnreadable` when the extract cannot be read and
    ``ValueError`` for an unknown role (before anything is loaded).
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")

    def run(target: Path) -> IndicatorRun:
        load = load_extract(
            extract_dir, target, pseudonym_key=pseudonym_key, memory_limit=memory_limit
        )
        rows = compute_indicators(target, role=role)
        return IndicatorRun(rows=rows, load=load, quarantine=read_quarantine(target))

    if warehouse is not None:
        return run(warehouse)
    with tempfile.TemporaryDirectory(prefix="tilannekuva-") as scratch:
        return run(Path(scratch) / "warehouse.duckdb")
