"""Benchmark: the live control board's event-to-screen latency and the event API's ingest rate.

Run from the repository root::

    uv run python -m benchmarks.bench_board [--quick] [--part latency|ingest|both]
                                            [--database sqlite|postgresql|both]
                                            [--workers N [N ...]] [--runs R]
                                            [--persons N] [--displays D] [--speed X]
                                            [--from HH:MM] [--until HH:MM]
                                            [--senders S] [--batch-sizes B [B ...]]
                                            [--ingest-seconds S]

The server is ``tilannekuva serve --workers N`` (forked workers, ``web/workers.py``) in its
own process group (``benchmarks/feedback_server.py``), over a small synthetic county
(``--persons``, default 3 000, seed 7, generated and loaded once per invocation, as
``bench_feedback`` makes it) and an empty store per run: an SQLite file, or a temporary
PostgreSQL database on 127.0.0.1:5432 (user postgres), dropped afterwards.

1. **Event-to-screen latency.** The reception unit with the busiest morning in the county
   (its busiest recent office day, ``board.simulator.simulate_day``, moved to today) is
   replayed from ``--from`` to ``--until`` (07:00–12:00) at ``--speed`` × real time (10×:
   30 minutes) through ``POST /api/v1/board/events`` with a source token
   (``BoardStore.add_source``), by ``board.replay.replay``; the backlog before 07:00 (the
   previous days' open messages and call-backs, the morning's appointment book) goes out at
   once as the first batch. Meanwhile ``--displays`` wall displays (50; tokens from
   ``BoardStore.add_display`` in the server's database) hold their Server-Sent Events
   streams open on ``GET /wall/{token}/events`` (``benchmarks/board_displays.py``, one
   process). The displays show ``--unit-sets`` sets of units (the replayed unit alone, and
   with each of a few other reception units), in Finnish and every fifth in Swedish, so each
   worker computes and renders several boards per change. Right after each batch is
   acknowledged the benchmark reads ``BoardStore.revision()``; a display has the batch when
   it receives an ``event: board`` frame whose ``revision`` is at least that. The latency of
   a (batch, display) pair is from the acknowledgement to that frame's arrival. When the
   frames carry no revision, a batch is matched by the demand counts instead: the first frame
   whose demand of today (calls, e-messages, walk-ins, remote contacts) reaches the counts the
   board's own fold gives for every event sent up to that batch; only batches that change
   those counts can be matched that way, and the others are left out.

   Printed per case (medians over the runs): p50, p95 and max latency, batches and events
   sent, frames received, reconnections, pairs never matched, the server's CPU; the goal is
   p95 < 2 s on 2 cores for every case, and every display receiving every batch.

2. **Ingest rate.** ``--senders`` (4) threads send batches of each ``--batch-sizes`` (100 and
   1 000 events, a realistic mix of types over the county's reception units) as fast as they
   are acknowledged for ``--ingest-seconds``, once with every batch sent once and once with
   every batch sent twice (the copy goes to whichever sender is free next, so the two copies
   are often in flight together). Printed: events stored per second, events sent per second
   (copies included), request latency; then the store's rows of that source are counted:
   every acknowledged event stored exactly once, nothing stored that was not sent, and every
   event answered ``stored`` exactly once over its copies.

The exit status is 1 when a goal fails. ``--quick`` is a smoke run for CI (about a minute):
one worker, a two-hour morning at 720×, 2 s of ingest per case; only the counting goals
(every batch on every display, nothing lost or duplicated) are checked then.

Decisions:

- The displays reconnect like a browser's EventSource: after the ``retry:`` delay the stream
  sent (5 s), when the server ends a stream (every ``STREAM_SECONDS``). A batch acknowledged
  during that gap reaches the display with the new stream's first frame, and its latency
  includes the gap, as on a real wall.
- A frame that arrives before the replay has seen its acknowledgement (the server pushed it
  before the HTTP answer reached the sender) counts as 0 s.
- The server's CPU is its whole process group's (supervisor and workers; PostgreSQL not
  included), over the replay, as a share of one core.
"""

from __future__ import annotations

import argparse
import bisect
import http.client
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select

from benchmarks.bench_feedback import (
    County,
    idle_check,
    percentile,
    prepare_county,
    server_settings,
    tracebacks,
)
from benchmarks.feedback_database import temporary_database
from benchmarks.feedback_server import (
    ServerProcess,
    free_port,
    group_cpu_seconds,
    machine_busy_seconds,
)
from tilannekuva.board.events import BoardEvent, Event, parse_event
from tilannekuva.board.replay import replay
from tilannekuva.board.simulator import simulate_day
from tilannekuva.board.state import CHANNELS, HELSINKI, fold
from tilannekuva.board.store import BoardStore, StoredEvent
from tilannekuva.board.store.models import EventRow
from tilannekuva.warehouse import connect

GOAL_P95_S = 2.0
DATABASES = ("sqlite", "postgresql")
DISPLAY_SCRIPT = Path(__file__).with_name("board_displays.py")
SETTLE_S = 8.0  # after the last batch: longer than a reconnection (5 s) plus a poll
EVENTS_PATH = "/api/v1/board/events"
DEMAND_TYPES = frozenset({"call.queued", "message.received", "contact.started"})
REPLAY_SOURCE = "bench-simulator"
REQUEST_TIMEOUT_S = 60.0
RETRY_PAUSE_S = 0.05


