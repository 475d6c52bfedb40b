"""Opening the warehouse: one DuckDB file that holds the current load and the load history.

Readers use :func:`connect` (plain DuckDB) or :func:`ibis_connect` (Ibis expressions); the
indicator definitions are Ibis expressions so they can later run on another engine.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis
from ibis.backends.duckdb import Backend as IbisDuckDBBackend


class WarehouseMissing(FileNotFoundError):
    """The warehouse file does not exist or holds no load yet."""


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file; read-only opening requires that a load has been made."""
    if read_only and not path.exists():
        raise WarehouseMissing(f"{path}: no warehouse here; load an extract first")
    return duckdb.connect(str(path), read_only=read_only)


def ibis_connect(path: Path) -> IbisDuckDBBackend:
    """An Ibis backend over the warehouse file, read-only."""
    return ibis.duckdb.from_connection(connect(path, read_only=True))
