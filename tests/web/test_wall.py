"""The wall display and the live service behind every board's stream.

The wall: opened with a display token and no sign-in; the display's theme and units; no links
to the record-id lists; a revoked or unknown token is a 404 page, also for an open stream; a
real server pushes a new board within seconds of an event stored by another process (SQLite
and PostgreSQL).

The service (``BoardService``) over a fake store and computation: a board is computed again
when the store's revision changes, when it is older than the recompute interval, or when
notified; a new board reaches the streams only when its JSON changed; a failing store leaves
the poller running and the numbers turn stale; streams leave no subscriber behind.

The morning's events and the fixed clock are those of ``test_board_pages.py``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.postgres import temporary_database
from tests.web.browser.harness import LiveServer
from tests.web.clients import SECRET
from tests.web.test_board_pages import (
    ClientMaker,
    at,
    board_app,
    board_client_factory,
    board_of,
    board_store,
    mental_unit,
    morning_events,
    record,
    record_morning,
    shared_baselines,
    stream_events,
)
from tilannekuva.board.lists import ListItem
from tilannekuva.board.store import BoardStore, DisplayInfo
from tilannekuva.web.board_service import BoardService, Frame
from tilannekuva.web.board_tiles import PAGE_VERSION
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import Snapshot, SnapshotStore


@pytest.fixture
def board_clients(web_config: WebConfig, county_snapshots: SnapshotStore) -> Iterator[ClientMaker]:
    with board_client_factory(web_config, county_snapshots) as make:
        yield make


@pytest.fixture
def unit_id(county_snapshot: Snapshot) -> str:
    return mental_unit(county_snapshot)


@pytest.fixture
def morning(board_clients: ClientMaker, unit_id: str) -> str:
    return record_morning(board_clients(None), unit_id)


# --- the wall page ---------------------------------------------------------------------------


def display_token(client: TestClient, units: list[str], theme: str = "dark") -> str:
    return board_store(client).add_display("staff-room", units, theme=theme)  # type: ignore[arg-type]


def test_the_wall_opens_with_its_token_and_no_sign_in(
    board_clients: ClientMaker, morning: str
) -> None:
    public = board_clients(None)
    token = display_token(public, [morning])
    response = public.get(f"/wall/{token}")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    page = response.text
    assert '<html lang="en" class="wall theme-dark">' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert '<meta name="referrer" content="no-referrer">' in page  # the token is in the address
    assert "E-messages past the one-hour promise: 1" in page
    assert "/lists/" not in page and "/signin" not in page  # no links from a wall
    assert f'data-board-stream="/wall/{token}/events?lang=en&amp;v={PAGE_VERSION}"' in page
    [display] = board_store(public).displays()
    assert display.last_seen_at is not None  # the administrator sees it is alive


def test_a_light_display_of_two_units(
    board_clients: ClientMaker, morning: str, county_snapshot: Snapshot
) -> None:
    public = board_clients(None)
    other = next(u for u in county_snapshot.units if u.unit_id != morning and u.parent_id)
    token = display_token(public, [morning, other.unit_id], theme="light")
    page = public.get(f"/wall/{token}?lang=en").text
    assert 'class="wall theme-light"' in page
    assert "<h1>2 units</h1>" in page
    assert "E-messages past the one-hour promise: 1" in page  # the two units added up


def test_a_revoked_or_unknown_token_is_not_found(board_clients: ClientMaker, unit_id: str) -> None:
    public = board_clients(None)
    token = display_token(public, [unit_id])
    assert public.get(f"/wall/{token}").status_code == 200
    board_store(public).revoke_display("staff-room")
    for path in (f"/wall/{token}", f"/wall/{token}/events", "/wall/tkw_no-such-token"):
        response = public.get(path)
        assert response.status_code == 404, path
        assert "Display link not valid" in response.text
        assert "revoked" in response.text


# --- the wall's stream -----------------------------------------------------------------------


def test_the_wall_stream_sends_the_board_without_links(
    board_clients: ClientMaker, morning: str
) -> None:
    public = board_clients(None)
    service = board_of(public)
    service.stream_seconds, service.heartbeat_seconds = 0.5, 0.15
    token = display_token(public, [morning])
    events = stream_events(public.get(f"/wall/{token}/events?lang=en&v={PAGE_VERSION}").text)
    name, board = events[0]
    assert name == "board"
    assert board["view"]["calls"]["waiting_over_limit"] == 1
    assert "Calls waiting over 5 min: 1" in board["html"]
    assert "/lists/" not in board["html"]
    assert {name for name, _ in events[1:]} == {"heartbeat"}


def test_an_open_stream_notices_its_display_was_revoked(
    board_clients: ClientMaker, unit_id: str
) -> None:
    public = board_clients(None)
    service = board_of(public)
    service.stream_seconds, service.heartbeat_seconds, service.validity_seconds = 5.0, 0.1, 0.1
    token = display_token(public, [unit_id])
    revoke = threading.Timer(0.5, lambda: board_store(public).revoke_display("staff-room"))
    revoke.start()
    started = time.monotonic()
    events = stream_events(public.get(f"/wall/{token}/events").text)
    revoke.join()
    assert events[-1][0] == "gone"  # the page then loads itself and shows the 404 page
    assert time.monotonic() - started < 3


# --- a real server: an event reaches an open stream ------------------------------------------


def read_board(lines: Iterator[str], deadline: float) -> dict[str, Any]:
    """The next ``event: board`` of an open stream."""
    name = ""
    for line in lines:
        if time.monotonic() > deadline:
            break
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: ") and name == "board":
            data: dict[str, Any] = json.loads(line[len("data: ") :])
            return data
    raise AssertionError("no board arrived in time")


def assert_event_reaches_open_stream(
    config: WebConfig, snapshots: SnapshotStore, unit: str
) -> None:
    app = board_app(config, snapshots, shared_baselines(config.warehouse))
    service: BoardService = app.state.board
    service.check_seconds = 0.2
    writer = BoardStore.open(config.database_url)  # another worker's connection
    try:
        record(writer, morning_events(unit))
        token = writer.add_display("staff-room", [unit])
        with LiveServer(app) as server:
            service.start_background()
            url = f"{server.base_url}/wall/{token}/events?lang=en&v={PAGE_VERSION}"
            with httpx.stream("GET", url, timeout=10) as response:
                assert response.status_code == 200
                lines = response.iter_lines()
                first = read_board(lines, time.monotonic() + 10)
                assert first["view"]["messages"]["waiting"] == 2
                answered = {
                    "source_id": "late-answer",
                    "type": "message.answered",
                    "occurred_at": at(13, "09:59"),
                    "unit_id": unit,
                    "message_id": "MSG-LATE",
                }
                stored_at = time.monotonic()
                record(writer, [answered], source="record-system")
                second = read_board(lines, time.monotonic() + 10)
                latency = time.monotonic() - stored_at
            service.stop_background()
        assert second["view"]["messages"]["waiting"] == 1
        assert second["view"]["messages"]["over_promise"] == 0
        assert "E-messages past the one-hour promise" not in second["html"]
        assert latency < 2.0, f"{latency:.2f} s from store to screen"
    finally:
        writer.close()
        service.close()


def test_an_event_posted_to_the_api_reaches_the_wall_at_once(
    web_config: WebConfig, county_snapshots: SnapshotStore, unit_id: str
) -> None:
    """The event API tells this worker's board service (``notify``): the board is pushed
    without waiting for the poller's next round (set to a minute here)."""
    app = board_app(web_config, county_snapshots, shared_baselines(web_config.warehouse))
    service: BoardService = app.state.board
    service.check_seconds = 60.0
    store: BoardStore = service.store  # type: ignore[assignment]
    record(store, morning_events(unit_id))
    token, source = store.add_display("staff-room", [unit_id]), store.add_source("record-system")
    answered = {
        "source_id": "late-answer",
        "type": "message.answered",
        "occurred_at": at(13, "09:59"),
        "unit_id": unit_id,
        "message_id": "MSG-LATE",
    }
    with LiveServer(app) as server:
        service.start_background()
        try:
            url = f"{server.base_url}/wall/{token}/events?lang=en&v={PAGE_VERSION}"
            with httpx.stream("GET", url, timeout=10) as response:
                lines = response.iter_lines()
                assert read_board(lines, time.monotonic() + 10)["view"]["messages"]["waiting"] == 2
                posted = httpx.post(
                    f"{server.base_url}/api/v1/board/events",
                    json={"events": [answered]},
                    headers={"Authorization": f"Bearer {source}"},
                    timeout=10,
                )
                assert posted.json() == {
                    "results": [{"source_id": "late-answer", "status": "stored"}]
                }
                acknowledged = time.monotonic()
                board = read_board(lines, acknowledged + 10)
                latency = time.monotonic() - acknowledged
        finally:
            service.close()
    assert board["view"]["messages"]["waiting"] == 1
    assert latency < 2.0, f"{latency:.2f} s from the API's answer to the screen"


