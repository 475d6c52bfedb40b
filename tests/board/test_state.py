"""Folding board events into today's state: demand, queues, open assessments, slots.

Every expected number is counted by hand from the events listed in the test; 2025-03-10 is a
Monday and March 2025 is UTC+2 in Helsinki.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.board.fixtures_state import (
    answer,
    assessed,
    at,
    call,
    contact,
    event,
    feedback,
    msg,
    slot,
    stored,
    visited,
)
from tilannekuva.board.state import (
    ContactCounts,
    UnitDay,
    add_months,
    event_window,
    fold,
    legal_maximum,
)
from tilannekuva.board.store import StoredEvent
from tilannekuva.indicators.care_guarantee import legal_maximum_date

NOW = at("2025-03-10T12:00:00")


def one(events: list[StoredEvent], now: datetime = NOW, unit: str = "u1") -> UnitDay:
    return fold(events, now)[unit]


# --- demand ----------------------------------------------------------------------------------


def test_demand_counts_today_by_channel() -> None:
    events = [
        call("queued", "c1", "2025-03-10T08:05:00"),
        call("queued", "c2", "2025-03-10T09:00:00"),
        call("queued", "c3", "2025-03-10T11:59:00"),
        call("queued", "old", "2025-03-09T23:59:59"),  # Sunday: not today
        msg("m1", "2025-03-10T00:00:00"),  # midnight belongs to today
        msg("m2", "2025-03-10T10:00:00"),
        msg("m0", "2025-03-07T15:00:00"),
        contact("k1", "2025-03-10T08:30:00", "R10", walk_in=True),
        contact("k2", "2025-03-10T09:30:00", "R10"),  # booked visit: no walk-in
        contact("k3", "2025-03-10T09:00:00", "R50"),  # phone: remote
        contact("k4", "2025-03-10T09:10:00", "R52"),  # video: remote
        contact("k5", "2025-03-10T09:20:00", "R55"),  # e-message: remote customer contact
        contact("k6", "2025-03-10T09:25:00", "R60"),  # consultation: not a customer contact
    ]
    day = one(events)
    assert dict(day.demand) == {"calls": 3, "messages": 2, "walk_ins": 1, "remote": 3}
    assert day.contacts_today == ContactCounts(remote=3, in_person=2)


def test_a_utc_time_counts_on_its_helsinki_date() -> None:
    # 2025-03-09T22:30Z is 00:30 on Monday 10 March in Helsinki: today.
    day = one([msg("m1", "2025-03-09T22:30:00+00:00")])
    assert day.demand["messages"] == 1


def test_two_sources_reporting_one_call_count_once() -> None:
    events = [
        stored(event("call.queued", "2025-03-10T09:00:00", call_id="c1"), "phone"),
        stored(event("call.queued", "2025-03-10T09:00:01", call_id="c1"), "crm"),
    ]
    assert one(events).demand["calls"] == 1


def test_contacts_this_week_run_from_monday() -> None:
    wednesday = at("2025-03-12T12:00:00")
    events = [
        contact("sun", "2025-03-09T10:00:00", "R50"),  # last week
        contact("mon", "2025-03-10T10:00:00", "R50"),
        contact("tue", "2025-03-11T10:00:00", "R10"),
        contact("wed", "2025-03-12T10:00:00", "R10"),
        contact("wed2", "2025-03-12T10:30:00", "R52"),
    ]
    day = one(events, wednesday)
    assert day.contacts_today == ContactCounts(remote=1, in_person=1)
    assert day.contacts_week == ContactCounts(remote=2, in_person=2)


def test_a_contact_counts_once_on_its_start_date() -> None:
    events = [
        contact("k1", "2025-03-10T09:00:00", "R10"),
        contact("k1", "2025-03-10T09:20:00", "R10", finished=True),
        # started yesterday, finished today: yesterday's contact
        contact("k2", "2025-03-09T23:50:00", "R10"),
        contact("k2", "2025-03-10T00:10:00", "R10", finished=True),
        # only its end was received: counted on that date
        contact("k3", "2025-03-10T10:00:00", "R50", finished=True),
    ]
    assert one(events).contacts_today == ContactCounts(remote=1, in_person=1)


# --- messages and calls ----------------------------------------------------------------------


def test_messages_wait_until_answered() -> None:
    events = [
        msg("m1", "2025-03-07T15:30:00"),
        msg("m2", "2025-03-10T09:00:00", channel="chat"),
        answer("m2", "2025-03-10T09:20:00"),
        msg("m3", "2025-03-10T10:00:00"),
        answer("ghost", "2025-03-10T10:00:00"),  # its message never arrived: nothing waits
    ]
    waiting = one(events).messages_waiting
    assert [(m.message_id, m.received_at) for m in waiting] == [
        ("m1", at("2025-03-07T15:30:00")),
        ("m3", at("2025-03-10T10:00:00")),
    ]


def test_an_event_stamped_after_now_waits_until_its_time() -> None:
    # A day replayed again (the demo) or a source whose clock runs ahead: not shown early.
    events = [msg("m1", "2025-03-10T09:00:00"), msg("m2", "2025-03-10T11:00:00")]
    at_ten = fold(events, at("2025-03-10T10:00:00"))["u1"]
    assert [m.message_id for m in at_ten.messages_waiting] == ["m1"]
    at_noon = fold(events, at("2025-03-10T12:00:00"))["u1"]
    assert [m.message_id for m in at_noon.messages_waiting] == ["m1", "m2"]


def test_an_answer_stamped_before_its_message_still_closes_it() -> None:
    # The portal's clock is behind the record system's: the answer sorts first.
    events = [msg("m1", "2025-03-10T09:00:00"), answer("m1", "2025-03-10T08:59:00")]
    assert one(events).messages_waiting == ()


def test_the_call_queue_callbacks_and_abandoned_calls() -> None:
    events = [
        call("queued", "c1", "2025-03-10T09:00:00"),
        call("answered", "c1", "2025-03-10T09:02:00"),
        call("queued", "c2", "2025-03-10T11:50:00"),  # still waiting
        call("queued", "c3", "2025-03-10T10:00:00"),
        call("abandoned", "c3", "2025-03-10T10:03:00"),  # abandoned today
        call("queued", "c4", "2025-03-10T10:10:00"),
        call("callback_requested", "c4", "2025-03-10T10:12:00"),  # promised a call-back
        call("queued", "c5", "2025-03-10T10:20:00"),
        call("abandoned", "c5", "2025-03-10T10:21:00"),
        call("called_back", "c5", "2025-03-10T11:00:00"),  # called back: not abandoned
        call("queued", "c6", "2025-03-09T15:00:00"),  # yesterday's: no longer in the queue
        call("callback_requested", "c7", "2025-03-07T14:00:00"),  # Friday's promise stands
        call("queued", "c8", "2025-03-09T10:00:00"),
        call("abandoned", "c8", "2025-03-09T10:01:00"),  # abandoned yesterday
    ]
    day = one(events)
    assert [c.call_id for c in day.calls_waiting] == ["c2"]
    assert [(c.call_id, c.requested_at) for c in day.callbacks_pending] == [
        ("c7", at("2025-03-07T14:00:00")),
        ("c4", at("2025-03-10T10:12:00")),
    ]
    assert [c.call_id for c in day.abandoned_today] == ["c3"]


def test_a_call_back_before_the_abandonment_arrives_still_clears_it() -> None:
    events = [
        call("queued", "c1", "2025-03-10T10:00:00"),
        call("called_back", "c1", "2025-03-10T10:30:00"),
        call("abandoned", "c1", "2025-03-10T10:01:00"),
    ]
    assert one(events).abandoned_today == ()


# --- assessments -----------------------------------------------------------------------------


def test_open_assessments_and_their_legal_maximum() -> None:
    events = [
        assessed("a1", "2025-03-10T08:30:00"),
        assessed("a2", "2025-03-10T09:00:00", outcome="urgent_care"),
        assessed("a3", "2025-03-03T10:00:00", age_group="under_23"),
        assessed("a4", "2025-03-04T10:00:00"),
        visited("a4", "2025-03-06T10:00:00"),
        assessed("a5", "2025-03-05T10:00:00", area="oral"),
        contact("k5", "2025-03-10T09:00:00", "R10", assessment_id="a5"),  # a visit: met
        assessed("a6", "2025-03-05T11:00:00"),
        contact("k6", "2025-03-10T09:00:00", "R55", assessment_id="a6"),  # e-message: no visit
    ]
    day = one(events)
    assert day.assessments_made_today == 2
    found = {a.assessment_id: a.legal_maximum for a in day.open_assessments}
    # a1: reception, 23 or over, from 2025: 3 months. a3: under 23: 14 days (3 → 17 March).
    assert found == {
        "a3": date(2025, 3, 17),
        "a6": date(2025, 6, 5),
        "a1": date(2025, 6, 10),
    }
    assert [a.assessment_id for a in day.open_assessments] == ["a3", "a6", "a1"]
    assert day.closed_assessment_ids == {"a2", "a4", "a5"}


def test_a_visit_reported_before_its_assessment_closes_it() -> None:
    events = [visited("a1", "2025-03-10T08:00:00"), assessed("a1", "2025-03-10T09:00:00")]
    assert one(events).open_assessments == ()


@pytest.mark.parametrize(
    ("area", "assessed_on", "age_group", "limit"),
    [
        ("reception", date(2025, 3, 3), "under_23", date(2025, 3, 17)),
        ("reception", date(2025, 3, 3), "23_or_over", date(2025, 6, 3)),
        ("reception", date(2024, 6, 1), "23_or_over", date(2024, 6, 15)),  # 2024: 14 days
        ("reception", date(2023, 8, 31), "23_or_over", date(2023, 11, 30)),  # before reform
        ("reception", date(2025, 11, 30), "23_or_over", date(2026, 2, 28)),  # month clamped
        ("oral", date(2025, 3, 3), "23_or_over", date(2025, 9, 3)),
        ("oral", date(2025, 3, 3), "under_23", date(2025, 6, 3)),
        ("oral", date(2024, 10, 31), "23_or_over", date(2025, 2, 28)),  # 4 months, clamped
        ("oral", date(2024, 11, 1), "23_or_over", date(2025, 2, 1)),  # 3 months
        ("oral", date(2023, 8, 31), "under_23", date(2024, 2, 29)),  # 6 months, leap day
        ("mental", date(2025, 3, 3), "under_23", None),
    ],
)
def test_legal_maximum_table(
    area: str, assessed_on: date, age_group: str, limit: date | None
) -> None:
    assert legal_maximum(area, assessed_on, age_group) == limit


def test_legal_maximum_agrees_with_the_indicator_expression() -> None:
    """Every day around the rule changes and every month end of 2023–2026, both age groups,
    both areas: the Python table gives the date the Ibis expression gives in DuckDB."""
    days = {date(2023, 8, 1) + timedelta(days=n) for n in range(0, 560)}
    days |= {add_months(date(2023, 1, 31), n) for n in range(48)}
    cases = [(a, d, age) for a in ("reception", "oral", "mental") for d in days for age in (22, 23)]
    table = ibis.memtable(
        {
            "area": [c[0] for c in cases],
            "day": [c[1] for c in cases],
            "age": [c[2] for c in cases],
        }
    )
    expr = table.select(limit=legal_maximum_date(table.area, table.day, table.age))
    expected = ibis.duckdb.connect().to_pyarrow(expr).column("limit").to_pylist()
    assert sum(want is not None for want in expected) == 2 * 2 * len(days)
    for (area, day, age), want in zip(cases, expected, strict=True):
        group = "under_23" if age < 23 else "23_or_over"
        assert legal_maximum(area, day, group) == want, (area, day, age)


# --- slots and feedback ----------------------------------------------------------------------


def test_the_last_slot_event_decides_whether_it_is_free() -> None:
    events = [
        slot("opened", "s1", "2025-03-12T09:00:00", "2025-03-10T07:00:00"),
        slot("booked", "s1", "2025-03-12T09:00:00", "2025-03-10T08:00:00"),
        slot("freed", "s1", "2025-03-12T09:00:00", "2025-03-10T09:00:00"),
        slot("opened", "s2", "2025-03-12T10:00:00", "2025-03-10T07:00:00"),
        slot("booked", "s2", "2025-03-12T10:00:00", "2025-03-10T08:00:00"),
    ]
    slots = {s.slot_id: s.free for s in one(events).slots}
    assert slots == {"s1": True, "s2": False}


def test_external_feedback_answers_are_kept() -> None:
    day = one([feedback("2025-03-10T10:00:00", 9), feedback("2025-03-09T10:00:00", None)])
    assert [(f.occurred_at, f.nps) for f in day.feedback] == [
        (at("2025-03-09T10:00:00"), None),
        (at("2025-03-10T10:00:00"), 9),
    ]


# --- order, copies, units --------------------------------------------------------------------

MORNING = [
    msg("m1", "2025-03-10T08:10:00"),
    answer("m1", "2025-03-10T08:40:00"),
    msg("m2", "2025-03-10T08:20:00"),
    answer("m2", "2025-03-10T08:19:00"),  # stamped before its message
    msg("m3", "2025-03-10T09:00:00", unit="u2"),
    call("queued", "c1", "2025-03-10T08:00:00"),
    call("abandoned", "c1", "2025-03-10T08:01:00"),
    call("callback_requested", "c2", "2025-03-10T08:30:00"),
    call("called_back", "c2", "2025-03-10T09:30:00"),
    assessed("a1", "2025-03-10T08:00:00", age_group="under_23"),
    visited("a1", "2025-03-10T11:00:00"),
    assessed("a2", "2025-03-10T08:05:00"),
    slot("opened", "s1", "2025-03-11T09:00:00", "2025-03-10T07:00:00"),
    slot("booked", "s1", "2025-03-11T09:00:00", "2025-03-10T07:00:00"),  # same instant
    slot("freed", "s1", "2025-03-11T09:00:00", "2025-03-10T10:00:00"),
    contact("k1", "2025-03-10T08:00:00", "R10", walk_in=True),
    contact("k1", "2025-03-10T08:20:00", "R10", finished=True),
    feedback("2025-03-10T08:30:00", 10),
]


@settings(max_examples=200, deadline=None)
@given(st.permutations(MORNING))
def test_any_order_of_arrival_gives_the_same_state(events: list[StoredEvent]) -> None:
    assert fold(events, NOW) == fold(MORNING, NOW)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(MORNING), min_size=1, max_size=40))
def test_repeated_copies_change_nothing(events: list[StoredEvent]) -> None:
    assert fold(events, NOW) == fold(list(dict.fromkeys(events)), NOW)


def test_a_second_copy_with_other_content_loses_to_the_first_received() -> None:
    first = stored(
        event("message.received", "2025-03-10T09:00:00", message_id="m1", channel="portal"),
        "portal",
        received_at=at("2025-03-10T09:00:05"),
    )
    # The same source id again, claiming another message: received later, so ignored.
    other = event(
        "message.received",
        "2025-03-10T08:00:00",
        message_id="m9",
        channel="chat",
        source_id=first.source_id,
    )
    later = replace(first, received_at=at("2025-03-10T09:00:09"), event=other)
    for events in ([first, later], [later, first]):
        assert [m.message_id for m in one(events).messages_waiting] == ["m1"]


def test_units_are_folded_apart() -> None:
    state = fold([msg("m1", "2025-03-10T09:00:00"), msg("m2", "2025-03-10T09:00:00", "u2")], NOW)
    assert sorted(state) == ["u1", "u2"]
    assert [m.message_id for m in state["u2"].messages_waiting] == ["m2"]
    assert UnitDay.empty("u3", NOW.date()).messages_waiting == ()


def test_now_must_carry_its_offset() -> None:
    with pytest.raises(ValueError, match="aware"):
        fold([], datetime(2025, 3, 10, 12, 0))


def test_event_window_covers_30_days_or_the_load_at_most_190_days() -> None:
    end = at("2025-03-11T00:00:00")
    assert event_window(NOW) == (at("2025-02-08T00:00:00"), end)
    assert event_window(NOW, at("2025-01-01T06:00:00")) == (at("2025-01-01T06:00:00"), end)
    # 190 days before 10 March 2025 is 1 September 2024 (summer time, UTC+3).
    assert event_window(NOW, at("2024-01-01T00:00:00")) == (
        datetime.fromisoformat("2024-09-01T00:00:00+03:00"),
        end,
    )
