"""The invitation policy: who is asked, when the SMS may go, and that a contact is asked once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.feedback.feedback_stores import (
    MovableClock,
    clock,
    feedback_store,
    postgres_database,
    sqlite_store,
)
from tilannekuva.feedback.config import FeedbackConfig, InvitationPolicy
from tilannekuva.feedback.invitations import (
    SKIP_REASONS,
    Decision,
    InvitationFacts,
    Visit,
    age_on,
    decide,
    into_window,
    invite,
    local_day_bounds,
    send_time,
)
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.pseudonyms import invitation_id_for_contact, person_key
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.store import FeedbackStore, Invitation, NewInvitation

__all__ = ["clock", "feedback_store", "postgres_database", "sqlite_store"]

HELSINKI = ZoneInfo("Europe/Helsinki")
SECRET = "test-phone-key-secret"
POLICY = InvitationPolicy(
    service_areas=("reception", "oral", "mental"),
    contact_types=("R10", "R20"),
    excluded=("mental", "U-SENSITIVE", "R20X"),
    min_age=13,
    min_days_between=30,
    window_start=time(9, 0),
    window_end=time(20, 0),
    delay_minutes=60,
    daily_cap=3,
    link_days=7,
)
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # 12:00 in Helsinki
VISIT = Visit(
    contact_id="c-1",
    person_key="person-key-1",
    age=40,
    unit_id="U1",
    service_area="reception",
    contact_type="R10",
    ended_at=datetime(2026, 3, 10, 9, 30, tzinfo=UTC),  # 11:30 in Helsinki
    phone="+358401234567",
    language="fi",
)
FACTS = InvitationFacts(now=NOW)


def local(moment: datetime) -> datetime:
    return moment.astimezone(HELSINKI)


def existing_invitation() -> Invitation:
    at = NOW - timedelta(hours=1)
    return Invitation(
        "tk-inv-earlier", "c-1", "U1", "reception", "person-key-1", None, "sms", "fi",
        "national-1", at, at, None, at + timedelta(days=7), False, False,
    )  # fmt: skip


# --- every skip reason, one row each -------------------------------------------------------

SKIPS = [
    ("duplicate", {}, {"existing": existing_invitation()}),
    ("service_area", {"service_area": "family"}, {}),
    ("service_area", {"service_area": None}, {}),
    ("contact_type", {"contact_type": "R50"}, {}),
    ("excluded", {"service_area": "mental"}, {}),
    ("excluded", {"unit_id": "U-SENSITIVE"}, {}),
    ("too_young", {"age": 12}, {}),
    ("no_phone", {"phone": None}, {}),
    ("opted_out", {}, {"opted_out": True}),
    ("recently_invited", {}, {"last_invited_at": NOW - timedelta(days=29, hours=23)}),
    ("daily_cap", {}, {"invitations_today": 3}),
]


@pytest.mark.parametrize(("reason", "visit_changes", "fact_changes"), SKIPS)
def test_each_rule_skips_with_its_reason(
    reason: str, visit_changes: dict[str, object], fact_changes: dict[str, object]
) -> None:
    visit = replace(VISIT, **visit_changes)  # type: ignore[arg-type]
    facts = replace(FACTS, **fact_changes)  # type: ignore[arg-type]
    decision = decide(visit, POLICY, facts)
    assert (decision.invited, decision.reason) == (False, reason)


def test_the_table_covers_every_reason() -> None:
    assert {reason for reason, _, _ in SKIPS} == set(SKIP_REASONS)


def test_excluded_contact_type_codes_are_never_asked() -> None:
    policy = replace(POLICY, contact_types=())
    assert decide(replace(VISIT, contact_type="R20X"), policy, FACTS).reason == "excluded"


def test_a_qualifying_visit_is_invited_after_the_delay() -> None:
    decision = decide(VISIT, POLICY, FACTS)
    assert decision == Decision(send_after=datetime(2026, 3, 10, 10, 30, tzinfo=UTC))
    assert decision.outcome == "invited"


def test_a_repeated_contact_names_the_first_invitation() -> None:
    earlier = existing_invitation()
    decision = decide(VISIT, POLICY, replace(FACTS, existing=earlier))
    assert (decision.invitation_id, decision.send_after) == ("tk-inv-earlier", earlier.send_after)


def test_empty_lists_mean_every_service_and_contact_type() -> None:
    policy = replace(POLICY, service_areas=(), contact_types=())
    visit = replace(VISIT, service_area="family", contact_type=None)
    assert decide(visit, policy, FACTS).invited


def test_the_first_failing_rule_names_the_skip() -> None:
    visit = replace(VISIT, age=5, phone=None)
    assert decide(visit, POLICY, replace(FACTS, opted_out=True)).reason == "too_young"


def test_age_boundary_is_inclusive() -> None:
    assert decide(replace(VISIT, age=13), POLICY, FACTS).invited
    assert decide(replace(VISIT, age=12), POLICY, FACTS).reason == "too_young"


def test_once_per_n_days_counts_from_the_last_invitation() -> None:
    exactly = replace(FACTS, last_invited_at=NOW - timedelta(days=30))
    assert decide(VISIT, POLICY, exactly).invited


def test_the_daily_cap_allows_up_to_the_cap() -> None:
    assert decide(VISIT, POLICY, replace(FACTS, invitations_today=2)).invited


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        decide(replace(VISIT, ended_at=datetime(2026, 3, 10, 9, 30)), POLICY, FACTS)


# --- age on the visit's date ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2013, 3, 10), date(2026, 3, 10), 13),  # the birthday itself
        (date(2013, 3, 11), date(2026, 3, 10), 12),  # the day before
        (date(2012, 2, 29), date(2025, 2, 28), 13),  # leap-day birth: 28 Feb in other years
        (date(2012, 2, 29), date(2025, 2, 27), 12),
        (date(2012, 2, 29), date(2024, 2, 29), 12),
    ],
)
def test_age_on_a_date(born: date, day: date, age: int) -> None:
    assert age_on(born, day) == age


# --- the sending window ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ended_local", "sent_local"),
    [
        (datetime(2026, 3, 10, 11, 30), datetime(2026, 3, 10, 12, 30)),  # inside: end + delay
        (datetime(2026, 3, 10, 6, 0), datetime(2026, 3, 10, 9, 0)),  # early: window start
        (datetime(2026, 3, 10, 18, 59), datetime(2026, 3, 10, 19, 59)),  # last minute in
        (datetime(2026, 3, 10, 19, 0), datetime(2026, 3, 11, 9, 0)),  # end excluded
        (datetime(2026, 3, 10, 23, 30), datetime(2026, 3, 11, 9, 0)),  # evening: next day
    ],
)
def test_send_time_lands_in_the_window(ended_local: datetime, sent_local: datetime) -> None:
    ended = ended_local.replace(tzinfo=HELSINKI)
    sent = send_time(ended, ended, POLICY)
    assert local(sent).replace(tzinfo=None) == sent_local


def test_a_late_announcement_is_not_sent_in_the_past_nor_at_night() -> None:
    ended = datetime(2026, 3, 10, 17, 0, tzinfo=HELSINKI)
    announced = datetime(2026, 3, 10, 22, 0, tzinfo=HELSINKI)
    sent = send_time(ended, announced, POLICY)
    assert local(sent).replace(tzinfo=None) == datetime(2026, 3, 11, 9, 0)


def test_the_window_is_wall_clock_time_across_daylight_saving_changes() -> None:
    # Finland moves to summer time on 29 March 2026 and back on 25 October 2026: 09:00 in
    # Helsinki is 07:00 UTC in winter and 06:00 UTC in summer.
    def next_morning(evening: datetime) -> datetime:
        return into_window(evening.replace(tzinfo=HELSINKI), time(9), time(20))

    assert next_morning(datetime(2026, 3, 27, 22)) == datetime(2026, 3, 28, 7, tzinfo=UTC)
    assert next_morning(datetime(2026, 3, 28, 22)) == datetime(2026, 3, 29, 6, tzinfo=UTC)
    assert next_morning(datetime(2026, 10, 23, 22)) == datetime(2026, 10, 24, 6, tzinfo=UTC)
    assert next_morning(datetime(2026, 10, 24, 22)) == datetime(2026, 10, 25, 7, tzinfo=UTC)


def test_a_window_start_in_the_spring_gap_falls_an_hour_later() -> None:
    # 03:30 does not exist on 29 March 2026 in Helsinki (03:00 → 04:00).
    sent = into_window(datetime(2026, 3, 29, 0, 30, tzinfo=HELSINKI), time(3, 30), time(20))
    assert local(sent).replace(tzinfo=None) == datetime(2026, 3, 29, 4, 30)


def test_a_window_start_in_the_autumn_fold_is_its_first_occurrence() -> None:
    # 03:30 happens twice on 25 October 2026 in Helsinki; the first is summer time (+03:00).
    sent = into_window(datetime(2026, 10, 25, 1, 0, tzinfo=HELSINKI), time(3, 30), time(20))
    assert sent == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        into_window(NOW, time(9), time(9))


@pytest.mark.parametrize(
    ("at_local", "sent_local"),
    [
        (datetime(2026, 3, 10, 23, 0), datetime(2026, 3, 10, 23, 0)),  # inside, evening
        (datetime(2026, 3, 11, 1, 0), datetime(2026, 3, 11, 1, 0)),  # inside, after midnight
        (datetime(2026, 3, 11, 2, 0), datetime(2026, 3, 11, 22, 0)),  # after it: same day
        (datetime(2026, 3, 11, 12, 0), datetime(2026, 3, 11, 22, 0)),
    ],
)
def test_a_window_can_run_across_midnight(at_local: datetime, sent_local: datetime) -> None:
    sent = into_window(at_local.replace(tzinfo=HELSINKI), time(22), time(2))
    assert local(sent).replace(tzinfo=None) == sent_local


def test_a_local_day_is_23_or_25_hours_on_clock_change_days() -> None:
    start, end = local_day_bounds(datetime(2026, 3, 29, 12, tzinfo=UTC))
    assert end - start == timedelta(hours=23)
    start, end = local_day_bounds(datetime(2026, 10, 25, 12, tzinfo=UTC))
    assert end - start == timedelta(hours=25)


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
# Daytime windows: both ends after 05:00, clear of the 03:00–04:00 clock changes.
window_ends = st.tuples(st.integers(5 * 60, 23 * 60 + 58), st.integers(1, 18 * 60)).map(
    lambda pair: (pair[0], min(pair[0] + pair[1], 24 * 60 - 1))
)


def as_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@settings(max_examples=300, deadline=None)
@given(
    ended=instants,
    late=st.integers(0, 3 * 24 * 60),
    window=window_ends,
    delay=st.integers(0, 48 * 60),
)
def test_send_time_properties(
    ended: datetime, late: int, window: tuple[int, int], delay: int
) -> None:
    start, end = as_time(window[0]), as_time(window[1])
    policy = replace(POLICY, window_start=start, window_end=end, delay_minutes=delay)
    now = ended + timedelta(minutes=late)
    earliest = max(ended + timedelta(minutes=delay), now)
    sent = send_time(ended, now, policy)
    wall = local(sent).time()
    assert sent >= earliest  # never before the delay, never in the past
    assert start <= wall < end  # always in the window
    candidate = local(earliest)
    if start <= candidate.time() < end:
        assert sent == earliest  # already in the window: not moved
    else:
        assert wall == start  # moved: to a window start …
        expected_day = candidate.date() + timedelta(days=1 if candidate.time() >= end else 0)
        assert local(sent).date() == expected_day  # … the first one after the candidate
        assert sent - earliest < timedelta(hours=25)


@settings(max_examples=200, deadline=None)
@given(moment=instants)
def test_into_window_is_idempotent(moment: datetime) -> None:
    once = into_window(moment, time(9), time(20))
    assert into_window(once, time(9), time(20)) == once


# --- invite: recording, the SMS, idempotency ------------------------------------------------


def config(**changes: object) -> FeedbackConfig:
    return FeedbackConfig(phone_key_secret=SECRET, policy=replace(POLICY, **changes))  # type: ignore[arg-type]


QUESTIONNAIRE = load_questionnaire()


def visit_of(contact: str, person: str = "p-1", **changes: object) -> Visit:
    return replace(
        VISIT,
        contact_id=contact,
        person_key=person_key(person, SECRET),
        **changes,  # type: ignore[arg-type]
    )


def test_an_invitation_is_recorded_and_its_sms_queued(
    feedback_store: FeedbackStore, clock: MovableClock
) -> None:
    visit = visit_of("c-1", language="sv")
    decision = invite(feedback_store, config(), QUESTIONNAIRE, visit, unit_name="Hälsostation")
    assert decision.invited and decision.invitation_id is not None
    invitation = feedback_store.invitation(decision.invitation_id)
    assert invitation is not None
    assert (invitation.contact_id, invitation.unit_id, invitation.channel) == ("c-1", "U1", "sms")
    assert invitation.person_key == visit.person_key
    assert invitation.phone_key == phone_key(SECRET, "+358401234567")
    assert invitation.send_after == decision.send_after == VISIT.ended_at + timedelta(hours=1)
    assert invitation.expires_at == invitation.send_after + timedelta(days=7)
    assert invitation.questionnaire_version == QUESTIONNAIRE.version
    (message,) = feedback_store.outbox(invitation_id=decision.invitation_id)
    assert message.dedupe_key == f"invitation:{decision.invitation_id}"
    assert message.purpose == "invitation"
    assert message.to_phone == "+358401234567"
    assert message.next_attempt_at == decision.send_after
    assert message.body == QUESTIONNAIRE.sms.invitation["sv"].format(unit="Hälsostation", days=7)


def test_the_raw_person_id_is_nowhere_in_the_invitation(feedback_store: FeedbackStore) -> None:
    decision = invite(
        feedback_store, config(), QUESTIONNAIRE, visit_of("c-1", person="010203-123A")
    )
    assert decision.invitation_id is not None
    invitation = feedback_store.invitation(decision.invitation_id)
    assert invitation is not None and "010203-123A" not in repr(invitation)


def test_the_same_contact_twice_is_one_invitation_and_one_sms(
    feedback_store: FeedbackStore,
) -> None:
    first = invite(feedback_store, config(), QUESTIONNAIRE, visit_of("c-1"))
    again = invite(feedback_store, config(), QUESTIONNAIRE, visit_of("c-1"))
    assert (again.reason, again.invitation_id, again.send_after) == (
        "duplicate",
        first.invitation_id,
        first.send_after,
    )
    assert len(feedback_store.invitations()) == 1
    assert len(feedback_store.outbox(purpose="invitation")) == 1


def test_a_repeat_queues_the_sms_an_interrupted_first_attempt_left_out(
    feedback_store: FeedbackStore,
) -> None:
    invitation_id = invitation_id_for_contact("c-1", SECRET)
    feedback_store.record_invitation(  # as if the process stopped right after this
        NewInvitation(
            contact_id="c-1", unit_id="U1", person_key="k", channel="sms", language="fi",
            questionnaire_version="national-1", send_after=NOW, valid_for=timedelta(days=7),
            phone_key=phone_key(SECRET, "+358401234567"), invitation_id=invitation_id,
        )
    )  # fmt: skip
    assert feedback_store.outbox() == []
    decision = invite(feedback_store, config(), QUESTIONNAIRE, visit_of("c-1"))
    assert decision.reason == "duplicate"
    (message,) = feedback_store.outbox(invitation_id=invitation_id)
    assert message.next_attempt_at == NOW


def test_racing_announcements_of_one_contact_make_one_invitation(
    feedback_store: FeedbackStore,
) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        decisions = list(
            pool.map(
                lambda _: invite(feedback_store, config(), QUESTIONNAIRE, visit_of("c-1")),
                range(12),
            )
        )
    assert sum(decision.invited for decision in decisions) == 1
    assert {decision.invitation_id for decision in decisions} == {decisions[0].invitation_id}
    assert len(feedback_store.invitations()) == 1
    assert len(feedback_store.outbox(purpose="invitation")) == 1


def test_an_opted_out_number_is_not_invited(feedback_store: FeedbackStore) -> None:
    feedback_store.opt_out(phone_key(SECRET, "+358401234567"), "sms")
    decision = invite(feedback_store, config(), QUESTIONNAIRE, visit_of("c-1"))
    assert decision.reason == "opted_out"
    assert feedback_store.invitations() == [] and feedback_store.outbox() == []


def test_a_person_is_asked_again_only_after_n_days(
    feedback_store: FeedbackStore, clock: MovableClock
) -> None:
    assert invite(feedback_store, config(), QUESTIONNAIRE, visit_of("c-1")).invited
    clock.advance(days=29)
    later = visit_of("c-2", ended_at=clock.at)
    assert invite(feedback_store, config(), QUESTIONNAIRE, later).reason == "recently_invited"
    clock.advance(days=1)
    again = visit_of("c-3", ended_at=clock.at)
    assert invite(feedback_store, config(), QUESTIONNAIRE, again).invited


def test_the_daily_cap_counts_the_helsinki_day(
    feedback_store: FeedbackStore, clock: MovableClock
) -> None:
    clock.at = datetime(2026, 3, 10, 21, 59, tzinfo=UTC)  # 23:59 in Helsinki
    capped = config(daily_cap=2)
    made = [
        invite(feedback_store, capped, QUESTIONNAIRE, visit_of(f"c-{n}", person=f"p-{n}"))
        for n in range(3)
    ]
    assert [decision.reason for decision in made] == [None, None, "daily_cap"]
    clock.advance(minutes=1)  # 00:00 in Helsinki: a new day
    next_day = invite(feedback_store, capped, QUESTIONNAIRE, visit_of("c-9", person="p-9"))
    assert next_day.invited


def test_a_skipped_visit_records_nothing(sqlite_store: FeedbackStore) -> None:
    decision = invite(sqlite_store, config(), QUESTIONNAIRE, visit_of("c-1", age=12))
    assert decision.reason == "too_young"
    assert sqlite_store.invitations() == [] and sqlite_store.outbox() == []


def test_without_a_unit_name_the_message_names_the_unit_id(sqlite_store: FeedbackStore) -> None:
    invite(sqlite_store, config(), QUESTIONNAIRE, visit_of("c-1"))
    (message,) = sqlite_store.outbox()
    assert "U1" in message.body


def test_a_repeat_with_another_number_does_not_send_the_old_invitation_there(
    sqlite_store: FeedbackStore,
) -> None:
    invitation_id = invitation_id_for_contact("c-1", SECRET)
    sqlite_store.record_invitation(
        NewInvitation(
            contact_id="c-1", unit_id="U1", person_key="k", channel="sms", language="fi",
            questionnaire_version="national-1", send_after=NOW, valid_for=timedelta(days=7),
            phone_key=phone_key(SECRET, "+358409999999"), invitation_id=invitation_id,
        )
    )  # fmt: skip
    assert invite(sqlite_store, config(), QUESTIONNAIRE, visit_of("c-1")).reason == "duplicate"
    assert sqlite_store.outbox() == []
