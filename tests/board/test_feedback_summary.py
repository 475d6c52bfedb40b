"""The board's feedback numbers: last 30 days' NPS and answers, the latest reported pulse."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.feedback.feedback_stores import MovableClock, clock, sqlite_store
from tilannekuva.board.feedback_summary import FeedbackTotals, Pulse, feedback_summary
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.feedback.store.answers import Answer

__all__ = ["clock", "sqlite_store"]
_KEYS = iter(range(10**6))


def give(store: FeedbackStore, unit: str, nps: int | None, days_ago: float) -> None:
    store.record_answer(
        Answer(
            answer_key=f"test:{next(_KEYS)}",
            unit_id=unit,
            channel="kiosk",
            language="fi",
            questionnaire_version="1",
            submitted_at=store.now() - timedelta(days=days_ago),
            nps=nps,
        )
    )


def pulse(store: FeedbackStore, unit: str, period: str, scores: list[int]) -> None:
    for token, score in zip(
        store.create_pulse_links(unit, period, len(scores), 14), scores, strict=True
    ):
        assert store.record_pulse_answer(token, {"p1": score, "p2": score})


def test_nps_and_answers_of_the_last_30_days(sqlite_store: FeedbackStore) -> None:
    for score in (10, 9, 9, 7, 3, None):
        give(sqlite_store, "u1", score, days_ago=1)
    give(sqlite_store, "u1", 0, days_ago=30)  # the window's first instant: in
    give(sqlite_store, "u1", 0, days_ago=30.01)  # before the window: out
    give(sqlite_store, "u2", 6, days_ago=2)
    summary = feedback_summary(sqlite_store, sqlite_store.now())
    u1 = summary.totals(["u1"])
    # promoters 10, 9, 9; detractors 3 and 0; 7 is passive; one answer without an NPS.
    assert u1 == FeedbackTotals(responses=7, nps_answers=6, promoters=3, detractors=2)
    assert u1.nps == pytest.approx(100 * (3 - 2) / 6)
    assert summary.totals(["u2"]).nps == -100
    both = summary.totals(["u1", "u2"])
    assert (both.nps_answers, both.promoters, both.detractors) == (7, 3, 3)
    assert both.nps == 0
    assert summary.totals(["u3"]) == FeedbackTotals() and FeedbackTotals().nps is None
    assert summary.until - summary.since == timedelta(days=30)


def test_latest_pulse_only_from_groups_of_five(
    sqlite_store: FeedbackStore, clock: MovableClock
) -> None:
    pulse(sqlite_store, "u1", "2026-01", [3] * 5)  # index 50
    pulse(sqlite_store, "u1", "2026-02", [4] * 5)  # index 75
    pulse(sqlite_store, "u1", "2026-03", [5] * 4)  # four answers: not reported at all
    pulse(sqlite_store, "u2", "2026-02", [5] * 5)  # index 100
    summary = feedback_summary(sqlite_store, clock())
    assert summary.pulse(["u1"]) == Pulse("2026-02", 5, 75.0)
    # Two units: the latest month, weighted by respondents: (5 × 75 + 5 × 100) / 10.
    assert summary.pulse(["u1", "u2"]) == Pulse("2026-02", 10, 87.5)
    assert summary.pulse(["u3"]) is None
