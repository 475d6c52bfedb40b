"""The board's tiles, statuses and alerts for one hand-checked Monday morning.

Now is Monday 2025-03-10 10:30 in Helsinki (UTC+2). The baseline is written by hand: u1
usually has 4 calls in each of the hours 8 and 9 and 2 in hour 10 on a Monday (9 by 10:30),
and one e-message in hour 8.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from tests.board.fixtures_state import (
    answer,
    assessed,
    at,
    call,
    contact,
    feedback,
    msg,
    slot,
)
from tilannekuva.board.baseline import Baseline, UnitBaseline, UsualDemand
from tilannekuva.board.feedback_summary import FeedbackSummary, FeedbackTotals, Pulse
from tilannekuva.board.lists import Thresholds
from tilannekuva.board.state import SlotState, fold
from tilannekuva.board.view import (
    Alert,
    BoardView,
    FreeSlotGroup,
    FreeSlots,
    RemoteShare,
    T3Group,
    board_view,
)
from tilannekuva.indicators.rows import IndicatorRow

NOW = at("2025-03-10T10:30:00")


def hourly(**hours: float) -> tuple[float, ...]:
    values = [0.0] * 24
    for name, value in hours.items():
        values[int(name[1:])] = value
    return tuple(values)


def free(group: str, professional: str | None, start: str) -> SlotState:
    return SlotState("u1", None, group, professional, at(start), "nonurgent", free=True)


BASELINE = Baseline(
    "L1",
    at("2025-03-09T22:00:00"),
    {
        "u1": UnitBaseline(
            "u1",
            usual={
                ("calls", 0): UsualDemand(hourly(h8=4, h9=4, h10=2), 8),
                ("messages", 0): UsualDemand(hourly(h8=1), 8),
                ("walk_ins", 0): UsualDemand(hourly(), 8),
                ("remote", 0): UsualDemand(hourly(h9=1), 8),
            },
            slot_snapshot_date=date(2025, 3, 9),
            slots=(
                free("doctor", "d1", "2025-03-10T09:00:00"),  # today, already begun
                free("doctor", "d1", "2025-03-11T09:00:00"),
                free("doctor", "d1", "2025-03-13T09:00:00"),
                free("doctor", "d2", "2025-03-12T09:00:00"),
                free("doctor", "d2", "2025-03-17T09:00:00"),
                free("doctor", "d2", "2025-03-24T09:00:00"),
                free("nurse", None, "2025-03-11T14:00:00"),
                free("nurse", None, "2025-03-20T09:00:00"),
            ),
            books=frozenset({("doctor", "d1"), ("doctor", "d2"), ("nurse", None)}),
        )
    },
)

EVENTS = [
    *(call("queued", f"q{n}", f"2025-03-10T08:{n:02d}:00") for n in range(14)),
    call("answered", "q0", "2025-03-10T08:01:00"),
    call("queued", "late", "2025-03-10T10:20:00"),  # waiting 600 s
    call("queued", "cb", "2025-03-10T09:00:00"),
    call("callback_requested", "cb", "2025-03-10T09:01:00"),
    call("queued", "gone", "2025-03-10T09:10:00"),
    call("abandoned", "gone", "2025-03-10T09:11:00"),
    msg("m1", "2025-03-07T15:30:00"),  # 30 + 150 office minutes by 10:30
    msg("m2", "2025-03-10T10:00:00"),  # 30 office minutes
    msg("m3", "2025-03-10T08:00:00"),
    answer("m3", "2025-03-10T08:30:00"),
    assessed("a1", "2025-02-24T10:00:00", age_group="under_23"),  # last day today
    assessed("a2", "2025-03-03T10:00:00", age_group="under_23"),  # 7 days left
    assessed("a3", "2025-03-10T09:00:00", outcome="self_care"),
    slot("booked", "s24", "2025-03-24T09:00:00", group="doctor", professional="d2"),
    slot("opened", "s31", "2025-03-31T09:00:00", group="doctor", professional="d2"),
    contact("k1", "2025-03-10T08:10:00", "R10", walk_in=True),
    contact("k2", "2025-03-10T08:20:00", "R50"),
    contact("k3", "2025-03-10T08:40:00", "R50"),
    contact("k4", "2025-03-10T09:40:00", "R52"),
    feedback("2025-03-10T09:00:00", 10),
    feedback("2025-01-10T09:00:00", 0),  # 59 days ago: outside the window
]

SUMMARY = FeedbackSummary(
    since=NOW - timedelta(days=30),
    until=NOW,
    units={"u1": FeedbackTotals(responses=4, nps_answers=4, promoters=2, detractors=1)},
    pulses={"u1": (Pulse("2025-02", 6, 70.0), Pulse("2025-01", 5, 60.0))},
)
CONTEXT = [IndicatorRow("care_guarantee_7d", "2025-02", "u1", 12, 20, 60.0, False, True)]


@pytest.fixture(scope="module")
def view() -> BoardView:
    return board_view(["u1"], NOW, fold(EVENTS, NOW), BASELINE, SUMMARY, CONTEXT)


def test_demand_against_the_usual_level_by_this_time(view: BoardView) -> None:
    channels = {c.channel: c for c in view.demand.channels}
    calls = channels["calls"]
    # 17 calls queued today; usually 4 + 4 + half of 2 = 9 by 10:30 and 10 in the whole day.
    assert (calls.today, calls.usual_by_now, calls.usual_day) == (17, 9, 10)
    assert calls.status == "attention"  # 17 ≥ 1.5 × 9 and 8 more than usual
    assert (channels["messages"].today, channels["messages"].usual_by_now) == (2, 1)
    assert channels["messages"].status == "ok"  # 2 is only 1 more than usual
    assert (channels["walk_ins"].today, channels["remote"].today) == (1, 3)
    assert view.demand.weekday == 0 and view.demand.status == "attention"


def test_messages_tile(view: BoardView) -> None:
    m = view.messages
    assert (m.waiting, m.over_promise) == (2, 1)
    assert m.oldest_received_at == at("2025-03-07T15:30:00")
    assert m.oldest_office_seconds == (30 + 150) * 60
    assert m.oldest_wait_seconds == 3 * 86400 - 5 * 3600
    assert m.office_hours_now and m.status == "alert"


def test_calls_tile(view: BoardView) -> None:
    c = view.calls
    # Waiting: q1–q13 (q0 answered) and "late"; only calls queued today wait.
    assert c.waiting == 14
    assert c.oldest_wait_seconds == 2 * 3600 + 29 * 60  # q1 at 08:01
    assert c.waiting_over_limit == 14
    assert (c.callbacks_pending, c.oldest_callback_seconds, c.abandoned_today) == (1, 5340, 1)
    assert c.status == "alert"


def test_assessments_tile(view: BoardView) -> None:
    a = view.assessments
    assert (a.made_today, a.open, a.near_limit, a.last_day_or_past, a.overdue) == (1, 2, 1, 1, 0)
    assert a.soonest_days_left == 0 and a.status == "alert"


def test_t3_and_free_slots(view: BoardView) -> None:
    # d1: 10, 11, 13 March → third on the 13th: 3 days. d2: 12, 17 and (24 booked) 31 March
    # → 21 days. Doctors' median of 3 and 21 = 12. The pooled nurse book has 2 slots.
    assert view.appointments.t3 == (
        T3Group("doctor", 12.0, books=2, measurable=2, status="ok"),
        T3Group("nurse", None, books=1, measurable=0, status="ok"),
    )
    # Not yet begun, local dates 10–12 / 10–16 / 10–23 March.
    assert view.appointments.free_slots == (
        FreeSlots(3, 3, (FreeSlotGroup("doctor", 2), FreeSlotGroup("nurse", 1))),
        FreeSlots(7, 4, (FreeSlotGroup("doctor", 3), FreeSlotGroup("nurse", 1))),
        FreeSlots(14, 6, (FreeSlotGroup("doctor", 4), FreeSlotGroup("nurse", 2))),
    )
    assert view.appointments.snapshot_date == date(2025, 3, 9)


def test_a_t3_over_the_threshold_needs_attention() -> None:
    thresholds = Thresholds(t3_attention_days=11)
    view = board_view(["u1"], NOW, fold(EVENTS, NOW), BASELINE, SUMMARY, (), thresholds)
    assert view.appointments.t3[0].status == "attention"
    assert view.appointments.status == "attention"


def test_remote_share_and_feedback(view: BoardView) -> None:
    assert view.remote.today == RemoteShare(remote=3, in_person=1, share_pct=75.0)
    assert view.remote.week == view.remote.today  # Monday: the week is today
    f = view.feedback
    # Store: 4 answers, 2 promoters, 1 detractor; plus today's external 10.
    assert (f.responses, f.nps_answers, f.promoters, f.detractors) == (5, 5, 3, 1)
    assert f.nps == 40.0 and f.days == 30
    assert (f.pulse_period, f.pulse_index, f.pulse_respondents) == ("2025-02", 70.0, 6)


def test_alerts_name_their_lists_most_severe_first(view: BoardView) -> None:
    assert view.alerts == (
        Alert("messages_over_promise", "alert", 1, "messages_over_promise"),
        Alert("assessments_near_limit", "alert", 1, "assessments_near_limit"),
        Alert("calls_waiting", "alert", 14, "calls_waiting"),
        Alert("callbacks_pending", "attention", 1, "callbacks_pending"),
    )
    assert view.status == "alert"


def test_the_view_is_json_with_ids_codes_and_numbers_only(view: BoardView) -> None:
    data = json.loads(view.to_json())
    assert data["generated_at"] == "2025-03-10T10:30:00+02:00"
    assert data["unit_ids"] == ["u1"] and data["load_id"] == "L1"
    assert data["context"][0]["indicator_id"] == "care_guarantee_7d"
    assert data["alerts"][0] == {
        "kind": "messages_over_promise",
        "severity": "alert",
        "count": 1,
        "list_ref": "messages_over_promise",
    }
    # No words for people: every string is an id, a code, a month or an ISO time.
    code = re.compile(r"^[a-z0-9_]+$|^L1$|^\d{4}-\d{2}(-\d{2})?([T ][0-9:.+]+)?$")
    strings: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str):
            strings.append(value)

    collect(data)
    assert strings and all(code.match(s) for s in strings), [
        s for s in strings if not code.match(s)
    ]


def test_an_empty_board_before_any_load_or_event() -> None:
    view = board_view(["u9"], NOW, {}, Baseline.empty(), None)
    assert view.status == "ok" and view.alerts == ()
    assert all(c.today == 0 and c.usual_by_now is None for c in view.demand.channels)
    assert view.messages.waiting == 0 and view.messages.oldest_received_at is None
    assert view.appointments.t3 == () and view.remote.today.share_pct is None
    assert view.feedback.nps is None and view.feedback.pulse_period is None
    assert json.loads(view.to_json())["load_id"] is None


def test_a_group_of_units_adds_up() -> None:
    events = [call("queued", "x1", "2025-03-10T09:00:00", unit="u2"), *EVENTS]
    state = fold(events, NOW)
    view = board_view(["u1", "u2"], NOW, state, BASELINE, SUMMARY)
    calls = next(c for c in view.demand.channels if c.channel == "calls")
    # 17 + 1 calls; u2 has no usual level in the baseline, so the group has none either.
    assert (calls.today, calls.usual_by_now, calls.status) == (18, None, "ok")
    assert view.calls.waiting == 15


def test_now_must_carry_its_offset() -> None:
    with pytest.raises(ValueError, match="aware"):
        board_view(["u1"], NOW.replace(tzinfo=None), {}, BASELINE, None)