@pytest.mark.slow
def test_an_event_reaches_an_open_wall_within_seconds(
    web_config: WebConfig,
    county_snapshots: SnapshotStore,
    unit_id: str,
) -> None:
    assert_event_reaches_open_stream(web_config, county_snapshots, unit_id)


@pytest.mark.slow
def test_an_event_reaches_an_open_wall_on_postgresql(
    county_warehouse: Path,
    county_snapshots: SnapshotStore,
    unit_id: str,
) -> None:
    with temporary_database("tilannekuva_wall") as name:
        config = WebConfig(
            warehouse=county_warehouse,
            database_url=f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
            secret_key=SECRET,
        )
        assert_event_reaches_open_stream(config, county_snapshots, unit_id)


# --- the service behind the streams ----------------------------------------------------------


@dataclass
class FakeView:
    data: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(self.data)


class FakeStore:
    def __init__(self) -> None:
        self.value = 1
        self.down = False

    def revision(self) -> int:
        if self.down:
            raise OSError("database down")
        return self.value

    def display_for_token(self, token: str) -> DisplayInfo | None:
        return None

    def touch_display(self, name: str) -> None:
        pass

    def close(self) -> None:
        pass


class FakeComputation:
    """Boards whose JSON is ``answer`` (set by the test); counts its computations."""

    def __init__(self) -> None:
        self.answer: dict[str, Any] = {"waiting": 0}
        self.computed = 0
        self.failing = False

    def view(self, units: tuple[str, ...], now: datetime) -> FakeView:
        if self.failing:
            raise RuntimeError("broken")
        self.computed += 1
        return FakeView(dict(self.answer))

    def rows(self, kind: str, units: tuple[str, ...], now: datetime) -> list[ListItem]:
        return []


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 13, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def move(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Fakes:
    service: BoardService
    store: FakeStore
    computation: FakeComputation
    clock: Clock


@pytest.fixture
def fakes() -> Fakes:
    store, computation, clock = FakeStore(), FakeComputation(), Clock()

    def render(frame: Frame, locale: str, mode: str) -> str:
        return f'<div id="board-tiles">{locale} {mode} {frame.view_json}</div>'

    service = BoardService(
        store=store, computation=computation, render=render, clock=clock, autostart=False
    )
    return Fakes(service, store, computation, clock)


UNITS = ("unit-a",)


def test_a_board_is_computed_again_only_when_something_changed(fakes: Fakes) -> None:
    service, store, computation, clock = fakes.service, fakes.store, fakes.computation, fakes.clock
    first = service.current(UNITS)
    service.check_now()
    assert service.current(UNITS) is first and computation.computed == 1
    store.value += 1  # an event was stored, the board looks the same
    service.check_now()
    assert computation.computed == 2 and service.current(UNITS).seq == first.seq
    computation.answer = {"waiting": 1}
    store.value += 1
    service.check_now()
    assert service.current(UNITS).seq != first.seq
    clock.move(service.recompute_seconds)  # no event, but the clock moved on
    service.check_now()
    assert computation.computed == 4
    service.notify()
    service.check_now()
    assert computation.computed == 5


def test_the_streams_are_woken_when_the_board_changes(fakes: Fakes) -> None:
    service, store, computation = fakes.service, fakes.store, fakes.computation
    service.current(UNITS)

    async def watch() -> tuple[bool, bool]:
        channel, subscriber = service.subscribe(UNITS)
        try:
            store.value += 1
            await asyncio.to_thread(service.check_now)  # same JSON: nobody is woken
            await asyncio.sleep(0.05)
            quiet = not subscriber.changed.is_set()
            computation.answer = {"waiting": 3}
            store.value += 1
            await asyncio.to_thread(service.check_now)  # the poller runs in its own thread
            await asyncio.wait_for(subscriber.changed.wait(), timeout=2)
            return quiet, channel.frame is not None and '"waiting":3' in channel.frame.view_json
        finally:
            service.unsubscribe(channel, subscriber)

    # a loop of its own in a thread of its own (the browser tests keep one running here)
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, watch()).result() == (True, True)
    assert service.subscriber_count() == 0


