"""Loading an extract into the warehouse: atomic, idempotent, recorded.

One load reads every file of the extract, stages and checks it inside one DuckDB transaction,
and then replaces the warehouse's current tables; any failure rolls the whole load back, so the
warehouse holds either the previous load or the new one, never a mix. Loading an extract whose
checksum equals the current load's changes nothing. Every load gets a row in ``loads`` (extract
id, cutoff, checksum, counts, time) so any computed number can name the load it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from tilannekuva.ingest.discover import ExtractMeta, extract_checksum, find_table_files, read_meta
from tilannekuva.ingest.errors import ExtractUnreadable
from tilannekuva.ingest.foreign_keys import check_foreign_keys
from tilannekuva.ingest.pseudonyms import warehouse_key
from tilannekuva.ingest.sql import ident, literal
from tilannekuva.ingest.stage import StagedFile, create_empty_stage, create_scratch, stage_file
from tilannekuva.ingest.timeparse import HELSINKI
from tilannekuva.model.contact_types import CodeTableError, ContactType, contact_types_for_extract
from tilannekuva.model.extract_schema import TABLES, Kind
from tilannekuva.warehouse.schema import BOOKKEEPING_DDL
from tilannekuva.warehouse.store import connect

Progress = Callable[[str], None]
DEFAULT_MEMORY_LIMIT = "4GB"


@dataclass
class LoadResult:
    """What a load did; ``already_loaded`` means the extract was the current load already."""

    load_id: str
    extract_id: str
    checksum: str
    cutoff: datetime | None
    cutoff_local: datetime | None
    already_loaded: bool
    rows_loaded: dict[str, int] = field(default_factory=dict)
    rows_quarantined: int = 0
    duplicates_dropped: int = 0


def ensure_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    for name, ddl in BOOKKEEPING_DDL.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({ddl})")


def load_extract(
    extract_dir: Path,
    warehouse: Path,
    *,
    progress: Progress | None = None,
    pseudonym_key: str | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> LoadResult:
    """Load ``extract_dir`` into the warehouse file; raises :class:`ExtractUnreadable`.

    ``pseudonym_key`` re-keys person ids (``pseudonyms``); without it the warehouse's own key
    is used. ``memory_limit`` caps DuckDB's memory (it spills to ``<warehouse>.tmp`` beyond),
    so a national extract loads on a laptop.
    """
    say = progress or (lambda _message: None)
    files = find_table_files(extract_dir)
    meta = read_meta(extract_dir)
    try:
        codes = contact_types_for_extract(extract_dir)
    except (CodeTableError, UnicodeDecodeError) as error:
        raise ExtractUnreadable(f"codes/contact_types.csv: {error}") from None
    checksum = extract_checksum(extract_dir, files)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = connect(warehouse)
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"SET memory_limit = {literal(memory_limit)}")
        ensure_bookkeeping(con)
        current = con.execute(
            "SELECT load_id, extract_id, cutoff, cutoff_local, rows_quarantined, "
            "duplicates_dropped FROM loads WHERE is_current AND checksum = ?",
            [checksum],
        ).fetchone()
        if current is not None:
            say("extract already loaded; nothing changed")
            return _already_loaded(con, current, checksum)
        con.execute("BEGIN TRANSACTION")
        try:
            key = warehouse_key(con, pseudonym_key)
            result = _load(con, files, meta, codes, checksum, key, say)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return result
    finally:
        con.close()


def _already_loaded(
    con: duckdb.DuckDBPyConnection, row: tuple[object, ...], checksum: str
) -> LoadResult:
    counts = {spec.name: _count(con, f"SELECT count(*) FROM {ident(spec.name)}") for spec in TABLES}
    load_id, extract_id, cutoff, cutoff_local, quarantined, duplicates = row
    return LoadResult(
        load_id=str(load_id),
        extract_id=str(extract_id),
        checksum=checksum,
        cutoff=cutoff if isinstance(cutoff, datetime) else None,
        cutoff_local=cutoff_local if isinstance(cutoff_local, datetime) else None,
        already_loaded=True,
        rows_loaded=counts,
        rows_quarantined=int(quarantined),  # type: ignore[call-overload]
        duplicates_dropped=int(duplicates),  # type: ignore[call-overload]
    )


def _load(
    con: duckdb.DuckDBPyConnection,
    files: dict[str, Path],
    meta: ExtractMeta,
    codes: dict[str, ContactType],
    checksum: str,
    key: str,
    say: Progress,
) -> LoadResult:
    create_scratch(con)
    staged: dict[str, StagedFile] = {}
    code_set = frozenset(codes)
    for spec in TABLES:
        path = files.get(spec.name)
        if path is None:
            create_empty_stage(con, spec)
            continue
        say(f"reading {path.name}")
        staged[spec.name] = stage_file(con, spec, path, code_set, key)
    say("checking references between files")
    check_foreign_keys(con, {name: s.file_name for name, s in staged.items()})
    cutoff, cutoff_from = _cutoff(con, meta)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    load_id = f"{loaded_at:%Y%m%dT%H%M%S}-{checksum[:10]}"
    extract_id = meta.extract_id or f"sha256:{checksum[:12]}"
    say("writing the warehouse tables")
    rows_loaded = _write_bookkeeping(con, codes)
    quarantined = _count(con, "SELECT count(*) FROM q_rejects")
    duplicates = sum(s.duplicates_dropped for s in staged.values())
    _write_sources(con, files, staged, rows_loaded)
    con.execute("UPDATE loads SET is_current = FALSE")
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE)",
        [
            load_id,
            extract_id,
            meta.source,
            cutoff[0] if cutoff else None,
            cutoff[1] if cutoff else None,
            cutoff_from,
            checksum,
            loaded_at,
            sum(rows_loaded.values()),
            quarantined,
            duplicates,
        ],
    )
    return LoadResult(
        load_id=load_id,
        extract_id=extract_id,
        checksum=checksum,
        cutoff=cutoff[0] if cutoff else None,
        cutoff_local=cutoff[1] if cutoff else None,
        already_loaded=False,
        rows_loaded=rows_loaded,
        rows_quarantined=quarantined,
        duplicates_dropped=duplicates,
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _cutoff(
    con: duckdb.DuckDBPyConnection, meta: ExtractMeta
) -> tuple[tuple[datetime, datetime] | None, str | None]:
    """``extract.json``'s cutoff, else the latest instant in any timestamp of any loaded row."""
    if meta.cutoff is not None:
        return meta.cutoff, "extract.json"
    parts = [
        f"SELECT max({ident(column.name)}) AS m FROM {ident(spec.name)}"
        for spec in TABLES
        for column in spec.columns
        if column.kind is Kind.TIMESTAMP
    ]
    row = con.execute(f"SELECT max(m) FROM ({' UNION ALL '.join(parts)})").fetchone()
    if not row or row[0] is None:
        return None, None
    utc: datetime = row[0]
    local = utc.replace(tzinfo=UTC).astimezone(HELSINKI).replace(tzinfo=None)
    return (utc, local), "data"


