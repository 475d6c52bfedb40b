"""The live board in the web process: board views per set of units, kept current and pushed
to desk screens and wall displays as Server-Sent Events.

One :class:`BoardService` per process (``app.state.board``). Every set of units that someone
is looking at has a *channel*: its latest computed board (a :class:`Frame`) and the streams
subscribed to it. A poller thread asks the board store for its revision every
``config.live_check_seconds``; when it changed (an event arrived, through this worker or
another one) or a board is older than :data:`RECOMPUTE_SECONDS` (ages grow with the clock:
a message crosses the one-office-hour promise without any new event), the channel's board is
computed again, and when its JSON differs, every subscribed stream is woken and sends it. The
event API calls :meth:`BoardService.notify` after storing, so this worker does not wait for
its next round.

A stream (``text/event-stream``) sends ``event: board`` with the board's JSON and its tiles
rendered for the reader's language (``_board_tiles.html``; the page's script swaps them in,
so no text is translated in the browser), then the latest board whenever it changes and
``event: heartbeat`` every :data:`HEARTBEAT_SECONDS` when nothing changed, each saying when
the numbers were last confirmed current. The browser side is ``static/board-live.js``.

Decisions:

- Nothing blocks the event loop: the store, the computation and rendering run in worker
  threads (the poller's own, or ``anyio.to_thread``); a stream only waits on an
  ``asyncio.Event`` the poller sets through ``call_soon_threadsafe``.
- A stream ends by itself after :data:`STREAM_SECONDS`; EventSource reconnects at once. So no
  connection is held for ever (proxies, a graceful server shutdown waits for open responses),
  and a revoked display token is noticed within a minute (``still_valid``).
- A board is sent only when its JSON changed; a slow client misses intermediate boards, never
  the latest one (each wake sends the newest frame).
- The poller never dies: a failing store or computation is logged and retried next round.
  Meanwhile the confirmation time stops advancing, and after :data:`STALE_SECONDS` the
  heartbeat says ``stale``, which the screens show in words.
- ``event: reload`` tells a page rendered by another version of the board's templates,
  script or style (:data:`PAGE_VERSION`) to load itself again, e.g. after an upgrade.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import anyio
from babel.dates import format_time
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from tilannekuva.board.baseline import Baseline, BaselineCache
from tilannekuva.board.feedback_summary import FeedbackSummary, feedback_summary
from tilannekuva.board.lists import DEFAULT_THRESHOLDS, ListItem, Thresholds, board_list
from tilannekuva.board.state import UnitDay, event_window, fold
from tilannekuva.board.store import BoardStore, DisplayInfo
from tilannekuva.board.view import BoardView, board_view
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.web.board_tiles import (
    CONTEXT_INDICATORS,
    PAGE_VERSION,
    tiles_html,
    unit_names,
)
from tilannekuva.web.config import WebConfig
from tilannekuva.web.i18n import TIME_ZONE, babel_locale
from tilannekuva.web.pages import board as board_pages
from tilannekuva.web.pages import wall as wall_pages
from tilannekuva.web.snapshot import Snapshot, SnapshotStore
from tilannekuva.web.unit_summary import cutoff_day

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0
"""A stream with nothing new sends a heartbeat this often (the screens count it as fresh)."""
RECOMPUTE_SECONDS = 30.0
"""A board is computed again at least this often, events or not (ages grow with the clock)."""
STALE_SECONDS = 60.0
"""Numbers not confirmed for this long are stale: the screens say so."""
STREAM_SECONDS = 600.0
"""A stream ends after this long and the browser reconnects (see the module's decisions)."""
IDLE_SECONDS = 300.0
"""A channel nobody has watched for this long is forgotten."""
RETRY_MILLISECONDS = 5000
"""EventSource's reconnection delay, sent as ``retry:`` at the start of every stream."""
VALIDITY_CHECK_SECONDS = 60.0
"""How often a wall display's stream checks that its token is still valid."""
FEEDBACK_MIN_SECONDS = 10.0
FEEDBACK_MAX_SECONDS = 300.0


UnitSet = tuple[str, ...]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class BoardStoreLike(Protocol):
    """What the service and the wall pages need of ``board.store.BoardStore``."""

    def revision(self) -> int: ...

    def display_for_token(self, token: str) -> DisplayInfo | None: ...

    def touch_display(self, name: str) -> None: ...

    def close(self) -> None: ...


class JsonView(Protocol):
    """What the service needs of a computed board: its JSON form."""

    def to_json(self) -> Any: ...


class Computation(Protocol):
    """The numbers: a board of some units at a moment, and the rows of one of its lists."""

    def view(self, units: UnitSet, now: datetime) -> JsonView: ...

    def rows(self, kind: str, units: UnitSet, now: datetime) -> list[ListItem]: ...


Render = Callable[["Frame", str, str], str]
"""``render(frame, locale, mode)``: the tiles' HTML of a board for one language and mode."""


@dataclass(frozen=True)
class Frame:
    """One computed board of a set of units; ``seq`` changes only when its JSON does."""

    seq: int
    view: JsonView
    view_json: str
    revision: int
    computed_at: datetime


def canonical_json(view: JsonView) -> str:
    """The view's JSON as text with sorted keys, so equal boards compare equal."""
    data = view.to_json()
    if isinstance(data, str):
        data = json.loads(data)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class Subscriber:
    """One open stream, woken from the poller thread on its own event loop."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.changed = asyncio.Event()

    def wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: its stream is gone with it
            self.loop.call_soon_threadsafe(self.changed.set)


@dataclass
class Channel:
    """The board of one set of units and the streams watching it."""

    units: UnitSet
    frame: Frame | None = None
    checked_at: datetime | None = None
    subscribers: set[Subscriber] = field(default_factory=set)
    last_used: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)
    messages: dict[tuple[int, str, str], bytes] = field(default_factory=dict)


def sse(event: str, data: dict[str, Any]) -> bytes:
    """One Server-Sent Events message; JSON has no newlines, so one ``data:`` line."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event}\ndata: {text}\n\n".encode()


def clock_text(moment: datetime, locale: str) -> str:
    """The Helsinki wall-clock time with seconds, as the locale writes it (``9.05.12``)."""
    local = moment.astimezone(ZoneInfo(TIME_ZONE))
    return format_time(local, "medium", locale=babel_locale(locale))


class BoardService:
    """Board views per set of units, computed when needed and pushed to open streams."""

    def __init__(
        self,
        *,
        store: BoardStoreLike,
        computation: Computation,
        render: Render,
        clock: Clock = utc_now,
        check_seconds: float = 1.0,
        autostart: bool = True,
    ) -> None:
        self.store = store
        self.computation = computation
        self.autostart = autostart
        self.render = render
        self.clock = clock
        self.check_seconds = check_seconds
        self.heartbeat_seconds = HEARTBEAT_SECONDS
        self.recompute_seconds = RECOMPUTE_SECONDS
        self.stale_seconds = STALE_SECONDS
        self.stream_seconds = STREAM_SECONDS
        self.idle_seconds = IDLE_SECONDS
        self.validity_seconds = VALIDITY_CHECK_SECONDS
        self._channels: dict[UnitSet, Channel] = {}
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._notified = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the channels ---------------------------------------------------------------------

    def channel(self, units: UnitSet) -> Channel:
        with self._lock:
            found = self._channels.get(units)
            if found is None:
                found = self._channels[units] = Channel(units)
            found.last_used = time.monotonic()
            return found

    def subscriber_count(self) -> int:
        with self._lock:
            return sum(len(channel.subscribers) for channel in self._channels.values())

    def subscribe(self, units: UnitSet) -> tuple[Channel, Subscriber]:
        """Register a stream (on the event loop that will wait for it).

        The poller is started here if the app's lifespan has not started it yet (with
        ``autostart``): a stream without a poller would only ever get heartbeats.
        """
        if self.autostart and not self._stop.is_set():
            self.start_background()
        channel = self.channel(units)
        subscriber = Subscriber()
        with self._lock:
            channel.subscribers.add(subscriber)
        return channel, subscriber

    def unsubscribe(self, channel: Channel, subscriber: Subscriber) -> None:
        with self._lock:
            channel.subscribers.discard(subscriber)
            channel.last_used = time.monotonic()

    def _live_channels(self) -> list[Channel]:
        """The channels still in use; the ones idle too long are dropped here."""
        now = time.monotonic()
        with self._lock:
            for units, channel in list(self._channels.items()):
                if not channel.subscribers and now - channel.last_used > self.idle_seconds:
                    del self._channels[units]
            return list(self._channels.values())

    # --- computing -------------------------------------------------------------------------

    def current(self, units: UnitSet) -> Frame:
        """The board of ``units``, computed now unless the latest one is still current.

        Blocking (store and computation): call it from a worker thread. Raises what the
        store or the computation raises (a page then shows its error page).
        """
        channel = self.channel(units)
        revision = self.store.revision()
        self._refresh(channel, revision, self.clock(), force=False, raise_errors=True)
        assert channel.frame is not None
        return channel.frame

    async def current_async(self, units: UnitSet) -> Frame:
        """:meth:`current` from a worker thread, for request handlers."""
        return await anyio.to_thread.run_sync(self.current, units)

    def list_rows(self, kind: str, units: UnitSet, now: datetime) -> list[ListItem]:
        """The rows behind one alert, computed now (blocking)."""
        return self.computation.rows(kind, units, now)

    def _refresh(
        self, channel: Channel, revision: int, now: datetime, *, force: bool, raise_errors: bool
    ) -> None:
        with channel.lock:
            frame = channel.frame
            due = (
                force
                or frame is None
                or frame.revision != revision
                or now - frame.computed_at >= timedelta(seconds=self.recompute_seconds)
            )
            if due:
                try:
                    view = self.computation.view(channel.units, now)
                except Exception:
                    if raise_errors:
                        raise
                    # the poller must keep running; the screens see the numbers go stale
                    log.exception("board of %s not computed", ",".join(channel.units))
                    return
                self._publish(channel, view, revision, now)
            channel.checked_at = now

    def _publish(self, channel: Channel, view: JsonView, revision: int, now: datetime) -> None:
        """Keep the new board; wake the streams when its JSON changed."""
        text = canonical_json(view)
        old = channel.frame
        if old is not None and old.view_json == text:
            channel.frame = Frame(old.seq, view, text, revision, now)
            return
        channel.frame = Frame(next(self._seq), view, text, revision, now)
        channel.messages.clear()
        with self._lock:
            subscribers = list(channel.subscribers)
        for subscriber in subscribers:
            subscriber.wake()

    def notify(self) -> None:
        """New events were stored by this process: look again now, not at the next round.

        Cheap and non-blocking, so the event API may call it on the event loop.
        """
        self._notified = True
        self._wake.set()

    def check_now(self) -> None:
        """One round of the poller: every watched board that is due is computed again."""
        channels = self._live_channels()
        forced, self._notified = self._notified, False
        if not channels:
            return
        try:
            revision = self.store.revision()
        except Exception:  # the database is down: the next round tries again
            log.warning("board store revision not read", exc_info=True)
            return
        now = self.clock()
        for channel in channels:
            self._refresh(channel, revision, now, force=forced, raise_errors=False)

    def is_stale(self, channel: Channel) -> bool:
        checked = channel.checked_at
        return checked is None or self.clock() - checked > timedelta(seconds=self.stale_seconds)

    # --- the poller thread ----------------------------------------------------------------

    def start_background(self) -> None:
        """Start the poller (once; a second call does nothing)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._poll, name="board-poller", daemon=True)
            self._thread.start()

    def _poll(self) -> None:
        # Nothing is prepared before a board is watched: a worker restarting under a stream of
        # feedback answers spends its first seconds on them, and the load's baseline (seconds
        # of work) is read by the first board that needs it.
        while not self._stop.is_set():
            self.check_now()
            self._wake.wait(self.check_seconds)
            self._wake.clear()

    def stop_background(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def close(self) -> None:
        """Stop the poller and close the store (when it can be closed)."""
        self.stop_background()
        close = getattr(self.store, "close", None)
        if callable(close):
            close()

    # --- messages --------------------------------------------------------------------------

    def tiles(self, frame: Frame, locale: str, mode: str) -> str:
        """The tiles' HTML of a board (blocking: rendering)."""
        return self.render(frame, locale, mode)

    def board_message(self, channel: Channel, frame: Frame, locale: str, mode: str) -> bytes:
        """``event: board`` of a frame, rendered once per language and mode (blocking)."""
        key = (frame.seq, locale, mode)
        message = channel.messages.get(key)
        if message is None:
            message = sse(
                "board",
                {
                    "seq": frame.seq,
                    "revision": frame.revision,
                    "updated": clock_text(frame.computed_at, locale),
                    "updated_at": frame.computed_at.isoformat(),
                    "stale": False,
                    "html": self.tiles(frame, locale, mode),
                    "view": json.loads(frame.view_json),
                },
            )
            if channel.frame is frame:  # a newer frame's messages must not be mixed in
                channel.messages[key] = message
        return message

    def heartbeat_message(self, channel: Channel, locale: str) -> bytes:
        checked = channel.checked_at
        return sse(
            "heartbeat",
            {
                "updated": clock_text(checked, locale) if checked else "",
                "updated_at": checked.isoformat() if checked else None,
                "stale": self.is_stale(channel),
            },
        )

    def stream(
        self,
        units: UnitSet,
        *,
        locale: str,
        mode: str,
        page_version: str | None = None,
        still_valid: Callable[[], Awaitable[bool]] | None = None,
    ) -> EventStreamResponse:
        """The SSE response of a board; see :class:`EventStreamResponse`."""
        return EventStreamResponse(
            self,
            units,
            locale=locale,
            mode=mode,
            page_version=page_version,
            still_valid=still_valid,
        )


class EventStreamResponse(Response):
    """``text/event-stream`` of one board until the client leaves or the stream's time is up.

    Subscribes before the first board is sent, so no change can fall between the two, and
    unsubscribes however the stream ends (client gone, time up, server shutting down).
    When the first board cannot be computed (the database is down), the answer is 503 with
    ``Retry-After``; the page's script then reconnects by itself.
    """

    media_type = "text/event-stream"

    def __init__(
        self,
        service: BoardService,
        units: UnitSet,
        *,
        locale: str,
        mode: str,
        page_version: str | None,
        still_valid: Callable[[], Awaitable[bool]] | None,
    ) -> None:
        # as StreamingResponse does: no body, so no Content-Length
        self.status_code = 200
        self.background = None
        self.init_headers({"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
        self.service = service
        self.units = units
        self.locale = locale
        self.mode = mode
        self.page_version = page_version
        self.still_valid = still_valid

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.page_version is not None and self.page_version != PAGE_VERSION:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            await self._body(send, f"retry: {RETRY_MILLISECONDS}\n\n".encode())
            reload = sse("reload", {"version": PAGE_VERSION})
            await send({"type": "http.response.body", "body": reload, "more_body": False})
            return
        service = self.service
        channel, subscriber = service.subscribe(self.units)
        try:
            try:
                frame = await service.current_async(self.units)
            except Exception:
                log.warning("board stream not started", exc_info=True)
                await self._unavailable(send)
                return
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async with anyio.create_task_group() as group:

                async def leave_when_disconnected() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    group.cancel_scope.cancel()

                group.start_soon(leave_when_disconnected)
                await self._pump(channel, subscriber, frame, send)
                group.cancel_scope.cancel()
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # the client went away while a message was being sent
            pass
        finally:
            service.unsubscribe(channel, subscriber)

    async def _unavailable(self, send: Send) -> None:
        response = Response(
            "board unavailable",
            status_code=503,
            headers={"Retry-After": "10", "Cache-Control": "no-store"},
            media_type="text/plain",
        )
        await send({"type": "http.response.start", "status": 503, "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body})

    async def _body(self, send: Send, data: bytes) -> None:
        await send({"type": "http.response.body", "body": data, "more_body": True})

    async def _pump(
        self, channel: Channel, subscriber: Subscriber, frame: Frame, send: Send
    ) -> None:
        service = self.service
        started = time.monotonic()
        first = await self._board(channel, frame)
        await self._body(send, f"retry: {RETRY_MILLISECONDS}\n\n".encode() + first)
        sent = frame.seq
        checked = started
        while (left := service.stream_seconds - (time.monotonic() - started)) > 0:
            woken = False
            with anyio.move_on_after(min(service.heartbeat_seconds, left)):
                await subscriber.changed.wait()
                woken = True
            subscriber.changed.clear()
            latest = channel.frame
            if latest is not None and latest.seq != sent:
                await self._body(send, await self._board(channel, latest))
                sent = latest.seq
            elif not woken:
                await self._body(send, service.heartbeat_message(channel, self.locale))
            if (
                self.still_valid is not None
                and time.monotonic() - checked >= service.validity_seconds
            ):
                checked = time.monotonic()
                if not await self.still_valid():
                    await self._body(send, sse("gone", {}))
                    return

    async def _board(self, channel: Channel, frame: Frame) -> bytes:
        cached = channel.messages.get((frame.seq, self.locale, self.mode))
        if cached is not None:
            return cached
        return await anyio.to_thread.run_sync(
            self.service.board_message, channel, frame, self.locale, self.mode
        )


# --- the numbers behind the boards --------------------------------------------------------


class FeedbackSummaries:
    """The feedback summary of every unit, read again when the feedback store changes (at
    most every :data:`FEEDBACK_MIN_SECONDS`) and at least every :data:`FEEDBACK_MAX_SECONDS`
    (its 30-day window moves with the clock).

    Decisions: one summary serves every board (it reads every answer of 30 days once); when
    the feedback store cannot be read, the last summary stays (or none: the tile says so)
    rather than the whole board failing.
    """

    def __init__(self, store: FeedbackStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._summary: FeedbackSummary | None = None
        self._revision: object = None
        self._read_at = -math.inf

    def get(self, now: datetime) -> FeedbackSummary | None:
        with self._lock:
            age = time.monotonic() - self._read_at
            if self._summary is not None and age < FEEDBACK_MIN_SECONDS:
                return self._summary
            try:
                revision = self.store.revision()
                if (
                    self._summary is None
                    or revision != self._revision
                    or (age >= FEEDBACK_MAX_SECONDS)
                ):
                    self._summary = feedback_summary(self.store, now)
                    self._revision = revision
                self._read_at = time.monotonic()
            except SQLAlchemyError:
                log.warning("feedback summary not read; keeping the last one", exc_info=True)
            return self._summary


def last_complete_month(snapshot: Snapshot) -> str | None:
    """The month before the load's cutoff month (``YYYY-MM``): the newest month whose last day
    is before the cutoff's local date (the scorecard's rule), the same for every board."""
    day = cutoff_day(snapshot)
    if day is None:
        return None
    previous = day.replace(day=1) - timedelta(days=1)
    return f"{previous.year:04d}-{previous.month:02d}"


def context_rows(snapshot: Snapshot, units: Sequence[str]) -> list[IndicatorRow]:
    """The public rows of the context indicators for the last complete month, unit by unit
    (an indicator without a row for a unit that month is left out)."""
    month = last_complete_month(snapshot)
    if month is None:
        return []
    rows: list[IndicatorRow] = []
    for unit_id in units:
        of_unit = snapshot.unit_rows(unit_id, role="public")
        for indicator_id in CONTEXT_INDICATORS:
            rows += [row for row in of_unit.get(indicator_id, []) if row.period == month]
    return rows


class BoardComputation:
    """A board's numbers from the event log, the latest load and the feedback store."""

    def __init__(
        self,
        store: BoardStore,
        warehouse: Path,
        snapshots: SnapshotStore,
        feedback: FeedbackStore | None,
        *,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        baselines: BaselineCache | None = None,
    ) -> None:
        self.store = store
        self.snapshots = snapshots
        self.baselines = baselines or BaselineCache(warehouse)
        self.feedback = FeedbackSummaries(feedback) if feedback is not None else None
        self.thresholds = thresholds

    def _baseline(self, snapshot: Snapshot) -> Baseline:
        return self.baselines.get(snapshot.load.load_id if snapshot.load else None)

    def _state(
        self, units: UnitSet, now: datetime
    ) -> tuple[Snapshot, Baseline, Mapping[str, UnitDay]]:
        snapshot = self.snapshots.current()
        baseline = self._baseline(snapshot)
        start, end = event_window(now, baseline.cutoff)
        return snapshot, baseline, fold(self.store.events_for(units, start, end), now)

    def view(self, units: UnitSet, now: datetime) -> BoardView:
        snapshot, baseline, state = self._state(units, now)
        feedback = self.feedback.get(now) if self.feedback is not None else None
        rows = context_rows(snapshot, units)
        return board_view(units, now, state, baseline, feedback, rows, self.thresholds)

    def rows(self, kind: str, units: UnitSet, now: datetime) -> list[ListItem]:
        _, baseline, state = self._state(units, now)
        return board_list(kind, units, now, state, baseline, self.thresholds)


def install_board(
    app: FastAPI, config: WebConfig, *, baselines: BaselineCache | None = None
) -> BoardService:
    """The live board in ``app``: its service on ``app.state.board`` and its pages.

    Call after the snapshots and the feedback store are on ``app.state`` (``create_app``
    sets them); start the poller from the app's lifespan with
    :meth:`BoardService.start_background` and end it with :meth:`BoardService.close`.
    The board store lives in the same database as the feedback store. ``baselines`` lets
    several apps over one warehouse share the load's baseline (tests).
    """
    store = BoardStore.open(config.database_url)
    snapshots: SnapshotStore = app.state.snapshots
    feedback = getattr(app.state, "feedback_store", None)
    computation = BoardComputation(
        store, config.warehouse, snapshots, feedback, baselines=baselines
    )

    def render(frame: Frame, locale: str, mode: str) -> str:
        view = frame.view
        assert isinstance(view, BoardView)
        return tiles_html(view, unit_names(snapshots.shown()), locale, mode)

    service = BoardService(
        store=store,
        computation=computation,
        render=render,
        clock=config.board_clock or utc_now,
        check_seconds=config.live_check_seconds,
    )
    app.state.board = service
    app.include_router(board_pages.router)
    app.include_router(wall_pages.router)
    return service
