"""Opening the warehouse while another process holds it: wait, then say so in one line."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tilannekuva.warehouse import WarehouseBusy, WarehouseMissing, connect

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that keeps the file open for writing for ``seconds``."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    return path


def test_a_held_lock_gives_a_one_line_busy_error_after_the_wait(warehouse: Path) -> None:
    holder = hold_lock(warehouse, 30)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseBusy, match="in use by another process") as error:
            connect(warehouse, read_only=True, wait_seconds=0.5)
        assert 0.3 < time.monotonic() - started < 10
        assert "\n" not in str(error.value)
    finally:
        holder.kill()
        holder.wait()


def test_opening_waits_until_the_other_process_lets_go(warehouse: Path) -> None:
    holder = hold_lock(warehouse, 1.0)
    try:
        connection = connect(warehouse, wait_seconds=30)
        connection.execute("CREATE TABLE t (x INTEGER)")
        connection.close()
    finally:
        holder.wait()


def test_reading_a_missing_warehouse_says_so(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissing):
        connect(tmp_path / "none.duckdb", read_only=True)
