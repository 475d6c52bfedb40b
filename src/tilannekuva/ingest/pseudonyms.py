"""Pseudonymisation on ingest: person ids are re-keyed before they reach the warehouse.

The extract's ``person_id`` is already the source system's pseudonym, but whoever holds the
source can map it back. The warehouse therefore stores a keyed hash (HMAC-like sha256 of a
secret and the id), so a warehouse file alone links no row to a patient record. The same key
gives the same pseudonym in every load, so people can be followed across loads. The key is
given by the operator (setting ``TILANNEKUVA_PSEUDONYM_KEY``) or, when none is given, made once
per warehouse and kept in its ``warehouse_meta`` table.
"""

from __future__ import annotations

import secrets

import duckdb

from tilannekuva.ingest.sql import literal

KEY_NAME = "pseudonym_key"


def warehouse_key(con: duckdb.DuckDBPyConnection, given: str | None) -> str:
    """The key to use: the operator's, else the warehouse's own (created on first load)."""
    if given:
        return given
    con.execute(
        "CREATE TABLE IF NOT EXISTS warehouse_meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
    )
    row = con.execute("SELECT value FROM warehouse_meta WHERE key = ?", [KEY_NAME]).fetchone()
    if row is not None:
        return str(row[0])
    key = secrets.token_hex(32)
    con.execute("INSERT INTO warehouse_meta VALUES (?, ?)", [KEY_NAME, key])
    return key


def pseudonym_sql(column_sql: str, key: str) -> str:
    """SQL giving the stored pseudonym of an id column (NULL stays NULL)."""
    return f"('ps-' || left(sha256({literal(key)} || ':' || {column_sql}), 32))"


def create_pseudonym_map(con: duckdb.DuckDBPyConnection, keys_table: str, key: str) -> None:
    """Map every person id the persons file names to its pseudonym (``pseudonym_map``).

    Each id is hashed once, not once per event, and every ``person_id`` column of the other
    files is looked up here (they all point at persons). ``keys_table`` (the file's raw ids,
    used to tell a rejected person from an unknown one) is rewritten in pseudonyms, since the
    foreign-key checks compare stored values.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE pseudonym_map AS SELECT k AS source_id, "
        f"{pseudonym_sql('k', key)} AS pseudonym FROM {keys_table}"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {keys_table} AS SELECT pseudonym AS k FROM pseudonym_map"
    )
