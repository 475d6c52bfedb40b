"""The desk view of the live control board: sign-in, today's queues in numbers and words, the
alerts and the lists behind them (record ids, audited), the unit chooser, and its stream.

The board's clock is fixed at Tuesday 13 January 2026, 10:00 in Helsinki (an office day, a
week after the test county's cutoff), and one unit gets this morning's events (hand-made, so
every expected number below is counted by hand):

- e-messages: MSG-LATE received 08:30 (90 office minutes: past the one-hour promise), MSG-NEW
  09:30 (30 min), MSG-DONE 08:00 and answered 08:20 → 2 waiting, 1 past the promise, the
  oldest has waited 1 h 30 min; 3 received today;
- calls: CALL-LONG queued 09:50 (10 min, over the 5-minute limit), CALL-NEW 09:58, CALL-CB
  queued 09:00 and turned into a call-back request 09:05, CALL-GONE queued 08:10 and
  abandoned 08:12 → 2 in the queue, 1 over 5 min, 1 call-back pending, 1 abandoned; 4 today;
- assessments (reception, non-urgent, under 23: 14 days' legal maximum): AS-NEAR made 1 Jan
  (limit 15 Jan: 2 days left), AS-LATER made 12 Jan (limit 26 Jan: 13 days), AS-SEEN made 2
  Jan and visited 5 Jan → 1 near the limit.

The unit is a mental-health unit: its open assessments from the load have no legal maximum
(the care guarantee's limit covers reception and oral care), so only AS-NEAR is near a limit.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.sessions import SESSION_COOKIE, session_cookie
from tilannekuva.board.baseline import BaselineCache
from tilannekuva.board.events import parse_event
from tilannekuva.board.store import BoardStore
from tilannekuva.web.app import create_app
from tilannekuva.web.board_service import BoardService, install_board
from tilannekuva.web.board_tiles import PAGE_VERSION
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import Snapshot, SnapshotStore
from tilannekuva.web.viewer import UserRole

HELSINKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 1, 13, 10, 0, tzinfo=HELSINKI)
ClientMaker = Callable[[UserRole | None], TestClient]


# --- the app with its board ------------------------------------------------------------------


@cache
def shared_baselines(warehouse: Path) -> BaselineCache:
    """One baseline of the test county for every app and module (it takes seconds to read)."""
    return BaselineCache(warehouse)


def board_app(
    config: WebConfig, snapshots: SnapshotStore, baselines: BaselineCache, now: datetime = NOW
) -> FastAPI:
    """The web app with the board installed (unless ``create_app`` already did) and its clock
    fixed at ``now``."""
    app = create_app(config, snapshots=snapshots)
    if getattr(app.state, "board", None) is None:
        install_board(app, config, baselines=baselines)
    service: BoardService = app.state.board
    service.computation.baselines = baselines  # type: ignore[attr-defined]
    service.clock = lambda: now
    return app


@contextmanager
def board_client_factory(
    config: WebConfig, snapshots: SnapshotStore, language: str = "en"
) -> Iterator[ClientMaker]:
    """``make(None)`` a public visitor, ``make("manager")`` a signed-in unit manager; all
    over one app (so they share its board store)."""
    app = board_app(config, snapshots, shared_baselines(config.warehouse))
    opened: list[TestClient] = []

    def make(role: UserRole | None) -> TestClient:
        client = TestClient(app, headers={"Accept-Language": language})
        client.__enter__()
        if role is not None:
            cookie = session_cookie(config.secret_key, f"test-{role}", role)
            client.cookies.set(SESSION_COOKIE, cookie)
        opened.append(client)
        return client

    try:
        yield make
    finally:
        for client in opened:
            client.__exit__(None, None, None)


@pytest.fixture
def board_clients(web_config: WebConfig, county_snapshots: SnapshotStore) -> Iterator[ClientMaker]:
    with board_client_factory(web_config, county_snapshots) as make:
        yield make


def board_of(client: TestClient) -> BoardService:
    service: BoardService = client.app.state.board  # type: ignore[attr-defined]
    return service


def board_store(client: TestClient) -> BoardStore:
    store: BoardStore = board_of(client).store  # type: ignore[assignment]
    return store


def mental_unit(snapshot: Snapshot) -> str:
    """A mental-health unit (see the module's docstring)."""
    return sorted(u.unit_id for u in snapshot.units if u.service_area == "mental")[0]


@pytest.fixture
def unit_id(county_snapshot: Snapshot) -> str:
    return mental_unit(county_snapshot)


# --- this morning's events -------------------------------------------------------------------


def at(day: int, clock: str) -> str:
    return f"2026-01-{day:02d}T{clock}:00+02:00"


def morning_events(unit: str) -> list[dict[str, Any]]:
    def event(source_id: str, kind: str, when: str, **fields: Any) -> dict[str, Any]:
        return {
            "source_id": source_id,
            "type": kind,
            "occurred_at": when,
            "unit_id": unit,
            **fields,
        }

    assessment = {"service_area": "reception", "outcome": "nonurgent_care", "age_group": "under_23"}
    return [
        event("m1", "message.received", at(13, "08:30"), message_id="MSG-LATE", channel="portal"),
        event("m2", "message.received", at(13, "09:30"), message_id="MSG-NEW", channel="chat"),
        event("m3", "message.received", at(13, "08:00"), message_id="MSG-DONE", channel="portal"),
        event("m4", "message.answered", at(13, "08:20"), message_id="MSG-DONE"),
        event("c1", "call.queued", at(13, "09:50"), call_id="CALL-LONG"),
        event("c2", "call.queued", at(13, "09:58"), call_id="CALL-NEW"),
        event("c3", "call.queued", at(13, "09:00"), call_id="CALL-CB"),
        event("c4", "call.callback_requested", at(13, "09:05"), call_id="CALL-CB"),
        event("c5", "call.queued", at(13, "08:10"), call_id="CALL-GONE"),
        event("c6", "call.abandoned", at(13, "08:12"), call_id="CALL-GONE"),
        event("a1", "assessment.made", at(1, "10:00"), assessment_id="AS-NEAR", **assessment),
        event("a2", "assessment.made", at(12, "10:00"), assessment_id="AS-LATER", **assessment),
        event("a3", "assessment.made", at(2, "10:00"), assessment_id="AS-SEEN", **assessment),
        event("a4", "assessment.visited", at(5, "10:00"), assessment_id="AS-SEEN"),
    ]


def record(store: BoardStore, events: list[dict[str, Any]], source: str = "tests") -> None:
    store.record_events(source, [parse_event(event) for event in events])


def record_morning(client: TestClient, unit: str) -> str:
    record(board_store(client), morning_events(unit))
    return unit


@pytest.fixture
def morning(board_clients: ClientMaker, unit_id: str) -> str:
    return record_morning(board_clients(None), unit_id)


# --- reading pages ---------------------------------------------------------------------------


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(page: str, element_id: str) -> str:
    found = re.search(rf'<section id="{element_id}".*?</section>', page, re.S)
    assert found, f"no section {element_id}"
    return found.group(0)


def figures(page: str, tile: str) -> dict[str, str]:
    """A tile's figures: label → value."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section(page, f"tile-{tile}"), re.S)
    return {text_of(label): text_of(value) for label, value in pairs}


def alerts(page: str) -> list[tuple[str, str, str]]:
    """(kind, worded alert, link) of each alert."""
    found = re.findall(r'<li class="board-alert[^"]*" data-alert="([^"]+)">(.*?)</li>', page, re.S)
    return [(kind, text_of(body).replace(" :", ":"), _href(body)) for kind, body in found]


def _href(fragment: str) -> str:
    link = re.search(r'href="([^"]+)"', fragment)
    return html.unescape(link.group(1)) if link else ""


def stream_events(body: str) -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) of each Server-Sent Event in a stream's body."""
    events = []
    for block in body.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            events.append((lines["event"], json.loads(lines["data"])))
    return events


# --- sign-in ---------------------------------------------------------------------------------


def test_the_desk_view_needs_sign_in(board_clients: ClientMaker, unit_id: str) -> None:
    public = board_clients(None)
    for path in (
        "/board",
        f"/board/units/{unit_id}",
        f"/board/units/{unit_id}/lists/messages_over_promise",
    ):
        response = public.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/signin?next=%2Fboard")
    assert public.get(f"/board/events?unit={unit_id}").status_code == 401


# --- the board -------------------------------------------------------------------------------


def test_the_board_shows_this_mornings_queues(board_clients: ClientMaker, morning: str) -> None:
    response = board_clients("manager").get(f"/board/units/{morning}")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    page = response.text
    messages = figures(page, "messages")
    assert messages["Waiting for an answer"] == "2"
    assert messages["Past the one-hour promise"] == "1"
    assert messages["Oldest has waited"] == "1 h 30 min"
    calls = figures(page, "calls")
    assert calls["Waiting in the queue"] == "2"
    assert calls["Waiting over 5 min"] == "1"
    assert calls["Call-backs promised, not made"] == "1"
    assert calls["Abandoned today, not called back"] == "1"
    assert calls["Longest wait in the queue"] == "10 min"
    assessments = figures(page, "assessments")
    assert assessments["3 days or less to the legal limit"] == "1"
    assert assessments["Nearest limit"] == "2 days left"
    demand = text_of(section(page, "tile-demand"))
    assert "Phone calls 4" in demand and "E-messages 3" in demand  # the table's rows
    assert "<svg" in section(page, "tile-demand")  # the chart beside its table


def test_alerts_are_worded_and_link_to_their_lists(
    board_clients: ClientMaker, morning: str
) -> None:
    page = board_clients("manager").get(f"/board/units/{morning}").text
    lists = f"/board/units/{morning}/lists/"
    assert alerts(page) == [
        (
            "messages_over_promise",
            "Alert: E-messages past the one-hour promise: 1",
            lists + "messages_over_promise",
        ),
        ("calls_waiting", "Alert: Calls waiting over 5 min: 1", lists + "calls_waiting"),
        (
            "assessments_near_limit",
            "Attention: Assessments 3 days or less from the legal limit: 1",
            lists + "assessments_near_limit",
        ),
        (
            "callbacks_pending",
            "Attention: Call-backs promised and not yet made: 1",
            lists + "callbacks_pending",
        ),
    ]
    assert 'class="tile tile--alert" data-status="alert"' in section(page, "tile-messages")
    assert "Alert" in text_of(re.findall(r"<h2.*?</h2>", section(page, "tile-messages"), re.S)[0])


def test_a_quiet_unit_has_no_alerts(board_clients: ClientMaker, unit_id: str) -> None:
    page = board_clients("analyst").get(f"/board/units/{unit_id}").text
    assert alerts(page) == []
    assert "No alerts: nothing needs attention now." in page
    assert figures(page, "messages")["Waiting for an answer"] == "0"


def test_a_new_event_shows_on_the_next_page(board_clients: ClientMaker, morning: str) -> None:
    manager = board_clients("manager")
    store = board_store(manager)
    record(
        store,
        [
            {
                "source_id": "m9",
                "type": "message.answered",
                "occurred_at": at(13, "09:59"),
                "unit_id": morning,
                "message_id": "MSG-LATE",
            }
        ],
    )
    page = manager.get(f"/board/units/{morning}").text
    assert figures(page, "messages")["Past the one-hour promise"] == "0"
    assert [kind for kind, _, _ in alerts(page)] == [
        "calls_waiting",
        "assessments_near_limit",
        "callbacks_pending",
    ]


# --- the lists -------------------------------------------------------------------------------


def audit_of(client: TestClient) -> list[tuple[str, str, str, str]]:
    entries = client.app.state.accounts.audit_entries()  # type: ignore[attr-defined]
    return [(e.username, e.action, e.subject, e.detail) for e in entries]


def list_rows(page: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    assert body, "no table"
    return [
        [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def test_the_list_behind_an_alert_shows_record_ids_and_is_audited(
    board_clients: ClientMaker, morning: str
) -> None:
    manager = board_clients("manager")
    response = manager.get(f"/board/units/{morning}/lists/messages_over_promise")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    # record id, time, waited, office time waited, channel
    assert list_rows(response.text) == [
        ["MSG-LATE", "08:30", "1 h 30 min", "1 h 30 min", "Patient portal"]
    ]
    assert audit_of(manager) == [
        ("test-manager", "view_board_list", morning, "messages_over_promise: 1 ids: MSG-LATE")
    ]
    manager.get(f"/board/units/{morning}/lists/messages_over_promise")
    assert len(audit_of(manager)) == 2  # every view, never from a cache


def test_the_assessment_list_says_the_days_left(board_clients: ClientMaker, morning: str) -> None:
    page = board_clients("analyst").get(f"/board/units/{morning}/lists/assessments_near_limit").text
    # record id, assessed, waited, legal limit, days left, service area
    assert list_rows(page) == [
        ["AS-NEAR", "1 Jan 2026 10:00", "12 d 0 h", "15 Jan 2026", "2 days left", "Reception"]
    ]


def test_an_empty_list_shows_and_audits_nothing(board_clients: ClientMaker, unit_id: str) -> None:
    manager = board_clients("manager")
    response = manager.get(f"/board/units/{unit_id}/lists/calls_waiting")
    assert response.status_code == 200
    assert "Nothing on this list right now." in response.text
    assert audit_of(manager) == []


def test_unknown_units_and_lists_are_not_found(board_clients: ClientMaker, unit_id: str) -> None:
    manager = board_clients("manager")
    assert manager.get("/board/units/no-such-unit").status_code == 404
    assert manager.get(f"/board/units/{unit_id}/lists/no_such_list").status_code == 404
    assert manager.get("/board/units/no-such-unit/lists/calls_waiting").status_code == 404
    chooser = manager.get("/board?unit=no-such-unit")
    assert chooser.status_code == 404
    assert "None of the chosen units is in the current load." in chooser.text


# --- choosing units --------------------------------------------------------------------------


def test_a_health_station_is_one_board_of_its_units(
    board_clients: ClientMaker, county_snapshot: Snapshot, morning: str
) -> None:
    manager = board_clients("manager")
    chooser = manager.get("/board")
    assert chooser.status_code == 200
    unit = county_snapshot.unit(morning)
    assert unit is not None and unit.parent_id is not None
    assert f'href="/board?group={unit.parent_id}"' in chooser.text
    assert f'name="unit" value="{morning}"' in chooser.text
    page = manager.get(f"/board?group={unit.parent_id}").text
    members = [u.unit_id for u in county_snapshot.units if u.parent_id == unit.parent_id]
    assert "Control board: 4 units" in page and len(members) == 4
    assert figures(page, "messages")["Past the one-hour promise"] == "1"
    [first, *_] = alerts(page)
    assert first[2].startswith("/board/lists/messages_over_promise?unit=")
    listing = manager.get(first[2]).text
    assert list_rows(listing)[0][:2] == ["MSG-LATE", unit.name]  # the unit column of a group


# --- the stream ------------------------------------------------------------------------------


def test_the_desk_stream_sends_the_board_then_heartbeats(
    board_clients: ClientMaker, morning: str
) -> None:
    manager = board_clients("manager")
    service = board_of(manager)
    service.stream_seconds, service.heartbeat_seconds = 0.6, 0.15  # the stream ends by itself
    response = manager.get(f"/board/events?unit={morning}&v={PAGE_VERSION}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert "no-store" in response.headers["cache-control"]
    assert response.text.startswith("retry: 5000\n\n")
    events = stream_events(response.text)
    name, board = events[0]
    assert name == "board"
    assert board["view"]["messages"]["over_promise"] == 1
    assert board["updated"] == "10:00:00" and not board["stale"]
    assert 'id="tile-messages"' in board["html"]
    assert f"/board/units/{morning}/lists/messages_over_promise" in board["html"]  # desk links
    beats = [data for name, data in events[1:] if name == "heartbeat"]
    assert beats and all(beat["updated"] == "10:00:00" for beat in beats)
    assert service.subscriber_count() == 0  # the ended stream left no subscriber behind


def test_a_page_of_another_version_is_told_to_reload(
    board_clients: ClientMaker, unit_id: str
) -> None:
    manager = board_clients("manager")
    events = stream_events(manager.get(f"/board/events?unit={unit_id}&v=old-page").text)
    assert [name for name, _ in events] == ["reload"]
