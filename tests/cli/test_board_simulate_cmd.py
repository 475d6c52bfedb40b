"""``tilannekuva board simulate``: a unit's day replayed to the event API, as an operator runs it.

The end-to-end tests run the real event API (``web/api/board_events.py`` with a SQLite board
store) under uvicorn on a free port, and the hand-made day of ``tests/board/test_simulator``
as the warehouse: what the store holds afterwards is exactly the simulated day, and a second
run stores nothing new. The command is mounted on a ``board`` group here as in ``cli/main.py``.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import typer
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner, Result

from tests.board.recording_server import UNAVAILABLE, Recorder, recording_server
from tests.board.test_simulator import DAY, EXPECTED, TARGET, write_day_warehouse
from tilannekuva.board.store import BoardStore
from tilannekuva.cli.board_simulate_cmd import TOKEN_ENV, simulate
from tilannekuva.web.api.board_events import router

board = typer.Typer()
board.command("simulate")(simulate)


@board.callback()
def _group() -> None:
    """The ``board`` group (cli/main.py mounts the real one)."""


DAY_ARGS = ["--unit", "u1", "--day", DAY.isoformat(), "--to-day", TARGET.isoformat()]
TARGET_START = datetime(2026, 6, 13, 21, 0, tzinfo=UTC)  # the message backlog: from 14 June


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(board, ["simulate", *args], env={"COLUMNS": "200", **(env or {})})


@pytest.fixture(scope="module")
def day_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_day_warehouse(tmp_path_factory.mktemp("simulate-cmd"))


@pytest.fixture
def settings_here(tmp_path: Path, day_warehouse: Path) -> Iterator[Path]:
    """The operator's configuration: the hand-made warehouse, nothing else."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        for name in list(os.environ):
            if name.startswith("TILANNEKUVA_"):
                patch.delenv(name)
        patch.setenv("TILANNEKUVA_DATA_DIR", str(tmp_path / "data"))
        patch.setenv("TILANNEKUVA_WAREHOUSE", str(day_warehouse))
        yield tmp_path


@dataclass
class LiveApi:
    url: str
    store: BoardStore
    token: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def live_api(tmp_path: Path) -> Iterator[LiveApi]:
    """The real event route and board store, served by uvicorn in a thread."""
    store = BoardStore.open(f"sqlite:///{tmp_path / 'board.sqlite'}")
    app = FastAPI()
    app.include_router(router, prefix="/api/v1")
    app.state.board = SimpleNamespace(store=store, notify=lambda: None)  # the service's part
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield LiveApi(f"http://127.0.0.1:{port}", store, store.add_source("simulator"))
    finally:
        server.should_exit = True
        thread.join()
        store.close()


def stored(api: LiveApi) -> list[tuple[str, str]]:
    since = TARGET_START - timedelta(days=10)  # the backlog goes back days before the day
    events = api.store.events_for(["u1"], since, TARGET_START + timedelta(days=5))
    return [(e.event.occurred_at.isoformat(), e.event.type) for e in events]


def test_the_day_reaches_the_store_once_however_often_it_is_replayed(
    settings_here: Path, live_api: LiveApi
) -> None:
    args = [*DAY_ARGS, "--speed", "0", "--url", live_api.url]
    first = run(*args, env={TOKEN_ENV: live_api.token})
    assert first.exit_code == 0, first.output
    assert "unit u1: 2025-12-15 of load" in first.output
    assert f"sent {len(EXPECTED)} events" in first.output
    assert f"{len(EXPECTED)} stored, 0 already there" in first.output
    assert stored(live_api) == [(at, kind) for at, kind, _ in EXPECTED]

    again = run(*args, "--token", live_api.token)
    assert again.exit_code == 0, again.output
    assert f"0 stored, {len(EXPECTED)} already there" in again.output
    assert len(stored(live_api)) == len(EXPECTED)


def test_until_stops_the_replay_at_a_time_of_day(settings_here: Path, live_api: LiveApi) -> None:
    result = run(
        *DAY_ARGS, "--speed", "0", "--until", "08:05", "--url", live_api.url,
        "--token", live_api.token,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    before = [(at, kind) for at, kind, _ in EXPECTED if at < "2026-06-17T08:05"]
    assert stored(live_api) == before
    assert f"sent {len(before)} events" in result.output


def test_from_sends_the_day_so_far_at_once_and_the_rest_as_it_falls_due(
    settings_here: Path, live_api: LiveApi
) -> None:
    result = run(
        *DAY_ARGS, "--from", "15:29:59", "--until", "15:31", "--speed", "20",
        "--url", live_api.url, "--token", live_api.token,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sent = [(at, kind) for at, kind, _ in EXPECTED if at < "2026-06-17T15:31"]
    assert stored(live_api) == sent
    # all up to 15:29:59 in the first request; 15:30:00 and 15:30:01 follow 50 and 100 ms
    # later (20 × real time), apart unless the first answer took that long.
    requests = re.search(r"requests: (\d+)", result.output)
    assert requests is not None and requests.group(1) in ("2", "3")


def test_a_wrong_token_is_refused_with_status_1(settings_here: Path, live_api: LiveApi) -> None:
    result = run(*DAY_ARGS, "--speed", "0", "--url", live_api.url, "--token", "tkb_wrong")
    assert result.exit_code == 1
    assert "HTTP 401" in result.output
    assert stored(live_api) == []


def test_an_outage_is_ridden_out_and_reported(settings_here: Path) -> None:
    with recording_server(Recorder(token="t", script=[UNAVAILABLE])) as (url, server):
        result = run(*DAY_ARGS, "--speed", "0", "--url", url, "--token", "t")
    assert result.exit_code == 0, result.output
    assert len(server.stored) == len(EXPECTED)
    assert "(requests: 1, retries: 1)" in result.output


def test_dry_run_shows_the_plan_without_a_token(settings_here: Path) -> None:
    result = run(*DAY_ARGS, "--dry-run")
    assert result.exit_code == 0, result.output
    table = {tuple(line.replace("│", " ").split()) for line in result.output.splitlines()}
    assert ("contact.started", "7") in table
    assert ("slot.booked", "3") in table
    assert ("all", str(len(EXPECTED))) in table
    assert "2 events left out: the event API would refuse their ids" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "nowhere", "--dry-run"], "not in the current load"),
        (["--unit", "u1", "--day", "15.12.2025", "--dry-run"], "expected a date"),
        ([*DAY_ARGS, "--until", "noon", "--dry-run"], "expected a time of day"),
        ([*DAY_ARGS], "source system's token"),
    ],
)
def test_input_that_cannot_be_used_is_refused_with_status_1(
    settings_here: Path, args: list[str], message: str
) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output


def test_a_missing_warehouse_exits_with_status_2(settings_here: Path) -> None:
    result = run(*DAY_ARGS, "--dry-run", "--warehouse", str(settings_here / "none.duckdb"))
    assert result.exit_code == 2
    assert "load an extract first" in result.output
