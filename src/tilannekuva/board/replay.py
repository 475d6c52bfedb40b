"""Replaying events to the board's event API at a chosen speed, as a source system would.

The simulator's day (or any list of events) is sent to ``POST /api/v1/board/events`` in
time order: a simulated clock starts at the first event (or ``start``) and runs ``speed``
times faster than real time; whenever events are due they go out together in one batch (at
most :data:`~tilannekuva.board.events.MAX_BATCH`). One request is in flight at a time, so the
server receives the events in the order they happened.

Decisions:

- **Retries** on a connection error, a timeout, or HTTP 502/503/504/429: the *same* batch is
  sent again (same source ids, so a batch the server stored before the connection dropped is
  answered "duplicate" and nothing counts twice) after a back-off that doubles from
  ``first_delay`` up to ``max_delay``, or after the server's ``Retry-After`` when it gives
  one (capped the same way). Later events wait behind it, so nothing is reordered. After
  ``give_up_after`` seconds of failures on one batch the replay stops with
  :class:`ReplayUnreachable`; nothing after that batch was sent.
- Any other refusal (401 wrong token, 422 invalid events, …) stops at once with
  :class:`ReplayRefused`: sending the same thing again cannot help.
- ``speed = 0`` sends everything at once (in full batches), for tests and ingest benchmarks.
- Events before ``start`` are sent at once: the board starts from the state the day had
  reached. Events at or after ``until`` are not sent.
- The simulated clock keeps running while a batch is retried, so after an outage the events
  that fell due meanwhile go out together, as a source system's queue would drain.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from tilannekuva.board.events import MAX_BATCH, BoardEvent

EVENTS_PATH = "/api/v1/board/events"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
PROGRESS_SECONDS = 0.5  # longest sleep between progress reports while waiting
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class ReplayError(RuntimeError):
    """The replay stopped; ``sent`` events had been accepted by then."""

    def __init__(self, message: str, sent: int) -> None:
        super().__init__(message)
        self.sent = sent


class ReplayRefused(ReplayError):
    """The server refused a batch (wrong token, invalid events): retrying cannot help."""


class ReplayUnreachable(ReplayError):
    """The server stayed unreachable or unavailable for longer than the replay waits."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait between attempts, and for how long to keep trying one batch."""

    first_delay: float = 0.5
    max_delay: float = 30.0
    give_up_after: float = 600.0


@dataclass(frozen=True)
class ReplayProgress:
    """Where the replay is: reported after each batch, each retry and while waiting."""

    total: int
    sent: int
    stored: int
    duplicates: int
    batches: int
    retries: int
    simulated: datetime | None
    retrying: str | None = None  # why the last attempt failed, while retrying


@dataclass
class _Tally:
    total: int
    sent: int = 0
    stored: int = 0
    duplicates: int = 0
    batches: int = 0
    retries: int = 0
    simulated: datetime | None = None
    retrying: str | None = None

    def progress(self) -> ReplayProgress:
        return ReplayProgress(
            self.total,
            self.sent,
            self.stored,
            self.duplicates,
            self.batches,
            self.retries,
            self.simulated,
            self.retrying,
        )


ProgressCallback = Callable[[ReplayProgress], None]


def events_url(base_url: str) -> str:
    """The event API's address under the web app's base address."""
    return base_url.rstrip("/") + EVENTS_PATH


