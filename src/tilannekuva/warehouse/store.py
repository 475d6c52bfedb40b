"""Opening the warehouse: one DuckDB file that holds the current load and the load history.

Readers use :func:`connect` (plain DuckDB) or :func:`ibis_connect` (Ibis expressions); the
indicator definitions are Ibis expressions so they can later run on another engine.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import ibis
from ibis.backends.duckdb import Backend as IbisDuckDBBackend


class WarehouseMissing(FileNotFoundError):
    """The warehouse file does not exist or holds no load yet."""


class WarehouseBusy(RuntimeError):
    """Another process kept the warehouse file locked for longer than we were willing to wait."""


LOCK_WAIT_SECONDS = 60.0
_LOCK_MESSAGE = "Could not set lock"


def connect(
    path: Path, *, read_only: bool = False, wait_seconds: float = LOCK_WAIT_SECONDS
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file; read-only opening requires that a load has been made.

    DuckDB lets one process write a file, or several read it, never both at once. A running
    web server opens the file briefly to read each new load, and a load holds it for its whole
    transaction; so instead of failing at the first conflict, opening retries for up to
    ``wait_seconds`` and then raises :class:`WarehouseBusy` with a one-line reason.
    """
    if read_only and not path.exists():
        raise WarehouseMissing(f"{path}: no warehouse here; load an extract first")
    deadline = time.monotonic() + wait_seconds
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if _LOCK_MESSAGE not in str(error):
                raise
            if time.monotonic() + pause > deadline:
                raise WarehouseBusy(
                    f"{path}: the warehouse is in use by another process "
                    f"(waited {wait_seconds:g} s); try again when it has finished"
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


FileStamp = tuple[int, int, int] | None  # inode, size, modification time (ns); None: no file


def on_disk(path: Path) -> tuple[FileStamp, FileStamp]:
    """What a committed write changes on disk: the inode, size and modification time of the
    warehouse file and of its write-ahead log (``<file>.wal``).

    Reading them is a ``stat`` each, against opening the file in DuckDB to read the current
    load's id; a server that looks for new loads every second compares these first.
    """
    return _stamp(path), _stamp(path.with_name(f"{path.name}.wal"))


def _stamp(path: Path) -> FileStamp:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


def ibis_connect(path: Path) -> IbisDuckDBBackend:
    """An Ibis backend over the warehouse file, read-only."""
    return ibis.duckdb.from_connection(connect(path, read_only=True))
