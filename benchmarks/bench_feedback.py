"""Benchmark: sustained feedback answers per second, with the server killed mid-run.

Run from the repository root::

    uv run python -m benchmarks.bench_feedback [--quick] [--database sqlite|postgresql|both]
                                               [--channel web|sms|both] [--seconds S]
                                               [--workers N [N ...]] [--runs R]
                                               [--persons N] [--invitations N]
                                               [--clients C] [--connections K]

For every database (an SQLite file; a temporary PostgreSQL database on 127.0.0.1:5432, user
postgres, dropped afterwards), every channel and every worker count, each of ``--runs`` runs:

1. makes an empty store and, through ``FeedbackStore``, ``--invitations`` invitations (20 000,
   about ten days at the default daily cap; the same number in every run, because the live
   indicators read them all): web invitations with their one-time link tokens, SMS
   invitations to distinct fake numbers marked sent (``benchmarks/feedback_database.py``);
2. starts ``tilannekuva serve --workers N`` as its own process group on a free port
   (``benchmarks/feedback_server.py``) and warms it up with a few answers;
3. starts ``--clients`` load processes (``benchmarks/feedback_load.py``: asyncio, keep-alive
   connections; the docstring says why not wrk), which answer as fast as the server
   acknowledges: ``POST /f/{token}`` with the form's fields (``nps``, the service's
   statements, ``comment``), or ``POST /api/v1/sms/inbound`` with the gateway's JSON and its
   bearer secret;
4. at 40 % of ``--seconds`` kills the whole server with SIGKILL and starts it again at once;
   every answer that was not acknowledged — in flight when the server died, refused while it
   was down — is sent again, unchanged (same token, same message id), until it is;
5. after ``--seconds`` stops handing out new answers, lets the clients finish the ones in
   flight, stops the server, and counts in the database: every acknowledged answer stored
   exactly once with the score sent, nothing stored that was not sent, no invitation with
   two answers, and for SMS no reply stored twice.

Printed per case (medians over the runs): answers per second over the whole run including the
restart ("sustained"), the same excluding the seconds the server was down ("between
restarts"), p50 and p95 latency of acknowledged requests, and totals over the runs of
acknowledgements, retries, restarts, lost, duplicated and refused answers. The goal of
issue 4 is at least 500 sustained answers per second with 2 workers on a 2-core machine, for
every database and channel, with zero answers lost or duplicated; the exit status is 1 when
it fails. With ``--quick`` (a short smoke run for CI) only the counting is a goal.

The server shows a small synthetic county (``--persons``, default 3 000, seed 7, generated
and loaded once per invocation) and the invitations are for its units, so the live feedback
indicators are recomputed while the answers arrive, as in production (each worker polls the
store every second and recomputes when it changed); a restart includes building the county's
snapshot. ``--persons 0`` serves no warehouse: the answer path alone, and a restart that is
only the interpreter's start-up.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.feedback_database import (
    PLAIN_UNITS,
    Count,
    count,
    postgres_sessions,
    seed,
    temporary_database,
)
from benchmarks.feedback_load import Item, request_bytes
from benchmarks.feedback_server import (
    LISTENING,
    ServerProcess,
    free_port,
    group_cpu_seconds,
    machine_busy_seconds,
)
from tilannekuva.ingest import load_extract
from tilannekuva.synth import generate_extract
from tilannekuva.warehouse import connect

COUNTY_SEED = 7
EXCLUDED_AREAS = ("mental",)  # never asked for feedback (the default policy)
GOAL_PER_SECOND = 500.0
GOAL_WORKERS = 2
KILL_AT = 0.4  # of the run's seconds
STEADY_FROM = 0.7  # CPU use is measured from here (or from when the restarted server answers)
INVITATIONS = 20_000  # per run: about ten days at the default daily cap of 2 000
QUICK_INVITATIONS = 4_000
WARM_UP_PER_WORKER = 20
CLIENT_SCRIPT = Path(__file__).with_name("feedback_load.py")
DATABASES = ("sqlite", "postgresql")
CHANNELS = ("web", "sms")


@dataclass(frozen=True)
class Case:
    database: str
    channel: str
    workers: int

    @property
    def label(self) -> str:
        worker_s = "worker" if self.workers == 1 else "workers"
        return f"{self.database} {self.channel}, {self.workers} {worker_s}"


@dataclass
class RunResult:
    """One run of one case."""

    per_second: float  # whole window, the outage included
    between_restarts: float  # the window without the outage
    outage_s: float  # from the kill to the first acknowledgement of the new server
    p50_ms: float
    p95_ms: float
    acknowledged: int
    retries: int  # attempts after an answer's first (refused connections included)
    retried_answers: int  # answers that needed more than one attempt
    restarts: int
    refused: int  # 4xx answers: the server said no for good
    unacknowledged: int  # still failing when the clients gave up
    server_errors: dict[str, int]
    pool_exhausted: bool
    count: Count
    log_problems: int  # tracebacks in the server's log
    first_problem: str  # the last line of the first one
    client_cpu: float  # CPU seconds the load clients used, per second of load
    server_ms_per_answer: float  # the server's CPU per answer, near the end of the run
    machine_busy: float  # share of the machine's CPU in use then (all cores)
    postgres_sessions: int | None  # connections PostgreSQL opened to the run's database

    @property
    def clean(self) -> bool:
        return self.count.clean and not self.refused and not self.unacknowledged


@dataclass
class CaseResult:
    case: Case
    runs: list[RunResult] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(getattr(run, name) for run in self.runs)

    def total(self, name: str) -> int:
        return sum(getattr(run, name) for run in self.runs)

    def total_count(self, name: str) -> int:
        return sum(getattr(run.count, name) for run in self.runs)


@dataclass(frozen=True)
class County:
    """The warehouse the server shows, and the units the invitations are for."""

    warehouse: Path
    units: tuple[tuple[str, str | None], ...]
    persons: int


def prepare_county(persons: int, folder: Path) -> County:
    """A small synthetic county, generated and loaded once (``persons`` 0: no warehouse)."""
    if persons == 0:
        return County(folder / "no-warehouse.duckdb", PLAIN_UNITS, 0)
    warehouse = folder / "county" / "warehouse.duckdb"
    if not warehouse.is_file():
        started = time.perf_counter()
        extract = folder / "county" / "extract"
        generate_extract(extract, persons=persons, seed=COUNTY_SEED, workers=1)
        load_extract(extract, warehouse)
        took = time.perf_counter() - started
        print(f"county of {persons:,} persons generated and loaded in {took:.1f} s", flush=True)
    connection = connect(warehouse, read_only=True)
    try:
        found = connection.execute(
            "SELECT unit_id, service_area FROM units ORDER BY unit_id"
        ).fetchall()
    finally:
        connection.close()
    units = tuple((str(u), a) for u, a in found if a not in EXCLUDED_AREAS)
    return County(warehouse, units, persons)


def server_settings(
    url: str, county: County, folder: Path, port: int, secrets_: dict[str, str]
) -> dict[str, str]:
    """The server's ``TILANNEKUVA_*`` environment (see docs/operations.md)."""
    return {
        "TILANNEKUVA_DATA_DIR": str(folder / "server-data"),
        "TILANNEKUVA_WAREHOUSE": str(county.warehouse),
        "TILANNEKUVA_DATABASE_URL": url,
        "TILANNEKUVA_SECRET_KEY": secrets_["session"],
        "TILANNEKUVA_FEEDBACK_KEY": secrets_["phone"],
        "TILANNEKUVA_SMS_WEBHOOK_SECRET": secrets_["webhook"],
        "TILANNEKUVA_FEEDBACK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "TILANNEKUVA_LOG_LEVEL": "WARNING",
    }


