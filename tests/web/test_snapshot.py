"""The snapshot: computed once per load, equal to the engine, and refreshed on a new load."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tilannekuva.indicators import compute_indicators
from tilannekuva.indicators.periods import COUNTY
from tilannekuva.ingest import load_extract
from tilannekuva.web import snapshot as snapshot_module
from tilannekuva.web.snapshot import Snapshot, SnapshotStore


def test_rows_equal_the_engine_output_for_both_roles(
    county_snapshot: Snapshot, county_warehouse: Path
) -> None:
    for role in ("analyst", "public"):
        assert county_snapshot.all_rows(role=role) == compute_indicators(
            county_warehouse, role=role
        )


def test_municipality_rows_share_the_county_and_add_up_for_additive_indicators(
    county_snapshot: Snapshot,
) -> None:
    units_rows = county_snapshot.rows("contacts_total", role="analyst")
    municipal = county_snapshot.rows("contacts_total", role="analyst", scope="municipality")
    county = {r.period: r.value for r in units_rows if r.unit_id == COUNTY}
    assert county == {r.period: r.value for r in municipal if r.unit_id == COUNTY}
    codes = set(county_snapshot.municipality_codes())
    assert {r.unit_id for r in municipal if r.unit_id} <= codes
    for period, total in county.items():
        assert total == sum(r.value or 0 for r in municipal if r.period == period and r.unit_id)


def test_a_missing_warehouse_gives_an_empty_snapshot(tmp_path: Path) -> None:
    snapshot = SnapshotStore(tmp_path / "none.duckdb").current()
    assert not snapshot.has_data and snapshot.all_rows(role="public") == []


def changed_extract(county_extract: Path, folder: Path) -> Path:
    """A copy of the county's extract with one more unit: loading it makes a new load."""
    changed = folder / "extract"
    shutil.copytree(county_extract, changed)
    with (changed / "units.csv").open("a", encoding="utf-8") as units:
        units.write("NEW-UNIT,Uusi yksikkö,205,other,\n")
    return changed


def test_a_new_load_is_picked_up_without_a_restart(
    county_extract: Path, county_warehouse: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(county_warehouse, warehouse)
    store = SnapshotStore(warehouse, check_seconds=0)
    first = store.current()
    assert first.load is not None
    load_extract(changed_extract(county_extract, tmp_path), warehouse, pseudonym_key="web-tests")
    deadline = time.monotonic() + 60
    while store.current().load == first.load and time.monotonic() < deadline:
        time.sleep(0.1)  # the rebuild runs in the background; requests keep the old snapshot
    fresh = store.current()
    assert fresh.load is not None and fresh.load.load_id != first.load.load_id
    assert fresh.unit("NEW-UNIT") is not None and first.unit("NEW-UNIT") is None
    assert [load.load_id for load in fresh.loads][:2] == [fresh.load.load_id, first.load.load_id]


def test_the_poller_opens_the_warehouse_only_when_its_files_changed(
    county_extract: Path, county_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(county_warehouse, warehouse)
    store = SnapshotStore(warehouse)
    first = store.current()
    reads: list[Path] = []
    read = snapshot_module.current_load_id

    def counted(path: Path, **options: float) -> str | None:
        reads.append(path)
        return read(path, **options)

    monkeypatch.setattr(snapshot_module, "current_load_id", counted)
    for _ in range(5):
        store._check_and_rebuild()  # what the poller does every second
    assert len(reads) == 1  # the first look; then the files were the same
    assert store.current() is first

    load_extract(changed_extract(county_extract, tmp_path), warehouse, pseudonym_key="web-tests")
    store._check_and_rebuild()  # the files changed: the id is read, and the load is new
    assert len(reads) > 1
    fresh = store.current()
    assert fresh.load is not None and first.load is not None
    assert fresh.load.load_id != first.load.load_id