# --- the morning to replay ------------------------------------------------------------------


@dataclass(frozen=True)
class Morning:
    """The unit whose morning is replayed, its source day, and the other reception units."""

    unit_id: str
    day: date
    events_inside: int  # events from --from to --until on the busiest day
    others: tuple[str, ...]


def local_moment(day: date, at: clock_time) -> datetime:
    return datetime.combine(day, at, tzinfo=HELSINKI)


def inside(events: Sequence[BoardEvent], day: date, start: clock_time, until: clock_time) -> int:
    first, last = local_moment(day, start), local_moment(day, until)
    return sum(1 for event in events if first <= event.occurred_at < last)


def choose_morning(county: County, args: argparse.Namespace) -> Morning:
    """The reception unit with the most events in the window on its busiest office day."""
    reception = [unit for unit, area in county.units if area == "reception"]
    if not reception:
        raise SystemExit("the county has no reception unit to replay")
    today = datetime.now(HELSINKI).date()
    connection = connect(county.warehouse, read_only=True)
    try:
        found = []
        for unit in [args.unit] if args.unit else reception:
            simulated = simulate_day(connection, unit, target_day=today)
            count = inside(simulated.events, today, args.start, args.until)
            found.append((count, unit, simulated.day))
    finally:
        connection.close()
    count, unit, day = max(found)
    others = tuple(u for u in reception if u != unit)
    return Morning(unit, day, count, others)


def display_sets(morning: Morning, sets: int) -> list[tuple[str, ...]]:
    """The unit sets the displays show: the unit alone, then with one other unit each."""
    found: list[tuple[str, ...]] = [(morning.unit_id,)]
    found += [(morning.unit_id, other) for other in morning.others]
    return found[: max(1, sets)]


# --- the displays ---------------------------------------------------------------------------


