"""The numbers the web app serves: one immutable snapshot of the warehouse's current load.

Pages and the API never query the warehouse per request. When the app first needs data, and
whenever the warehouse's current load changes, every indicator row is computed once (analyst
rows; public rows follow by the engine's own suppression rule), together with the units, the
load history and the quality report. Requests then filter in memory, which keeps a page well
under 200 ms at any county size. A rebuild runs in a background thread while requests keep
the previous snapshot, and a warehouse locked by a running load is simply tried again later.
"""

from __future__ import annotations

import atexit
import gc
import itertools
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from sqlalchemy.exc import SQLAlchemyError

from tilannekuva.feedback.live import LIVE_INDICATORS, live_feedback_views
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.indicators.engine import IndicatorViews, apply_role, compute_indicator_views
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.quality.report import QualityReport, build_report
from tilannekuva.warehouse import connect
from tilannekuva.warehouse.store import (
    LOCK_WAIT_SECONDS,
    FileStamp,
    WarehouseBusy,
    WarehouseMissing,
    on_disk,
)

log = logging.getLogger(__name__)

ROLES = ("analyst", "public")
LIVE_COST_FACTOR = 5  # live feedback numbers take at most a fifth of the poller's time
FULL_CHECK_SECONDS = 30.0  # the current load's id is read at least this often
_GENERATIONS = itertools.count(1)
Scope = str  # "unit" or "municipality"


@dataclass(frozen=True)
class UnitInfo:
    """One organisation unit of the current load (extract-v1 ``units.csv``)."""

    unit_id: str
    name: str
    municipality_code: str
    service_area: str
    parent_id: str | None


@dataclass(frozen=True)
class LoadRecord:
    """One load of the warehouse's history (``loads`` table)."""

    load_id: str
    extract_id: str
    source: str | None
    cutoff: datetime | None  # UTC
    cutoff_local: datetime | None  # Europe/Helsinki wall clock
    loaded_at: datetime | None  # UTC
    rows_loaded: int
    rows_quarantined: int
    duplicates_dropped: int
    is_current: bool


@dataclass(frozen=True)
class QuarantineReason:
    """Rows of one file quarantined for one reason code in the current load."""

    file: str
    reason_code: str
    rows: int
    example_reason: str


@dataclass
class Snapshot:
    """Everything the pages show about one load; never changed once built."""

    load: LoadRecord | None
    loads: tuple[LoadRecord, ...]
    units: tuple[UnitInfo, ...]
    quarantine: tuple[QuarantineReason, ...]
    quality: QualityReport | None
    built_at: datetime
    _rows: dict[tuple[str, Scope], dict[str, list[IndicatorRow]]] = field(default_factory=dict)
    _unit_index: dict[str, dict[str, dict[str, list[IndicatorRow]]]] = field(
        default_factory=dict, repr=False
    )
    generation: int = field(default_factory=lambda: next(_GENERATIONS))
    """Unique per snapshot in this process: caches key on it (``id()`` may be reused once an
    old snapshot is freed, and a page of the old load must never be served for a new one)."""

    @property
    def has_data(self) -> bool:
        return self.load is not None

    def rows(self, indicator_id: str, *, role: str, scope: Scope = "unit") -> list[IndicatorRow]:
        """Every row of one indicator for a role (``analyst`` or ``public``), in output order.

        ``scope="unit"`` gives the output-v1 rows (unit ids, and the county as ``""``);
        ``scope="municipality"`` gives the same indicator with municipality codes in
        ``unit_id`` (and the same county rows).
        """
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        return self._rows.get((role, scope), {}).get(indicator_id, [])

    def unit_rows(self, unit_id: str, *, role: str) -> dict[str, list[IndicatorRow]]:
        """``{indicator_id: rows}`` of one unit (or ``""``, the county), for a role.

        Indexed on first use, per role: a unit page needs all of one unit's rows, and picking
        them out of every indicator's rows would cost more than the rest of the page.
        """
        index = self._unit_index.get(role)
        if index is None:
            built: dict[str, dict[str, list[IndicatorRow]]] = defaultdict(dict)
            for indicator_id, rows in self._rows.get((role, "unit"), {}).items():
                for row in rows:
                    built[row.unit_id].setdefault(indicator_id, []).append(row)
            index = self._unit_index[role] = dict(built)
        return index.get(unit_id, {})

    def all_rows(self, *, role: str) -> list[IndicatorRow]:
        """All output rows for a role, exactly as ``tilannekuva indicators`` writes them."""
        by_indicator = self._rows.get((role, "unit"), {})
        return [row for ind in sorted(by_indicator) for row in by_indicator[ind]]

    def indicator_ids(self) -> list[str]:
        """Indicators that have rows in this load (missing optional files leave some out)."""
        return sorted(self._rows.get(("analyst", "unit"), {}))

    def unit(self, unit_id: str) -> UnitInfo | None:
        return next((unit for unit in self.units if unit.unit_id == unit_id), None)

    def municipality_codes(self) -> list[str]:
        return sorted({unit.municipality_code for unit in self.units})


