"""The demo's live control board: a wall display and a health station's day replayed live.

``tilannekuva demo`` shows the board as a unit manager would see it through a working day:
the simulator (``board/simulator.py``) takes the demo unit's busiest recent day from the
load and replays it from 07:50 at ``SPEED`` times real time through the board's event API,
while the wall display and the desk view follow it.

Decisions:

- The board runs on the replay's clock (``WebConfig.board_clock``): the morning starts at
  07:50 and moves ``SPEED`` times as fast as real time, so e-messages cross the one-hour
  promise and waits grow as the replayed morning goes on. On the real clock (the evening, a
  weekend) every message would be hours late at once, or never late at all.
- The replayed day is today when today is an office day, else the last office day before it:
  the one-hour promise counts office time only, so a Sunday board would show no alerts.
- The source system and the wall display get new tokens in every run (the names are reused:
  the earlier run's tokens are revoked first). Replaying the same day again stores nothing
  twice (the simulator's source ids are stable) and shows nothing early: the board folds only
  the events up to its clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

from tilannekuva.board.lists import is_office_date
from tilannekuva.board.replay import ReplayRefused, ReplayUnreachable, replay
from tilannekuva.board.simulator import SimulationError, day_events
from tilannekuva.board.store import BoardStore

HELSINKI = ZoneInfo("Europe/Helsinki")
SPEED = 10.0
DAY_STARTS = clock_time(7, 50)  # the backlog, then the first calls within a minute
DEMO_SOURCE = "demo-simulator"
DEMO_DISPLAY = "demo-wall"


def replay_day(today: date) -> date:
    """Today when it is an office day, else the last office day before it."""
    day = today
    while not is_office_date(day):
        day -= timedelta(days=1)
    return day


@dataclass
class SimulatedClock:
    """The replay's time: ``start`` at the moment it was made, then ``speed`` times faster."""

    start: datetime
    speed: float
    real_start: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        elapsed = time.monotonic() - self.real_start
        return (self.start + timedelta(seconds=elapsed * self.speed)).astimezone(UTC)


@dataclass
class DemoBoard:
    """The demo board's tokens, its clock, and the replay running in the background."""

    unit_id: str
    unit_name: str
    day: date
    source_token: str
    display_token: str
    clock: SimulatedClock
    warehouse: Path
    _thread: threading.Thread | None = None

    def lines(self, app_url: str) -> list[str]:
        base = app_url.rstrip("/")
        return [
            f"Control board of {self.unit_name}: its day ({self.day:%Y-%m-%d}) replays from "
            f"{DAY_STARTS:%H:%M} at {SPEED:g}× speed — wall display (no sign-in): {base}/wall/"
            f"{self.display_token}",
            f"  … desk view with the lists behind each alert (signed in): "
            f"{base}/board/units/{self.unit_id}",
        ]

    def start_replay(self, app_url: str, say: Callable[[str], None]) -> None:
        """Replay the day to the app at ``app_url`` in a daemon thread (it retries until the
        server answers); what went before the board's clock is sent at once."""
        try:
            events = day_events(self.warehouse, self.unit_id, target_day=self.day)
        except SimulationError as error:
            say(f"the control board has no day to replay: {error}")
            return

        def run() -> None:
            try:
                replay(
                    events,
                    url=app_url,
                    token=self.source_token,
                    speed=self.clock.speed,
                    start=self.clock.now(),
                )
            except (ReplayRefused, ReplayUnreachable) as error:
                say(f"the control board's replay stopped: {error}")

        self._thread = threading.Thread(target=run, name="demo-board-replay", daemon=True)
        self._thread.start()


def start_demo_board(database_url: str, warehouse: Path, unit_id: str, unit_name: str) -> DemoBoard:
    """Register the demo's source system and wall display; the replay starts with the app."""
    day = replay_day(datetime.now(HELSINKI).date())
    store = BoardStore.open(database_url)
    try:
        source_token = _fresh(store.add_source, store.revoke_source, DEMO_SOURCE)
        display_token = _fresh(
            lambda name: store.add_display(name, [unit_id]), store.revoke_display, DEMO_DISPLAY
        )
    finally:
        store.close()
    start = datetime.combine(day, DAY_STARTS, tzinfo=HELSINKI)
    clock = SimulatedClock(start, SPEED)
    return DemoBoard(unit_id, unit_name, day, source_token, display_token, clock, warehouse)


def _fresh(add: Callable[[str], str], revoke: Callable[[str], None], name: str) -> str:
    try:
        return add(name)
    except ValueError:  # made by an earlier run: its token is gone with that run
        revoke(name)
        return add(name)