class Displays:
    """The display process: its streams open until :meth:`finish`."""

    def __init__(self, port: int, displays: list[dict[str, str]], folder: Path, name: str) -> None:
        config = folder / f"displays-{name}.json"
        config.write_text(json.dumps({"port": port, "displays": displays}), "utf-8")
        self.result = folder / f"displays-{name}-result.json"
        self.result.unlink(missing_ok=True)
        self._process = subprocess.Popen(
            [sys.executable, str(DISPLAY_SCRIPT), str(config), str(self.result)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().decode().strip()
        if line != "ready":
            self.finish()
            raise SystemExit(f"the displays did not start: {line or 'no answer'}")

    def finish(self) -> list[dict[str, Any]]:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(b"stop\n")
            self._process.stdin.close()
        except BrokenPipeError:
            pass
        if self._process.wait(timeout=120) != 0:
            raise SystemExit("the display process failed")
        loaded: list[dict[str, Any]] = json.loads(self.result.read_text("utf-8"))
        return loaded


# --- latency --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatencyCase:
    database: str
    workers: int

    @property
    def label(self) -> str:
        return f"{self.database}, {self.workers} {'worker' if self.workers == 1 else 'workers'}"


@dataclass(frozen=True)
class SentBatch:
    acknowledged: float  # time.monotonic()
    revision: int  # the store's revision read right after
    events: tuple[BoardEvent, ...]


Frame = tuple[float, int, int | None, dict[str, int]]  # received, seq, revision, demand


@dataclass
class LatencyRun:
    method: str  # "revision" or "demand counts"
    displays: int
    latencies: list[float]  # seconds, one per matched (batch, display)
    missed: int  # (batch, display) pairs never matched
    batches: int
    measured_batches: int  # batches the method can match
    events: int
    stored: int
    frames: int
    heartbeats: int
    reconnects: int
    failures: int
    early: int  # frames that arrived before the acknowledgement was seen
    replay_s: float
    server_cpu: float  # share of one core over the replay
    machine_busy: float
    log_problems: int
    first_problem: str
    cross_check: str  # the other method's figures, when both could be computed

    def q(self, share: float) -> float:
        return percentile(self.latencies, share) if self.latencies else float("nan")

    @property
    def p50(self) -> float:
        return self.q(0.50)

    @property
    def p95(self) -> float:
        return self.q(0.95)

    @property
    def max(self) -> float:
        return max(self.latencies) if self.latencies else float("nan")


def by_revision(batches: list[SentBatch], frames: list[Frame]) -> tuple[list[float], int, int]:
    """(latencies, missed, early) of one display: the first frame whose revision reaches the
    batch's."""
    seen: list[int] = []
    highest = -1
    for frame in frames:
        highest = max(highest, frame[2] if frame[2] is not None else -1)
        seen.append(highest)
    latencies, missed, early = [], 0, 0
    for batch in batches:
        at = bisect.bisect_left(seen, batch.revision)
        if at == len(frames):
            missed += 1
            continue
        delay = frames[at][0] - batch.acknowledged
        early += delay < 0
        latencies.append(max(0.0, delay))
    return latencies, missed, early


def expected_demand(batches: list[SentBatch], unit_id: str) -> list[dict[str, int]]:
    """Today's demand at ``unit_id`` after each batch, by the board's own fold."""
    now = datetime.now(UTC)
    stored: list[StoredEvent] = []
    counts = dict.fromkeys(CHANNELS, 0)
    found = []
    for batch in batches:
        for event in batch.events:
            # the replay's events are the simulator's ``Event``s, typed by their base class
            stored.append(StoredEvent(REPLAY_SOURCE, event.source_id, now, cast(Event, event)))
        if any(e.type in DEMAND_TYPES for e in batch.events):
            day = fold(stored, now).get(unit_id)
            counts = dict(day.demand) if day is not None else dict.fromkeys(CHANNELS, 0)
        found.append(counts)
    return found


def by_demand(
    batches: list[SentBatch], expected: list[dict[str, int]], frames: list[Frame]
) -> tuple[list[float], int, int, int]:
    """(latencies, missed, early, measured batches) of one display: the first frame whose
    demand reaches the counts after the batch, for the batches that changed them."""
    latencies, missed, early, measured = [], 0, 0, 0
    at = 0
    previous = dict.fromkeys(CHANNELS, 0)
    for batch, counts in zip(batches, expected, strict=True):
        if counts == previous:
            continue
        previous = counts
        measured += 1
        while at < len(frames) and any(
            frames[at][3].get(channel, 0) < n for channel, n in counts.items()
        ):
            at += 1
        if at == len(frames):
            missed += 1
            continue
        delay = frames[at][0] - batch.acknowledged
        early += delay < 0
        latencies.append(max(0.0, delay))
    return latencies, missed, early, measured


def latency_run(
    case: LatencyCase,
    county: County,
    morning: Morning,
    number: int,
    args: argparse.Namespace,
    folder: Path,
) -> LatencyRun:
    """Make the store's source and displays, serve, connect the displays, replay, match."""
    today = datetime.now(HELSINKI).date()
    connection = connect(county.warehouse, read_only=True)
    try:
        simulated = simulate_day(connection, morning.unit_id, morning.day, today)
    finally:
        connection.close()
    start, until = local_moment(today, args.start), local_moment(today, args.until)
    midnight = local_moment(today + timedelta(days=1), clock_time(0))
    span = (until - start).total_seconds() / args.speed + SETTLE_S
    if datetime.now(HELSINKI) + timedelta(seconds=span) >= midnight:
        print(
            "    note: the run crosses midnight in Helsinki: the demand counts reset "
            "then (matching by revision is not affected)",
            flush=True,
        )
    keys = {name: secrets.token_urlsafe(32) for name in ("session", "phone", "webhook")}
    sets = display_sets(morning, args.unit_sets)
    name = f"latency-{case.database}-{case.workers}-{number}"
    with temporary_database(case.database, folder) as url:
        store = BoardStore.open(url)
        try:
            token = store.add_source(REPLAY_SOURCE)
            walls = []
            for n in range(args.displays):
                units = sets[n % len(sets)]
                wall = store.add_display(f"bench-wall-{n:02d}", units, ("dark", "light")[n % 2])
                language = "sv" if n % 5 == 4 else "fi"
                page = f"/wall/{wall}"
                walls.append(
                    {"name": f"wall-{n:02d}", "path": f"/wall/{wall}/events?lang={language}"}
                )
            port = free_port()
            log = folder / f"server-{name}.log"
            log.write_bytes(b"")
            settings = server_settings(url, county, folder, port, keys)
            sent: list[SentBatch] = []

            def on_batch(batch: Sequence[BoardEvent]) -> None:
                acknowledged = time.monotonic()
                sent.append(SentBatch(acknowledged, store.revision(), tuple(batch)))

            with ServerProcess(port, case.workers, settings, folder, log) as server:
                server.wait_until_ready()
                if (status := page_status(port, page)) != 200:
                    raise SystemExit(
                        f"{case.label}: a wall display's page answered {status}, not 200: does "
                        f"the server run the board (app.state.board)? See {log}"
                    )
                displays = Displays(port, walls, folder, name)
                try:
                    began = time.monotonic()
                    cpu_before = group_cpu_seconds(server.group), machine_busy_seconds()
                    progress = replay(
                        simulated.events,
                        url=server.base_url,
                        token=token,
                        speed=args.speed,
                        start=start,
                        until=until,
                        on_batch=on_batch,
                    )
                    ended = time.monotonic()
                    cpu_after = group_cpu_seconds(server.group), machine_busy_seconds()
                    time.sleep(SETTLE_S)
                finally:
                    received = displays.finish()
        finally:
            store.close()
    problems = tracebacks(log)
    frames_of = [[(f[0], f[1], f[2], f[3]) for f in d["frames"]] for d in received]
    carries_revision = all(f[2] is not None for frames in frames_of for f in frames)
    expected = expected_demand(sent, morning.unit_id)
    demand_result = [by_demand(sent, expected, frames) for frames in frames_of]
    demand_latencies = [s for found in demand_result for s in found[0]]
    measured = demand_measured = demand_result[0][3] if demand_result else 0
    cross_check = ""
    if carries_revision:
        found = [by_revision(sent, frames) for frames in frames_of]
        latencies = [s for one in found for s in one[0]]
        missed = sum(one[1] for one in found)
        early = sum(one[2] for one in found)
        method, measured = "revision", len(sent)
        if demand_latencies:
            cross_check = (
                f"by demand counts ({demand_measured} batches): p50 "
                f"{percentile(demand_latencies, 0.5):.3f} s, p95 "
                f"{percentile(demand_latencies, 0.95):.3f} s"
            )
    else:
        latencies = demand_latencies
        missed = sum(one[1] for one in demand_result)
        early = sum(one[2] for one in demand_result)
        method = "demand counts"
    replay_s = max(ended - began, 1e-9)
    return LatencyRun(
        method=method,
        displays=len(received),
        latencies=latencies,
        missed=missed,
        batches=len(sent),
        measured_batches=measured,
        events=progress.sent,
        stored=progress.stored,
        frames=sum(len(d["frames"]) for d in received),
        heartbeats=sum(d["heartbeats"] for d in received),
        reconnects=sum(max(0, d["connects"] - 1) for d in received),
        failures=sum(d["failure_count"] for d in received),
        early=early,
        replay_s=replay_s,
        server_cpu=(cpu_after[0] - cpu_before[0]) / replay_s,
        machine_busy=(cpu_after[1][0] - cpu_before[1][0])
        / max(cpu_after[1][1] - cpu_before[1][1], 1e-9),
        log_problems=len(problems),
        first_problem=problems[0] if problems else "",
        cross_check=cross_check,
    )


def page_status(port: int, path: str) -> int:
    """The status of one GET (the display's page: the board must be installed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def describe_latency(run: LatencyRun) -> str:
    text = (
        f"p50 {run.p50:.3f} s, p95 {run.p95:.3f} s, max {run.max:.3f} s over "
        f"{len(run.latencies):,} (batch, display) pairs, matched by {run.method} "
        f"({run.measured_batches} of {run.batches} batches); {run.events:,} events "
        f"({run.stored:,} stored) in {run.replay_s:.0f} s; {run.frames:,} frames, "
        f"{run.heartbeats:,} heartbeats, {run.reconnects} reconnections; missed {run.missed}"
    )
    extras = []
    if run.early:
        extras.append(f"{run.early} frames before the acknowledgement (counted 0 s)")
    if run.failures:
        extras.append(f"{run.failures} stream failures")
    if run.log_problems:
        extras.append(f"{run.log_problems} tracebacks in the server log ({run.first_problem})")
    if run.cross_check:
        extras.append(run.cross_check)
    extras.append(f"server CPU {run.server_cpu:.0%} of a core, machine {run.machine_busy:.0%} busy")
    return text + "; " + "; ".join(extras)


# --- ingest ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestCase:
    database: str
    workers: int
    batch_size: int
    copies: int

    @property
    def label(self) -> str:
        worker_s = "worker" if self.workers == 1 else "workers"
        sent = "once" if self.copies == 1 else "twice"
        return f"{self.database}, {self.workers} {worker_s}, {self.batch_size} × {sent}"


# One template per kind of event, filled in by plain string formatting: the senders build
# thousands of events a second and must leave the CPU to the server.
TEMPLATES = (
    '"type":"call.queued","call_id":"call-{n}"',
    '"type":"call.answered","call_id":"call-{p}"',
    '"type":"message.received","message_id":"msg-{n}","channel":"portal"',
    '"type":"message.answered","message_id":"msg-{p}"',
    '"type":"contact.started","contact_id":"con-{n}","contact_type":"R10","walk_in":true,'
    '"professional_group":"nurse"',
    '"type":"contact.finished","contact_id":"con-{p}","contact_type":"R10"',
    '"type":"contact.started","contact_id":"con-{n}","contact_type":"R50",'
    '"professional_group":"doctor"',
    '"type":"slot.booked","slot_id":"slot-{n}","professional_group":"doctor",'
    '"slot_start":"{at}","slot_kind":"nonurgent"',
    '"type":"assessment.made","assessment_id":"ass-{n}","service_area":"reception",'
    '"outcome":"nonurgent_care","age_group":"23_or_over"',
    '"type":"call.callback_requested","call_id":"call-{n}"',
)


class Batches:
    """Builds batch ``k`` of a case: ``size`` events with ids unique to the case."""

    def __init__(self, tag: str, size: int, units: Sequence[str]) -> None:
        self.tag = tag
        self.size = size
        self.units = list(units)
        today = datetime.now(HELSINKI).date()
        morning = local_moment(today, clock_time(7))
        self.times = [(morning + timedelta(seconds=7 * s)).isoformat() for s in range(4096)]

    def source_id(self, k: int, i: int) -> str:
        return f"{self.tag}:{k}:{i}"

    def body(self, k: int) -> bytes:
        parts = []
        for i in range(self.size):
            n = k * self.size + i
            at = self.times[n % len(self.times)]
            unit = self.units[n % len(self.units)]
            facts = TEMPLATES[n % len(TEMPLATES)].format(
                n=f"{self.tag}-{n}", p=f"{self.tag}-{n - 1}", at=at
            )
            parts.append(
                f'{{"source_id":"{self.source_id(k, i)}","occurred_at":"{at}",'
                f'"unit_id":"{unit}",{facts}}}'
            )
        return ('{"events":[' + ",".join(parts) + "]}").encode()


class Feed:
    """Hands batches to the senders; with ``copies`` 2, each batch's copy is next in line."""

    def __init__(self, batches: Batches, copies: int) -> None:
        self.batches = batches
        self.copies = copies
        self.stopping = False
        self._lock = threading.Lock()
        self._next = 0
        self._repeats: deque[tuple[int, int, bytes]] = deque()

    def take(self) -> tuple[int, int, bytes] | None:
        """(batch, copy, body), or None when stopping and no copy is left to send."""
        with self._lock:
            if self._repeats:
                return self._repeats.popleft()
            if self.stopping:
                return None
            k = self._next
            self._next += 1
        body = self.batches.body(k)
        with self._lock:
            self._repeats.extend((k, copy, body) for copy in range(1, self.copies))
        return k, 0, body

    def leftovers(self) -> list[tuple[int, int, bytes]]:
        """Copies no sender took before they all stopped."""
        with self._lock:
            found = list(self._repeats)
            self._repeats.clear()
            return found


@dataclass
class SenderTally:
    ack_times: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    answers: dict[int, list[int]] = field(default_factory=dict)  # batch -> "stored" per event
    acknowledged: set[int] = field(default_factory=set)  # batches
    attempted: set[int] = field(default_factory=set)
    events_sent: int = 0  # acknowledged events, copies included
    spans: dict[int, list[tuple[float, float]]] = field(default_factory=dict)  # batch -> sends
    retries: int = 0
    refused: dict[int, int] = field(default_factory=dict)  # batch -> status
    errors: dict[str, int] = field(default_factory=dict)


class Sender:
    """One keep-alive connection that posts batches until the feed runs dry."""

    def __init__(self, port: int, token: str, tally: SenderTally, lock: threading.Lock) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.tally = tally
        self.lock = lock
        self.connection: http.client.HTTPConnection | None = None

    def post(self, k: int, body: bytes, size: int) -> None:
        with self.lock:
            self.tally.attempted.add(k)
        deadline = time.monotonic() + 120
        while True:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S
                )
            started = time.monotonic()
            try:
                self.connection.request("POST", EVENTS_PATH, body=body, headers=self.headers)
                response = self.connection.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                self.connection.close()
                self.connection = None
                status, payload = 0, type(error).__name__.encode()
            if status == 200:
                results = json.loads(payload)["results"]
                done = time.monotonic()
                with self.lock:
                    flags = self.tally.answers.setdefault(k, [0] * size)
                    for i, result in enumerate(results):
                        flags[i] += result["status"] == "stored"
                    self.tally.acknowledged.add(k)
                    self.tally.ack_times.append(done)
                    self.tally.latencies.append(done - started)
                    self.tally.events_sent += len(results)
                    self.tally.spans.setdefault(k, []).append((started, done))
                return
            with self.lock:
                reason = str(status) if status else payload.decode()
                self.tally.errors[reason] = self.tally.errors.get(reason, 0) + 1
                if 400 <= status < 500 or time.monotonic() > deadline:
                    self.tally.refused[k] = status
                    return
                self.tally.retries += 1
            time.sleep(RETRY_PAUSE_S)

    def run(self, feed: Feed) -> None:
        while (taken := feed.take()) is not None:
            k, _, body = taken
            self.post(k, body, feed.batches.size)
        self.close()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass(frozen=True)
class IngestCount:
    """The store's rows of the case's source against what the senders were told."""

    acknowledged: int  # distinct events in acknowledged batches
    stored: int  # rows of the source
    lost: int  # acknowledged, not stored
    duplicated: int  # rows beyond one per source id
    unexpected: int  # stored, never sent
    answers_wrong: int  # events answered "stored" other than exactly once over their copies
    together: int  # batches whose copies were in flight at the same time

    @property
    def clean(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected or self.answers_wrong)


@dataclass
class IngestRun:
    case: IngestCase
    stored_per_second: float
    sent_per_second: float
    batches_per_second: float
    p50_ms: float
    p95_ms: float
    seconds: float
    count: IngestCount
    retries: int
    refused: int
    errors: dict[str, int]
    server_ms_per_1000: float  # the server's CPU per 1 000 events stored (all its processes)
    sender_cpu: float  # the senders' CPU, share of one core


def count_source(
    store: BoardStore, source: str, batches: Batches, tally: SenderTally
) -> IngestCount:
    with store.engine.connect() as connection:
        rows = list(connection.scalars(select(EventRow.source_id).where(EventRow.source == source)))
    stored = set(rows)
    acknowledged = {
        batches.source_id(k, i) for k in tally.acknowledged for i in range(batches.size)
    }
    sent = {batches.source_id(k, i) for k in tally.attempted for i in range(batches.size)}
    wrong = sum(
        1
        for k in tally.acknowledged
        for flag in tally.answers[k]
        if flag != 1 and not tally.retries
    )
    return IngestCount(
        acknowledged=len(acknowledged),
        stored=len(rows),
        lost=len(acknowledged - stored),
        duplicated=len(rows) - len(stored),
        unexpected=len(stored - sent),
        answers_wrong=wrong,
        together=sum(1 for spans in tally.spans.values() if overlapping(spans)),
    )


def overlapping(spans: list[tuple[float, float]]) -> bool:
    """Whether two of a batch's acknowledged sends were in flight at the same time."""
    ordered = sorted(spans)
    return any(b[0] < a[1] for a, b in zip(ordered, ordered[1:], strict=False))


def ingest_case(
    case: IngestCase,
    store: BoardStore,
    server: ServerProcess,
    units: Sequence[str],
    args: argparse.Namespace,
    number: int,
) -> IngestRun:
    source = f"bench-ingest-{case.batch_size}-{case.copies}-{number}"
    token = store.add_source(source)
    batches = Batches(f"i{case.batch_size}x{case.copies}r{number}", case.batch_size, units)
    for event in json.loads(batches.body(0))["events"][: len(TEMPLATES)]:
        parse_event(event)  # a template the API would refuse fails here, before the clock
    feed = Feed(batches, case.copies)
    tally = SenderTally()
    lock = threading.Lock()
    senders = [Sender(server.port, token, tally, lock) for _ in range(args.senders)]
    threads = [threading.Thread(target=s.run, args=(feed,)) for s in senders]
    server_cpu, own_cpu = group_cpu_seconds(server.group), process_cpu_seconds()
    go = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(args.ingest_seconds)
    feed.stopping = True
    for thread in threads:
        thread.join()
    for k, _, body in feed.leftovers():
        senders[0].post(k, body, batches.size)
    senders[0].close()
    server_cpu = group_cpu_seconds(server.group) - server_cpu
    own_cpu = process_cpu_seconds() - own_cpu
    end = max(tally.ack_times, default=go)
    window = max(end - go, 1e-9)
    counted = count_source(store, source, batches, tally)
    in_window = len(tally.ack_times)
    return IngestRun(
        case=case,
        stored_per_second=counted.stored / window,
        sent_per_second=tally.events_sent / window,
        batches_per_second=in_window / window,
        p50_ms=percentile(tally.latencies, 0.5) * 1000,
        p95_ms=percentile(tally.latencies, 0.95) * 1000,
        seconds=window,
        count=counted,
        retries=tally.retries,
        refused=len(tally.refused),
        errors=tally.errors,
        server_ms_per_1000=1e6 * server_cpu / max(counted.stored, 1),
        sender_cpu=own_cpu / max(time.monotonic() - go, 1e-9),
    )


def process_cpu_seconds() -> float:
    """This process's CPU seconds so far (the sender threads, while they run)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ingest_server(
    database: str,
    workers: int,
    county: County,
    args: argparse.Namespace,
    folder: Path,
    number: int,
) -> tuple[list[IngestRun], int, str]:
    """One server over a fresh store; every batch size, sent once and twice."""
    keys = {name: secrets.token_urlsafe(32) for name in ("session", "phone", "webhook")}
    units = [unit for unit, area in county.units if area == "reception"] or ["bench-unit"]
    runs = []
    name = f"ingest-{database}-{workers}-{number}"
    with temporary_database(database, folder) as url:
        store = BoardStore.open(url)
        try:
            port = free_port()
            log = folder / f"server-{name}.log"
            log.write_bytes(b"")
            settings = server_settings(url, county, folder, port, keys)
            with ServerProcess(port, workers, settings, folder, log) as server:
                server.wait_until_ready()
                for size in args.batch_sizes:
                    for copies in (1, 2):
                        case = IngestCase(database, workers, size, copies)
                        run = ingest_case(case, store, server, units, args, number)
                        print(f"  [{case.label}] {describe_ingest(run)}", flush=True)
                        runs.append(run)
        finally:
            store.close()
    problems = tracebacks(log)
    return runs, len(problems), problems[0] if problems else ""


def describe_ingest(run: IngestRun) -> str:
    c = run.count
    text = (
        f"{run.stored_per_second:,.0f} events/s stored ({run.sent_per_second:,.0f}/s sent, "
        f"{run.batches_per_second:,.1f} batches/s), p50 {run.p50_ms:.0f} ms, p95 "
        f"{run.p95_ms:.0f} ms; {c.acknowledged:,} acknowledged, {c.stored:,} rows, "
        f"lost {c.lost}, duplicated {c.duplicated}"
    )
    extras = []
    if run.case.copies > 1:
        extras.append(f"{c.together:,} batches with both copies in flight together")
    extras += [
        f"server CPU {run.server_ms_per_1000:.0f} ms per 1 000 events, senders "
        f"{run.sender_cpu:.0%} of a core"
    ]
    if c.unexpected:
        extras.append(f"{c.unexpected} stored unsent")
    if c.answers_wrong:
        extras.append(f"{c.answers_wrong} events not answered 'stored' exactly once")
    if run.retries:
        extras.append(f"{run.retries} retries")
    if run.refused:
        extras.append(f"{run.refused} batches refused")
    if run.errors:
        extras.append("errors " + ", ".join(f"{k}×{v}" for k, v in sorted(run.errors.items())))
    return text + "; " + "; ".join(extras)


# --- printing and goals ---------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_latency_table(results: dict[LatencyCase, list[LatencyRun]]) -> None:
    header = ("p50 s", "p95 s", "max s", "pairs", "batches", "events", "frames", "reconn",
              "missed", "cpu")  # fmt: skip
    print(f"\n{'event-to-screen latency':<28}" + "".join(f"{h:>9}" for h in header))
    for case, runs in results.items():
        figures = [
            f"{median([r.p50 for r in runs]):.3f}",
            f"{median([r.p95 for r in runs]):.3f}",
            f"{median([r.max for r in runs]):.3f}",
            f"{sum(len(r.latencies) for r in runs):,}",
            f"{sum(r.batches for r in runs):,}",
            f"{sum(r.events for r in runs):,}",
            f"{sum(r.frames for r in runs):,}",
            f"{sum(r.reconnects for r in runs)}",
            f"{sum(r.missed for r in runs)}",
            f"{median([r.server_cpu for r in runs]):.0%}",
        ]
        print(f"{case.label:<28}" + "".join(f"{f:>9}" for f in figures))
    print(
        "(p50/p95/max and cpu: medians over the runs; the rest: totals. pairs: (batch, "
        "display) latencies measured; missed: pairs whose frame never came; reconn: streams "
        "reopened after the server ended them; cpu: the server's CPU over the replay, share of "
        "one core.)"
    )


def print_ingest_table(results: dict[IngestCase, list[IngestRun]]) -> None:
    header = ("stored/s", "sent/s", "p50 ms", "p95 ms", "cpu ms", "rows", "lost", "dup", "retries")
    print(f"\n{'event API ingest':<36}" + "".join(f"{h:>10}" for h in header))
    for case, runs in results.items():
        figures = [
            f"{median([r.stored_per_second for r in runs]):,.0f}",
            f"{median([r.sent_per_second for r in runs]):,.0f}",
            f"{median([r.p50_ms for r in runs]):.0f}",
            f"{median([r.p95_ms for r in runs]):.0f}",
            f"{median([r.server_ms_per_1000 for r in runs]):.0f}",
            f"{sum(r.count.stored for r in runs):,}",
            f"{sum(r.count.lost for r in runs)}",
            f"{sum(r.count.duplicated for r in runs)}",
            f"{sum(r.retries for r in runs)}",
        ]
        print(f"{case.label:<36}" + "".join(f"{f:>10}" for f in figures))
    print(
        "(stored/s, sent/s and latencies: medians over the runs; the rest: totals. stored/s: "
        "distinct events stored per second; sent/s: events acknowledged per second, copies "
        "included; latency: one batch's request; cpu ms: the server's CPU per 1 000 events "
        "stored, all its processes, PostgreSQL not included.)"
    )


def goals(
    latency: dict[LatencyCase, list[LatencyRun]],
    ingest: dict[IngestCase, list[IngestRun]],
    ingest_problems: int,
    quick: bool,
) -> list[tuple[bool, str]]:
    found: list[tuple[bool, str]] = []
    cores = os.cpu_count()
    for case, runs in latency.items():
        missed = sum(r.missed for r in runs)
        pairs = sum(len(r.latencies) + r.missed for r in runs)
        problems = sum(r.log_problems for r in runs)
        found.append(
            (
                missed == 0 and pairs > 0 and problems == 0,
                f"{case.label}: every display received every batch ({missed} of {pairs:,} "
                f"(batch, display) pairs missed, {problems} tracebacks in the server log)",
            )
        )
        if quick:
            continue
        p95 = median([r.p95 for r in runs])
        found.append(
            (
                p95 < GOAL_P95_S,
                f"{case.label}: event-to-screen p95 < {GOAL_P95_S:g} s with "
                f"{runs[0].displays} displays on {cores} cores ({p95:.3f} s, median of "
                f"{len(runs)})",
            )
        )
    if ingest:
        every = [r for runs in ingest.values() for r in runs]
        dirty = [
            case.label for case, runs in ingest.items() if any(not r.count.clean for r in runs)
        ]
        lost = sum(r.count.lost for r in every)
        duplicated = sum(r.count.duplicated for r in every)
        refused = sum(r.refused for r in every)
        text = (
            f"ingest: zero events lost or duplicated, verified by counting rows, in "
            f"{len(every)} runs (lost {lost}, duplicated {duplicated}, refused batches "
            f"{refused}, {ingest_problems} tracebacks in the server logs)"
        )
        if dirty:
            text += f"; not clean: {', '.join(dirty)}"
        found.append((not dirty and not refused and not ingest_problems, text))
    return found


# --- main -----------------------------------------------------------------------------------


def clock(text: str) -> clock_time:
    return clock_time.fromisoformat(text)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run (CI)")
    parser.add_argument("--part", choices=("latency", "ingest", "both"), default="both")
    parser.add_argument("--database", choices=(*DATABASES, "both"), default="both")
    parser.add_argument(
        "--workers", type=int, nargs="+", help="server worker counts to measure (default 1 2)"
    )
    parser.add_argument(
        "--runs", type=int, help="runs per case; medians reported (default: latency 1, ingest 3)"
    )
    parser.add_argument(
        "--persons", type=int, default=3000, help="persons of the county (default %(default)s)"
    )
    parser.add_argument("--unit", help="the unit to replay (default: the busiest morning)")
    parser.add_argument("--displays", type=int, default=50, help="wall displays (default 50)")
    parser.add_argument(
        "--unit-sets", type=int, default=5, help="unit sets the displays show (default 5)"
    )
    parser.add_argument("--speed", type=float, help="replay speed (default 10; quick 720)")
    parser.add_argument("--from", dest="start", type=clock, help="replay from (default 07:00)")
    parser.add_argument("--until", type=clock, help="replay until (default 12:00; quick 09:00)")
    parser.add_argument("--senders", type=int, default=4, help="ingest senders (default 4)")
    parser.add_argument(
        "--batch-sizes", type=int, nargs="+", default=[100, 1000], help="(default 100 1000)"
    )
    parser.add_argument(
        "--ingest-seconds", type=float, help="seconds per ingest case (default 10; quick 2)"
    )
    parser.add_argument("--workdir", type=Path, help="keep the run's files (server logs) here")
    args = parser.parse_args(argv)
    args.workers = args.workers or ([1] if args.quick else [1, 2])
    args.speed = args.speed or (720.0 if args.quick else 10.0)
    args.start = args.start or clock_time(7)
    args.until = args.until or (clock_time(9) if args.quick else clock_time(12))
    args.ingest_seconds = args.ingest_seconds or (2.0 if args.quick else 10.0)
    args.latency_runs = args.runs or 1
    args.ingest_runs = args.runs or (1 if args.quick else 3)
    if args.persons <= 0:
        parser.error("--persons must be positive: the replay needs a county")
    if args.until <= args.start:
        parser.error("--until must be after --from")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    databases = DATABASES if args.database == "both" else (args.database,)
    minutes = (
        (datetime.combine(date.min, args.until) - datetime.combine(date.min, args.start))
        / timedelta(minutes=1)
        / args.speed
    )
    print(
        f"board benchmark: {os.cpu_count()} cores; latency: {args.displays} wall displays, "
        f"{args.start:%H:%M}–{args.until:%H:%M} replayed at {args.speed:g}× "
        f"({minutes:.1f} min per run, {args.latency_runs} run(s) per case); ingest: "
        f"{args.senders} senders, batches of {', '.join(map(str, args.batch_sizes))}, "
        f"{args.ingest_seconds:g} s per case, {args.ingest_runs} run(s)",
        flush=True,
    )
    busy = idle_check()
    note = " (other work is running: the figures are pessimistic)" if busy > 0.15 else ""
    print(f"machine CPU in use before the benchmark: {busy:.0%}{note}", flush=True)
    latency: dict[LatencyCase, list[LatencyRun]] = {}
    ingest: dict[IngestCase, list[IngestRun]] = {}
    ingest_problems = 0
    with tempfile.TemporaryDirectory(prefix="bench-board-") as temporary:
        folder = Path(args.workdir or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        county = prepare_county(args.persons, folder)
        if args.part in ("latency", "both"):
            morning = choose_morning(county, args)
            print(
                f"replaying {morning.unit_id}, its busiest day {morning.day} "
                f"({morning.events_inside} events {args.start:%H:%M}–{args.until:%H:%M}, "
                "plus the backlog sent at once)",
                flush=True,
            )
            for database in databases:
                for workers in args.workers:
                    case = LatencyCase(database, workers)
                    latency[case] = []
                    for number in range(1, args.latency_runs + 1):
                        print(
                            f"[latency {case.label}] run {number}/{args.latency_runs}", flush=True
                        )
                        run = latency_run(case, county, morning, number, args, folder)
                        latency[case].append(run)
                        print(f"    {describe_latency(run)}", flush=True)
        if args.part in ("ingest", "both"):
            for database in databases:
                for workers in args.workers:
                    for number in range(1, args.ingest_runs + 1):
                        print(f"[ingest {database}, {workers} workers] run {number}", flush=True)
                        runs, problems, first = ingest_server(
                            database, workers, county, args, folder, number
                        )
                        if problems:
                            print(f"    {problems} tracebacks in the server log ({first})")
                        ingest_problems += problems
                        for one in runs:
                            ingest.setdefault(one.case, []).append(one)
    if latency:
        print_latency_table(latency)
    if ingest:
        print_ingest_table(ingest)
    print("\ngoals:")
    checked = goals(latency, ingest, ingest_problems, args.quick)
    for passed, text in checked:
        print(f"  [{'PASS' if passed else 'FAIL'}] {text}")
    return 0 if all(passed for passed, _ in checked) else 1


if __name__ == "__main__":
    sys.exit(main())
