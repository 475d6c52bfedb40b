"""The staff pulse: one-time unit links, one answer each, reported only for groups of five."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from tests.feedback.feedback_stores import MovableClock, clock, feedback_store, postgres_database
from tilannekuva.feedback.pulse import (
    InvalidPulseAnswer,
    PulseLinkClosed,
    pulse_index,
    staff_survey_rows,
)
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.feedback.store.models import PulseAnswerRow, PulseTokenRow
from tilannekuva.feedback.tokens import token_hash

__all__ = ["clock", "feedback_store", "postgres_database"]


def answer_all(store: FeedbackStore, unit: str, period: str, scores: list[int]) -> None:
    for token, score in zip(
        store.create_pulse_links(unit, period, len(scores), 14), scores, strict=True
    ):
        assert store.record_pulse_answer(token, {"p1": score, "p2": score})


# --- the index -------------------------------------------------------------------------------


def test_index_maps_the_1_to_5_scale_onto_0_to_100() -> None:
    assert pulse_index({"p1": 1, "p2": 1}) == 0
    assert pulse_index({"p1": 5}) == 100
    assert pulse_index({"p1": 3}) == 50
    assert pulse_index({"p1": 4, "p2": 5, "p3": 2}) == pytest.approx((75 + 100 + 25) / 3)


def test_index_counts_only_answered_items() -> None:
    assert pulse_index({"p1": 5, "p3": 1}) == 50


@pytest.mark.parametrize("items", [{}, {"p1": 0}, {"p1": 6}, {"p1": True}, {"p1": 2.5}])
def test_index_refuses_anything_outside_1_to_5(items: dict[str, int]) -> None:
    with pytest.raises(InvalidPulseAnswer):
        pulse_index(items)


def test_the_packaged_questionnaire_has_pulse_items() -> None:
    items = load_questionnaire().pulse_items
    assert items and all(item.text("sv") for item in items)


# --- links -----------------------------------------------------------------------------------


def test_links_name_a_unit_and_month_and_the_store_keeps_only_hashes(
    feedback_store: FeedbackStore,
) -> None:
    tokens = feedback_store.create_pulse_links("U1", "2026-03", 3, 14)
    assert len(set(tokens)) == 3
    link = feedback_store.pulse_token(tokens[0])
    assert link is not None
    assert (link.unit_id, link.period, link.used, link.expired) == ("U1", "2026-03", False, False)
    with feedback_store._session() as session:
        stored = set(session.scalars(select(PulseTokenRow.token_hash)))
    assert stored == {token_hash(token) for token in tokens}
    assert not stored & set(tokens)


def test_an_unknown_token_is_none(feedback_store: FeedbackStore) -> None:
    assert feedback_store.pulse_token("not-a-token") is None


@pytest.mark.parametrize("period", ["2026-3", "2026-13", "202603", "March"])
def test_links_need_a_month(feedback_store: FeedbackStore, period: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        feedback_store.create_pulse_links("U1", period, 1, 14)


def test_a_link_expires(feedback_store: FeedbackStore, clock: MovableClock) -> None:
    (token,) = feedback_store.create_pulse_links("U1", "2026-03", 1, 14)
    clock.advance(days=14)
    link = feedback_store.pulse_token(token)
    assert link is not None and link.expired and not link.open
    with pytest.raises(PulseLinkClosed) as closed:
        feedback_store.record_pulse_answer(token, {"p1": 4})
    assert closed.value.reason == "expired"
    assert feedback_store.count_pulse_answers() == 0


def test_an_unknown_link_takes_no_answer(feedback_store: FeedbackStore) -> None:
    with pytest.raises(PulseLinkClosed) as closed:
        feedback_store.record_pulse_answer("made-up", {"p1": 4})
    assert closed.value.reason == "unknown"


# --- answers ---------------------------------------------------------------------------------


def test_one_answer_per_link_and_a_second_submission_changes_nothing(
    feedback_store: FeedbackStore,
) -> None:
    (token,) = feedback_store.create_pulse_links("U1", "2026-03", 1, 14)
    assert feedback_store.record_pulse_answer(token, {"p1": 4, "p2": 5}) is True
    assert feedback_store.record_pulse_answer(token, {"p1": 1, "p2": 1}) is False
    link = feedback_store.pulse_token(token)
    assert link is not None and link.used
    with feedback_store._session() as session:
        rows = list(session.scalars(select(PulseAnswerRow)))
    assert len(rows) == 1
    assert json.loads(rows[0].items) == {"p1": 4, "p2": 5}
    assert rows[0].answer_key == f"pulse:{token_hash(token)}"
    assert (rows[0].unit_id, rows[0].period) == ("U1", "2026-03")


def test_answers_carry_no_token_and_no_person(feedback_store: FeedbackStore) -> None:
    (token,) = feedback_store.create_pulse_links("U1", "2026-03", 1, 14)
    feedback_store.record_pulse_answer(token, {"p1": 4})
    with feedback_store._session() as session:
        row = session.scalars(select(PulseAnswerRow)).one()
    assert token not in (row.answer_key, row.items)


def test_an_invalid_answer_leaves_the_link_open(feedback_store: FeedbackStore) -> None:
    (token,) = feedback_store.create_pulse_links("U1", "2026-03", 1, 14)
    with pytest.raises(InvalidPulseAnswer):
        feedback_store.record_pulse_answer(token, {"p1": 9})
    link = feedback_store.pulse_token(token)
    assert link is not None and link.open


def test_racing_submissions_of_one_link_store_one_answer(feedback_store: FeedbackStore) -> None:
    (token,) = feedback_store.create_pulse_links("U1", "2026-03", 1, 14)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda _: feedback_store.record_pulse_answer(token, {"p1": 3}), range(16))
        )
    assert results.count(True) == 1
    assert feedback_store.count_pulse_answers() == 1


def test_a_pulse_answer_changes_the_store_revision(feedback_store: FeedbackStore) -> None:
    (token,) = feedback_store.create_pulse_links("U1", "2026-03", 1, 14)
    before = feedback_store.revision()
    feedback_store.record_pulse_answer(token, {"p1": 3})
    assert feedback_store.revision() != before


# --- staff_survey ----------------------------------------------------------------------------


def test_groups_of_five_or_more_become_staff_survey_rows(feedback_store: FeedbackStore) -> None:
    answer_all(feedback_store, "U1", "2026-03", [5, 5, 4, 3, 1])  # 100, 100, 75, 50, 0
    (row,) = staff_survey_rows(feedback_store)
    assert (row.unit_id, row.period, row.respondents, row.qwl_index) == ("U1", "2026-03", 5, 65.0)


def test_groups_under_five_are_not_reported_at_all(feedback_store: FeedbackStore) -> None:
    answer_all(feedback_store, "U1", "2026-03", [5, 4, 3, 2])
    answer_all(feedback_store, "U2", "2026-03", [3, 3, 3, 3, 3])
    answer_all(feedback_store, "U2", "2026-04", [4])
    rows = staff_survey_rows(feedback_store)
    assert [(row.unit_id, row.period, row.respondents) for row in rows] == [("U2", "2026-03", 5)]
    assert rows[0].qwl_index == 50.0


def test_the_group_threshold_can_be_raised(feedback_store: FeedbackStore) -> None:
    answer_all(feedback_store, "U1", "2026-03", [4] * 6)
    assert staff_survey_rows(feedback_store, min_group=7) == []
    assert staff_survey_rows(feedback_store, min_group=6)[0].respondents == 6


def test_an_answer_counts_for_its_links_month_not_its_submission_day(
    feedback_store: FeedbackStore, clock: MovableClock
) -> None:
    tokens = feedback_store.create_pulse_links("U1", "2026-02", 5, 60)
    clock.advance(days=40)  # well into another month
    for token in tokens:
        feedback_store.record_pulse_answer(token, {"p1": 5})
    assert [row.period for row in staff_survey_rows(feedback_store)] == ["2026-02"]