def empty_snapshot() -> Snapshot:
    """What the app shows before any extract has been loaded."""
    return Snapshot(None, (), (), (), None, datetime.now(UTC))


def build_snapshot(warehouse: Path, *, attempts: int = 3) -> Snapshot:
    """Compute everything for the warehouse's current load (seconds; done off-request).

    The parts are read over several connections; when a load lands in between, the parts
    would describe two loads, so the build starts again (up to ``attempts`` times).
    """
    for _ in range(attempts):
        snapshot = _build_once(warehouse)
        shown = snapshot.load.load_id if snapshot.load else None
        if current_load_id(warehouse, wait_seconds=LOCK_WAIT_SECONDS) == shown:
            return snapshot
    return snapshot


def _build_once(warehouse: Path) -> Snapshot:
    started = time.perf_counter()
    views = compute_indicator_views(warehouse, role="analyst")
    quality = build_report(warehouse)
    connection = connect(warehouse, read_only=True)
    try:
        loads = _read_loads(connection)
        units = _read_units(connection)
        quarantine = _read_quarantine(connection)
    finally:
        connection.close()
    rows = _rows_by_role(views)
    current = next((load for load in loads if load.is_current), None)
    log.info("snapshot of load %s built in %.2f s", current, time.perf_counter() - started)
    return Snapshot(current, loads, units, quarantine, quality, datetime.now(UTC), rows)


def _rows_by_role(views: IndicatorViews) -> dict[tuple[str, Scope], dict[str, list[IndicatorRow]]]:
    """Analyst rows and the public rows derived from them, by scope and indicator."""
    rows: dict[tuple[str, Scope], dict[str, list[IndicatorRow]]] = {}
    for role in ROLES:
        rows[(role, "unit")] = _by_indicator(apply_role(views.rows, role))
        rows[(role, "municipality")] = _by_indicator(apply_role(views.by_municipality, role))
    return rows


def with_live_feedback(base: Snapshot, views: IndicatorViews) -> Snapshot:
    """``base`` with its feedback indicators replaced by their live rows (a new generation)."""
    live = _rows_by_role(views)
    rows = {
        key: {
            **{ind: found for ind, found in by_indicator.items() if ind not in LIVE_INDICATORS},
            **live.get(key, {}),
        }
        for key, by_indicator in base._rows.items()
    }
    return replace(
        base, _rows=rows, _unit_index={}, generation=next(_GENERATIONS), built_at=datetime.now(UTC)
    )


def current_load_id(warehouse: Path, *, wait_seconds: float = 0) -> str | None:
    """The current load's id, read cheaply; None when nothing is loaded.

    By default it does not wait for a lock: a request must never hang on a running load.
    """
    connection = connect(warehouse, read_only=True, wait_seconds=wait_seconds)
    try:
        found = connection.execute("SELECT load_id FROM loads WHERE is_current").fetchone()
    finally:
        connection.close()
    return str(found[0]) if found else None


