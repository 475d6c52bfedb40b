"""The warehouse's table layout, derived from the extract declarations (docs/warehouse.md).

An extract column becomes one typed warehouse column; a timestamp becomes two: the UTC instant
under its own name and the Europe/Helsinki wall-clock time as ``<name>_local``, so indicator
expressions need no time-zone functions (which differ between engines).
"""

from __future__ import annotations

from tilannekuva.model.extract_schema import TABLES, Kind, Table

LINE_COLUMN = "_line"

_TYPES = {
    Kind.BOOL: "BOOLEAN",
    Kind.INT: "BIGINT",
    Kind.FLOAT: "DOUBLE",
    Kind.DATE: "DATE",
    Kind.TIMESTAMP: "TIMESTAMP",
}


def warehouse_type(kind: Kind) -> str:
    """The DuckDB type a column kind is stored as."""
    return _TYPES.get(kind, "VARCHAR")


def warehouse_columns(table: Table) -> list[tuple[str, str]]:
    """(name, type) of every column of an extract table in the warehouse, ``_line`` last."""
    columns: list[tuple[str, str]] = []
    for column in table.columns:
        columns.append((column.name, warehouse_type(column.kind)))
        if column.kind is Kind.TIMESTAMP:
            columns.append((f"{column.name}_local", "TIMESTAMP"))
    columns.append((LINE_COLUMN, "BIGINT"))
    return columns


BOOKKEEPING_DDL: dict[str, str] = {
    "loads": """
        load_id VARCHAR PRIMARY KEY, extract_id VARCHAR, source VARCHAR,
        cutoff TIMESTAMP, cutoff_local TIMESTAMP, cutoff_from VARCHAR, checksum VARCHAR,
        loaded_at TIMESTAMP, rows_loaded BIGINT, rows_quarantined BIGINT,
        duplicates_dropped BIGINT, is_current BOOLEAN""",
    "sources": """
        table_name VARCHAR, file_name VARCHAR, available BOOLEAN, rows_read BIGINT,
        rows_loaded BIGINT, rows_quarantined BIGINT, duplicates_dropped BIGINT""",
    "quarantine": """
        file VARCHAR, line BIGINT, "column" VARCHAR, reason VARCHAR, reason_code VARCHAR""",
    "duplicate_rows": "file VARCHAR, line BIGINT, key VARCHAR, kept_line BIGINT",
    "extra_columns": 'file VARCHAR, "column" VARCHAR, non_null BIGINT',
    "extra_cells": 'file VARCHAR, line BIGINT, "column" VARCHAR, value VARCHAR',
    "contact_types": """
        code VARCHAR, label_fi VARCHAR, channel VARCHAR, remote BOOLEAN,
        customer_contact BOOLEAN, is_visit BOOLEAN""",
}

EXTRACT_TABLE_NAMES: tuple[str, ...] = tuple(t.name for t in TABLES)
