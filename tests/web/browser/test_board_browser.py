"""The live control board in a real browser: the desk view updating in place, its alert link
to the list behind it, the wall display in both themes at three-metre type sizes, the stale
warning, the display's recovery after the server restarts, and an axe-core scan (WCAG 2.1
A/AA, no serious or critical violation, no CSP breach, no script error) of every board page.

The board runs on its own server (the app with the board installed, ``test_board_pages``'s
fixed clock: Tuesday 13 January 2026, 10:00) on a fixed port, so it can be stopped and started
again under an open page, as a server restart or a deployment would do. Events are stored
through a second connection to the same database, as another worker would store them.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.web.browser.accounts import MANAGER, sign_in
from tests.web.browser.harness import axe_violations, blocking, describe
from tests.web.test_board_pages import (
    at,
    board_app,
    mental_unit,
    morning_events,
    record,
    shared_baselines,
)
from tilannekuva.board.store import BoardStore
from tilannekuva.web import board_service
from tilannekuva.web.board_service import BoardService
from tilannekuva.web.config import WebConfig
from tilannekuva.web.pages import wall as wall_pages
from tilannekuva.web.snapshot import SnapshotStore

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("axe_available")]

DESK = {"width": 1280, "height": 900}
WALL_SCREEN = {"width": 1920, "height": 1080}  # a full-HD television
TIMEOUT_MS = 10_000
STARTUP_SECONDS = 30.0


class BoardServer:
    """uvicorn serving a fresh board app on a fixed port, in a thread; stop and start again
    to restart the server under an open page (each start is a new app, as a new process)."""

    def __init__(self, config: WebConfig, snapshots: SnapshotStore) -> None:
        self.config = config
        self.snapshots = snapshots
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port: int = probe.getsockname()[1]
        probe.close()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.service: BoardService | None = None

    def start(self) -> BoardServer:
        app = board_app(self.config, self.snapshots, shared_baselines(self.config.warehouse))
        self.service = app.state.board
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="board-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base_url + "/static/board.css", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the board server did not start")
        assert self.service is not None
        self.service.check_seconds = 0.2
        self.service.start_background()
        return self

    def stop(self) -> None:
        assert self._server is not None and self._thread is not None and self.service
        self.service.stop_background()
        self._server.should_exit = True
        self._thread.join(timeout=15)
        assert not self._thread.is_alive(), "the board server did not stop"
        self.service.close()


@pytest.fixture(scope="module")
def unit(county_snapshots: SnapshotStore) -> str:
    return mental_unit(county_snapshots.current())


@pytest.fixture(scope="module")
def writer(browser_web_config: WebConfig, unit: str) -> Iterator[BoardStore]:
    """Another connection to the board's database, with this morning's events stored."""
    store = BoardStore.open(browser_web_config.database_url)
    record(store, morning_events(unit))
    yield store
    store.close()


@pytest.fixture
def server(
    browser_web_config: WebConfig, county_snapshots: SnapshotStore, writer: BoardStore
) -> Iterator[BoardServer]:
    started = BoardServer(browser_web_config, county_snapshots).start()
    yield started
    if started._thread is not None and started._thread.is_alive():
        started.stop()


def new_page(browser: Browser, server: BoardServer, size: dict[str, int]) -> Page:
    context: BrowserContext = browser.new_context(
        base_url=server.base_url,
        viewport=size,  # type: ignore[arg-type]
        locale="en-GB",
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def desk(browser: Browser, server: BoardServer) -> Iterator[Page]:
    page = new_page(browser, server, DESK)
    yield page
    page.context.close()


@pytest.fixture
def wall(browser: Browser, server: BoardServer) -> Iterator[Page]:
    page = new_page(browser, server, WALL_SCREEN)
    yield page
    page.context.close()


def watch(page: Page) -> list[str]:
    """Blocked content (CSP) and script errors of the page from now on."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def assert_accessible(page: Page, problems: list[str]) -> None:
    found = blocking(axe_violations(page))
    assert not found, f"{page.url}:\n{describe(found)}"
    assert not problems, "\n".join(problems)


def figure(page: Page, tile: str, label: str) -> Any:
    """The value of a tile's figure, found by its label."""
    return page.locator(f"#tile-{tile} .tile-figure", has_text=label).locator("dd")


def answer_late_message(writer: BoardStore, unit: str, source_id: str) -> None:
    record(
        writer,
        [
            {
                "source_id": source_id,
                "type": "message.answered",
                "occurred_at": at(13, "09:59"),
                "unit_id": unit,
                "message_id": "MSG-LATE",
            }
        ],
        source=f"browser-{source_id}",
    )


def receive_message(writer: BoardStore, unit: str, source_id: str) -> None:
    record(
        writer,
        [
            {
                "source_id": source_id,
                "type": "message.received",
                "occurred_at": at(13, "09:40"),
                "unit_id": unit,
                "message_id": f"MSG-{source_id}",
                "channel": "form",
            }
        ],
        source=f"browser-{source_id}",
    )


def display(writer: BoardStore, unit: str, theme: str, name: str | None = None) -> str:
    """A new display's token."""
    name = name or f"wall-{theme}-{time.monotonic_ns()}"
    return writer.add_display(name, [unit], theme=theme)  # type: ignore[arg-type]


# --- the desk view ---------------------------------------------------------------------------