class SnapshotStore:
    """Hands out the current snapshot and rebuilds it when the warehouse gets a new load.

    With a feedback store attached, the feedback indicators are live: whenever the store's
    revision changes (a new answer, a sent invitation, a pulse answer), they are computed
    again over the load plus the store and a new snapshot replaces the old one, while the
    other indicators keep the load's rows (``feedback/live.py``).
    """

    def __init__(
        self,
        warehouse: Path,
        *,
        check_seconds: float = 2.0,
        feedback: FeedbackStore | None = None,
    ) -> None:
        self.warehouse = warehouse
        self.check_seconds = check_seconds
        self.feedback = feedback
        self._base: Snapshot | None = None  # the load's own numbers
        self._snapshot: Snapshot | None = None  # with the live feedback indicators
        self._revision: object = None
        self._live_done_at = 0.0
        self._live_cost = 0.0
        self._checked_at = 0.0
        self._load_read_on: tuple[FileStamp, FileStamp] | None = None  # see _load_changed
        self._load_read_at = 0.0
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self._rebuilding = False
        self._poller: threading.Thread | None = None
        self._first_build: threading.Thread | None = None
        self._stop = threading.Event()

    def current(self) -> Snapshot:
        """The newest snapshot; the first call builds it, later calls never wait for one."""
        if self._snapshot is None:
            with self._lock:
                if self._snapshot is None:
                    self._publish(self._build_or_empty())
                    self._checked_at = time.monotonic()
                    settle_memory()
            assert self._snapshot is not None
            return self._snapshot
        if time.monotonic() - self._checked_at >= self.check_seconds:
            self._checked_at = time.monotonic()
            self._refresh_in_background()
        return self._snapshot

    @property
    def built(self) -> bool:
        """Whether the first snapshot exists (``current()`` then never waits)."""
        return self._snapshot is not None

    def shown(self) -> Snapshot | None:
        """The newest snapshot, or None while the first one is being built; never builds."""
        return self._snapshot

    def start_building(self) -> None:
        """Build the first snapshot in a background thread, so that the server can accept
        requests that need no numbers (feedback answers) while it is made."""
        if self._snapshot is None and self._first_build is None:
            self._first_build = threading.Thread(
                target=self.current, name="snapshot-first", daemon=True
            )
            self._first_build.start()

    def refresh_now(self) -> Snapshot:
        """Rebuild at once, whatever the load (tests, and a caller that knows it loaded)."""
        with self._lock:
            self._publish(self._build_or_empty())
            self._checked_at = time.monotonic()
            settle_memory()
            assert self._snapshot is not None
            return self._snapshot

    def refresh_live_now(self) -> Snapshot:
        """Recompute the live feedback indicators at once (tests; the poller does it itself)."""
        self.current()
        with self._lock:
            if self._base is not None:
                self._publish(self._base)
            assert self._snapshot is not None
            return self._snapshot

    def start_polling(self, interval_seconds: float = 1.0) -> None:
        """Look for new loads and new feedback every ``interval_seconds`` in a daemon thread,
        so live numbers are ready before anyone asks (the app starts this; tests need not)."""
        if self._poller is not None:
            return

        def poll() -> None:
            while not self._stop.wait(interval_seconds):
                try:
                    self._check_and_rebuild()
                except Exception:  # the poller must outlive any one failed refresh
                    log.exception("refreshing the numbers failed; trying again")

        self._poller = threading.Thread(target=poll, name="snapshot-poller", daemon=True)
        self._poller.start()

    def stop_polling(self) -> None:
        """Stop the poller; wait for a first build still running (a process must not exit
        with a thread inside DuckDB)."""
        self._stop.set()
        if self._first_build is not None:
            self._first_build.join()
        if self._poller is not None:
            self._poller.join(timeout=5)
            self._poller = None
        self._stop = threading.Event()

    def _publish(self, base: Snapshot) -> None:
        """Make ``base`` (with the live feedback rows, when a store is attached) current.
        Called with ``_lock`` held."""
        self._base = base
        self._snapshot = self._with_live(base)

    def _with_live(self, base: Snapshot) -> Snapshot:
        if self.feedback is None or not base.has_data:
            return base
        started = time.monotonic()
        try:
            revision = self.feedback.revision()
            views = live_feedback_views(self.warehouse, self.feedback)
        except (SQLAlchemyError, OSError, WarehouseMissing, WarehouseBusy, duckdb.Error) as error:
            log.warning("live feedback numbers not computable now (%s); trying again", error)
            self._revision = None  # look again at the next check
            shown = self._snapshot
            same_load = shown is not None and shown.load == base.load
            return shown if shown is not None and same_load else base
        self._revision = revision
        self._live_done_at = time.monotonic()
        self._live_cost = self._live_done_at - started
        return with_live_feedback(base, views)

    def _live_due(self) -> bool:
        """Whether the live numbers may be recomputed now. A recomputation reads every stored
        answer, so under a stream of answers it runs at most every ``LIVE_COST_FACTOR`` times
        its own duration: the server then spends at most a fifth of a core on it, and answers
        still show within a few seconds."""
        waited = time.monotonic() - self._live_done_at
        return waited >= LIVE_COST_FACTOR * self._live_cost

    def _feedback_changed(self) -> bool:
        if self.feedback is None:
            return False
        try:
            return self.feedback.revision() != self._revision
        except SQLAlchemyError:
            return False  # the database is down: keep what is shown, look again later

    def _check_and_rebuild(self) -> None:
        """A new load rebuilds everything; new feedback recomputes only the live rows.

        The poller and a request-started refresh may both call this; one at a time works.
        """
        if not self._refreshing.acquire(blocking=False):
            return
        try:
            self._refresh_once()
        finally:
            self._refreshing.release()

    def _refresh_once(self) -> None:
        if self._snapshot is None:
            return  # the first build (``current``) is still running: it reads the newest load
        if self._load_changed():
            fresh = self._build_or_empty()
            with self._lock:
                self._publish(fresh)
            settle_memory()
        elif self._live_due() and self._feedback_changed():
            with self._lock:
                if self._base is not None:
                    self._publish(self._base)

    def _load_changed(self) -> bool:
        """Whether the warehouse's current load is not the one shown. The load's id is read
        only when the warehouse's files changed on disk since it was last read and found
        shown, or once every :data:`FULL_CHECK_SECONDS` (a restored copy may keep the old size
        and time): opening DuckDB every second was a twentieth of a busy server's CPU."""
        on_disk_now = on_disk(self.warehouse)
        if (
            on_disk_now == self._load_read_on
            and time.monotonic() - self._load_read_at < FULL_CHECK_SECONDS
        ):
            return False
        shown = self._base.load.load_id if self._base and self._base.load else None
        try:
            changed = current_load_id(self.warehouse) != shown
        except (WarehouseMissing, WarehouseBusy, duckdb.Error):
            return False  # missing, or locked by a load in progress: look again later
        if not changed:  # a new load is looked at again until its snapshot is shown
            self._load_read_on, self._load_read_at = on_disk_now, time.monotonic()
        return changed

    def _refresh_in_background(self) -> None:
        """Look for a new load, and rebuild if there is one, in a background thread.

        Even the look (opening the DuckDB file) stays off the request: a request handled on
        the event loop must never wait for a file.
        """
        with self._lock:
            if self._rebuilding:
                return
            self._rebuilding = True

        def check_and_rebuild() -> None:
            try:
                self._check_and_rebuild()
            finally:
                self._rebuilding = False

        threading.Thread(target=check_and_rebuild, name="snapshot-refresh", daemon=True).start()

    def _build_or_empty(self) -> Snapshot:
        try:
            return build_snapshot(self.warehouse)
        except WarehouseMissing:
            return empty_snapshot()
        except (WarehouseBusy, duckdb.Error) as error:
            log.warning(
                "warehouse %s not readable now (%s); keeping what is shown", self.warehouse, error
            )
            return self._snapshot or empty_snapshot()