def replay(
    events: Sequence[BoardEvent],
    *,
    url: str,
    token: str,
    speed: float = 10.0,
    start: datetime | None = None,
    until: datetime | None = None,
    client: httpx.Client | None = None,
    retry: RetryPolicy | None = None,
    batch_size: int = MAX_BATCH,
    on_progress: ProgressCallback | None = None,
    on_batch: Callable[[Sequence[BoardEvent]], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> ReplayProgress:
    """Send ``events`` (sorted by time) to the event API at ``url``; the final tally.

    ``url`` is the web app's base address (``http://127.0.0.1:8000``); ``token`` a source
    system's token (``tilannekuva board source add``). ``on_batch`` is called with each batch
    as soon as the server has accepted it (a benchmark times event-to-screen latency from it).
    """
    if speed < 0:
        raise ValueError("speed must be 0 (as fast as possible) or more")
    if not 1 <= batch_size <= MAX_BATCH:
        raise ValueError(f"batch_size must be 1 … {MAX_BATCH}")
    queue = [e for e in events if until is None or e.occurred_at < until]
    policy = retry or RetryPolicy()
    tally = _Tally(total=len(queue))
    report = on_progress or (lambda _progress: None)
    owned = client is None
    http = client or httpx.Client(timeout=DEFAULT_TIMEOUT)
    sender = _Sender(http, events_url(url), token, policy, tally, report, clock, sleep)
    try:
        if not queue:
            return tally.progress()
        sim_start = start or queue[0].occurred_at
        real_start = clock()

        def simulated_now() -> datetime | None:
            """The simulated time; ``None`` at speed 0 (everything is due)."""
            if speed == 0:
                return None
            return sim_start + timedelta(seconds=(clock() - real_start) * speed)

        done = 0
        while done < len(queue):
            now = simulated_now()
            tally.simulated = now or queue[done].occurred_at
            due = done
            while due < len(queue) and due - done < batch_size:
                if now is not None and queue[due].occurred_at > now:
                    break
                due += 1
            if due == done:
                assert now is not None
                wait = (queue[done].occurred_at - now).total_seconds() / speed
                report(tally.progress())
                sleep(min(wait, PROGRESS_SECONDS))
                continue
            sender.send(queue[done:due])
            if on_batch is not None:
                on_batch(queue[done:due])
            done = due
            report(tally.progress())
        tally.simulated = max(simulated_now() or sim_start, queue[-1].occurred_at)
        return tally.progress()
    finally:
        if owned:
            http.close()


class _Sender:
    """Posts one batch until it is accepted, refused for good, or the policy gives up."""

    def __init__(
        self,
        client: httpx.Client,
        endpoint: str,
        token: str,
        policy: RetryPolicy,
        tally: _Tally,
        report: ProgressCallback,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self.client = client
        self.endpoint = endpoint
        self.headers = {"Authorization": f"Bearer {token}"}
        self.policy = policy
        self.tally = tally
        self.report = report
        self.clock = clock
        self.sleep = sleep

    def send(self, batch: Sequence[BoardEvent]) -> None:
        body = {"events": [event.model_dump(mode="json") for event in batch]}
        first_failure: float | None = None
        delay = self.policy.first_delay
        while True:
            reason, retry_after = self._attempt(body, batch)
            if reason is None:
                return
            now = self.clock()
            first_failure = now if first_failure is None else first_failure
            pause = min(max(delay, retry_after or 0.0), self.policy.max_delay)
            if now - first_failure + pause > self.policy.give_up_after:
                raise ReplayUnreachable(
                    f"{self.endpoint}: {reason}; gave up after "
                    f"{now - first_failure:.0f} s of retries",
                    self.tally.sent,
                )
            self.tally.retries += 1
            self.tally.retrying = reason
            self.report(self.tally.progress())
            self.sleep(pause)
            delay = min(delay * 2, self.policy.max_delay)

    def _attempt(
        self, body: dict[str, Any], batch: Sequence[BoardEvent]
    ) -> tuple[str | None, float | None]:
        """``(None, None)`` when accepted; else why it failed and the server's Retry-After."""
        try:
            response = self.client.post(self.endpoint, json=body, headers=self.headers)
        except httpx.TransportError as error:
            return f"{type(error).__name__}: {error}".rstrip(": "), None
        if response.status_code in RETRY_STATUSES:
            return f"HTTP {response.status_code}", _retry_after(response)
        if response.status_code != 200:
            raise ReplayRefused(
                f"{self.endpoint} refused the events: HTTP {response.status_code} "
                f"{_detail(response)}",
                self.tally.sent,
            )
        results = _results(response)
        if results is None or len(results) != len(batch):
            raise ReplayRefused(
                f"{self.endpoint} answered without one result per event", self.tally.sent
            )
        stored = sum(1 for status in results if status == "stored")
        self.tally.sent += len(batch)
        self.tally.stored += stored
        self.tally.duplicates += len(results) - stored
        self.tally.batches += 1
        self.tally.retrying = None
        return None, None


def _results(response: httpx.Response) -> list[str] | None:
    try:
        payload = response.json()
        return [str(item["status"]) for item in payload["results"]]
    except (ValueError, KeyError, TypeError):
        return None


def _detail(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:500]


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date); ``None`` if absent."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(moment.tzinfo)).total_seconds())
