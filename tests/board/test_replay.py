"""Replaying events to the event API: in order, in batches, at speed, through outages.

The server is real HTTP on a free port (``recording_server``) that stores by source id like
the event API and can answer 503 or drop connections for a while. Timing tests drive the
replay's clock by hand: ``sleep`` advances it, so they take no real time.
"""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.board.recording_server import (
    DROP_AFTER,
    DROP_BEFORE,
    INVALID,
    SLOW_DOWN,
    UNAVAILABLE,
    Recorder,
    recording_server,
)
from tilannekuva.board.events import BoardEvent, parse_event
from tilannekuva.board.replay import (
    ReplayProgress,
    ReplayRefused,
    ReplayUnreachable,
    RetryPolicy,
    replay,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
T0 = datetime(2026, 6, 17, 8, 0, tzinfo=HELSINKI)
TOKEN = "source-token"
QUICK = RetryPolicy(first_delay=0.01, max_delay=0.05, give_up_after=10.0)


def call(n: int, at: datetime, kind: str = "call.queued") -> BoardEvent:
    return parse_event(
        {
            "type": kind,
            "source_id": f"test:{kind}:{n:05d}",
            "occurred_at": at.isoformat(),
            "unit_id": "u1",
            "call_id": f"k{n:05d}",
        }
    )


class FakeClock:
    """Monotonic seconds that only ``sleep`` moves; records every pause."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def test_everything_at_once_goes_in_full_batches_in_order() -> None:
    events = [call(n, T0 + timedelta(seconds=n)) for n in range(2500)]
    accepted: list[int] = []
    with recording_server() as (url, server):
        final = replay(
            events,
            url=url,
            token=TOKEN,
            speed=0,
            on_batch=lambda batch: accepted.append(len(server.stored) - len(batch)),
        )
    assert [len(batch) for batch in server.requests] == [1000, 1000, 500]
    assert accepted == [0, 1000, 2000]  # told as soon as each batch was stored
    assert server.stored_ids == [e.source_id for e in events]
    assert server.authorizations == [f"Bearer {TOKEN}"] * 3
    assert (final.sent, final.stored, final.duplicates, final.batches, final.retries) == (
        2500,
        2500,
        0,
        3,
        0,
    )


def test_events_go_out_when_the_simulated_clock_reaches_them() -> None:
    """At 10× real time an event 10 s into the day is due after 1 s; simultaneous ones together."""
    events = [
        call(1, T0),
        call(2, T0 + timedelta(seconds=10)),
        call(3, T0 + timedelta(seconds=20)),
        call(4, T0 + timedelta(seconds=20)),
        call(5, T0 + timedelta(seconds=60)),
    ]
    clock = FakeClock()
    sent_at: list[tuple[float, int]] = []

    def progress(state: ReplayProgress) -> None:
        if not sent_at or sent_at[-1][1] != state.sent:
            sent_at.append((clock.now, state.sent))

    with recording_server() as (url, server):
        final = replay(
            events,
            url=url,
            token=TOKEN,
            speed=10,
            clock=clock,
            sleep=clock.sleep,
            on_progress=progress,
        )
    assert server.requests == [
        [events[0].source_id],
        [events[1].source_id],
        [events[2].source_id, events[3].source_id],
        [events[4].source_id],
    ]
    assert sent_at == [(0.0, 1), (1.0, 2), (2.0, 4), (6.0, 5)]
    assert max(clock.pauses) <= 0.5  # progress keeps coming while it waits
    assert final.simulated == T0 + timedelta(seconds=60)


def test_events_before_the_start_go_at_once_and_none_from_the_end_on() -> None:
    events = [call(n, T0 + timedelta(minutes=n)) for n in range(10)]
    clock = FakeClock()
    with recording_server() as (url, server):
        replay(
            events,
            url=url,
            token=TOKEN,
            speed=60,  # a minute a second
            start=T0 + timedelta(minutes=5),
            until=T0 + timedelta(minutes=8),
            clock=clock,
            sleep=clock.sleep,
        )
    ids = [e.source_id for e in events]
    assert server.requests == [ids[:6], [ids[6]], [ids[7]]]
    assert clock.now == pytest.approx(2.0)


@pytest.mark.parametrize(
    "failures",
    [
        [UNAVAILABLE, UNAVAILABLE, UNAVAILABLE],
        [DROP_BEFORE, DROP_BEFORE],
        [DROP_AFTER, UNAVAILABLE, DROP_AFTER],
    ],
    ids=["503", "dropped-before-storing", "dropped-after-storing"],
)
def test_retries_resend_the_same_batch_so_nothing_is_lost_doubled_or_reordered(
    failures: list[str],
) -> None:
    events = [call(n, T0 + timedelta(seconds=n)) for n in range(25)]
    recorder = Recorder(script=list(failures))
    with recording_server(recorder) as (url, server):
        final = replay(events, url=url, token=TOKEN, speed=0, batch_size=10, retry=QUICK)
    ids = [e.source_id for e in events]
    first = ids[:10]
    assert server.requests == [first] * (len(failures) + 1) + [ids[10:20], ids[20:]]
    assert server.stored_ids == ids
    stored_before_answer = 1 if DROP_AFTER in failures else 0
    assert final.sent == 25
    assert final.stored == 25 - 10 * stored_before_answer
    assert final.duplicates == 10 * stored_before_answer
    assert final.retries == len(failures)


def test_a_late_answer_after_an_outage_keeps_the_order_of_what_fell_due_meanwhile() -> None:
    """While the first batch is retried the clock runs on; the rest follow it, in order."""
    events = [call(n, T0 + timedelta(seconds=n)) for n in range(6)]
    clock = FakeClock()
    recorder = Recorder(script=[UNAVAILABLE] * 4)
    with recording_server(recorder) as (url, server):
        replay(
            events,
            url=url,
            token=TOKEN,
            speed=1,
            clock=clock,
            sleep=clock.sleep,
            retry=RetryPolicy(first_delay=1.0, max_delay=2.0, give_up_after=60.0),
        )
    ids = [e.source_id for e in events]
    # 1 + 2 + 2 + 2 s of back-off: by then events 1-5 (at 1 … 5 s) are all due.
    assert clock.pauses[:4] == [1.0, 2.0, 2.0, 2.0]
    assert server.requests == [[ids[0]]] * 5 + [ids[1:]]
    assert server.stored_ids == ids


def test_the_servers_retry_after_is_honoured() -> None:
    clock = FakeClock()
    with recording_server(Recorder(script=[SLOW_DOWN])) as (url, server):
        final = replay(
            [call(1, T0)],
            url=url,
            token=TOKEN,
            speed=0,
            clock=clock,
            sleep=clock.sleep,
            retry=RetryPolicy(first_delay=0.1, max_delay=5.0),
        )
    assert clock.pauses == [2.0]
    assert final.stored == 1 and len(server.requests) == 2


def test_a_wrong_token_stops_at_once() -> None:
    events = [call(n, T0) for n in range(3)]
    with (
        recording_server() as (url, server),
        pytest.raises(ReplayRefused, match="HTTP 401") as refused,
    ):
        replay(events, url=url, token="wrong", speed=0, retry=QUICK)
    assert len(server.requests) == 1
    assert refused.value.sent == 0


def test_invalid_events_stop_after_what_was_accepted() -> None:
    events = [call(n, T0) for n in range(3)]
    recorder = Recorder(script=["ok", INVALID])
    with (
        recording_server(recorder) as (url, server),
        pytest.raises(ReplayRefused, match="HTTP 422") as refused,
    ):
        replay(events, url=url, token=TOKEN, speed=0, batch_size=2, retry=QUICK)
    assert refused.value.sent == 2
    assert server.stored_ids == [events[0].source_id, events[1].source_id]


def test_an_unreachable_server_is_given_up_on_after_the_policys_time() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = FakeClock()
    with pytest.raises(ReplayUnreachable, match="gave up") as unreachable:
        replay(
            [call(1, T0)],
            url=f"http://127.0.0.1:{port}",
            token=TOKEN,
            speed=0,
            clock=clock,
            sleep=clock.sleep,
            retry=RetryPolicy(first_delay=1.0, max_delay=4.0, give_up_after=10.0),
        )
    assert unreachable.value.sent == 0
    assert clock.pauses == [1.0, 2.0, 4.0]  # a fourth pause would pass the 10 s


def test_a_replay_of_nothing_sends_nothing() -> None:
    with recording_server() as (url, server):
        final = replay([], url=url, token=TOKEN, speed=10)
    assert server.requests == []
    assert final.sent == 0