def send_until_acknowledged(port: int, item: Item, attempts: int = 50) -> int:
    """One answer with a plain blocking connection (the warm-up); its final status."""
    raw = request_bytes(item, f"127.0.0.1:{port}")
    head, body = raw.split(b"\r\n\r\n", 1)
    headers = dict(
        line.split(": ", 1) for line in head.decode("ascii").split("\r\n")[1:] if ": " in line
    )
    status = 0
    for _ in range(attempts):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("POST", item.path, body=body, headers=headers)
            status = connection.getresponse().status
        except OSError:
            status = 0
        finally:
            connection.close()
        if 0 < status < 500:
            return status
        time.sleep(0.1)
    return status


class Clients:
    """The load processes of one run, each with its share of the answers."""

    def __init__(
        self, items: list[Item], processes: int, connections: int, port: int, folder: Path
    ) -> None:
        self.results: list[Path] = []
        self._processes: list[subprocess.Popen[bytes]] = []
        per_process = max(1, connections // processes)
        for n in range(processes):
            items_file = folder / f"client-{n}.jsonl"
            items_file.write_text(
                "".join(item.to_json() + "\n" for item in items[n::processes]), "utf-8"
            )
            result = folder / f"client-{n}.json"
            result.unlink(missing_ok=True)
            self.results.append(result)
            command = [
                sys.executable, str(CLIENT_SCRIPT), str(items_file), str(result), str(port),
                str(per_process),
            ]  # fmt: skip
            self._processes.append(
                subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            )
        for process in self._processes:
            assert process.stdout is not None
            if process.stdout.readline().strip() != b"ready":
                raise SystemExit("a load client did not start")

    def say(self, word: str) -> None:
        for process in self._processes:
            assert process.stdin is not None
            process.stdin.write(word.encode("ascii") + b"\n")
            process.stdin.flush()

    def finish(self) -> list[dict[str, Any]]:
        for process in self._processes:
            assert process.stdin is not None
            process.stdin.close()
            if process.wait(timeout=300) != 0:
                raise SystemExit("a load client failed")
        return [json.loads(path.read_text("utf-8")) for path in self.results]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def longest_gap(times: list[float], start: float, end: float) -> float:
    """The longest stretch without an acknowledgement in ``[start, end]``: how long the
    killed server was away (answers already in flight may still arrive just after the kill)."""
    inside = [start, *(t for t in times if start < t < end), end]
    return max(b - a for a, b in zip(inside, inside[1:], strict=False))


def one_run(
    case: Case, county: County, number: int, args: argparse.Namespace, folder: Path
) -> RunResult:
    """Seed, serve, load, kill and restart, drain, count."""
    seconds = args.seconds
    keys = {"session": secrets.token_urlsafe(32), "phone": secrets.token_urlsafe(32)}
    keys["webhook"] = secrets.token_urlsafe(32)
    warm_up = WARM_UP_PER_WORKER * case.workers
    pool = args.invitations
    with temporary_database(case.database, folder) as url:
        started = time.perf_counter()
        items, expected = seed(
            url,
            case.channel,
            pool,
            units=county.units,
            phone_secret=keys["phone"],
            webhook_secret=keys["webhook"],
        )
        took = time.perf_counter() - started
        print(f"    {pool:,} invitations made in {took:.1f} s", flush=True)
        port = free_port()
        name = f"{case.database}-{case.channel}-{case.workers}-{number}"
        log = folder / f"server-{name}.log"
        log.write_bytes(b"")
        settings = server_settings(url, county, folder, port, keys)
        acknowledged: set[str] = set()
        with ServerProcess(port, case.workers, settings, folder, log) as server:
            server.wait_until_ready()
            for item in items[:warm_up]:
                status = send_until_acknowledged(port, item)
                if not 200 <= status < 400:
                    raise SystemExit(
                        f"{case.label}: the warm-up answer was refused with {status}; see {log}"
                    )
                acknowledged.add(item.key)
            clients = Clients(items[warm_up:], args.clients, args.connections, port, folder)
            go = time.monotonic()
            clients.say("go")
            time.sleep(seconds * KILL_AT)
            killed = time.monotonic()
            server.restart()
            server.wait_until_ready(LISTENING)  # answers are taken before the numbers exist
            back = time.monotonic()
            time.sleep(
                max(0.0, min(go + seconds, max(back + 0.5, go + seconds * STEADY_FROM)) - back)
            )
            steady = time.monotonic()
            steady_cpu = group_cpu_seconds(server.group), machine_busy_seconds()
            time.sleep(max(0.0, go + seconds - time.monotonic()))
            stop = time.monotonic()
            stop_cpu = group_cpu_seconds(server.group), machine_busy_seconds()
            clients.say("stop")
            tallies = clients.finish()
            finished = time.monotonic()
            restarts = server.restarts
        acked_times = sorted(t for tally in tallies for t in tally["ack_times"])
        for tally in tallies:
            acknowledged.update(tally["acked"])
        latencies = [s for tally in tallies for s in tally["latencies"]]
        exhausted = any(tally["unsent"] == 0 for tally in tallies)
        end = stop
        if exhausted and acked_times:
            end = min(stop, acked_times[-1])
        in_window = sum(1 for t in acked_times if go <= t <= end)
        in_steady = sum(1 for t in acked_times if steady <= t <= stop)
        outage = longest_gap(acked_times, killed, end)
        counted = count(url, case.channel, acknowledged, expected)
        sessions = postgres_sessions(url)
    problems = tracebacks(log)
    errors: dict[str, int] = {}
    for tally in tallies:
        for status, n in tally["server_errors"].items():
            errors[status] = errors.get(status, 0) + n
    window = max(end - go, 1e-9)
    return RunResult(
        per_second=in_window / window,
        between_restarts=in_window / max(window - outage, 1e-9),
        outage_s=outage,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        acknowledged=len(acknowledged),
        retries=sum(tally["retries"] for tally in tallies),
        retried_answers=sum(tally["retried_answers"] for tally in tallies),
        restarts=restarts,
        refused=sum(len(tally["rejected"]) for tally in tallies),
        unacknowledged=sum(len(tally["unacknowledged"]) for tally in tallies),
        server_errors=errors,
        pool_exhausted=exhausted,
        count=counted,
        log_problems=len(problems),
        first_problem=problems[0] if problems else "",
        client_cpu=sum(tally["cpu_seconds"] for tally in tallies) / (finished - go),
        server_ms_per_answer=(
            1000 * (stop_cpu[0] - steady_cpu[0]) / in_steady if in_steady else float("nan")
        ),
        machine_busy=(stop_cpu[1][0] - steady_cpu[1][0])
        / max(stop_cpu[1][1] - steady_cpu[1][1], 1e-9),
        postgres_sessions=sessions,
    )


def tracebacks(log: Path) -> list[str]:
    """The closing line (the exception) of every traceback in a server log."""
    found = []
    inside = False
    for line in log.read_text("utf-8", errors="replace").splitlines():
        if line.startswith("Traceback"):
            inside = True
        elif inside and line and not line.startswith((" ", "\t", "Traceback", "During", "The ")):
            found.append(line.strip())
            inside = False
    return found


def milliseconds(value: float) -> str:
    """Two decimals, or a dash when the run was too short to measure after the restart."""
    return "—" if math.isnan(value) else f"{value:.2f}"


def describe_run(run: RunResult) -> str:
    c = run.count
    text = (
        f"{run.per_second:,.0f}/s ({run.between_restarts:,.0f}/s between restarts, "
        f"down {run.outage_s:.1f} s), p50 {run.p50_ms:.1f} ms, p95 {run.p95_ms:.1f} ms, "
        f"{run.acknowledged:,} acknowledged, {c.stored:,} stored, {run.retried_answers:,} "
        f"answers retried ({run.retries:,} attempts), "
        f"lost {c.lost}, duplicated {c.duplicated}"
    )
    extras = []
    if c.unexpected:
        extras.append(f"{c.unexpected} stored unsent")
    if c.wrong:
        extras.append(f"{c.wrong} with another score")
    if c.stored_unacknowledged:
        extras.append(f"{c.stored_unacknowledged} stored unacknowledged")
    if run.refused:
        extras.append(f"{run.refused} refused (4xx)")
    if run.unacknowledged:
        extras.append(f"{run.unacknowledged} never acknowledged")
    if c.unprocessed:
        extras.append(f"{c.unprocessed} SMS replies not processed")
    if run.server_errors:
        extras.append("5xx " + ", ".join(f"{k}×{v}" for k, v in sorted(run.server_errors.items())))
    if run.log_problems:
        extras.append(f"{run.log_problems} tracebacks in the server log ({run.first_problem})")
    if run.pool_exhausted:
        extras.append("ran out of invitations: the rate is a lower bound")
    if run.postgres_sessions is not None:
        extras.append(f"{run.postgres_sessions:,} PostgreSQL connections opened")
    extras.append(
        f"server CPU {milliseconds(run.server_ms_per_answer)} ms per answer, machine "
        f"{run.machine_busy:.0%} busy, load clients {run.client_cpu:.0%} of a core"
    )
    return text + "; " + "; ".join(extras)


HEADER = (
    "case", "answers/s", "between", "down s", "p50 ms", "p95 ms", "cpu ms", "acked", "retried",
    "restarts", "lost", "dup", "refused",
)  # fmt: skip


def print_table(results: list[CaseResult]) -> None:
    first, *rest = HEADER
    print(f"\n{first:<28}" + "".join(f"{name:>10}" for name in rest))
    for result in results:
        if not result.runs:
            continue
        figures = [
            f"{result.median('per_second'):,.0f}",
            f"{result.median('between_restarts'):,.0f}",
            f"{result.median('outage_s'):.1f}",
            f"{result.median('p50_ms'):.1f}",
            f"{result.median('p95_ms'):.1f}",
            milliseconds(result.median("server_ms_per_answer")),
            f"{result.total('acknowledged'):,}",
            f"{result.total('retried_answers'):,}",
            f"{result.total('restarts')}",
            f"{result.total_count('lost')}",
            f"{result.total_count('duplicated')}",
            f"{result.total('refused')}",
        ]
        print(f"{result.case.label:<28}" + "".join(f"{f:>10}" for f in figures))
    print(
        "(answers/s to cpu ms: medians over the runs; the rest: totals over them. answers/s "
        "counts the whole run, the killed server's downtime included; between: without the "
        "downtime; down s: from the kill to the restarted server's first acknowledgement; "
        "cpu ms: the server's CPU per answer after the restart (all workers, PostgreSQL not "
        "included); retried: answers sent more than once; refused: answers the server said "
        "4xx to.)"
    )


def goals(results: list[CaseResult], quick: bool) -> list[tuple[bool, str]]:
    found: list[tuple[bool, str]] = []
    runs = [run for result in results for run in result.runs]
    dirty = [r.case.label for r in results if any(not run.clean for run in r.runs)]
    lost = sum(run.count.lost for run in runs)
    duplicated = sum(run.count.duplicated for run in runs)
    text = (
        f"zero answers lost or duplicated, verified by counting, in {len(runs)} runs with "
        f"{sum(run.restarts for run in runs)} kills (lost {lost}, duplicated {duplicated})"
    )
    if dirty:
        text += f"; not clean: {', '.join(dirty)}"
    found.append((not dirty and bool(runs), text))
    if quick:
        return found
    cores = os.cpu_count()
    for result in results:
        if result.case.workers != GOAL_WORKERS or not result.runs:
            continue
        rate = result.median("per_second")
        found.append(
            (
                rate >= GOAL_PER_SECOND,
                f"{result.case.label}: >= {GOAL_PER_SECOND:.0f} answers/s on {cores} cores "
                f"({rate:,.0f}/s, median of {len(result.runs)})",
            )
        )
    if not any(r.case.workers == GOAL_WORKERS for r in results):
        found.append((False, f"the rate goal needs a run with {GOAL_WORKERS} workers"))
    return found


def idle_check(seconds: float = 3.0) -> float:
    """The share of the machine's CPU in use over a few seconds, before anything starts."""
    before = machine_busy_seconds()
    time.sleep(seconds)
    after = machine_busy_seconds()
    return (after[0] - before[0]) / max(after[1] - before[1], 1e-9)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run (CI)")
    parser.add_argument("--database", choices=(*DATABASES, "both"), default="both")
    parser.add_argument("--channel", choices=(*CHANNELS, "both"), default="both")
    parser.add_argument("--seconds", type=float, help="seconds of load per run (default 20)")
    parser.add_argument(
        "--workers", type=int, nargs="+", help="server worker counts to measure (default 1 2)"
    )
    parser.add_argument("--runs", type=int, help="runs per case; medians reported (default 3)")
    parser.add_argument("--clients", type=int, default=2, help="load processes (default 2)")
    parser.add_argument(
        "--connections", type=int, default=32, help="connections over all clients (default 32)"
    )
    parser.add_argument(
        "--persons",
        type=int,
        default=3000,
        help="persons of the county the server shows; 0: no warehouse (default %(default)s)",
    )
    parser.add_argument(
        "--invitations",
        type=int,
        help=f"invitations per run (default {INVITATIONS:,}; quick {QUICK_INVITATIONS:,})",
    )
    parser.add_argument("--workdir", type=Path, help="keep the run's files (server logs) here")
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (4.0 if args.quick else 20.0)
    args.workers = args.workers or ([1] if args.quick else [1, 2])
    args.runs = args.runs or (1 if args.quick else 3)
    args.invitations = args.invitations or (QUICK_INVITATIONS if args.quick else INVITATIONS)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    databases = DATABASES if args.database == "both" else (args.database,)
    channels = CHANNELS if args.channel == "both" else (args.channel,)
    cases = [Case(d, c, w) for d in databases for c in channels for w in args.workers]
    print(
        f"feedback load benchmark: {os.cpu_count()} cores, {args.runs} run(s) of "
        f"{args.seconds:g} s per case, {args.clients} client processes with "
        f"{args.connections} connections in all; the server is killed (SIGKILL) and "
        f"restarted at {args.seconds * KILL_AT:g} s of every run",
        flush=True,
    )
    busy = idle_check()
    note = " (other work is running: the figures are pessimistic)" if busy > 0.15 else ""
    print(f"machine CPU in use before the benchmark: {busy:.0%}{note}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-feedback-") as temporary:
        folder = Path(args.workdir or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        county = prepare_county(args.persons, folder)
        for case in cases:
            result = CaseResult(case)
            for number in range(1, args.runs + 1):
                print(f"[{case.label}] run {number}/{args.runs}", flush=True)
                run = one_run(case, county, number, args, folder)
                result.runs.append(run)
                print(f"    {describe_run(run)}", flush=True)
            results.append(result)
    print_table(results)
    print("\ngoals:")
    checked = goals(results, args.quick)
    for passed, text in checked:
        print(f"  [{'PASS' if passed else 'FAIL'}] {text}")
    return 0 if all(passed for passed, _ in checked) else 1


if __name__ == "__main__":
    sys.exit(main())