def test_a_failing_store_keeps_the_poller_running_and_the_numbers_turn_stale(
    fakes: Fakes,
) -> None:
    service, store, computation, clock = fakes.service, fakes.store, fakes.computation, fakes.clock
    channel = service.channel(UNITS)
    service.current(UNITS)
    assert not service.is_stale(channel)
    store.down = True
    for _ in range(3):
        clock.move(30)
        service.check_now()  # logs, never raises
    assert service.is_stale(channel)
    assert json.loads(service.heartbeat_message(channel, "en").decode().split("data: ")[1])["stale"]
    store.down, computation.failing = False, True
    service.check_now()  # a broken computation is logged too; the old board stays
    assert service.is_stale(channel)
    with pytest.raises(RuntimeError):
        service.current(("unit-b",))  # a page that asks gets the error
    computation.failing = False
    service.check_now()
    assert not service.is_stale(channel)


def test_a_board_nobody_watches_is_forgotten(fakes: Fakes) -> None:
    service = fakes.service
    service.current(UNITS)
    service.idle_seconds = 0
    service.check_now()
    assert fakes.computation.computed == 1
    fakes.store.value += 1
    service.check_now()
    assert fakes.computation.computed == 1  # dropped: nothing was computed for it


def stream_app(service: BoardService) -> FastAPI:
    app = FastAPI()

    @app.get("/stream")
    def stream() -> Any:
        return service.stream(UNITS, locale="fi", mode="wall")

    return app


def test_a_stream_sends_the_board_and_ends_by_itself(fakes: Fakes) -> None:
    service = fakes.service
    service.stream_seconds, service.heartbeat_seconds = 0.4, 0.1
    with TestClient(stream_app(service)) as client:
        response = client.get("/stream")
    events = stream_events(response.text)
    assert events[0][0] == "board"
    assert events[0][1]["html"] == '<div id="board-tiles">fi wall {"waiting":0}</div>'
    assert events[0][1]["updated"] == "10.00.00"  # Helsinki, as Finnish writes it
    assert len(events) >= 3 and {name for name, _ in events[1:]} == {"heartbeat"}
    assert service.subscriber_count() == 0


def test_a_stream_that_cannot_start_answers_503(fakes: Fakes) -> None:
    fakes.computation.failing = True
    with TestClient(stream_app(fakes.service)) as client:
        response = client.get("/stream")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "10"
    assert fakes.service.subscriber_count() == 0
