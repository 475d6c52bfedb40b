"""Benchmark: page and API latency of the web app under concurrent load from ``wrk``.

Run from the repository root::

    uv run python -m benchmarks.bench_web [--persons N | --warehouse PATH]
                                          [--duration S] [--connections C] [--threads T]

It loads a synthetic county of ``--persons`` persons into a temporary warehouse (or reuses
``--warehouse``), starts ``tilannekuva serve`` over it as a separate process (one uvicorn
worker, as the default settings run it), waits until the current load's snapshot is built,
warms every route up, then drives each route in turn with ``wrk`` (``-t T -c C -d S``). A Lua
script makes wrk print the 50th, 95th and 99th latency percentiles. Printed: one line per
route with median, p95 and p99 latency in milliseconds, requests per second and failed
requests, and the goal of issue 3: p95 under 200 ms for every page at the default county's
size. The exit status is 1 when that goal fails, so the script can gate a CI job; the test
suite never runs it (the figures depend on the machine).

Signed-in pages are measured too: the script adds an analyst to the server's operational store
and signs in through the real form, then sends the session cookie with wrk's requests.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tilannekuva.ingest import load_extract
from tilannekuva.synth import DEFAULT_PERSONS, generate_extract
from tilannekuva.warehouse import connect
from tilannekuva.web.accounts import AccountStore, UserExists

SEED = 2025
GOAL_P95_MS = 200.0
READY_SECONDS = 900.0  # the first snapshot of a 1 M county takes minutes
SESSION_COOKIE = "tilannekuva_session"
ANALYST = ("bench.analyst", "benchmark-password-not-secret")
WRK = shutil.which("wrk") or "/usr/bin/wrk"

# wrk calls done() once at the end; latency is in microseconds.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    '{"requests": %d, "micros": %d, "p50": %d, "p95": %d, "p99": %d, "errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors))
end
"""


@dataclass(frozen=True)
class Route:
    """One address to measure; ``kind`` is page, api or export (only pages have the goal)."""

    label: str
    kind: str
    path: str
    signed_in: bool = False


@dataclass(frozen=True)
class Result:
    """wrk's figures for one route, or why there are none (``missing``): the route did not
    answer as expected during warm-up, or no request finished within the run."""

    route: Route
    missing: str | None = None
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    per_second: float = 0.0
    errors: int = 0


def routes(unit_id: str) -> list[Route]:
    """Every page type, the main API routes and the bulk export, in the order measured."""
    indicator = "/indicators/care_guarantee_7d"
    return [
        Route("scorecard", "page", "/"),
        Route("scorecard (sv)", "page", "/?lang=sv"),
        Route("indicator list", "page", "/indicators"),
        Route("indicator, quarters by unit", "page", f"{indicator}?period=quarter&scope=unit"),
        Route(
            "indicator, months by municipality",
            "page",
            f"{indicator}?period=month&scope=municipality",
        ),
        Route("unit list", "page", "/units"),
        Route("unit page", "page", f"/units/{unit_id}"),
        Route("data quality", "page", "/quality"),
        Route("load history", "page", "/loads"),
        Route("sign-in form", "page", "/signin"),
        Route("embedded scorecard", "page", "/embed/scorecard"),
        Route("not found (404)", "page", "/indicators/no_such_indicator"),
        Route("indicator (analyst)", "page", f"{indicator}?period=quarter&scope=unit", True),
        Route("unit page (analyst)", "page", f"/units/{unit_id}", True),
        Route("quality (analyst)", "page", "/quality", True),
        Route("GET /api/v1/indicators", "api", "/api/v1/indicators"),
        Route("GET /api/v1/indicators/{id}", "api", "/api/v1/indicators/care_guarantee_7d"),
        Route(
            "GET /api/v1/indicators/{id}/values",
            "api",
            "/api/v1/indicators/care_guarantee_7d/values?period=quarter",
        ),
        Route("GET /api/v1/units", "api", "/api/v1/units"),
        Route("GET /api/v1/loads", "api", "/api/v1/loads"),
        Route("GET /api/v1/quality", "api", "/api/v1/quality"),
        Route("GET /api/v1/values.csv (all rows)", "export", "/api/v1/values.csv"),
    ]


