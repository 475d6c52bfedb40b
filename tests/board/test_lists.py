"""Office time, the one-office-hour promise, days to the legal maximum, and the alert lists.

2025-03-07 is a Friday and 2025-03-10 a Monday (UTC+2). Easter 2025: Good Friday 18 April and
Easter Monday 21 April are public holidays (summer time, UTC+3).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.board.fixtures_state import (
    answer,
    assessed,
    at,
    call,
    msg,
    slot,
    visited,
)
from tilannekuva.board.baseline import Baseline, UnitBaseline
from tilannekuva.board.lists import (
    ASSESSMENTS_NEAR_LIMIT,
    ASSESSMENTS_OPEN,
    CALLBACKS_PENDING,
    CALLS_ABANDONED,
    CALLS_WAITING,
    MESSAGES_OVER_PROMISE,
    MESSAGES_WAITING,
    Thresholds,
    board_list,
    current_slots,
    is_office_time,
    office_seconds_between,
)
from tilannekuva.board.state import OpenAssessment, SlotState, fold

NOW = at("2025-03-10T12:00:00")
NO_LOAD = Baseline.empty()


# --- office time -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "now", "seconds"),
    [
        # Friday 15:30 → Monday 08:45: 30 min on Friday + 45 min on Monday.
        ("2025-03-07T15:30:00", "2025-03-10T08:45:00", 75 * 60),
        ("2025-03-10T09:00:00", "2025-03-10T10:00:00", 3600),
        ("2025-03-10T09:00:00", "2025-03-10T10:00:01", 3601),
        # Saturday: the clock starts on Monday at 08:00.
        ("2025-03-08T10:00:00", "2025-03-10T09:00:00", 3600),
        # Evening: the clock starts next morning.
        ("2025-03-10T17:00:00", "2025-03-11T08:30:00", 30 * 60),
        # Thursday before Easter 15:30 → Tuesday after Easter 08:45: Good Friday and Easter
        # Monday do not count.
        ("2025-04-17T15:30:00+03:00", "2025-04-22T08:45:00+03:00", 75 * 60),
        # Before opening on the same day, and a reply "before" its message: nothing.
        ("2025-03-10T07:00:00", "2025-03-10T07:59:59", 0),
        ("2025-03-10T10:00:00", "2025-03-10T09:00:00", 0),
        # A whole office week: five days of eight hours.
        ("2025-03-10T08:00:00", "2025-03-17T08:00:00", 5 * 8 * 3600),
        # Fractions of a second are dropped, as in the indicator.
        ("2025-03-10T09:00:00.900000", "2025-03-10T09:00:01.100000", 1),
    ],
)
def test_office_seconds_between(received: str, now: str, seconds: int) -> None:
    assert office_seconds_between(at(received), at(now)) == seconds


def test_office_seconds_use_helsinki_wall_clock_whatever_the_offset() -> None:
    # 06:30Z is 08:30 in Helsinki; 10:00Z is 12:00.
    start = datetime(2025, 3, 10, 6, 30, tzinfo=UTC)
    assert office_seconds_between(start, datetime(2025, 3, 10, 10, 0, tzinfo=UTC)) == 3.5 * 3600


def test_office_time_now() -> None:
    assert is_office_time(at("2025-03-10T08:00:00"))
    assert not is_office_time(at("2025-03-10T16:00:00"))
    assert not is_office_time(at("2025-04-21T10:00:00+03:00"))  # Easter Monday


# --- messages --------------------------------------------------------------------------------


def test_a_message_from_friday_afternoon_is_past_the_promise_on_monday_morning() -> None:
    now = at("2025-03-10T08:45:00")
    state = fold(
        [
            msg("m1", "2025-03-07T15:30:00"),  # 75 office minutes: past
            msg("m2", "2025-03-07T15:50:00"),  # 10 + 45 = 55 office minutes: not yet
            msg("m3", "2025-03-07T14:00:00"),
            answer("m3", "2025-03-07T14:30:00"),  # answered
        ],
        now,
    )
    over = board_list(MESSAGES_OVER_PROMISE, ["u1"], now, state, NO_LOAD)
    assert [(r.record_id, r.office_seconds) for r in over] == [("m1", 4500)]
    assert over[0].waited_seconds == 3 * 86400 - (15 * 3600 + 30 * 60) + 8 * 3600 + 45 * 60
    assert over[0].detail == "portal"
    waiting = board_list(MESSAGES_WAITING, ["u1"], now, state, NO_LOAD)
    assert [(r.record_id, r.office_seconds) for r in waiting] == [("m1", 4500), ("m2", 3300)]


def test_exactly_one_office_hour_is_still_within_the_promise() -> None:
    state = fold([msg("m1", "2025-03-10T09:00:00")], NOW)
    for now, expected in (("2025-03-10T10:00:00", []), ("2025-03-10T10:00:01", ["m1"])):
        rows = board_list(MESSAGES_OVER_PROMISE, ["u1"], at(now), state, NO_LOAD)
        assert [r.record_id for r in rows] == expected


def test_the_promise_is_configurable() -> None:
    state = fold([msg("m1", "2025-03-10T10:30:00")], NOW)  # 90 office minutes at noon
    assert len(board_list(MESSAGES_OVER_PROMISE, ["u1"], NOW, state, NO_LOAD)) == 1
    two_hours = Thresholds(promise_seconds=7200)
    assert board_list(MESSAGES_OVER_PROMISE, ["u1"], NOW, state, NO_LOAD, two_hours) == []


# --- calls -----------------------------------------------------------------------------------


def test_calls_waiting_longer_than_the_limit_and_callbacks() -> None:
    state = fold(
        [
            call("queued", "c1", "2025-03-10T11:54:59"),  # 301 s: over the 300 s limit
            call("queued", "c2", "2025-03-10T11:55:00"),  # exactly 300 s: not over
            call("callback_requested", "c3", "2025-03-10T09:00:00"),
            call("queued", "c4", "2025-03-10T09:00:00"),
            call("abandoned", "c4", "2025-03-10T09:01:00"),
        ],
        NOW,
    )
    waiting = board_list(CALLS_WAITING, ["u1"], NOW, state, NO_LOAD)
    assert [(r.record_id, r.waited_seconds) for r in waiting] == [("c1", 301)]
    callbacks = board_list(CALLBACKS_PENDING, ["u1"], NOW, state, NO_LOAD)
    assert [(r.record_id, r.waited_seconds) for r in callbacks] == [("c3", 3 * 3600)]
    abandoned = board_list(CALLS_ABANDONED, ["u1"], NOW, state, NO_LOAD)
    assert [r.record_id for r in abandoned] == ["c4"]


# --- assessments -----------------------------------------------------------------------------


def _load_assessment(assessment_id: str, assessed: str, limit: date) -> OpenAssessment:
    return OpenAssessment("u1", assessment_id, at(assessed), "reception", "under_23", limit)


def test_assessments_near_the_legal_maximum_from_events_and_the_load() -> None:
    events = [
        assessed("a_7", "2025-03-03T10:00:00", age_group="under_23"),  # → 17 Mar: 7 days left
        assessed("a_0", "2025-02-24T10:00:00", age_group="under_23"),  # → 10 Mar: last day
        assessed("a_m3", "2025-02-21T10:00:00", age_group="under_23"),  # → 7 Mar: 3 days late
        assessed("a_3", "2025-02-27T10:00:00", age_group="under_23"),  # → 13 Mar: 3 left
        assessed("a_4", "2025-02-28T10:00:00", age_group="under_23"),  # → 14 Mar: 4 left
        assessed("mental", "2025-01-02T10:00:00", area="mental"),  # no legal maximum
        visited("b_met", "2025-03-10T09:00:00"),
        # the load said 2025-02-20 (→ 6 Mar); the event's own date wins: 2025-02-25 → 11 Mar
        assessed("b_fix", "2025-02-25T10:00:00", age_group="under_23"),
    ]
    load = Baseline(
        "L1",
        None,
        {
            "u1": UnitBaseline(
                "u1",
                open_assessments=(
                    _load_assessment("b_2", "2025-02-26T10:00:00", date(2025, 3, 12)),
                    _load_assessment("b_met", "2025-02-26T11:00:00", date(2025, 3, 12)),
                    _load_assessment("b_fix", "2025-02-20T10:00:00", date(2025, 3, 6)),
                ),
            )
        },
    )
    state = fold(events, NOW)
    near = board_list(ASSESSMENTS_NEAR_LIMIT, ["u1"], NOW, state, load)
    assert [(r.record_id, r.days_left) for r in near] == [
        ("a_m3", -3),
        ("a_0", 0),
        ("b_fix", 1),
        ("b_2", 2),
        ("a_3", 3),
    ]
    assert near[0].legal_maximum == date(2025, 3, 7)
    assert near[0].detail == "reception"
    every = board_list(ASSESSMENTS_OPEN, ["u1"], NOW, state, load)
    assert [r.record_id for r in every][-3:] == ["a_4", "a_7", "mental"]
    assert len(every) == 8
    one_day = Thresholds(near_limit_days=1)
    near_1 = board_list(ASSESSMENTS_NEAR_LIMIT, ["u1"], NOW, state, load, one_day)
    assert [r.record_id for r in near_1] == ["a_m3", "a_0", "b_fix"]


def test_a_visit_reported_by_another_unit_closes_the_assessment() -> None:
    state = fold(
        [
            assessed("a1", "2025-03-03T10:00:00", unit="u1", age_group="under_23"),
            visited("a1", "2025-03-10T09:00:00", unit="u2"),
        ],
        NOW,
    )
    assert board_list(ASSESSMENTS_OPEN, ["u1"], NOW, state, NO_LOAD) == []


def test_lists_cover_only_the_chosen_units() -> None:
    state = fold([msg("m1", "2025-03-10T08:00:00"), msg("m2", "2025-03-10T08:00:00", "u2")], NOW)
    rows = board_list(MESSAGES_WAITING, ["u2"], NOW, state, NO_LOAD)
    assert [(r.unit_id, r.record_id) for r in rows] == [("u2", "m2")]
    both = board_list(MESSAGES_WAITING, ["u1", "u2"], NOW, state, NO_LOAD)
    assert [r.record_id for r in both] == ["m1", "m2"]


def test_an_unknown_list_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown board list"):
        board_list("persons", ["u1"], NOW, {}, NO_LOAD)


# --- slots -----------------------------------------------------------------------------------


def test_a_slot_event_replaces_the_snapshot_state_of_the_same_slot() -> None:
    snapshot = tuple(
        SlotState("u1", None, "doctor", "d1", at(start), "nonurgent", free=True)
        for start in ("2025-03-12T09:00:00", "2025-03-12T09:30:00")
    )
    load = Baseline("L1", None, {"u1": UnitBaseline("u1", slots=snapshot)})
    # The same 09:00 slot, written in UTC, booked today; a new slot opened.
    state = fold(
        [
            slot("booked", "s9", "2025-03-12T07:00:00+00:00"),
            slot("opened", "s10", "2025-03-13T09:00:00"),
        ],
        NOW,
    )
    free = [s.slot_start for s in current_slots(["u1"], state, load) if s.free]
    assert free == [at("2025-03-12T09:30:00"), at("2025-03-13T09:00:00")]


def test_an_assessment_a_month_past_its_limit_leaves_the_board() -> None:
    load = Baseline(
        "L1",
        None,
        {
            "u1": UnitBaseline(
                "u1",
                open_assessments=(
                    _load_assessment("b_30", "2025-01-25T10:00:00", date(2025, 2, 8)),
                    _load_assessment("b_31", "2025-01-24T10:00:00", date(2025, 2, 7)),
                ),
            )
        },
    )
    rows = board_list(ASSESSMENTS_NEAR_LIMIT, ["u1"], NOW, {}, load)
    assert [(r.record_id, r.days_left) for r in rows] == [("b_30", -30)]
    longer = Thresholds(overdue_days_shown=31)
    assert len(board_list(ASSESSMENTS_OPEN, ["u1"], NOW, {}, load, longer)) == 2