def settle_memory() -> None:
    """Collect the previous snapshot, then move the new one out of the garbage collector's
    sight (``gc.freeze``).

    A snapshot is hundreds of thousands of long-lived objects; every full collection would
    walk them all again, and a page that formats thousands of numbers triggers several. Frozen,
    they are never scanned; rendering the explorer takes half the time. Unfreezing first lets
    the collection free the snapshot that was replaced.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


# Frozen objects are never finalised; hand them back to the collector when the process ends,
# so native extensions (DuckDB) release what they hold instead of reporting leaks.
atexit.register(gc.unfreeze)


def _by_indicator(rows: Iterable[IndicatorRow]) -> dict[str, list[IndicatorRow]]:
    grouped: dict[str, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        grouped[row.indicator_id].append(row)
    return dict(grouped)


def _read_loads(connection: duckdb.DuckDBPyConnection) -> tuple[LoadRecord, ...]:
    records = connection.execute(
        """SELECT load_id, extract_id, source, cutoff, cutoff_local, loaded_at, rows_loaded,
                  rows_quarantined, duplicates_dropped, is_current
           FROM loads ORDER BY loaded_at DESC, load_id DESC"""
    ).fetchall()
    return tuple(
        LoadRecord(
            load_id=str(r[0]),
            extract_id=str(r[1]),
            source=r[2],
            cutoff=r[3],
            cutoff_local=r[4],
            loaded_at=r[5],
            rows_loaded=int(r[6] or 0),
            rows_quarantined=int(r[7] or 0),
            duplicates_dropped=int(r[8] or 0),
            is_current=bool(r[9]),
        )
        for r in records
    )


def _read_units(connection: duckdb.DuckDBPyConnection) -> tuple[UnitInfo, ...]:
    records = connection.execute(
        "SELECT unit_id, name, municipality_code, service_area, parent_id FROM units "
        "ORDER BY name, unit_id"
    ).fetchall()
    return tuple(UnitInfo(str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4]) for r in records)


def _read_quarantine(connection: duckdb.DuckDBPyConnection) -> tuple[QuarantineReason, ...]:
    records = connection.execute(
        """SELECT file, reason_code, count(*), min(reason) FROM quarantine
           GROUP BY file, reason_code ORDER BY file, count(*) DESC, reason_code"""
    ).fetchall()
    return tuple(QuarantineReason(str(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in records)