def expected_status(route: Route) -> int:
    return 404 if route.label.startswith("not found") else 200


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare_warehouse(args: argparse.Namespace, workdir: Path) -> Path:
    """The warehouse to serve: ``--warehouse``, or a county generated and loaded now."""
    if args.warehouse is not None:
        return Path(args.warehouse)
    extract = workdir / "extract"
    warehouse = workdir / "warehouse.duckdb"
    started = time.perf_counter()
    print(f"generating a county of {args.persons:,} persons (seed {SEED}) ...", flush=True)
    generate_extract(extract, persons=args.persons, seed=SEED)
    print(f"  {time.perf_counter() - started:.0f} s; loading ...", flush=True)
    started = time.perf_counter()
    load_extract(extract, warehouse)
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return warehouse


class Server:
    """``tilannekuva serve`` in its own process, so that wrk, this script and the server do
    not share one interpreter; stopped when the ``with`` block ends."""

    def __init__(self, warehouse: Path, data_dir: Path, port: int) -> None:
        self.base_url = f"http://127.0.0.1:{port}"
        self._command = [
            sys.executable, "-m", "tilannekuva", "serve",
            "--warehouse", str(warehouse), "--host", "127.0.0.1", "--port", str(port),
        ]  # fmt: skip
        self._env = {
            **os.environ,
            "TILANNEKUVA_DATA_DIR": str(data_dir),
            "TILANNEKUVA_LOG_LEVEL": "WARNING",
        }
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self._process = subprocess.Popen(self._command, env=self._env, stdout=subprocess.DEVNULL)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def wait_until_ready(self) -> float:
        """Seconds until the scorecard answers, i.e. until the first snapshot is built."""
        assert self._process is not None
        started = time.perf_counter()
        with httpx.Client(timeout=READY_SECONDS) as client:
            while time.perf_counter() - started < READY_SECONDS:
                if self._process.poll() is not None:
                    code = self._process.returncode
                    raise SystemExit(f"the server stopped with exit code {code}")
                try:
                    if client.get(self.base_url + "/").status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    time.sleep(0.2)
        raise SystemExit(f"the server did not answer within {READY_SECONDS:.0f} s")


def warehouse_facts(warehouse: Path) -> tuple[int, str]:
    """How many persons the warehouse holds, and a health station's reception (the unit page
    a unit manager opens most)."""
    connection = connect(warehouse, read_only=True)
    try:
        persons = connection.execute("SELECT count(*) FROM persons").fetchone()
        unit = connection.execute(
            "SELECT min(unit_id) FROM units WHERE service_area = 'reception'"
        ).fetchone()
    finally:
        connection.close()
    return int(persons[0]) if persons else 0, str(unit[0]) if unit and unit[0] else "none"


def add_analyst(data_dir: Path) -> None:
    """A local analyst in the server's operational store (``<data dir>/tilannekuva.sqlite``)."""
    store = AccountStore.open(f"sqlite:///{data_dir / 'tilannekuva.sqlite'}")
    try:
        store.add_user(ANALYST[0], ANALYST[1], role="analyst", display_name="Benchmark")
    except UserExists:
        store.set_password(ANALYST[0], ANALYST[1])  # a kept --workdir: the user is there
    finally:
        store.close()


