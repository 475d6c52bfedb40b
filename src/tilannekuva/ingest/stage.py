"""Staging one extract file: raw text → deduplicated → checked → typed staging table.

Order follows extract-v1 Clarifications: duplicate detection runs first (on the raw text of
the whole row), then the per-cell checks. Rejected rows are written to the temporary
``q_rejects`` table, dropped identical duplicates to ``q_dups``; survivors go to ``<table>``
with their warehouse types. Foreign keys are checked afterwards across tables
(``foreign_keys``), because they need every referenced table's survivors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from tilannekuva.ingest.pseudonyms import create_pseudonym_map
from tilannekuva.ingest.reader import LINE, RawFile, read_raw
from tilannekuva.ingest.row_checks import (
    date_column,
    first_failure_sql,
    local_column,
    ok_column,
    typed_value_sql,
    utc_column,
)
from tilannekuva.ingest.sql import ident, literal
from tilannekuva.ingest.sql_timestamps import (
    canonical_date_sql,
    canonical_timestamp_sql,
    date_lookup,
    helsinki_wall_to_utc_sql,
    timestamp_lookup,
)
from tilannekuva.model.extract_schema import Kind, Table
from tilannekuva.warehouse.schema import warehouse_columns

SCRATCH_DDL = {
    "q_rejects": 'file VARCHAR, line BIGINT, "column" VARCHAR, reason VARCHAR, reason_code VARCHAR',
    "q_dups": "file VARCHAR, line BIGINT, key VARCHAR, kept_line BIGINT",
    "q_extra_cells": 'file VARCHAR, line BIGINT, "column" VARCHAR, value VARCHAR',
}


@dataclass
class StagedFile:
    """What staging one file found, for the ``sources`` table and the load summary."""

    table: str
    file_name: str
    rows_read: int
    duplicates_dropped: int
    extra_columns: list[tuple[str, int]]


def create_scratch(con: duckdb.DuckDBPyConnection) -> None:
    for name, ddl in SCRATCH_DDL.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({ddl})")


def create_empty_stage(con: duckdb.DuckDBPyConnection, spec: Table) -> None:
    """A missing optional file still gets an (empty) warehouse table of the right shape."""
    columns = ", ".join(f"{ident(n)} {t}" for n, t in warehouse_columns(spec))
    con.execute(f"CREATE OR REPLACE TABLE {ident(spec.name)} ({columns})")
    if spec.primary_key:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {ident('keys_' + spec.name)} (k VARCHAR)")


def _parse_times_sql(
    con: duckdb.DuckDBPyConnection, spec: Table, source: str, header: list[str]
) -> str:
    """SQL selecting ``source`` plus the parsed companions of its timestamp and date columns.

    The inner query casts each canonical cell once (``__wall_n``) and joins the Python-parsed
    lookups of the other spellings; the outer query derives instant, wall clock and ok-flag.
    """
    inner: list[str] = ["r.*"]
    joins: list[str] = []
    outer: list[str] = []
    helpers: list[str] = []
    for position, column in enumerate(spec.columns):
        if column.name not in header or column.kind not in (Kind.TIMESTAMP, Kind.DATE):
            continue
        cell = f"r.{ident(column.name)}"
        lookup, wall, found = f"lk_{position}", f"__wall_{position}", f"__found_{position}"
        helpers.append(wall)
        if column.kind is Kind.TIMESTAMP:
            inner.append(f"{canonical_timestamp_sql(cell)[1]} AS {wall}")
            utc, local = helsinki_wall_to_utc_sql(wall), wall
            if timestamp_lookup(con, source, column.name, lookup):
                joins.append(f"LEFT JOIN {lookup} ON {lookup}.text = {cell}")
                inner += [f"{lookup}.utc AS {found}_utc", f"{lookup}.local AS {found}_local"]
                helpers += [f"{found}_utc", f"{found}_local"]
                utc = f"COALESCE({found}_utc, {utc})"
                local = f"COALESCE({found}_local, {local})"
            outer += [
                f"{utc} AS {ident(utc_column(column.name))}",
                f"{local} AS {ident(local_column(column.name))}",
                f"{local} IS NOT NULL AS {ident(ok_column(column.name))}",
            ]
        else:
            inner.append(f"{canonical_date_sql(cell)} AS {wall}")
            day = wall
            if date_lookup(con, source, column.name, lookup):
                joins.append(f"LEFT JOIN {lookup} ON {lookup}.text = {cell}")
                inner.append(f"{lookup}.day AS {found}_day")
                helpers.append(f"{found}_day")
                day = f"COALESCE({found}_day, {wall})"
            outer += [
                f"{day} AS {ident(date_column(column.name))}",
                f"{day} IS NOT NULL AS {ident(ok_column(column.name))}",
            ]
    query = f"SELECT {', '.join(inner)} FROM {source} r {' '.join(joins)}"
    if not helpers:
        return query
    return f"SELECT * EXCLUDE ({', '.join(helpers)}), {', '.join(outer)} FROM ({query})"


def stage_file(
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    path: Path,
    codes: frozenset[str],
    pseudonym_key: str,
) -> StagedFile:
    """Stage one file into the warehouse table of the same name; returns what was found.

    Raises :class:`ExtractUnreadable` when the file cannot be read. Duplicates are found in
    the raw text (``text_``), which is then parsed and checked in one pass (``chk_``) and
    written typed and pseudonymised to the table; each copy is dropped once the next exists,
    so at most two are held at once. All of it runs inside the load's transaction.
    """
    raw = read_raw(con, path, "text_" + spec.name)
    file_name = raw.path.name
    text_name = ident(raw.table)
    for line, reason in raw.malformed:
        con.execute(
            "INSERT INTO q_rejects VALUES (?, ?, NULL, ?, 'malformed_row')",
            [file_name, line, reason],
        )
    if spec.primary_key:
        # Every key the file named, survivors or not: a reference to a rejected row is told
        # apart from a reference to nothing (extract-v1 Clarifications, foreign keys).
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {ident('keys_' + spec.name)} AS SELECT DISTINCT "
            f"{ident(spec.primary_key)} AS k FROM {text_name} "
            f"WHERE {ident(spec.primary_key)} IS NOT NULL"
            if spec.primary_key in raw.header
            else f"CREATE OR REPLACE TEMP TABLE {ident('keys_' + spec.name)} (k VARCHAR)"
        )
    if spec.primary_key and spec.column(spec.primary_key).person_id:
        create_pseudonym_map(con, ident("keys_" + spec.name), pseudonym_key)
    has_key = spec.primary_key is not None and spec.primary_key in raw.header
    duplicates, skipped = _find_duplicates(con, spec, raw, text_name) if has_key else (0, False)
    present = set(raw.header)
    extras = _keep_extra_columns(con, spec, raw, text_name)
    failure = first_failure_sql(spec, present, codes)
    source = text_name
    if skipped:
        source = f"(SELECT * FROM {text_name} WHERE {LINE} NOT IN (SELECT line FROM dup_skip))"
    parsed = _parse_times_sql(con, spec, source, raw.header)
    checked = ident("chk_" + spec.name)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {checked} AS "
        f"SELECT *, {failure.index} AS __fail FROM ({parsed})"
    )
    raw.release(con)
    con.execute(
        f"INSERT INTO q_rejects SELECT {literal(file_name)}, {LINE}, {failure.column}, "
        f"{failure.reason}, {failure.code} FROM {checked} WHERE __fail IS NOT NULL"
    )
    selects: list[str] = []
    joins: list[str] = []
    for column in spec.columns:
        if column.person_id and column.name in present:
            # Pseudonymised on the way in (``pseudonyms``); an id that is not in persons at
            # all keeps a marked value only until its foreign-key check rejects the row.
            alias = f"pm{len(joins)}"
            joins.append(
                f"LEFT JOIN pseudonym_map {alias} ON {alias}.source_id = c.{ident(column.name)}"
            )
            selects.append(
                f"COALESCE({alias}.pseudonym, 'unmapped:' || c.{ident(column.name)}) "
                f"AS {ident(column.name)}"
            )
            continue
        selects += [
            f"{expr} AS {ident(name)}"
            for expr, name in typed_value_sql(column, column.name in present)
        ]
    con.execute(
        f"CREATE OR REPLACE TABLE {ident(spec.name)} AS SELECT "
        f"{', '.join(selects)}, c.{LINE} FROM {checked} c {' '.join(joins)} "
        "WHERE c.__fail IS NULL"
    )
    con.execute(f"DROP TABLE {checked}")
    return StagedFile(
        table=spec.name,
        file_name=file_name,
        rows_read=raw.rows + len(raw.malformed),
        duplicates_dropped=duplicates,
        extra_columns=extras,
    )


def _find_duplicates(
    con: duckdb.DuckDBPyConnection, spec: Table, raw: RawFile, raw_name: str
) -> tuple[int, bool]:
    """Identical repeats of a key keep the first row; differing repeats reject every copy.

    "Whole row identical" compares the raw text of every column of the file, unknown extra
    columns included. Rows with an empty key are left to the required-value check. The
    lines to leave out are put in ``dup_skip``; returns (identical copies dropped, whether
    any line is to be left out).
    """
    assert spec.primary_key is not None
    key = ident(spec.primary_key)
    whole_row = "struct_pack(" + ", ".join(f"{ident(c)} := {ident(c)}" for c in raw.header) + ")"
    file_name = literal(raw.path.name)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dup_keys AS
        WITH repeated AS (
            SELECT {key} AS k FROM {raw_name} WHERE {key} IS NOT NULL
            GROUP BY {key} HAVING count(*) > 1)
        SELECT {key} AS k, count(*) AS copies, count(DISTINCT {whole_row}) AS variants,
               min({LINE}) AS kept_line,
               string_agg(CAST({LINE} AS VARCHAR), ', ' ORDER BY {LINE}) AS lines
        FROM {raw_name} WHERE {key} IN (SELECT k FROM repeated) GROUP BY {key}"""
    )
    con.execute(
        f"""INSERT INTO q_dups SELECT {file_name}, r.{LINE}, d.k, d.kept_line
        FROM {raw_name} r JOIN dup_keys d ON r.{key} = d.k
        WHERE d.variants = 1 AND r.{LINE} <> d.kept_line"""
    )
    con.execute(
        f"""INSERT INTO q_rejects SELECT {file_name}, r.{LINE}, {literal(spec.primary_key)},
        {literal(spec.primary_key)} || ' ' || {shown_key("d.k", spec)}
            || ' repeats with different content (lines ' || d.lines || ')', 'duplicate_key'
        FROM {raw_name} r JOIN dup_keys d ON r.{key} = d.k WHERE d.variants > 1"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dup_skip AS SELECT r.{LINE} AS line
        FROM {raw_name} r JOIN dup_keys d ON r.{key} = d.k
        WHERE d.variants > 1 OR r.{LINE} <> d.kept_line"""
    )
    removed = con.execute(
        "SELECT coalesce(sum(copies - 1) FILTER (WHERE variants = 1), 0), count(*) FROM dup_keys"
    ).fetchone()
    con.execute("DROP TABLE dup_keys")
    return (int(removed[0]), int(removed[1]) > 0) if removed else (0, False)


def shown_key(value_sql: str, spec: Table) -> str:
    """Key values are shown in reasons, except person pseudonyms (privacy by design)."""
    assert spec.primary_key is not None
    if spec.column(spec.primary_key).person_id:
        return "'(value withheld)'"
    return f"'''' || left({value_sql}, 60) || ''''"


def _keep_extra_columns(
    con: duckdb.DuckDBPyConnection, spec: Table, raw: RawFile, raw_name: str
) -> list[tuple[str, int]]:
    """Unknown columns are kept aside (``extra_cells``) and reported, never an error."""
    known = set(spec.column_names)
    extras: list[tuple[str, int]] = []
    for name in raw.header:
        if name in known:
            continue
        con.execute(
            f"INSERT INTO q_extra_cells SELECT {literal(raw.path.name)}, {LINE}, {literal(name)}, "
            f"{ident(name)} FROM {raw_name} WHERE {ident(name)} IS NOT NULL"
        )
        count = con.execute(f"SELECT count({ident(name)}) FROM {raw_name}").fetchone()
        extras.append((name, int(count[0]) if count else 0))
    return extras