def _write_bookkeeping(
    con: duckdb.DuckDBPyConnection, codes: dict[str, ContactType]
) -> dict[str, int]:
    """Row counts of the (already written) extract tables; bookkeeping tables replaced."""
    rows: dict[str, int] = {}
    for spec in TABLES:
        rows[spec.name] = _count(con, f"SELECT count(*) FROM {ident(spec.name)}")
    for name, ddl in BOOKKEEPING_DDL.items():
        if name not in ("loads", "sources", "extra_columns"):
            con.execute(f"CREATE OR REPLACE TABLE {name} ({ddl})")
    con.execute("INSERT INTO quarantine SELECT * FROM q_rejects ORDER BY file, line")
    con.execute("INSERT INTO duplicate_rows SELECT * FROM q_dups ORDER BY file, line")
    con.execute("INSERT INTO extra_cells SELECT * FROM q_extra_cells ORDER BY file, line")
    con.executemany(
        "INSERT INTO contact_types VALUES (?, ?, ?, ?, ?, ?)",
        [
            [c.code, c.label_fi, c.channel, c.remote, c.customer_contact, c.is_visit]
            for c in codes.values()
        ],
    )
    return rows


def _write_sources(
    con: duckdb.DuckDBPyConnection,
    files: dict[str, Path],
    staged: dict[str, StagedFile],
    rows_loaded: dict[str, int],
) -> None:
    con.execute("DELETE FROM sources")
    con.execute("DELETE FROM extra_columns")
    for spec in TABLES:
        found = staged.get(spec.name)
        if found is None:
            con.execute("INSERT INTO sources VALUES (?, NULL, FALSE, 0, 0, 0, 0)", [spec.name])
            continue
        quarantined = _count(
            con, "SELECT count(*) FROM q_rejects WHERE file = ?", [found.file_name]
        )
        con.execute(
            "INSERT INTO sources VALUES (?, ?, TRUE, ?, ?, ?, ?)",
            [
                spec.name,
                files[spec.name].name,
                found.rows_read,
                rows_loaded[spec.name],
                quarantined,
                found.duplicates_dropped,
            ],
        )
        for column, non_null in found.extra_columns:
            con.execute(
                "INSERT INTO extra_columns VALUES (?, ?, ?)", [found.file_name, column, non_null]
            )
