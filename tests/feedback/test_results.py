"""Live feedback results: windows, NPS and statement means, suppression, comments by role.

Every expected number is computed by hand from the answers stored below (the comment beside
each answer says what it adds). The store's clock stands at 2026-03-10 12:00 Helsinki.

Unit A (reception), March:   sms 10, 9, 8, 6, 0 (s1: 5, 4, 0, –, 3)
                             kiosk 9, 7 (s2: 2, 4)
                             web link: no score, s1 = 1, a comment
Unit B (oral), March:        sms 3
Unit A, February:            sms 10 (on 28 Feb 23:59 Helsinki, the last minute of the month)

Unit A in March: 8 answers, 7 scored, promoters 3 (10, 9, 9), detractors 2 (6, 0):
NPS = 100 × (3 − 2) / 7 = 14.2857…; s1 = (5 + 4 + 3 + 1) / 4 = 3.25 ("cannot say" left out);
s2 = (2 + 4) / 2 = 3. County in March: 9 answers, 8 scored, 3 promoters, 3 detractors: NPS 0.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.feedback.feedback_stores import (
    MovableClock,
    clock,
    feedback_store,
    postgres_database,
)
from tilannekuva.feedback.results import (
    Figures,
    GroupKey,
    GroupResult,
    LiveResults,
    Tally,
    figures,
    live_results,
    query_tallies,
    recent_months,
    screened_comments,
    tally_answers,
    unit_comments,
    window_for,
)
from tilannekuva.feedback.store import Answer, FeedbackStore

__all__ = ["clock", "feedback_store", "postgres_database"]

UNIT_A, UNIT_B = "unit-a", "unit-b"
MARCH = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
LAST_OF_FEBRUARY = datetime(2026, 2, 28, 21, 59, tzinfo=UTC)  # 23:59 in Helsinki
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def store_answers(store: FeedbackStore) -> None:
    def add(
        key: str,
        unit: str,
        channel: str,
        nps: int | None,
        *,
        at: datetime = MARCH,
        comment: str | None = None,
        **statements: int,
    ) -> None:
        store.record_answer(
            Answer(
                answer_key=key,
                unit_id=unit,
                channel=channel,
                language="fi",
                questionnaire_version="national-1",
                submitted_at=at,
                service_area="reception" if unit == UNIT_A else "oral",
                nps=nps,
                statements=statements,
                free_text=comment,
            )
        )

    add("sms:1", UNIT_A, "sms", 10, s1=5)
    add("sms:2", UNIT_A, "sms", 9, s1=4)
    add("sms:3", UNIT_A, "sms", 8, s1=0)
    add("sms:4", UNIT_A, "sms", 6)
    add("sms:5", UNIT_A, "sms", 0, s1=3)
    add("kiosk:k:1", UNIT_A, "kiosk", 9, s2=2)
    add("kiosk:k:2", UNIT_A, "kiosk", 7, s2=4)
    add("web:inv", UNIT_A, "web_link", None, s1=1, comment="Hoitaja Liisa soitti 040 123 4567")
    add("sms:6", UNIT_B, "sms", 3)
    add("sms:feb", UNIT_A, "sms", 10, at=LAST_OF_FEBRUARY)


def unit(results: LiveResults, unit_id: str) -> GroupResult:
    return next(group for group in results.units if group.key == unit_id)


def channel(group: GroupResult, name: str) -> Figures:
    return dict(group.channels)[name]


# --- windows ---------------------------------------------------------------------------


def test_this_month_starts_at_local_midnight_and_is_open_ended() -> None:
    window = window_for(None, NOW)
    assert window.start == datetime(2026, 2, 28, 22, 0, tzinfo=UTC)
    assert window.end is None and window.month == "2026-03"
    assert window_for("month", NOW) == window


def test_a_past_month_is_closed_at_the_next_local_midnight() -> None:
    window = window_for("2026-02", NOW)
    assert window.start == datetime(2026, 1, 31, 22, 0, tzinfo=UTC)
    assert window.end == datetime(2026, 2, 28, 22, 0, tzinfo=UTC)


def test_last_30_days_counts_back_from_now() -> None:
    window = window_for("30d", NOW)
    assert window.start == datetime(2026, 2, 8, 10, 0, tzinfo=UTC) and window.end is None


@pytest.mark.parametrize("choice", ["2026-04", "2026-13", "26-03", "latest", "2026-3"])
def test_future_or_malformed_months_are_refused(choice: str) -> None:
    with pytest.raises(ValueError):
        window_for(choice, NOW)


def test_recent_months_are_local_and_newest_first() -> None:
    assert recent_months(datetime(2026, 1, 31, 22, 30, tzinfo=UTC), 3) == [
        "2026-02",  # already February in Helsinki
        "2026-01",
        "2025-12",
    ]


# --- figures from the store ------------------------------------------------------------


def test_analyst_sees_every_figure_of_the_month(
    feedback_store: FeedbackStore, clock: MovableClock
) -> None:
    clock.at = NOW
    store_answers(feedback_store)
    results = live_results(feedback_store, window_for("month", NOW), "analyst")
    a = unit(results, UNIT_A)
    assert a.service_area == "reception"
    assert a.figures.answers == 8
    nps = a.figures.nps
    assert nps.n == 7 and not nps.suppressed
    assert nps.value == pytest.approx(100 / 7)
    assert nps.promoters_pct == pytest.approx(300 / 7)
    assert nps.detractors_pct == pytest.approx(200 / 7)
    means = {m.key: m for m in a.figures.statements}
    assert (means["s1"].mean, means["s1"].n) == (3.25, 4)
    assert (means["s2"].mean, means["s2"].n) == (3.0, 2)
    assert means["s3"].n == 0 and means["s3"].mean is None
    assert [name for name, _ in a.channels] == ["sms", "web_link", "kiosk"]
    sms = channel(a, "sms")
    assert sms.answers == 5 and sms.nps.value == pytest.approx(0.0)  # 2 promoters, 2 detractors
    assert channel(a, "kiosk").nps.value == pytest.approx(50.0)  # 9 and 7: one promoter of 2
    assert channel(a, "web_link").nps.n == 0 and channel(a, "web_link").nps.value is None
    county = results.county.figures
    assert county.answers == 9 and county.nps.n == 8
    assert county.nps.value == pytest.approx(0.0)
    assert county.nps.promoters_pct == pytest.approx(37.5)
    assert results.statements_asked == ("s1", "s2")
    areas = {group.key: group.figures.answers for group in results.service_areas}
    assert areas == {"oral": 1, "reception": 8}


def test_outside_the_analyst_role_cells_under_five_are_suppressed(
    feedback_store: FeedbackStore, clock: MovableClock
) -> None:
    clock.at = NOW
    store_answers(feedback_store)
    results = live_results(feedback_store, window_for("month", NOW), "public")
    a = unit(results, UNIT_A)
    assert a.figures.answers == 8 and a.figures.nps.value == pytest.approx(100 / 7)
    means = {m.key: m for m in a.figures.statements}
    assert means["s1"].suppressed and means["s1"].mean is None and means["s1"].n is None
    assert means["s2"].suppressed
    assert not means["s3"].suppressed  # nobody answered: nothing to hide
    assert not channel(a, "sms").nps.suppressed  # 5 scored answers
    kiosk = channel(a, "kiosk")
    assert kiosk.nps.suppressed and kiosk.nps.value is None and kiosk.nps.n is None
    assert kiosk.answers is None and kiosk.answers_suppressed
    b = unit(results, UNIT_B)
    assert b.figures.nps.suppressed and b.figures.answers_suppressed
    assert results.county.figures.nps.value == pytest.approx(0.0)  # 8 scored answers


def test_a_chosen_month_ends_at_local_midnight(
    feedback_store: FeedbackStore, clock: MovableClock
) -> None:
    clock.at = NOW
    store_answers(feedback_store)
    february = live_results(feedback_store, window_for("2026-02", NOW), "analyst")
    assert february.county.figures.answers == 1
    assert february.county.figures.nps.value == pytest.approx(100.0)
    recent = live_results(feedback_store, window_for("30d", NOW), "analyst")
    assert recent.county.figures.answers == 10


def test_one_unit_only(feedback_store: FeedbackStore, clock: MovableClock) -> None:
    clock.at = NOW
    store_answers(feedback_store)
    only_b = live_results(feedback_store, window_for("month", NOW), "analyst", UNIT_B)
    assert [group.key for group in only_b.units] == [UNIT_B]
    assert only_b.county.figures.answers == 1


def test_the_sql_tally_equals_counting_the_answers_one_by_one(
    feedback_store: FeedbackStore, clock: MovableClock
) -> None:
    clock.at = NOW
    store_answers(feedback_store)
    window = window_for("month", NOW)
    tallies = query_tallies(feedback_store, window)
    in_march = feedback_store.answers(since=window.start)
    assert sum(tallies.values(), Tally()) == tally_answers(in_march)
    kiosk = tallies[GroupKey(UNIT_A, "reception", "kiosk")]
    assert kiosk == Tally(2, 2, 1, 0, (0, 6, 0, 0, 0, 0, 0), (0, 2, 0, 0, 0, 0, 0))


# --- pure rules ------------------------------------------------------------------------


def test_five_answers_are_shown_and_four_are_not() -> None:
    four = Tally(answers=4, scored=4, promoters=4)
    five = Tally(answers=5, scored=5, promoters=4, detractors=1)
    assert figures(four, "public").nps.suppressed
    assert not figures(four, "analyst").nps.suppressed
    shown = figures(five, "public").nps
    assert shown.value == pytest.approx(60.0) and shown.n == 5


def test_an_empty_group_has_no_value_but_is_not_suppressed() -> None:
    empty = figures(Tally(), "public")
    assert empty.answers == 0 and not empty.answers_suppressed
    assert empty.nps.value is None and not empty.nps.suppressed


# --- comments --------------------------------------------------------------------------


def test_comments_are_screened_and_for_the_analyst_only(
    feedback_store: FeedbackStore, clock: MovableClock
) -> None:
    clock.at = NOW
    store_answers(feedback_store)
    window = window_for("month", NOW)
    analyst = unit_comments(feedback_store, UNIT_A, window, "analyst")
    assert [c.text for c in analyst] == ["Hoitaja […] soitti […]"]
    assert analyst[0].channel == "web_link"
    assert unit_comments(feedback_store, UNIT_A, window, "public") == ()
    everything = feedback_store.answers()
    assert screened_comments(everything, window, "public") == ()
    assert "Liisa" not in repr(screened_comments(everything, window, "analyst"))
