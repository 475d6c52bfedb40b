"""A warehouse with a history: the test county loaded, then loaded again with faults.

The load-history and data-quality pages need what the clean synthetic county lacks: more than
one load, rows the load rejected (with known reasons) and a missing optional file. The second
extract is the county with three bad contact rows appended and ``calls.csv`` left out, so
every number the pages show about them is known by hand:

- ``contacts.csv`` gets one row with an impossible ``start_at`` (``invalid``), one naming a unit
  that does not exist (``foreign_key``) and one with too few fields (``malformed_row``);
- ``calls.csv`` is missing, so ``call_same_day`` and ``call_abandon_rate`` have no rows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tilannekuva.ingest import load_extract
from tilannekuva.web.snapshot import SnapshotStore

SECOND_EXTRACT_ID = "web-tests-second-load"
BAD_START_AT = "2025-13-45 99:00:00"
MISSING_FILE = "calls"
BAD_CONTACT_ROWS = (
    f"K9999-0000001,psA7T2TK4N,205-TA1-VO,{BAD_START_AT},R56,doctor,nonurgent,false,,D73,\n"
    "K9999-0000002,psA7T2TK4N,NO-SUCH-UNIT,2025-09-05 09:11:00,R56,doctor,nonurgent,false,,D73,\n"
    "K9999-0000003,psA7T2TK4N,205-TA1-VO\n"
)


def faulty_copy(extract: Path, target: Path) -> Path:
    """A copy of ``extract`` with the faults listed in the module docstring."""
    shutil.copytree(extract, target)
    meta_path = target / "extract.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["extract_id"] = SECOND_EXTRACT_ID
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with (target / "contacts.csv").open("a", encoding="utf-8", newline="") as handle:
        handle.write(BAD_CONTACT_ROWS)
    (target / f"{MISSING_FILE}.csv").unlink()
    return target


def load_twice(extract: Path, folder: Path) -> Path:
    """A warehouse holding two loads: ``extract`` first, then its faulty copy (current)."""
    warehouse = folder / "warehouse.duckdb"
    load_extract(extract, warehouse, pseudonym_key="web-tests")
    load_extract(
        faulty_copy(extract, folder / "faulty-extract"), warehouse, pseudonym_key="web-tests"
    )
    return warehouse


_STORES: dict[Path, SnapshotStore] = {}


def reloaded_snapshots(extract: Path, factory: pytest.TempPathFactory) -> SnapshotStore:
    """The snapshots of :func:`load_twice`, built once per test session and extract.

    Kept here rather than in a fixture because the load-history and data-quality tests both
    use it, and a session fixture imported into two test modules would run twice.
    """
    if extract not in _STORES:
        store = SnapshotStore(load_twice(extract, factory.mktemp("reloaded")), check_seconds=3600)
        store.refresh_now()
        _STORES[extract] = store
    return _STORES[extract]
