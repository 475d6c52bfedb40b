"""The demo's control board: which day it replays, its tokens, and the replay reaching the
wall display through a real server on the replay's clock."""

from __future__ import annotations

import dataclasses
import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.web.browser.harness import LiveServer
from tests.web.clients import config_for
from tilannekuva.board.simulator import day_events
from tilannekuva.board.store import BoardStore
from tilannekuva.cli.demo_board import (
    HELSINKI,
    SimulatedClock,
    replay_day,
    start_demo_board,
)
from tilannekuva.web.app import create_app
from tilannekuva.web.snapshot import SnapshotStore

WAIT_SECONDS = 30.0


def test_the_replayed_day_is_today_or_the_last_office_day_before_it() -> None:
    assert replay_day(date(2026, 12, 4)) == date(2026, 12, 4)  # a Friday
    assert replay_day(date(2026, 12, 6)) == date(2026, 12, 4)  # Sunday → Friday
    assert replay_day(date(2026, 12, 8)) == date(2026, 12, 8)
    # Christmas Eve (Thu), Christmas Day (Fri) and Boxing Day (Sat) 2026, then a Sunday
    assert replay_day(date(2026, 12, 27)) == date(2026, 12, 23)


def test_the_simulated_clock_runs_at_its_speed_from_its_start() -> None:
    start = datetime(2026, 12, 4, 7, 50, tzinfo=HELSINKI)
    clock = SimulatedClock(start, speed=10.0, real_start=time.monotonic() - 6.0)
    assert abs(clock.now() - (start + timedelta(minutes=1))) < timedelta(seconds=2)


def test_each_run_gets_new_tokens_and_the_earlier_ones_stop_working(
    county_warehouse: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'operational.sqlite'}"
    first = start_demo_board(url, county_warehouse, "u-demo", "Demo")
    second = start_demo_board(url, county_warehouse, "u-demo", "Demo")
    store = BoardStore.open(url)
    try:
        assert store.source_for_token(first.source_token) is None
        assert store.display_for_token(first.display_token) is None
        assert store.source_for_token(second.source_token) == "demo-simulator"
        display = store.display_for_token(second.display_token)
        assert display is not None and display.unit_ids == ("u-demo",)
    finally:
        store.close()
    lines = "\n".join(second.lines("http://127.0.0.1:8000/"))
    assert f"http://127.0.0.1:8000/wall/{second.display_token}" in lines
    assert "http://127.0.0.1:8000/board/units/u-demo" in lines


@pytest.mark.slow
def test_the_replay_reaches_the_wall_display_on_the_replays_clock(
    county_warehouse: Path, tmp_path: Path
) -> None:
    snapshots = SnapshotStore(county_warehouse)
    unit = next(u for u in snapshots.current().units if u.service_area == "reception")
    config = config_for(county_warehouse, tmp_path)
    demo = start_demo_board(config.database_url, county_warehouse, unit.unit_id, unit.name)
    # noon of the replayed day at once (the morning is sent in one go), then 60 × real time
    noon = datetime.combine(demo.day, datetime.min.time().replace(hour=12), tzinfo=HELSINKI)
    demo = dataclasses.replace(demo, clock=SimulatedClock(noon, speed=60.0))
    expected = sum(
        1
        for event in day_events(county_warehouse, unit.unit_id, target_day=demo.day)
        if event.occurred_at <= noon
    )
    app = create_app(dataclasses.replace(config, board_clock=demo.clock.now), snapshots=snapshots)
    with LiveServer(app) as server:
        demo.start_replay(server.base_url, lambda text: None)
        store = BoardStore.open(config.database_url)
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            while store.revision() == 0 or _count(store, unit.unit_id, demo.day) < expected:
                assert time.monotonic() < deadline, "the replay did not reach the store"
                time.sleep(0.2)
        finally:
            store.close()
        wall = httpx.get(f"{server.base_url}/wall/{demo.display_token}?lang=en", timeout=30)
    assert wall.status_code == 200
    assert unit.name in wall.text
    # the board's clock is the replay's, not the real one
    assert re.search(r"data-board-updated[^>]*>12:\d\d:\d\d<", wall.text), wall.text


def _count(store: BoardStore, unit_id: str, day: date) -> int:
    start = datetime.combine(day, datetime.min.time(), tzinfo=HELSINKI) - timedelta(days=200)
    end = start + timedelta(days=201)
    return len(store.events_for([unit_id], start, end))
