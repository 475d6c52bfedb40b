"""Small helpers for writing DuckDB SQL safely from declarations."""

from __future__ import annotations


def ident(name: str) -> str:
    """A quoted SQL identifier (extract files may carry any column name)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def shown(column_sql: str, limit: int = 40) -> str:
    """SQL that quotes a cell's text for a reason message, shortened to ``limit`` characters."""
    return f"'''' || left({column_sql}, {limit}) || ''''"
