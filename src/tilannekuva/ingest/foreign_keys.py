"""Foreign-key checks across the staged tables (extract-v1 Clarifications, foreign keys).

Tables are checked in load order, so a referenced table's rejections are final before the
tables pointing at it are checked, and "a row whose key names a rejected row is rejected too"
cascades (a response → its invitation → its contact → its person). A NULL in a nullable foreign
key is fine. ``units.parent_id`` points into its own table and is repeated until nothing more
falls. ``contacts.assessment_id`` is the exception: kept, and reported by ``quality`` as a
broken link.
"""

from __future__ import annotations

import duckdb

from tilannekuva.ingest.sql import ident, literal
from tilannekuva.model.extract_schema import TABLES, TABLES_BY_NAME, ForeignKey, Table


def check_foreign_keys(con: duckdb.DuckDBPyConnection, file_names: dict[str, str]) -> None:
    """Move rows with dangling references from the staged tables to ``q_rejects``."""
    for spec in TABLES:
        for foreign_key in spec.foreign_keys:
            if foreign_key.broken_link_kept:
                continue
            while _reject_dangling(con, spec, foreign_key, file_names.get(spec.name, spec.name)):
                if foreign_key.table != spec.name:
                    break


def _reject_dangling(
    con: duckdb.DuckDBPyConnection, spec: Table, foreign_key: ForeignKey, file_name: str
) -> int:
    """One pass; returns how many rows were rejected."""
    target = TABLES_BY_NAME[foreign_key.table]
    assert target.primary_key is not None
    stage = ident(spec.name)
    column = ident(foreign_key.column)
    target_key = ident(target.primary_key)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE fk_bad AS
        SELECT s._line AS line, s.{column} AS value FROM {stage} s
        WHERE s.{column} IS NOT NULL
          AND NOT EXISTS (
            SELECT 1 FROM {ident(target.name)} t WHERE t.{target_key} = s.{column})"""
    )
    count = con.execute("SELECT count(*) FROM fk_bad").fetchone()
    rejected = int(count[0]) if count else 0
    if rejected:
        shown = (
            "'(value withheld)'"
            if spec.column(foreign_key.column).person_id
            else "'''' || left(b.value, 60) || ''''"
        )
        name = literal(foreign_key.column)
        target_name = literal(target.name)
        con.execute(
            f"""INSERT INTO q_rejects
            SELECT {literal(file_name)}, b.line, {name},
              CASE WHEN k.k IS NULL
                THEN {name} || ' ' || {shown} || ' is not in ' || {target_name}
                ELSE {name} || ' ' || {shown} || ' names a rejected row of ' || {target_name} END,
              CASE WHEN k.k IS NULL THEN 'foreign_key' ELSE 'rejected_parent' END
            FROM fk_bad b LEFT JOIN {ident("keys_" + target.name)} k ON k.k = b.value"""
        )
        con.execute(f"DELETE FROM {stage} WHERE _line IN (SELECT line FROM fk_bad)")
    con.execute("DROP TABLE fk_bad")
    return rejected
