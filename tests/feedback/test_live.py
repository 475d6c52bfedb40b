"""Live feedback indicators: the load's answers plus the store's, counted once, within seconds.

The store's answers are placed in February 2026, after the test county's last loaded answer
(December 2025), so each expected value below is computed by hand from the answers stored
here alone; the county rows of that month contain exactly the same answers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tilannekuva.feedback.live import live_feedback_views
from tilannekuva.feedback.store import Answer, FeedbackStore, NewInvitation
from tilannekuva.feedback.store.models import PulseAnswerRow, ResponseRow
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.web.snapshot import SnapshotStore

UNIT = "105-TA1-VO"  # a reception unit of the test county (Hyrynsalmi)
WHEN = datetime(2026, 2, 10, 10, 0, tzinfo=UTC)
MONTH = "2026-02"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeedbackStore]:
    opened = FeedbackStore.open(f"sqlite:///{tmp_path / 'feedback.sqlite'}")
    yield opened
    opened.close()


def answer(key: str, nps: int | None, unit: str = UNIT, **statements: int) -> Answer:
    return Answer(
        answer_key=key,
        unit_id=unit,
        channel="sms",
        language="fi",
        questionnaire_version="national-1",
        submitted_at=WHEN,
        nps=nps,
        statements=statements,
    )


def row(rows: list[IndicatorRow], indicator: str, unit: str = UNIT) -> IndicatorRow:
    found = [r for r in rows if (r.indicator_id, r.period, r.unit_id) == (indicator, MONTH, unit)]
    assert len(found) == 1, f"{indicator} {MONTH} {unit}: {found}"
    return found[0]


def test_store_answers_are_in_the_units_nps_and_statement_means(
    county_warehouse: Path, store: FeedbackStore
) -> None:
    for key, score in (("a", 9), ("b", 10), ("c", 3)):
        store.record_answer(answer(key, score, s1=4))
    store.record_answer(answer("d", None, s1=2, s2=0))  # statements only; 0 = cannot say

    rows = live_feedback_views(county_warehouse, store).rows

    nps = row(rows, "nps")
    assert (nps.numerator, nps.denominator) == (1, 3)  # 2 promoters − 1 detractor of 3
    assert nps.value == pytest.approx(100 / 3)
    assert row(rows, "nps_promoters_pct").value == pytest.approx(200 / 3)
    s1 = row(rows, "statement_mean_s1")
    assert (s1.numerator, s1.denominator, s1.value) == (14, 4, 3.5)  # 4 + 4 + 4 + 2
    assert not [r for r in rows if r.indicator_id == "statement_mean_s2" and r.period == MONTH]
    county = row(rows, "nps", unit="")
    assert (county.numerator, county.denominator) == (1, 3)


def test_an_answer_already_in_the_load_counts_once(
    county_warehouse: Path, store: FeedbackStore
) -> None:
    with duckdb.connect(str(county_warehouse), read_only=True) as connection:
        found = connection.execute(
            "SELECT response_id, unit_id, submitted_at, nps FROM feedback_responses "
            "WHERE nps IS NOT NULL ORDER BY response_id LIMIT 1"
        ).fetchone()
    assert found is not None
    loaded_id, unit, submitted, nps = found
    before = live_feedback_views(county_warehouse, store).rows
    with store._session() as session, session.begin():  # the county exported it back to us
        session.add(
            ResponseRow(
                response_id=loaded_id,
                answer_key="echo",
                unit_id=unit,
                channel="sms",
                language="fi",
                questionnaire_version="national-1",
                submitted_at=submitted.replace(tzinfo=UTC),
                updated_at=WHEN,
                nps=nps,
            )
        )
    after = live_feedback_views(county_warehouse, store).rows
    assert [r for r in after if r.indicator_id == "nps"] == [
        r for r in before if r.indicator_id == "nps"
    ]


@pytest.mark.parametrize(
    ("submitted", "month"),
    [
        (datetime(2026, 2, 28, 21, 59, tzinfo=UTC), "2026-02"),  # 23:59 in Helsinki (UTC+2)
        (datetime(2026, 2, 28, 22, 0, tzinfo=UTC), "2026-03"),  # midnight: 1 March
        (datetime(2026, 3, 31, 21, 30, tzinfo=UTC), "2026-04"),  # 00:30 summer time (UTC+3)
        (datetime(2026, 3, 31, 20, 59, tzinfo=UTC), "2026-03"),  # 23:59 summer time
    ],
)
def test_an_answer_counts_in_its_month_by_finnish_time(
    county_warehouse: Path, store: FeedbackStore, submitted: datetime, month: str
) -> None:
    store.record_answer(replace(answer("late", 10), submitted_at=submitted))
    rows = live_feedback_views(county_warehouse, store).rows
    found = [
        (r.period, r.denominator) for r in rows if r.indicator_id == "nps" and r.unit_id == UNIT
    ]
    assert (month, 1) in found
    assert [p for p, _ in found if p >= "2026-01" and "Q" not in p] == [month]  # months


def test_answers_of_units_the_load_does_not_know_are_left_out(
    county_warehouse: Path, store: FeedbackStore
) -> None:
    store.record_answer(answer("x", 10, unit="NO-SUCH-UNIT"))
    rows = live_feedback_views(county_warehouse, store).rows
    assert not [r for r in rows if r.period == MONTH]


def test_response_rate_counts_sent_invitations_of_live_visits(
    county_warehouse: Path, store: FeedbackStore
) -> None:
    invitations = []
    for number in range(4):
        invitation, _token = store.record_invitation(
            NewInvitation(
                contact_id=f"live-contact-{number}",  # a visit the warehouse has not seen yet
                unit_id=UNIT,
                person_key=f"person-{number}",
                channel="sms",
                language="fi",
                questionnaire_version="national-1",
                send_after=WHEN,
                valid_for=timedelta(days=7),
            )
        )
        invitations.append(invitation)
    for invitation in invitations[:3]:
        store.mark_invitation_sent(invitation.invitation_id, WHEN)  # the fourth is still queued
    store.record_answer(
        Answer(
            answer_key="sms:1",
            unit_id=UNIT,
            channel="sms",
            language="fi",
            questionnaire_version="national-1",
            submitted_at=WHEN,
            invitation_id=invitations[0].invitation_id,
            nps=9,
        )
    )
    rate = row(live_feedback_views(county_warehouse, store).rows, "feedback_response_rate")
    assert (rate.numerator, rate.denominator) == (1, 3)


def test_pulse_groups_of_five_feed_qwl_and_smaller_ones_do_not(
    county_warehouse: Path, store: FeedbackStore
) -> None:
    with store._session() as session, session.begin():
        for number, index_value in enumerate((50.0, 75.0, 100.0, 25.0, 50.0)):
            session.add(
                PulseAnswerRow(
                    answer_key=f"pulse:{number}",
                    unit_id=UNIT,
                    period=MONTH,
                    submitted_at=WHEN,
                    items="{}",
                    index_value=index_value,
                )
            )
        for number in range(4):  # another unit: only four staff answered
            session.add(
                PulseAnswerRow(
                    answer_key=f"pulse:small:{number}",
                    unit_id="105-TA1-SUU",
                    period=MONTH,
                    submitted_at=WHEN,
                    items="{}",
                    index_value=90.0,
                )
            )
    rows = live_feedback_views(county_warehouse, store).rows
    qwl = row(rows, "qwl_index")
    # mean (50 + 75 + 100 + 25 + 50) / 5 = 60, weighted by its 5 respondents
    assert (qwl.numerator, qwl.denominator, qwl.value) == (300.0, 5, 60.0)
    assert not [
        r
        for r in rows
        if r.indicator_id == "qwl_index" and r.unit_id == "105-TA1-SUU" and r.period == MONTH
    ]


def test_snapshot_shows_a_new_answer_after_a_live_refresh(
    county_warehouse: Path, store: FeedbackStore
) -> None:
    snapshots = SnapshotStore(county_warehouse, check_seconds=3600, feedback=store)
    first = snapshots.refresh_now()
    assert not [r for r in first.rows("nps", role="analyst") if r.period == MONTH]

    for key in "abcde":
        store.record_answer(answer(key, 9))
    live = snapshots.refresh_live_now()

    assert live.generation != first.generation
    unit_rows = [r for r in live.rows("nps", role="public") if r.period == MONTH]
    assert {(r.unit_id, r.value, r.suppressed) for r in unit_rows} == {
        (UNIT, 100.0, False),
        ("", 100.0, False),
    }
    # the other indicators are the load's own rows, untouched
    assert live.rows("contacts_total", role="analyst") == first.rows(
        "contacts_total", role="analyst"
    )


def test_the_snapshot_poller_picks_up_an_answer_by_itself(
    county_warehouse: Path, store: FeedbackStore
) -> None:
    snapshots = SnapshotStore(county_warehouse, check_seconds=3600, feedback=store)
    snapshots.refresh_now()
    snapshots.start_polling(0.05)
    try:
        store.record_answer(answer("p", 10))
        deadline = datetime.now(UTC) + timedelta(seconds=20)
        while datetime.now(UTC) < deadline:
            shown = snapshots.current().rows("nps", role="analyst")
            if any(r.period == MONTH and r.unit_id == UNIT for r in shown):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the poller did not show the new answer within 20 s")
    finally:
        snapshots.stop_polling()
