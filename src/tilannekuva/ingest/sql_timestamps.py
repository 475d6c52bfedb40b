"""Timestamp and date columns parsed inside DuckDB, with Python for the rare spellings.

Most extract timestamps are ``YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]]`` without an offset. Those are
cast by DuckDB and turned into UTC with the EU summer-time rule Finland has followed since 1996
(summer time from the last Sunday of March 03:00 local to the last Sunday of October 04:00
local; a wall time inside the spring gap or the autumn fold falls inside that span, so it takes
the summer-time instant as extract-v1 requires). Every other value — offsets, ``Z``, compact or
week forms, years before 1996 — is parsed once per distinct text by ``timeparse`` (Python's
``fromisoformat`` and zoneinfo) and joined back. Tests pin the SQL rule to the Python one.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from tilannekuva.ingest.sql import ident, literal
from tilannekuva.ingest.timeparse import parse_date, parse_timestamp

CANONICAL_TIMESTAMP = (
    r"(199[6-9]|2[0-9]{3})-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]"
    r"(:[0-5][0-9](\.[0-9]{1,6})?)?"
)
CANONICAL_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _last_sunday(year_sql: str, month: int) -> str:
    last_day = f"make_date({year_sql}, {month}, 31)"
    return f"({last_day} - CAST(dayofweek({last_day}) AS INTEGER))"


def helsinki_wall_to_utc_sql(wall: str) -> str:
    """SQL turning a naive Helsinki wall-clock TIMESTAMP (1996 or later) into its UTC instant."""
    year = f"year({wall})"
    summer_start = f"({_last_sunday(year, 3)} + INTERVAL 3 HOUR)"
    summer_end = f"({_last_sunday(year, 10)} + INTERVAL 4 HOUR)"
    summer = f"({wall} >= {summer_start} AND {wall} < {summer_end})"
    return f"({wall} - CASE WHEN {summer} THEN INTERVAL 3 HOUR ELSE INTERVAL 2 HOUR END)"


def _rare_values(
    con: duckdb.DuckDBPyConnection, raw_table: str, column: str, canonical_sql: str
) -> list[str]:
    """Distinct non-NULL texts of ``column`` that the canonical SQL does not read."""
    cell = ident(column)
    rows = con.execute(
        f"SELECT DISTINCT {cell} FROM {raw_table} WHERE {cell} IS NOT NULL "
        f"AND {canonical_sql} IS NULL"
    ).fetchall()
    return [text for (text,) in rows]


def _store_lookup(con: duckdb.DuckDBPyConnection, lookup_name: str, table: pa.Table) -> None:
    con.register("lookup_input", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(lookup_name)} AS SELECT * FROM lookup_input")
    con.unregister("lookup_input")


def timestamp_lookup(
    con: duckdb.DuckDBPyConnection, raw_table: str, column: str, lookup_name: str
) -> bool:
    """Parse the column's non-canonical values in Python into ``lookup_name``.

    Returns False (and creates nothing) when every value is canonical.
    """
    texts = _rare_values(con, raw_table, column, canonical_timestamp_sql(ident(column))[1])
    if not texts:
        return False
    parsed = [parse_timestamp(text) for text in texts]
    table = pa.table(
        {
            "text": pa.array(texts, pa.string()),
            "utc": pa.array([p[0] if p else None for p in parsed], pa.timestamp("us")),
            "local": pa.array([p[1] if p else None for p in parsed], pa.timestamp("us")),
        }
    )
    _store_lookup(con, lookup_name, table)
    return True


def date_lookup(
    con: duckdb.DuckDBPyConnection, raw_table: str, column: str, lookup_name: str
) -> bool:
    """Like :func:`timestamp_lookup` for a date column."""
    texts = _rare_values(con, raw_table, column, canonical_date_sql(ident(column)))
    if not texts:
        return False
    days = pa.array([parse_date(text) for text in texts], pa.date32())
    _store_lookup(con, lookup_name, pa.table({"text": pa.array(texts, pa.string()), "day": days}))
    return True


def canonical_timestamp_sql(cell: str) -> tuple[str, str]:
    """(utc, local) SQL for a canonical cell; NULL for anything else."""
    pattern = literal(CANONICAL_TIMESTAMP)
    cast = f"TRY_CAST({cell} AS TIMESTAMP)"
    wall = f"(CASE WHEN regexp_full_match({cell}, {pattern}) THEN {cast} END)"
    return helsinki_wall_to_utc_sql(wall), wall


def canonical_date_sql(cell: str) -> str:
    return (
        f"(CASE WHEN regexp_full_match({cell}, {literal(CANONICAL_DATE)}) "
        f"AND left({cell}, 4) <> '0000' THEN TRY_CAST({cell} AS DATE) END)"
    )