def sign_in(base_url: str) -> str | None:
    """The analyst's session cookie from the real sign-in form (None when sign-in fails)."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        form = client.get("/signin")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        if form.status_code != 200 or token is None:
            return None
        client.post(
            "/signin",
            data={"username": ANALYST[0], "password": ANALYST[1], "csrf_token": token[1]},
        )
        cookie = client.cookies.get(SESSION_COOKIE)
        signed_in = cookie is not None and "signout" in client.get("/").text
        return cookie if signed_in else None


def warm_up(base_url: str, route: Route, cookie: str | None) -> int:
    """Request the route a few times (imports, template compilation); its status code."""
    headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"} if route.signed_in and cookie else {}
    status = 0
    for _ in range(3):
        status = httpx.get(base_url + route.path, headers=headers, timeout=60).status_code
    return status


def drive(
    base_url: str, route: Route, cookie: str | None, args: argparse.Namespace, script: Path
) -> Result:
    """Run wrk against one route and read the figures its ``done`` hook printed."""
    command = [
        WRK, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        "--timeout", "10s", "-s", str(script),
    ]  # fmt: skip
    if route.signed_in and cookie:
        command += ["-H", f"Cookie: {SESSION_COOKIE}={cookie}"]
    output = subprocess.run(
        [*command, base_url + route.path], capture_output=True, text=True, check=True
    ).stdout
    figures = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    if figures["requests"] == 0:
        return Result(route, f"no request finished in {args.duration} s")
    # wrk counts 4xx/5xx answers as errors; a 404 page is the expected answer of its route
    errors = 0 if expected_status(route) != 200 else figures["errors"]
    return Result(
        route,
        p50_ms=figures["p50"] / 1000,
        p95_ms=figures["p95"] / 1000,
        p99_ms=figures["p99"] / 1000,
        per_second=figures["requests"] / (figures["micros"] / 1e6),
        errors=errors,
    )


HEADER = ("route", "kind", "median ms", "p95 ms", "p99 ms", "req/s", "errors")


def print_table(results: list[Result]) -> None:
    label, kind, *figures = HEADER
    print(f"\n{label:<38} {kind:<7} " + " ".join(f"{name:>9}" for name in figures))
    for result in results:
        route = result.route
        if result.missing is not None:
            print(f"{route.label:<38} {route.kind:<7} not measured: {result.missing}")
            continue
        print(
            f"{route.label:<38} {route.kind:<7} {result.p50_ms:>9.1f} {result.p95_ms:>9.1f} "
            f"{result.p99_ms:>9.1f} {result.per_second:>9.0f} {result.errors:>9}"
        )


def goal_passes(results: list[Result], persons: int) -> bool:
    """Every page measured, with p95 under the goal and no failed request."""
    pages = [r for r in results if r.route.kind == "page"]
    unmeasured = [r.route.label for r in pages if r.missing is not None]
    measured = [r for r in pages if r.missing is None]
    slow = [r.route.label for r in measured if r.p95_ms >= GOAL_P95_MS or r.errors]
    worst = max((r.p95_ms for r in measured), default=0.0)
    passed = not unmeasured and not slow
    size = f"{persons:,} persons"
    applies = "" if persons == DEFAULT_PERSONS else " (the goal is set for the default county)"
    print(
        f"\ngoal: p95 < {GOAL_P95_MS:.0f} ms for every page at the default county's size "
        f"({DEFAULT_PERSONS:,} persons): {'PASS' if passed else 'FAIL'} — measured on {size}"
        f"{applies}, worst page p95 {worst:.1f} ms"
    )
    if unmeasured:
        print(f"  not measured: {', '.join(unmeasured)}")
    if slow:
        print(f"  too slow or failing: {', '.join(slow)}")
    return passed


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--persons",
        type=int,
        default=DEFAULT_PERSONS,
        help="county size to generate (default: %(default)s)",
    )
    source.add_argument(
        "--warehouse", type=Path, help="serve this warehouse instead of generating a county"
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per route (default: %(default)s)"
    )
    parser.add_argument(
        "--connections", type=int, default=16, help="open connections (default: %(default)s)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default: %(default)s)")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the county and the server's data here (default: a temporary folder)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as temporary:
        workdir = Path(args.workdir or temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        warehouse = prepare_warehouse(args, workdir)
        persons, unit_id = warehouse_facts(warehouse)
        data_dir = workdir / "server-data"
        data_dir.mkdir(exist_ok=True)
        add_analyst(data_dir)
        script = workdir / "report.lua"
        script.write_text(WRK_REPORT, encoding="utf-8")
        load = f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s"
        print(f"county: {persons:,} persons; machine: {os.cpu_count()} cores; {load} per route")
        with Server(warehouse, data_dir, free_port()) as server:
            base_url = server.base_url
            ready = server.wait_until_ready()
            print(f"server ready (first snapshot built) in {ready:.1f} s", flush=True)
            cookie = sign_in(base_url)
            if cookie is None:
                print("sign-in through the form failed: signed-in pages are not measured")
            results = []
            for route in routes(unit_id):
                status = warm_up(base_url, route, cookie)
                if status != expected_status(route):
                    results.append(Result(route, f"answered {status}"))
                    continue
                if route.signed_in and cookie is None:
                    results.append(Result(route, "sign-in failed"))
                    continue
                results.append(drive(base_url, route, cookie, args, script))
                print(f"  measured {route.label}", flush=True)
        print_table(results)
        return 0 if goal_passes(results, persons) else 1


if __name__ == "__main__":
    sys.exit(main())