def test_the_desk_board_updates_in_place_and_links_to_its_lists(
    desk: Page, writer: BoardStore, unit: str
) -> None:
    problems = watch(desk)
    sign_in(desk, MANAGER)
    desk.goto("/board?lang=en")
    assert_accessible(desk, problems)  # the unit chooser
    desk.goto(f"/board/units/{unit}?lang=en")
    assert_accessible(desk, problems)
    expect(desk.locator("html")).to_have_attribute("data-board-live", "live")
    waiting = figure(desk, "messages", "Waiting for an answer")
    before = int(waiting.inner_text())
    desk.evaluate("window.notReloaded = true")
    receive_message(writer, unit, "desk-1")
    expect(waiting).to_have_text(str(before + 1))  # pushed, not reloaded
    assert desk.evaluate("window.notReloaded") is True
    assert_accessible(desk, problems)  # the tiles swapped in are as accessible
    alert = desk.locator("#board-alerts a", has_text="past the one-hour promise")
    with desk.expect_navigation():
        alert.click()
    expect(desk.locator("h1")).to_have_text("E-messages past the one-hour promise")
    expect(desk.locator("table.board-list tbody th").first).to_have_text("MSG-LATE")
    assert_accessible(desk, problems)


# --- the wall display ------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_wall_is_accessible_and_readable_from_three_metres(
    wall: Page, writer: BoardStore, unit: str, theme: str
) -> None:
    problems = watch(wall)
    wall.goto(f"/wall/{display(writer, unit, theme)}?lang=en")
    expect(wall.locator("html")).to_have_class(f"wall theme-{theme}")
    expect(wall.locator("html")).to_have_attribute("data-board-live", "live")
    assert_accessible(wall, problems)
    sizes = wall.evaluate(
        """() => {
            const size = selector =>
                parseFloat(getComputedStyle(document.querySelector(selector)).fontSize);
            return {label: size('.tile-figure dt'), table: size('.tile table'),
                    number: size('.tile-figure dd')};
        }"""
    )
    # On a 55-inch full-HD screen 1 px is 0.63 mm: labels of 18 px and tables of 19 px have
    # capitals of about 8 mm, the numbers of 58 px about 26 mm, readable at three metres.
    assert sizes["label"] >= 18 and sizes["table"] >= 19 and sizes["number"] >= 58, sizes
    assert wall.locator("a").count() == 0  # nothing to click on a wall
    assert wall.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for tile in ("messages", "calls", "assessments", "demand"):  # on screen without scrolling
        box = wall.locator(f"#tile-{tile}").bounding_box()
        assert box is not None and box["y"] + box["height"] <= WALL_SCREEN["height"], tile


def test_the_wall_warns_when_no_update_came_for_a_minute(
    wall: Page, writer: BoardStore, unit: str
) -> None:
    wall.clock.install()
    wall.goto(f"/wall/{display(writer, unit, 'dark')}?lang=en")
    expect(wall.locator("html")).to_have_attribute("data-board-live", "live")
    stale = wall.locator("[data-board-stale]")
    expect(stale).to_be_hidden()
    wall.clock.run_for(61_000)  # a minute without a message, as far as the page can tell
    expect(stale).to_be_visible()
    expect(stale).to_contain_text("No update for over a minute")
    expect(stale).to_be_hidden(timeout=20_000)  # the next heartbeat (every 15 s) clears it


def test_the_wall_recovers_by_itself_after_the_server_restarts(
    wall: Page, server: BoardServer, writer: BoardStore, unit: str
) -> None:
    problems = watch(wall)
    token = display(writer, unit, "dark")
    wall.goto(f"/wall/{token}?lang=en")
    html = wall.locator("html")
    expect(html).to_have_attribute("data-board-live", "live")
    waiting = figure(wall, "messages", "Waiting for an answer")
    before = int(waiting.inner_text())
    server.stop()
    expect(html).to_have_attribute("data-board-live", "reconnecting")
    receive_message(writer, unit, "restart-1")  # stored while the server is down
    time.sleep(2)
    server.start()
    expect(waiting).to_have_text(str(before + 1), timeout=30_000)
    expect(html).to_have_attribute("data-board-live", "live")
    expect(wall.locator("h1")).to_be_visible()  # the board, not a browser error page
    receive_message(writer, unit, "restart-2")  # and it is live again
    expect(waiting).to_have_text(str(before + 2))
    assert not [p for p in problems if "script error" in p], problems


def test_a_revoked_wall_shows_the_not_found_page(
    wall: Page, server: BoardServer, writer: BoardStore, unit: str
) -> None:
    assert server.service is not None
    server.service.validity_seconds = 0.5
    server.service.heartbeat_seconds = 0.5
    name = f"revoked-{time.monotonic_ns()}"
    token = display(writer, unit, "light", name)
    wall.goto(f"/wall/{token}?lang=en")
    expect(wall.locator("html")).to_have_attribute("data-board-live", "live")
    writer.revoke_display(name)
    expect(wall.locator("h1")).to_have_text("Display link not valid", timeout=15_000)
    assert_accessible(wall, watch(wall))


def test_after_an_upgrade_the_wall_loads_its_new_page(
    wall: Page, server: BoardServer, writer: BoardStore, unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    wall.goto(f"/wall/{display(writer, unit, 'dark')}?lang=en")
    html = wall.locator("html")
    expect(html).to_have_attribute("data-board-live", "live")
    wall.evaluate("window.oldPage = true")
    server.stop()
    for module in (board_service, wall_pages):  # the templates or the script changed
        monkeypatch.setattr(module, "PAGE_VERSION", "upgraded")
    server.start()
    expect(html).to_have_attribute("data-board-live", "live", timeout=30_000)
    wall.wait_for_function("window.oldPage === undefined")  # a new page, not the old one
    assert "v=upgraded" in (wall.locator("main").get_attribute("data-board-stream") or "")
